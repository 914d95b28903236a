"""Phone orders in progress: what a call-centre agent has gathered so far, kept on the
server so a dropped call can be resumed by anyone."""

from piccolo.columns import JSON, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from dashboard.db.tables.customers import Customer


class PhoneDraft(Table, tablename="phone_draft"):
    """An unfinished phone order. ``data`` holds the caller's details, addresses, lines
    (SKU and quantity), payment and shipping method (see ``domain/orders/phone.py``);
    ``status`` is ``open`` until it is placed (``order_number``) or abandoned."""

    customer = ForeignKey(Customer, on_delete=OnDelete.set_null, null=True, index=True)
    agent = Varchar(length=200, default="")
    status = Varchar(length=10, default="open", index=True)
    data = JSON(default="{}")
    source_order = Varchar(length=20, null=True, default=None)  # repeat of this order
    order_number = Varchar(length=20, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow(), index=True)
    version = Integer(default=1)
