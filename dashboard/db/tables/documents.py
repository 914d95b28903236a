"""Numbered documents and the gap-free yearly sequences that number them."""

from piccolo.columns import JSON, BigInt, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique
from piccolo.table import Table

from dashboard.db.tables.orders import Order
from dashboard.db.tables.returns import ReturnRequest


class DocumentSequence(Table, tablename="document_sequence"):
    """Last number given per kind and year; incremented inside the issuing transaction."""

    kind = Varchar(length=20)  # invoice | credit_note | order | rma | pick_list
    year = Integer()
    last_value = Integer(default=0)

    one_counter_per_kind_and_year = Unique(["kind", "year"])


class Invoice(Table, tablename="invoice"):
    order = ForeignKey(Order, on_delete=OnDelete.restrict, index=True, null=False)
    number = Varchar(length=30, unique=True)
    kind = Varchar(length=20, default="invoice")  # invoice | supplementary
    issued_at = Timestamptz(default=TimestamptzNow())
    total = BigInt()
    tax_total = BigInt(default=0)
    currency = Varchar(length=3, default="EUR")
    snapshot = JSON(default="{}")  # what the document showed when issued


class CreditNote(Table, tablename="credit_note"):
    order = ForeignKey(Order, on_delete=OnDelete.restrict, index=True, null=False)
    return_request = ForeignKey(ReturnRequest, on_delete=OnDelete.restrict, null=True)
    number = Varchar(length=30, unique=True)
    issued_at = Timestamptz(default=TimestamptzNow())
    amount = BigInt()
    tax_amount = BigInt(default=0)
    currency = Varchar(length=3, default="EUR")
    reason = Text(default="")
    refund_method = Varchar(length=20, null=True, default=None)  # card | bank_transfer | store_credit
    refund_ref = Varchar(length=120, default="")
    lines = JSON(default="[]")
    actor = Varchar(length=200, default="")
