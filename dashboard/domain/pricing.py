"""Money arithmetic of an order: line totals, VAT, order totals and the balance.

Prices are VAT-included (French retail), in integer minor units. VAT is extracted per line
and rounded half-up, which is what the invoice shows line by line; the order's tax is the
sum of its lines' taxes, so the VAT breakdown always adds up to the total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


SHIPPING_VAT_BP = 2000  # shipping is taxed at the standard French rate


def vat_included_tax(amount: int, vat_rate_bp: int) -> int:
    """The VAT inside a VAT-included amount: amount * rate / (1 + rate), rounded half-up."""
    if vat_rate_bp <= 0 or amount == 0:
        return 0
    tax = Decimal(amount) * vat_rate_bp / (10_000 + vat_rate_bp)
    return int(tax.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class LineAmounts:
    line_total: int
    tax_amount: int


def line_amounts(unit_price: int, quantity: int, vat_rate_bp: int) -> LineAmounts:
    total = unit_price * quantity
    return LineAmounts(line_total=total, tax_amount=vat_included_tax(total, vat_rate_bp))


@dataclass(frozen=True)
class OrderTotals:
    subtotal: int
    shipping_total: int
    tax_total: int
    total: int


def order_totals(lines: Iterable[LineAmounts], shipping_total: int = 0,
                 shipping_vat_rate_bp: int = SHIPPING_VAT_BP) -> OrderTotals:
    lines = list(lines)
    subtotal = sum(line.line_total for line in lines)
    tax = sum(line.tax_amount for line in lines) + vat_included_tax(shipping_total, shipping_vat_rate_bp)
    return OrderTotals(subtotal=subtotal, shipping_total=shipping_total, tax_total=tax,
                       total=subtotal + shipping_total)


def balance_due(total: int, surcharge_total: int, paid_total: int, refunded_total: int,
                credited_total: int, *, cancelled: bool = False) -> int:
    """What the customer still owes (positive) or is owed (negative).

    Charged = total + surcharges - credit notes; settled = paid - refunded. A cancelled
    order charges nothing: its balance is only the money still to give back.
    """
    charged = 0 if cancelled else total + surcharge_total - credited_total
    return charged - (paid_total - refunded_total)
