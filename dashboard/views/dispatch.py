"""The dispatch desk (``Area.DISPATCH``): the queue, the ship form, bulk CSV, scan-to-ship.

``/dispatch/orders/{number}/ship`` is the ship form the order screen links to: the whole
page, or only the form for htmx. Each POST calls one use-case and re-renders.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from dashboard.components.i18n import gettext as _
from dashboard.components.labels import carrier_choices
from dashboard.domain.fulfilment.carriers import DEFAULT_CARRIER, guess_carrier
from dashboard.domain.errors import DomainError, NotFound, ValidationFailed
from dashboard.domain.fulfilment.rules import (
    PickIncomplete, can_ship_unpicked, parse_bulk_shipments,
)
from dashboard.domain.numbers import N_, Message, parse_count
from dashboard.domain.orders.intake import MAX_QUANTITY
from dashboard.domain.staff.roles import Area
from dashboard.services.fulfilment import dispatch
from dashboard.services.fulfilment import bulk_shipping
from dashboard.services.fulfilment import shipping as fulfilment
from dashboard.services.fulfilment import pickup
from dashboard.views.errors import is_htmx
from dashboard.views.security import area_guard


async def _ship_context(request: Request, number: str, form: dict | None = None,
                        errors: dict | None = None, message: str = "") -> dict:
    order = await fulfilment.load_order(number)
    lines = await fulfilment.order_lines(order["id"])
    refusal = ""
    try:
        await fulfilment.check_may_leave(order, lines, fulfilment.PICK_REQUIRED)
    except PickIncomplete:
        pass  # listed line by line by the form, with the override for those who may
    except DomainError as exc:
        refusal = exc.message  # held, cancelled...: said before anything is typed
    address = await dispatch.ship_to(order["number"])
    return {"order": order, "lines": lines, "carriers": carrier_choices(), "address": address,
            "form": form or {}, "errors": errors or {}, "message": message,
            "default_carrier": address.get("last_carrier") or DEFAULT_CARRIER,
            "refusal": refusal, "unpicked": [line for line in lines if line["unpicked"] > 0],
            "may_ship_unpicked": can_ship_unpicked(request.user.role)}


def _without_picking(request: Request, values: dict) -> fulfilment.WithoutPicking:
    """The form's "ship without picking" override, checked for the role and the reason."""
    if values.get("without_picking") != "1":
        return fulfilment.PICK_REQUIRED
    return fulfilment.ship_unpicked(request.user.role, values.get("unpicked_reason"))


class DispatchController(Controller):
    path = "/dispatch"
    guards = [area_guard(Area.DISPATCH)]
    include_in_schema = False

    @get("/")
    async def index(self) -> Template:
        return Template("pages/dispatch/index.html", context={
            "queue": await dispatch.dispatch_queue()})

    # --- one order ----------------------------------------------------------------------

    @get("/orders/{number:str}/ship")
    async def ship_form(self, request: Request, number: FromPath[str]) -> Template:
        context = await _ship_context(request, number)
        template = "partials/dispatch/_ship_form.html" if is_htmx(request) else \
            "pages/dispatch/ship.html"
        return Template(template, context=context)

    @post("/orders/{number:str}/ship")
    async def ship(self, request: Request, number: FromPath[str]) -> Response:
        form = await request.form()
        values = {k: str(v) for k, v in form.items()}
        lines: dict[int, int] = {}
        errors: dict[str, str] = {}
        for name, value in values.items():
            if name.startswith("line_"):
                try:
                    line_id = parse_count(name[5:], field=name, maximum=2**62)
                    lines[line_id] = parse_count(value, field=name, maximum=MAX_QUANTITY,
                                                 default=0)
                except ValidationFailed as exc:
                    errors.update(exc.fields)
        try:
            if errors:
                raise ValidationFailed(errors)
            unpicked = _without_picking(request, values)
            await fulfilment.ship_order(
                number, carrier=values.get("carrier", ""),
                tracking_number=values.get("tracking_number", ""),
                service=values.get("service", ""), lines=lines,
                notify_customer=values.get("notify") == "1", actor=request.user.actor,
                unpicked=unpicked)
        except ValidationFailed as exc:
            return self._form_answer(request, await _ship_context(
                request, number, values, exc.fields, exc.message), 422)
        except DomainError as exc:
            return self._form_answer(request, await _ship_context(
                request, number, values, {}, exc.message), 422)
        if is_htmx(request):
            return self._form_answer(request, await _ship_context(
                request, number, message="Shipped"), 200)
        return Redirect(f"/orders/{number}", status_code=303)

    @staticmethod
    def _form_answer(request: Request, context: dict, status: int) -> Template:
        template = "partials/dispatch/_ship_form.html" if is_htmx(request) else \
            "pages/dispatch/ship.html"
        return Template(template, context=context, status_code=status)

    @post("/orders/{number:str}/delivered")
    async def delivered(self, request: Request, number: FromPath[str]) -> Redirect:
        """Every parcel arrived, confirmed by staff when the carrier sends no news."""
        await fulfilment.mark_delivered(number, actor=request.user.actor)
        return Redirect(f"/orders/{number}", status_code=303)

    @post("/orders/{number:str}/ready-for-pickup")
    async def ready(self, request: Request, number: FromPath[str]) -> Redirect:
        await pickup.ready_for_pickup(number, request.user.actor)
        return Redirect("/dispatch", status_code=303)

    @post("/orders/{number:str}/collected")
    async def collected(self, request: Request, number: FromPath[str]) -> Redirect:
        await pickup.collected(number, request.user.actor)
        return Redirect("/dispatch", status_code=303)

    # --- bulk CSV -------------------------------------------------------------------------

    @get("/bulk")
    async def bulk_form(self) -> Template:
        return Template("pages/dispatch/bulk.html", context={"result": None, "error": "",
                                                             "csv": ""})

    @post("/bulk")
    async def bulk(self, request: Request) -> Template:
        form = await request.form()
        text = str(form.get("csv") or "")
        upload = form.get("file")
        if isinstance(upload, UploadFile):
            text = (await upload.read()).decode("utf-8-sig", errors="replace") or text
        try:
            rows = parse_bulk_shipments(text)
        except ValidationFailed as exc:
            return Template("pages/dispatch/bulk.html", status_code=422, context={
                "result": None, "error": exc.fields["csv"], "csv": text})
        result = await bulk_shipping.ship_many(rows, notify_customer=form.get("notify") == "1",
                                            actor=request.user.actor)
        if is_htmx(request):
            return Template("partials/dispatch/_bulk_result.html", context={"result": result})
        return Template("pages/dispatch/bulk.html", context={"result": result, "error": "",
                                                             "csv": ""})

    # --- scan-to-ship -----------------------------------------------------------------------

    async def _scan_page(self, request: Request, pending: str = "", message: str = "",
                         error: str = "", status: int = 200) -> Template:
        return Template("pages/dispatch/scan.html", status_code=status, context={
            "pending": pending, "message": message, "error": error,
            "carriers": carrier_choices(),
            "recent": await dispatch.recent_shipments(request.user.actor)})

    @get("/scan")
    async def scan_page(self, request: Request) -> Template:
        return await self._scan_page(request)

    @post("/scan")
    async def scan(self, request: Request) -> Template:
        """First scan: the delivery note (order number). Second: the carrier label."""
        form = await request.form()
        code = str(form.get("code") or "").strip()
        pending = str(form.get("pending") or "").strip()
        try:
            if not pending:
                order = await fulfilment.check_can_ship(code)
                return await self._scan_page(request, pending=order["number"])
            carrier = str(form.get("carrier") or "") or guess_carrier(code)
            if not carrier:
                raise ValidationFailed(
                    {"carrier": Message(N_("Choose the carrier."))},
                    Message(N_("Carrier not recognised from the label.")))
            await fulfilment.ship_order(pending, carrier=carrier, tracking_number=code,
                                        notify_customer=True, actor=request.user.actor)
        except ValidationFailed as exc:
            # Translated here, part by part: the page cannot translate a joined sentence.
            detail = "; ".join(_(problem) for problem in exc.fields.values())
            return await self._scan_page(request, pending=pending, status=422,
                                         error=f"{_(exc.message)} {detail}")
        except NotFound:  # its English text is for logs; the reader reads the number
            return await self._scan_page(request, status=422, error=Message(
                N_("No order %(number)s."), number=code))
        except DomainError as exc:
            return await self._scan_page(request, status=422, error=exc.message)
        return await self._scan_page(request, message=Message(N_("Order %(number)s shipped."),
                                                              number=pending))

    @post("/shipments/{shipment_id:int}/undo")
    async def undo(self, request: Request, shipment_id: FromPath[int]) -> Template:
        try:
            number = await fulfilment.undo_shipment(shipment_id, actor=request.user.actor)
        except DomainError as exc:
            return await self._scan_page(request, status=422, error=exc.message)
        return await self._scan_page(request, message=Message(N_("%(number)s: shipment undone"),
                                                              number=number))
