"""Scan-to-pick rules: what a scan means and where its units go.

A handheld scanner types the barcode then Enter; a picker may also type ``3*EAN`` to count
three at once. A scan is matched against the pick list's lines by EAN or SKU:
- ``counted``: units added to the lines still missing them (first line first);
- ``over_pick``: the product is on the list but fewer units are missing than scanned;
- ``wrong_product``: a known product that is not on this list;
- ``unknown``: a code that matches nothing;
- ``order``: a delivery note's order number, which opens that order's picking.
Only ``counted`` changes anything; every scan is logged with its result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from dashboard.domain.errors import ValidationFailed

MAX_SCAN_QUANTITY = 999
# ASCII digits only: "٣*EAN" is not a quantity of three.
_SCAN = re.compile(r"^(?:(\d{1,4})\s*[*xX]\s*)?(\S+)$", re.ASCII)


class ScanResult(StrEnum):
    COUNTED = "counted"
    OVER_PICK = "over_pick"
    WRONG_PRODUCT = "wrong_product"
    UNKNOWN = "unknown"
    ORDER = "order"


def parse_scan(raw: str | None) -> tuple[int, str]:
    """``(quantity, code)`` from what the scanner or the picker typed."""
    match = _SCAN.match((raw or "").strip())
    if not match:
        raise ValidationFailed({"code": "scan a barcode, or type a quantity like 3*EAN"},
                               "Nothing scanned")
    quantity = int(match.group(1) or 1)
    if not 1 <= quantity <= MAX_SCAN_QUANTITY:
        raise ValidationFailed({"code": f"a quantity from 1 to {MAX_SCAN_QUANTITY}"},
                               "Invalid quantity")
    return quantity, match.group(2)


@dataclass(frozen=True)
class PickLine:
    id: int
    barcode: str | None
    sku: str
    quantity: int
    picked: int
    short: int

    @property
    def missing(self) -> int:
        return max(self.quantity - self.picked - self.short, 0)

    def matches(self, code: str) -> bool:
        return code == (self.barcode or "") or code.upper() == self.sku.upper()


def plan_scan(code: str, quantity: int, lines: list[PickLine]) -> tuple[ScanResult, list[tuple[int, int]]]:
    """The scan's result and, when counted, ``(pick line id, units)`` to add."""
    matching = [line for line in lines if line.matches(code)]
    if not matching:
        return ScanResult.UNKNOWN, []
    if sum(line.missing for line in matching) < quantity:
        return ScanResult.OVER_PICK, []
    plan, left = [], quantity
    for line in matching:
        take = min(left, line.missing)
        if take:
            plan.append((line.id, take))
            left -= take
    return ScanResult.COUNTED, plan


def progress(lines: list[PickLine]) -> tuple[int, int]:
    """Units done (picked or marked short) and units wanted, over the whole list."""
    return (sum(line.picked + line.short for line in lines),
            sum(line.quantity for line in lines))


def is_complete(lines: list[PickLine]) -> bool:
    return all(line.missing == 0 for line in lines)


def plan_late_edit(target: int, quantity: int, picked: int, short: int) -> tuple[str, int] | None:
    """A line's new wanted quantity while it is being picked: the task it needs, if any.

    ``("pick_more", n)`` when more is wanted than the list asks for; ``("put_back", n)``
    when fewer are wanted than were already picked; None when the list only needs its
    quantity adjusted (nothing picked is in excess).
    """
    if target > quantity:
        return ("pick_more", target - quantity)
    if target < picked:
        return ("put_back", picked - target)
    return None


def pick_list_number(value: int) -> str:
    return f"PL{value:06d}"
