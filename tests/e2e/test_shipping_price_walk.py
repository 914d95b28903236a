"""Browser walk in French: a call-centre agent switches an order with free delivery to click
and collect and back, keeping the agreed price (no surprise 5,90 €), then sets a price by
hand: refused without a reason (shown next to the field), accepted with one and told in the
history."""

import pytest

from dashboard.db.tables import Order
from tests.e2e.conftest import DESKTOP, PASSWORD, open_signed_in
from tests.e2e.e2e_shots import screenshot
from tests.factories import make_order

pytestmark = pytest.mark.e2e


def words(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


async def shipping_of(number: str) -> tuple:
    row = await Order.select(Order.shipping_method, Order.shipping_total, Order.total).where(
        Order.number == number).first()
    return row["shipping_method"], row["shipping_total"], row["total"]


async def test_away_and_back_keeps_the_price_then_a_price_by_hand(browser, server_url):
    from dashboard.services.staff.auth import create_user

    placed = await make_order(name="Claire Dubois", lines=[("MUG", 1, 1000)], shipping_total=0)
    number = placed["number"]
    await create_user("agent-port", "call_centre", PASSWORD, locale="fr",
                      display_name="Agent Port")
    context, page = await open_signed_in(browser, server_url, "agent-port", viewport=DESKTOP)
    try:
        await page.goto(f"/orders/{number}")
        await page.click("#order-changes summary")
        form = page.locator("#shipping-price")
        assert "Frais de port convenus : 0,00 € (Transporteur)" in words(await form.inner_text())

        # Away: the preview says what saving does before anything is written.
        await page.select_option("#shipping-method", "click_and_collect")
        await page.wait_for_function(
            "document.querySelector('#shipping-preview').innerText.includes('Après')")
        assert "frais de port 0,00 € → 0,00 €" in words(
            await page.locator("#shipping-preview").inner_text())
        await page.wait_for_load_state("networkidle")
        await page.click("#save-shipping")
        await page.get_by_text("Livraison modifiée").first.wait_for()
        assert await shipping_of(number) == ("click_and_collect", 0, 1000)

        # And back, the agreed price kept: the list price is offered, not applied.
        await page.select_option("#shipping-method", "carrier")
        await page.wait_for_function(
            "document.querySelector('#shipping-price').innerText.includes('Appliquer le tarif Transporteur')")
        assert await page.is_checked("#price-keep")
        await page.wait_for_load_state("networkidle")
        await page.click("#save-shipping")
        await page.wait_for_function(
            "document.querySelector('#shipping-price').innerText.includes('(Transporteur)')")
        assert await shipping_of(number) == ("carrier", 0, 1000)

        # A price by hand without a reason: refused next to the reason field.
        await page.check("#price-manual")
        await page.fill("#shipping-manual", "3,50")
        await page.wait_for_load_state("networkidle")
        await page.click("#save-shipping")
        await page.wait_for_selector("#shipping-reason-error")
        assert "Indiquez pourquoi les frais de port sont saisis à la main." in \
            await page.locator("#shipping-reason-error").inner_text()
        assert await page.input_value("#shipping-manual") == "3,50"
        await page.locator("#shipping-price").scroll_into_view_if_needed()
        await screenshot(page, "shipping-price-refused-fr")
        assert await shipping_of(number) == ("carrier", 0, 1000)

        await page.fill("#shipping-reason", "geste commercial")
        await page.wait_for_load_state("networkidle")
        await page.click("#save-shipping")
        await page.wait_for_function(
            "document.querySelector('#history').innerText.includes('geste commercial')")
        history = words(await page.locator("#history").inner_text())
        assert "Frais de port : 0,00 € → 3,50 € · motif : geste commercial" in history
        assert ("Mode de livraison : Retrait en magasin → Transporteur · "
                "frais de port convenus conservés (0,00 €)") in history
        await page.locator("#shipping-price").scroll_into_view_if_needed()
        await screenshot(page, "shipping-price-saved-fr")
        # The money panels follow: the totals and the returns panel show the new total.
        assert "13,50 €" in words(await page.locator("#lines .totals").inner_text())
        await page.wait_for_function(
            "document.querySelector('#returns-panel').innerText.includes('13,50')")
        await page.locator("#history").scroll_into_view_if_needed()
        await screenshot(page, "shipping-price-history-fr")
    finally:
        await context.close()
    assert await shipping_of(number) == ("carrier", 350, 1350)
