"""Batch printing: many orders' documents as ONE PDF, built in the background.

A batch runs as a task of this process: it prepares each order's document (only reading:
an invoice is printed as it was issued, and an order without one is skipped with when it
will be issued), skipping with a reason the orders that cannot have it, then renders the whole set with the warm Chromium and writes the file under
``var/print-batches/``. Progress is read by the batch page (server-sent events); a batch
can be cancelled until its file is written. The registry is per process: the file, not
the progress, survives a restart.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from dashboard.components.i18n import DEFAULT_LOCALE
from dashboard.components.pdf import renderer
from dashboard.domain.printing.documents import (
    BATCH_DOCUMENTS, BATCH_PAPERS, DocumentKind, document_kind, paper,
)
from dashboard.domain.errors import DomainError, NotFound, ValidationFailed
from dashboard.services.printing import document_context
from dashboard.services.printing.documents import order_document, render_html
from dashboard.settings import get_settings

log = logging.getLogger(__name__)

MAX_ORDERS = 1000
_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass
class Batch:
    id: str
    kind: str
    format: str
    actor: str
    order_numbers: list[str]
    status: str = "preparing"  # preparing | rendering | done | cancelled | failed
    done: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    error: str = ""
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    finished_at: datetime | None = None
    task: asyncio.Task | None = None

    @property
    def total(self) -> int:
        return len(self.order_numbers)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "cancelled", "failed")

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        # Preparing is most of a batch's time; rendering the PDF the last stretch.
        return min(95, int(90 * self.done / self.total)) if self.total else 0

    @property
    def path(self) -> Path:
        return batch_dir() / f"{self.id}.pdf"


_batches: dict[str, Batch] = {}


def batch_dir() -> Path:
    path = get_settings().var_dir / "print-batches"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _clean_numbers(order_numbers: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for raw in order_numbers:
        for number in re.split(r"[\s,;]+", raw or ""):
            if number:
                seen.setdefault(number, None)
    return list(seen)


async def start_batch(order_numbers: list[str], kind: str, format: str = "a4",
                      actor: str = "system") -> str:
    """Start printing ``kind`` for these orders as one PDF; returns the batch id at once.

    Refused (``ValidationFailed``) for no order, too many, a kind that is not batch
    printable, or a thermal format (a roll has no pages to put documents on).
    """
    numbers = _clean_numbers(order_numbers)
    if not numbers:
        raise ValidationFailed({"order_numbers": "choose at least one order"})
    if len(numbers) > MAX_ORDERS:
        raise ValidationFailed({"order_numbers": f"at most {MAX_ORDERS} orders per batch"})
    kind = document_kind(kind, BATCH_DOCUMENTS)
    sheet = paper(format, BATCH_PAPERS)
    batch = Batch(id=secrets.token_urlsafe(12), kind=kind.value, format=sheet.name,
                  actor=actor, order_numbers=numbers)
    _batches[batch.id] = batch
    batch.task = asyncio.create_task(_run(batch), name=f"print-batch-{batch.id}")
    log.info("print batch %s: %s x%d for %s", batch.id, batch.kind, batch.total, actor)
    return batch.id


async def _documents(batch: Batch) -> list[dict]:
    kind = DocumentKind(batch.kind)
    if kind is DocumentKind.PICK_LIST:
        doc = await document_context.pick_list(batch.order_numbers)
        batch.done = batch.total
        return [doc]
    documents = []
    for number in batch.order_numbers:
        if batch.status == "cancelled":
            return []
        try:
            documents.append(await order_document(number, kind, actor=batch.actor))
        except DomainError as exc:
            batch.skipped[number] = exc.message
        batch.done += 1
        await asyncio.sleep(0)  # let progress readers and other requests in
    return documents


async def _run(batch: Batch) -> None:
    try:
        documents = await _documents(batch)
        if batch.status == "cancelled":
            return
        if not documents:
            batch.status, batch.error = "failed", "No order could have this document."
            return
        batch.status = "rendering"
        sheet = paper(batch.format)
        html = render_html(documents, sheet, DEFAULT_LOCALE)
        data = await renderer().pdf(html, sheet)
        if batch.status == "cancelled":
            return
        tmp = batch.path.with_suffix(".part")
        await asyncio.to_thread(tmp.write_bytes, data)
        tmp.replace(batch.path)
        batch.status = "done"
    except asyncio.CancelledError:
        batch.status = "cancelled"
    except Exception as exc:  # noqa: BLE001 - shown on the batch page, logged with traceback
        log.exception("print batch %s failed", batch.id)
        batch.status, batch.error = "failed", str(exc)
    finally:
        batch.finished_at = datetime.now(timezone.utc)


def get_batch(batch_id: str) -> Batch:
    batch = _batches.get(batch_id)
    if batch is None:
        raise NotFound("This print batch does not exist (or the server restarted).")
    return batch


def cancel_batch(batch_id: str) -> Batch:
    """Stop a batch that is still running; a finished one is left as it is."""
    batch = get_batch(batch_id)
    if not batch.finished:
        batch.status = "cancelled"
        if batch.task is not None:
            batch.task.cancel()
    return batch


def batch_file(batch_id: str) -> Path:
    """The finished PDF; also after a restart, as long as the file is there."""
    if not _ID.match(batch_id or ""):
        raise NotFound("No such print batch")
    path = batch_dir() / f"{batch_id}.pdf"
    if not path.is_file():
        raise NotFound("This batch has no file (not finished, cancelled or failed).")
    return path


async def wait_for(batch_id: str, timeout: float = 60) -> Batch:
    """Until the batch is finished (tests, CLI)."""
    batch = get_batch(batch_id)
    if batch.task is not None:
        await asyncio.wait_for(asyncio.shield(batch.task), timeout)
    return batch
