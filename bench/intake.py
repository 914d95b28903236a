"""Orders placed per second with 50 concurrent clients, on PostgreSQL.

    .venv/bin/python bench/intake.py [--orders 3000] [--clients 50] [--via service|http]
                                     [--products 20]
                                     [--admin-url postgresql://postgres@127.0.0.1:5432/test]

It creates a throw-away database, migrates it, loads a small catalogue with plenty of
stock, then runs ``--clients`` concurrent clients, each placing orders one after another
(2 lines each over ``--products`` products; 500 customers, so customers and addresses are
found as well as created). As a shop runs it: each order carries an Idempotency-Key and
the merchant's new-order email is rendered into the outbox (DASHBOARD_MERCHANT_EMAIL;
set it empty to leave the email out).
``--via service`` calls ``services.orders.place_order`` (the use-case alone);
``--via http`` posts the contract's JSON to ``POST /api/v1/orders`` through the ASGI app in
the same process (API key check, strict decoding, JSON answer; no network or server).
``--via server --processes N`` posts it over real sockets to ``dashboard serve --workers N``
started on the same database (several server processes, as a shop would scale them).
``--stock`` units per product (default: plenty) makes stock scarce: refused orders are
counted, and every run checks that no unit was oversold (each product's reserved units
equal its order lines' and never exceed what is on hand).
The figure printed is completed orders / wall-clock seconds, with latency percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import tempfile
import time
import uuid

def _skus(products: int) -> list[str]:
    return [f"BENCH-{i:03d}" for i in range(products)]


def _order_body(i: int, skus: list[str]) -> dict:
    return {
        "customer": {"email": f"bench{i % 500}@example.fr", "first_name": "Anne",
                     "last_name": f"Martin{i % 500}", "phone": "+33612345678"},
        "shipping_address": {"name": "Anne Martin", "line1": "12 rue des Lilas", "line2": "",
                             "postal_code": "69003", "city": "Lyon", "country": "FR"},
        "billing_address": None,
        "lines": [{"sku": skus[i % len(skus)], "quantity": 1, "unit_price": 1990},
                  {"sku": skus[(i * 7 + 3) % len(skus)], "quantity": 2}],
        "currency": "EUR", "payment_method": "card", "shipping_method": "carrier",
        "locale": "fr",
    }


async def _setup(units: int, skus: list[str]) -> str:
    from dashboard.db.migrate import migrate
    from dashboard.db import transaction
    from dashboard.domain.stock.catalogue import ProductSpec
    from dashboard.services.stock import inventory as stock
    from dashboard.services.staff.auth import create_api_key

    await migrate()
    await transaction.start()
    for sku in skus:
        await stock.upsert_product(ProductSpec(sku=sku, name=f"Bench {sku}", price=1990),
                                   actor="bench")
        await stock.set_counted_stock(sku, units, "bench", "bench")
    return await create_api_key("bench")


async def _run(args) -> None:
    from dashboard.db import transaction

    skus = _skus(args.products)
    api_key = await _setup(args.stock or args.orders * 3, skus)
    refused = []
    run = uuid.uuid4().hex[:8]
    from dashboard.domain.orders.intake import (
        AddressDetails, CustomerDetails, DraftLine, OrderDraft,
    )
    from dashboard.services.orders import intake as order_service

    server = None
    if args.via in ("http", "server"):
        import httpx

        logging.getLogger("httpx").setLevel(logging.WARNING)  # one log line per order costs CPU
        headers = {"Authorization": f"Bearer {api_key}"}
        if args.via == "server":
            server, url = _start_server(args.processes)
            http = httpx.AsyncClient(base_url=url, headers=headers, timeout=60, limits=httpx.Limits(
                max_connections=args.clients, max_keepalive_connections=args.clients))
        else:
            from dashboard.app import create_app

            http = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app()),
                                     base_url="http://bench", headers=headers)

        async def place(i: int) -> None:
            response = await http.post("/api/v1/orders", json=_order_body(i, skus),
                                       headers={"Idempotency-Key": f"bench-{run}-{i}"})
            if response.status_code == 409 and args.stock:
                refused.append(i)  # out of stock: refused, as it must be
                return
            assert response.status_code == 201, response.text
    else:
        def draft(i: int) -> OrderDraft:
            body = _order_body(i, skus)
            return OrderDraft(
                customer=CustomerDetails(**body["customer"]),
                shipping_address=AddressDetails(**body["shipping_address"]),
                lines=[DraftLine(ln["sku"], ln["quantity"], ln.get("unit_price"))
                       for ln in body["lines"]])

        async def place(i: int) -> None:
            await order_service.place_order(draft(i), actor="api:bench",
                                            idempotency_key=f"bench-{run}-{i}")

    # Warm-up (imports, prepared caches, pool connections), not counted.
    for i in range(20):
        await place(i)
    counter = iter(range(20, 20 + args.orders))
    latencies: list[float] = []

    async def client() -> None:
        for i in counter:
            started = time.perf_counter()
            await place(i)
            latencies.append(time.perf_counter() - started)

    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.gather(*(client() for _ in range(args.clients)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if server is not None:
        cpu = float("nan")  # the servers' CPU is not this process's
        _stop_server(server)
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    oversold = await _oversold_units()
    print(f"via={args.via} processes={args.processes if server else 1} clients={args.clients} "
          f"refused={len(refused)} oversold_units={oversold} orders={len(latencies)} "
          f"placed={len(latencies) - len(refused)} "
          f"seconds={elapsed:.2f} orders_per_second={len(latencies) / elapsed:.0f} "
          f"p50_ms={q[49] * 1000:.1f} p95_ms={q[94] * 1000:.1f} max_ms={latencies[-1] * 1000:.1f} "
          f"python_cpu_ms_per_order={cpu * 1000 / len(latencies):.2f}")
    await transaction.stop()


def _start_server(processes: int):
    """``dashboard serve --workers N`` on a free port of this machine, on the bench's
    database, its background worker off; (process, URL) once /healthz answers."""
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DASHBOARD_WORKER": "off"}
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(processes), "--log-level", "warning"], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("dashboard serve did not answer /healthz within 60 s")


def _stop_server(process) -> None:
    process.terminate()
    process.wait(timeout=30)


async def _oversold_units() -> int:
    """Units reserved beyond what is on hand, plus any gap between a product's reserved
    units and its order lines' (0 when the ledger holds)."""
    from dashboard.db.tables import Order

    rows = await Order.raw(
        "SELECT s.on_hand, s.reserved, COALESCE(SUM(l.reserved), 0) AS lines "
        "FROM stock s LEFT JOIN order_line l ON l.product = s.product "
        "GROUP BY s.id, s.on_hand, s.reserved")
    return sum(max(r["reserved"] - r["on_hand"], 0) + abs(r["reserved"] - int(r["lines"]))
               for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--products", type=int, default=20,
                        help="catalogue size: fewer products, more orders wait on the same stock rows")
    parser.add_argument("--via", choices=["service", "http", "server"], default="service")
    parser.add_argument("--processes", type=int, default=1,
                        help="--via server: server processes (dashboard serve --workers)")
    parser.add_argument("--stock", type=int, default=0,
                        help="units per product (default: three per order, never short)")
    parser.add_argument("--admin-url", default=os.environ.get(
        "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--profile", help="write a cProfile of the run to this file")
    args = parser.parse_args()

    import asyncpg

    database = f"bench_intake_{uuid.uuid4().hex[:8]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(args.admin_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{database}"'))
    os.environ["DATABASE_URL"] = args.admin_url.rsplit("/", 1)[0] + "/" + database
    os.environ.setdefault("DASHBOARD_VAR_DIR", tempfile.mkdtemp(prefix="bench-intake-"))
    os.environ.setdefault("DASHBOARD_SECRET_KEY", "bench")
    # As a shop runs it: the merchant gets a new-order email (rendered into the outbox).
    os.environ.setdefault("DASHBOARD_MERCHANT_EMAIL", "orders@shop.example")
    import dashboard  # noqa: F401  (sets PICCOLO_CONF before the engine is built)

    try:
        try:
            import uvloop

            runner = uvloop.run
        except ImportError:
            runner = asyncio.run
        if args.profile:
            import cProfile

            cProfile.runctx("runner(_run(args))", globals(), {"runner": runner, "args": args,
                                                             "_run": _run}, args.profile)
        else:
            runner(_run(args))
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
