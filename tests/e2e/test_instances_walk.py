"""Two `dashboard serve` instances on one database, as behind a load balancer: a colleague
on the second instance puts an order on hold and the first instance's open order screen
shows it without a reload; an order placed through the second instance's API appears in
the first instance's open list by itself; a session opened on one instance is valid on
the other. One `dashboard serve --workers 2` answers too."""

import httpx
import pytest

from tests.e2e.conftest import DESKTOP, PASSWORD, open_signed_in, serving
from tests.e2e.e2e_shots import screenshot
from tests.factories import add_product, make_order

pytestmark = pytest.mark.e2e


async def test_live_updates_and_sessions_across_instances(browser, server_url):
    from dashboard.services.staff.auth import create_api_key, create_user

    await add_product("VASE-INST", 50, price=3200, name="Vase bleu")
    placed = await make_order(name="Élise Martin", lines=[("VASE-INST", 1, 3200)])
    number = placed["number"]
    await create_user("bureau-a", "back_office", PASSWORD, locale="fr", display_name="Bureau A")
    await create_user("appel-b", "call_centre", PASSWORD, locale="fr", display_name="Appel B")
    api_key = await create_api_key("instances-test")
    with serving() as other:
        first, page = await open_signed_in(browser, server_url, "bureau-a", viewport=DESKTOP)
        second, colleague = await open_signed_in(browser, other, "appel-b", viewport=DESKTOP)
        try:
            await page.goto(f"{server_url}/orders/{number}")
            await page.evaluate("window.__marker = 1")  # survives only without a reload
            await colleague.goto(f"{other}/orders/{number}")
            await colleague.select_option("#hold-reason", "address_to_check")
            await colleague.click("#put-on-hold")
            await colleague.locator("#release-hold").wait_for()
            # The first instance learns it from the database, not from the other process.
            await page.locator("#hold-panel").get_by_role(
                "button", name="Lever la mise en attente").wait_for(timeout=20_000)
            assert await page.evaluate("window.__marker") == 1
            await screenshot(page, "order-held-from-another-instance-fr")

            # While the agent types a note, a colleague's change does not wipe it: the
            # screen says so and waits.
            note = page.locator("#notes textarea[name=body]")
            await note.fill("Client rappelé, adresse à confirmer")
            await page.locator("#order-head").click()  # the cursor leaves the box
            await colleague.click("#release-hold")
            await colleague.locator("#put-on-hold").wait_for()
            await page.locator("#toasts").get_by_text(
                "Un collègue a modifié cette commande", exact=False).wait_for(timeout=20_000)
            assert await note.input_value() == "Client rappelé, adresse à confirmer"
            assert await page.evaluate("window.__marker") == 1

            # A session is a row: the first instance's sign-in opens the second's pages.
            cookies = {c["name"]: c["value"] for c in await first.cookies()}
            async with httpx.AsyncClient(base_url=other, cookies=cookies) as http:
                answer = await http.get(f"/orders/{number}")
            assert answer.status_code == 200 and "Bureau A" in answer.text

            # An order placed through the second instance shows in the first's open list.
            await page.goto(f"{server_url}/orders")
            await page.wait_for_selector("#results")
            await page.evaluate("window.__marker = 2")
            async with httpx.AsyncClient(base_url=other) as http:
                created = await http.post("/api/v1/orders", headers={
                    "Authorization": f"Bearer {api_key}", "Idempotency-Key": "instances-1"},
                    json={"customer": {"email": "noe@example.fr", "first_name": "Noé",
                                       "last_name": "Instance", "phone": "+33612345678"},
                          "shipping_address": {"name": "Noé Instance", "line1": "1 rue Haute",
                                               "postal_code": "69003", "city": "Lyon",
                                               "country": "FR"},
                          "lines": [{"sku": "VASE-INST", "quantity": 1}],
                          "currency": "EUR", "payment_method": "card",
                          "shipping_method": "carrier", "locale": "fr"})
            assert created.status_code == 201, created.text
            await page.locator("#results").get_by_text("Noé Instance").wait_for(timeout=20_000)
            assert await page.evaluate("window.__marker") == 2
        finally:
            await first.close()
            await second.close()


def test_serve_with_two_worker_processes_answers():
    with serving(extra_args=("--workers", "2")) as url:
        for _ in range(6):
            assert httpx.get(url + "/healthz", timeout=5).status_code == 200
