"""Carriers: which tracking numbers each one issues, and where a customer follows a parcel.

A tracking number typed by hand (or read off a label) is checked against its carrier's
format before anything is written, so a customer never receives a dead tracking link. The
formats are the public shapes of each carrier's numbers; "other" accepts any sensible text.
``guess_carrier`` serves the scan-to-ship desk, where the label barcode is all we have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.numbers import N_, Message


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str
    pattern: re.Pattern
    url_template: str  # "{tracking}" is replaced by the URL-quoted tracking number
    example: str

    def tracking_url(self, tracking_number: str) -> str:
        if not self.url_template:
            return ""
        return self.url_template.replace("{tracking}", quote(tracking_number, safe=""))


def _c(code: str, name: str, pattern: str, url: str, example: str) -> Carrier:
    return Carrier(code, name, re.compile(pattern), url, example)


# Order matters for guessing: the most specific formats first; "other" last.
# What the ship form proposes for an order that never left: the French post's parcels.
DEFAULT_CARRIER = "colissimo"

CARRIERS: dict[str, Carrier] = {c.code: c for c in (
    # UPS: "1Z" + 16 alphanumerics.
    _c("ups", "UPS", r"1Z[0-9A-Z]{16}", "https://www.ups.com/track?tracknum={tracking}",
       "1Z999AA10123456784"),
    # Chronopost: 2 letters, 9 digits, "FR" (international S10 shape with a Chronopost prefix)
    # or 13 characters starting with XY/XX/XP.
    _c("chronopost", "Chronopost", r"(?:X[A-Z]\d{9}[A-Z]{2}|[A-Z]{2}\d{9}FR)",
       "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={tracking}",
       "XY123456789FR"),
    # La Poste / Colissimo: 11 to 15 characters, 1-2 digits/letters prefix then digits
    # (e.g. 6A12345678901, 8R12345678901, 1A123456789012).
    _c("colissimo", "La Poste / Colissimo", r"\d[A-Z]\d{11,13}",
       "https://www.laposte.fr/outils/suivre-vos-envois?code={tracking}", "6A12345678901"),
    # Mondial Relay: 8 digits (expedition number) or 10/12 digits.
    _c("mondial_relay", "Mondial Relay", r"\d{8}",
       "https://www.mondialrelay.fr/suivi-de-colis/?NumeroExpedition={tracking}", "12345678"),
    # GLS: 11 or 12 digits, or 8 alphanumerics (track ID).
    _c("gls", "GLS", r"(?:\d{11,12}|[A-Z0-9]{8})",
       "https://gls-group.com/FR/fr/suivi-colis?match={tracking}", "12345678901"),
    # DPD: 14 digits parcel number (optionally followed by a letter/digit check).
    _c("dpd", "DPD", r"\d{14}[0-9A-Z]?",
       "https://trace.dpd.fr/fr/trace/{tracking}", "09876543210123"),
    # DHL: 10 digits (Express), or JJD + 18-20 digits (Parcel).
    _c("dhl", "DHL", r"(?:\d{10}|JJD\d{18,20}|JVGL\d{10,20})",
       "https://www.dhl.com/fr-fr/home/suivi.html?tracking-id={tracking}", "1234567890"),
    _c("other", N_("Other"), r"[0-9A-Z][0-9A-Z\-/.]{3,59}", "", "ABC-123"),
)}


def normalise_tracking(tracking_number: str | None) -> str:
    """Scanners and people add spaces and lower case; carriers' numbers have neither."""
    return re.sub(r"\s+", "", tracking_number or "").upper()


# Other spellings integrations send (ShipStation, carrier webhooks).
ALIASES = {"laposte": "colissimo", "la_poste": "colissimo", "la poste": "colissimo",
           "mondialrelay": "mondial_relay", "mondial relay": "mondial_relay",
           "dhl_express": "dhl", "dhlexpress": "dhl"}


def get_carrier(code: str | None) -> Carrier:
    code = (code or "").strip().lower()
    carrier = CARRIERS.get(ALIASES.get(code, code))
    if carrier is None:
        raise ValidationFailed({"carrier": Message(N_("Choose a carrier from the list."))},
                               Message(N_("Unknown carrier")))
    return carrier


def validate_tracking(carrier_code: str | None, tracking_number: str | None) -> tuple[Carrier, str]:
    """The carrier and the normalised tracking number, or ``ValidationFailed`` saying why.

    A number that does not fit its carrier's format is refused (with an example of the
    expected shape) rather than stored: a typo would give the customer a dead link.
    """
    carrier = get_carrier(carrier_code)
    number = normalise_tracking(tracking_number)
    if not number:
        raise ValidationFailed({"tracking_number": Message(N_("Enter the tracking number."))},
                               Message(N_("Tracking number required")))
    if not carrier.pattern.fullmatch(number):
        raise ValidationFailed(
            {"tracking_number": Message(
                N_("Not a %(carrier)s tracking number (expected like %(example)s)."),
                carrier=carrier.name, example=carrier.example)},
            Message(N_("Tracking number does not fit %(carrier)s"), carrier=carrier.name))
    return carrier, number


def guess_carrier(tracking_number: str | None) -> str | None:
    """The carrier whose format the number fits, when exactly one specific carrier fits."""
    number = normalise_tracking(tracking_number)
    fits = [c.code for c in CARRIERS.values() if c.code != "other" and c.pattern.fullmatch(number)]
    return fits[0] if len(fits) == 1 else None


def carrier_choices() -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in CARRIERS.values()]
