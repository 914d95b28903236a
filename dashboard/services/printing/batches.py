"""Batch printing: many orders' documents as ONE PDF, built in the background.

A batch is a row of ``print_batch``: the instance that starts it runs it as a task of its
process, preparing each order's document (only reading: an invoice is printed as it was
issued), skipping with a reason the orders that cannot have it (an order without an
invoice yet says when it will get one), then rendering the whole set with the warm
Chromium and storing the PDF in the row. Progress is written to the row (at most every
``FLUSH_SECONDS``, and a heartbeat every ``HEARTBEAT_SECONDS``), so ANY instance shows it
and serves the file, and a batch whose instance died reads as "interrupted" once its
heartbeat is ``STALE_AFTER`` old. Cancelling marks the row; the running instance sees it on
its next write and stops there: nothing cancels a run's task half-way through a query (a
PostgreSQL connection cancelled mid-transaction may never go back to the pool). Finished
batches are removed after ``KEEP_FOR``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from dashboard.components.i18n import DEFAULT_LOCALE
from dashboard.components.pdf import renderer
from dashboard.db.json_columns import json_value
from dashboard.db.tables import PrintBatch
from dashboard.db.transaction import write_transaction
from dashboard.domain.errors import DomainError, NotFound, ValidationFailed
from dashboard.domain.numbers import Message, N_
from dashboard.domain.printing.documents import (
    BATCH_DOCUMENTS, BATCH_PAPERS, DocumentKind, document_kind, paper,
)
from dashboard.services.printing import document_context
from dashboard.services.printing.documents import order_document, render_html

log = logging.getLogger(__name__)

MAX_ORDERS = 1000
FLUSH_SECONDS = 0.25
HEARTBEAT_SECONDS = 5.0
STALE_AFTER = timedelta(seconds=30)
KEEP_FOR = timedelta(days=1)
RUNNING = ("preparing", "rendering")
FINISHED = ("done", "cancelled", "failed", "interrupted")
_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

NO_DOCUMENT = N_("No order could have this document.")
UNKNOWN_BATCH = N_("This print batch does not exist (or it was removed after a day).")
NO_FILE = N_("This batch has no file (not finished, cancelled or failed).")
INTERRUPTED = N_("The server stopped while this batch was printing: start it again.")

# Batches this process runs: id -> task (``wait_for`` awaits them).
_tasks: dict[str, asyncio.Task] = {}


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Batch:
    """A batch as its page shows it, read from the database."""

    id: str
    kind: str
    format: str
    actor: str
    order_numbers: list[str]
    status: str  # preparing | rendering | done | cancelled | failed | interrupted
    done: int
    skipped: dict[str, Message]
    error: str
    created_at: datetime
    finished_at: datetime | None

    @property
    def total(self) -> int:
        return len(self.order_numbers)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        # Preparing is most of a batch's time; rendering the PDF the last stretch.
        return min(95, int(90 * self.done / self.total)) if self.total else 0


_SUMMARY = (PrintBatch.batch_id, PrintBatch.kind, PrintBatch.paper, PrintBatch.actor,
            PrintBatch.order_numbers, PrintBatch.status, PrintBatch.done, PrintBatch.skipped,
            PrintBatch.error, PrintBatch.created_at, PrintBatch.heartbeat_at,
            PrintBatch.finished_at)


def _batch(row: dict, now: datetime) -> Batch:
    status, error = row["status"], row["error"]
    if status in RUNNING and row["heartbeat_at"] < now - STALE_AFTER:
        status, error = "interrupted", INTERRUPTED
    return Batch(
        id=row["batch_id"], kind=row["kind"], format=row["paper"], actor=row["actor"],
        order_numbers=json_value(row["order_numbers"]), status=status, done=row["done"],
        skipped={item["number"]: Message.from_data(item) for item in json_value(row["skipped"])},
        error=error, created_at=row["created_at"], finished_at=row["finished_at"])


def clean_numbers(order_numbers: list[str]) -> list[str]:
    """Order numbers typed or sent in any grouping (spaces, commas, semicolons), each once,
    in the order given."""
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
    numbers = clean_numbers(order_numbers)
    if not numbers:
        raise ValidationFailed({"order_numbers": Message(N_("Choose at least one order."))})
    if len(numbers) > MAX_ORDERS:
        raise ValidationFailed({"order_numbers": Message(
            N_("At most %(maximum)s orders per batch."), maximum=MAX_ORDERS)})
    kind = document_kind(kind, BATCH_DOCUMENTS)
    sheet = paper(format, BATCH_PAPERS)
    batch_id = secrets.token_urlsafe(12)
    async with write_transaction():
        await PrintBatch.delete().where(
            PrintBatch.status.is_in(list(FINISHED)) & (PrintBatch.finished_at < _now() - KEEP_FOR))
        await PrintBatch.delete().where(
            PrintBatch.status.is_in(list(RUNNING)) & (PrintBatch.heartbeat_at < _now() - KEEP_FOR))
        await PrintBatch.insert(PrintBatch(
            batch_id=batch_id, kind=kind.value, paper=sheet.name, actor=actor,
            order_numbers=numbers, status="preparing", skipped=[]))
    run = _Run(batch_id, kind, sheet.name, actor, numbers)
    _tasks[batch_id] = asyncio.create_task(run.run(), name=f"print-batch-{batch_id}")
    log.info("print batch %s: %s x%d for %s", batch_id, kind.value, len(numbers), actor)
    return batch_id


class _Run:
    """One batch being made by this process, writing its progress to its row."""

    def __init__(self, batch_id: str, kind: DocumentKind, sheet: str, actor: str,
                 numbers: list[str]) -> None:
        self.batch_id, self.kind, self.sheet, self.actor = batch_id, kind, sheet, actor
        self.numbers = numbers
        self.done = 0
        self.skipped: list[dict] = []
        self.status = "preparing"
        self._written = (0, 0, "preparing")
        self._written_at = 0.0
        self._stopped = asyncio.Event()
        self._cancelled = False

    async def run(self) -> None:
        heartbeat = asyncio.create_task(self._heartbeat())
        try:
            documents = await self._documents()
            if not documents:
                await self._finish("failed", error=NO_DOCUMENT)
                return
            self.status = "rendering"
            await self._write_progress(force=True)
            sheet = paper(self.sheet)
            data = await renderer().pdf(render_html(documents, sheet, DEFAULT_LOCALE), sheet)
            await self._finish("done", pdf=data)
        except _CancelledElsewhere:
            pass
        except Exception as exc:  # noqa: BLE001 - shown on the batch page, logged with traceback
            log.exception("print batch %s failed", self.batch_id)
            await self._finish("failed", error=str(exc))
        finally:
            self._stopped.set()
            await heartbeat  # let it finish its write, if it is in one
            _tasks.pop(self.batch_id, None)

    async def _documents(self) -> list[dict]:
        if self.kind is DocumentKind.PICK_LIST:
            doc = await document_context.pick_list(self.numbers)
            self.done = len(self.numbers)
            return [doc]
        documents = []
        for number in self.numbers:
            if self._cancelled:
                raise _CancelledElsewhere
            try:
                documents.append(await order_document(number, self.kind, actor=self.actor))
            except DomainError as exc:
                self.skipped.append({"number": number} | Message.of(exc.message).to_data())
            self.done += 1
            await self._write_progress()
        return documents

    async def _write_progress(self, force: bool = False) -> None:
        """Write what changed, at most every ``FLUSH_SECONDS`` (always when ``force``);
        stop if the row says the batch was cancelled meanwhile (from any instance)."""
        state = (self.done, len(self.skipped), self.status)
        clock = time.monotonic()
        if state == self._written and not force:
            return
        if not force and clock - self._written_at < FLUSH_SECONDS:
            return
        await self._update({PrintBatch.done: self.done, PrintBatch.skipped: self.skipped,
                            PrintBatch.status: self.status})
        self._written, self._written_at = state, clock

    async def _heartbeat(self) -> None:
        """Renew the heartbeat while the batch runs (rendering a big PDF writes nothing
        else for a while), flushing progress held back by the rate limit. A cancel seen
        here stops the run at its next order (a PDF being rendered is thrown away)."""
        while not self._stopped.is_set():
            try:
                await asyncio.wait_for(self._stopped.wait(), HEARTBEAT_SECONDS)
                return
            except TimeoutError:
                pass
            try:
                await self._write_progress(force=True)
            except _CancelledElsewhere:
                self._cancelled = True
                return
            except Exception:  # noqa: BLE001 - a missed heartbeat is retried at the next one
                log.warning("print batch %s: heartbeat not written", self.batch_id, exc_info=True)

    async def _update(self, values: dict) -> None:
        async with write_transaction():
            changed = await PrintBatch.update(values | {PrintBatch.heartbeat_at: _now()}).where(
                (PrintBatch.batch_id == self.batch_id) & PrintBatch.status.is_in(list(RUNNING))
            ).returning(PrintBatch.id)
        if not changed:
            raise _CancelledElsewhere

    async def _finish(self, status: str, *, error: str = "", pdf: bytes | None = None) -> None:
        try:
            await self._update({PrintBatch.status: status, PrintBatch.done: self.done,
                                PrintBatch.skipped: self.skipped, PrintBatch.error: error,
                                PrintBatch.pdf: pdf, PrintBatch.finished_at: _now()})
        except _CancelledElsewhere:
            pass  # cancelled meanwhile: the row already says so


class _CancelledElsewhere(Exception):
    """The batch's row is no longer running: someone cancelled it."""


async def get_batch(batch_id: str) -> Batch:
    row = await PrintBatch.select(*_SUMMARY).where(
        PrintBatch.batch_id == _checked(batch_id)).first()
    if row is None:
        raise NotFound(UNKNOWN_BATCH)
    return _batch(row, _now())


def _checked(batch_id: str) -> str:
    if not _ID.match(batch_id or ""):
        raise NotFound(UNKNOWN_BATCH)
    return batch_id


async def cancel_batch(batch_id: str) -> Batch:
    """Stop a batch that is still running, whichever instance runs it (it stops at its next
    write); a finished one is left as it is."""
    async with write_transaction():
        await PrintBatch.update({PrintBatch.status: "cancelled",
                                 PrintBatch.finished_at: _now()}).where(
            (PrintBatch.batch_id == _checked(batch_id)) & PrintBatch.status.is_in(list(RUNNING)))
    return await get_batch(batch_id)


async def batch_file(batch_id: str) -> bytes:
    """The finished PDF, from whichever instance made it."""
    row = await PrintBatch.select(PrintBatch.pdf).where(
        (PrintBatch.batch_id == _checked(batch_id)) & (PrintBatch.status == "done")).first()
    if row is None or row["pdf"] is None:
        raise NotFound(NO_FILE)
    return bytes(row["pdf"])


async def wait_for(batch_id: str, timeout: float = 60) -> Batch:
    """Until the batch is finished (tests, CLI, bench)."""
    task = _tasks.get(batch_id)
    if task is not None:
        await asyncio.wait_for(asyncio.shield(task), timeout)
    return await get_batch(batch_id)
