"""Money-moving edits on the order screen: quantities, lines, shipping method and price,
and the "pay the difference" email.

After a POST the order screen is re-read and re-rendered whole ("view restart"): the
"change the order" panel selects itself from it, and the answer's ``orderChanged`` event
has every other panel that shows money or status re-read itself (``PANELS`` in
views/order_screen.py), so the badges, totals, returns and documents follow the edit.
Without htmx a success redirects to the order screen.
"""

from __future__ import annotations

from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from dashboard.components.events import ORDER_CHANGED, ORDERS_CHANGED, hx_trigger
from dashboard.components.i18n import current_locale, gettext as _
from dashboard.domain.errors import (
    DomainError,
    InsufficientStock,
    NotFound,
    StaleVersion,
    ValidationFailed,
)
from dashboard.domain.staff.roles import Area
from dashboard.services.orders import changes as order_changes
from dashboard.services.orders.screen import order_screen
from dashboard.services.stock.product_search import find_products, first_hit
from dashboard.views.order_screen import show_context
from dashboard.views.security import area_guard


def _int(value: object, default: int = -1) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


async def _page(request: Request, number: str, changes: dict, status: int = 200,
                toast: str | None = None, changed: bool = True) -> Template | Redirect:
    """The order screen with the "change the order" panel open. ``changed`` is False for
    an answer that changed nothing (a question such as "remove this line?")."""
    if (request.method == "POST" and status == 200 and changed
            and not request.headers.get("hx-request")):
        return Redirect(f"/orders/{number}", status_code=303)
    try:
        screen = await order_screen(number)
    except NotFound:
        return Template("pages/orders/not_found.html", context={"number": number},
                        status_code=404)
    headers = (hx_trigger(ORDERS_CHANGED, ORDER_CHANGED, toast=toast)
               if status == 200 and changed else {})
    return Template("pages/orders/show.html", status_code=status, headers=headers,
                    context={**await show_context(screen),
                             "changes": {"open": True, **changes}})


async def _refused(request: Request, number: str, exc: DomainError,
                   form: dict | None = None, keep_mine: dict | None = None) -> Template | Redirect:
    """The page with a refusal shown in the panel (422). ``keep_mine`` is the form that
    applies the agent's value over a colleague's after a stale refusal."""
    if isinstance(exc, ValidationFailed):
        return await _page(request, number, {"errors": exc.fields, "form": form or {}}, 422)
    if isinstance(exc, StaleVersion):
        return await _page(request, number, {"conflicts": exc.details.get("conflicts", []),
                                             "keep_mine": keep_mine}, 422)
    if isinstance(exc, InsufficientStock):
        return await _page(request, number, {"short": exc.short, "form": form or {}}, 422)
    return await _page(request, number, {"refused": exc.message}, 422)


async def _apply(request: Request, number: str, change, done: str, form: dict | None = None,
                 keep_mine: dict | None = None):
    """Run one change and answer the page, with the refusal shown in the panel (422)."""
    try:
        await change()
    except NotFound:
        raise
    except DomainError as exc:
        return await _refused(request, number, exc, form, keep_mine)
    return await _page(request, number, {"done": done}, toast=done)


def _shipping_values(values) -> dict:
    """What the agent picked in the shipping form; a missing price stays None (the form
    then offers the agreed price)."""
    manual = values.get("shipping_price")
    return {"method": str(values.get("shipping_method") or ""),
            "choice": str(values.get("price_choice") or ""),
            "manual_price": None if manual is None else str(manual),
            "reason": str(values.get("shipping_reason") or "")}


class OrderChangesController(Controller):
    path = "/orders/{number:str}/changes"
    guards = [area_guard(Area.ORDERS)]

    @get("/")
    async def panel(self, request: Request, number: FromPath[str]) -> Template | Redirect:
        """The panel as it is now (the "reload" of a refused edit)."""
        return await _page(request, number, {})

    @get("/products")
    async def products(self, number: FromPath[str], q: FromQuery[str] = "") -> Template:
        return Template("partials/orders/_product_hits.html",
                        context={"hits": await find_products(q), "q": q})

    @post("/lines/{line_id:int}/quantity")
    async def quantity(self, request: Request, number: FromPath[str],
                       line_id: FromPath[int]) -> Template | Redirect:
        form = dict(await request.form())
        return await _apply(request, number, lambda: order_changes.change_line_quantity(
            number, line_id, _int(form.get("before__quantity")), form.get("quantity", ""),
            actor=request.user.actor), _("Quantity changed"),
            keep_mine={"action": f"/orders/{quote(number)}/changes/lines/{line_id}/quantity",
                       "quantity": str(form.get("quantity", ""))})

    @post("/lines/{line_id:int}/remove")
    async def remove(self, request: Request, number: FromPath[str],
                     line_id: FromPath[int]) -> Template | Redirect:
        """Take a line off; on an order with money paid, the first post asks to confirm."""
        form = dict(await request.form())
        seen = _int(form.get("before__quantity"))
        if form.get("confirm") != "1" and await order_changes.removal_needs_confirmation(number):
            return await _page(request, number, {"confirm_remove": {
                "line_id": line_id, "before_quantity": seen}}, changed=False)
        return await _apply(request, number, lambda: order_changes.remove_line(
            number, line_id, seen, actor=request.user.actor), _("Line removed"))

    @post("/restore/{event_id:int}")
    async def restore(self, request: Request, number: FromPath[str],
                      event_id: FromPath[int]) -> Template | Redirect:
        """Put a removed line back, from its history entry."""
        return await _apply(request, number, lambda: order_changes.restore_line(
            number, event_id, actor=request.user.actor), _("Line put back"))

    @post("/lines")
    async def add(self, request: Request, number: FromPath[str]) -> Template | Redirect:
        form = dict(await request.form())
        code = str(form.get("code") or await first_hit(str(form.get("q") or "")))
        return await _apply(request, number, lambda: order_changes.add_line(
            number, code, form.get("quantity", "1") or "1", actor=request.user.actor),
            _("Line added"), form)

    @get("/shipping")
    async def shipping_preview(self, request: Request, number: FromPath[str]) -> Template:
        """The shipping form again for the values picked so far: what the price would
        become, before saving."""
        return Template("partials/orders/_shipping_price.html", context={
            "number": number,
            "shipping": await order_changes.shipping_preview(
                number, **_shipping_values(request.query_params), locale=current_locale.get())})

    @post("/shipping")
    async def shipping(self, request: Request, number: FromPath[str]) -> Template | Redirect:
        """Change the shipping method and/or price: the agreed price unless the agent chose
        the list price or a price by hand (with a reason). A refused field comes back next
        to it, with what the agent typed."""
        form = dict(await request.form())
        values = _shipping_values(form)
        try:
            await order_changes.change_shipping(
                number, seen_method=str(form.get("before__shipping_method", "")),
                seen_price=_int(form.get("before__shipping_total")), **values,
                actor=request.user.actor, locale=current_locale.get())
        except ValidationFailed as exc:
            shipping = await order_changes.shipping_preview(
                number, **values, locale=current_locale.get(), errors=exc.fields)
            return await _page(request, number, {"shipping": shipping}, 422)
        except NotFound:
            raise
        except DomainError as exc:
            return await _refused(request, number, exc)
        return await _page(request, number, {"done": _("Shipping changed")},
                           toast=_("Shipping changed"))

    @post("/pay-difference")
    async def pay_difference(self, request: Request, number: FromPath[str]) -> Template | Redirect:
        return await _apply(request, number, lambda: order_changes.email_pay_difference(
            number, actor=request.user.actor), _("Email to the customer queued"))

