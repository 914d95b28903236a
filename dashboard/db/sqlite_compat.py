"""Make Piccolo's CREATE TABLE work on SQLite for tables with constraints.

Piccolo 1.38 creates a table and then adds each ``Check``/``Unique`` constraint with
``ALTER TABLE ... ADD CONSTRAINT``, which SQLite does not support: the first migration
fails there. On SQLite only, we write the same constraints inside the CREATE TABLE
statement instead, so both engines get identical rules from one auto-generated migration.
Remove this module when Piccolo does it itself (tests/db/test_migrations.py will tell).
"""

from __future__ import annotations

from collections.abc import Sequence

from piccolo.query.methods.create import Create

_ALTER_PREFIX = "ALTER TABLE "


def _sqlite_ddl(self: Create) -> Sequence[str]:
    statements = list(self.default_ddl)
    constraints = [c for c in self.table._meta.constraints]
    if not constraints:
        return statements
    create = [s for s in statements if s.startswith("CREATE TABLE")]
    others = [s for s in statements if not s.startswith(("CREATE TABLE", _ALTER_PREFIX))]
    inline = ", ".join(f"CONSTRAINT {c._meta.name} {c.ddl}" for c in constraints)
    table_sql = create[0]
    table_sql = table_sql[: table_sql.rfind(")")] + f", {inline})"
    return [table_sql, *others]


def install() -> None:
    Create.sqlite_ddl = property(_sqlite_ddl)  # type: ignore[assignment]
