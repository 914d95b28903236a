"""Outbox rows written inside business transactions and delivered later by the worker."""

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique
from piccolo.table import Table

from dashboard.db.tables.orders import Order


class OutboxEmail(Table, tablename="outbox_email"):
    order = ForeignKey(Order, on_delete=OnDelete.restrict, null=True, index=True)
    template = Varchar(length=60)  # e.g. merchant_new_order, receipt, shipping_notification
    to_address = Varchar(length=254)
    subject = Text(default="")
    body_text = Text(default="")
    body_html = Text(default="")
    attachments = JSON(default="[]")  # [{"document": "invoice", "format": "a4"}]
    status = Varchar(length=10, default="pending", index=True)  # pending | sent | failed
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)


class WebhookEndpoint(Table, tablename="webhook_endpoint"):
    url = Text()
    secret = Varchar(length=200)  # whsec_...
    events = JSON(default="[]")  # empty: every event
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class OutboxWebhook(Table, tablename="outbox_webhook"):
    endpoint = ForeignKey(WebhookEndpoint, on_delete=OnDelete.restrict, index=True, null=False)
    message_id = Varchar(length=64, unique=True)
    event_type = Varchar(length=40)
    payload = JSON(default="{}")
    status = Varchar(length=10, default="pending", index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    delivered_at = Timestamptz(null=True, default=None)


class PrintJob(Table, tablename="print_job"):
    order = ForeignKey(Order, on_delete=OnDelete.restrict, null=True, index=True)
    printer = Varchar(length=100)
    kind = Varchar(length=40)  # shipping_label | product_label | bin_label | document
    payload = Text(default="")  # raw ZPL
    status = Varchar(length=10, default="pending", index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    printed_at = Timestamptz(null=True, default=None)


class ReceivedWebhook(Table, tablename="received_webhook"):
    """Ids of webhooks already processed, so a redelivery is acknowledged and ignored."""

    source = Varchar(length=20)  # payments | carriers
    webhook_id = Varchar(length=200)
    event_type = Varchar(length=60, default="")
    received_at = Timestamptz(default=TimestamptzNow())

    one_per_source = Unique(["source", "webhook_id"])
