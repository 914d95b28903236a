"""Pure rules of the integrations: ShipStation dates, statuses and documents, carrier
webhook data, and the outgoing endpoints setting."""

import base64
from datetime import datetime, timezone

import pytest
from lxml import etree

from dashboard.domain.fulfilment import shipstation as ss
from dashboard.domain.fulfilment.carrier_webhooks import parse_tracking_update
from dashboard.domain.errors import ValidationFailed
from dashboard.domain.integrations.webhook_endpoints import EndpointConfigError, parse_endpoints

PARIS = "Europe/Paris"
SECRET = "whsec_" + base64.b64encode(b"s" * 32).decode()


def test_dates_are_read_and_written_in_the_shop_time_zone():
    moment = ss.parse_date("07/14/2026 10:30", PARIS, "start_date")
    assert moment == datetime(2026, 7, 14, 8, 30, tzinfo=timezone.utc)  # CEST = UTC+2
    assert ss.format_date(moment, PARIS) == "07/14/2026 10:30"
    assert ss.parse_date("01/05/2026 2:05 PM", PARIS, "x") == datetime(
        2026, 1, 5, 13, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize("start, end, field", [
    ("", "07/14/2026 10:30", "start_date"),
    ("2026-07-14", "07/14/2026 10:30", "start_date"),
    ("07/14/2026 10:30", "13/40/2026 10:30", "end_date"),
    ("07/14/2026 10:30", "07/13/2026 10:30", "end_date"),
    ("01/01/2020 00:00", "07/13/2026 10:30", "end_date"),
])
def test_bad_date_ranges_are_refused_with_the_field(start, end, field):
    with pytest.raises(ValidationFailed) as refused:
        ss.date_range(start, end, PARIS)
    assert field in refused.value.fields


@pytest.mark.parametrize("axes, word", [
    (("cancelled", "paid", "unfulfilled"), "cancelled"),
    (("on_hold", "paid", "unfulfilled"), "on_hold"),
    (("open", "paid", "shipped"), "shipped"),
    (("open", "paid", "partially_shipped"), "paid"),
    (("open", "partially_refunded", "unfulfilled"), "paid"),
    (("open", "partially_paid", "unfulfilled"), "unpaid"),
    (("closed", "paid", "delivered"), "shipped"),
])
def test_statuses_fold_into_shipstation_words(axes, word):
    assert ss.order_status(*axes) == word


def test_page_count_is_at_least_one():
    assert [ss.page_count(n, 100) for n in (0, 1, 100, 101)] == [1, 1, 1, 2]


NOTICE = b"""<?xml version="1.0" encoding="utf-8"?>
<ShipNotice>
  <OrderNumber>100123</OrderNumber><OrderID>42</OrderID>
  <NotifyCustomer>false</NotifyCustomer>
  <Carrier>Colissimo</Carrier><Service>Expert</Service>
  <TrackingNumber>6A12345678901</TrackingNumber>
  <Items>
    <Item><SKU>A</SKU><Quantity>1</Quantity><LineItemID>7</LineItemID></Item>
    <Item><SKU>B</SKU><Quantity>2</Quantity></Item>
  </Items>
</ShipNotice>"""


def test_a_ship_notice_is_read_with_its_items():
    notice = ss.parse_ship_notice(NOTICE, carrier="ignored when the body says")
    assert (notice.order_number, notice.carrier, notice.service, notice.tracking_number) == (
        "100123", "Colissimo", "Expert", "6A12345678901")
    assert notice.notify_customer is False
    assert notice.items == [ss.NoticeItem("A", 1, 7), ss.NoticeItem("B", 2, None)]
    lines = [{"id": 7, "sku": "A", "quantity": 1, "shipped": 0},
             {"id": 8, "sku": "B", "quantity": 3, "shipped": 0}]
    assert ss.shipped_lines(notice.items, lines) == {7: 1, 8: 2}
    assert ss.shipped_lines([], lines) is None
    with pytest.raises(ValidationFailed):
        ss.shipped_lines([ss.NoticeItem("ZZZ", 1)], lines)


def test_query_string_fills_an_empty_body():
    notice = ss.parse_ship_notice(b"", order_number="9", carrier="dpd", tracking_number="T1")
    assert (notice.order_number, notice.carrier, notice.items) == ("9", "dpd", [])


@pytest.mark.parametrize("body", [
    b"<ShipNotice><OrderNumber>1</OrderNumber>",  # not well-formed
    b"<Orders/>",  # wrong document
    b"<ShipNotice><OrderNumber>1</OrderNumber></ShipNotice>",  # no tracking number
    b"<ShipNotice><OrderNumber>1</OrderNumber><TrackingNumber>T</TrackingNumber>"
    b"<Items><Item><SKU>A</SKU><Quantity>-1</Quantity></Item></Items></ShipNotice>",
])
def test_bad_ship_notices_are_refused(body):
    with pytest.raises(ValidationFailed):
        ss.parse_ship_notice(body)


def test_entities_are_never_expanded():
    body = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<ShipNotice><OrderNumber>&x;</OrderNumber><TrackingNumber>T</TrackingNumber>"
            b"</ShipNotice>")
    try:
        notice = ss.parse_ship_notice(body)
    except ValidationFailed:
        return
    assert "root:" not in notice.order_number


def test_the_orders_document_uses_cdata_and_the_schema_order():
    order = ss.ExportOrder(
        order_id=1, number="100001", placed_at=datetime(2026, 7, 14, 8, 30, tzinfo=timezone.utc),
        updated_at=datetime(2026, 7, 14, 9, 0, tzinfo=timezone.utc), status="paid",
        shipping_method="carrier", payment_method="card", total=3980, tax=663, shipping=0,
        customer_code="a@example.fr", bill_name="Anne & Co", bill_company="", email="a@example.fr",
        phone="", ship_to=ss.Address(name="Anne", address1="1 rue", city="Lyon", country="FR"),
        items=[ss.ExportItem(5, "SKU-1", "Tee <blue>", 2, 1990, "A-1", 200)])
    xml = ss.orders_document([order], 3, PARIS)
    assert b"<![CDATA[Anne & Co]]>" in xml and b"<![CDATA[Tee <blue>]]>" in xml
    root = etree.fromstring(xml)
    assert root.get("pages") == "3"
    tags = [child.tag for child in root.find("Order")]
    assert tags[:5] == ["OrderID", "OrderNumber", "OrderDate", "OrderStatus", "LastModified"]
    assert root.findtext("Order/OrderDate") == "07/14/2026 10:30"
    assert root.findtext("Order/OrderTotal") == "39.80"
    assert root.findtext("Order/Items/Item/UnitPrice") == "19.90"


def test_tracking_updates_are_checked_field_by_field():
    update = parse_tracking_update({"order_number": "100001", "carrier": "Colissimo",
                                    "tracking_number": "6A1", "status": "delivered",
                                    "occurred_at": "2026-07-14T10:00:00Z"})
    assert update.carrier == "colissimo"
    assert update.occurred_at == datetime(2026, 7, 14, 10, tzinfo=timezone.utc)
    with pytest.raises(ValidationFailed) as refused:
        parse_tracking_update({"order_number": "", "status": "lost", "occurred_at": "soon"})
    assert set(refused.value.fields) == {"data.order_number", "data.carrier",
                                         "data.tracking_number", "data.status",
                                         "data.occurred_at"}


@pytest.mark.parametrize("moment", ["2026-07-14", "2026-07-14T10:00:00", "2026-07-14 10:00Z",
                                    "2026-07-14T10:00:00+01:60", "2026-02-30T10:00:00Z", "now"])
def test_a_tracking_time_is_rfc_3339_with_its_offset(moment):
    with pytest.raises(ValidationFailed) as refused:
        parse_tracking_update({"order_number": "100001", "carrier": "colissimo",
                               "tracking_number": "6A1", "status": "delivered",
                               "occurred_at": moment})
    assert set(refused.value.fields) == {"data.occurred_at"}


def test_tracking_texts_are_measured_as_sent_and_times_read_in_any_offset():
    update = parse_tracking_update({"order_number": "100001", "carrier": "colissimo",
                                    "tracking_number": "6A1", "status": "delivered",
                                    "occurred_at": "2026-07-14t12:00:00.1234567+02:00"})
    assert update.occurred_at == datetime(2026, 7, 14, 10, 0, 0, 123456, tzinfo=timezone.utc)
    with pytest.raises(ValidationFailed) as refused:  # 21 characters as sent, 19 stripped
        parse_tracking_update({"order_number": " 1000010000100001000 ", "carrier": "colissimo",
                               "tracking_number": "6A1", "status": "delivered",
                               "occurred_at": "2026-07-14T10:00:00Z"})
    assert set(refused.value.fields) == {"data.order_number"}


def test_the_endpoints_setting():
    text = (f"https://erp.example/hook|{SECRET}|order.paid, order.shipped;\n"
            f"https://bi.example/in|{SECRET}|*\n")
    first, second = parse_endpoints(text)
    assert first.events == ("order.paid", "order.shipped") and second.events == ()
    assert parse_endpoints("") == []


@pytest.mark.parametrize("text, reason", [
    ("https://x.example/h", "URL|SECRET"),
    (f"ftp://x.example/h|{SECRET}", r"http\(s\)"),
    ("https://x.example/h|secret", "whsec_"),
    ("https://x.example/h|whsec_c2hvcnQ=", "at least"),
    (f"https://x.example/h|{SECRET}|order.eaten", "unknown event"),
    (f"https://x.example/h|{SECRET};https://x.example/h|{SECRET}", "twice"),
])
def test_bad_endpoint_settings_say_why(text, reason):
    with pytest.raises(EndpointConfigError, match=reason):
        parse_endpoints(text)
