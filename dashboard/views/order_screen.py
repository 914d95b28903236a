"""The order screen and its inline edits: addresses, contact details, notes, verification.

Each editable panel is a small self-targeting component: ``GET .../edit`` swaps the panel
for its form, ``POST`` answers the panel again (200), or the form with its errors or with
what someone else changed meanwhile (422), and ``GET`` alone restores the panel.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template

from dashboard.components.events import (
    ORDER_CHANGED,
    ORDER_CHANGED_ELSEWHERE,
    ORDERS_CHANGED,
    hx_trigger,
)
from dashboard.components.i18n import gettext as _
from dashboard.domain.errors import NotFound, StaleVersion, ValidationFailed
from dashboard.domain.staff.roles import Area
from dashboard.services.orders import addresses
from dashboard.services.orders import notes
from dashboard.services.orders import edits as order_edits
from dashboard.services.orders import screen
from dashboard.services.orders.screen import OrderScreen, order_screen
from dashboard.services.printing.panel import documents_panel
from dashboard.views.refunds import refunds_context
from dashboard.views.security import area_guard

ADDRESS_KINDS = ("shipping", "billing")
# The panels that show money or status, each re-read on the ``orderChanged`` event of an
# edit (macros/refresh.html); page load includes the same partials. The returns and the
# documents panels have their own routes (views/returns.py, ``documents`` below).
PANELS = {
    "order-head": "partials/orders/_head.html",
    "lines": "partials/orders/_lines.html",
    "payments": "partials/orders/_payments.html",
    "history": "partials/orders/_history.html",
}


def _group(kind: str) -> str:
    if kind not in ADDRESS_KINDS:
        raise NotFoundException()
    return kind


def split_form(form) -> tuple[dict[str, str], dict[str, str]]:
    """(after, before) values of an edit form: ``before__<field>`` carries what was shown."""
    after, before = {}, {}
    for key, value in form.items():
        if key.startswith("before__"):
            before[key.removeprefix("before__")] = str(value)
        else:
            after[key] = str(value)
    return after, before


async def _order(number: str) -> dict:
    return await screen.order_row(number)


def _panel(group: str, order: dict, *, editing: bool = False, values: dict | None = None,
           errors: dict | None = None, conflicts: list | None = None, status: int = 200,
           headers: dict | None = None) -> Template:
    template = "partials/orders/_contact.html" if group == "contact" else "partials/orders/_address.html"
    # What the form shows: the order's values, overlaid with what was typed (a partial
    # form leaves the rest as they are rather than failing the template).
    context = {"order": order, "kind": group, "editing": editing,
               "values": {**order, **(values or {})},
               "errors": errors or {}, "conflicts": conflicts or [],
               "address_check": addresses.check_order_address(order)}
    return Template(template, context=context, status_code=status, headers=headers or {})


async def show_context(screen: OrderScreen) -> dict:
    """What the whole order screen renders: the screen, its documents and its refunds."""
    number = screen.order["number"]
    return {"screen": screen, "order": screen.order,
            "documents": await documents_panel(number),
            **await refunds_context(screen.order)}


class OrderScreenController(Controller):
    path = "/orders/{number:str}"
    guards = [area_guard(Area.ORDERS)]

    @get("/")
    async def show(self, number: FromPath[str]) -> Template:
        try:
            screen = await order_screen(number)
        except NotFound:
            return Template("pages/orders/not_found.html", context={"number": number},
                            status_code=404)
        return Template("pages/orders/show.html", context=await show_context(screen))

    @get("/panels/{panel:str}")
    async def panel(self, number: FromPath[str], panel: FromPath[str]) -> Template:
        """One money or status panel as it is now (``PANELS``), for ``orderChanged``."""
        if panel not in PANELS:
            raise NotFoundException()
        screen = await order_screen(number)
        return Template(PANELS[panel], context={"screen": screen, "order": screen.order})

    @get("/documents-panel")
    async def documents(self, number: FromPath[str], format: FromQuery[str] = "a4") -> Template:
        """The documents and labels panel again, its links in another paper format."""
        return Template("partials/orders/_documents.html",
                        context={"documents": await documents_panel(number, format)})

    @get("/live")
    async def live(self, number: FromPath[str], version: FromQuery[int] = 0) -> Response:
        """Live updates: polled by the order screen with the version it shows. 204 while
        nothing changed; otherwise an ``orderChangedElsewhere`` event, on which the page
        re-reads itself unless an edit form is open (then it says so and waits)."""
        current = await screen.order_version(number)
        if current is None:
            raise NotFoundException(f"No order {number}")
        if current == version:
            return Response(b"", status_code=204)
        return Response(b"", status_code=200, headers=hx_trigger(
            ORDER_CHANGED_ELSEWHERE, detail={"version": current}))

    # --- addresses and contact ----------------------------------------------------------
    @get("/addresses/{kind:str}")
    async def address(self, number: FromPath[str], kind: FromPath[str]) -> Template:
        return _panel(_group(kind), await _order(number))

    @get("/addresses/{kind:str}/edit")
    async def address_form(self, number: FromPath[str], kind: FromPath[str]) -> Template:
        return _panel(_group(kind), await _order(number), editing=True)

    @post("/addresses/{kind:str}")
    async def save_address(self, request: Request, number: FromPath[str],
                           kind: FromPath[str]) -> Template:
        return await self._save(request, number, _group(kind))

    @get("/contact")
    async def contact(self, number: FromPath[str]) -> Template:
        return _panel("contact", await _order(number))

    @get("/contact/edit")
    async def contact_form(self, number: FromPath[str]) -> Template:
        return _panel("contact", await _order(number), editing=True)

    @post("/contact")
    async def save_contact(self, request: Request, number: FromPath[str]) -> Template:
        return await self._save(request, number, "contact")

    @staticmethod
    async def _save(request: Request, number: str, group: str) -> Template:
        after, before = split_form(await request.form())
        try:
            order = await order_edits.edit_order_fields(number, group, before, after,
                                                        request.user.actor)
        except ValidationFailed as exc:
            return _panel(group, await _order(number), editing=True, values=after,
                          errors=exc.fields, status=422)
        except StaleVersion as exc:
            return _panel(group, await _order(number), editing=True, values=after,
                          conflicts=exc.details["conflicts"], status=422)
        return _panel(group, order,
                      headers=hx_trigger(ORDERS_CHANGED, ORDER_CHANGED, toast=_("Saved")))

    # --- address verification --------------------------------------------------------------
    @post("/verify-address")
    async def verify(self, request: Request, number: FromPath[str]) -> Template:
        try:
            order = await addresses.verify_shipping_address(number, request.user.actor)
        except ValidationFailed:
            return _panel("shipping", await _order(number), status=422)
        return _panel("shipping", order,
                      headers=hx_trigger(ORDERS_CHANGED, ORDER_CHANGED, toast=_("Address verified")))

    @post("/normalise-address")
    async def normalise(self, request: Request, number: FromPath[str]) -> Template:
        _after, before = split_form(await request.form())
        try:
            order = await addresses.apply_normalised_address(number, before, request.user.actor)
        except StaleVersion as exc:
            current = await _order(number)
            return _panel("shipping", current, editing=True, values=current,
                          conflicts=exc.details["conflicts"], status=422)
        except ValidationFailed:
            return _panel("shipping", await _order(number), status=422)
        return _panel("shipping", order,
                      headers=hx_trigger(ORDERS_CHANGED, ORDER_CHANGED,
                                         toast=_("Address normalised and verified")))

    # --- notes -------------------------------------------------------------------------------
    @post("/notes")
    async def add_note(self, request: Request, number: FromPath[str]) -> Template:
        form = await request.form()
        body = str(form.get("body", ""))
        errors = {}
        try:
            await notes.add_note(number, body, request.user.id,
                                 request.user.display_name or request.user.actor)
            body = ""
        except ValidationFailed as exc:
            errors = exc.fields
        return await self._notes(number, errors, body)

    @post("/notes/{note_id:int}/pin")
    async def pin_note(self, request: Request, number: FromPath[str],
                       note_id: FromPath[int]) -> Template:
        form = await request.form()
        await notes.set_pinned(number, note_id, form.get("pinned") == "1", request.user.actor)
        return await self._notes(number, {}, "")

    @staticmethod
    async def _notes(number: str, errors: dict, body: str) -> Template:
        order = await _order(number)
        return Template("partials/orders/_notes.html",
                        context={"order": order, "notes": await notes.notes_for(order["id"]),
                                 "errors": errors, "body": body},
                        status_code=422 if errors else 200,
                        headers={} if errors else hx_trigger(ORDERS_CHANGED, ORDER_CHANGED))
