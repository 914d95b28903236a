"""The background worker: delivers the outbox and runs timed jobs.

``dashboard worker`` runs it alone; ``dashboard serve`` runs it inside the app unless
``DASHBOARD_WORKER=off``. Deliverers are registered in ``loop.DELIVERERS``.
"""

from dashboard.worker.loop import (
    DELIVERERS,
    PeriodicJob,
    Worker,
    build_worker,
    register_deliverer,
    running_in_background,
)
from dashboard.worker.outbox import OutboxDeliverer, PermanentFailure

__all__ = ["DELIVERERS", "OutboxDeliverer", "PeriodicJob", "PermanentFailure", "Worker",
           "build_worker", "register_deliverer", "running_in_background"]
