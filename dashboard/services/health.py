"""Whether the app can serve: the database answers. Read-only, no transaction."""

from __future__ import annotations

from dashboard.db.availability import is_unavailable
from dashboard.db.transaction import ping


async def database_answers() -> bool:
    return await ping()


def database_unavailable(exc: BaseException) -> bool:
    """Whether an error a request ran into means the database is out of reach (a 503 that
    will pass), rather than a bug or a refusal."""
    return is_unavailable(exc)
