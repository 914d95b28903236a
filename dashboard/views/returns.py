"""Returns, exchanges, credits and surcharges of one order, under /orders/{number}/returns.

Thin: parse the form, call one service, then re-read and re-render (or redirect). A
refusal re-renders the same page with the reasons (422) and nothing written.
``partials/returns/_panel.html`` is what the order screen includes.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from dashboard.components.i18n import current_locale
from dashboard.components.printing import render_documents_html
from dashboard.domain.printing.documents import DocumentKind, paper
from dashboard.domain.errors import DomainError, InsufficientStock, NotFound, ValidationFailed
from dashboard.domain.returns.rules import (
    VAT_RATES_BP, Receipt, RefundMethod, ReturnItem, ReturnReason, SurchargeKind, creditable,
)
from dashboard.domain.numbers import (
    N_,
    MAX_CREDIT,
    MAX_SHIPPING_CREDIT,
    MAX_SURCHARGE,
    Message,
    bound,
    currency_decimals,
    parse_count,
    parse_money,
)
from dashboard.domain.orders.intake import MAX_QUANTITY
from dashboard.domain.staff.roles import Area, can_access
from dashboard.services.returns import credits
from dashboard.services.printing import document_context
from dashboard.services.returns import rma as returns
from dashboard.services.returns import surcharges
from dashboard.services.printing.documents import order_document, render_html
from dashboard.services.orders.currency import currency_of
from dashboard.views.documents import html_response, pdf_response, split_name
from dashboard.views.errors import is_htmx
from dashboard.views.security import area_guard


def _id(value: object) -> int:
    """A row id sent back by our own form; anything else names no row (-1)."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else -1


def _count(value: object, field: str, default: int = 0) -> int:
    return parse_count(value, field=field, maximum=MAX_QUANTITY, default=default)


async def _money(value: object, field: str, number: str, maximum: int, *,
                 optional: bool = False) -> int:
    """A typed amount with the order currency's decimals; empty is refused as required,
    or is 0 when ``optional``."""
    if optional and not str(value or "").strip():
        return 0
    decimals = currency_decimals(await currency_of(number))
    return parse_money(value, field=field, locale=current_locale.get(), decimals=decimals,
                       maximum=bound(maximum, decimals))


# The domain names a return line's fields ``lines.<id>.<what>``; the forms name them
# ``<what>_<id>``. A bare ``lines.<id>`` is the line's quantity field on each form.
_LINE_FIELD = re.compile(r"^lines\.(\d+)(?:\.(\w+))?$")


def _errors(exc: DomainError, form: str, typed=None) -> dict:
    """The refusal as the page shows it: each problem under the field of ``form`` it is
    about (``surcharge_amount``...), the message on top, and what was typed, kept."""
    fields = {}
    for key, problem in (getattr(exc, "fields", {}) or {}).items():
        match = _LINE_FIELD.match(key)
        if match:
            what = match[2] or ("restocked" if form == "receive" else "quantity")
            key = f"{what}_{match[1]}"
        elif form in ("credit", "surcharge") and not key.startswith(form + "_"):
            key = f"{form}_{key}"
        fields[key] = problem
    if isinstance(exc, InsufficientStock):
        fields.update({f"stock.{s['sku']}": Message(
            N_("%(sku)s: only %(available)s available."), sku=s["sku"],
            available=s["available"]) for s in exc.short})
    return {"message": exc.message, "fields": fields, "form": form,
            "typed": {k: str(v) for k, v in (typed or {}).items()}}


async def panel_context(number: str, request: Request) -> dict:
    """Everything ``_panel.html`` shows: the order's money, its returnable lines, returns."""
    order = await document_context.load_order(number)
    return {
        "order": order, "lines": await returns.returnable_lines(order["id"]),
        "returns": await returns.returns_of(order["id"]),
        "surcharges": await surcharges.surcharges_of(order["id"]),
        "reasons": [r.value for r in ReturnReason], "refund_methods": [m.value for m in RefundMethod],
        "surcharge_kinds": [k.value for k in SurchargeKind], "vat_rates": VAT_RATES_BP,
        "can_post_money": can_access(request.user.role, Area.PAYMENTS),
        "creditable": creditable(order["paid_total"], order["credited_total"]),
    }


def _back(request: Request, target: str) -> Response:
    response = Redirect(target, status_code=303)
    if is_htmx(request):
        response.headers["HX-Redirect"] = target
    return response


class ReturnsController(Controller):
    path = "/orders/{number:str}"
    guards = [area_guard(Area.ORDERS)]
    include_in_schema = False

    async def _page(self, request: Request, number: str, errors: dict | None = None,
                    status: int = 200) -> Template:
        context = await panel_context(number, request)
        context["errors"] = errors
        return Template("pages/returns/index.html", context=context, status_code=status)

    @get("/returns")
    async def index(self, request: Request, number: FromPath[str]) -> Template:
        return await self._page(request, number)

    @get("/returns/panel")
    async def panel(self, request: Request, number: FromPath[str]) -> Template:
        """The panel alone, for the order screen (which includes ``_panel.html``)."""
        context = await panel_context(number, request)
        return Template("partials/returns/_returns_panel.html", context={**context, "errors": None})

    @post("/returns")
    async def authorise(self, request: Request, number: FromPath[str]) -> Response:
        form = await request.form()
        kind = str(form.get("kind", "return"))
        items = []
        try:
            for line_id in form.getall("line", []):
                quantity = _count(form.get(f"quantity_{line_id}"), f"quantity_{line_id}")
                if quantity == 0:
                    continue
                items.append(ReturnItem(
                    order_line_id=_id(line_id), quantity=quantity,
                    reason=str(form.get(f"reason_{line_id}", "")),
                    replacement_sku=str(form.get(f"replacement_sku_{line_id}", "")).strip(),
                    replacement_quantity=(_count(form.get(f"replacement_quantity_{line_id}"),
                                                 f"replacement_quantity_{line_id}", quantity)
                                          if kind == "exchange" else 0)))
            outcome = await returns.authorise_return(number, kind, items,
                                                     actor=request.user.actor)
        except DomainError as exc:
            return await self._page(request, number, _errors(exc, "return", form), 422)
        return _back(request, f"/orders/{quote(number)}/returns/{outcome.rma}")

    @get("/returns/{rma:str}")
    async def detail(self, request: Request, number: FromPath[str], rma: FromPath[str]) -> Template:
        return await self._detail(request, number, rma)

    async def _detail(self, request: Request, number: str, rma: str, errors: dict | None = None,
                      status: int = 200) -> Template:
        order, return_request = await returns.return_detail(number, rma)
        return Template("pages/returns/detail.html", status_code=status, context={
            "order": order, "ret": return_request, "errors": errors,
            "creditable": creditable(order["paid_total"], order["credited_total"]),
            "refund_methods": [m.value for m in RefundMethod],
            "can_post_money": can_access(request.user.role, Area.PAYMENTS)})

    @post("/returns/{rma:str}/receive")
    async def receive(self, request: Request, number: FromPath[str], rma: FromPath[str]) -> Response:
        form = await request.form()
        try:
            receipts = [Receipt(
                return_line_id=_id(line_id),
                restocked=_count(form.get(f"restocked_{line_id}"), f"restocked_{line_id}"),
                written_off=_count(form.get(f"written_off_{line_id}"), f"written_off_{line_id}"),
                write_off_reason=str(form.get(f"write_off_reason_{line_id}", "")))
                for line_id in form.getall("line", [])]
            await returns.receive_return(number, rma, receipts, actor=request.user.actor)
        except DomainError as exc:
            return await self._detail(request, number, rma, _errors(exc, "receive", form), 422)
        return _back(request, f"/orders/{quote(number)}/returns/{rma}")

    @post("/returns/{rma:str}/credit", guards=[area_guard(Area.PAYMENTS)])
    async def credit(self, request: Request, number: FromPath[str], rma: FromPath[str]) -> Response:
        form = await request.form()
        try:
            await returns.credit_return(
                number, rma, refund_method=str(form.get("refund_method", "")),
                refund_ref=str(form.get("refund_ref", "")),
                shipping=await _money(form.get("shipping"), "shipping", number,
                                      MAX_SHIPPING_CREDIT, optional=True),
                actor=request.user.actor)
        except DomainError as exc:
            return await self._detail(request, number, rma, _errors(exc, "credit_return", form), 422)
        return _back(request, f"/orders/{quote(number)}/returns/{rma}")

    @get("/returns/{rma:str}/{filename:str}")
    async def slip(self, request: Request, number: FromPath[str], rma: FromPath[str],
                   filename: FromPath[str], format: FromQuery[str] = "a4") -> Response:
        """The return slip, ``slip.pdf`` or ``slip.html`` (any paper format)."""
        stem, suffix = split_name(filename, ("pdf", "html"))
        if stem != "slip":
            raise NotFound(f"Unknown document {filename}")
        sheet = paper(format)
        doc = await order_document(number, DocumentKind.RETURN_SLIP, rma=rma)
        if suffix == "html":
            pdf_url = f"/orders/{quote(number)}/returns/{rma}/slip.pdf?format={sheet.name}"
            return html_response(render_documents_html(
                [doc], sheet, doc["order"]["locale"], screen_bar={"pdf_url": pdf_url}))
        return await pdf_response(render_html([doc], sheet), sheet, f"return-slip-{rma}.pdf",
                                  request)

    @post("/credits", guards=[area_guard(Area.PAYMENTS)])
    async def credit_amount(self, request: Request, number: FromPath[str]) -> Response:
        """A credit for shipping or any amount, not tied to a return."""
        form = await request.form()
        try:
            what = str(form.get("what", "amount"))
            amount = await _money(form.get("amount"), "credit_amount", number, MAX_CREDIT)
            reason = str(form.get("reason", "")).strip()
            # Any other amount is one line named by the reason (issue_credit's default).
            lines = credits.shipping_lines(amount) if what == "shipping" and amount > 0 else None
            await credits.issue_credit(
                number, amount=amount, lines=lines, reason=reason,
                refund_method=str(form.get("refund_method", "")),
                refund_ref=str(form.get("refund_ref", "")), actor=request.user.actor)
        except DomainError as exc:
            return await self._page(request, number, _errors(exc, "credit", form), 422)
        return _back(request, f"/orders/{quote(number)}/returns")

    @post("/surcharges", guards=[area_guard(Area.PAYMENTS)])
    async def surcharge(self, request: Request, number: FromPath[str]) -> Response:
        form = await request.form()
        try:
            await surcharges.add_surcharge(
                number, kind=str(form.get("kind", "")),
                amount=await _money(form.get("amount"), "surcharge_amount", number, MAX_SURCHARGE),
                reason=str(form.get("reason", "")),
                vat_rate_bp=parse_count(form.get("vat_rate_bp"), field="vat_rate",
                                        maximum=10_000, default=2000),
                actor=request.user.actor)
        except DomainError as exc:
            return await self._page(request, number, _errors(exc, "surcharge", form), 422)
        return _back(request, f"/orders/{quote(number)}/returns")
