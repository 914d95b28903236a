"""Documents of an order as a print-ready page or a PDF, and batch printing with progress.

``/orders/{number}/documents/{kind}.pdf|.html?format=a4|letter|80mm|58mm`` (CONTRACT).
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from collections.abc import AsyncIterator
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, ServerSentEvent, Template
from litestar.response.sse import ServerSentEventMessage

from dashboard.components.i18n import DEFAULT_LOCALE
from dashboard.components.i18n import gettext as _
from dashboard.components.pdf import PdfUnavailable, renderer
from dashboard.components.printing import render_documents_html
from dashboard.components.templating import build_environment
from dashboard.domain.printing.documents import BATCH_DOCUMENTS, BATCH_PAPERS, document_kind, paper
from dashboard.domain.errors import DomainError, NotFound, ValidationFailed
from dashboard.domain.staff.roles import Area, can_access
from dashboard.services.printing import document_context
from dashboard.services.printing import labels
from dashboard.services.printing.panel import label_job
from dashboard.services.printing import batches as print_batches
from dashboard.services.printing.documents import document_pdf, order_document, render_html
from dashboard.views.errors import is_htmx
from dashboard.views.security import area_guard


def any_area_guard(*areas: Area):
    """Let through staff whose role may enter at least one of ``areas``."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        role = getattr(connection.user, "role", "")
        if not any(can_access(role, area) for area in areas):
            raise PermissionDeniedException("Your role may not print these documents")

    return guard


def split_name(filename: str, suffixes: tuple[str, ...]) -> tuple[str, str]:
    stem, dot, suffix = filename.rpartition(".")
    if not dot or suffix not in suffixes:
        raise NotFound(f"Unknown document {filename}")
    return stem, suffix


def pdf_unavailable(exc: PdfUnavailable) -> Template:
    return Template("pages/errors/error.html", status_code=503, context={
        "status": 503, "title": _("PDF not available"), "message": str(exc)})


async def pdf_response(html: str | None, sheet, filename: str, request: Request,
                       doc: dict | None = None) -> Response:
    """The PDF of ``html``, or of ``doc`` (a document: invoices become Factur-X)."""
    try:
        data = await (document_pdf(doc, sheet) if doc else renderer().pdf(html, sheet))
    except PdfUnavailable as exc:
        return pdf_unavailable(exc)
    disposition = "attachment" if request.query_params.get("download") else "inline"
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f"{disposition}; filename=\"{quote(filename)}\"",
        "Cache-Control": "private, no-store"})


def html_response(html: str) -> Response:
    return Response(html, media_type="text/html; charset=utf-8",
                    headers={"Cache-Control": "private, no-store"})


class OrderDocumentsController(Controller):
    path = "/orders/{number:str}/documents"
    guards = [area_guard(Area.ORDERS)]

    @get("/{filename:str}")
    async def document(self, request: Request, number: FromPath[str], filename: FromPath[str],
                       format: FromQuery[str] = "a4", credit_note: FromQuery[str | None] = None,
                       invoice: FromQuery[str | None] = None) -> Response:
        stem, suffix = split_name(filename, ("pdf", "html"))
        kind = document_kind(stem)
        sheet = paper(format)
        doc = await order_document(number, kind, actor=request.user.actor,
                                   credit_note=credit_note, invoice=invoice)
        name = f"{kind.value}-{number}"
        if suffix == "html":
            pdf_url = f"/orders/{quote(number)}/documents/{kind.value}.pdf?format={sheet.name}"
            return html_response(render_documents_html(
                [doc], sheet, doc["order"]["locale"], screen_bar={"pdf_url": pdf_url}))
        return await pdf_response(None, sheet, f"{name}.pdf", request, doc=doc)


    @post("/print", status_code=200)
    async def print_document(self, request: Request, number: FromPath[str]) -> Template:
        """Send one document of the order to a printer; answers the panel's #document-job:
        the job, polling itself until the printer answered, or why it cannot print (422)."""
        form = {k: str(v) for k, v in (await request.form()).items()}
        try:
            job_id = await labels.print_document(
                number, form.get("kind", ""), form.get("format") or None,
                form.get("printer") or None, credit_note=form.get("credit_note") or None,
                invoice=form.get("invoice") or None, actor=request.user.actor)
        except NotFound:
            raise
        except ValidationFailed as exc:  # the field's own message: which printer, paper...
            return _document_job(number, refused=next(iter(exc.fields.values()), exc.message))
        except DomainError as exc:
            return _document_job(number, refused=exc.message)
        return Template("partials/orders/_print_job.html", context={
            "number": number, "job": await label_job(number, job_id), "kind": "document"})


def _document_job(number: str, *, refused: str) -> Template:
    return Template("partials/orders/_print_job.html", status_code=422, context={
        "number": number, "job": None, "kind": "document", "refused": refused})


class PickListController(Controller):
    """The one print route a picker reaches: the pick list of the orders they collect."""

    path = "/print"
    guards = [any_area_guard(Area.ORDERS, Area.PICKING)]

    @get("/pick-list/{filename:str}")
    async def pick_list(self, request: Request, filename: FromPath[str],
                        orders: FromQuery[str] = "", format: FromQuery[str] = "a4") -> Response:
        """A pick list for the given orders (comma separated), grouped by bin."""
        _, suffix = split_name(filename, ("pdf", "html"))
        sheet = paper(format)
        numbers = print_batches.clean_numbers([orders])
        doc = await document_context.pick_list(numbers)
        locale = DEFAULT_LOCALE
        if suffix == "html":
            return html_response(render_documents_html([doc], sheet, locale, screen_bar={
                "pdf_url": f"/print/pick-list/pick-list.pdf?orders={quote(orders)}&format={sheet.name}"}))
        return await pdf_response(render_html([doc], sheet, locale), sheet, "pick-list.pdf", request)


class PrintController(Controller):
    """Batch printing: started from the orders list, so for the roles of the orders area."""

    path = "/print"
    guards = [area_guard(Area.ORDERS)]

    @post("/batches")
    async def start(self, request: Request) -> Response:
        form = await request.form()
        numbers = [str(v) for v in form.getall("order_numbers", [])]
        batch_id = await print_batches.start_batch(
            numbers, str(form.get("kind", "invoice")), str(form.get("format", "a4")),
            request.user.actor)
        target = f"/print/batches/{batch_id}"
        response = Redirect(target, status_code=303)
        if is_htmx(request):
            response.headers["HX-Redirect"] = target
        return response

    @get("/batches/{batch_id:str}")
    async def batch_page(self, batch_id: FromPath[str]) -> Template:
        batch = await print_batches.get_batch(batch_id)
        return Template("pages/print/batch.html", context={"batch": batch})

    @get("/batches/{batch_id:str}/events")
    async def batch_events(self, batch_id: FromPath[str]) -> ServerSentEvent:
        batch = await print_batches.get_batch(batch_id)

        async def events() -> AsyncIterator[ServerSentEventMessage]:
            # The batch may run on another instance: its row is the progress.
            current, last = batch, None
            while True:
                state = (current.status, current.done, len(current.skipped))
                if state != last:
                    last = state
                    yield ServerSentEventMessage(event="progress", data=_progress_html(current))
                if current.finished:
                    yield ServerSentEventMessage(event="done", data=_progress_html(current))
                    return
                await asyncio.sleep(print_batches.FLUSH_SECONDS)
                current = await print_batches.get_batch(batch_id)

        return ServerSentEvent(events(), headers={"Cache-Control": "no-store"})

    @post("/batches/{batch_id:str}/cancel", status_code=200)
    async def cancel(self, request: Request, batch_id: FromPath[str]) -> Response:
        batch = await print_batches.cancel_batch(batch_id)
        if is_htmx(request):
            return html_response(_progress_html(batch))
        return Redirect(f"/print/batches/{batch_id}", status_code=303)

    @get("/batches/{batch_id:str}/download")
    async def download(self, batch_id: FromPath[str]) -> Response:
        data = await print_batches.batch_file(batch_id)
        return Response(data, media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="print-batch-{batch_id}.pdf"'})

    @get("/new-batch")
    async def batch_form(self, orders: FromQuery[str] = "") -> Template:
        return Template("pages/print/new_batch.html", context={
            "orders": orders, "kinds": BATCH_DOCUMENTS, "formats": BATCH_PAPERS})


@lru_cache(maxsize=1)
def _screen_environment():
    return build_environment()


def _progress_html(batch: print_batches.Batch) -> str:
    """The ``#batch-progress`` fragment on one line (it travels as an SSE data field)."""
    html = _screen_environment().get_template("partials/print/_batch_progress.html").render(
        batch=batch)
    return " ".join(html.split())
