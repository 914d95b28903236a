"""Apply the committed migrations to the configured database."""

from __future__ import annotations

from piccolo.apps.migrations.commands.forwards import run_forwards

from dashboard.db.transaction import refresh_statistics


async def migrate() -> None:
    """Run every pending migration; raise if one fails (nothing half-applied is left silently).

    Then refresh the planner's statistics: a migration may rewrite or fill whole tables.
    """
    result = await run_forwards(app_name="dashboard")
    if not result.success:
        raise RuntimeError(f"Migration failed: {result.message}")
    await refresh_statistics()
