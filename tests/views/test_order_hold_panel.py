"""Hold and release one order from its screen, with a reason, refusals next to the field."""

from datetime import date, timedelta

from dashboard.db.tables import OrderEvent
from tests.factories import make_order, order

HX = {"HX-Request": "true"}


async def test_put_on_hold_with_a_reason_then_release_it(login_as):
    placed = await make_order()
    http = await login_as("call_centre")
    page = (await http.get(f"/orders/{placed['number']}")).text
    assert 'id="put-on-hold"' in page
    held = await http.post(f"/orders/{placed['number']}/hold", headers=HX, data={
        "reason": "address_to_check", "note": "customer moving  next week"})
    # The panel comes back; the screen's badges and history re-read on ``orderChanged``.
    assert held.status_code == 200 and 'id="release-hold"' in held.text
    assert "orderChanged" in held.headers["hx-trigger"]
    row = await order(placed["number"])
    assert (row["status"], row["hold_reason"]) == ("on_hold", "address_to_check")
    event = await OrderEvent.select().where(OrderEvent.kind == "order.held").first()
    assert event["summary"].endswith("(customer moving next week)")
    page = (await http.get(f"/orders/{placed['number']}")).text
    assert 'id="release-hold"' in page and "Address to check" in page
    released = await http.post(f"/orders/{placed['number']}/hold/release", headers=HX,
                               data={"note": "address confirmed"})
    assert released.status_code == 200
    assert (await order(placed["number"]))["status"] == "open"
    assert await OrderEvent.exists().where(OrderEvent.summary.like("%address confirmed"))


async def test_a_hold_until_a_date_ends_with_that_day_in_the_shop(login_as):
    placed = await make_order()
    http = await login_as("back_office")
    day = (date.today() + timedelta(days=3)).isoformat()
    held = await http.post(f"/orders/{placed['number']}/hold", headers=HX,
                           data={"reason": "until_date", "until": day})
    assert held.status_code == 200
    until = (await order(placed["number"]))["hold_until"]
    assert until is not None and until.date() >= date.fromisoformat(day)


async def test_hold_refusals_come_back_in_french_next_to_the_field(login_as):
    placed = await make_order()
    http = await login_as("call_centre", locale="fr")
    url = f"/orders/{placed['number']}/hold"
    cases = [({"reason": ""}, "Choisissez un motif de mise en attente."),
             ({"reason": "gone_fishing"}, "Choisissez un motif de mise en attente."),
             ({"reason": "until_date", "until": ""}, "Choisissez une date."),
             ({"reason": "until_date", "until": "31/12/2026"}, "Choisissez une date."),
             ({"reason": "until_date", "until": "2020-01-01"}, "La date doit être dans le futur."),
             ({"reason": "manual", "note": "x" * 501}, "Au plus 500 caractères.")]
    for data, message in cases:
        refused = await http.post(url, headers=HX, data=data)
        assert refused.status_code == 422, data
        assert message in refused.text and 'id="hold-panel"' in refused.text, data
    assert (await order(placed["number"]))["status"] == "open"
    await http.post(url, headers=HX, data={"reason": "manual"})
    again = await http.post(url, headers=HX, data={"reason": "manual"})
    assert again.status_code == 422 and "La commande est déjà en attente." in again.text


async def test_pickers_cannot_hold_and_a_cancelled_order_offers_no_hold(login_as):
    placed = await make_order()
    picker = await login_as("picker")
    assert (await picker.post(f"/orders/{placed['number']}/hold",
                              data={"reason": "manual"})).status_code == 403
    assert (await order(placed["number"]))["status"] == "open"
    cancelled = await make_order(status="cancelled")
    http = await login_as("back_office")
    page = (await http.get(f"/orders/{cancelled['number']}")).text
    assert 'id="put-on-hold"' not in page and "can no longer be held" in page
