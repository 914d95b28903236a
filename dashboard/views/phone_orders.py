"""Phone orders for call-centre agents: find the caller, build the order, place it.

``/orders/new`` searches callers and lists unfinished drafts; ``/orders/new/{id}`` is one
draft. Every change answers the whole draft page and htmx keeps ``#phone-draft`` from it
(view restart), so lines, totals and errors always agree. Refusals of the intake (field
errors, short lines) come back in place as 422, which htmx swaps; without htmx a success
redirects.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from dashboard.components.events import ORDERS_CHANGED, hx_trigger
from dashboard.components.i18n import gettext as _
from dashboard.components.labels import N_
from dashboard.domain.errors import (
    IdempotencyKeyInFlight, IdempotencyKeyReused, InsufficientStock, ValidationFailed,
)
from dashboard.domain.orders.changes import NotChangeable
from dashboard.domain.staff.roles import Area
from dashboard.services.orders import phone as phone_orders
from dashboard.services.stock.product_search import find_products, first_hit
from dashboard.views.security import area_guard


def _htmx(request: Request) -> bool:
    return bool(request.headers.get("hx-request"))


def _go(request: Request, url: str) -> Response:
    """Send the browser to ``url``: HX-Redirect for htmx, 303 otherwise."""
    if _htmx(request):
        return Response(content="", status_code=200, headers={"HX-Redirect": url})
    return Redirect(url, status_code=303)


# A hidden field of the details form: its presence says the form came along with a request.
DETAILS_SENT = "details_form"


async def _draft_page(draft_id: int, *, status: int = 200, errors: dict | None = None,
                      short: list | None = None, refused: str = "", done: str = "") -> Template:
    view = await phone_orders.draft_view(draft_id)
    return Template("pages/orders/phone_draft.html", status_code=status, context={
        "view": view, "draft": view.draft, "data": view.draft["data"], "errors": errors or {},
        "short": {s["sku"]: s for s in short or []}, "refused": refused, "done": done})


async def _change(request: Request, draft_id: int, change, done: str = "") -> Template | Response:
    try:
        await change()
    except ValidationFailed as exc:
        return await _draft_page(draft_id, status=422, errors=exc.fields)
    except NotChangeable as exc:
        return await _draft_page(draft_id, status=422, refused=exc.message)
    if not _htmx(request):
        return Redirect(f"/orders/new/{draft_id}", status_code=303)
    return await _draft_page(draft_id, done=done)


def _details(form) -> dict | None:
    """The details form when the browser sent it along (``hx-include``), else None."""
    values = dict(form)
    return values if DETAILS_SENT in values else None


class PhoneOrdersController(Controller):
    path = "/orders/new"
    guards = [area_guard(Area.ORDERS)]

    @get("/")
    async def index(self, q: FromQuery[str] = "") -> Template:
        return Template("pages/orders/phone_new.html", context={
            "q": q, "callers": await phone_orders.find_callers(q),
            "drafts": await phone_orders.open_drafts()})

    @get("/callers")
    async def callers(self, request: Request, q: FromQuery[str] = "") -> Template | Redirect:
        if not _htmx(request):
            return Redirect(f"/orders/new?q={q}", status_code=303)
        return Template("partials/orders/_callers.html", context={
            "q": q, "callers": await phone_orders.find_callers(q)})

    @post("/")
    async def start(self, request: Request) -> Response:
        form = await request.form()
        raw = str(form.get("customer_id") or "").strip()
        customer_id = int(raw) if raw.isdigit() else None
        draft_id = await phone_orders.start_draft(customer_id, actor=request.user.actor)
        return _go(request, f"/orders/new/{draft_id}")

    @post("/repeat/{number:str}")
    async def repeat(self, request: Request, number: FromPath[str]) -> Response:
        draft_id = await phone_orders.repeat_order(number, actor=request.user.actor)
        return _go(request, f"/orders/new/{draft_id}")

    @get("/{draft_id:int}")
    async def show(self, draft_id: FromPath[int]) -> Template | Redirect:
        draft = await phone_orders.load_draft(draft_id)
        if draft["order_number"]:
            return Redirect(f"/orders/{draft['order_number']}", status_code=303)
        return await _draft_page(draft_id)

    @get("/{draft_id:int}/products")
    async def products(self, draft_id: FromPath[int], q: FromQuery[str] = "") -> Template:
        return Template("partials/orders/_product_hits.html",
                        context={"hits": await find_products(q), "q": q})

    @post("/{draft_id:int}/lines")
    async def add_line(self, request: Request, draft_id: FromPath[int]) -> Template | Response:
        form = await request.form()
        code = str(form.get("code") or await first_hit(str(form.get("q") or "")))
        return await _change(request, draft_id, lambda: phone_orders.add_line(
            draft_id, code, form.get("quantity") or "1", actor=request.user.actor,
            details=_details(form)), _("Line added"))

    @post("/{draft_id:int}/lines/{index:int}")
    async def line_quantity(self, request: Request, draft_id: FromPath[int],
                            index: FromPath[int]) -> Template | Response:
        form = await request.form()
        return await _change(request, draft_id, lambda: phone_orders.set_line_quantity(
            draft_id, index, form.get("quantity", ""), actor=request.user.actor,
            details=_details(form)))

    @post("/{draft_id:int}/addresses/{address_id:int}/{kind:str}")
    async def use_address(self, request: Request, draft_id: FromPath[int],
                          address_id: FromPath[int], kind: FromPath[str]) -> Template | Response:
        form = dict(await request.form())

        async def change() -> None:
            # Keep what the agent typed in the other fields before copying the address.
            await phone_orders.save_details(draft_id, form, actor=request.user.actor)
            await phone_orders.use_address(draft_id, address_id, kind, actor=request.user.actor)

        return await _change(request, draft_id, change)

    @post("/{draft_id:int}/customer/{customer_id:int}")
    async def use_customer(self, request: Request, draft_id: FromPath[int],
                           customer_id: FromPath[int]) -> Template | Response:
        form = dict(await request.form())
        return await _change(request, draft_id, lambda: phone_orders.use_customer(
            draft_id, customer_id, form, actor=request.user.actor),
            _("The order is now this customer's"))

    @post("/{draft_id:int}/autosave")
    async def autosave(self, request: Request, draft_id: FromPath[int]) -> Template:
        """What the agent types, saved as they type (the details form, debounced): answers
        the "saved at" line, or why it is not saved."""
        form = dict(await request.form())
        try:
            draft = await phone_orders.save_details(draft_id, form, actor=request.user.actor)
        except NotChangeable as exc:
            return Template("partials/orders/_draft_saved.html", status_code=409, context={
                "draft_id": draft_id, "draft": None, "refused": exc.message})
        return Template("partials/orders/_draft_saved.html", context={
            "draft_id": draft_id, "draft": draft, "refused": ""})

    @post("/{draft_id:int}/details")
    async def details(self, request: Request, draft_id: FromPath[int]) -> Template | Response:
        form = dict(await request.form())
        return await _change(request, draft_id, lambda: phone_orders.save_details(
            draft_id, form, actor=request.user.actor), _("Draft saved"))

    @post("/{draft_id:int}/place")
    async def place(self, request: Request, draft_id: FromPath[int]) -> Template | Response:
        form = dict(await request.form())
        actor = request.user.actor
        try:
            await phone_orders.save_details(draft_id, form, actor=actor)
            placed = await phone_orders.place(draft_id, actor=actor)
        except ValidationFailed as exc:
            return await _draft_page(draft_id, status=422, errors=exc.fields)
        except InsufficientStock as exc:
            return await _draft_page(draft_id, status=422, short=exc.short,
                                     refused=_("Not enough stock for some lines"))
        except NotChangeable as exc:
            return await _draft_page(draft_id, status=422, refused=exc.message)
        except (IdempotencyKeyInFlight, IdempotencyKeyReused):
            # A double click while the first click is still placing this draft's order.
            return await _draft_page(draft_id, status=422,
                                     refused=N_("This phone order is already being placed."))
        response = _go(request, f"/orders/{placed.number}")
        response.headers.update(hx_trigger(ORDERS_CHANGED, toast=_("Order %(number)s placed")
                                                                   % {"number": placed.number}))
        return response
