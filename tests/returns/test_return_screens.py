"""The returns screens: authorise, receive, credit and surcharge through HTTP forms."""

from dashboard.db.tables import CreditNote, Order, OrderEvent, ReturnRequest, Surcharge
from tests.returns.conftest import lines_of, make_shipped_order


async def test_walk_a_return_through_the_screens(login_as):
    client = await login_as("back_office")
    order = await make_shipped_order()
    shirt, mug = await lines_of(order)
    page = await client.get(f"/orders/{order['number']}/returns")
    assert page.status_code == 200 and "Start a return" in page.text

    refused = await client.post(f"/orders/{order['number']}/returns", data={
        "kind": "return", "line": [str(shirt["id"])], f"quantity_{shirt['id']}": "5",
        f"reason_{shirt['id']}": "damaged"})
    assert refused.status_code == 422 and "can come back" in refused.text
    assert await ReturnRequest.count() == 0

    made = await client.post(f"/orders/{order['number']}/returns", data={
        "kind": "return", "line": [str(shirt["id"]), str(mug["id"])],
        f"quantity_{shirt['id']}": "1", f"reason_{shirt['id']}": "too_small",
        f"quantity_{mug['id']}": "0", f"reason_{mug['id']}": "other"})
    assert made.status_code == 303
    rma = (await ReturnRequest.select().first())["rma_number"]
    assert made.headers["location"].endswith(f"/returns/{rma}")

    slip = await client.get(f"/orders/{order['number']}/returns/{rma}/slip.html")
    assert slip.status_code == 200 and rma in slip.text and "Trop petit" in slip.text  # the slip speaks the customer's language

    detail = await client.get(made.headers["location"])
    line_id = detail.text.split('name="line" value="')[1].split('"')[0]
    received = await client.post(f"/orders/{order['number']}/returns/{rma}/receive", data={
        "line": [line_id], f"restocked_{line_id}": "1", f"written_off_{line_id}": "0"})
    assert received.status_code == 303
    credited = await client.post(f"/orders/{order['number']}/returns/{rma}/credit", data={
        "refund_method": "card", "refund_ref": "RF-9", "shipping": ""})
    assert credited.status_code == 303
    assert (await CreditNote.select(CreditNote.amount).first())["amount"] == 1990
    page = await client.get(made.headers["location"])
    assert "A20" in page.text and 'data-status="received"' in page.text


async def test_surcharge_form_refuses_absurd_amounts_and_accepts_a_fee(login_as):
    client = await login_as("back_office", locale="fr")  # "4,50" is a French amount
    order = await make_shipped_order()
    for amount, why in (("-3", "ne peut pas être négatif"), ("1e9", "en chiffres"),
                        ("abc", "en chiffres"), ("4,555", "2 décimales au plus"),
                        ("", "Obligatoire")):
        bad = await client.post(f"/orders/{order['number']}/surcharges", data={
            "kind": "restocking_fee", "amount": amount, "reason": "fee", "vat_rate_bp": "2000"})
        assert bad.status_code == 422, amount
        assert why in bad.text, (amount, bad.text[-2000:])
    assert await Surcharge.count() == 0
    before = await Order.select().where(Order.id == order["id"]).first()
    ok = await client.post(f"/orders/{order['number']}/surcharges", data={
        "kind": "restocking_fee", "amount": "4,50", "reason": "fee", "vat_rate_bp": "2000"})
    assert ok.status_code == 303
    surcharge = await Surcharge.select(Surcharge.kind, Surcharge.amount, Surcharge.reason,
                                       Surcharge.vat_rate_bp).first()
    assert surcharge == {"kind": "restocking_fee", "amount": 450, "reason": "fee",
                         "vat_rate_bp": 2000}
    after = await Order.select().where(Order.id == order["id"]).first()
    assert (after["surcharge_total"], after["payment_status"]) == (450, "partially_paid")
    assert after["balance_due"] == before["balance_due"] + 450
    assert await OrderEvent.count().where(
        (OrderEvent.order == order["id"]) & (OrderEvent.kind == "surcharge.added")) == 1


async def test_call_centre_may_authorise_returns_but_not_post_money(login_as):
    client = await login_as("call_centre")
    order = await make_shipped_order()
    page = await client.get(f"/orders/{order['number']}/returns")
    assert page.status_code == 200 and "new-surcharge" not in page.text
    refused = await client.post(f"/orders/{order['number']}/surcharges", data={
        "kind": "labour", "amount": "5", "reason": "x", "vat_rate_bp": "2000"})
    assert refused.status_code == 403


async def test_order_screen_shows_the_panel_and_the_list_filters_find_returns(login_as):
    from dashboard.domain.returns.rules import ReturnItem
    from dashboard.services.returns import credits
    from dashboard.services.returns import rma as returns

    client = await login_as("back_office")
    with_return = await make_shipped_order()
    credited = await make_shipped_order(email="bob@example.fr")
    await make_shipped_order(email="carl@example.fr")
    shirt, _ = await lines_of(with_return)
    await returns.authorise_return(with_return["number"], "return", [
        ReturnItem(shirt["id"], 1, "damaged")], actor="agent")
    await credits.issue_credit(credited["number"], amount=100, refund_method="store_credit",
                               actor="agent", send_email=False)

    screen = await client.get(f"/orders/{with_return['number']}")
    assert screen.status_code == 200 and f"/orders/{with_return['number']}/returns/panel" in screen.text
    panel = await client.get(f"/orders/{with_return['number']}/returns/panel",
                             headers={"HX-Request": "true"})
    assert panel.status_code == 200 and "<html" not in panel.text and "RMA-" in panel.text

    listed = await client.get("/orders?returns_in_progress=1", headers={"HX-Request": "true"})
    assert with_return["number"] in listed.text and credited["number"] not in listed.text
    listed = await client.get("/orders?credited=1", headers={"HX-Request": "true"})
    assert credited["number"] in listed.text and with_return["number"] not in listed.text


async def test_exchange_form_and_supplementary_invoice_page(login_as):
    from dashboard.services.printing.documents import issue_invoice
    from tests.returns.conftest import make_product

    client = await login_as("back_office")
    await make_product("MUG-BLUE", 1200, on_hand=0, backorder=False)
    order = await make_shipped_order()
    _, mug = await lines_of(order)
    refused = await client.post(f"/orders/{order['number']}/returns", data={
        "kind": "exchange", "line": [str(mug["id"])], f"quantity_{mug['id']}": "1",
        f"reason_{mug['id']}": "wrong_item", f"replacement_sku_{mug['id']}": "MUG-BLUE"})
    assert refused.status_code == 422 and "MUG-BLUE" in refused.text
    made = await client.post(f"/orders/{order['number']}/returns", data={
        "kind": "exchange", "line": [str(mug["id"])], f"quantity_{mug['id']}": "1",
        f"reason_{mug['id']}": "damaged", f"replacement_sku_{mug['id']}": ""})
    assert made.status_code == 303
    assert [ln["sku"] for ln in await lines_of(order)][-1] == "MUG-RED"

    first = await issue_invoice(order["number"])
    await client.post(f"/orders/{order['number']}/surcharges", data={
        "kind": "labour", "amount": "10", "reason": "Engraving", "vat_rate_bp": "2000"})
    supplementary = f"{first['number'][:6]}{int(first['number'][6:]) + 1:05d}"
    page = await client.get(f"/orders/{order['number']}/documents/invoice.html",
                            params={"invoice": supplementary})
    assert page.status_code == 200
    assert "Facture complémentaire" in page.text and "Engraving" in page.text
    assert first["number"] in page.text


def _field_error(html: str, field: str) -> str:
    marker = f'id="e-{field}"'
    assert marker in html, field
    return html.split(marker, 1)[1].split(">", 1)[1].split("</p>", 1)[0]


async def test_refusals_sit_under_their_field_in_french_and_keep_what_was_typed(login_as):
    client = await login_as("back_office", locale="fr")
    order = await make_shipped_order()
    url = f"/orders/{order['number']}"
    surcharge = await client.post(f"{url}/surcharges", data={
        "kind": "labour", "amount": "12,345", "reason": "", "vat_rate_bp": "550"})
    assert surcharge.status_code == 422
    html = surcharge.text
    assert _field_error(html, "surcharge_amount") == "2 décimales au plus."
    assert 'value="12,345"' in html  # what was typed comes back
    assert '<option value="550" selected>5,5' in html and '<option value="labour" selected>' in html
    assert "<code>" not in html and "surcharge_amount</" not in html  # no field codes shown
    surcharge = await client.post(f"{url}/surcharges", data={
        "kind": "labour", "amount": "12,00", "reason": " ", "vat_rate_bp": "550"})
    assert _field_error(surcharge.text, "surcharge_reason") == "Obligatoire."
    assert "Ce supplément ne peut pas être ajouté." in surcharge.text

    credit = await client.post(f"{url}/credits", data={
        "what": "amount", "amount": "9999", "reason": "geste", "refund_method": "card",
        "refund_ref": ""})
    assert credit.status_code == 422
    assert _field_error(credit.text, "credit_amount").startswith("Au plus ")
    assert _field_error(credit.text, "credit_refund_ref") == (
        "La référence du remboursement par carte est obligatoire.")
    assert 'value="9999"' in credit.text and 'value="geste"' in credit.text
    assert "Cet avoir ne peut pas être émis." in credit.text

    lines = await lines_of(order)
    line = lines[0]
    too_many = await client.post(f"{url}/returns", data={
        "kind": "return", "line": [str(line["id"])], f"quantity_{line['id']}": "99",
        f"reason_{line['id']}": "damaged", f"replacement_sku_{line['id']}": ""})
    assert too_many.status_code == 422
    assert _field_error(too_many.text, f"quantity_{line['id']}").startswith("Seulement ")
    assert f'name="quantity_{line["id"]}" min="0" max="{line["quantity"]}" value="99"' in \
        too_many.text
    assert '<option value="damaged" selected>' in too_many.text
    assert "Ce retour ne peut pas être autorisé." in too_many.text
