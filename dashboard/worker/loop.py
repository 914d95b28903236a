"""The worker loop: every few seconds, each deliverer takes a batch; timed jobs on their
own interval. One failing deliverer or job is logged and never stops the others."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from dashboard.settings import get_settings
from dashboard.services.payments.auto_cancel import run_auto_cancel
from dashboard.services.printing.labels import deliver_due_print_jobs
from dashboard.worker.outbox import OutboxDeliverer
from dashboard.worker.refunds import ProviderRefundDeliverer
from dashboard.worker.smtp import EmailDeliverer
from dashboard.worker.webhooks import WebhookDeliverer

log = logging.getLogger(__name__)


def _default_deliverers() -> list[OutboxDeliverer]:
    return [EmailDeliverer(), WebhookDeliverer(), ProviderRefundDeliverer()]


# Factories of extra deliverers (e.g. print jobs): ``register_deliverer(PrintJobDeliverer)``.
DELIVERERS: list[Callable[[], OutboxDeliverer]] = []


def register_deliverer(factory: Callable[[], OutboxDeliverer]) -> None:
    if factory not in DELIVERERS:
        DELIVERERS.append(factory)


@dataclass
class PeriodicJob:
    name: str
    interval: timedelta
    run: Callable[[], Awaitable[object]]
    last_run: datetime | None = None

    def due(self, now: datetime) -> bool:
        return self.last_run is None or now - self.last_run >= self.interval


def _default_jobs() -> list[PeriodicJob]:
    return [PeriodicJob("auto-cancel", timedelta(minutes=1), run_auto_cancel),
            # Print jobs keep their own attempt/backoff fields on the row (services/printing).
            PeriodicJob("print-jobs", timedelta(seconds=2), deliver_due_print_jobs)]


class Worker:
    def __init__(self, deliverers: list[OutboxDeliverer], jobs: list[PeriodicJob],
                 poll_seconds: float = 2.0) -> None:
        self.deliverers = deliverers
        self.jobs = jobs
        self.poll_seconds = poll_seconds

    async def run_once(self, now: datetime | None = None) -> dict[str, int]:
        """One pass: each deliverer until it has nothing due, then the jobs that are due."""
        done: dict[str, int] = {}
        for deliverer in self.deliverers:
            total = 0
            try:
                while (count := await deliverer.run_once(now)) > 0:
                    total += count
                    if count < deliverer.batch_size:
                        break
            except Exception:  # noqa: BLE001 - e.g. database briefly unreachable
                log.exception("deliverer %s failed", deliverer.name)
            done[deliverer.name] = total
        moment = now or datetime.now(timezone.utc)
        for job in self.jobs:
            if job.due(moment):
                job.last_run = moment
                try:
                    await job.run()
                except Exception:  # noqa: BLE001
                    log.exception("job %s failed", job.name)
        return done

    async def run(self, stop: asyncio.Event) -> None:
        log.info("worker started: %s; jobs: %s", [d.name for d in self.deliverers],
                 [j.name for j in self.jobs])
        try:
            while not stop.is_set():
                await self.run_once()
                try:
                    await asyncio.wait_for(stop.wait(), timeout=self.poll_seconds)
                except asyncio.TimeoutError:
                    pass
        finally:
            for deliverer in self.deliverers:
                await deliverer.close()
            log.info("worker stopped")


def build_worker(poll_seconds: float = 2.0) -> Worker:
    deliverers = _default_deliverers() + [factory() for factory in DELIVERERS]
    lease = timedelta(seconds=get_settings().outbox_lease_seconds)
    for deliverer in deliverers:
        deliverer.lease, deliverer.heartbeat = lease, lease / 3
    return Worker(deliverers, _default_jobs(), poll_seconds=poll_seconds)


@asynccontextmanager
async def running_in_background(worker: Worker | None = None) -> AsyncIterator[Worker]:
    """Run the worker as a task for the duration of the block (the app's lifespan)."""
    worker = worker or build_worker()
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop), name="dashboard-worker")
    try:
        yield worker
    finally:
        stop.set()
        await task
