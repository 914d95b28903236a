"""How ShipStation's Custom Store endpoint appears in the OpenAPI schema (CONTRACT.md).

The query parameters and the ``<ShipNotice>`` body are described with the rules
``domain/fulfilment/shipstation`` reads them by: the action words, the date and page
spellings, a notice's order and tracking numbers and its items' quantities. A date range
must also run forwards and span at most a year, which no schema can say.
"""

from __future__ import annotations

from litestar.openapi.spec import Parameter, SecurityScheme

from dashboard.domain.fulfilment.shipstation import ACTIONS, DATE_PATTERN, MAX_PAGE, PAGE_PATTERN
from dashboard.views.api_schemas import NOT_BLANK

SHIPSTATION = "shipStation"  # the OpenAPI security scheme
SCHEME = SecurityScheme(type="http", scheme="basic", description=(
    "DASHBOARD_SHIPSTATION_USERNAME and DASHBOARD_SHIPSTATION_PASSWORD"))


def _query(name: str, schema: dict, description: str = "", *, required: bool = False):
    return Parameter(name=name, param_in="query", required=required,
                     schema={"type": "string", **schema},  # type: ignore[arg-type]
                     description=description or None)


def _action(method: str) -> Parameter:
    return _query("action", {"enum": [ACTIONS[method]]}, required=True)


_DATE = {"pattern": DATE_PATTERN}
EXPORT_PARAMETERS = [
    _action("GET"),
    _query("start_date", _DATE, "MM/dd/yyyy HH:mm in the shop's time zone", required=True),
    _query("end_date", _DATE, "not before start_date, at most 366 days after", required=True),
    _query("page", {"pattern": PAGE_PATTERN, "default": "1"}, f"1 to {MAX_PAGE}"),
]
NOTIFY_PARAMETERS = [
    _action("POST"),
    *(_query(name, {}, f"used when the notice's {tag} is empty")
      for name, tag in (("order_number", "OrderNumber"), ("carrier", "Carrier"),
                        ("service", "Service"), ("tracking_number", "TrackingNumber"))),
]


def _element(schema: dict | None = None) -> dict:
    return {"type": "string", **(schema or {})}


_NAMED = {"minLength": 1, "pattern": NOT_BLANK}
SHIP_NOTICE = {
    "type": "object",
    "xml": {"name": "ShipNotice"},
    "required": ["OrderNumber", "TrackingNumber"],
    "properties": {
        "OrderNumber": _element(_NAMED),
        "CustomerCode": _element(),
        "LabelCreateDate": _element(),
        "ShipDate": _element(),
        "Carrier": _element(),
        "Service": _element(),
        "TrackingNumber": _element(_NAMED),
        "NotifyCustomer": {"type": "boolean"},
        "Items": {
            "type": "array",
            "xml": {"wrapped": True},
            "items": {
                "type": "object",
                "xml": {"name": "Item"},
                "required": ["Quantity"],
                "properties": {
                    "SKU": _element(),
                    "LineItemID": {"type": "integer", "minimum": 0},
                    "Quantity": {"type": "integer", "minimum": 1},
                },
            },
        },
    },
}
