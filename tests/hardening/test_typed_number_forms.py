"""Every form that takes money or a quantity refuses hostile numbers next to the field.

``1e9`` once recorded a payment of a billion; ``inf`` and ``1e400`` answered 500; ``nan``
did nothing, silently. Now each is a 422 with the message under the field (French for a
French user), and nothing is written.
"""

import pytest

from dashboard.db.tables import CreditNote, Payment, ReturnRequest, Stock, Surcharge
from tests.factories import add_product, make_order, order
from tests.returns.conftest import lines_of, make_shipped_order

HOSTILE = ["1e9", "1_000", "١٢", "inf", "nan", "1e400", "-5", "12,505", "99999999999"]
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _quiet(configure):
    configure(DASHBOARD_SEND_RECEIPTS="off")


@pytest.mark.parametrize("amount", HOSTILE)
async def test_mark_paid_refuses_the_amount_in_french_and_records_nothing(amount, login_as):
    client = await login_as("back_office", locale="fr")
    placed = await make_order()
    other = await make_order()
    data = {"number": [other["number"], placed["number"]], "reference": ["CHQ-1", "CHQ-2"],
            "date": ["2026-11-27", "2026-11-27"], "amount": ["", amount]}
    for headers in ({}, HX):
        response = await client.post("/payments/mark-paid", data=data, headers=headers)
        assert response.status_code == 422
        assert ("<html" in response.text) == (headers == {})
        assert "Rien n'a été enregistré" in response.text
        # The message sits right under the second row's amount field, in French.
        after_field = response.text.split(f'value="{amount}"')[1][:400]
        assert 'aria-invalid="true"' in after_field and 'id="e-amount_1"' in after_field
        assert any(m in after_field for m in (
            "Saisissez un montant en chiffres", "Le montant ne peut pas", "décimales au plus"))
    assert await Payment.count() == 0
    assert (await order(other["number"]))["payment_status"] == "unpaid"


async def test_mark_paid_reads_french_and_plain_amounts(login_as):
    client = await login_as("back_office", locale="fr")
    first, second = await make_order(), await make_order()
    response = await client.post("/payments/mark-paid", data={
        "number": [first["number"], second["number"]], "reference": ["A", "B"],
        "date": ["2026-11-27", "2026-11-27"], "amount": ["10,50", "3.20"]}, headers=HX)
    assert response.status_code == 200
    assert (await order(first["number"]))["paid_total"] == 1050
    assert (await order(second["number"]))["paid_total"] == 320


async def test_an_english_user_gets_the_english_message(login_as):
    client = await login_as("back_office", locale="en")
    placed = await make_order()
    response = await client.post("/payments/mark-paid", data={
        "number": [placed["number"]], "reference": ["A"], "date": ["2026-11-27"],
        "amount": ["12,50"]})
    assert response.status_code == 422
    assert "Type an amount in digits, such as 12.50." in response.text


async def test_mark_paid_refuses_a_bad_date_next_to_it(login_as):
    client = await login_as("back_office", locale="fr")
    placed = await make_order()
    response = await client.post("/payments/mark-paid", data={
        "number": [placed["number"]], "reference": ["A"], "date": ["27/11/2026"],
        "amount": [""]})
    assert response.status_code == 422 and "Saisissez une date" in response.text
    assert await Payment.count() == 0


@pytest.mark.parametrize("amount", HOSTILE)
async def test_credit_and_surcharge_forms_refuse_hostile_amounts(amount, login_as):
    client = await login_as("back_office", locale="fr")
    shipped = await make_shipped_order()
    number = shipped["number"]
    credit = await client.post(f"/orders/{number}/credits", data={
        "what": "amount", "amount": amount, "reason": "geste", "refund_method": "store_credit"})
    assert credit.status_code == 422, credit.text
    assert 'id="e-credit_amount"' in credit.text
    surcharge = await client.post(f"/orders/{number}/surcharges", data={
        "kind": "labour", "amount": amount, "reason": "x", "vat_rate_bp": "2000"})
    assert surcharge.status_code == 422 and 'id="e-surcharge_amount"' in surcharge.text
    assert await CreditNote.count() == 0 and await Surcharge.count() == 0


async def test_return_forms_refuse_hostile_quantities_and_shipping(login_as):
    client = await login_as("back_office", locale="fr")
    shipped = await make_shipped_order()
    number = shipped["number"]
    shirt, _mug = await lines_of(shipped)
    for quantity in ("1e0", "١", "-1", "1.0", "inf", "99999999"):
        refused = await client.post(f"/orders/{number}/returns", data={
            "kind": "return", "line": [str(shirt["id"])], f"quantity_{shirt['id']}": quantity,
            f"reason_{shirt['id']}": "damaged"})
        assert refused.status_code == 422, quantity
        assert f'id="e-quantity_{shirt["id"]}"' in refused.text
        assert "nombre entier" in refused.text
    assert await ReturnRequest.count() == 0
    made = await client.post(f"/orders/{number}/returns", data={
        "kind": "return", "line": [str(shirt["id"])], f"quantity_{shirt['id']}": "1",
        f"reason_{shirt['id']}": "damaged"})
    assert made.status_code == 303
    detail = await client.get(made.headers["location"])
    line_id = detail.text.split('name="line" value="')[1].split('"')[0]
    rma = made.headers["location"].rsplit("/", 1)[1]
    bad = await client.post(f"/orders/{number}/returns/{rma}/receive", data={
        "line": [line_id], f"restocked_{line_id}": "1e0", f"written_off_{line_id}": "0"})
    assert bad.status_code == 422 and f'id="e-restocked_{line_id}"' in bad.text
    ok = await client.post(f"/orders/{number}/returns/{rma}/receive", data={
        "line": [line_id], f"restocked_{line_id}": "1", f"written_off_{line_id}": "0"})
    assert ok.status_code == 303
    for shipping in ("nan", "1e400", "inf"):
        refused = await client.post(f"/orders/{number}/returns/{rma}/credit", data={
            "refund_method": "card", "refund_ref": "RF", "shipping": shipping})
        assert refused.status_code == 422 and 'id="e-shipping"' in refused.text
    assert await CreditNote.count() == 0


@pytest.mark.parametrize("quantity", ["١٢", "1e3", "1_0", "-3", "2.5", "inf"])
async def test_quantity_forms_refuse_what_int_would_take(quantity, login_as):
    client = await login_as("admin", locale="fr")
    await add_product("MUG-RED", 5)
    received = await client.post("/stock/MUG-RED/receive", data={"quantity": quantity})
    assert received.status_code == 422
    assert (await Stock.select(Stock.on_hand).first())["on_hand"] == 5
    placed = await make_order(lines=[("MUG-RED", 1, 1200)])
    line = (await lines_of(placed))[0]
    changed = await client.post(
        f"/orders/{placed['number']}/changes/lines/{line['id']}/quantity",
        data={"before__quantity": "1", "quantity": quantity}, headers=HX)
    assert changed.status_code == 422
    shipped = await client.post(f"/dispatch/orders/{placed['number']}/ship", data={
        "carrier": "colissimo", "tracking_number": "6A12345678901",
        f"line_{line['id']}": quantity}, headers=HX)
    assert shipped.status_code == 422
    assert (await order(placed["number"]))["fulfilment_status"] == "unfulfilled"
