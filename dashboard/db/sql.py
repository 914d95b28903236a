"""Hand-written statements on the current write transaction's connection.

For the hot paths only (order intake runs hundreds of times a second): Piccolo builds
each query in Python (~0.2 ms of CPU per statement, more than the database needs to run
it), while a fixed SQL text goes straight to the driver, and asyncpg keeps it prepared
per connection. Everything else uses Piccolo's query builder.

The SQL is written once for both engines, with ``{}`` placeholders like Piccolo's
``raw()``; they become ``$1, $2...`` (asyncpg) or ``?`` (sqlite3). Inside
``write_transaction()`` they run on its connection, so they commit or roll back with it;
outside, they go through Piccolo like any other query. Values are the driver's: a dict
for a JSON column must be passed as its JSON text.
"""

from __future__ import annotations

from functools import lru_cache

from piccolo.querystring import QueryString

from dashboard.db.transaction import engine


@lru_cache(maxsize=512)
def _prepare(sql: str, postgres: bool) -> str:
    if not postgres:
        return sql.replace("{}", "?")
    parts = sql.split("{}")
    return parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], start=1))


async def fetch(sql: str, *args) -> list[dict]:
    """The rows of one statement (a SELECT, or a write with RETURNING) as dicts."""
    transaction = engine().current_transaction.get()
    if transaction is None:
        return await engine().run_querystring(QueryString(sql, *args))
    connection = transaction.connection
    if engine().engine_type == "postgres":
        return [dict(row) for row in await connection.fetch(_prepare(sql, True), *args)]
    async with connection.execute(_prepare(sql, False), args) as cursor:
        return list(await cursor.fetchall())  # Piccolo's row factory gives dicts


async def fetch_one(sql: str, *args) -> dict | None:
    rows = await fetch(sql, *args)
    return rows[0] if rows else None


async def execute(sql: str, *args) -> None:
    transaction = engine().current_transaction.get()
    if transaction is None:
        await engine().run_querystring(QueryString(sql, *args))
        return
    connection = transaction.connection
    if engine().engine_type == "postgres":
        await connection.execute(_prepare(sql, True), *args)
    else:
        await (await connection.execute(_prepare(sql, False), args)).close()


def names(columns: tuple[str, ...]) -> str:
    """``"a", "b"``: quoted column names for a hand-written statement."""
    return ", ".join(f'"{c}"' for c in columns)


def placeholders(count: int) -> str:
    return ", ".join("{}" for _ in range(count))


Statement = tuple[str, tuple]  # (SQL text with {} placeholders, its arguments)


async def execute_all(statements: list[Statement]) -> None:
    """Several writes that do not read each other's rows, in one round trip on PostgreSQL:
    one statement whose data-modifying CTEs run them all (constraints are checked at its
    end). On SQLite, one after the other: the database is in-process, no round trip to
    save, and SQLite's WITH cannot hold an INSERT."""
    if not statements:
        return
    if engine().engine_type != "postgres" or len(statements) == 1:
        for text, args in statements:
            await execute(text, *args)
        return
    *first, last = statements
    combined = "WITH " + ", ".join(f"w{n} AS ({text})" for n, (text, _) in enumerate(first))
    await execute(f"{combined} {last[0]}", *(arg for _, args in statements for arg in args))


@lru_cache(maxsize=256)
def insert(table: str, columns: tuple[str, ...], rows: int = 1,
           returning: str | tuple[str, ...] = "") -> str:
    """``INSERT INTO table (columns) VALUES ({}, ...), ...`` for ``rows`` rows; the
    arguments are the rows' values one row after the other."""
    row = f"({placeholders(len(columns))})"
    sql = f'INSERT INTO "{table}" ({names(columns)}) VALUES ' + ", ".join(row for _ in range(rows))
    if isinstance(returning, str):
        returning = (returning,) if returning else ()
    return sql + (f" RETURNING {names(returning)}" if returning else "")


# Bound values per multi-row statement: well under both drivers' limits (32766 / 32767).
MAX_VALUES = 8000


def _parts(rows: list[tuple], width: int):
    per = max(1, MAX_VALUES // max(1, width))
    for start in range(0, len(rows), per):
        yield rows[start:start + per]


async def insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple],
                      returning: tuple[str, ...] = ()) -> list[dict]:
    """Many rows (tuples in ``columns`` order) in multi-row INSERTs, as few as the
    bound-value limit allows: for the set-based paths, where building one ORM object per
    row cost more than the database's work. The ``returning`` columns of every row."""
    returned: list[dict] = []
    for part in _parts(rows, len(columns)):
        text = insert(table, columns, len(part), returning)
        values = [value for row in part for value in row]
        if returning:
            returned += await fetch(text, *values)
        else:
            await execute(text, *values)
    return returned


async def insert_all(statements: list[Statement]) -> None:
    """Single-row ``insert()`` statements (``history.event_statement``,
    ``outbox.email_statement``...) written as multi-row INSERTs, one per text and chunk,
    in the order each text first appears."""
    by_text: dict[str, list[tuple]] = {}
    for text, args in statements:
        by_text.setdefault(text, []).append(args)
    for text, rows in by_text.items():
        head, row = text.rsplit(" VALUES ", 1)
        assert row.startswith("(") and row.endswith(")") and " RETURNING " not in row, text
        for part in _parts(rows, len(rows[0])):
            await execute(f"{head} VALUES " + ", ".join(row for _ in part),
                          *(value for args in part for value in args))
