"""Bulk writes on the connection of the current write transaction, for either engine.

PostgreSQL: ``COPY ... FROM STDIN`` (asyncpg ``copy_records_to_table``), an order of
magnitude faster than INSERTs for a million orders. SQLite: ``executemany`` of one prepared
INSERT, inside the same immediate transaction. Values are plain Python objects; on SQLite
datetimes and dates go through the adapters Piccolo registers, so they are stored exactly
as Piccolo stores them.
"""

from __future__ import annotations

from collections.abc import Sequence

from dashboard.db.transaction import engine


class BulkWriter:
    def __init__(self, connection, postgres: bool) -> None:
        self.connection = connection
        self.postgres = postgres

    @classmethod
    def current(cls) -> BulkWriter:
        """The writer on the connection of the write transaction open in this task."""
        db = engine()
        transaction = db.current_transaction.get()
        if transaction is None:
            raise RuntimeError("BulkWriter needs an open write_transaction()")
        return cls(transaction.connection, db.engine_type == "postgres")

    async def value(self, sql: str):
        """The first column of the first row of a read query."""
        if self.postgres:
            return await self.connection.fetchval(sql)
        async with self.connection.execute(sql) as cursor:
            row = await cursor.fetchone()
        return next(iter(row.values())) if isinstance(row, dict) else row[0]

    async def write(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        if self.postgres:
            await self.connection.copy_records_to_table(table, records=rows, columns=list(columns))
            return
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        await self.connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)

    async def first_ids(self, tables: Sequence[str]) -> dict[str, int]:
        return {t: int(await self.value(f'SELECT COALESCE(MAX("id"), 0) FROM "{t}"')) + 1 for t in tables}

    async def realign_id_sequences(self, tables: Sequence[str]) -> None:
        """After writing explicit ids, make PostgreSQL's serials continue after them.

        SQLite needs nothing: its next rowid is always above the largest one.
        """
        if not self.postgres:
            return
        for table in tables:
            await self.connection.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT COALESCE(MAX("id"), 0) + 1 FROM "{table}"), false)'
            )
