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

    async def drop_secondary_indexes(self, tables: Sequence[str]) -> list[str]:
        """Drop the plain indexes of ``tables``; returns the statements that recreate them.

        Building an index once over a million rows is several times faster than updating it
        row by row. Indexes behind primary keys and unique constraints stay (they guard the
        data while it loads). Both engines change indexes transactionally, so a failed load
        rolls the drop back too. On SQLite the search mirrors' triggers go the same way.
        """
        if self.postgres:
            rows = await self.connection.fetch(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = ANY($1::text[]) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                list(tables))
            found = [(r["indexname"], r["indexdef"]) for r in rows]
        else:
            marks = ", ".join("?" for _ in tables)
            async with self.connection.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks})", list(tables)) as cursor:
                found = [(r["name"], r["sql"]) for r in await cursor.fetchall()]
        for name, _definition in found:
            await self.connection.execute(f'DROP INDEX "{name}"')
        return [definition for _name, definition in found] + await self._drop_search_mirrors(tables)

    async def _drop_search_mirrors(self, tables: Sequence[str]) -> list[str]:
        """SQLite: drop the triggers that copy ``search_text`` into the FTS5 trigram tables
        (``<table>_search``); returns the statements that put them back and rebuild each
        mirror once. Indexing a million texts in one pass takes a fraction of feeding them
        one row at a time. The page cache is raised for the load's connection (256 MB) for the same reason."""
        if self.postgres:
            return []
        await self.connection.execute("PRAGMA cache_size = -262144")
        marks = ", ".join("?" for _ in tables)
        async with self.connection.execute(
                f"SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' "
                f"AND name LIKE '%\\_search\\_a_' ESCAPE '\\' AND tbl_name IN ({marks})",
                list(tables)) as cursor:
            triggers = [(r["name"], r["tbl_name"], r["sql"]) for r in await cursor.fetchall()]
        for name, _table, _definition in triggers:
            await self.connection.execute(f'DROP TRIGGER "{name}"')
        mirrors = sorted({f"{table}_search" for _name, table, _sql in triggers})
        return ([definition for _name, _table, definition in triggers]
                + [f"INSERT INTO {fts}({fts}) VALUES ('rebuild')" for fts in mirrors])

    async def drop_foreign_keys(self, tables: Sequence[str]) -> list[str]:
        """PostgreSQL: drop the foreign keys of ``tables``; returns the statements that add them back.

        Each row written under a foreign key fires a lookup; adding the key back checks every
        row in one join, several times faster for millions of rows, and still refuses the
        whole load if one reference is wrong. SQLite checks keys cheaply and cannot drop them.
        """
        if not self.postgres:
            return []
        rows = await self.connection.fetch(
            "SELECT conname, conrelid::regclass::text AS tab, pg_get_constraintdef(oid) AS def "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY($1::text[])",
            list(tables))
        for row in rows:
            await self.connection.execute(f'ALTER TABLE {row["tab"]} DROP CONSTRAINT "{row["conname"]}"')
        return [f'ALTER TABLE {r["tab"]} ADD CONSTRAINT "{r["conname"]}" {r["def"]}' for r in rows]

    async def run(self, statements: Sequence[str]) -> None:
        for statement in statements:
            await self.connection.execute(statement)

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
