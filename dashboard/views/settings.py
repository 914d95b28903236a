"""The settings area (admin only): outgoing webhook endpoints, each with its delivery log
and a replay button, and the accounting export."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from dashboard.domain.errors import DomainError, ValidationFailed
from dashboard.domain.staff.roles import Area
from dashboard.services.integrations import webhook_endpoints
from dashboard.services.staff import auth
from dashboard.views.errors import is_htmx
from dashboard.views.security import area_guard

DELIVERY_STATUSES = ("pending", "delivered", "failed")


class SettingsController(Controller):
    path = "/settings"
    guards = [area_guard(Area.SETTINGS)]

    @get("/")
    async def index(self) -> Template:
        return Template("pages/settings/index.html", context={})

    @get("/sign-in")
    async def sign_ins(self) -> Template:
        """Failed sign-ins being counted, per account and address, with an unlock button."""
        return Template("pages/settings/sign_in.html",
                        context={"rows": await auth.throttled_sign_ins(), "unlocked": None})

    @post("/sign-in/unlock")
    async def unlock(self, request: Request) -> Template:
        username = str((await request.form()).get("username", "")).strip()
        if not username:
            raise ValidationFailed({"username": "required"}, "Name the account to unlock")
        await auth.unlock_sign_in(username, actor=request.user.actor)
        return Template("pages/settings/sign_in.html",
                        context={"rows": await auth.throttled_sign_ins(), "unlocked": username})

    @get("/webhooks")
    async def webhooks(self) -> Template:
        return Template("pages/settings/webhooks.html",
                        context={"endpoints": await webhook_endpoints.list_endpoints()})

    @get("/webhooks/{endpoint_id:int}")
    async def endpoint(self, request: Request, endpoint_id: FromPath[int],
                       status: FromQuery[str] = "", before: FromQuery[int | None] = None,
                       ) -> Template:
        status = status if status in DELIVERY_STATUSES else ""
        rows, next_before = await webhook_endpoints.deliveries(endpoint_id, status=status,
                                                               before=before)
        context = {"endpoint": await webhook_endpoints.get_endpoint(endpoint_id),
                   "deliveries": rows, "next_before": next_before, "status": status,
                   "statuses": DELIVERY_STATUSES, "error": None}
        if is_htmx(request) and request.headers.get("hx-history-restore-request") != "true":
            return Template("partials/settings/_deliveries.html", context=context)
        return Template("pages/settings/webhook_endpoint.html", context=context)

    @post("/webhooks/deliveries/{delivery_id:int}/replay")
    async def replay(self, request: Request, delivery_id: FromPath[int]) -> Template | Redirect:
        """Queue the message again; htmx gets its re-read row, a plain form goes back."""
        error, status_code = None, 200
        try:
            row = await webhook_endpoints.replay(delivery_id, actor=request.user.actor)
        except DomainError as exc:
            if exc.code == "not_found":
                raise
            error, status_code = exc.message, 422
        endpoint_id, delivery = await webhook_endpoints.delivery(delivery_id)
        if not is_htmx(request):
            return Redirect(f"/settings/webhooks/{endpoint_id}", status_code=303)
        return Template("partials/settings/_delivery_row.html", status_code=status_code,
                        context={"delivery": delivery, "error": error, "replayed": row if not error else None})
