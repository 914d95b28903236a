"""Numbered documents and the gap-free yearly sequences that number them."""

from piccolo.columns import (
    JSON, BigInt, Bytea, ForeignKey, Integer, Text, Timestamptz, Varchar,
)
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


class PrintBatch(Table, tablename="print_batch"):
    """One batch of documents printed as ONE PDF, with its progress, so any instance shows
    the progress and serves the file, and a restart leaves an honest "interrupted" state.

    ``heartbeat_at`` is renewed by the running instance; a running batch whose heartbeat is
    old was interrupted (the process that ran it is gone)."""

    batch_id = Varchar(length=64, unique=True)
    kind = Varchar(length=30)
    paper = Varchar(length=10)
    actor = Varchar(length=200, default="")
    order_numbers = JSON(default="[]")
    status = Varchar(length=20, default="preparing")  # preparing | rendering | done | cancelled | failed
    done = Integer(default=0)
    skipped = JSON(default="[]")  # [{"number", "template", "values"}], translated at display
    error = Text(default="")
    pdf = Bytea(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    heartbeat_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
