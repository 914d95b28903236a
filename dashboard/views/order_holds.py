"""Hold and release one order from its screen (``Area.ORDERS``), with a reason.

htmx posts the hold panel; a refusal comes back as the panel with the message next to the
field (422), a success as the panel again with the ``orderChanged`` event, on which the
screen's badges, actions and history re-read themselves. Without htmx a success redirects
to the order screen.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from dashboard.components.events import ORDER_CHANGED, ORDERS_CHANGED, hx_trigger

from dashboard.domain.errors import DomainError, ValidationFailed
from dashboard.domain.fulfilment.rules import hold_end
from dashboard.domain.staff.roles import Area
from dashboard.services.fulfilment import holds
from dashboard.services.fulfilment.shipping import load_order
from dashboard.settings import get_settings
from dashboard.views.errors import is_htmx
from dashboard.views.security import area_guard


async def _panel(number: str, *, form: dict | None = None, errors: dict | None = None,
                 refused: str = "", status: int = 200, headers: dict | None = None) -> Template:
    context = {"order": await load_order(number), "form": form or {}, "errors": errors or {},
               "refused": refused}
    return Template("partials/orders/_hold.html", status_code=status, headers=headers or {},
                    context=context)


async def _done(request: Request, number: str) -> Response | Template:
    if not is_htmx(request):
        return Redirect(f"/orders/{number}", status_code=303)
    return await _panel(number, headers=hx_trigger(ORDERS_CHANGED, ORDER_CHANGED))


class OrderHoldController(Controller):
    path = "/orders/{number:str}/hold"
    guards = [area_guard(Area.ORDERS)]
    include_in_schema = False

    @get("/")
    async def panel(self, number: FromPath[str]) -> Template:
        return await _panel(number)

    @post("/")
    async def hold(self, request: Request, number: FromPath[str]) -> Response | Template:
        form = {k: str(v) for k, v in (await request.form()).items()}
        try:
            reason = form.get("reason", "")
            until = None
            if reason == "until_date":
                until = hold_end(form.get("until", ""), get_settings().timezone)
            await holds.hold_order(number, reason, until, request.user.actor,
                                   note=form.get("note", ""))
        except ValidationFailed as exc:
            return await _panel(number, form=form, errors=exc.fields, status=422)
        except DomainError as exc:
            return await _panel(number, form=form, refused=exc.message, status=422)
        return await _done(request, number)

    @post("/release")
    async def release(self, request: Request, number: FromPath[str]) -> Response | Template:
        form = {k: str(v) for k, v in (await request.form()).items()}
        try:
            await holds.release_hold(number, request.user.actor, note=form.get("note", ""))
        except ValidationFailed as exc:
            return await _panel(number, form=form, errors=exc.fields, status=422)
        except DomainError as exc:
            return await _panel(number, form=form, refused=exc.message, status=422)
        return await _done(request, number)
