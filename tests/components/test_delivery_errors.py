"""A failed delivery's stored error, told to staff: each kind the senders write (their exact
wording, from services/printing/labels.py and worker/) gets its own sentence in French and
English; anything else gets a sentence too, and the raw text stays beside it."""

from __future__ import annotations

import pytest

from dashboard.components.delivery_errors import DETAIL_LENGTH, delivery_error
from dashboard.components.i18n import current_locale

# (what a sender stored, the French sentence, the English sentence)
KINDS = [
    ("10.0.0.7:9100: Connection refused",
     "L’imprimante a refusé la connexion : est-elle allumée, et est-ce bien son port ?",
     "The printer refused the connection: is it switched on, and is this its port?"),
    ("10.0.0.7:9100: No route to host",
     "L’imprimante est injoignable : vérifiez son câble réseau et son adresse.",
     "The printer cannot be reached: check its network cable and address."),
    ("zebra.local:9100: Name or service not known",
     "L’imprimante est injoignable : vérifiez son câble réseau et son adresse.",
     "The printer cannot be reached: check its network cable and address."),
    ("10.0.0.7:9100: no answer (timeout)", "L’imprimante n’a pas répondu à temps.",
     "The printer did not answer in time."),
    ("10.0.0.7:9100: Connection reset by peer", "L’imprimante n’a pas pu être jointe.",
     "The printer could not be reached."),
    ("CUPS queue 'Zebra_GK420d' does not exist or CUPS is not answering",
     "La file CUPS Zebra_GK420d n’existe pas, ou CUPS ne répond pas.",
     "The CUPS queue Zebra_GK420d does not exist, or CUPS is not answering."),
    ("CUPS: [Errno 2] No such file or directory: 'lpr'", "CUPS a refusé le travail.",
     "CUPS refused the job."),
    ("printer 'zebra2' is not configured (DASHBOARD_PRINTERS)",
     "L’imprimante zebra2 n’est pas configurée (DASHBOARD_PRINTERS).",
     "Printer zebra2 is not configured (DASHBOARD_PRINTERS)."),
    ("document: Order 100001 is cancelled: it gets no invoice.",
     "Le document ne peut plus être établi pour cette commande.",
     "The document can no longer be made for this order."),
    ("PDF: Chromium is not installed",
     "Le PDF n’a pas pu être produit : le moteur de rendu des documents est indisponible.",
     "The PDF could not be made: the document renderer is not available."),
    ("RuntimeError: HTTP 503: <html>Service Unavailable</html>",
     "Le serveur destinataire a répondu par une erreur (HTTP 503).",
     "The receiving server answered with an error (HTTP 503)."),
    ("HTTP 402: card expired",  # a refund the provider refused for good
     "Le serveur destinataire a répondu par une erreur (HTTP 402).",
     "The receiving server answered with an error (HTTP 402)."),
    ("ReadTimeout: ", "Le serveur destinataire n’a pas répondu à temps.",
     "The receiving server did not answer in time."),
    ("ConnectTimeout: timed out", "Le serveur destinataire n’a pas répondu à temps.",
     "The receiving server did not answer in time."),
    ("ConnectError: All connection attempts failed", "Le serveur destinataire est injoignable.",
     "The receiving server cannot be reached."),
    ("ConnectError: [Errno -2] Name or service not known",
     "Le serveur destinataire est injoignable.", "The receiving server cannot be reached."),
    ("OSError: [Errno 111] Connection refused",
     "Le serveur destinataire a refusé la connexion.",
     "The receiving server refused the connection."),
    ("endpoint removed or disabled", "La destination a été supprimée ou désactivée.",
     "The endpoint was removed or disabled."),
    ("the provider answered without a refund id",
     "Échec pour une raison que le tableau de bord ne reconnaît pas :",
     "Failed for a reason the dashboard does not recognise:"),
]


def _in(locale: str, raw: str):
    token = current_locale.set(locale)
    try:
        return delivery_error(raw)
    finally:
        current_locale.reset(token)


@pytest.mark.parametrize("raw, french, english", KINDS)
def test_each_kind_reads_as_a_sentence_in_the_readers_language(raw, french, english):
    assert _in("fr", raw).sentence == french
    assert _in("en", raw).sentence == english
    assert _in("fr", raw).detail == raw.strip()  # the log as stored, beside it


def test_the_kinds_are_told_apart():
    """Without this, one sentence matching everything would pass the table above only
    where it happens to be right."""
    assert len({english for _, _, english in KINDS}) == 16


def test_no_error_shows_nothing_and_a_long_one_is_shortened():
    assert _in("fr", "") is None and _in("fr", None) is None and _in("fr", "  ") is None
    raw = "RuntimeError: HTTP 500: " + "x" * 500
    error = _in("fr", raw)
    assert len(error.detail) == DETAIL_LENGTH and error.detail.endswith("…")
    assert error.raw == raw  # whole, for the title
