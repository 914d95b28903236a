"""Orders, their lines, payments, surcharges, notes and the append-only history."""

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
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

from dashboard.db.tables.catalogue import Product
from dashboard.db.tables.customers import Customer
from dashboard.db.tables.staff import StaffUser


class Order(Table, tablename="orders"):
    """One customer order. Money totals are kept in step by the services on every change.

    ``balance_due`` = total + surcharges - paid + refunded - credited: positive when the
    customer owes, negative when the shop owes them. ``version`` increases on every write
    so that concurrent editors cannot overwrite each other.
    """

    number = Varchar(length=20, unique=True)
    customer = ForeignKey(Customer, on_delete=OnDelete.restrict, index=True, null=False)
    channel = Varchar(length=10, default="web", index=True)
    locale = Varchar(length=10, default="fr")
    currency = Varchar(length=3, default="EUR")
    payment_method = Varchar(length=20, index=True)
    shipping_method = Varchar(length=20, default="carrier")
    status = Varchar(length=20, default="open", index=True)
    payment_status = Varchar(length=20, default="unpaid", index=True)
    fulfilment_status = Varchar(length=20, default="unfulfilled", index=True)
    hold_reason = Varchar(length=40, null=True, default=None)
    hold_until = Timestamptz(null=True, default=None)
    cancel_reason = Text(null=True, default=None)

    # Customer snapshot at placement (the customer record may change later).
    customer_email = Varchar(length=254, default="", index=True)
    customer_name = Varchar(length=200, default="", index=True)
    customer_phone = Varchar(length=40, default="")
    customer_company = Varchar(length=200, default="")
    customer_vat_number = Varchar(length=40, default="")
    ship_name = Varchar(length=200, default="")
    ship_company = Varchar(length=200, default="")
    ship_line1 = Varchar(length=200, default="")
    ship_line2 = Varchar(length=200, default="")
    ship_postal_code = Varchar(length=20, default="")
    ship_city = Varchar(length=100, default="")
    ship_region = Varchar(length=100, default="")
    ship_country = Varchar(length=2, default="FR")
    ship_phone = Varchar(length=40, default="")
    ship_verified_at = Timestamptz(null=True, default=None)
    bill_name = Varchar(length=200, default="")
    bill_company = Varchar(length=200, default="")
    bill_line1 = Varchar(length=200, default="")
    bill_line2 = Varchar(length=200, default="")
    bill_postal_code = Varchar(length=20, default="")
    bill_city = Varchar(length=100, default="")
    bill_region = Varchar(length=100, default="")
    bill_country = Varchar(length=2, default="FR")

    # Money, minor units of ``currency``.
    subtotal = BigInt(default=0)
    shipping_total = BigInt(default=0)
    tax_total = BigInt(default=0)
    total = BigInt(default=0)
    surcharge_total = BigInt(default=0)
    paid_total = BigInt(default=0)
    refunded_total = BigInt(default=0)
    credited_total = BigInt(default=0)
    balance_due = BigInt(default=0, index=True)

    # Denormalised for list filters over a million rows.
    search_text = Text(default="")
    note_count = Integer(default=0)
    backordered_quantity = Integer(default=0)
    last_carrier = Varchar(length=40, null=True, default=None)

    idempotency_key = Varchar(length=200, null=True, default=None, unique=True)
    # sha256 of the order asked for with that key (domain.orders.intake.draft_fingerprint)
    idempotency_fingerprint = Varchar(length=64, null=True, default=None)
    placed_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow(), index=True)
    paid_at = Timestamptz(null=True, default=None)
    cancelled_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)

    totals_not_negative = Check(
        "subtotal >= 0 AND total >= 0 AND paid_total >= 0 AND refunded_total >= 0 "
        "AND credited_total >= 0 AND surcharge_total >= 0"
    )


class OrderLine(Table, tablename="order_line"):
    """What was bought, with how much of it is reserved, picked, shipped and returned."""

    order = ForeignKey(Order, on_delete=OnDelete.restrict, index=True, null=False)
    position = Integer(default=1)
    product = ForeignKey(Product, on_delete=OnDelete.restrict, null=True, index=True)
    sku = Varchar(length=64)
    name = Varchar(length=300)
    barcode = Varchar(length=32, null=True, default=None)
    bin_location = Varchar(length=32, default="")
    unit_price = Integer(default=0)  # VAT included
    vat_rate_bp = Integer(default=2000)
    quantity = Integer(default=1)
    reserved = Integer(default=0)
    backordered = Integer(default=0)
    picked = Integer(default=0)
    shipped = Integer(default=0)
    returned = Integer(default=0)
    line_total = BigInt(default=0)
    tax_amount = BigInt(default=0)

    quantities_consistent = Check(
        "quantity >= 0 AND reserved >= 0 AND backordered >= 0 AND picked >= 0 "
        "AND shipped >= 0 AND returned >= 0 AND shipped <= quantity AND returned <= shipped "
        "AND reserved + backordered + shipped <= quantity"
    )


class Payment(Table, tablename="payment"):
    """Money in (``payment``) or out (``refund``), with the bank's reference."""

    order = ForeignKey(Order, on_delete=OnDelete.restrict, index=True, null=False)
    kind = Varchar(length=10, default="payment")  # payment | refund
    method = Varchar(length=20)
    amount = BigInt()
    currency = Varchar(length=3, default="EUR")
    status = Varchar(length=20, default="succeeded")  # succeeded | failed | pending
    transaction_ref = Varchar(length=120, default="", index=True)
    received_on = Date(null=True, default=None)
    source = Varchar(length=20, default="manual")  # webhook | manual | bank_statement
    actor = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())

    amount_positive = Check("amount > 0")


class Refund(Table, tablename="refund"):
    """Money owed back to the customer on its way (``domain.payments.refunds``): a card
    refund the worker sends to the payment provider (``pending``), or one staff make by
    hand (``to_make``), until it is recorded as a refund ``Payment`` (``done``)."""

    order = ForeignKey(Order, on_delete=OnDelete.restrict, index=True, null=False)
    route = Varchar(length=20)  # card | bank_transfer
    amount = BigInt()
    currency = Varchar(length=3, default="EUR")
    # RefundState; the worker claims ``pending`` rows like any outbox row.
    status = Varchar(length=10, default="to_make", index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
    last_error = Text(default="")
    capture_ref = Varchar(length=120, default="")  # the card payment it goes back to
    iban = Varchar(length=34, default="")  # where a transfer goes, when the customer gave it
    reason = Text(default="")
    credit_note = Varchar(length=30, default="")  # the credit note issued with it, if any
    transaction_ref = Varchar(length=120, default="")  # the provider's or the bank's reference
    actor = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    done_at = Timestamptz(null=True, default=None)
    done_by = Varchar(length=200, default="")

    amount_positive = Check("amount > 0")


class Surcharge(Table, tablename="surcharge"):
    order = ForeignKey(Order, on_delete=OnDelete.restrict, index=True, null=False)
    kind = Varchar(length=30)  # labour | shipping_change | restocking_fee | other
    reason = Text(default="")
    amount = BigInt()
    vat_rate_bp = Integer(default=2000)
    invoice_id = Integer(null=True, default=None)
    actor = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())

    amount_positive = Check("amount > 0")


class OrderNote(Table, tablename="order_note"):
    order = ForeignKey(Order, on_delete=OnDelete.restrict, index=True, null=False)
    body = Text()
    pinned = Boolean(default=False)
    author = ForeignKey(StaffUser, on_delete=OnDelete.set_null, null=True)
    author_name = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class OrderEvent(Table, tablename="order_event"):
    """Append-only history: who did what to an order, and when. Never updated."""

    order = ForeignKey(Order, on_delete=OnDelete.restrict, index=True, null=False)
    kind = Varchar(length=60)  # e.g. order.placed, payment.recorded, shipment.created
    summary = Text(default="")
    data = JSON(default="{}")
    actor = Varchar(length=200, default="system")
    occurred_at = Timestamptz(default=TimestamptzNow())

