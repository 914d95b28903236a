"""The ShipStation protocol's edges the integration rules leave open: the whole orders
document byte for byte, every refusal's field and text, and how a ship notice's items find
their order lines."""

from datetime import datetime, timezone

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.fulfilment import shipstation as ss

UTC = timezone.utc
PARIS = "Europe/Paris"

GOLDEN = """<?xml version='1.0' encoding='utf-8'?>
<Orders pages="3">
  <Order>
    <OrderID><![CDATA[1]]></OrderID>
    <OrderNumber><![CDATA[100001]]></OrderNumber>
    <OrderDate>07/14/2026 10:30</OrderDate>
    <OrderStatus><![CDATA[paid]]></OrderStatus>
    <LastModified>07/14/2026 11:05</LastModified>
    <ShippingMethod><![CDATA[carrier]]></ShippingMethod>
    <PaymentMethod><![CDATA[card]]></PaymentMethod>
    <OrderTotal>39.80</OrderTotal>
    <TaxAmount>6.63</TaxAmount>
    <ShippingAmount>5.90</ShippingAmount>
    <CustomerNotes><![CDATA[ring twice]]></CustomerNotes>
    <InternalNotes><![CDATA[fragile]]></InternalNotes>
    <Customer>
      <CustomerCode><![CDATA[a@example.fr]]></CustomerCode>
      <BillTo>
        <Name><![CDATA[Anne & Co]]></Name>
        <Company><![CDATA[ACME]]></Company>
        <Phone><![CDATA[+33612345678]]></Phone>
        <Email><![CDATA[b@example.fr]]></Email>
      </BillTo>
      <ShipTo>
        <Name><![CDATA[Anne]]></Name>
        <Company><![CDATA[Co2]]></Company>
        <Address1><![CDATA[1 rue]]></Address1>
        <Address2><![CDATA[Bât B]]></Address2>
        <City><![CDATA[Lyon]]></City>
        <State><![CDATA[ARA]]></State>
        <PostalCode><![CDATA[69001]]></PostalCode>
        <Country><![CDATA[FR]]></Country>
        <Phone><![CDATA[+33700000000]]></Phone>
      </ShipTo>
    </Customer>
    <Items>
      <Item>
        <LineItemID><![CDATA[5]]></LineItemID>
        <SKU><![CDATA[SKU-1]]></SKU>
        <Name><![CDATA[Tee <blue>]]></Name>
        <ImageUrl><![CDATA[https://x/i.png]]></ImageUrl>
        <Weight>200</Weight>
        <WeightUnits>Grams</WeightUnits>
        <Quantity>2</Quantity>
        <UnitPrice>19.90</UnitPrice>
        <Location><![CDATA[A-1]]></Location>
      </Item>
      <Item>
        <LineItemID><![CDATA[6]]></LineItemID>
        <SKU><![CDATA[SKU-2]]></SKU>
        <Name><![CDATA[Cap]]></Name>
        <ImageUrl/>
        <Weight>0</Weight>
        <WeightUnits>Grams</WeightUnits>
        <Quantity>1</Quantity>
        <UnitPrice>0.05</UnitPrice>
        <Location/>
      </Item>
    </Items>
  </Order>
</Orders>
"""


def test_the_orders_document_byte_for_byte():
    order = ss.ExportOrder(
        order_id=1, number="100001", placed_at=datetime(2026, 7, 14, 8, 30, tzinfo=UTC),
        updated_at=datetime(2026, 7, 14, 9, 5), status="paid",  # naive: UTC
        shipping_method="carrier", payment_method="card", total=3980, tax=663, shipping=590,
        customer_code="a@example.fr", bill_name="Anne & Co", bill_company="ACME",
        email="b@example.fr", phone="+33612345678",
        ship_to=ss.Address(name="Anne", company="Co2", address1="1 rue", address2="Bât B",
                           city="Lyon", state="ARA", postal_code="69001", country="FR",
                           phone="+33700000000"),
        internal_notes="fragile\x07", customer_notes="ring twice",  # a control character
        items=[ss.ExportItem(5, "SKU-1", "Tee <blue>", 2, 1990, "A-1", 200, "https://x/i.png"),
               ss.ExportItem(6, "SKU-2", "Cap", 1, 5, "", 0, "")])
    assert ss.orders_document([order], 3, PARIS).decode() == GOLDEN
    assert ss.orders_document([], 1, PARIS) == (
        b"<?xml version='1.0' encoding='utf-8'?>\n<Orders pages=\"1\"/>\n")


def test_money_has_the_currency_digits():
    assert ss.money(5) == "0.05" and ss.money(-150) == "-1.50" and ss.money(1234, 0) == "1234"


def test_dates_in_each_accepted_spelling():
    assert ss.parse_date("07/14/2026 10:30:15", PARIS, "x") == datetime(2026, 7, 14, 8, 30, 15,
                                                                       tzinfo=UTC)
    assert ss.parse_date("07/14/2026", PARIS, "x") == datetime(2026, 7, 13, 22, 0, tzinfo=UTC)
    assert ss.parse_date("01/05/2026 12:05 AM", "UTC", "x") == datetime(2026, 1, 5, 0, 5,
                                                                         tzinfo=UTC)
    assert ss.parse_date("07/14/2026 10:30", PARIS, "x").tzinfo is UTC
    assert ss.format_date(None, PARIS) == ""
    assert ss.format_date(datetime(2026, 1, 5, 13, 5), PARIS) == "01/05/2026 14:05"


@pytest.mark.parametrize("value", ["02/30/2026 10:00", "07/14/0000 10:00", "7/14/2026 10:30",
                                   "07/14/2026 24:00", None, "07/14/2026 13:30 PM",
                                   " 07/14/2026 10:30"])
def test_unreadable_dates_name_their_field(value):
    with pytest.raises(ValidationFailed) as caught:
        ss.parse_date(value, PARIS, "start_date")
    assert caught.value.fields == {"start_date": "expected MM/dd/yyyy HH:mm"}
    assert caught.value.message == f"start_date must look like MM/dd/yyyy HH:mm, got {value!r}"


def range_refusal(start, end) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        ss.date_range(start, end, PARIS)
    return caught.value


def test_a_date_range_needs_both_ends_in_order_within_366_days():
    for start, end in (("", "07/14/2026 10:30"), ("07/14/2026 10:30", "")):
        caught = range_refusal(start, end)
        assert caught.fields == {"start_date": "required", "end_date": "required"}
        assert caught.message == "start_date and end_date are both required"
    caught = range_refusal("07/14/2026 10:30", "07/14/2026 10:29")
    assert caught.fields == {"end_date": "before start_date"}
    assert caught.message == "end_date is before start_date"
    caught = range_refusal("01/01/2024 00:00", "01/02/2025 00:01")
    assert caught.fields == {"end_date": "range longer than 366 days"}
    assert caught.message == "the date range may not exceed 366 days"
    assert range_refusal("07/14/2026 10:30", "bad").fields.keys() == {"end_date"}
    assert ss.date_range("01/01/2024 00:00", "01/01/2025 23:59", "UTC") == (
        datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, 23, 59, tzinfo=UTC))
    same = ss.date_range("07/14/2026 10:30", "07/14/2026 10:30", PARIS)
    assert same[0] == same[1] == datetime(2026, 7, 14, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize("value", ["0", "01", "1000000", "", "1.5", None, 3])
def test_a_page_is_a_whole_number_from_1(value):
    with pytest.raises(ValidationFailed) as caught:
        ss.parse_page(value)
    assert caught.value.fields == {"page": "a whole number from 1 to 999999"}
    assert caught.value.message == "page must be a whole number from 1 to 999999"


def test_pages_read_and_counted():
    assert ss.parse_page("999999") == 999999 and ss.parse_page("1") == 1
    assert ss.page_count(250) == 3 and ss.page_count(200) == 2


def test_a_closed_order_is_shipped_and_a_refunded_one_paid():
    assert ss.order_status("closed", "unpaid", "unfulfilled") == "shipped"
    assert ss.order_status("open", "refunded", "unfulfilled") == "paid"
    assert ss.order_status("open", "paid", "returned") == "shipped"
    assert ss.order_status("open", "unpaid", "collected") == "shipped"


def notice(*items, **fields) -> bytes:
    parts = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items())
    return f"<ShipNotice>{parts}<Items>{''.join(items)}</Items></ShipNotice>".encode()


def test_a_ship_notice_with_every_field():
    body = notice("<Item><SKU> A </SKU><Quantity> 3 </Quantity><LineItemID>x7</LineItemID>"
                  "</Item>", OrderNumber=" 100123 ", Carrier="UPS", Service="Ground",
                  TrackingNumber="1Z", ShipDate="07/14/2026", NotifyCustomer="TRUE")
    parsed = ss.parse_ship_notice(body, order_number="q", carrier="q", service="q",
                                  tracking_number="q")
    assert parsed == ss.ShipNotice(order_number="100123", carrier="UPS", service="Ground",
                                   tracking_number="1Z", ship_date="07/14/2026",
                                   notify_customer=True, items=[ss.NoticeItem("A", 3, None)])
    # an empty element is filled from the query string; an unknown flag is no answer
    parsed = ss.parse_ship_notice(notice(OrderNumber="", TrackingNumber="T",
                                         NotifyCustomer="maybe", Service=""),
                                  order_number="9", service="Std")
    assert (parsed.order_number, parsed.service, parsed.notify_customer, parsed.ship_date,
            parsed.carrier) == ("9", "Std", None, "", "")
    assert ss.parse_ship_notice(b"  ", order_number="9", tracking_number="T").notify_customer \
        is None


def notice_refusal(body, **kw) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        ss.parse_ship_notice(body, **kw)
    return caught.value


def test_each_bad_ship_notice_says_why():
    caught = notice_refusal(b"x" * (256 * 1024 + 1))
    assert (caught.fields, caught.message) == ({"body": "too large"},
                                               "the ShipNotice is too large")
    body = notice(OrderNumber="1", TrackingNumber="T")
    assert len(body) < 256 * 1024 and ss.parse_ship_notice(body).order_number == "1"
    caught = notice_refusal(b"<Orders/>")
    assert (caught.fields, caught.message) == ({"body": "root is <Orders>"},
                                               "the body must be a <ShipNotice> document")
    caught = notice_refusal(b"<ShipNotice>")
    assert caught.message.startswith("the body is not well-formed XML: ")
    assert caught.fields["body"] in caught.message
    caught = notice_refusal(notice())
    assert caught.fields == {"order_number": "required", "tracking_number": "required"}
    assert caught.message == "order_number and tracking_number are required"
    assert notice_refusal(b"", order_number="1").fields == {"tracking_number": "required"}
    assert notice_refusal(b"", tracking_number="T").fields == {"order_number": "required"}


@pytest.mark.parametrize("quantity", ["0", "-1", "", "two", "1.5"])
def test_an_item_without_a_positive_whole_quantity_is_named(quantity):
    body = notice("<Item><SKU>A</SKU><Quantity>1</Quantity></Item>",
                  f"<Item><SKU>B</SKU><Quantity>{quantity}</Quantity></Item>",
                  OrderNumber="1", TrackingNumber="T")
    caught = notice_refusal(body)
    assert caught.fields == {"items[2].quantity": "a positive whole number"}
    assert caught.message == "item 2 has no valid quantity"


def test_notice_items_keep_their_line_ids():
    body = notice("<Item><SKU>A</SKU><Quantity>1</Quantity><LineItemID> 12 </LineItemID></Item>",
                  "<Item><Quantity>2</Quantity></Item>", OrderNumber="1", TrackingNumber="T")
    assert ss.parse_ship_notice(body).items == [ss.NoticeItem("A", 1, 12),
                                                ss.NoticeItem("", 2, None)]


LINES = [{"id": 7, "sku": "A", "quantity": 2, "shipped": 1},
         {"id": 8, "sku": "A", "quantity": 2, "shipped": 0},
         {"id": 9, "sku": "B", "quantity": 1, "shipped": 1}]


def test_items_find_their_lines_by_id_else_by_sku_with_quantity_left():
    items = [ss.NoticeItem("A", 1), ss.NoticeItem("A", 1), ss.NoticeItem("A", 1)]
    assert ss.shipped_lines(items, LINES) == {7: 1, 8: 2}
    assert ss.shipped_lines([ss.NoticeItem("zzz", 2, 8)], LINES) == {8: 2}
    # an unknown line id falls back to the SKU; a fully shipped SKU still takes its line
    assert ss.shipped_lines([ss.NoticeItem("B", 1, 99)], LINES) == {9: 1}
    assert ss.shipped_lines([ss.NoticeItem("A", 5)], LINES) == {7: 5}


def test_an_item_on_no_line_of_the_order_is_named():
    with pytest.raises(ValidationFailed) as caught:
        ss.shipped_lines([ss.NoticeItem("A", 1), ss.NoticeItem("ZZZ", 1)], LINES)
    assert caught.value.fields == {"items[2]": "no line with SKU 'ZZZ'"}
    assert caught.value.message == "item 2 (ZZZ) is not on this order"
