"""Which exceptions mean "the database cannot be reached right now" (both engines).

The app answers those with 503 and Retry-After instead of 500: nothing is wrong with the
request, and the same request succeeds once the database is back (the PostgreSQL pool
reconnects by itself, SQLite opens the file on each query). Only errors of the
connection are listed: a syntax error, a missing table or a broken constraint is a bug
or a refusal, and stays a 500 or a 4xx.
"""

from __future__ import annotations

import errno
import sqlite3

import asyncpg.exceptions as pg

# PostgreSQL answered, but cannot serve: connection class 08 (lost, refused, does not
# exist), shut down or restarting (57P01-57P03, not 57014 "query cancelled"), no slot
# left (53300), the database itself gone (3D000, e.g. dropped).
_POSTGRES_UNAVAILABLE = (
    pg.PostgresConnectionError,
    pg.AdminShutdownError,
    pg.CrashShutdownError,
    pg.CannotConnectNowError,
    pg.TooManyConnectionsError,
    pg.InvalidCatalogNameError,
)
# SQLite: the file cannot be opened (directory or disk gone), or another writer kept the
# lock past the busy timeout.
_SQLITE_UNAVAILABLE = ("unable to open database file", "database is locked")
_NETWORK_ERRNOS = {errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EHOSTUNREACH,
                   errno.ENETUNREACH, errno.ETIMEDOUT, errno.EPIPE}
# An OSError counts only when the database driver raised it: SMTP, printers and webhooks
# raise the same "connection refused", and that is not the database being down.
_DRIVER_MODULES = ("asyncpg", "aiosqlite", "piccolo.engine")


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or what it was raised from) says the database is out of reach."""
    seen = 0
    while exc is not None and seen < 5:
        if _is_unavailable_itself(exc):
            return True
        exc, seen = exc.__cause__, seen + 1
    return False


def _is_unavailable_itself(exc: BaseException) -> bool:
    if isinstance(exc, _POSTGRES_UNAVAILABLE):
        return True
    if isinstance(exc, pg.InterfaceError):  # asyncpg's own side: "connection is closed"
        return "connection" in str(exc).lower() and "closed" in str(exc).lower()
    if isinstance(exc, sqlite3.OperationalError):
        return any(text in str(exc).lower() for text in _SQLITE_UNAVAILABLE)
    if isinstance(exc, (TimeoutError, ConnectionError)) or (
            isinstance(exc, OSError) and (exc.errno in _NETWORK_ERRNOS or _no_errno_network(exc))):
        return _raised_by_driver(exc)
    return False


def _no_errno_network(exc: OSError) -> bool:
    # asyncpg joins the failures of every address of a host name into one OSError
    # "Multiple exceptions: [Errno 111] Connect call failed ..." without an errno.
    return exc.errno is None and "connect call failed" in str(exc).lower()


def _raised_by_driver(exc: BaseException) -> bool:
    traceback = exc.__traceback__
    while traceback is not None:
        module = traceback.tb_frame.f_globals.get("__name__", "")
        if module.startswith(_DRIVER_MODULES):
            return True
        traceback = traceback.tb_next
    return False
