"""The credit forms say what they will credit and what remains creditable, and a refusal
reads as money in the user's language, never as minor units."""

from tests.returns.conftest import make_shipped_order


async def test_the_credit_form_shows_what_remains_creditable(login_as):
    shipped = await make_shipped_order(lines=[("TSHIRT-BLUE-M", 2, 1990)])
    http = await login_as("back_office", locale="fr")
    page = (await http.get(f"/orders/{shipped['number']}/returns")).text
    assert "Au plus 39,80\u00a0€ peut encore être crédité" in page


async def test_too_large_a_credit_is_refused_in_money_not_cents(login_as):
    shipped = await make_shipped_order(lines=[("TSHIRT-BLUE-M", 2, 1990)])
    http = await login_as("back_office", locale="fr")
    refused = await http.post(f"/orders/{shipped['number']}/credits", data={
        "what": "amount", "amount": "50", "reason": "geste", "refund_method": "store_credit"})
    assert refused.status_code == 422
    assert "Au plus 39,80\u00a0€ peut être crédité (payé moins déjà crédité)." in refused.text
    assert "3980" not in refused.text
    english = await login_as("back_office", username="bo-en", locale="en")
    refused = await english.post(f"/orders/{shipped['number']}/credits", data={
        "what": "amount", "amount": "50", "reason": "goodwill", "refund_method": "store_credit"})
    assert "At most €39.80 can be credited" in refused.text
