"""Invoices owed but never issued: orders paid (or shipped) before invoices were issued by
the event itself, when they were still issued by whoever printed them first.

``dashboard issue-missing-invoices`` runs this once after upgrading; the demo shop runs it
after loading its history. Each invoice goes through ``documents.issue_invoice``, the same
path as a payment or shipment, in the order the orders reached their moment of invoicing
(payment date, or the last parcel's date), so the yearly F-series follows that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dashboard.db.tables import Invoice, Order, Shipment
from dashboard.db.transaction import write_transaction
from dashboard.domain.printing.documents import InvoiceEvent, invoice_due, issuing_event
from dashboard.services.printing.documents import issue_invoice
from dashboard.settings import get_settings

COLUMNS = (Order.id, Order.number, Order.status, Order.payment_status, Order.fulfilment_status,
           Order.paid_at, Order.placed_at, Order.updated_at)


@dataclass(frozen=True)
class Owed:
    number: str
    moment: datetime  # when the order was paid, or its last parcel left


async def owed_invoices() -> list[Owed]:
    """Orders the shop's policy says have an invoice but that have none, oldest moment first."""
    policy = get_settings().invoice_at
    event = issuing_event(policy)
    invoiced = {r["order"] for r in await Invoice.select(Invoice.order).where(
        Invoice.kind == "invoice")}
    rows = await Order.select(*COLUMNS).where(Order.status != "cancelled")
    rows = [r for r in rows if r["id"] not in invoiced and invoice_due(policy, event, status=r["status"],
                                          payment_status=r["payment_status"],
                                          fulfilment_status=r["fulfilment_status"])]
    left: dict[int, datetime] = {}
    if event is InvoiceEvent.SHIPPED and rows:
        wanted = {r["id"] for r in rows}
        for s in await Shipment.select(Shipment.order, Shipment.shipped_at).where(
                (Shipment.status != "cancelled") & Shipment.shipped_at.is_not_null()):
            if s["order"] in wanted:
                left[s["order"]] = max(left.get(s["order"], s["shipped_at"]), s["shipped_at"])

    def moment(row: dict) -> datetime:
        if event is InvoiceEvent.PAID:
            return row["paid_at"] or row["placed_at"]
        return left.get(row["id"]) or row["updated_at"]  # collected in store: no parcel

    owed = sorted(((moment(r), r["id"], r["number"]) for r in rows))
    return [Owed(number, when) for when, _, number in owed]


async def issue_missing_invoices(actor: str = "system", *, dated_at_moment: bool = False) -> int:
    """Issue every owed invoice (``owed_invoices``); how many were issued.

    Each order has its own transaction (a failure keeps the invoices before it; running
    again continues). Invoices are dated today, as the law wants a document dated when it
    is issued; ``dated_at_moment`` dates them at payment or shipment instead, for the demo
    shop's made-up history only (it then joins the demo's transaction).
    """
    issued = 0
    for owed in await owed_invoices():
        async with write_transaction():
            await issue_invoice(owed.number, actor,
                                issued_at=owed.moment if dated_at_moment else None)
        issued += 1
    return issued
