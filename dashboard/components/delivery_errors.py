"""Why a print job, a webhook delivery or a refund failed, told to staff in their language.

The outbox rows keep ``last_error`` as the sender wrote it ("10.0.0.7:9100: Connection
refused", "RuntimeError: HTTP 500: ..."): a log, in English, left unchanged. Screens show
a translated sentence for the kinds people meet (a printer switched off or unplugged, no
answer in time, a CUPS queue missing, an endpoint answering an HTTP error) and keep the
raw text small beside it for whoever must dig further. A text no kind matches still gets
a sentence, so nothing raw is shown alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.components.i18n import gettext as _
from dashboard.components.labels import N_

# The longest raw text shown beside the sentence (the rest is in its title).
DETAIL_LENGTH = 120

# "host:port: reason" is what services/printing/labels.send_to_printer writes.
_AT_PRINTER = r"^\S+:\d+: "
_UNREACHABLE = (r"No route to host|Network is unreachable|Host is unreachable|"
                r"Name or service not known|Temporary failure in name resolution|"
                r"nodename nor servname|No address associated")

# (pattern, sentence): the first that matches the stored text tells it. Named groups are
# the sentence's values.
KINDS: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(p, re.IGNORECASE), s) for p, s in (
    (r"^printer '(?P<printer>[^']*)' is not configured",
     N_("Printer %(printer)s is not configured (DASHBOARD_PRINTERS).")),
    (r"^CUPS queue '(?P<queue>[^']*)' does not exist",
     N_("The CUPS queue %(queue)s does not exist, or CUPS is not answering.")),
    (r"^CUPS: ", N_("CUPS refused the job.")),
    (_AT_PRINTER + r"Connection refused",
     N_("The printer refused the connection: is it switched on, and is this its port?")),
    (_AT_PRINTER + rf"(?:{_UNREACHABLE})",
     N_("The printer cannot be reached: check its network cable and address.")),
    (_AT_PRINTER + r"(?:no answer \(timeout\)|.*timed out)",
     N_("The printer did not answer in time.")),
    (_AT_PRINTER, N_("The printer could not be reached.")),
    (r"^document: ", N_("The document can no longer be made for this order.")),
    (r"^PDF: ", N_("The PDF could not be made: the document renderer is not available.")),
    (r"(?:^|: )HTTP (?P<status>\d{3})\b",
     N_("The receiving server answered with an error (HTTP %(status)s).")),
    (r"^\w*Timeout(?:Error)?\b|timed out", N_("The receiving server did not answer in time.")),
    (r"Connection refused", N_("The receiving server refused the connection.")),
    (rf"^ConnectError\b|{_UNREACHABLE}|All connection attempts failed",
     N_("The receiving server cannot be reached.")),
    (r"^endpoint removed or disabled$", N_("The endpoint was removed or disabled.")),
))
UNKNOWN = N_("Failed for a reason the dashboard does not recognise:")


@dataclass(frozen=True)
class DeliveryError:
    sentence: str  # translated, for the reader
    detail: str  # the stored text, shortened
    raw: str  # the stored text, whole


def delivery_error(raw: str | None) -> DeliveryError | None:
    """``raw`` (a row's ``last_error``) as a sentence in the reader's language and the raw
    text shortened; None when there is no error."""
    raw = (raw or "").strip()
    if not raw:
        return None
    sentence = _(UNKNOWN)
    for pattern, template in KINDS:
        if match := pattern.search(raw):
            values = match.groupdict()
            sentence = _(template) % values if values else _(template)
            break
    detail = raw if len(raw) <= DETAIL_LENGTH else raw[:DETAIL_LENGTH - 1].rstrip() + "…"
    return DeliveryError(sentence=sentence, detail=detail, raw=raw)
