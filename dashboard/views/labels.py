"""Labels: ZPL downloads, printing through the print-job outbox, and one-click reprint.

``GET /orders/{number}/labels/shipping.zpl?size=4x6&dpi=203`` (CONTRACT).
"""

from __future__ import annotations

from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from dashboard.domain.errors import NotFound
from dashboard.domain.staff.roles import Area
from dashboard.services.printing import labels as printing
from dashboard.services.printing.panel import label_job
from dashboard.services.fulfilment.picking import check_label_allowed
from dashboard.views.documents import any_area_guard, split_name
from dashboard.views.errors import is_htmx

# Print jobs, product and bin labels: the desks that print them. Not pickers: they reach
# the picking screens (and their pick list) only.
LABEL_AREAS = (Area.ORDERS, Area.DISPATCH, Area.STOCK)


def zpl_response(zpl: str, filename: str) -> Response:
    return Response(zpl.encode("utf-8"), media_type="application/x-zpl; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{quote(filename)}"'})


async def _jobs_answer(request: Request) -> Response:
    if is_htmx(request):
        return Template("partials/print/_jobs.html", context={
            "jobs": await printing.recent_jobs(), "printers": printing.printers()})
    return Redirect("/print/jobs", status_code=303)


async def _job_fragment(number: str, job_id: int) -> Template:
    return Template("partials/orders/_print_job.html", context={
        "number": number, "job": await label_job(number, job_id)})


class OrderLabelsController(Controller):
    path = "/orders/{number:str}/labels"
    guards = [any_area_guard(Area.ORDERS, Area.DISPATCH)]

    @get("/{filename:str}")
    async def download(self, number: FromPath[str], filename: FromPath[str],
                       size: FromQuery[str | None] = None, dpi: FromQuery[str | None] = None,
                       ) -> Response:
        if filename != "shipping.zpl":
            raise NotFound(f"Unknown label {filename}")
        await check_label_allowed(number)  # a late edit the picker has not confirmed
        zpl = await printing.shipping_label_zpl(number, size, dpi)
        return zpl_response(zpl, f"shipping-{number}.zpl")

    @post("/shipping/print", status_code=200)
    async def print_label(self, request: Request, number: FromPath[str]) -> Response:
        form = await request.form()
        await check_label_allowed(number)
        job_id = await printing.print_shipping_label(
            number, str(form.get("printer") or "") or None, size=form.get("size") or None,
            dpi=form.get("dpi") or None, actor=request.user.actor)
        if request.headers.get("HX-Target") == "label-job":  # the order screen's panel
            return await _job_fragment(number, job_id)
        return await _jobs_answer(request)

    @get("/jobs/{job_id:int}")
    async def job(self, number: FromPath[str], job_id: FromPath[int]) -> Template:
        """One label job's status; the fragment polls itself until the printer answered."""
        return await _job_fragment(number, job_id)


class PrintJobsController(Controller):
    path = "/print"
    guards = [any_area_guard(*LABEL_AREAS)]

    @get("/jobs")
    async def jobs(self) -> Template:
        return Template("pages/print/jobs.html", context={
            "jobs": await printing.recent_jobs(), "printers": printing.printers()})

    @post("/jobs/{job_id:int}/reprint", status_code=200)
    async def reprint(self, request: Request, job_id: FromPath[int]) -> Response:
        form = await request.form()
        await printing.reprint(job_id, str(form.get("printer") or "") or None,
                               actor=request.user.actor)
        return await _jobs_answer(request)

    @get("/labels/product/{filename:str}")
    async def product_label(self, filename: FromPath[str], size: FromQuery[str | None] = None,
                            dpi: FromQuery[str | None] = None, copies: FromQuery[int] = 1,
                            ) -> Response:
        sku, _ = split_name(filename, ("zpl",))
        return zpl_response(await printing.product_label_zpl(sku, size, dpi, copies),
                            f"product-{sku}.zpl")

    @get("/labels/bin/{filename:str}")
    async def bin_label(self, filename: FromPath[str], size: FromQuery[str | None] = None,
                        dpi: FromQuery[str | None] = None, copies: FromQuery[int] = 1) -> Response:
        code, _ = split_name(filename, ("zpl",))
        return zpl_response(printing.bin_label_zpl(code, size, dpi, copies), f"bin-{code}.zpl")
