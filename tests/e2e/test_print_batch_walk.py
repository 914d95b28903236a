"""In a real browser, in French: the back office prints the delivery notes of a search's
orders as one PDF from the orders list, follows the progress, and a SECOND instance of the
app shows the same batch and serves its PDF (batches live in the database)."""

import pytest

from dashboard.services.staff.auth import create_user
from tests.e2e.conftest import DESKTOP, PASSWORD, open_signed_in, serving
from tests.e2e.e2e_shots import screenshot
from tests.factories import make_order

pytestmark = pytest.mark.e2e


async def test_print_a_batch_and_fetch_it_from_another_instance(browser, server_url):
    numbers = [(await make_order(email=f"lot{i}@impression.example", name=f"Inès Lotprint{i}",
                                 lines=[("E2E-LOT", 1, 1500)]))["number"] for i in range(3)]
    await create_user("batch-fr", "back_office", PASSWORD, locale="fr",
                      display_name="Camille Bureau")
    context, page = await open_signed_in(browser, server_url, "batch-fr", viewport=DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        await page.fill("#search", "lotprint")
        await page.wait_for_url("**q=lotprint**")
        await page.wait_for_function(
            "document.querySelectorAll('#orders-table tbody tr').length === 3")
        await page.check("#select-page")
        await page.select_option("#bulk select[name=action]", "print")
        await page.select_option("#bulk select[name=document]", "delivery-note")
        await page.click("#bulk button[type=submit]")
        await page.click(".bulk-report a.button")  # "Suivre l'avancement"
        await page.wait_for_selector("#batch-progress a[href$='/download']", timeout=30_000)
        progress = await page.locator("#batch-progress").inner_text()
        assert "Prêt" in progress and "3 / 3" in progress, progress
        assert "Bon de livraison" in await page.locator(".card .muted").inner_text()
        await screenshot(page, "print-batch-done-desktop")
        batch_path = page.url.split("127.0.0.1", 1)[1].split("/", 1)[1]

        with serving() as other:  # another instance on the same database
            await page.goto(f"{other}/{batch_path}")
            assert "Prêt" in await page.locator("#batch-progress").inner_text()
            download = await page.request.get(f"{other}/{batch_path}/download")
            assert download.status == 200
            assert download.headers["content-type"] == "application/pdf"
            assert (await download.body()).startswith(b"%PDF")
        assert errors == []
    finally:
        await context.close()
