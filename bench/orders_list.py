"""p50/p95 of the orders list fragment (``GET /orders`` with ``HX-Request: true``).

    DATABASE_URL=... .venv/bin/python bench/orders_list.py [--runs 30]

Runs against the data already in ``DATABASE_URL`` (load it with bench/demo_data.py),
through the real app (``create_app()``) over httpx's ASGI transport, signed in as an
admin the script creates. Measures: no filter, a search by customer name, a search by
order number, every value of every ``OrderFilter`` filter, and a page 20 pages deep
(reached by following the "older orders" cursor). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dashboard  # noqa: E402,F401  (sets PICCOLO_CONF)
import httpx  # noqa: E402

from dashboard.db import transaction  # noqa: E402
from dashboard.domain.errors import ValidationFailed  # noqa: E402
from dashboard.domain.statuses import (  # noqa: E402
    Channel,
    FulfilmentStatus,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
)

USERNAME, PASSWORD = "bench-admin", "bench admin password 2024"
SLOW_MS = 100
FILTERS = {"status": OrderStatus, "payment_status": PaymentStatus, "fulfilment_status": FulfilmentStatus,
           "payment_method": PaymentMethod, "channel": Channel}
_CURSOR = re.compile(r'hx-get="/orders\?[^"]*cursor=([A-Za-z0-9_\-]+)"')


async def _sign_in(http: httpx.AsyncClient) -> None:
    from dashboard.services.auth import create_user

    try:
        await create_user(USERNAME, "admin", PASSWORD)
    except ValidationFailed:
        pass  # already there from an earlier run
    await http.get("/login")
    token = http.cookies["csrftoken"]
    response = await http.post("/login", data={"username": USERNAME, "password": PASSWORD, "_csrf_token": token})
    if response.status_code != 303:
        raise SystemExit(f"sign-in failed: {response.status_code} {response.text[:200]}")


async def _time(http: httpx.AsyncClient, params: dict, runs: int) -> tuple[float, float, str]:
    url = "/orders?" + urlencode(params)
    body = ""
    for _ in range(2):  # warm-up: statement caches, pages in the OS cache
        body = (await http.get(url, headers={"HX-Request": "true"})).text
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = await http.get(url, headers={"HX-Request": "true"})
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or "<html" in response.text:
            raise SystemExit(f"{url}: {response.status_code}, not a fragment")
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, body


async def _samples() -> tuple[str, str]:
    """A customer surname and an order number that exist, from the middle of the data."""
    from dashboard.db.tables import Order

    count = await Order.count()
    row = await Order.select(Order.number, Order.customer_name).order_by(Order.id).offset(count // 2).first()
    return row["customer_name"].split()[-1], row["number"]


async def run(runs: int) -> None:
    from dashboard.app import create_app
    from dashboard.db.migrate import migrate

    logging.getLogger("httpx").setLevel(logging.WARNING)
    await migrate()  # the data may have been loaded by an older version of the schema
    await transaction.start()
    try:
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            await _sign_in(http)
            surname, number = await _samples()
            cases: list[tuple[str, dict]] = [("no filter", {}), (f"search name `{surname}`", {"q": surname}),
                                             (f"search number `{number}`", {"q": number})]
            for field, values in FILTERS.items():
                cases += [(f"{field}={v.value}", {field: v.value}) for v in values]
            results = []
            for label, params in cases:
                p50, p95, _body = await _time(http, params, runs)
                results.append((label, p50, p95))
            params: dict = {}
            for _page in range(20):  # follow the cursor, as a user clicking "older orders" would
                body = (await http.get("/orders?" + urlencode(params), headers={"HX-Request": "true"})).text
                params = {"cursor": _CURSOR.search(body).group(1)}
            p50, p95, _body = await _time(http, params, runs)
            results.append(("page 21 (cursor followed 20 times)", p50, p95))
    finally:
        await transaction.stop()
    engine = "sqlite" if transaction.is_sqlite() else "postgresql"
    print(f"engine={engine} runs={runs}")
    print("| query | p50 ms | p95 ms |\n| --- | ---: | ---: |")
    for label, p50, p95 in results:
        flag = " (slow)" if p95 > SLOW_MS else ""
        print(f"| {label}{flag} | {p50:.1f} | {p95:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(run(args.runs))


if __name__ == "__main__":
    main()
