"""``create_app()``: plugins, templates, security, and the lifespan (database pool)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar, Request, Response, Router
from litestar.config.csrf import CSRFConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.middleware import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.htmx import HTMXPlugin, HTMXRequest
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from dashboard.components.templating import build_environment
from dashboard.db import transaction
from dashboard.settings import get_settings
from dashboard.views.api_meta import whoami
from dashboard.components.pdf import chromium_lifespan
from dashboard.views.api import ApiController
from dashboard.views.auth import AuthController
from dashboard.views.oidc import SingleSignOnController
from dashboard.views.customers import CustomersController
from dashboard.views.documents import (
    OrderDocumentsController,
    PickListController,
    PrintController,
)
from dashboard.views.labels import OrderLabelsController, PrintJobsController
from dashboard.views.errors import EXCEPTION_HANDLERS
from dashboard.views.health import healthz
from dashboard.views.input_guard import NulGuardMiddleware
from dashboard.views.order_changes import OrderChangesController
from dashboard.views.phone_orders import PhoneOrdersController
from dashboard.views.order_holds import OrderHoldController
from dashboard.views.order_screen import OrderScreenController
from dashboard.views.orders import OrdersController
from dashboard.views.payments import PaymentsController
from dashboard.views.refunds import OrderRefundsController, RefundQueueController
from dashboard.views.picking import PickingController
from dashboard.views.dispatch import DispatchController
from dashboard.views.exports import export_orders_csv
from dashboard.views.integration_schemas import SCHEME as SHIPSTATION_SCHEME
from dashboard.views.integration_schemas import SHIPSTATION
from dashboard.views.integrations import shipstation_export, shipstation_notify
from dashboard.views.returns import ReturnsController
from dashboard.views.settings import SettingsController
from dashboard.views.webhooks import carrier_webhook, payment_webhook
from dashboard.views.security import API_KEY, PUBLIC_PATHS, StaffAuthMiddleware
from dashboard.views.webhook_schemas import CARRIER_SIGNATURE, PAYMENT_SIGNATURE, signature_scheme
from dashboard.views.stock import StockController

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Machine endpoints authenticate each request themselves (key, signature, Basic), so they
# carry no CSRF token. Anchored: a staff path that merely contains "/webhooks/" is not one.
CSRF_EXEMPT_PATHS = ["^/api/", "^/webhooks/", "^/integrations/"]


async def _allow_every_method(request: Request) -> Response | None:
    """Answer OPTIONS with every method of the path. Litestar's own OPTIONS answer lists
    only the methods of the handlers registered before it (``GET, OPTIONS`` on a path that
    also takes PUT), and Allow must name them all (RFC 9110)."""
    if request.method != "OPTIONS":
        return None
    handler = request.route_handler
    methods = next((route.methods for route in request.app.routes
                    if handler in getattr(route, "route_handlers", ())), {"OPTIONS"})
    return Response(None, status_code=204, headers={"Allow": ", ".join(sorted(methods))})


@asynccontextmanager
async def _database(_: Litestar) -> AsyncIterator[None]:
    await transaction.start()
    try:
        yield
    finally:
        await transaction.stop()


@asynccontextmanager
async def _webhook_endpoints(_: Litestar) -> AsyncIterator[None]:
    """Outgoing webhook endpoints come from DASHBOARD_WEBHOOK_ENDPOINTS: synced at start-up."""
    from dashboard.services.integrations.webhook_endpoints import sync_from_settings

    await sync_from_settings()
    yield


@asynccontextmanager
async def _worker(_: Litestar) -> AsyncIterator[None]:
    """The outbox worker inside the app (the embedded default), unless DASHBOARD_WORKER=off."""
    if get_settings().worker == "off":
        yield
        return
    from dashboard.worker import running_in_background

    async with running_in_background():
        yield


def create_app() -> Litestar:
    settings = get_settings()
    from dashboard.services.printing.documents import seller_identity_problem
    from dashboard.services.printing.labels import printers_problem

    if problem := seller_identity_problem():  # invoices are Factur-X: refuse to start
        raise SystemExit(problem)
    if problem := printers_problem():  # a typo in the printers is told now, not at a label
        raise SystemExit(problem)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return Litestar(
        route_handlers=[
            # The OpenAPI document (/schema) is the contract of the machine interfaces only;
            # the staff pages are HTML behind a session and a CSRF token, nobody's API.
            Router(path="/", include_in_schema=False, route_handlers=[
                AuthController,
                SingleSignOnController,
                OrdersController,
                OrderScreenController,
                OrderHoldController,
                OrderRefundsController,
                OrderChangesController,
                PhoneOrdersController,
                CustomersController,
                PickingController,
                DispatchController,
                ReturnsController,
                PaymentsController,
                RefundQueueController,
                OrderDocumentsController,
                PickListController,
                PrintController,
                OrderLabelsController,
                PrintJobsController,
                StockController,
                export_orders_csv,
                SettingsController,
            ]),
            ApiController,
            healthz,
            whoami,
            payment_webhook,
            carrier_webhook,
            shipstation_export,
            shipstation_notify,
            create_static_files_router(path="/static", directories=[STATIC_DIR], name="static"),
        ],
        plugins=[HTMXPlugin()],
        request_class=HTMXRequest,
        # The NUL guard runs after sign-in so that its refusal speaks the user's language.
        middleware=[DefineMiddleware(StaffAuthMiddleware, exclude=PUBLIC_PATHS),
                    NulGuardMiddleware()],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="csrftoken",
            header_name="x-csrftoken",
            cookie_samesite="lax",
            exclude=CSRF_EXEMPT_PATHS,
        ),
        template_config=TemplateConfig(
            engine=JinjaTemplateEngine.from_environment(build_environment())
        ),
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=_allow_every_method,
        lifespan=[_database, _webhook_endpoints, chromium_lifespan, _worker],
        openapi_config=OpenAPIConfig(
            title="Order desk API", version="1.0.0", path="/schema",
            components=Components(security_schemes={
                API_KEY: SecurityScheme(type="http", scheme="bearer",
                                        description="an API key (dashboard api-key create)"),
                PAYMENT_SIGNATURE: signature_scheme("DASHBOARD_PAYMENT_WEBHOOK_SECRET"),
                CARRIER_SIGNATURE: signature_scheme("DASHBOARD_CARRIER_WEBHOOK_SECRET"),
                SHIPSTATION: SHIPSTATION_SCHEME,
            })),
        debug=False,
    )
