"""``GET /orders/export.csv``: the orders list's selection as CSV, streamed, for accounting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Stream

from dashboard.domain.staff.roles import Area
from dashboard.services.integrations.accounting_export import csv_chunks
from dashboard.services.orders.listing import OrderFilter
from dashboard.settings import get_settings
from dashboard.views.security import area_guard


@get("/orders/export.csv", guards=[area_guard(Area.ORDERS)], tags=["exports"])
async def export_orders_csv(request: Request, sep: FromQuery[str] = "comma") -> Stream:
    """Same filters as ``/orders``; ``sep=semicolon`` for Excel in French (``;``, decimal comma)."""
    order_filter = OrderFilter.from_query(request.query_params)
    chunks = csv_chunks(order_filter, french=sep == "semicolon", tz=get_settings().timezone)

    async def encoded() -> AsyncIterator[bytes]:
        async for chunk in chunks:
            yield chunk.encode("utf-8")

    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M")
    return Stream(encoded(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="orders-{stamp}.csv"',
        "Cache-Control": "no-store"})
