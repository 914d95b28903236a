"""The picker's screens (``Area.PICKING``): pick lists, the scan field, short lines, tasks.

A scan answers the ``#pick`` fragment (progress, lines, tasks) with its result in the
``X-Scan-Result`` header, so the screen can flag it and beep; a scanned delivery note
answers ``X-Open-Pick-List`` with the pick list to open. Without JavaScript the same
forms post and come back to the page.
"""

from __future__ import annotations

import uuid

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from dashboard.domain.errors import DomainError
from dashboard.domain.staff.roles import Area
from dashboard.services.fulfilment import picking
from dashboard.views.errors import is_htmx
from dashboard.views.security import area_guard


async def _pick_answer(request: Request, number: str, outcome: dict | None = None,
                       status: int = 200, headers: dict | None = None) -> Response:
    if outcome is not None:  # the fragment reads every key (refusals, shorts, tasks too)
        outcome = {"replayed": False, **outcome}
    context = {**await picking.pick_list_view(number), "outcome": outcome,
               "scan_id": uuid.uuid4().hex}
    if is_htmx(request):
        return Template("partials/picking/_pick.html", context=context, status_code=status,
                        headers=headers or {})
    if status == 200 and outcome is not None:
        return Redirect(f"/picking/{number}", status_code=303)
    return Template("pages/picking/pick_list.html", context=context, status_code=status)


class PickingController(Controller):
    path = "/picking"
    guards = [area_guard(Area.PICKING)]
    include_in_schema = False

    @get("/")
    async def index(self) -> Template:
        return Template("pages/picking/index.html", context={
            "pick_lists": await picking.open_pick_lists(), "error": ""})

    @post("/")
    async def create(self, request: Request) -> Response:
        """A batch of paid orders, or the orders typed/scanned (one number per line)."""
        form = await request.form()
        numbers = str(form.get("orders") or "").split()
        try:
            if numbers:
                number = await picking.create_pick_list(numbers, actor=request.user.actor)
            else:
                number = await picking.create_batch_pick_list(actor=request.user.actor)
        except DomainError as exc:
            return Template("pages/picking/index.html", status_code=422, context={
                "pick_lists": await picking.open_pick_lists(), "error": exc.message})
        return Redirect(f"/picking/{number}", status_code=303)

    @get("/{number:str}")
    async def pick_list(self, request: Request, number: FromPath[str]) -> Response:
        return await _pick_answer(request, number)

    @post("/{number:str}/scans")
    async def scan(self, request: Request, number: FromPath[str]) -> Response:
        form = await request.form()
        try:
            outcome = await picking.record_scan(number, str(form.get("client_scan_id") or ""),
                                                str(form.get("code") or ""),
                                                actor=request.user.actor)
        except DomainError as exc:
            return await _pick_answer(request, number, {"result": "error",
                                                        "message": exc.message}, 422,
                                      {"X-Scan-Result": "error"})
        headers = {"X-Scan-Result": outcome.result}
        if outcome.open_pick_list:
            headers["X-Open-Pick-List"] = outcome.open_pick_list
            if not is_htmx(request):
                return Redirect(f"/picking/{outcome.open_pick_list}", status_code=303)
        return await _pick_answer(request, number, {"result": outcome.result,
                                                    "message": outcome.message,
                                                    "replayed": outcome.replayed}, 200, headers)

    @post("/{number:str}/lines/{line_id:int}/short")
    async def short(self, request: Request, number: FromPath[str],
                    line_id: FromPath[int]) -> Response:
        await picking.mark_short(number, line_id, actor=request.user.actor)
        return await _pick_answer(request, number, {"result": "short",
                                                    "message": "Marked short"})

    @post("/{number:str}/tasks/{task_id:int}/acknowledge")
    async def acknowledge(self, request: Request, number: FromPath[str],
                          task_id: FromPath[int]) -> Response:
        await picking.acknowledge_task(task_id, actor=request.user.actor)
        return await _pick_answer(request, number, {"result": "task", "message": "Done"})

    @post("/open")
    async def open_order(self, request: Request) -> Response:
        """A delivery note scanned on the list of pick lists: open that order's picking."""
        form = await request.form()
        try:
            number = await picking.open_for_order(str(form.get("code") or ""),
                                                  actor=request.user.actor)
        except DomainError as exc:
            return Template("pages/picking/index.html", status_code=422, context={
                "pick_lists": await picking.open_pick_lists(), "error": exc.message})
        return Redirect(f"/picking/{number}", status_code=303)
