"""Returns and exchanges: what comes back, why, in what state, and what replaces it."""

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check
from piccolo.table import Table

from dashboard.db.tables.catalogue import Product
from dashboard.db.tables.orders import Order, OrderLine


class ReturnRequest(Table, tablename="return_request"):
    order = ForeignKey(Order, on_delete=OnDelete.restrict, index=True, null=False)
    rma_number = Varchar(length=20, unique=True)
    kind = Varchar(length=10, default="return")  # return | exchange
    status = Varchar(length=20, default="authorised")  # authorised | received | closed | cancelled
    actor = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    received_at = Timestamptz(null=True, default=None)


class ReturnLine(Table, tablename="return_line"):
    return_request = ForeignKey(ReturnRequest, on_delete=OnDelete.restrict, index=True, null=False)
    order_line = ForeignKey(OrderLine, on_delete=OnDelete.restrict, index=True, null=False)
    quantity = Integer()
    reason = Varchar(length=40)  # damaged | wrong_item | changed_mind | ...
    condition = Varchar(length=20, null=True, default=None)  # resellable | damaged
    restocked = Integer(default=0)
    written_off = Integer(default=0)
    write_off_reason = Text(default="")
    replacement_product = ForeignKey(Product, on_delete=OnDelete.restrict, null=True)
    replacement_quantity = Integer(default=0)
    replacement_line = ForeignKey(OrderLine, on_delete=OnDelete.restrict, null=True)

    quantities_consistent = Check(
        "quantity > 0 AND restocked >= 0 AND written_off >= 0 "
        "AND restocked + written_off <= quantity AND replacement_quantity >= 0"
    )
