"""Piccolo tables for the whole mission, one module per area of the glossary.

Conventions: money is integer minor units beside a ``currency``; timestamps are
``Timestamptz`` (UTC); every business reference is ``ON DELETE RESTRICT``; counters that
must never go negative have a ``Check`` as the last guard behind the services' rules.
"""

from dashboard.db.tables.catalogue import Product, Stock, StockMovement
from dashboard.db.tables.customers import Address, Customer
from dashboard.db.tables.documents import CreditNote, DocumentSequence, Invoice, PrintBatch
from dashboard.db.tables.fulfilment import (
    PickList,
    PickListLine,
    PickTask,
    Scan,
    Shipment,
    ShipmentLine,
)
from dashboard.db.tables.orders import (
    Order,
    OrderEvent,
    OrderLine,
    OrderNote,
    Payment,
    Refund,
    Surcharge,
)
from dashboard.db.tables.outbox import (
    OutboxEmail,
    OutboxWebhook,
    PrintJob,
    ReceivedWebhook,
    WebhookEndpoint,
)
from dashboard.db.tables.payments import BankStatement, BankStatementLine
from dashboard.db.tables.phone import PhoneDraft
from dashboard.db.tables.returns import ReturnLine, ReturnRequest
from dashboard.db.tables.staff import (
    ApiKey,
    ExternalIdentity,
    SignInThrottle,
    SavedView,
    StaffSession,
    StaffUser,
)

TABLE_MODULES = [
    "dashboard.db.tables.staff",
    "dashboard.db.tables.customers",
    "dashboard.db.tables.catalogue",
    "dashboard.db.tables.orders",
    "dashboard.db.tables.fulfilment",
    "dashboard.db.tables.returns",
    "dashboard.db.tables.documents",
    "dashboard.db.tables.payments",
    "dashboard.db.tables.outbox",
    "dashboard.db.tables.phone",
]

__all__ = [
    "Address", "ApiKey", "BankStatement", "BankStatementLine", "CreditNote", "Customer",
    "DocumentSequence", "ExternalIdentity", "Invoice", "SignInThrottle", "Order", "OrderEvent", "OrderLine",
    "OrderNote", "OutboxEmail", "OutboxWebhook", "Payment", "PhoneDraft", "Refund", "PickList", "PickListLine", "PickTask",
    "PrintBatch", "PrintJob", "Product", "ReceivedWebhook", "ReturnLine", "ReturnRequest", "SavedView",
    "Scan", "Shipment", "ShipmentLine", "StaffSession", "StaffUser", "Stock",
    "StockMovement", "Surcharge", "WebhookEndpoint", "TABLE_MODULES",
]
