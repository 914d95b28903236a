"""Labels as ZPL, and the print-job outbox that delivers them to Zebra printers.

A label to print is a ``PrintJob`` row (the ZPL itself, the printer's name), written in a
transaction and delivered later by the worker through ``deliver_print_job``: the job
survives a restart, an offline printer makes it retry with a growing wait, and after the
last try it shows as failed with the reason. A reprint is a new job with the same ZPL.
An order document sent to a printer is a job of kind ``document`` whose payload names the
document (JSON); the worker renders its PDF when it prints it, to a printer that takes
PDF on its raw port or through its CUPS queue.

Printers (``DASHBOARD_PRINTERS``): a raw CUPS queue, sent with ``zebra`` (which ignores
lpr's exit status, so the queue is checked with lpstat first), or a network printer taking
raw ZPL on TCP (port 9100).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
from datetime import datetime, timezone

from dashboard.components.i18n import DEFAULT_LOCALE, current_locale
from dashboard.components.printing import is_valid_ean13, label_environment
from dashboard.db.tables import Order, OrderLine, PrintJob, Product, Shipment
from dashboard.db.transaction import write_transaction
from dashboard.components.pdf import PdfUnavailable
from dashboard.domain.errors import DomainError, NotFound, ValidationFailed
from dashboard.domain.printing.documents import document_kind, paper
from dashboard.domain.printing.labels import (
    LEASE_SECONDS, LabelGeometry, Printer, after_failure, chosen_printer, label_geometry,
    parse_printers,
)
from dashboard.services.printing.document_context import load_order, seller
from dashboard.services.printing.documents import order_document, render_document_pdf
from dashboard.services.history import record_event
from dashboard.settings import get_settings

log = logging.getLogger(__name__)

SEND_TIMEOUT_SECONDS = 10


class PrinterError(Exception):
    """The printer could not take the job; ``permanent`` ones are not retried."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def _now() -> datetime:
    return datetime.now(timezone.utc)


def printers() -> dict[str, Printer]:
    return parse_printers(get_settings().printers)


def printers_problem() -> str | None:
    """What is wrong with DASHBOARD_PRINTERS, or None. The app and the worker refuse to
    start on it, rather than fail at the first label."""
    try:
        printers()
    except ValidationFailed as exc:
        return "DASHBOARD_PRINTERS: " + "; ".join(str(v) for v in exc.fields.values())
    return None


# --- ZPL ---------------------------------------------------------------------------------

def _render(template: str, geometry: LabelGeometry, locale: str, **context) -> str:
    token = current_locale.set(locale)
    try:
        return label_environment().get_template(template).render(
            g=geometry, d=geometry.dots, **context)
    finally:
        current_locale.reset(token)


async def shipping_label_zpl(order_number: str, size: str | None = None,
                             dpi: int | str | None = None) -> str:
    """The order's shipping label: sender, recipient, carrier, order and tracking barcodes."""
    geometry = label_geometry("shipping", size, dpi)
    order = await load_order(order_number)
    shipment = await Shipment.select(Shipment.carrier, Shipment.service,
                                     Shipment.tracking_number).where(
        Shipment.order == order["id"]).order_by(Shipment.created_at, ascending=False).first()
    lines = await OrderLine.select(OrderLine.quantity, OrderLine.product.weight_grams).where(
        OrderLine.order == order["id"])
    grams = sum(line["quantity"] * (line["product.weight_grams"] or 0) for line in lines)
    to = {key: order[f"ship_{key}"] for key in (
        "name", "company", "line1", "line2", "postal_code", "city", "country", "phone")}
    return _render("shipping.zpl", geometry, order["locale"], sender=seller(), to=to,
                   order_number=order["number"],
                   carrier=(shipment or {}).get("carrier") or order["last_carrier"] or "",
                   service=(shipment or {}).get("service") or "",
                   tracking_number=(shipment or {}).get("tracking_number") or "",
                   weight=f"{grams / 1000:.2f} kg" if grams else "",
                   items=sum(line["quantity"] for line in lines))


async def product_label_zpl(sku: str, size: str | None = None, dpi: int | str | None = None,
                            copies: int = 1) -> str:
    geometry = label_geometry("product", size, dpi)
    product = await Product.select().where(Product.sku == sku).first()
    if product is None:
        raise NotFound(f"Product {sku} does not exist")
    from dashboard.components.formatting import money

    locale = DEFAULT_LOCALE
    token = current_locale.set(locale)
    try:
        price = money(product["price"], product["currency"])
    finally:
        current_locale.reset(token)
    barcode = product["barcode"] or product["sku"]
    return _render("product.zpl", geometry, locale, name=product["name"], sku=product["sku"],
                   price=price, barcode=barcode,
                   ean12=barcode[:12] if is_valid_ean13(barcode) else "", copies=max(1, copies))


def bin_label_zpl(code: str, size: str | None = None, dpi: int | str | None = None,
                  copies: int = 1) -> str:
    if not code.strip():
        raise ValidationFailed({"code": "required"})
    geometry = label_geometry("bin", size, dpi)
    return _render("bin.zpl", geometry, DEFAULT_LOCALE, code=code.strip(),
                   copies=max(1, copies))


# --- Queueing ----------------------------------------------------------------------------

def _printer_name(name: str | None) -> str:
    """``name``, else the label printer setting, else the first printer configured; refused
    (``ValidationFailed`` on ``printer``) when that printer is not configured."""
    configured = printers()
    return chosen_printer(name or get_settings().label_printer or next(iter(configured), None),
                          configured)


async def queue_print_job(payload: str, kind: str, printer: str | None = None, *,
                          order_id: int | None = None, actor: str = "system") -> int:
    """Queue ZPL for a configured printer (joins the caller's transaction, if any)."""
    name = _printer_name(printer)
    async with write_transaction():
        rows = await PrintJob.insert(PrintJob(order=order_id, printer=name, kind=kind,
                                              payload=payload)).returning(PrintJob.id)
        if order_id is not None:
            await record_event(order_id, "label.queued", f"{kind} queued for {name}",
                               {"print_job": rows[0]["id"], "printer": name, "kind": kind}, actor)
    return rows[0]["id"]


async def print_document(order_number: str, kind: str, format: str | None = None,
                         printer: str | None = None, *, credit_note: str | None = None,
                         invoice: str | None = None, actor: str = "system") -> int:
    """Queue one order document (invoice, delivery note...) for a printer, as a PDF.

    Checked now: a document the order cannot have is refused before anything is queued
    (``ValidationFailed`` for an unknown kind, paper or printer, ``DocumentRefused``,
    ``NotFound``). The worker renders the PDF when it prints (``_job_bytes``): an invoice
    or credit note prints as issued, the other documents as the order is then."""
    document = document_kind(kind)
    sheet = paper(format)
    printer = _printer_name(printer or get_settings().document_printer)  # before reading

    await order_document(order_number, document, actor=actor, credit_note=credit_note,
                         invoice=invoice)
    order = await load_order(order_number)
    spec = {"document": document.value, "format": sheet.name}
    spec |= {key: value for key, value in (("credit_note", credit_note), ("invoice", invoice))
             if value}
    return await queue_print_job(json.dumps(spec), "document", printer, order_id=order["id"],
                                 actor=actor)


async def print_shipping_label(order_number: str, printer: str | None = None, *,
                               size: str | None = None, dpi: int | str | None = None,
                               actor: str = "system") -> int:
    zpl = await shipping_label_zpl(order_number, size, dpi)
    order = await Order.select(Order.id).where(Order.number == order_number).first()
    return await queue_print_job(zpl, "shipping_label", printer, order_id=order["id"], actor=actor)


async def reprint(job_id: int, printer: str | None = None, actor: str = "system") -> int:
    """One-click reprint: a new job with the same ZPL, on the same (or another) printer."""
    job = await PrintJob.select().where(PrintJob.id == job_id).first()
    if job is None:
        raise NotFound("This print job does not exist")
    return await queue_print_job(job["payload"], job["kind"], printer or job["printer"],
                                 order_id=job["order"], actor=actor)


async def recent_jobs(limit: int = 50) -> list[dict]:
    return await PrintJob.select(
        PrintJob.id, PrintJob.printer, PrintJob.kind, PrintJob.status, PrintJob.attempts,
        PrintJob.last_error, PrintJob.created_at, PrintJob.printed_at, PrintJob.next_attempt_at,
        PrintJob.order.number,
    ).order_by(PrintJob.id, ascending=False).limit(limit)


# --- Delivery ----------------------------------------------------------------------------

def _queue_exists(queue: str) -> bool:
    result = subprocess.run(["lpstat", "-p", queue], capture_output=True, text=True,
                            timeout=SEND_TIMEOUT_SECONDS, env=os.environ.copy())
    return result.returncode == 0


def _send_cups(queue: str, data: bytes) -> None:
    import zebra

    if not _queue_exists(queue):
        raise PrinterError(f"CUPS queue {queue!r} does not exist or CUPS is not answering")
    zebra.Zebra(queue).output(data)


async def send_to_printer(printer: Printer, data: bytes) -> None:
    """Hand raw bytes to a printer; raises ``PrinterError`` with what went wrong."""
    if printer.kind == "cups":
        try:
            await asyncio.to_thread(_send_cups, printer.queue, data)
        except (OSError, subprocess.SubprocessError) as exc:
            raise PrinterError(f"CUPS: {exc}") from exc
        return
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(printer.host, printer.port), SEND_TIMEOUT_SECONDS)
        writer.write(data)
        await asyncio.wait_for(writer.drain(), SEND_TIMEOUT_SECONDS)
        writer.close()
        await writer.wait_closed()
    except (OSError, asyncio.TimeoutError) as exc:
        if isinstance(exc, OSError) and exc.errno:
            reason = os.strerror(exc.errno)  # "Connection refused", "No route to host"...
        else:
            reason = str(exc) or "no answer (timeout)"
        raise PrinterError(f"{printer.host}:{printer.port}: {reason}") from exc


async def _job_bytes(job: dict) -> bytes:
    """What goes to the printer: a label's ZPL as queued, a document rendered to PDF now."""
    if job["kind"] != "document":
        return job["payload"].encode("utf-8")
    spec = json.loads(job["payload"])
    order = await Order.select(Order.number).where(Order.id == job["order"]).first()
    try:
        return await render_document_pdf(order["number"], spec["document"], spec["format"],
                                         credit_note=spec.get("credit_note"),
                                         invoice=spec.get("invoice"))
    except DomainError as exc:  # the document went away (an order cancelled meanwhile...)
        raise PrinterError(f"document: {exc.message}", permanent=True) from exc
    except PdfUnavailable as exc:
        raise PrinterError(f"PDF: {exc}") from exc


async def _claim(job_id: int, now: datetime) -> dict | None:
    """Take the job for this worker (atomic: two workers never print the same job)."""
    from datetime import timedelta

    async with write_transaction():
        rows = await PrintJob.update({
            PrintJob.status: "sending", PrintJob.attempts: PrintJob.attempts + 1,
            PrintJob.next_attempt_at: now + timedelta(seconds=LEASE_SECONDS),
        }).where(
            (PrintJob.id == job_id)
            & ((PrintJob.status == "pending")
               | ((PrintJob.status == "sending") & (PrintJob.next_attempt_at <= now)))
        ).returning(*PrintJob.all_columns())
    return rows[0] if rows else None


async def deliver_print_job(job: int | dict | PrintJob, *, now: datetime | None = None) -> str:
    """Send one print job and record the outcome on its row; returns the new status.

    ``printed`` on success; ``pending`` with the next attempt time after a failure;
    ``failed`` with ``last_error`` after the last try, or at once for an unknown printer.
    A job another worker holds, or already finished, is left alone (its status returned).
    """
    job_id = job if isinstance(job, int) else (job["id"] if isinstance(job, dict) else job.id)
    now = now or _now()
    claimed = await _claim(job_id, now)
    if claimed is None:
        row = await PrintJob.select(PrintJob.status).where(PrintJob.id == job_id).first()
        if row is None:
            raise NotFound("This print job does not exist")
        return row["status"]
    try:
        printer = printers().get(claimed["printer"])
        if printer is None:
            raise PrinterError(f"printer {claimed['printer']!r} is not configured "
                               "(DASHBOARD_PRINTERS)", permanent=True)
        await send_to_printer(printer, await _job_bytes(claimed))
    except PrinterError as exc:
        status, next_at = after_failure(claimed["attempts"], now)
        if exc.permanent:
            status = "failed"
        log.warning("print job %s attempt %s: %s -> %s", job_id, claimed["attempts"], exc, status)
        async with write_transaction():
            await PrintJob.update({PrintJob.status: status, PrintJob.next_attempt_at: next_at,
                                   PrintJob.last_error: str(exc)}).where(PrintJob.id == job_id)
        return status
    async with write_transaction():
        await PrintJob.update({PrintJob.status: "printed", PrintJob.printed_at: _now(),
                               PrintJob.last_error: ""}).where(PrintJob.id == job_id)
    log.info("print job %s printed on %s", job_id, claimed["printer"])
    return "printed"


async def deliver_due_print_jobs(*, now: datetime | None = None, limit: int = 20) -> int:
    """Deliver the jobs whose time has come (oldest first); returns how many were tried."""
    now = now or _now()
    due = await PrintJob.select(PrintJob.id).where(
        PrintJob.status.is_in(["pending", "sending"]) & (PrintJob.next_attempt_at <= now)
    ).order_by(PrintJob.next_attempt_at).limit(limit)
    for row in due:
        await deliver_print_job(row["id"], now=now)
    return len(due)
