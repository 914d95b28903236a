"""Claiming outbox rows and recording each delivery attempt, for any outbox table.

A row is *claimed* by pushing its ``next_attempt_at`` one lease into the future: other
workers skip it until then. If this worker dies mid-delivery, the lease runs out and the
row is tried again (an email keeps its Message-ID, so the copy is dropped by mail systems).
PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` so workers never wait on each other.
SQLite: the conditional update inside ``BEGIN IMMEDIATE`` (one writer at a time).
"""

from __future__ import annotations

import logging
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
                    now: datetime) -> list[dict]:
    """Claim up to ``limit`` pending rows due at ``now``; returns them whole, oldest first."""
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
        return await table.select().where(table.id.is_in(ids)).order_by(table.id).output(
            load_json=True)


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
    lease = timedelta(minutes=5)
    retry = RetryPolicy()

    def done_column(self) -> Column:
        raise NotImplementedError

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
        rows = await claim_due(self.table, limit=self.batch_size, lease=self.lease, now=now)
        for row in rows:
            try:
                await self.deliver(row)
            except PermanentFailure as exc:
                await self._failed(row, str(exc), permanent=True, now=now)
            except Exception as exc:  # noqa: BLE001 - any other failure is worth a retry
                await self._failed(row, f"{type(exc).__name__}: {exc}", permanent=False, now=now)
            else:
                await self._done(row)
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
