"""ShipStation's Custom Store protocol (v1): its dates, its status words, its two XML documents.

ShipStation pulls ``<Orders pages="N">`` and pushes back one ``<ShipNotice>`` per label. Both
documents are built and read here as plain data, so the rules can be tested without HTTP
or a database. Dates travel as ``MM/dd/yyyy HH:mm`` wall-clock times without an offset: we
read and write them in the shop's time zone (ShipStation's account time zone is set to it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from lxml import etree

from dashboard.domain.errors import ValidationFailed

DATE_FORMAT = "%m/%d/%Y %H:%M"
PAGE_SIZE = 100
MAX_RANGE_DAYS = 366
MAX_NOTICE_BYTES = 256 * 1024
MAX_PAGE = 999_999
ACTIONS = {"GET": "export", "POST": "shipnotify"}  # ShipStation's words, as it sends them

# The spellings read, no looser (the endpoint's schema publishes these patterns):
# MM/dd/yyyy HH:mm, with or without seconds, a 12-hour time with AM/PM, or the date alone.
DATE_PATTERN = (r"^(0[1-9]|1[0-2])/(0[1-9]|[12][0-9]|3[01])/[0-9]{4}"
                r"( (([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?|(0?[1-9]|1[0-2]):[0-5][0-9] [AP]M))?$")
PAGE_PATTERN = r"^[1-9][0-9]{0,5}$"
_DATE, _PAGE = re.compile(DATE_PATTERN), re.compile(PAGE_PATTERN)


# --- dates -------------------------------------------------------------------------------

def parse_date(value: str, tz: str, field_name: str) -> datetime:
    """``MM/dd/yyyy HH:mm`` in the shop's zone -> aware UTC; ``ValidationFailed`` otherwise.

    ShipStation sometimes sends 12-hour times with ``AM``/``PM``; both notations are read,
    in ``DATE_PATTERN``'s spelling only. February 30th or year 1 are refused too.
    """
    text = value if isinstance(value, str) and _DATE.fullmatch(value) else ""
    for fmt in (DATE_FORMAT, "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y"):
        try:
            naive = datetime.strptime(text, fmt)
            return naive.replace(tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)
        except (ValueError, OverflowError):
            continue
    raise ValidationFailed({field_name: "expected MM/dd/yyyy HH:mm"},
                           f"{field_name} must look like MM/dd/yyyy HH:mm, got {value!r}")


def format_date(moment: datetime | None, tz: str) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo(tz)).strftime(DATE_FORMAT)


def date_range(start: str, end: str, tz: str) -> tuple[datetime, datetime]:
    """The export's [start, end] in UTC. Refused: missing, unreadable, reversed, over a year."""
    if not start or not end:
        raise ValidationFailed({"start_date": "required", "end_date": "required"},
                               "start_date and end_date are both required")
    start_at = parse_date(start, tz, "start_date")
    end_at = parse_date(end, tz, "end_date")
    if end_at < start_at:
        raise ValidationFailed({"end_date": "before start_date"},
                               "end_date is before start_date")
    if (end_at - start_at).days > MAX_RANGE_DAYS:
        raise ValidationFailed({"end_date": f"range longer than {MAX_RANGE_DAYS} days"},
                               f"the date range may not exceed {MAX_RANGE_DAYS} days")
    return start_at, end_at


def parse_page(value: str) -> int:
    """The export page asked for: a whole number from 1 (``PAGE_PATTERN``)."""
    if not isinstance(value, str) or not _PAGE.fullmatch(value):
        raise ValidationFailed({"page": f"a whole number from 1 to {MAX_PAGE}"},
                               f"page must be a whole number from 1 to {MAX_PAGE}")
    return int(value)


def page_count(total: int, page_size: int = PAGE_SIZE) -> int:
    """ShipStation expects ``pages="1"`` even for an empty answer."""
    return max(1, -(-total // page_size))


# --- statuses ----------------------------------------------------------------------------

SHIPPED_FULFILMENT = frozenset({"shipped", "delivered", "collected", "partially_returned",
                                "returned"})
PAID_PAYMENT = frozenset({"paid", "partially_refunded", "refunded"})


def order_status(status: str, payment_status: str, fulfilment_status: str) -> str:
    """Our three axes folded into the five words the store maps in ShipStation's settings:
    ``cancelled``, ``on_hold``, ``shipped``, ``paid`` (awaiting shipment), ``unpaid``."""
    if status == "cancelled":
        return "cancelled"
    if status == "on_hold":
        return "on_hold"
    if fulfilment_status in SHIPPED_FULFILMENT or status == "closed":
        return "shipped"
    if payment_status in PAID_PAYMENT:
        return "paid"
    return "unpaid"


# --- the export document -----------------------------------------------------------------

def money(minor: int, digits: int = 2) -> str:
    return f"{Decimal(minor).scaleb(-digits):.{digits}f}"


@dataclass(frozen=True)
class ExportItem:
    line_id: int
    sku: str
    name: str
    quantity: int
    unit_price: int
    location: str = ""
    weight_grams: int = 0
    image_url: str = ""


@dataclass(frozen=True)
class Address:
    name: str = ""
    company: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ExportOrder:
    order_id: int
    number: str
    placed_at: datetime
    updated_at: datetime
    status: str  # already mapped by ``order_status``
    shipping_method: str
    payment_method: str
    total: int
    tax: int
    shipping: int
    customer_code: str
    bill_name: str
    bill_company: str
    email: str
    phone: str
    ship_to: Address
    internal_notes: str = ""
    customer_notes: str = ""
    items: list[ExportItem] = field(default_factory=list)


# What XML 1.0 cannot carry at all, even escaped: control characters (a customer's name typed
# with one arrived through the API) and lone surrogates. Dropped from what we export.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(parent: etree._Element, tag: str, value: object, *, cdata: bool = True) -> None:
    element = etree.SubElement(parent, tag)
    text = "" if value is None else _NOT_XML.sub("", str(value))
    if text:
        element.text = etree.CDATA(text) if cdata else text


def orders_document(orders: Iterable[ExportOrder], pages: int, tz: str) -> bytes:
    """The ``<Orders pages="N">`` answer, elements in the order of ShipStation's schema."""
    root = etree.Element("Orders", pages=str(pages))
    for order in orders:
        node = etree.SubElement(root, "Order")
        _text(node, "OrderID", order.order_id)
        _text(node, "OrderNumber", order.number)
        _text(node, "OrderDate", format_date(order.placed_at, tz), cdata=False)
        _text(node, "OrderStatus", order.status)
        _text(node, "LastModified", format_date(order.updated_at, tz), cdata=False)
        _text(node, "ShippingMethod", order.shipping_method)
        _text(node, "PaymentMethod", order.payment_method)
        _text(node, "OrderTotal", money(order.total), cdata=False)
        _text(node, "TaxAmount", money(order.tax), cdata=False)
        _text(node, "ShippingAmount", money(order.shipping), cdata=False)
        _text(node, "CustomerNotes", order.customer_notes)
        _text(node, "InternalNotes", order.internal_notes)
        customer = etree.SubElement(node, "Customer")
        _text(customer, "CustomerCode", order.customer_code)
        bill = etree.SubElement(customer, "BillTo")
        _text(bill, "Name", order.bill_name)
        _text(bill, "Company", order.bill_company)
        _text(bill, "Phone", order.phone)
        _text(bill, "Email", order.email)
        ship = etree.SubElement(customer, "ShipTo")
        address = order.ship_to
        for tag, value in (("Name", address.name), ("Company", address.company),
                           ("Address1", address.address1), ("Address2", address.address2),
                           ("City", address.city), ("State", address.state),
                           ("PostalCode", address.postal_code), ("Country", address.country),
                           ("Phone", address.phone)):
            _text(ship, tag, value)
        items = etree.SubElement(node, "Items")
        for item in order.items:
            entry = etree.SubElement(items, "Item")
            _text(entry, "LineItemID", item.line_id)
            _text(entry, "SKU", item.sku)
            _text(entry, "Name", item.name)
            _text(entry, "ImageUrl", item.image_url)
            _text(entry, "Weight", item.weight_grams, cdata=False)
            _text(entry, "WeightUnits", "Grams", cdata=False)
            _text(entry, "Quantity", item.quantity, cdata=False)
            _text(entry, "UnitPrice", money(item.unit_price), cdata=False)
            _text(entry, "Location", item.location)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


# --- the ship notice ---------------------------------------------------------------------

@dataclass(frozen=True)
class NoticeItem:
    sku: str
    quantity: int
    line_id: int | None = None


@dataclass(frozen=True)
class ShipNotice:
    order_number: str
    carrier: str
    service: str
    tracking_number: str
    ship_date: str = ""
    notify_customer: bool | None = None
    items: list[NoticeItem] = field(default_factory=list)


# No DTD, no entities, no network: a notice is data, never instructions to the parser.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          dtd_validation=False, huge_tree=False, remove_comments=True)


def _child(node: etree._Element, tag: str) -> str:
    found = node.find(tag)
    return (found.text or "").strip() if found is not None else ""


def parse_ship_notice(body: bytes, *, order_number: str = "", carrier: str = "",
                      service: str = "", tracking_number: str = "") -> ShipNotice:
    """Read a ``<ShipNotice>``; query-string values fill what the body leaves empty.

    ``ValidationFailed`` for a body that is not a ShipNotice, a missing order number or
    tracking number, or an item without a positive whole quantity.
    """
    if len(body) > MAX_NOTICE_BYTES:
        raise ValidationFailed({"body": "too large"}, "the ShipNotice is too large")
    try:
        root = etree.fromstring(body, _PARSER) if body.strip() else None
    except etree.XMLSyntaxError as exc:
        raise ValidationFailed({"body": str(exc)}, f"the body is not well-formed XML: {exc}")
    if root is not None and root.tag != "ShipNotice":
        raise ValidationFailed({"body": f"root is <{root.tag}>"},
                               "the body must be a <ShipNotice> document")
    values = {"OrderNumber": order_number, "Carrier": carrier, "Service": service,
              "TrackingNumber": tracking_number}
    items: list[NoticeItem] = []
    notify: bool | None = None
    ship_date = ""
    if root is not None:
        for tag in values:
            values[tag] = _child(root, tag) or values[tag]
        flag = _child(root, "NotifyCustomer").lower()
        notify = {"true": True, "false": False}.get(flag)
        ship_date = _child(root, "ShipDate")
        for position, node in enumerate(root.findall("Items/Item"), 1):
            items.append(_notice_item(node, position))
    errors = {}
    if not values["OrderNumber"]:
        errors["order_number"] = "required"
    if not values["TrackingNumber"]:
        errors["tracking_number"] = "required"
    if errors:
        raise ValidationFailed(errors, "order_number and tracking_number are required")
    return ShipNotice(order_number=values["OrderNumber"], carrier=values["Carrier"],
                      service=values["Service"], tracking_number=values["TrackingNumber"],
                      ship_date=ship_date, notify_customer=notify, items=items)


def _notice_item(node: etree._Element, position: int) -> NoticeItem:
    quantity_text = _child(node, "Quantity")
    line_text = _child(node, "LineItemID")
    try:
        quantity = int(quantity_text)
        if quantity <= 0:
            raise ValueError
    except ValueError:
        raise ValidationFailed({f"items[{position}].quantity": "a positive whole number"},
                               f"item {position} has no valid quantity") from None
    line_id = int(line_text) if line_text.isdigit() else None
    return NoticeItem(sku=_child(node, "SKU"), quantity=quantity, line_id=line_id)


def shipped_lines(items: list[NoticeItem], lines: list[dict]) -> dict[int, int] | None:
    """Which order lines the notice ships: ``{line id: quantity}``, or None for everything.

    An item is matched by the ``LineItemID`` we exported, else by SKU (the first line of that
    SKU with quantity left). ``ValidationFailed`` when an item matches no line of the order.
    """
    if not items:
        return None
    by_id = {line["id"]: line for line in lines}
    wanted: dict[int, int] = {}
    for position, item in enumerate(items, 1):
        line = by_id.get(item.line_id) if item.line_id is not None else None
        if line is None:
            candidates = [candidate for candidate in lines if candidate["sku"] == item.sku]
            open_ones = [candidate for candidate in candidates
                         if candidate["quantity"] - candidate["shipped"]
                         - wanted.get(candidate["id"], 0) > 0]
            line = (open_ones or candidates or [None])[0]
        if line is None:
            raise ValidationFailed({f"items[{position}]": f"no line with SKU {item.sku!r}"},
                                   f"item {position} ({item.sku}) is not on this order")
        wanted[line["id"]] = wanted.get(line["id"], 0) + item.quantity
    return wanted
