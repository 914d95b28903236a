"""Claiming outbox rows and recording each delivery attempt, for any outbox table.

A row is *claimed* by pushing its ``next_attempt_at`` one lease into the future: other
workers skip it until then. While the batch is being delivered, a heartbeat renews the
lease of the rows not yet done (30 s lease, renewed every 10 s by default), so a slow SMTP
server never hands a row to a second worker; if this worker dies, the heartbeat stops and
another worker takes the row within one lease. Delivery is at least once: the retry
keeps the email's Message-ID and the webhook's ``webhook-id``, so receivers drop the copy.
PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` so workers never wait on each other.
SQLite: the conditional update inside ``BEGIN IMMEDIATE`` (one writer at a time).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta, timezone

from piccolo.columns import Column
from piccolo.table import Table

from dashboard.db.transaction import is_sqlite, write_transaction
from dashboard.domain.retries import RetryPolicy

log = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """Retrying cannot help (refused recipient, bad credentials): the row is marked failed."""


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


async def claim_due(table: type[Table], *, limit: int, lease: timedelta,
                    now: datetime, joined: Sequence[Column] = ()) -> list[dict]:
    """Claim up to ``limit`` pending rows due at ``now``; returns them whole, oldest first.

    ``joined`` columns of related tables (``Refund.order.number``) are read with the rows,
    under their dotted names (``"order.number"``), so delivering needs no query per row."""
    due = (table.status == "pending") & (table.next_attempt_at <= now)
    async with write_transaction():
        query = table.select(table.id).where(due).order_by(table.next_attempt_at, table.id)
        query = query.limit(limit)
        if not is_sqlite():
            query = query.lock_rows(skip_locked=True)
        ids = [row["id"] for row in await query]
        if not ids:
            return []
        claimed = await table.update({table.next_attempt_at: now + lease}).where(
            table.id.is_in(ids) & due).returning(table.id)
        ids = [row["id"] for row in claimed]
        if not ids:
            return []
        columns = (*table.all_columns(), *joined) if joined else ()
        return await table.select(*columns).where(table.id.is_in(ids)).order_by(
            table.id).output(load_json=True)


class Lease:
    """The rows of one claimed batch that this worker still holds, until ``until``.

    Renewal is fenced on ``next_attempt_at = until``: a row whose lease already lapsed and
    that another worker claimed (it moved ``next_attempt_at``), or that was finished
    (sent, failed, rescheduled), is not touched and leaves the lease.
    """

    def __init__(self, table: type[Table], ids: list[int], *, until: datetime, length: timedelta) -> None:
        self.table = table
        self.held = set(ids)
        self.until = until
        self.length = length

    def release(self, row_id: int) -> None:
        self.held.discard(row_id)

    async def renew(self) -> None:
        table = self.table
        until = _utcnow() + self.length
        if not self.held or until <= self.until:
            return
        async with write_transaction():
            kept = await table.update({table.next_attempt_at: until}).where(
                table.id.is_in(sorted(self.held)) & (table.status == "pending")
                & (table.next_attempt_at == self.until)).returning(table.id)
        kept_ids = {row["id"] for row in kept}
        if lost := self.held - kept_ids:
            log.warning("%s lease lost for row(s) %s", table._meta.tablename, sorted(lost))
        self.held &= kept_ids
        self.until = until

    @contextlib.asynccontextmanager
    async def kept_alive(self, every: timedelta) -> AsyncIterator[Lease]:
        """Renew every ``every`` for the duration of the block (stops with it, or with the
        task: a cancelled or dead worker stops renewing, and its rows come back)."""

        async def beat() -> None:
            while True:
                await asyncio.sleep(every.total_seconds())
                try:
                    await self.renew()
                except Exception:  # noqa: BLE001 - e.g. database briefly away: try next beat
                    log.exception("%s lease renewal failed", self.table._meta.tablename)

        task = asyncio.create_task(beat(), name=f"lease-{self.table._meta.tablename}")
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class OutboxDeliverer:
    """Base of a deliverer: subclass with ``table``, ``done_status``, ``done_column``, ``deliver``.

    ``deliver(row)`` returns on success, raises ``PermanentFailure`` when retrying cannot
    help, anything else for a temporary failure (retried with backoff). Every attempt
    increments ``attempts`` and keeps its error in ``last_error``.
    """

    name = "outbox"
    table: type[Table]
    done_status = "sent"
    batch_size = 20
    # How long a claim lasts without news from its worker, and how often it is renewed
    # (DASHBOARD_OUTBOX_LEASE_SECONDS, applied by the worker; a third of it by default).
    lease = timedelta(seconds=30)
    heartbeat = timedelta(seconds=10)
    retry = RetryPolicy()

    def done_column(self) -> Column:
        raise NotImplementedError

    def joined_columns(self) -> Sequence[Column]:
        """Columns of related tables that ``deliver`` reads, claimed with the rows."""
        return ()

    def enabled(self) -> bool:
        return True

    async def deliver(self, row: dict) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        """Release connections (called when the worker stops)."""

    async def run_once(self, now: datetime | None = None) -> int:
        """Claim one batch and try each row once; how many rows were tried."""
        if not self.enabled():
            return 0
        now = now or _utcnow()
        rows = await claim_due(self.table, limit=self.batch_size, lease=self.lease, now=now,
                               joined=self.joined_columns())
        if not rows:
            return 0
        lease = Lease(self.table, [row["id"] for row in rows], until=now + self.lease, length=self.lease)
        async with lease.kept_alive(self.heartbeat):
            for row in rows:
                try:
                    await self.deliver(row)
                except PermanentFailure as exc:
                    await self._failed(row, str(exc), permanent=True, now=now)
                except Exception as exc:  # noqa: BLE001 - any other failure is worth a retry
                    await self._failed(row, f"{type(exc).__name__}: {exc}", permanent=False, now=now)
                else:
                    await self._done(row)
                lease.release(row["id"])
        return len(rows)

    async def _done(self, row: dict) -> None:
        table = self.table
        async with write_transaction():
            await table.update({table.status: self.done_status, self.done_column(): _utcnow(),
                                table.attempts: row["attempts"] + 1, table.last_error: ""}).where(
                table.id == row["id"])

    async def _failed(self, row: dict, error: str, *, permanent: bool, now: datetime) -> None:
        table = self.table
        attempts = row["attempts"] + 1
        values = {table.attempts: attempts, table.last_error: error[:2000]}
        if permanent or self.retry.gives_up(attempts):
            values[table.status] = "failed"
            log.error("%s #%s failed for good after %d attempt(s): %s", self.name, row["id"],
                      attempts, error)
        else:
            values[table.next_attempt_at] = now + self.retry.delay(attempts)
            log.warning("%s #%s attempt %d failed, retrying later: %s", self.name, row["id"],
                        attempts, error)
        async with write_transaction():
            await table.update(values).where(table.id == row["id"])
