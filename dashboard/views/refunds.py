"""Refunding what an order owes the customer: the refunds panel of the order screen
(``Action.REFUND``: admin, back office, call centre) and the payment queue's refunds to
make by hand (``Area.PAYMENTS``).

The panel posts to itself: a refusal comes back as the panel with the message next to
the field (422), a success as the panel with the ``orderChanged`` event, on which the
screen's badges, payments and history re-read themselves. Without htmx a success
redirects to the order screen (or the payment queue).
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from dashboard.components.events import ORDER_CHANGED, ORDERS_CHANGED, hx_trigger
from dashboard.components.i18n import current_locale, gettext as _
from dashboard.domain.errors import DomainError, NotFound, ValidationFailed
from dashboard.domain.numbers import (
    MAX_PAYMENT,
    N_,
    Message,
    bound,
    currency_decimals,
    parse_money,
)
from dashboard.domain.staff.roles import Action, Area
from dashboard.services import payments
from dashboard.services.orders.screen import order_row
from dashboard.views.errors import is_htmx
from dashboard.views.security import action_guard, area_guard

MAX_REF = 120


async def refunds_context(order: dict) -> dict:
    """What the refunds panel shows, for the order screen's page load and for the panel."""
    return {"order": order, "refunds": await payments.refund_panel(order)}


async def _panel(number: str, *, form: dict | None = None, errors: dict | None = None,
                 refused: str = "", done: str = "", status: int = 200,
                 headers: dict | None = None) -> Template:
    context = await refunds_context(await order_row(number))
    context |= {"refund_form": form or {}, "refund_errors": errors or {},
                "refund_refused": refused, "refund_done": done}
    return Template("partials/orders/_refunds.html", status_code=status,
                    headers=headers or {}, context=context)


def _amount(text: str, currency: str) -> int:
    decimals = currency_decimals(currency)
    return parse_money(text, field="amount", locale=current_locale.get(), decimals=decimals,
                       maximum=bound(MAX_PAYMENT, decimals))


class OrderRefundsController(Controller):
    path = "/orders/{number:str}/refunds"
    guards = [area_guard(Area.ORDERS)]
    include_in_schema = False

    @get("/")
    async def panel(self, number: FromPath[str]) -> Template:
        return await _panel(number)

    @post("/", guards=[action_guard(Action.REFUND)])
    async def request(self, request: Request, number: FromPath[str]) -> Response | Template:
        form = {k: str(v) for k, v in (await request.form()).items()}
        order = await order_row(number)
        try:
            amount = _amount(form.get("amount", ""), order["currency"])
            outcome = await payments.request_refund(
                number, amount=amount, route=form.get("route", ""), iban=form.get("iban", ""),
                reason=form.get("reason", ""), send_email=form.get("send_email") == "on",
                actor=request.user.actor)
        except ValidationFailed as exc:
            return await _panel(number, form=form, errors=exc.fields, status=422)
        except NotFound:
            raise
        except DomainError as exc:
            return await _panel(number, form=form, refused=exc.message, status=422)
        return await _done(request, number, _("Refund sent to the payment provider.")
                           if outcome.status == "pending"
                           else _("Refund to make by hand: it is listed in the payment queue."))

    @post("/{refund_id:int}/cancel", guards=[action_guard(Action.REFUND)])
    async def cancel(self, request: Request, number: FromPath[str],
                     refund_id: FromPath[int]) -> Response | Template:
        try:
            await payments.cancel_refund(refund_id, actor=request.user.actor,
                                         order_number=number)
        except NotFound:
            raise
        except DomainError as exc:
            return await _panel(number, refused=exc.message, status=422)
        return await _done(request, number,
                           _("Refund cancelled: the amount is owed to the customer again."))


async def _done(request: Request, number: str, done: str) -> Response | Template:
    """A success: the panel saying so, with the event the screen's panels re-read on."""
    if not is_htmx(request):
        return Redirect(f"/orders/{number}", status_code=303)
    return await _panel(number, done=done,
                        headers=hx_trigger(ORDERS_CHANGED, ORDER_CHANGED, toast=done))


class RefundQueueController(Controller):
    """The payment queue's refunds to make by hand: "done" with the bank's reference,
    send to the provider again, or make by hand a refund the provider refused."""

    path = "/payments/refunds"
    guards = [area_guard(Area.PAYMENTS)]
    include_in_schema = False

    @get("/")
    async def list(self, request: Request) -> Template:
        return await _queue()

    async def _act(self, request: Request, action, done: str) -> Response | Template:
        try:
            await action()
        except NotFound:
            raise
        except ValidationFailed as exc:
            return await _queue(errors=exc.fields, status=422)
        except DomainError as exc:
            return await _queue(refused=exc.message, status=422)
        if not is_htmx(request):
            return Redirect("/payments", status_code=303)
        return await _queue(done=done, headers=hx_trigger(ORDERS_CHANGED, toast=done))

    @post("/{refund_id:int}/done")
    async def done(self, request: Request, refund_id: FromPath[int]) -> Response | Template:
        form = await request.form()
        reference = str(form.get("reference", "")).strip()

        async def action():
            if not reference:
                raise ValidationFailed({f"reference-{refund_id}": Message(N_(
                    "Type the reference of the transfer or of the provider's refund."))})
            if len(reference) > MAX_REF:
                raise ValidationFailed({f"reference-{refund_id}": Message(N_(
                    "At most %(maximum)s characters."), maximum=MAX_REF)})
            await payments.complete_refund(refund_id, reference, source="manual",
                                           actor=request.user.actor)
        return await self._act(request, action, _("Refund recorded."))

    @post("/{refund_id:int}/retry")
    async def retry(self, request: Request, refund_id: FromPath[int]) -> Response | Template:
        return await self._act(request, lambda: payments.retry_refund(
            refund_id, actor=request.user.actor), _("Refund sent to the payment provider again."))

    @post("/{refund_id:int}/by-hand")
    async def by_hand(self, request: Request, refund_id: FromPath[int]) -> Response | Template:
        return await self._act(request, lambda: payments.make_by_hand(
            refund_id, actor=request.user.actor), _("Refund to make by hand."))


async def _queue(*, errors: dict | None = None, refused: str = "", done: str = "",
                 status: int = 200, headers: dict | None = None) -> Template:
    return Template("partials/payments/_refunds.html", status_code=status, headers=headers or {},
                    context={"refunds": await payments.refunds_to_make(),
                             "refund_errors": errors or {}, "refund_refused": refused,
                             "refund_done": done})
