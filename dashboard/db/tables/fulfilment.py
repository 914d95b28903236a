"""Pick lists and scans, shipments and what each parcel holds."""

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check
from piccolo.table import Table

from dashboard.db.tables.catalogue import Product
from dashboard.db.tables.orders import Order, OrderLine
from dashboard.db.tables.staff import StaffUser


class PickList(Table, tablename="pick_list"):
    number = Varchar(length=20, unique=True)
    status = Varchar(length=20, default="open")  # open | completed | cancelled
    created_by = ForeignKey(StaffUser, on_delete=OnDelete.set_null, null=True)
    assigned_to = ForeignKey(StaffUser, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    completed_at = Timestamptz(null=True, default=None)


class PickListLine(Table, tablename="pick_list_line"):
    pick_list = ForeignKey(PickList, on_delete=OnDelete.restrict, index=True, null=False)
    order_line = ForeignKey(OrderLine, on_delete=OnDelete.restrict, index=True, null=False)
    product = ForeignKey(Product, on_delete=OnDelete.restrict, null=True)
    bin_location = Varchar(length=32, default="")
    quantity = Integer()
    picked = Integer(default=0)
    short = Integer(default=0)

    picked_within_quantity = Check("picked >= 0 AND short >= 0 AND picked + short <= quantity")


class Scan(Table, tablename="scan"):
    """One barcode read. ``client_scan_id`` makes a retried scan count once."""

    pick_list = ForeignKey(PickList, on_delete=OnDelete.restrict, index=True, null=False)
    client_scan_id = Varchar(length=64, unique=True)
    barcode = Varchar(length=64)
    quantity = Integer(default=1)
    result = Varchar(length=20)  # counted | wrong_product | over_pick | unknown
    actor = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Shipment(Table, tablename="shipment"):
    order = ForeignKey(Order, on_delete=OnDelete.restrict, index=True, null=False)
    carrier = Varchar(length=40, default="other", index=True)
    service = Varchar(length=100, default="")
    tracking_number = Varchar(length=100, default="", index=True)
    tracking_url = Text(default="")
    status = Varchar(length=20, default="shipped")  # shipped | in_transit | delivered | exception
    shipped_at = Timestamptz(null=True, default=None)
    delivered_at = Timestamptz(null=True, default=None)
    label_printed_at = Timestamptz(null=True, default=None)
    actor = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class ShipmentLine(Table, tablename="shipment_line"):
    shipment = ForeignKey(Shipment, on_delete=OnDelete.restrict, index=True, null=False)
    order_line = ForeignKey(OrderLine, on_delete=OnDelete.restrict, index=True, null=False)
    quantity = Integer()

    quantity_positive = Check("quantity > 0")


class PickTask(Table, tablename="pick_task"):
    """A late edit to an order being picked: goods to put back or to pick more.

    Shown on the picker's screen; the order cannot ship (nor its label print) until the
    picker has acknowledged it.
    """

    pick_list = ForeignKey(PickList, on_delete=OnDelete.restrict, index=True, null=False)
    pick_list_line = ForeignKey(PickListLine, on_delete=OnDelete.restrict, null=False)
    order = ForeignKey(Order, on_delete=OnDelete.restrict, index=True, null=False)
    kind = Varchar(length=20)  # put_back | pick_more
    quantity = Integer()
    created_at = Timestamptz(default=TimestamptzNow())
    acknowledged_at = Timestamptz(null=True, default=None)
    acknowledged_by = Varchar(length=200, default="")

    quantity_positive = Check("quantity > 0")
