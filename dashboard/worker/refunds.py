"""Card refunds sent to the payment provider's refund API (docs/payment-provider.md).

Each ``pending`` refund row is POSTed once per attempt with an ``Idempotency-Key`` of its
own, so a retry after a lost answer never refunds twice. A 2xx answer carries the
provider's refund id, recorded as the refund's reference (the provider's later
``payment.refunded`` webhook with that id is then a known reference and changes nothing).
A 4xx other than 408/429 is a refusal: the refund is marked failed with the provider's
words, for staff to retry or make by hand from the payment queue.
"""

from __future__ import annotations

import logging

import httpx

from dashboard.db.tables import Refund
from dashboard.domain.errors import DomainError
from dashboard.services.payments import complete_refund
from dashboard.settings import get_settings
from dashboard.worker.outbox import OutboxDeliverer, PermanentFailure

log = logging.getLogger(__name__)
PROVIDER = "payment provider"


def refund_request(row: dict, number: str) -> tuple[dict, dict[str, str]]:
    """The JSON body and headers of one refund call."""
    body = {"payment": row["capture_ref"], "amount": row["amount"], "currency": row["currency"],
            "reference": f"refund-{row['id']}", "metadata": {"order": number}}
    headers = {"idempotency-key": f"dashboard-refund-{row['id']}"}
    key = get_settings().payment_provider_key
    if key:
        headers["authorization"] = f"Bearer {key}"
    return body, headers


class ProviderRefundDeliverer(OutboxDeliverer):
    name = "refund"
    table = Refund
    done_status = "done"
    timeout_seconds = 15.0

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None

    def enabled(self) -> bool:
        return bool(get_settings().payment_provider_url)

    def done_column(self):
        return Refund.done_at

    def joined_columns(self):
        return (Refund.order.number,)  # the provider's metadata names the order

    async def deliver(self, row: dict) -> None:
        body, headers = refund_request(row, row["order.number"])
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout_seconds, follow_redirects=False)
        url = f"{get_settings().payment_provider_url}/refunds"
        response = await self._client.post(url, json=body, headers=headers)
        if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
            raise PermanentFailure(f"HTTP {response.status_code}: {response.text[:300]}")
        if not 200 <= response.status_code < 300:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        try:
            reference = str(response.json().get("id") or "")
        except ValueError:
            reference = ""
        if not reference:
            raise PermanentFailure("the provider answered without a refund id")
        try:
            await complete_refund(row["id"], reference, source="webhook", actor=PROVIDER)
        except DomainError as exc:
            # The provider refunded but the order refuses the refund (someone recorded
            # money meanwhile): staff must look; the provider's id is kept in the error.
            log.error("refund %s done by the provider as %s but not recorded: %s",
                      row["id"], reference, exc.message)
            raise PermanentFailure(f"refunded by the provider as {reference}, "
                                   f"not recorded: {exc.message}") from exc

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
