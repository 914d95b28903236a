"""Products, their stock level and the stock ledger."""

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check
from piccolo.table import Table


class Product(Table, tablename="product"):
    sku = Varchar(length=64, unique=True)
    name = Varchar(length=300)
    barcode = Varchar(length=32, null=True, default=None, index=True)  # EAN-13 / UPC-A
    price = Integer(default=0)  # minor units, VAT included
    currency = Varchar(length=3, default="EUR")
    vat_rate_bp = Integer(default=2000)  # basis points: 2000 = 20.00 %
    bin_location = Varchar(length=32, default="", index=True)
    backorder = Boolean(default=False)  # stock policy: accept orders beyond available
    active = Boolean(default=True)
    weight_grams = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())

    price_not_negative = Check("price >= 0")


class Stock(Table, tablename="stock"):
    """One row per product. ``available`` = on_hand - reserved, never below zero."""

    product = ForeignKey(Product, on_delete=OnDelete.restrict, unique=True, null=False)
    on_hand = Integer(default=0)
    reserved = Integer(default=0)
    backordered = Integer(default=0)
    updated_at = Timestamptz(default=TimestamptzNow())

    on_hand_not_negative = Check("on_hand >= 0")
    reserved_within_on_hand = Check("reserved >= 0 AND reserved <= on_hand")
    backordered_not_negative = Check("backordered >= 0")


class StockMovement(Table, tablename="stock_movement"):
    """Append-only ledger of every change to on hand or reserved, with its reason."""

    product = ForeignKey(Product, on_delete=OnDelete.restrict, index=True, null=False)
    on_hand_delta = Integer(default=0)
    reserved_delta = Integer(default=0)
    reason = Varchar(length=40)  # reservation, release, shipment, count, receipt, return...
    note = Text(default="")
    order_id = Integer(null=True, default=None, index=True)
    actor = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
