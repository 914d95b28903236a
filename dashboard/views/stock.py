"""The stock screen: levels per product, orders waiting for it, and receiving goods.

One URL, two renderings (STYLE.md): ``/stock`` answers the page, or only ``#results``
for htmx; ``/stock/{sku}`` the product page, or only ``#product``. Receiving re-reads and
re-renders the product (view restart) and fires ``stockChanged`` so the list refreshes.
"""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.numbers import parse_count
from dashboard.domain.staff.roles import Area
from dashboard.domain.stock.allocation import MAX_STOCK_QUANTITY
from dashboard.services.stock import inventory as stock
from dashboard.views.errors import is_htmx
from dashboard.views.security import area_guard


def _fragment_wanted(request: Request) -> bool:
    return is_htmx(request) and request.headers.get("hx-history-restore-request") != "true"


async def _product_context(sku: str, form: dict | None = None,
                           errors: dict | None = None, received: int = 0) -> dict:
    return {"product": await stock.product_by_sku(sku), "level": await stock.stock_level(sku),
            "waiting": await stock.orders_for_product(sku), "form": form or {},
            "errors": errors or {}, "received": received}


class StockController(Controller):
    path = "/stock"
    guards = [area_guard(Area.STOCK)]
    include_in_schema = False

    @get("/")
    async def index(self, request: Request, q: FromQuery[str] = "", sort: FromQuery[str] = "sku",
                    desc: FromQuery[str] = "", only: FromQuery[str] = "") -> Template:
        stock_filter = stock.StockFilter(q=q, sort=sort if sort in stock.SORTS else "sku",
                                         desc=desc == "1", only=only)
        page = await stock.list_stock(stock_filter)
        context = {"filter": stock_filter, "page": page,
                   "query": urlencode(stock_filter.query_items())}
        if _fragment_wanted(request):
            return Template("partials/stock/_results.html", context=context)
        return Template("pages/stock/index.html", context=context)

    @get("/{sku:str}")
    async def product(self, request: Request, sku: FromPath[str]) -> Template:
        context = await _product_context(sku)
        if _fragment_wanted(request):
            return Template("partials/stock/_product.html", context=context)
        return Template("pages/stock/product.html", context=context)

    @post("/{sku:str}/receive")
    async def receive(self, request: Request, sku: FromPath[str]) -> Response:
        form = await request.form()
        values = {"quantity": str(form.get("quantity", "")).strip(),
                  "note": str(form.get("note", "")).strip()[:500]}
        try:
            quantity = parse_count(values["quantity"], field="quantity", minimum=1,
                                   maximum=MAX_STOCK_QUANTITY)
            await stock.receive_stock(sku, quantity, request.user.actor, note=values["note"])
        except ValidationFailed as exc:
            context = await _product_context(sku, values, exc.fields)
            template = ("partials/stock/_product.html" if is_htmx(request)
                        else "pages/stock/product.html")
            return Template(template, context=context, status_code=422)
        if not is_htmx(request):
            return Redirect(f"/stock/{sku}", status_code=303)
        context = await _product_context(sku, received=quantity)
        return Template("partials/stock/_product.html", context=context,
                        headers={"HX-Trigger": "stockChanged"})
