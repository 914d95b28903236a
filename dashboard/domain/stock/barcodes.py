"""EAN-13 barcodes: the check digit that scanners verify on every read.

A GTIN-13 is 12 data digits and a check digit: weights 1 and 3 alternate from the left,
and the check digit brings the weighted sum up to a multiple of ten. A mistyped or
misprinted barcode almost always breaks it, so products are refused with a wrong one.
"""

from __future__ import annotations


def ean13_check_digit(first12: str) -> str:
    """The 13th digit for 12 data digits; raises ``ValueError`` for anything else."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError(f"an EAN-13 has 12 data digits, got {first12!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def ean13(first12: str) -> str:
    """The full 13-digit code for 12 data digits."""
    return first12 + ean13_check_digit(first12)


def is_valid_ean13(code: str | None) -> bool:
    """True for 13 digits whose last one is the right check digit."""
    if not code or len(code) != 13 or not code.isdigit():
        return False
    return ean13_check_digit(code[:12]) == code[12]
