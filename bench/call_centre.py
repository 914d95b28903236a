"""Server time of the call-centre desk's actions, through the real app (routing, sign-in,
CSRF, queries, templates), on a demo shop of ``--orders`` orders.

    DATABASE_URL=sqlite:///var/bench-cc.sqlite3 .venv/bin/python bench/call_centre.py --orders 20000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_cc .venv/bin/python bench/call_centre.py

The database is migrated and filled by ``dashboard demo-data``'s loader when it holds no
order. Each action runs ``--runs`` times after two warm-up runs, signed in as a call-centre
agent, and prints p50/p95 in milliseconds (the target is 200 ms for every action).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dashboard  # noqa: E402,F401  (sets PICCOLO_CONF)
from bench._timing import report  # noqa: E402
from dashboard.db import transaction  # noqa: E402
from dashboard.db.migrate import migrate  # noqa: E402

HX = {"HX-Request": "true"}
logging.getLogger("httpx").setLevel(logging.WARNING)
PASSWORD = "bench password 123"


async def prepare(orders: int) -> None:
    from dashboard.db.tables import Order, StaffUser
    from dashboard.services.demo.shop import load_demo_data
    from dashboard.services.staff.auth import create_user

    await migrate()
    if not await Order.exists():
        print(await load_demo_data(orders))
        await transaction.refresh_statistics()
    if not await StaffUser.exists().where(StaffUser.username == "bench-cc"):
        await create_user("bench-cc", "call_centre", PASSWORD, locale="fr")


async def measure(runs: int) -> list[tuple[str, float, float]]:
    import httpx

    from dashboard.app import create_app
    from dashboard.db.tables import Customer, Order, OrderLine, Product

    customer = await Customer.select(Customer.id, Customer.phone).where(
        Customer.phone != "").order_by(Customer.id).offset(100).first()
    spelled = customer["phone"].replace("+33", "0")  # "0612345678": another spelling
    repeat = await Order.select(Order.number).where(Order.status == "closed").order_by(
        Order.id).offset(50).first()
    product = await Product.select(Product.sku).where(Product.active == True).first()  # noqa: E712
    open_order = await Order.select(Order.id, Order.number).where(
        (Order.status == "open") & (Order.fulfilment_status == "unfulfilled")).order_by(
        Order.id, ascending=False).first()
    line = await OrderLine.select(OrderLine.id, OrderLine.quantity).where(
        OrderLine.order == open_order["id"]).first()
    owing = await _an_order_owing_money()

    results = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app()),
                                 base_url="http://bench") as http:
        await http.get("/login")
        token = http.cookies["csrftoken"]
        signed = await http.post("/login", data={"username": "bench-cc", "password": PASSWORD,
                                                 "_csrf_token": token})
        assert signed.status_code in (302, 303), signed.text[:500]
        http.headers["x-csrftoken"] = http.cookies["csrftoken"]
        draft_url = (await http.post("/orders/new", data={})).headers["location"]
        quantity = {"value": line["quantity"]}

        async def change_quantity():
            before, after = quantity["value"], 2 if quantity["value"] == 1 else 1
            quantity["value"] = after
            return await http.post(
                f"/orders/{open_order['number']}/changes/lines/{line['id']}/quantity",
                headers=HX, data={"before__quantity": str(before), "quantity": str(after)})

        async def and_open(posted):
            """The agent waits for the draft page the POST redirects to, too."""
            response = await posted
            assert response.status_code == 303, response.text[:300]
            return await http.get(response.headers["location"])

        actions = {
            "find the caller (other spelling)": lambda: http.get(
                "/orders/new/callers", params={"q": spelled}, headers=HX),
            "start order for a customer": lambda: and_open(http.post(
                "/orders/new", data={"customer_id": str(customer["id"])})),
            "new customer": lambda: and_open(http.post("/orders/new", data={})),
            "repeat order": lambda: and_open(http.post(f"/orders/new/repeat/{repeat['number']}")),
            "draft: add a product": lambda: http.post(
                f"{draft_url}/lines", headers=HX, data={"code": product["sku"], "quantity": "1"}),
            "draft: autosave the typing": lambda: http.post(
                f"{draft_url}/autosave", headers=HX, data={
                    "details_form": "1", "customer.last_name": "Bench",
                    "payment_method": "card", "shipping_method": "carrier"}),
            "open the order screen": lambda: http.get(f"/orders/{open_order['number']}"),
            "live order: change a quantity": change_quantity,
            "order screen owing money (refund panel)": lambda: http.get(f"/orders/{owing}"),
            "refund to the card (0,01 € each)": lambda: http.post(
                f"/orders/{owing}/refunds", headers=HX,
                data={"amount": "0,01", "route": "card", "send_email": "on"}),
        }
        for name, action in actions.items():
            def check(response, name=name):
                assert response.status_code in (200, 303), (name, response.status_code,
                                                            response.text[:300])

            results.append(await report(name, action, runs, width=40, check=check))
    return results


async def _an_order_owing_money() -> str:
    """A paid card order, open, not shipped, with no refund yet, one unit taken off a line
    of two or more: it owes the customer that unit's price."""
    from dashboard.db.tables import Order, OrderLine, Refund
    from dashboard.services.orders import changes

    refunded = Refund.select(Refund.order)
    line = await OrderLine.select(
        OrderLine.id, OrderLine.quantity, OrderLine.order.number.as_alias("number"),
    ).where((OrderLine.quantity >= 2) & (OrderLine.order.status == "open")
            & (OrderLine.order.payment_status == "paid")
            & (OrderLine.order.payment_method == "card")
            & (OrderLine.order.fulfilment_status == "unfulfilled")
            & OrderLine.order.not_in(refunded)).order_by(OrderLine.id).first()
    await changes.change_line_quantity(line["number"], line["id"], line["quantity"],
                                       line["quantity"] - 1, actor="bench")
    owed = await Order.select(Order.balance_due).where(Order.number == line["number"]).first()
    assert owed["balance_due"] < -100, owed
    return line["number"]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()} · {os.cpu_count()} cores · "
          f"{os.environ.get('DATABASE_URL', 'sqlite (default)')}")
    await transaction.start()
    try:
        await prepare(args.orders)
        await measure(args.runs)
    finally:
        await transaction.stop()


if __name__ == "__main__":
    asyncio.run(main())
