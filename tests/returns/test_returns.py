"""Returns and exchanges on both engines: authorise, receive into stock or write off, credit."""

import pytest

from dashboard.db.tables import (
    CreditNote,
    Order,
    OrderEvent,
    OutboxEmail,
    OutboxWebhook,
    ReturnRequest,
    StockMovement,
    WebhookEndpoint,
)
from dashboard.domain.errors import InsufficientStock, InvalidTransition, ValidationFailed
from dashboard.domain.pricing import balance_due
from dashboard.domain.returns.rules import Receipt, ReturnItem, ReturnRefused
from dashboard.services.orders.listing import returns_in_progress_clause
from dashboard.services.returns import rma as returns
from tests.factories import mark_picked
from tests.returns.conftest import level, lines_of, make_product, make_shipped_order


@pytest.fixture(autouse=True)
async def endpoint():
    await WebhookEndpoint.insert(WebhookEndpoint(url="http://127.0.0.1:9/hook", secret="whsec_x",
                                                 events=[], active=True))


async def _reload(order):
    return await Order.select().where(Order.id == order["id"]).first()


def _assert_balance(order):
    assert order["balance_due"] == balance_due(
        order["total"], order["surcharge_total"], order["paid_total"], order["refunded_total"],
        order["credited_total"], cancelled=order["status"] == "cancelled")


async def _webhooks(kind):
    return await OutboxWebhook.select().where(OutboxWebhook.event_type == kind)


async def test_return_authorised_with_rma_slip_email_and_nothing_moves_yet():
    order = await make_shipped_order()
    shirt, mug = await lines_of(order)
    outcome = await returns.authorise_return(order["number"], "return", [
        ReturnItem(shirt["id"], 1, "too_small")], actor="agent")
    assert outcome.rma.startswith("RMA-") and outcome.rma.endswith("-00001")
    [email] = await OutboxEmail.select().where(OutboxEmail.template == "return_authorised")
    assert email["to_address"] == "anne.martin@example.fr" and outcome.rma in email["subject"]
    attachments = email["attachments"]
    attachments = __import__("json").loads(attachments) if isinstance(attachments, str) else attachments
    assert attachments == [{"document": "return-slip", "format": "a4", "rma": outcome.rma}]
    assert (await lines_of(order))[0]["returned"] == 0  # only when the parcel is back
    assert await returns.returns_in_progress_order_ids() == [order["id"]]
    rows = await Order.select(Order.id).where(returns_in_progress_clause())
    assert rows == [{"id": order["id"]}]
    second = await returns.authorise_return(order["number"], "return", [
        ReturnItem(mug["id"], 1, "damaged")], actor="agent")
    assert second.rma.endswith("-00002")


async def test_cannot_return_more_than_shipped_minus_returned_or_on_its_way():
    order = await make_shipped_order()
    shirt, _ = await lines_of(order)
    with pytest.raises(ValidationFailed) as refused:
        await returns.authorise_return(order["number"], "return", [
            ReturnItem(shirt["id"], 3, "damaged")], actor="agent")
    assert f"lines.{shirt['id']}.quantity" in refused.value.fields
    await returns.authorise_return(order["number"], "return", [
        ReturnItem(shirt["id"], 2, "damaged")], actor="agent")
    with pytest.raises(ValidationFailed):  # both units are already on their way back
        await returns.authorise_return(order["number"], "return", [
            ReturnItem(shirt["id"], 1, "damaged")], actor="agent")
    with pytest.raises(ValidationFailed):
        await returns.authorise_return(order["number"], "return", [
            ReturnItem(shirt["id"], 1, "no reason at all")], actor="agent")
    assert await ReturnRequest.count() == 1


async def test_unshipped_line_cannot_come_back():
    from tests.factories import make_order

    order = await make_order()
    [line] = await lines_of(order)
    with pytest.raises(ValidationFailed):
        await returns.authorise_return(order["number"], "return", [
            ReturnItem(line["id"], 1, "changed_mind")], actor="agent")


async def test_partial_return_received_into_stock_and_written_off():
    order = await make_shipped_order()
    shirt, mug = await lines_of(order)
    before = await level("TSHIRT-BLUE-M")
    rma = (await returns.authorise_return(order["number"], "return", [
        ReturnItem(shirt["id"], 2, "too_small")], actor="agent")).rma
    _, request = await returns.return_detail(order["number"], rma)
    [rline] = request["lines"]
    with pytest.raises(ValidationFailed):  # a write-off needs a reason
        await returns.receive_return(order["number"], rma, [Receipt(rline["id"], 1, 1)],
                                     actor="warehouse")
    with pytest.raises(ValidationFailed):  # every unit accounted for
        await returns.receive_return(order["number"], rma, [Receipt(rline["id"], 1, 0)],
                                     actor="warehouse")
    payload = await returns.receive_return(
        order["number"], rma, [Receipt(rline["id"], 1, 1, "seam torn")], actor="warehouse")
    assert payload["fulfilment_status"] == "partially_returned"
    after = await level("TSHIRT-BLUE-M")
    assert after["on_hand"] == before["on_hand"] + 1 and after["reserved"] == before["reserved"]
    [move] = await StockMovement.select().where(StockMovement.reason == "return")
    assert (move["on_hand_delta"], move["order_id"]) == (1, order["id"])
    shirt_after = (await lines_of(order))[0]
    assert shirt_after["returned"] == 2
    assert len(await _webhooks("order.returned")) == 1
    kinds = [e["kind"] for e in await OrderEvent.select().where(OrderEvent.order == order["id"])]
    assert "return.authorised" in kinds and "return.received" in kinds
    with pytest.raises(ReturnRefused):
        await returns.receive_return(order["number"], rma, [Receipt(rline["id"], 2, 0)],
                                     actor="warehouse")
    assert await returns.returns_in_progress_order_ids() == []

    # The rest comes back too: the whole order is returned.
    rma2 = (await returns.authorise_return(order["number"], "return", [
        ReturnItem(mug["id"], 1, "changed_mind")], actor="agent")).rma
    _, request = await returns.return_detail(order["number"], rma2)
    payload = await returns.receive_return(
        order["number"], rma2, [Receipt(request["lines"][0]["id"], 1, 0)], actor="warehouse")
    assert payload["fulfilment_status"] == "returned"


async def test_credit_for_a_received_return_refunds_by_card_and_keeps_the_balance_true():
    order = await make_shipped_order(shipping_total=490)
    shirt, _ = await lines_of(order)
    rma = (await returns.authorise_return(order["number"], "return", [
        ReturnItem(shirt["id"], 1, "damaged")], actor="agent")).rma
    with pytest.raises(ReturnRefused):  # not back yet
        await returns.credit_return(order["number"], rma, refund_method="card",
                                    refund_ref="RF-1", actor="agent")
    _, request = await returns.return_detail(order["number"], rma)
    await returns.receive_return(order["number"], rma,
                                 [Receipt(request["lines"][0]["id"], 1, 0)], actor="warehouse")
    with pytest.raises(ValidationFailed):  # a card refund needs its reference
        await returns.credit_return(order["number"], rma, refund_method="card", actor="agent")
    outcome = await returns.credit_return(order["number"], rma, refund_method="card",
                                          refund_ref="RF-1", shipping=490, actor="agent")
    assert outcome.amount == 1990 + 490 and outcome.number.startswith("A")
    after = await _reload(order)
    assert after["credited_total"] == 2480 and after["refunded_total"] == 2480
    assert after["balance_due"] == 0
    assert after["payment_status"] == "partially_refunded"
    _assert_balance(after)
    [note] = await CreditNote.select()
    assert note["refund_ref"] == "RF-1" and note["return_request"] == request["id"]
    assert len(await _webhooks("order.refunded")) == 1
    [email] = await OutboxEmail.select().where(OutboxEmail.template == "credit_note")
    assert note["number"] in email["subject"]
    with pytest.raises(ReturnRefused):
        await returns.credit_return(order["number"], rma, refund_method="card",
                                    refund_ref="RF-2", actor="agent")


async def test_exchange_reserves_the_replacement_and_posts_the_price_difference():
    await make_product("TSHIRT-BLUE-L", 2490, on_hand=5)
    order = await make_shipped_order()
    shirt, _ = await lines_of(order)
    outcome = await returns.authorise_return(order["number"], "exchange", [
        ReturnItem(shirt["id"], 1, "too_small", "TSHIRT-BLUE-L", 1)], actor="agent")
    assert outcome.credit_note  # the returned shirt is credited against the new one
    after = await _reload(order)
    assert after["balance_due"] == 2490 - 1990  # the customer owes the difference
    assert after["payment_status"] == "partially_paid"
    _assert_balance(after)
    replacement = (await lines_of(order))[-1]
    assert (replacement["sku"], replacement["quantity"], replacement["reserved"],
            replacement["shipped"]) == ("TSHIRT-BLUE-L", 1, 1, 0)
    assert (await level("TSHIRT-BLUE-L"))["reserved"] == 1
    assert not await _webhooks("order.refunded")  # store credit: no money went back


async def test_exchange_to_an_out_of_stock_refuse_backorder_product_writes_nothing():
    await make_product("TSHIRT-BLUE-XL", 1990, on_hand=0, backorder=False)
    order = await make_shipped_order()
    shirt, _ = await lines_of(order)
    before = await _reload(order)
    with pytest.raises(InsufficientStock):
        await returns.authorise_return(order["number"], "exchange", [
            ReturnItem(shirt["id"], 1, "too_small", "TSHIRT-BLUE-XL", 1)], actor="agent")
    assert await ReturnRequest.count() == 0 and await CreditNote.count() == 0
    assert len(await lines_of(order)) == 2
    assert await _reload(order) == before


async def test_exchange_of_an_unpaid_order_is_refused():
    order = await make_shipped_order(paid=False)
    shirt, _ = await lines_of(order)
    with pytest.raises(ReturnRefused):
        await returns.authorise_return(order["number"], "exchange", [
            ReturnItem(shirt["id"], 1, "too_small", "", 1)], actor="agent")


async def test_a_returned_order_cannot_go_back_to_shipped_by_accident():
    from dashboard.domain.statuses import check_transition

    with pytest.raises(InvalidTransition):
        check_transition("fulfilment_status", "returned", "shipped")


async def test_exchange_replacement_leaves_through_the_normal_ship_flow():
    from dashboard.services.fulfilment.shipping import ship_order

    await make_product("TSHIRT-BLUE-L", 1990, on_hand=3)
    order = await make_shipped_order()
    shirt, _ = await lines_of(order)
    rma = (await returns.authorise_return(order["number"], "exchange", [
        ReturnItem(shirt["id"], 1, "too_small", "TSHIRT-BLUE-L", 1)], actor="agent")).rma
    _, request = await returns.return_detail(order["number"], rma)
    await returns.receive_return(order["number"], rma, [Receipt(request["lines"][0]["id"], 1, 0)],
                                 actor="warehouse")
    assert (await _reload(order))["fulfilment_status"] == "partially_returned"
    await mark_picked(order["number"])
    await ship_order(order["number"], carrier="other", tracking_number="TRK123", actor="dispatch")
    after = await _reload(order)
    replacement = (await lines_of(order))[-1]
    assert (replacement["sku"], replacement["shipped"], replacement["reserved"]) == (
        "TSHIRT-BLUE-L", 1, 0)
    assert after["fulfilment_status"] == "shipped"
    assert (await level("TSHIRT-BLUE-L"))["on_hand"] == 2
    _assert_balance(after)
