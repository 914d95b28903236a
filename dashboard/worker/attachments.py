"""PDF attachments of outbox emails: rendered at send time from the order's documents.

An email row lists what to attach (``[{"document": "receipt", "format": "a4"}]``); the
PDF is rendered when the email is delivered, so a retried send renders it again rather
than storing megabytes in the outbox.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from dashboard.db.tables import Order
from dashboard.services.printing.documents import render_document_pdf

# (filename, content, "type/subtype") for each attachment of a row; the email deliverer
# takes a loader of them (the order's documents by default).
Attachment = tuple[str, bytes, str]
AttachmentLoader = Callable[[dict], Awaitable[list[Attachment]]]


async def document_attachments(row: dict) -> list[Attachment]:
    specs = row.get("attachments") or []
    if isinstance(specs, str):
        specs = json.loads(specs or "[]")
    if not specs or not row.get("order"):
        return []
    order = await Order.select(Order.number).where(Order.id == row["order"]).first()
    attachments: list[Attachment] = []
    for spec in specs:
        kind = spec["document"]
        pdf = await render_document_pdf(order["number"], kind, spec.get("format", "a4"),
                                        credit_note=spec.get("credit_note"),
                                        invoice=spec.get("invoice"), rma=spec.get("rma"))
        name = spec.get("credit_note") or spec.get("invoice") or spec.get("rma")
        suffix = f"-{name}" if name else ""
        attachments.append((f"{kind}-{order['number']}{suffix}.pdf", pdf, "application/pdf"))
    return attachments
