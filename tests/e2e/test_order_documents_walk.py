"""In a real browser, in French: the order screen's documents and labels panel. Preview a
document in a new tab, download its PDF, change the paper format, print the shipping label
and a document on a configured printer and watch each job's status."""

import pytest

from dashboard.db.tables import Invoice, PrintJob
from tests.e2e.conftest import DESKTOP, PASSWORD, open_signed_in, serving
from tests.e2e.e2e_shots import screenshot
from tests.print.conftest import make_print_order

pytestmark = pytest.mark.e2e


async def test_documents_panel_preview_pdf_format_and_label_print(browser):
    from dashboard.services.staff.auth import create_user

    number = await make_print_order(shipped=True, locale="fr", name="Camille Dubois")
    assert await Invoice.count() == 1  # issued by its payment, not by any print
    unpaid = await make_print_order(paid=False, locale="fr", name="Louis Mercier")
    await create_user("agent-documents", "back_office", PASSWORD, locale="fr",
                      display_name="Agent Documents")
    # The app's own worker is off: the job stays queued, as while a printer is busy.
    with serving(DASHBOARD_PRINTERS="zebra-quai=tcp:127.0.0.1:9") as url:
        context, page = await open_signed_in(browser, url, "agent-documents", viewport=DESKTOP)
        try:
            await page.goto(f"/orders/{number}")
            panel = page.locator("#documents")
            await panel.get_by_role("heading", name="Documents et étiquettes").wait_for()
            for name in ("Confirmation de commande", "Bon de commande", "Facture", "Reçu",
                         "Bon de livraison"):
                assert await panel.get_by_role("link", name=f"Aperçu : {name}").count() == 1, name

            # Preview in a new tab.
            async with page.expect_popup() as popup:
                await panel.get_by_role("link", name="Aperçu : Bon de commande").click()
            preview = await popup.value
            await preview.wait_for_load_state()
            assert "Bon pour accord" in await preview.content()
            assert f"/orders/{number}/documents/order-form.html?format=a4" in preview.url
            await preview.close()

            # The PDF downloads, 200 and application/pdf.
            link = panel.get_by_role("link", name="PDF : Facture")
            href = await link.get_attribute("href")
            response = await page.request.get(href)
            assert response.status == 200
            assert response.headers["content-type"] == "application/pdf"
            assert (await response.body()).startswith(b"%PDF")
            async with page.expect_download() as download:
                await link.click()
            assert (await download.value).suggested_filename == f"invoice-{number}.pdf"

            # Another paper format redraws the links.
            await panel.get_by_label("Papier").select_option("80mm")
            await page.locator('#documents a[href*="receipt.html?format=80mm"]').wait_for()

            # The shipping label goes to the chosen printer; its status shows and polls.
            await panel.get_by_label("Imprimante").select_option("zebra-quai")
            await panel.get_by_role("button", name="Imprimer l’étiquette").click()
            status = page.locator("#label-job")
            await status.get_by_text("En attente de l’imprimante").wait_for()
            job = await PrintJob.select().where(PrintJob.kind == "shipping_label").first()
            assert job["printer"] == "zebra-quai"
            assert await status.get_attribute("hx-trigger") == "every 2s"
            await PrintJob.update({PrintJob.status: "printed"}).where(PrintJob.id == job["id"])
            await status.get_by_text("Imprimé").wait_for(timeout=10_000)
            assert await Invoice.count() == 1  # the panel issued nothing more

            # A document goes to a printer too, as a PDF in the paper chosen above.
            await panel.get_by_label("Imprimer les documents sur").select_option("zebra-quai")
            await panel.get_by_role("button", name="Imprimer : Reçu").click()
            document_job = page.locator("#document-job")
            await document_job.get_by_text("En attente de l’imprimante").wait_for()
            job = await PrintJob.select().where(PrintJob.kind == "document").first()
            assert (job["printer"], job["payload"]) == (
                "zebra-quai", '{"document": "receipt", "format": "80mm"}')
            await PrintJob.update({PrintJob.status: "printed"}).where(PrintJob.id == job["id"])
            await document_job.get_by_text("Imprimé").wait_for(timeout=10_000)

            await panel.scroll_into_view_if_needed()
            await screenshot(page, "order-documents-panel")

            # An unpaid order: no invoice link, the panel says when it will be issued.
            await page.goto(f"/orders/{unpaid}")
            await panel.get_by_text("Facture pas encore émise : elle le sera au paiement.").wait_for()
            assert await panel.get_by_role("link", name="Aperçu : Facture").count() == 0
            assert await Invoice.count() == 1
            await panel.scroll_into_view_if_needed()
            await screenshot(page, "order-documents-panel-unpaid")
        finally:
            await context.close()
