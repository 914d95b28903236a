"""The orders workspace: one URL, the whole page or only the ``#results`` fragment;
bulk actions over a selection or over everything matching a view; saved views."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dashboard.components.labels import N_
from dashboard.components.events import ORDERS_CHANGED, ORDERS_UPDATED_ELSEWHERE, hx_trigger
from dashboard.components.i18n import gettext as _, ngettext
from dashboard.domain.errors import ValidationFailed
from dashboard.domain.orders.listing import OrderFilter
from dashboard.domain.staff.roles import Area
from dashboard.services import bulk
from dashboard.services.orders import saved_views
from dashboard.services.orders.listing import (
    OrderPage, changed_since, exact_counts, order_numbered, orders_view,
)
from dashboard.views.errors import is_htmx
from dashboard.views.security import area_guard

BULK_ACTION_LABELS = {"add_note": N_("Add a note"), "hold": N_("Put on hold"),
                      "release_hold": N_("Release hold"), "mark_paid": N_("Mark paid"),
                      "mark_shipped": N_("Mark shipped"),
                      "cancel": N_("Cancel orders"), "print": N_("Print"),
                      "email": N_("Email the customers")}


def wants_fragment(request: Request) -> bool:
    """htmx asked for the list; a history restore (Back after a reload) needs the page."""
    return is_htmx(request) and request.headers.get("hx-history-restore-request") != "true"


class OrdersController(Controller):
    path = "/orders"
    guards = [area_guard(Area.ORDERS)]

    @get("/")
    async def index(self, request: Request) -> Template | Redirect:
        view = OrderFilter.from_query(request.query_params)
        # Enter in the search box ("jump") with a whole order number opens that order;
        # typing in it only filters the list (htmx), whatever the digits so far.
        if request.query_params.get("jump") and not wants_fragment(request):
            if number := await order_numbered(view.q):
                return Redirect(f"/orders/{number}", status_code=303)
        counts, page = await orders_view(view)
        context = {
            "filter": view,
            "page": page,
            "counts": counts,
            "base_query": urlencode(view.query_items()),
            "bulk_actions": {name: _(text) for name, text in BULK_ACTION_LABELS.items()
                             if name in bulk.BULK_ACTIONS},
            "inexact_counts": any(c is None or c.capped for c in counts.values()),
        }
        if wants_fragment(request):
            # Push the canonical URL (no empty parameters), except when the list only
            # refreshes itself after an action: that is no new step in the history.
            headers = {}
            if request.headers.get("hx-trigger") != "results":
                query = view.query_items() | ({"cursor": view.cursor} if view.cursor else {})
                headers["HX-Push-Url"] = "/orders" + ("?" + urlencode(query) if query else "")
            return Template("partials/orders/_results.html", context={**context, "oob": True},
                            headers=headers)
        context["saved_views"] = await saved_views.list_views(request.user.id)
        context["since"] = datetime.now(timezone.utc).isoformat()
        return Template("pages/orders/index.html", context=context)

    @get("/counts")
    async def counts(self, request: Request) -> Template:
        """The exact counts of a view, asked for by its list once the rows are shown."""
        view = OrderFilter.from_query(request.query_params)
        counts = await exact_counts(view)
        page = OrderPage(rows=[], next_cursor=None, total=counts[view.status])
        return Template("partials/orders/_counts.html", context={
            "filter": view, "counts": counts, "page": page,
            "base_query": urlencode(view.query_items())})

    @get("/changes", include_in_schema=False)
    async def old_live_url(self, request: Request) -> Redirect:
        """The list's live updates were at ``/orders/changes``, the word the order screen
        uses for money-moving edits (``/orders/{number}/changes``): one word per idea, and
        an open tab of the old page keeps polling through this redirect."""
        query = request.url.query
        return Redirect("/orders/live" + (f"?{query}" if query else ""), status_code=308)

    @get("/live")
    async def live(self, request: Request) -> Template:
        """Live updates: polled by the list with its filters and the time it last looked
        (the order screen's own is ``/orders/{number}/live``).

        Answers the next ``since`` to send; when orders of this view changed, also an
        ``ordersUpdatedElsewhere`` event: the page refreshes the list if nothing is
        selected, or offers a refresh button, so a selection in progress is never lost.
        """
        view = OrderFilter.from_query(request.query_params)
        now = datetime.now(timezone.utc)
        try:
            since = datetime.fromisoformat(request.query_params.get("since", ""))
        except ValueError:
            since = now
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        count = await changed_since(view, since)
        headers = hx_trigger(ORDERS_UPDATED_ELSEWHERE, detail={
            "count": count.value, "capped": count.capped}) if count.value else {}
        return Template("partials/orders/_live.html", context={"since": now.isoformat()},
                        headers=headers)

    @post("/bulk")
    async def bulk_action(self, request: Request) -> Template:
        form = await request.form()
        fields = {key: str(value) for key, value in form.items() if key != "order_ids"}
        matching = fields.get("matching") if fields.get("scope") == "matching" else None
        action = fields.get("action", "")
        try:
            ids = await bulk.selected_order_ids(form.getall("order_ids", []), matching)
            result = await bulk.run_bulk_action(action, ids, fields, request.user)
        except ValidationFailed as exc:
            return Template("partials/orders/_bulk_report.html", status_code=422,
                            context={"errors": exc.fields, "result": None, "action": action})
        message = ngettext("%(num)s order changed", "%(num)s orders changed",
                           len(result.changed)) % {"num": len(result.changed)}
        return Template("partials/orders/_bulk_report.html",
                        context={"errors": {}, "result": result, "action": action,
                                 "action_label": _(BULK_ACTION_LABELS.get(action, action))},
                        headers=hx_trigger(ORDERS_CHANGED, toast=message))

    @post("/views")
    async def save_view(self, request: Request) -> Template | Redirect:
        form = await request.form()
        query = urlencode([(k, str(v)) for k, v in form.multi_items()
                           if k not in ("name", "_csrf_token")])
        errors = {}
        try:
            await saved_views.save_view(request.user.id, str(form.get("name", "")), query)
        except ValidationFailed as exc:
            errors = exc.fields
        return await self._saved_views(request, errors)

    @post("/views/{view_id:int}/delete")
    async def delete_view(self, request: Request, view_id: FromPath[int]) -> Template:
        await saved_views.delete_view(request.user.id, view_id)
        return await self._saved_views(request, {})

    @staticmethod
    async def _saved_views(request: Request, errors: dict) -> Template:
        views = await saved_views.list_views(request.user.id)
        return Template("partials/orders/_saved_views.html", status_code=422 if errors else 200,
                        context={"saved_views": views, "errors": errors})
