"""ShipStation Custom Store: Basic auth refusals and the ``<Orders>`` export, checked
against the published structure (elements, CDATA text, dates, paging, range errors)."""

from datetime import datetime, timedelta, timezone

import pytest
from lxml import etree

from dashboard.db.tables import Order, OrderNote
from dashboard.db.transaction import write_transaction
from dashboard.domain.fulfilment import shipstation as protocol
from tests.integrations.conftest import basic
from tests.factories import make_order

FMT = "%m/%d/%Y %H:%M"
ORDER_ELEMENTS = ["OrderID", "OrderNumber", "OrderDate", "OrderStatus", "LastModified",
                  "ShippingMethod", "PaymentMethod", "OrderTotal", "TaxAmount", "ShippingAmount",
                  "CustomerNotes", "InternalNotes", "Customer", "Items"]
ITEM_ELEMENTS = ["LineItemID", "SKU", "Name", "ImageUrl", "Weight", "WeightUnits", "Quantity",
                 "UnitPrice", "Location"]
SHIP_TO = ["Name", "Company", "Address1", "Address2", "City", "State", "PostalCode", "Country",
           "Phone"]


def _range(hours_before=1, hours_after=1):
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Europe/Paris"))
    return {"action": "export", "start_date": (now - timedelta(hours=hours_before)).strftime(FMT),
            "end_date": (now + timedelta(hours=hours_after)).strftime(FMT)}


async def test_no_credentials_configured_refuses_everyone(client, configure):
    configure(DASHBOARD_SHIPSTATION_USERNAME=None, DASHBOARD_SHIPSTATION_PASSWORD=None)
    response = await client.get("/integrations/shipstation", params=_range(), headers=basic())
    assert response.status_code == 401 and "not configured" in response.text
    assert response.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize("headers", [
    {}, basic(password="wrong"), basic(username="other"), {"authorization": "Bearer x"},
    {"authorization": "Basic !!notbase64"},
])
async def test_wrong_credentials_are_refused(shipstation, headers):
    await make_order()
    response = await shipstation.get(_range(), headers=headers)
    assert response.status_code == 401
    assert 'realm="Order desk ShipStation"' in response.headers["www-authenticate"]
    assert "<Order>" not in response.text


async def test_export_lists_orders_modified_in_the_range(shipstation):
    placed = await make_order(lines=[("TSHIRT-BLUE-M", 2, 1990), ("MUG-RED", 1, 1250)],
                              shipping_total=490, payment_method="card")
    async with write_transaction():
        await Order.update({Order.payment_status: "paid", Order.ship_line1: "12 rue des Lilas",
                            Order.ship_city: "Lyon", Order.ship_postal_code: "69003"}).where(
            Order.id == placed["id"])
        await OrderNote.insert(OrderNote(order=placed["id"], body="Fragile: wrap twice"))
    old = await make_order()
    async with write_transaction():  # modified long before the range: not exported
        await Order.update({Order.updated_at: datetime.now(timezone.utc) - timedelta(days=3)}
                           ).where(Order.id == old["id"])
    response = await shipstation.get(_range())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert b"<![CDATA[" + placed["number"].encode() + b"]]>" in response.content
    root = etree.fromstring(response.content)
    assert root.tag == "Orders" and root.get("pages") == "1"
    (order,) = root.findall("Order")
    assert [child.tag for child in order] == ORDER_ELEMENTS
    assert order.findtext("OrderNumber") == placed["number"]
    assert order.findtext("OrderStatus") == "paid"
    assert order.findtext("OrderTotal") == "57.20"  # 39.80 + 12.50 + 4.90 shipping
    assert order.findtext("ShippingAmount") == "4.90"
    assert order.findtext("InternalNotes") == "Fragile: wrap twice"
    datetime.strptime(order.findtext("OrderDate"), FMT)
    datetime.strptime(order.findtext("LastModified"), FMT)
    customer = order.find("Customer")
    assert [child.tag for child in customer] == ["CustomerCode", "BillTo", "ShipTo"]
    assert [child.tag for child in customer.find("ShipTo")] == SHIP_TO
    assert customer.findtext("ShipTo/City") == "Lyon"
    items = order.findall("Items/Item")
    assert [[child.tag for child in item] for item in items] == [ITEM_ELEMENTS] * 2
    assert [(i.findtext("SKU"), i.findtext("Quantity"), i.findtext("UnitPrice"))
            for i in items] == [("TSHIRT-BLUE-M", "2", "19.90"), ("MUG-RED", "1", "12.50")]


async def test_click_and_collect_orders_are_not_exported(shipstation):
    placed = await make_order()
    async with write_transaction():
        await Order.update({Order.shipping_method: "click_and_collect"}).where(
            Order.id == placed["id"])
    root = etree.fromstring((await shipstation.get(_range())).content)
    assert root.findall("Order") == [] and root.get("pages") == "1"


async def test_export_is_paged(shipstation, monkeypatch):
    monkeypatch.setattr(protocol, "PAGE_SIZE", 2)
    numbers = [(await make_order())["number"] for _ in range(5)]
    seen = []
    for page in (1, 2, 3):
        root = etree.fromstring((await shipstation.get({**_range(), "page": page})).content)
        assert root.get("pages") == "3"
        seen += [order.findtext("OrderNumber") for order in root.findall("Order")]
    assert seen == numbers  # oldest change first, each order once
    past = etree.fromstring((await shipstation.get({**_range(), "page": 4})).content)
    assert past.findall("Order") == [] and past.get("pages") == "3"


@pytest.mark.parametrize("params, reason", [
    ({"action": "export"}, "required"),
    ({"action": "export", "start_date": "2026-07-01", "end_date": "07/02/2026 00:00"},
     "start_date must look like MM/dd/yyyy HH:mm"),
    ({"action": "export", "start_date": "07/02/2026 00:00", "end_date": "07/01/2026 00:00"},
     "end_date is before start_date"),
    ({**_range(), "page": "0"}, "page must be"),
    ({"action": "dance"}, "action must be"),
])
async def test_bad_requests_say_why(shipstation, params, reason):
    response = await shipstation.get(params)
    assert response.status_code == 400 and reason in response.text


async def test_characters_xml_cannot_carry_are_left_out_of_the_export(shipstation):
    await make_order(name="Anne\x01 Martin\x1f")  # control characters came in through the API
    response = await shipstation.get(_range())
    assert response.status_code == 200, response.text
    root = etree.fromstring(response.content)
    assert root.findtext("Order/Customer/ShipTo/Name") == "Anne Martin"


@pytest.mark.parametrize("params, reason", [
    ({**_range(), "action": "EXPORT"}, "action must be"),          # spelled as ShipStation does
    ({**_range(), "page": "²"}, "page must be"),                   # a digit to isdigit(), not to int()
    ({**_range(), "page": "1000000"}, "page must be"),
    ({**_range(), "start_date": " 07/01/2026 10:00"}, "start_date must look like"),
    ({**_range(), "start_date": "02/30/2026 10:00"}, "start_date must look like"),
    ({**_range(), "start_date": "01/01/0001 00:00"}, "start_date must look like"),  # was a 500
])
async def test_export_reads_only_the_spellings_its_schema_publishes(shipstation, params, reason):
    response = await shipstation.get(params)
    assert response.status_code == 400 and reason in response.text
