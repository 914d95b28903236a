"""The orders workspace: one URL, the whole page or only the ``#results`` fragment."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Template

from dashboard.domain.roles import Area
from dashboard.services.queries import OrderFilter, list_orders
from dashboard.views.errors import is_htmx
from dashboard.views.security import area_guard


class OrdersController(Controller):
    path = "/orders"
    guards = [area_guard(Area.ORDERS)]

    @get("/")
    async def index(
        self,
        request: Request,
        q: FromQuery[str] = "",
        status: FromQuery[str] = "",
        payment_status: FromQuery[str] = "",
        fulfilment_status: FromQuery[str] = "",
        payment_method: FromQuery[str] = "",
        channel: FromQuery[str] = "",
        cursor: FromQuery[str] = "",
    ) -> Template:
        order_filter = OrderFilter(q=q, status=status, payment_status=payment_status,
                                   fulfilment_status=fulfilment_status,
                                   payment_method=payment_method, channel=channel, cursor=cursor)
        page = await list_orders(order_filter)
        base_query = urlencode(order_filter.query_items())
        context = {"filter": order_filter, "page": page, "base_query": base_query}
        if is_htmx(request) and request.headers.get("hx-history-restore-request") != "true":
            return Template("partials/orders/_results.html", context=context)
        return Template("pages/orders/index.html", context=context)
