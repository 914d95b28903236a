"""JSON API v1 for the shop's systems (CONTRACT.md): catalogue, stock and order intake.

Authenticated by API key (``StaffAuthMiddleware`` + ``api_guard``). Each handler decodes
its body strictly (``api_schemas.decode``), calls one service and answers JSON; domain
errors become 404/422 in ``views/errors.py``, a short order a 409 here.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, HeaderParameter, Parameter

from dashboard.domain.stock.catalogue import ProductSpec, vat_rate_text
from dashboard.domain.errors import (
    IdempotencyKeyInFlight,
    IdempotencyKeyReused,
    InsufficientStock,
    ValidationFailed,
)
from dashboard.domain.statuses import OrderStatus
from dashboard.domain.orders.intake import AddressDetails, CustomerDetails, DraftLine, OrderDraft
from dashboard.services.orders import intake as orders
from dashboard.services.stock import inventory as stock
from dashboard.services.order_feed import changed_orders, parse_timestamp
from dashboard.views.api_schemas import (
    MAX_BODY_BYTES,
    ORDER_RULES,
    AddressIn,
    DetailOut,
    OrderIn,
    OrderOut,
    PROBLEM_JSON,
    OrderPageOut,
    ProblemOut,
    ProductIn,
    ProductOut,
    ShortOut,
    StockCountIn,
    StockOut,
    decode,
    documented_body,
)
from dashboard.views.security import API_KEY, api_guard

_PROBLEM = ResponseSpec(ProblemOut, description="Invalid input, field by field",
                        generate_examples=False)
_NOT_FOUND = ResponseSpec(DetailOut, description="No such product or order",
                          generate_examples=False)
_UNAUTHORIZED = ResponseSpec(DetailOut, description="Missing or invalid API key",
                             generate_examples=False)
_TOO_LARGE = ResponseSpec(DetailOut, description=f"Body over {MAX_BODY_BYTES} bytes",
                          generate_examples=False)
_STATUSES = [s.value for s in OrderStatus]
_LIST_PARAMETERS = {"updated_since", "status", "cursor"}
# Every answer of the API may be a 401; the ones with a body may be a 413.
_ANSWERS = {401: _UNAUTHORIZED}
_BODY_ANSWERS = {**_ANSWERS, 413: _TOO_LARGE, 422: _PROBLEM}


# Answers of the IETF draft "The Idempotency-Key HTTP Header Field" (section "Error
# Scenarios"), as RFC 9457 problem details. They keep the contract's shapes too: the 422
# names the wrong field under ``errors``, the 409 has an empty ``short`` (no line is short).
_IDEMPOTENCY_DOCS = "https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/"


def _idempotency_problem(exc: IdempotencyKeyReused | IdempotencyKeyInFlight) -> Response:
    if isinstance(exc, IdempotencyKeyReused):
        status, title = 422, "Idempotency-Key is already used"
        extra: dict = {"errors": {"Idempotency-Key": "already used for a different order"}}
    else:
        status, title = 409, "A request is outstanding for this Idempotency-Key"
        extra = {"short": []}
    return Response({"type": _IDEMPOTENCY_DOCS, "title": title, "status": status,
                     "detail": exc.message, "code": exc.code, **extra},
                    status_code=status, media_type=PROBLEM_JSON)


def _product_json(product: dict) -> dict:
    return {"sku": product["sku"], "name": product["name"], "barcode": product["barcode"],
            "price": product["price"], "currency": product["currency"],
            "vat_rate": vat_rate_text(product["vat_rate_bp"]),
            "bin_location": product["bin_location"], "backorder": product["backorder"],
            "weight_grams": product["weight_grams"]}


def _address(data: AddressIn | None) -> AddressDetails | None:
    if data is None:
        return None
    return AddressDetails(name=data.name, line1=data.line1, postal_code=data.postal_code,
                          city=data.city, country=data.country, line2=data.line2,
                          company=data.company, region=data.region, phone=data.phone)


def _draft(data: OrderIn) -> OrderDraft:
    return OrderDraft(
        customer=CustomerDetails(email=data.customer.email, first_name=data.customer.first_name,
                                 last_name=data.customer.last_name, phone=data.customer.phone,
                                 company=data.customer.company,
                                 vat_number=data.customer.vat_number),
        shipping_address=_address(data.shipping_address),
        billing_address=_address(data.billing_address),
        lines=[DraftLine(line.sku, line.quantity, line.unit_price) for line in data.lines],
        currency=data.currency, payment_method=data.payment_method,
        shipping_method=data.shipping_method, locale=data.locale, channel=data.channel,
        shipping_total=data.shipping_total)


class ApiController(Controller):
    path = "/api/v1"
    guards = [api_guard]
    tags = ["API v1"]
    security = [{API_KEY: []}]

    @post("/products", request_max_body_size=MAX_BODY_BYTES,
          operation_class=documented_body(ProductIn), status_code=201,
          responses={200: ResponseSpec(ProductOut, description="Updated",
                                       generate_examples=False),
                     201: ResponseSpec(ProductOut, description="Created",
                                       generate_examples=False), **_BODY_ANSWERS})
    async def upsert_product(self, request: Request) -> Response:
        """Create (201) or update (200) a product by SKU. Stock is set separately."""
        data = decode(await request.body(), ProductIn)
        product, created = await stock.upsert_product(ProductSpec(
            sku=data.sku, name=data.name, price=data.price, currency=data.currency,
            vat_rate=data.vat_rate, barcode=data.barcode, bin_location=data.bin_location,
            backorder=data.backorder, weight_grams=data.weight_grams), actor=request.user.actor)
        return Response(_product_json(product), status_code=201 if created else 200)

    @put("/products/{sku:str}/stock", request_max_body_size=MAX_BODY_BYTES,
         operation_class=documented_body(StockCountIn),
         responses={200: ResponseSpec(StockOut, description="The stock after the count"),
                    404: _NOT_FOUND, **_BODY_ANSWERS})
    async def set_stock(self, request: Request, sku: FromPath[str]) -> Response:
        """Set the counted quantity on hand; reservations are kept."""
        data = decode(await request.body(), StockCountIn)
        level = await stock.set_counted_stock(sku, data.on_hand, data.reason,
                                              request.user.actor)
        return Response(level.as_dict(), status_code=200)

    @get("/products/{sku:str}/stock",
         responses={200: ResponseSpec(StockOut, description="Stock levels"), 404: _NOT_FOUND,
                    **_ANSWERS})
    async def get_stock(self, sku: FromPath[str]) -> Response:
        """On hand, reserved, available and backordered."""
        return Response((await stock.stock_level(sku)).as_dict())

    @post("/orders", request_max_body_size=MAX_BODY_BYTES,
          operation_class=documented_body(OrderIn, rules=ORDER_RULES, problem_json=(409, 422)),
          status_code=201,
          responses={201: ResponseSpec(OrderOut, description="The order as placed"),
                     409: ResponseSpec(ShortOut, description="Short lines refusing backorders, "
                                       "or the first request with this Idempotency-Key is "
                                       "still running", generate_examples=False),
                     **_BODY_ANSWERS})
    async def place_order(
        self, request: Request,
        idempotency_key: Annotated[str, HeaderParameter(
            name="Idempotency-Key", required=False, max_length=150,
            description="a retry with the same key and the same order returns the first order; "
                        "the same key with another order is refused (422); while the first "
                        "request is still running, 409")] = "",
    ) -> Response:
        """Place an order: stock is reserved in the same transaction, or the order fails."""
        data = decode(await request.body(), OrderIn)
        try:
            placed = await orders.place_order(_draft(data), actor=request.user.actor,
                                              idempotency_key=idempotency_key or None)
        except InsufficientStock as exc:
            return Response({"detail": exc.message, "short": exc.short}, status_code=409)
        except (IdempotencyKeyReused, IdempotencyKeyInFlight) as exc:
            return _idempotency_problem(exc)
        headers = {"Location": f"/api/v1/orders/{placed.number}"}
        if placed.replayed:
            headers["Idempotent-Replayed"] = "true"
        body = placed.order or await orders.get_order(placed.number)
        return Response(body, status_code=201, headers=headers)

    @get("/orders/{number:str}",
         responses={200: ResponseSpec(OrderOut, description="The order"), 404: _NOT_FOUND,
                    **_ANSWERS})
    async def get_order(self, number: FromPath[str]) -> Response:
        """The order with its statuses and per-line quantities."""
        return Response(await orders.get_order(number))

    @get("/orders", responses={200: ResponseSpec(OrderPageOut, description="A page"),
                               422: _PROBLEM, **_ANSWERS})
    async def list_orders(
        self, request: Request,
        updated_since: Annotated[str | None, Parameter(
            description="ISO 8601, e.g. 2026-01-31T12:00:00Z; without a zone: UTC",
            schema_extra={"format": "date-time"})] = None,
        status: Annotated[str | None, Parameter(schema_extra={"enum": _STATUSES})] = None,
        cursor: Annotated[str, Parameter(
            description="the next_cursor of the previous page",
            schema_extra={"pattern": "^[A-Za-z0-9_-]*$"})] = "",
    ) -> Response:
        """Orders changed since ``updated_since``, oldest change first; follow
        ``next_cursor`` until it is null."""
        if unknown := sorted(set(request.query_params) - _LIST_PARAMETERS):
            raise ValidationFailed({name: "unknown parameter" for name in unknown})
        if status == "":  # given but empty is a mistake, not "any status"
            raise ValidationFailed({"status": "one of " + ", ".join(_STATUSES)})
        since = parse_timestamp(updated_since, "updated_since") if updated_since is not None \
            else None
        page = await changed_orders(since, status=status or "", cursor=cursor)
        return Response({"orders": page.orders, "next_cursor": page.next_cursor})
