"""Order documents sent to a printer from the order screen's panel: queued as a print job,
rendered to PDF by the worker when it prints, to a real TCP printer; refusals in French
before anything is queued."""

from __future__ import annotations

import json

import pytest

from dashboard.db.tables import OrderEvent, PrintJob
from dashboard.services.printing import labels as printing
from tests.print.test_labels import tcp_printer  # noqa: F401 - the test printer fixture

HX = {"HX-Request": "true", "HX-Target": "document-job"}


async def test_an_invoice_prints_as_a_pdf_on_the_chosen_printer(
        login_as, order_factory, configure_printers, tcp_printer, pdf_renderer, pdf_text):  # noqa: F811
    number = await order_factory(shipped=True)  # paid: the invoice is issued
    configure_printers(f"zebra=tcp:127.0.0.1:9,office=tcp:127.0.0.1:{tcp_printer.port}",
                       document="office")
    client = await login_as("back_office", locale="fr")
    page = (await client.get(f"/orders/{number}")).text
    assert 'id="document-printer"' in page and '<option value="office" selected>' in page
    assert f'hx-post="/orders/{number}/documents/print"' in page

    answer = await client.post(f"/orders/{number}/documents/print", headers=HX, data={
        "kind": "invoice", "format": "a4", "printer": "office"})
    assert answer.status_code == 200, answer.text
    job = await PrintJob.select().where(PrintJob.kind == "document").first()
    assert job["printer"] == "office" and job["status"] == "pending"
    assert json.loads(job["payload"]) == {"document": "invoice", "format": "a4"}
    assert 'id="document-job"' in answer.text and "En attente de l’imprimante" in answer.text

    assert await printing.deliver_print_job(job["id"]) == "printed"
    sent = await tcp_printer.next_payload()
    assert sent.startswith(b"%PDF")
    assert "F2026-00001" in pdf_text(sent)
    status = await client.get(f"/orders/{number}/labels/jobs/{job['id']}")
    assert 'id="document-job"' in status.text and "Imprimé" in status.text
    assert "hx-trigger" not in status.text
    history = (await client.get(f"/orders/{number}/panels/history")).text
    assert "Document envoyé à l’imprimante office" in history


async def test_a_credit_note_and_a_receipt_print_in_the_asked_format(
        login_as, order_factory, configure_printers, tcp_printer, pdf_renderer, pdf_text):  # noqa: F811
    from dashboard.services.printing.documents import issue_credit_note

    number = await order_factory(shipped=True)
    note = await issue_credit_note(number, amount=1200, reason="Cassé", lines=[
        {"sku": "MUG-ENAMEL", "name": "Mug", "quantity": 1, "unit_price": 1200,
         "vat_rate_bp": 2000}])
    configure_printers(f"office=tcp:127.0.0.1:{tcp_printer.port}")
    client = await login_as("call_centre")
    for data in ({"kind": "credit-note", "format": "a4", "credit_note": note["number"]},
                 {"kind": "receipt", "format": "80mm"}):
        answer = await client.post(f"/orders/{number}/documents/print", headers=HX, data=data)
        assert answer.status_code == 200, answer.text
    jobs = await PrintJob.select().where(PrintJob.kind == "document").order_by(PrintJob.id)
    for job in jobs:
        assert await printing.deliver_print_job(job["id"]) == "printed"
    credit, receipt = await tcp_printer.next_payload(), await tcp_printer.next_payload()
    assert note["number"] in pdf_text(credit)
    assert receipt.startswith(b"%PDF")


@pytest.mark.parametrize("data, message, printers", [
    ({"kind": "pick-list"}, "Choisissez un document dans la liste.", "office=tcp:127.0.0.1:9"),
    ({"kind": "invoice", "format": "a3"}, "Choisissez un format de papier dans la liste.",
     "office=tcp:127.0.0.1:9"),
    ({"kind": "invoice", "printer": "nowhere"}, "Choisissez une des imprimantes configurées.",
     "office=tcp:127.0.0.1:9"),
    ({"kind": "order-confirmation"},
     "Aucune imprimante n’est configurée (DASHBOARD_PRINTERS).", ""),
    ({"kind": "invoice"}, "Facture pas encore émise : elle le sera au paiement.",
     "office=tcp:127.0.0.1:9"),
])
async def test_refusals_say_why_in_french_and_queue_nothing(login_as, order_factory,
                                                            configure_printers, data, message,
                                                            printers):
    number = await order_factory(paid=False)
    configure_printers(printers)
    client = await login_as("back_office", locale="fr")
    refused = await client.post(f"/orders/{number}/documents/print", headers=HX, data=data)
    assert refused.status_code == 422
    assert message in refused.text and 'id="document-job"' in refused.text
    assert await PrintJob.count() == 0
    assert not await OrderEvent.exists().where(OrderEvent.kind == "label.queued")


async def test_pickers_may_not_print_order_documents(login_as, order_factory, configure_printers):
    number = await order_factory()
    configure_printers("office=tcp:127.0.0.1:9")
    picker = await login_as("picker")
    refused = await picker.post(f"/orders/{number}/documents/print", headers=HX,
                                data={"kind": "order-confirmation"})
    assert refused.status_code == 403
    assert await PrintJob.count() == 0
