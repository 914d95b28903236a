"""Whether the app can serve: the database answers. Read-only, no transaction."""

from __future__ import annotations

from dashboard.db.transaction import ping


async def database_answers() -> bool:
    return await ping()
