"""Label printers and print jobs: which printers exist, label geometry, and the retry rule.

Printers are configured as ``name=cups:Queue`` (a raw CUPS queue) or ``name=tcp:host:port``
(a network printer taking raw ZPL, usually on port 9100), comma separated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Iterable
from datetime import datetime, timedelta

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.numbers import Message, N_

MAX_ATTEMPTS = 5
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 15 * 60
LEASE_SECONDS = 120  # a job "sending" longer than this was abandoned by a dead worker

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


@dataclass(frozen=True)
class Printer:
    name: str
    kind: str  # cups | tcp
    queue: str = ""
    host: str = ""
    port: int = 9100

    @property
    def address(self) -> str:
        return f"cups:{self.queue}" if self.kind == "cups" else f"tcp:{self.host}:{self.port}"


# A host name or IPv4 address, or an IPv6 address in brackets, then an optional port.
_TCP_TARGET = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9._-]+))"
                         r"(?::(?P<port>\d{1,5}))?$")


def parse_printers(spec: str) -> dict[str, Printer]:
    """``"zebra1=cups:ZebraQueue,zebra2=tcp:10.0.0.5:9100"`` -> printers by name.

    Raises ``ValidationFailed`` naming the faulty entry, so a typo in the setting is
    reported at start-up rather than when the first label fails.
    """
    printers: dict[str, Printer] = {}
    for entry in filter(None, (part.strip() for part in (spec or "").split(","))):
        name, _, target = entry.partition("=")
        kind, _, rest = target.partition(":")
        name, kind = name.strip(), kind.strip().lower()
        if not _NAME.match(name):
            raise ValidationFailed({"printers": f"bad printer name in {entry!r}"})
        if kind == "cups" and _NAME.match(rest):
            printers[name] = Printer(name, "cups", queue=rest)
        elif kind == "tcp" and (match := _TCP_TARGET.match(rest)) and \
                1 <= (port := int(match.group("port") or 9100)) <= 65535:
            printers[name] = Printer(name, "tcp", host=match.group("v6") or match.group("host"),
                                     port=port)
        else:
            raise ValidationFailed({"printers": f"expected name=cups:Queue or name=tcp:host:port, got {entry!r}"})
    return printers


UNKNOWN_PRINTER = N_("Choose one of the configured printers.")
NO_PRINTER = N_("No printer is configured (DASHBOARD_PRINTERS).")


def chosen_printer(name: str | None, configured: Iterable[str]) -> str:
    """``name`` when it is one of the ``configured`` printers' names. Raises
    ``ValidationFailed`` on ``printer`` otherwise, saying so when none is configured."""
    configured = tuple(configured)
    if name and name in configured:
        return name
    message = Message(UNKNOWN_PRINTER if configured else NO_PRINTER)
    raise ValidationFailed({"printer": message}, message)


# --- Labels ------------------------------------------------------------------------------

LABEL_SIZES = {"4x6": (4.0, 6.0), "2x1": (2.0, 1.0)}
DPIS = (203, 300)
LABEL_KINDS = {"shipping": "4x6", "product": "2x1", "bin": "2x1"}


@dataclass(frozen=True)
class LabelGeometry:
    size: str
    dpi: int
    width: int  # dots
    height: int  # dots

    def dots(self, at_203: float) -> int:
        """A length designed in 203-dpi dots, at this printer's resolution."""
        return round(at_203 * self.dpi / 203)


def label_geometry(kind: str, size: str | None = None, dpi: int | str | None = None) -> LabelGeometry:
    if kind not in LABEL_KINDS:
        raise ValidationFailed({"label": "one of " + ", ".join(LABEL_KINDS)})
    size = size or LABEL_KINDS[kind]
    if size != LABEL_KINDS[kind]:
        raise ValidationFailed({"size": f"a {kind} label is {LABEL_KINDS[kind]} in"})
    try:
        dpi = int(dpi or 203)
    except ValueError:
        dpi = 0
    if dpi not in DPIS:
        raise ValidationFailed({"dpi": "203 or 300"})
    width, height = LABEL_SIZES[size]
    return LabelGeometry(size, dpi, round(width * dpi), round(height * dpi))


# --- Retries -----------------------------------------------------------------------------

def after_failure(attempts: int, now: datetime) -> tuple[str, datetime]:
    """Status and next attempt after the ``attempts``-th failed try: retry with a doubling
    wait (30 s, 1 min, 2 min...) until ``MAX_ATTEMPTS``, then ``failed`` for good."""
    if attempts >= MAX_ATTEMPTS:
        return "failed", now
    delay = min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS)
    return "pending", now + timedelta(seconds=delay)
