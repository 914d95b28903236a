"""``dashboard demo-data``: a realistic French/European demo shop, deterministic for a seed.

About 200 products, a pool of customers, and ``orders`` orders over the last 18 months in
every state the mission knows (see services/demo/). Everything is written in one write
transaction, in chunks of orders, with bulk writes (COPY on PostgreSQL), so a million
orders load in minutes and a failure leaves nothing half-loaded. A database that already
holds orders or products is left alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from datetime import datetime, timedelta, timezone

from dashboard.db.tables import DocumentSequence
from dashboard.db.transaction import refresh_statistics, write_transaction
from dashboard.domain.errors import ValidationFailed
from dashboard.domain.printing import FIRST_ORDER_NUMBER, order_number
from dashboard.services.demo.catalogue import PRODUCT_COLUMNS, build_catalogue, product_rows
from dashboard.services.demo.customers import ADDRESS_COLUMNS, CUSTOMER_COLUMNS, build_customers
from dashboard.services.demo.orders import OrderFactory
from dashboard.services.demo.rows import COLUMNS, ID_TABLES, Ids, Rows, Sequences
from dashboard.services.demo.scenarios import DAY, HISTORY_DAYS, PlacementCalendar, ScenarioPicker
from dashboard.services.demo.writer import BulkWriter
from dashboard.services.printing import (
    issue_missing_invoices, last_order_value, set_last_order_value,
)

CHUNK = 10_000
# From this many orders on, indexes are dropped during the load and built once at the end.
REBUILD_INDEXES_FROM = 50_000
MAX_CUSTOMERS = 50_000
# Invoices go one by one through printing's issue path (~10 queries each): up to this many
# orders; a bigger (benchmark) shop is left to ``dashboard issue-missing-invoices``.
INVOICES_UP_TO = 20_000

STOCK_COLUMNS = ("id", "product", "on_hand", "reserved", "backordered", "updated_at")
MOVEMENT_COLUMNS = ("id", "product", "on_hand_delta", "reserved_delta", "reason", "note", "order_id", "actor",
                    "created_at")


async def load_demo_data(orders: int = 2000, seed: int = 42, *, now: datetime | None = None,
                         chunk: int = CHUNK) -> str:
    """Fill an empty shop and return a one-line summary.

    ``now`` anchors the 18 months of history (default: the current hour, so two runs
    with the same seed within an hour give the same shop). Refuses, with a summary
    saying why and changing nothing, when orders or products already exist; raises
    ``ValidationFailed`` for a negative count.
    """
    if orders < 0:
        raise ValidationFailed({"orders": "must be zero or more"})
    now = now or datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    started = time.perf_counter()
    async with write_transaction():
        writer = BulkWriter.current()
        existing_orders = await writer.value('SELECT COUNT(*) FROM "orders"')
        existing_products = await writer.value('SELECT COUNT(*) FROM "product"')
        if existing_orders or existing_products:
            return (f"Demo data not loaded: the database already holds {existing_orders} order(s) and "
                    f"{existing_products} product(s); nothing was changed.")
        rng = random.Random(seed)
        ids = Ids(await writer.first_ids(ID_TABLES))
        sequences = Sequences({(r["kind"], r["year"]): r["last_value"]
                               for r in await DocumentSequence.select()})
        opened = now - timedelta(days=HISTORY_DAYS)

        catalogue = build_catalogue(rng, ids.peek("product"))
        await writer.write("product", PRODUCT_COLUMNS, product_rows(catalogue, opened - timedelta(days=30)))
        customer_count = min(max(orders // 5, 30), MAX_CUSTOMERS)
        pool, customer_rows, address_rows = build_customers(
            rng, seed, customer_count, ids.peek("customer"), ids.peek("address"), opened)
        await writer.write("customer", CUSTOMER_COLUMNS, customer_rows)
        await writer.write("address", ADDRESS_COLUMNS, address_rows)

        rebuild = []
        if orders >= REBUILD_INDEXES_FROM:
            rebuild = (await writer.drop_secondary_indexes(list(COLUMNS))
                       + await writer.drop_foreign_keys(list(COLUMNS)))
        factory = OrderFactory(rng, now, catalogue, pool, ids, sequences, Rows())
        calendar = PlacementCalendar(orders, now)
        picker = ScenarioPicker(rng)
        first_number = max(FIRST_ORDER_NUMBER, await last_order_value() + 1)

        def generate(start: int, end: int) -> Rows:
            factory.rows = Rows()
            for index in range(start, end):
                placed = calendar.placed_at(index)
                scenario = picker.pick((now - placed).total_seconds() / DAY)
                factory.build(order_number(first_number + index), placed, scenario)
            return factory.rows

        counts: dict[str, int] = {}

        async def write(rows: Rows) -> None:
            for table, columns, table_rows in rows.tables():
                counts[table] = counts.get(table, 0) + len(table_rows)
                await writer.write(table, columns, table_rows)

        # Chunk n+1 is generated in a thread while chunk n is written: the database works
        # on its side (indexes, constraint checks) while Python builds the next rows.
        writing: asyncio.Task | None = None
        try:
            for start in range(0, orders, chunk):
                rows = await asyncio.to_thread(generate, start, min(orders, start + chunk))
                if writing:
                    await writing
                writing = asyncio.create_task(write(rows))
            if writing:
                await writing
        finally:
            if writing and not writing.done():  # generation failed: stop writing, then roll back
                writing.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await writing

        stock_rows, movement_rows = _stock(rng, factory, catalogue, ids, now)
        await writer.write("stock", STOCK_COLUMNS, stock_rows)
        await writer.write("stock_movement", MOVEMENT_COLUMNS, movement_rows)
        await writer.run(rebuild)
        await _save_sequences(sequences)
        if orders:
            await set_last_order_value(first_number + orders - 1)
        await writer.realign_id_sequences(ID_TABLES)
        invoices = 0
        if orders <= INVOICES_UP_TO:
            # The same path as a real payment or shipment, dated at that moment.
            invoices = await issue_missing_invoices("demo-data", dated_at_moment=True)
    # After the commit: the statistics must describe the loaded rows, and ANALYZE of a
    # million orders should not hold the write lock longer than the load itself.
    await refresh_statistics(bulk_load=True)
    seconds = time.perf_counter() - started
    return (f"Demo shop loaded in {seconds:.1f} s: {len(catalogue.products)} products, {customer_count} customers, "
            f"{orders} orders ({counts.get('order_line', 0)} lines, {counts.get('payment', 0)} payments, "
            f"{counts.get('shipment', 0)} shipments, {counts.get('return_request', 0)} returns, "
            f"{invoices} invoices), seed {seed}.")


def _stock(rng: random.Random, factory: OrderFactory, catalogue, ids: Ids, now: datetime):
    """One stock row per product: reserved and backordered are what the open orders hold."""
    stock_rows, movement_rows = [], []
    for product in catalogue.products:
        reserved = factory.reserved.get(product.id, 0)
        backordered = factory.backordered.get(product.id, 0)
        if product.out_of_stock:
            available = 0
        elif rng.random() < 0.1:
            available = rng.randint(0, 4)  # low stock, for the stock screens
        else:
            available = rng.randint(5, 150)
        on_hand = reserved + available
        stock_rows.append((ids.next("stock"), product.id, on_hand, reserved, backordered, now))
        movement_rows.append((ids.next("stock_movement"), product.id, on_hand, 0, "count",
                              "Opening stock count (demo data)", None, "demo-data", now))
        if reserved:
            movement_rows.append((ids.next("stock_movement"), product.id, 0, reserved, "reservation",
                                  "Reserved by open demo orders", None, "demo-data", now))
    return stock_rows, movement_rows


async def _save_sequences(sequences: Sequences) -> None:
    for (kind, year), last_value in sorted(sequences.last.items()):
        updated = await DocumentSequence.update({DocumentSequence.last_value: last_value}).where(
            (DocumentSequence.kind == kind) & (DocumentSequence.year == year)
        ).returning(DocumentSequence.id)
        if not updated:
            await DocumentSequence.insert(DocumentSequence(kind=kind, year=year, last_value=last_value))
