"""Measure the orders-list fragment (as served over HTTP) and a bulk action, on many orders.

    DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python bench/orders_workspace.py --orders 100000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/orders_workspace.py --orders 1000000

Orders are generated straight in SQL (fast, deterministic, realistic names and postcodes)
only when the database holds fewer than ``--orders``. Each scenario requests the same URL
with ``HX-Request: true`` through the real app (routing, auth, queries, template), warm,
``--runs`` times, and prints p50/p95 in milliseconds. Beside it, the database's own time
for the same queries: every query one request sent is recorded and run again straight on
the engine, ``--runs`` times (PostgreSQL: planning + execution time from
``EXPLAIN (ANALYZE)``; SQLite: the statement stepped to its last row on a plain sqlite3
connection), summed per request. The bulk scenario adds a note to 1,000 orders in one
transaction.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._timing import report  # noqa: E402

FIRST = ["Anne", "Hélène", "Marc", "Zoé", "Lucas", "Léa", "Hugo", "Chloé", "Louis", "Emma",
         "Jules", "Inès", "Gabriel", "Manon", "Arthur", "Camille", "Raphaël", "Sarah", "Noé",
         "Élodie", "Théo", "Juliette", "Nathan", "Océane", "Paul", "Margaux", "Tom", "Lucie"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
        "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
        "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
        "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure",
        "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin"]
STATUS = ["open"] * 3 + ["closed"] * 14 + ["on_hold", "cancelled", "cancelled"]
METHODS = ["card"] * 6 + ["bank_transfer"] * 2 + ["cheque", "cash_on_pickup"]


def order_rows(start: int, count: int, rng: random.Random, t0: datetime):
    from dashboard.domain.search import fold

    for i in range(start, start + count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        number = f"B{i:08d}"
        email = fold(f"{first}.{last}{i % 997}@example.fr").replace(" ", "")
        phone = f"+336{rng.randint(10_000_000, 99_999_999)}"
        postcode = f"{rng.randint(1, 95):02d}{rng.randint(0, 999):03d}"
        status = rng.choice(STATUS)
        total = rng.randint(990, 40_000)
        paid = total if status == "closed" or rng.random() < 0.4 else 0
        search = fold(f"{number} {first} {last} {email} {phone} {phone[1:]} {postcode}")
        placed = t0 + timedelta(seconds=i * 90 + rng.randint(0, 80))
        yield (number, 1, rng.choice(["web"] * 4 + ["phone"]), rng.choice(METHODS), status,
               "paid" if paid else "unpaid",
               "shipped" if status == "closed" else "unfulfilled",
               f"{first} {last}", email, phone, postcode, total, total, paid, total - paid,
               search, rng.choice([0] * 9 + [1]), rng.choice([0] * 19 + [2]),
               "colissimo" if status == "closed" else None, placed, placed)


COLUMNS = ("number, customer, channel, payment_method, status, payment_status, "
           "fulfilment_status, customer_name, customer_email, customer_phone, ship_postal_code, "
           "subtotal, total, paid_total, balance_due, search_text, note_count, "
           "backordered_quantity, last_carrier, placed_at, updated_at")


async def fill(n: int) -> None:
    from dashboard.db.tables import Customer, Order
    from dashboard.db.transaction import engine

    have = await Order.count()
    if have >= n:
        return
    if not await Customer.count():
        await Customer.insert(Customer(email="bench@example.fr", last_name="Bench"))
    rng = random.Random(have)
    t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
    db = engine()
    started = time.perf_counter()
    if db.engine_type == "sqlite":
        import sqlite3

        con = sqlite3.connect(db.path)
        con.executemany(f"INSERT INTO orders ({COLUMNS}) VALUES ({', '.join('?' * 21)})",
                        ((*r[:-2], r[-2].isoformat(), r[-1].isoformat())
                         for r in order_rows(have, n - have, rng, t0)))
        con.commit()
        con.close()
    else:
        import asyncpg

        conn = await asyncpg.connect(os.environ["DATABASE_URL"])
        try:
            await conn.copy_records_to_table(
                "orders", records=order_rows(have, n - have, rng, t0),
                columns=[c.strip() for c in COLUMNS.split(",")])
            await conn.execute("ANALYZE orders")
        finally:
            await conn.close()
    print(f"generated {n - have} orders in {time.perf_counter() - started:.1f} s")


SCENARIOS = {
    "default (newest first)": "/orders",
    "deep page (keyset)": None,  # filled in with a cursor near the end
    "search common name": "/orders?q=martin",
    "search rare: name + postcode": "/orders?q=lefevre+75",
    "search email fragment": "/orders?q=helene.guerin",
    "search phone": "/orders?q=06+12+34",
    "search order number": "/orders?q=B00012345",
    "search no match": "/orders?q=zzzqqq",
    "status on_hold": "/orders?status=on_hold",
    "payment unpaid + bank transfer": "/orders?payment_status=unpaid&payment_method=bank_transfer",
    "fulfilment unfulfilled": "/orders?fulfilment_status=unfulfilled",
    "channel phone": "/orders?channel=phone",
    "carrier colissimo": "/orders?carrier=colissimo",
    "month 2024-03": "/orders?month=2024-03",
    "has notes": "/orders?has_notes=1",
    "backordered": "/orders?backordered=1",
    "unverified addresses": "/orders?unverified=1",
    "sort by total": "/orders?sort=-total",
}


async def _data_scenarios() -> dict[str, str]:
    """The scenarios that depend on the data: each status and payment method, prefixes of
    a real phone, postcode and order number, and a product by SKU, barcode and name (when
    the orders have lines, as after `dashboard demo-data`)."""
    from urllib.parse import quote_plus

    from dashboard.db.tables import Order, OrderLine, Product
    from dashboard.domain.statuses import OrderStatus, PaymentMethod

    scenarios = {f"status {s.value}": f"/orders?status={s.value}" for s in OrderStatus}
    scenarios.update({f"payment method {m.value}": f"/orders?payment_method={m.value}"
                      for m in PaymentMethod})
    sample = await Order.select(Order.number, Order.customer_phone, Order.ship_postal_code).where(
        Order.customer_phone.is_not_null()).limit(1).first()
    if sample:
        digits = "".join(ch for ch in sample["customer_phone"] or "" if ch.isdigit())
        national = ("0" + digits[2:]) if digits.startswith("33") else digits
        scenarios["search phone prefix"] = "/orders?q=" + national[:4]
        scenarios["search postcode"] = "/orders?q=" + (sample["ship_postal_code"] or "75011")
        scenarios["search number prefix"] = "/orders?q=" + sample["number"][:-3]
    line = await OrderLine.select(OrderLine.product).limit(1).first()
    product = line and await Product.select(Product.sku, Product.barcode, Product.name).where(
        Product.id == line["product"]).first()
    if product:
        scenarios["search SKU"] = "/orders?q=" + quote_plus(product["sku"])
        if product["barcode"]:
            scenarios["search EAN"] = "/orders?q=" + product["barcode"]
        scenarios["search product name"] = "/orders?q=" + quote_plus(product["name"])
    return scenarios


class QueryRecorder:
    """Records the queries the app sends through Piccolo while ``on`` (bench only)."""

    def __init__(self) -> None:
        from dashboard.db.transaction import engine

        self.engine = engine()
        self.on = False
        self.queries: list[tuple[str, list]] = []
        cls = type(self.engine)  # engines have __slots__: patch the class
        original = cls.run_querystring

        async def recording(engine, querystring, *args, **kwargs):
            if self.on:
                self.queries.append(querystring.compile_string(engine_type=engine.engine_type))
            return await original(engine, querystring, *args, **kwargs)

        cls.run_querystring = recording

    async def take(self, request) -> list[tuple[str, list]]:
        self.queries, self.on = [], True
        try:
            await request()
        finally:
            self.on = False
        return [(q, a) for q, a in self.queries if q.lstrip().upper().startswith(("SELECT", "WITH"))]


async def database_ms(queries: list[tuple[str, list]], runs: int) -> tuple[float, float]:
    """p50/p95 of the database's own time for one request's queries, summed, in ms."""
    import json

    from bench._timing import p50_p95
    from dashboard.db.transaction import engine

    totals = []
    db = engine()
    if db.engine_type == "postgres":
        import asyncpg

        # As the list reads them: read_snapshot(parallel=False) plans no parallel workers.
        conn = await asyncpg.connect(os.environ["DATABASE_URL"], server_settings={
            "plan_cache_mode": "force_custom_plan", "max_parallel_workers_per_gather": "0"})
        try:
            for _ in range(runs + 1):
                total = 0.0
                for query, args in queries:
                    plan = json.loads(await conn.fetchval(
                        "EXPLAIN (ANALYZE, FORMAT JSON) " + query, *args))[0]
                    total += plan["Planning Time"] + plan["Execution Time"]
                totals.append(total)
        finally:
            await conn.close()
    else:
        import sqlite3

        conn = sqlite3.connect(db.path)
        try:
            for _ in range(runs + 1):
                started = time.perf_counter()
                for query, args in queries:
                    conn.execute(query, args).fetchall()
                totals.append((time.perf_counter() - started) * 1000)
        finally:
            conn.close()
    return p50_p95(totals[1:])


async def measure(runs: int, only: str = "") -> list[tuple[str, float, float, float, float]]:
    import httpx

    from dashboard.app import create_app
    from dashboard.db.tables import Order, StaffUser
    from dashboard.services.staff.auth import create_user, sign_in
    from dashboard.services.orders.listing import _encode_cursor

    if not await StaffUser.exists().where(StaffUser.username == "bench"):
        await create_user("bench", "back_office", "bench password 123")
    token, _ = await sign_in("bench", "bench password 123")
    deep = await Order.select(Order.id, Order.placed_at).order_by(
        Order.placed_at, Order.id).offset(100).limit(1).first()
    SCENARIOS["deep page (keyset)"] = "/orders?cursor=" + _encode_cursor(deep["placed_at"], deep["id"])
    SCENARIOS.update(await _data_scenarios())
    recorder = QueryRecorder()
    transport = httpx.ASGITransport(app=create_app())
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    results = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench",
                                 cookies={"dashboard_session": token},
                                 headers={"HX-Request": "true"}) as http:
        for name, url in SCENARIOS.items():
            if only and only not in name:
                continue
            def check(response, url=url):
                assert response.status_code == 200, (url, response.status_code)

            name, p50, p95 = await report(name, lambda url=url: http.get(url), runs, width=34,
                                          check=check)
            queries = await recorder.take(lambda url=url: http.get(url))
            db50, db95 = await database_ms(queries, runs)
            print(f"{'':34s} database p50 {db50:6.1f} ms   p95 {db95:6.1f} ms "
                  f"({len(queries)} queries, {url[:60]})")
            results.append((name, p50, p95, db50, db95))
    return results


async def bulk_note(count: int) -> float:
    from dashboard.db.tables import Order
    from dashboard.services.orders.notes import add_notes

    ids = [r["id"] for r in await Order.select(Order.id).where(Order.status == "open").limit(count)]
    started = time.perf_counter()
    result = await add_notes(ids, "bench: called the customer", None, "bench")
    elapsed = time.perf_counter() - started
    assert len(result.changed) == len(ids)
    print(f"bulk note on {len(ids)} orders: {elapsed * 1000:.0f} ms")
    return elapsed


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", default="", help="only the scenarios whose name holds this")
    parser.add_argument("--no-bulk", action="store_true", help="skip the bulk note")
    args = parser.parse_args()
    os.environ.setdefault("DASHBOARD_VAR_DIR", tempfile.mkdtemp(prefix="dashboard-bench-"))
    import dashboard  # noqa: F401
    from dashboard.db import transaction
    from dashboard.db.migrate import migrate

    await migrate()
    await transaction.start()
    try:
        await fill(args.orders)
        await measure(args.runs, args.only)
        if not args.no_bulk:
            await bulk_note(1000)
    finally:
        await transaction.stop()


if __name__ == "__main__":
    asyncio.run(main())
