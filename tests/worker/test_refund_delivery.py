"""Card refunds claimed as one batch: each goes to the provider with its own order's
number, read with the claim rather than one query per refund."""

import json
from datetime import datetime, timedelta, timezone

from dashboard.db.tables import Refund
from dashboard.services import payments
from dashboard.worker.outbox import claim_due
from dashboard.worker.refunds import ProviderRefundDeliverer
from tests.http_listener import Listener
from tests.services.test_refunds import ACTOR, _paid_order_with_a_line_removed


async def _two_pending_card_refunds() -> list[str]:
    numbers = []
    for _ in range(2):
        o = await _paid_order_with_a_line_removed()
        await payments.request_refund(o["number"], amount=1000, route="card", actor=ACTOR)
        numbers.append(o["number"])
    return numbers


async def test_the_claim_reads_each_refund_with_its_order_number(configure):
    configure(DASHBOARD_PAYMENT_PROVIDER_URL="http://127.0.0.1:9/v1")  # card refunds wait
    numbers = await _two_pending_card_refunds()
    rows = await claim_due(Refund, limit=10, lease=timedelta(seconds=30),
                           now=datetime.now(timezone.utc), joined=(Refund.order.number,))
    assert [row["order.number"] for row in rows] == numbers
    assert {"id", "order", "amount", "capture_ref", "attempts"} <= set(rows[0])


async def test_a_batch_of_card_refunds_names_each_refund_s_own_order(configure):
    async with Listener([(200, {"id": "re_1"}), (200, {"id": "re_2"})], path="/v1") as provider:
        configure(DASHBOARD_PAYMENT_PROVIDER_URL=provider.url)
        numbers = await _two_pending_card_refunds()
        deliverer = ProviderRefundDeliverer()
        assert await deliverer.run_once() == 2
        await deliverer.close()
    sent = [json.loads(body)["metadata"]["order"] for _, body in provider.requests]
    assert sent == numbers
    assert [r["status"] for r in await Refund.select(Refund.status).order_by(Refund.id)] == [
        "done", "done"]
