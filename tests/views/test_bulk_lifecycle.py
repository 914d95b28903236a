"""Bulk actions that go through the lifecycle services: mark paid, cancel, email, print."""

from dashboard.db.tables import Order, OrderEvent, OrderLine, OutboxEmail, PrintBatch, Stock
from dashboard.services.printing import batches as print_batches
from tests.factories import make_order, mark_picked, order, reserved


async def _ids(*numbers: str) -> list[str]:
    rows = await Order.select(Order.id).where(Order.number.is_in(list(numbers)))
    return [str(r["id"]) for r in rows]


async def test_bulk_mark_paid_pays_what_each_order_owes_and_skips_the_rest(login_as):
    http = await login_as("back_office")
    first = await make_order(payment_method="bank_transfer")
    second = await make_order(payment_method="cheque")
    cancelled = await make_order(payment_method="bank_transfer", status="cancelled")
    ids = await _ids(first["number"], second["number"], cancelled["number"])
    response = await http.post("/orders/bulk", data={
        "action": "mark_paid", "reference": "RELEVE-2026-11", "received_on": "2026-11-26",
        "order_ids": ids}, headers={"HX-Request": "true"})
    assert response.status_code == 200, response.text
    assert response.headers["hx-trigger"].startswith("{") and "ordersChanged" in response.headers["hx-trigger"]
    for number in (first["number"], second["number"]):
        row = await order(number)
        assert row["payment_status"] == "paid" and row["balance_due"] == 0
    assert cancelled["number"] in response.text and "order is cancelled" in response.text
    assert (await order(cancelled["number"]))["paid_total"] == 0


async def test_bulk_mark_paid_needs_a_reference(login_as):
    http = await login_as("back_office")
    unpaid = await make_order()
    response = await http.post("/orders/bulk", data={
        "action": "mark_paid", "order_ids": await _ids(unpaid["number"])},
        headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert (await order(unpaid["number"]))["paid_total"] == 0


async def test_bulk_cancel_releases_stock_and_reports_paid_orders_as_skipped(login_as):
    http = await login_as("back_office")
    open_order = await make_order(lines=[("MUG-1", 2, 900)])
    paid = await make_order(lines=[("MUG-1", 1, 900)])
    await Order.update({Order.paid_total: paid["total"], Order.payment_status: "paid",
                        Order.balance_due: 0}).where(Order.id == paid["id"])
    response = await http.post("/orders/bulk", data={
        "action": "cancel", "cancel_reason": "customer asked", "order_ids":
        await _ids(open_order["number"], paid["number"])}, headers={"HX-Request": "true"})
    assert response.status_code == 200, response.text
    assert (await order(open_order["number"]))["status"] == "cancelled"
    assert (await order(paid["number"]))["status"] == "open"
    assert paid["number"] in response.text.split("Skipped")[1]
    stock = await Stock.select(Stock.reserved).where(Stock.product.sku == "MUG-1").first()
    assert stock["reserved"] == 1  # only the paid order still holds its unit


async def test_bulk_cancel_undoes_only_the_order_refused_after_it_was_partly_written(
        login_as, monkeypatch):
    """Each order is cancelled behind its own savepoint. cancel_order raises every refusal
    it has today before writing, so a refusal after its first writes is simulated: the
    stock release of one order's product goes through, then the order is refused."""
    from dashboard.domain.errors import StaleVersion
    from dashboard.services import stock  # the public module cancel_order calls through
    from dashboard.services.stock import inventory

    http = await login_as("back_office")
    first = await make_order(lines=[("MUG-1", 2, 900)])
    refused = await make_order(lines=[("LAMP-1", 1, 4500)])
    last = await make_order(lines=[("MUG-1", 1, 900)])
    lamp = (await inventory.product_by_sku("LAMP-1"))["id"]
    release = stock.release

    async def release_then_refuse(product_id, reserved, backordered):
        await release(product_id, reserved, backordered)
        if product_id == lamp:
            raise StaleVersion("This order changed while it was being cancelled: reload it.")

    monkeypatch.setattr(stock, "release", release_then_refuse)
    response = await http.post("/orders/bulk", data={
        "action": "cancel", "cancel_reason": "customer asked", "order_ids":
        await _ids(first["number"], refused["number"], last["number"])},
        headers={"HX-Request": "true"})
    assert response.status_code == 200, response.text
    assert [(await order(o["number"]))["status"] for o in (first, refused, last)] == [
        "cancelled", "open", "cancelled"]
    assert refused["number"] in response.text.split("Skipped")[1]
    assert "changed while it was being cancelled" in response.text
    # The refused order is as it was: its line and the stock still hold the lamp.
    assert await reserved("LAMP-1") == 1 and await reserved("MUG-1") == 0
    line = await OrderLine.select(OrderLine.reserved).where(
        OrderLine.order == refused["id"]).first()
    assert line["reserved"] == 1
    assert await OrderEvent.count().where(
        (OrderEvent.order == refused["id"]) & (OrderEvent.kind == "order.cancelled")) == 0
    assert await OrderEvent.count().where(OrderEvent.kind == "order.cancelled") == 2


async def test_bulk_email_queues_one_message_per_customer(login_as):
    http = await login_as("call_centre")
    a = await make_order(email="a@example.fr", name="Anne Martin")
    b = await make_order(email="b@example.fr", name="Bruno Petit", locale="en")
    response = await http.post("/orders/bulk", data={
        "action": "email", "subject": "Delivery delay", "message": "Your parcel leaves Monday.",
        "order_ids": await _ids(a["number"], b["number"])}, headers={"HX-Request": "true"})
    assert response.status_code == 200, response.text
    emails = await OutboxEmail.select().order_by(OutboxEmail.to_address)
    assert [e["to_address"] for e in emails] == ["a@example.fr", "b@example.fr"]
    assert emails[0]["subject"] == f"Delivery delay (commande {a['number']})"
    assert emails[1]["subject"] == f"Delivery delay (order {b['number']})"
    assert "Your parcel leaves Monday." in emails[0]["body_text"] and "Bonjour Anne Martin" in emails[0]["body_text"]


async def test_bulk_print_starts_one_batch_and_links_to_its_progress(login_as):
    http = await login_as("back_office")
    a, b = await make_order(), await make_order()
    response = await http.post("/orders/bulk", data={
        "action": "print", "document": "delivery-note", "format": "a4",
        "order_ids": await _ids(a["number"], b["number"])}, headers={"HX-Request": "true"})
    assert response.status_code == 200, response.text
    link = response.text.split('href="/print/batches/')[1].split('"')[0]
    batch = await print_batches.wait_for(link)
    assert (batch.kind, batch.format, batch.status) == ("delivery-note", "a4", "done")
    assert sorted(batch.order_numbers) == sorted([a["number"], b["number"]])
    assert await PrintBatch.count() == 1  # one batch for the whole selection
    page = await http.get(f"/print/batches/{link}")
    assert page.status_code == 200 and "2 / 2" in page.text


async def test_bulk_mark_shipped_uses_the_pasted_tracking_numbers(login_as):
    from dashboard.db.tables import Shipment

    http = await login_as("dispatch")
    a, b, c = await make_order(), await make_order(), await make_order()
    for placed in (a, b, c):
        await mark_picked(placed["number"])
    tracking = f"{a['number']}, 6A12345678901\n{b['number']};chronopost;XY123456789FR\n"
    response = await http.post("/orders/bulk", data={
        "action": "mark_shipped", "carrier": "colissimo", "tracking": tracking,
        "order_ids": await _ids(a["number"], b["number"], c["number"])},
        headers={"HX-Request": "true"})
    assert response.status_code == 200, response.text
    assert (await order(a["number"]))["fulfilment_status"] == "shipped"
    assert (await order(b["number"]))["last_carrier"] == "chronopost"
    assert (await order(c["number"]))["fulfilment_status"] == "unfulfilled"
    assert "no tracking number given" in response.text
    shipments = await Shipment.select(Shipment.carrier, Shipment.tracking_number).order_by(Shipment.id)
    assert [s["carrier"] for s in shipments] == ["colissimo", "chronopost"]


async def test_bulk_refusals_are_told_in_french(login_as):
    http = await login_as("back_office", locale="fr")
    none = await http.post("/orders/bulk", data={"action": "hold", "reason": "manual"},
                           headers={"HX-Request": "true"})
    assert "Sélectionnez au moins une commande." in none.text, none.text
    a = await make_order()
    no_ref = await http.post("/orders/bulk", data={
        "action": "mark_paid", "order_ids": await _ids(a["number"])},
        headers={"HX-Request": "true"})
    assert "La référence du virement ou du chèque est obligatoire." in no_ref.text, no_ref.text
