"""The payments area: the queue of orders owing money, bank statements with proposals to
confirm, and bulk "mark paid". Every page answers whole, or as the fragment htmx targets."""

from __future__ import annotations

from datetime import date
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from dashboard.components.i18n import current_locale
from dashboard.domain.errors import DomainError, ValidationFailed
from dashboard.domain.numbers import (
    MAX_PAYMENT,
    N_,
    bound,
    currency_decimals,
    parse_money,
)
from dashboard.domain.staff.roles import Area
from dashboard.services.orders.currency import currencies_of
from dashboard.services.payments import money as payments
from dashboard.services.payments import reconciliation
from dashboard.services.payments import refunds_to_make
from dashboard.services.payments.queue import payment_queue
from dashboard.views.errors import is_htmx
from dashboard.views.security import area_guard

BULK_ROWS = 10
BAD_DATE = N_("Type a date such as 2026-11-27.")


def _fragment_wanted(request: Request) -> bool:
    return is_htmx(request) and request.headers.get("hx-history-restore-request") != "true"


class PaymentsController(Controller):
    path = "/payments"
    guards = [area_guard(Area.PAYMENTS)]

    @get("/")
    async def queue(self, request: Request, payment_method: FromQuery[str] = "") -> Template:
        context = {"orders": await payment_queue(payment_method), "payment_method": payment_method}
        if _fragment_wanted(request):
            return Template("partials/payments/_queue.html", context=context)
        context["refunds"] = await refunds_to_make()
        return Template("pages/payments/queue.html", context=context)

    # --- bank statements ------------------------------------------------------------------

    @get("/statements")
    async def statements(self) -> Template:
        return Template("pages/payments/statements.html",
                        context={"statements": await reconciliation.list_statements(),
                                 "error": None})

    @post("/statements")
    async def upload_statement(self, request: Request) -> Template | Redirect:
        upload = (await request.form()).get("file")
        try:
            if upload is None or not isinstance(upload, UploadFile):
                raise ValidationFailed({"file": "choose a statement file"})
            content = await upload.read()
            result = await reconciliation.import_statement(upload.filename or "statement",
                                                           content, actor=request.user.actor)
        except ValidationFailed as exc:
            return Template("pages/payments/statements.html", status_code=422, context={
                "statements": await reconciliation.list_statements(),
                "error": exc.fields.get("file", exc.message)})
        target = (f"/payments/statements/{result.statement_id}"
                  f"?imported={result.imported}&skipped={result.already_imported}")
        response = Redirect(target, status_code=303)
        response.headers["HX-Redirect"] = target
        return response

    @get("/statements/{statement_id:int}")
    async def statement(self, statement_id: FromPath[int], imported: FromQuery[int | None] = None,
                        skipped: FromQuery[int | None] = None) -> Template:
        return Template("pages/payments/statement.html", context={
            "statement": await reconciliation.get_statement(statement_id),
            "lines": await reconciliation.statement_lines(statement_id),
            "imported": imported, "skipped": skipped})

    async def _line_answer(self, request: Request, line_id: int, action) -> Template | Redirect:
        """Run a line action; answer the re-read row (htmx) or go back to the statement."""
        error, status = None, 200
        try:
            line = await action()
        except (ValidationFailed, DomainError) as exc:
            line = await reconciliation.statement_line(line_id)
            fields = getattr(exc, "fields", {})
            error = "; ".join(fields.values()) if fields else exc.message
            error = f"{exc.message}: {error}" if fields else error
            status = 422
        if _fragment_wanted(request):
            return Template("partials/payments/_statement_line.html", status_code=status,
                            context={"line": line, "error": error})
        if status != 200:
            return Template("pages/payments/statement.html", status_code=status, context={
                "statement": await reconciliation.get_statement(line["statement"]),
                "lines": await reconciliation.statement_lines(line["statement"]),
                "imported": None, "skipped": None, "error": error})
        return Redirect(f"/payments/statements/{line['statement']}", status_code=303)

    @post("/statement-lines/{line_id:int}/confirm")
    async def confirm_line(self, request: Request, line_id: FromPath[int]) -> Template | Redirect:
        form = await request.form()

        async def action():
            return await reconciliation.confirm_line(
                line_id, actor=request.user.actor,
                order_number=str(form.get("order_number", "")) or None,
                accept_mismatch=form.get("accept_mismatch") == "1")

        return await self._line_answer(request, line_id, action)

    @post("/statement-lines/{line_id:int}/ignore")
    async def ignore_line(self, request: Request, line_id: FromPath[int]) -> Template | Redirect:
        async def action():
            return await reconciliation.ignore_line(line_id, actor=request.user.actor)

        return await self._line_answer(request, line_id, action)

    # --- bulk mark paid -------------------------------------------------------------------

    @get("/mark-paid")
    async def mark_paid_form(self, request: Request) -> Template:
        numbers = request.query_params.getall("number", [])
        rows = [{"number": n, "reference": "", "date": date.today().isoformat(), "amount": ""}
                for n in numbers]
        rows += [{"number": "", "reference": "", "date": date.today().isoformat(), "amount": ""}
                 for _ in range(max(BULK_ROWS - len(rows), 2))]
        return Template("pages/payments/mark_paid.html", context={"rows": rows, "result": None})

    @post("/orders/{number:str}/receipt")
    async def send_receipt(self, request: Request, number: FromPath[str]) -> Redirect:
        """Email the customer their receipt (again), from the order screen."""
        await payments.queue_receipt(number, actor=request.user.actor)
        return Redirect(f"/orders/{number}", status_code=303)

    @post("/mark-paid")
    async def mark_paid(self, request: Request) -> Template:
        """Every row is parsed first: one malformed date or amount brings the form back with
        the message next to that field, and nothing is recorded."""
        form = await request.form()
        columns = [form.getall(name, []) for name in ("number", "reference", "date", "amount")]
        rows, entries, errors = [], [], {}
        currencies = await currencies_of([n.strip() for n in columns[0] if n.strip()])
        for i, (number, reference, day, amount) in enumerate(zip(*columns)):
            rows.append({"number": number, "reference": reference, "date": day, "amount": amount})
            number = number.strip()
            if not number:
                continue
            try:
                received_on = date.fromisoformat(day.strip()) if day.strip() else date.today()
            except ValueError:
                errors[f"date_{i}"] = BAD_DATE
                continue
            value = None
            if amount.strip():
                decimals = currency_decimals(currencies.get(number, "EUR"))
                try:
                    value = parse_money(amount, field=f"amount_{i}", locale=current_locale.get(),
                                        decimals=decimals, maximum=bound(MAX_PAYMENT, decimals))
                except ValidationFailed as exc:
                    errors.update(exc.fields)
                    continue
            entries.append((number, reference.strip(), received_on, value))
        if errors:
            return self._mark_paid_answer(request, {"rows": rows, "errors": errors,
                                                    "result": None}, 422)
        result = await payments.mark_many_paid(entries, actor=request.user.actor)
        return self._mark_paid_answer(request, {"result": result, "rows": None}, 200)

    @staticmethod
    def _mark_paid_answer(request: Request, context: dict, status: int) -> Template:
        template = ("partials/payments/_mark_paid.html" if _fragment_wanted(request)
                    else "pages/payments/mark_paid.html")
        return Template(template, context=context, status_code=status)
