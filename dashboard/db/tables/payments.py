"""Imported bank statements, line by line, with the order each line was matched to."""

from piccolo.columns import BigInt, Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from dashboard.db.tables.orders import Order, Payment


class BankStatement(Table, tablename="bank_statement"):
    filename = Varchar(length=255, default="")
    format = Varchar(length=10)  # csv | camt053
    actor = Varchar(length=200, default="")
    imported_at = Timestamptz(default=TimestamptzNow())


class BankStatementLine(Table, tablename="bank_statement_line"):
    statement = ForeignKey(BankStatement, on_delete=OnDelete.restrict, index=True, null=False)
    booked_on = Date()
    amount = BigInt()
    currency = Varchar(length=3, default="EUR")
    reference = Text(default="")
    counterparty = Varchar(length=200, default="")
    status = Varchar(length=20, default="unmatched")  # unmatched | proposed | confirmed | ignored
    proposed_order = ForeignKey(Order, on_delete=OnDelete.restrict, null=True)
    payment = ForeignKey(Payment, on_delete=OnDelete.restrict, null=True)
