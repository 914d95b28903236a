"""Migrations: from empty on the engine under test, idempotent, complete, and enforcing."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import asyncpg
import pytest
from piccolo.apps.migrations.commands.new import AutoMigrationManager

from dashboard.db.piccolo_app import APP_CONFIG
from dashboard.db.tables import Product, Stock
from dashboard.db.transaction import write_transaction
from tests.conftest import ENGINE, POSTGRES_ADMIN_URL


async def test_no_model_change_is_left_without_a_migration():
    statements = await AutoMigrationManager(auto_input="y").get_alter_statements(app_config=APP_CONFIG)
    pending = [s for group in statements for s in group.statements]
    assert pending == [], "run: piccolo migrations new dashboard --auto"


def _migrate(database_url: str, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "DASHBOARD_VAR_DIR": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "dashboard", "migrate"], env=env,
                          capture_output=True, text=True, timeout=120)


async def test_migrate_command_builds_an_empty_database_and_is_idempotent(tmp_path):
    table_names = {t._meta.tablename for t in APP_CONFIG.table_classes}
    if ENGINE == "postgres":
        name = f"dashboard_mig_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        try:
            for _ in range(2):
                result = _migrate(url, tmp_path)
                assert result.returncode == 0, result.stderr + result.stdout
            conn = await asyncpg.connect(url)
            rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            indexes = await conn.fetch("SELECT indexname FROM pg_indexes WHERE tablename = 'orders'")
            await conn.close()
            found = {r["tablename"] for r in rows}
            assert "orders_search_trgm" in {r["indexname"] for r in indexes}
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    else:
        import sqlite3

        path = tmp_path / "fresh.sqlite3"
        for _ in range(2):
            result = _migrate(f"sqlite:///{path}", tmp_path)
            assert result.returncode == 0, result.stderr + result.stdout
        with sqlite3.connect(path) as conn:
            found = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] in ("wal", "delete")
    assert table_names <= found


async def test_check_constraints_are_the_last_guard_on_both_engines():
    async with write_transaction():
        product_id = (await Product.insert(Product(sku="X-1", name="Test")).returning(Product.id))[0]["id"]
        await Stock.insert(Stock(product=product_id, on_hand=2, reserved=0))
    with pytest.raises(Exception) as caught:
        async with write_transaction():
            await Stock.update({Stock.reserved: 3}).where(Stock.product == product_id)
    assert "reserved_within_on_hand" in str(caught.value) or "CHECK" in str(caught.value).upper()
    stock = await Stock.objects().where(Stock.product == product_id).first()
    assert stock.reserved == 0


async def test_deleting_a_customer_with_orders_is_refused():
    from datetime import datetime, timezone

    from dashboard.db.tables import Customer, Order

    async with write_transaction():
        customer_id = (await Customer.insert(Customer(email="a@example.fr")).returning(Customer.id))[0]["id"]
        await Order.insert(Order(number="T-1", customer=customer_id, payment_method="card",
                                 placed_at=datetime.now(timezone.utc)))
    with pytest.raises(Exception):
        async with write_transaction():
            await Customer.delete().where(Customer.id == customer_id)
    assert await Order.count() == 1
