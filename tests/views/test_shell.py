"""The shell: full page versus fragment, locale formatting, escaping, static htmx."""

from datetime import datetime, timezone

from dashboard.components.formatting import money
from dashboard.components.i18n import current_locale
from dashboard.db.tables import Customer, Order
from dashboard.db.transaction import write_transaction
from dashboard.domain.search import order_search_text


async def _order(number: str, name: str, total: int) -> None:
    async with write_transaction():
        customer = (await Customer.insert(Customer(email="c@example.fr", last_name=name))
                    .returning(Customer.id))[0]["id"]
        await Order.insert(Order(number=number, customer=customer, customer_name=name,
                                 payment_method="card", total=total, subtotal=total,
                                 balance_due=total, placed_at=datetime.now(timezone.utc),
                                 search_text=order_search_text(number, name)))


async def test_orders_page_is_a_full_page_and_the_same_url_with_hx_request_is_the_list_only(login_as, client):
    await login_as("back_office", locale="fr")
    await _order("100001", "Hélène Dupré", 123456)
    page = await client.get("/orders")
    assert page.status_code == 200 and "<html" in page.text and 'id="results"' in page.text
    fragment = await client.get("/orders", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "100001" in fragment.text
    assert "1\u202f234,56\xa0€" in fragment.text or "1 234,56 €" in fragment.text.replace("\u202f", " ").replace("\xa0", " ")


async def test_search_ignores_accents(login_as, client):
    await login_as("back_office")
    await _order("100001", "Hélène Dupré", 1000)
    await _order("100002", "Marc Petit", 1000)
    fragment = await client.get("/orders", params={"q": "HELENE"}, headers={"HX-Request": "true"})
    assert "100001" in fragment.text and "100002" not in fragment.text


async def test_customer_text_is_escaped(login_as, client):
    await login_as("back_office")
    await _order("100003", "<script>alert(1)</script>", 1000)
    page = await client.get("/orders")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text


async def test_htmx_is_served_by_the_app_itself(client):
    response = await client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200 and "htmx" in response.text[:2000]
    page = await client.get("/login")
    assert 'src="/static/vendor/htmx.min.js"' in page.text and "unpkg" not in page.text


def test_money_is_formatted_for_the_language():
    token = current_locale.set("en")
    try:
        assert money(123456, "EUR") == "€1,234.56"
    finally:
        current_locale.reset(token)
    token = current_locale.set("fr")
    try:
        assert money(123456, "EUR").replace("\u202f", " ").replace("\xa0", " ") == "1 234,56 €"
        assert money(500, "JPY").startswith("500")
    finally:
        current_locale.reset(token)


async def test_the_failure_toasts_speak_the_users_language(login_as, client):
    """app.js reads a failed request's and a lost connection's toast from the page."""
    await login_as("back_office", locale="fr")
    page = await client.get("/orders")
    assert 'data-error-message="Une erreur est survenue"' in page.text
    assert 'data-offline-message="Le serveur est injoignable : vérifiez la connexion et réessayez."' \
        in page.text


async def test_the_list_filters_read_in_french_typography(login_as, client):
    await login_as("back_office", locale="fr")
    page = await client.get("/orders")
    assert "Paiement\u00a0: tous" in page.text.replace(" : ", "\u00a0: ") and "Paiement: tous" not in page.text
