"""Live updates: the list and the order screen learn about colleagues' changes by polling."""

import json
from datetime import datetime, timedelta, timezone

from dashboard.db.tables import Order
from tests.factories import make_order


async def test_list_poll_reports_orders_of_the_view_changed_since_it_last_looked(login_as):
    http = await login_as("back_office")
    page = await http.get("/orders")
    assert 'hx-get="/orders/live"' in page.text and 'name="since"' in page.text
    since = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()
    quiet = await http.get("/orders/live", params={"since": since},
                           headers={"HX-Request": "true"})
    assert quiet.status_code == 200 and "hx-trigger" not in quiet.headers
    await make_order(payment_method="cheque")
    await make_order(payment_method="card")
    changed = await http.get("/orders/live", params={"since": since},
                             headers={"HX-Request": "true"})
    event = json.loads(changed.headers["hx-trigger"])["ordersUpdatedElsewhere"]
    assert event == {"count": 2, "capped": False}
    assert 'name="since"' in changed.text  # the next poll starts from now
    filtered = await http.get("/orders/live", params={"since": since, "payment_method": "cheque"},
                              headers={"HX-Request": "true"})
    assert json.loads(filtered.headers["hx-trigger"])["ordersUpdatedElsewhere"]["count"] == 1
    later = changed.text.split('value="')[1].split('"')[0]
    again = await http.get("/orders/live", params={"since": later}, headers={"HX-Request": "true"})
    assert "hx-trigger" not in again.headers


async def test_order_screen_poll_answers_204_until_a_colleague_changes_the_order(login_as):
    http = await login_as("call_centre")
    order = await make_order()
    page = await http.get(f"/orders/{order['number']}")
    assert f'/orders/{order["number"]}/live?version={order["version"]}' in page.text
    same = await http.get(f"/orders/{order['number']}/live", params={"version": order["version"]})
    assert same.status_code == 204
    await Order.update({Order.version: Order.version + 1}).where(Order.id == order["id"])
    changed = await http.get(f"/orders/{order['number']}/live", params={"version": order["version"]})
    assert changed.status_code == 200
    assert json.loads(changed.headers["hx-trigger"])["orderChangedElsewhere"] == {
        "version": order["version"] + 1}
    missing = await http.get("/orders/NOPE/live", params={"version": 1})
    assert missing.status_code == 404


async def test_the_old_live_url_redirects_with_its_query(login_as):
    http = await login_as("back_office")
    moved = await http.get("/orders/changes", params={"since": "2026-12-07T10:00:00+00:00",
                                                      "status": "open"})
    assert moved.status_code == 308
    assert moved.headers["location"].startswith("/orders/live?since=2026-12-07")
    assert "status=open" in moved.headers["location"]
