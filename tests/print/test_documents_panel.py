"""The documents and labels panel of the order screen: what it lists, its links, the label
print with its job status, and who may see it."""

from __future__ import annotations

import pytest

from dashboard.db.tables import Invoice, PrintJob
from dashboard.services.printing.documents import issue_credit_note


async def test_the_panel_lists_what_the_order_has_and_never_issues_an_invoice(login_as,
                                                                               order_factory):
    client = await login_as("back_office", locale="fr")
    unpaid = await order_factory(paid=False)
    page = await client.get(f"/orders/{unpaid}")
    assert page.status_code == 200
    assert "Documents et étiquettes" in page.text
    assert f"/orders/{unpaid}/documents/order-confirmation.html?format=a4" in page.text
    assert f"/orders/{unpaid}/documents/order-form.pdf?format=a4&amp;download=1" in page.text
    assert "delivery-note.html" in page.text
    assert "invoice.html" not in page.text and "receipt.html" not in page.text
    assert "Facture pas encore émise : elle le sera au paiement." in page.text
    assert await Invoice.count() == 0  # showing the order issues nothing

    paid = await order_factory(shipped=True)  # its payment issued the invoice
    await issue_credit_note(paid, amount=1200, reason="Cassé", lines=[
        {"sku": "MUG-ENAMEL", "name": "Mug", "quantity": 1, "unit_price": 1200,
         "vat_rate_bp": 2000}])
    page = await client.get(f"/orders/{paid}")
    assert f"/orders/{paid}/documents/invoice.html?format=a4" in page.text
    assert "F2026-00001" in page.text and "A2026-00001" in page.text
    assert "receipt.html" in page.text
    assert "credit-note.html?format=a4&amp;credit_note=A2026-00001" in page.text
    assert await Invoice.count() == 1

    cancelled = await order_factory(paid=False, status="cancelled")
    page = await client.get(f"/orders/{cancelled}")
    assert "order-form.html" not in page.text and "delivery-note.html" not in page.text
    assert "Une commande annulée ne reçoit pas de facture." in page.text


async def test_the_format_selector_redraws_the_links(login_as, order_factory):
    client = await login_as("back_office")
    number = await order_factory()
    fragment = await client.get(f"/orders/{number}/documents-panel?format=80mm",
                                headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert f"/orders/{number}/documents/receipt.html?format=80mm" in fragment.text
    assert '<option value="80mm" selected>' in fragment.text
    assert "<html" not in fragment.text
    bad = await client.get(f"/orders/{number}/documents-panel?format=a3")
    assert bad.status_code == 422
    assert (await client.get("/orders/NOPE/documents-panel")).status_code == 404


async def test_label_print_from_the_panel_and_its_job_status(login_as, order_factory,
                                                             configure_printers):
    client = await login_as("back_office")
    number = await order_factory(shipped=True)
    configure_printers("")
    page = await client.get(f"/orders/{number}")
    assert "DASHBOARD_PRINTERS" in page.text and "/labels/shipping.zpl" in page.text

    configure_printers("desk=tcp:127.0.0.1:9,back=tcp:127.0.0.1:9", default="back")
    page = await client.get(f"/orders/{number}")
    assert '<option value="back" selected>' in page.text
    assert f'hx-post="/orders/{number}/labels/shipping/print"' in page.text
    answer = await client.post(f"/orders/{number}/labels/shipping/print",
                               data={"printer": "desk"},
                               headers={"HX-Request": "true", "HX-Target": "label-job"})
    assert answer.status_code == 200, answer.text
    job = await PrintJob.select().where(PrintJob.kind == "shipping_label").first()
    assert job["printer"] == "desk" and job["status"] == "pending"
    assert 'id="label-job"' in answer.text and "Waiting for the printer" in answer.text
    assert f'hx-get="/orders/{number}/labels/jobs/{job["id"]}"' in answer.text  # polls

    await PrintJob.update({PrintJob.status: "printed"}).where(PrintJob.id == job["id"])
    status = await client.get(f"/orders/{number}/labels/jobs/{job['id']}")
    assert status.status_code == 200 and "Printed" in status.text
    assert "hx-trigger" not in status.text  # the printer answered: polling stops
    assert "Printed" in (await client.get(f"/orders/{number}")).text

    other = await order_factory()
    assert (await client.get(f"/orders/{other}/labels/jobs/{job['id']}")).status_code == 404
    refused = await client.post(f"/orders/{number}/labels/shipping/print",
                                data={"printer": "ghost"}, headers={"HX-Target": "label-job"})
    assert refused.status_code == 422


async def test_pickers_see_no_documents_panel(login_as, order_factory):
    number = await order_factory()
    client = await login_as("picker")
    assert (await client.get(f"/orders/{number}")).status_code == 403
    assert (await client.get(f"/orders/{number}/documents-panel")).status_code == 403
    assert (await client.get(f"/orders/{number}/labels/jobs/1")).status_code == 403


async def test_a_supplementary_invoice_has_its_own_row(login_as, order_factory):
    from dashboard.services.returns import surcharges

    number = await order_factory(shipped=True)
    first = await Invoice.select().where(Invoice.order.number == number).first()
    outcome = await surcharges.add_surcharge(number, kind="labour", amount=1500,
                                             reason="Gift wrapping", vat_rate_bp=2000,
                                             actor="agent")
    client = await login_as("back_office", locale="fr")
    page = await client.get(f"/orders/{number}")
    assert "Facture complémentaire" in page.text
    assert (f"/orders/{number}/documents/invoice.html?format=a4&amp;invoice="
            f"{outcome.supplementary_invoice}") in page.text
    assert first["number"] in page.text
    preview = await client.get(
        f"/orders/{number}/documents/invoice.html?invoice={outcome.supplementary_invoice}")
    assert preview.status_code == 200 and outcome.supplementary_invoice in preview.text
