"""The document URLs of the CONTRACT, their guards, and batch printing over HTTP."""

from __future__ import annotations


from dashboard.services.printing import batches as print_batches


async def test_pdf_and_print_view_of_an_invoice(login_as, order_factory, pdf_renderer, pdf_text,
                                                pdf_pages):
    client = await login_as("back_office")
    number = await order_factory()
    response = await client.get(f"/orders/{number}/documents/invoice.pdf?format=letter")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "F2026-00001" in pdf_text(response.content)
    assert pdf_pages(response.content)[0] == (612, 792)

    page = await client.get(f"/orders/{number}/documents/invoice.html?format=80mm")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "window.print()" in page.text and "F2026-00001" in page.text
    assert f"/orders/{number}/documents/invoice.pdf?format=80mm" in page.text
    assert "<link" not in page.text  # self-contained: setContent leaves the page at about:blank


async def test_refusals_and_bad_input_answer_422_or_404(login_as, order_factory):
    client = await login_as("back_office")
    unpaid = await order_factory(paid=False)
    refused = await client.get(f"/orders/{unpaid}/documents/invoice.html")
    assert refused.status_code == 422
    assert "Invoice not issued yet: it will be at payment." in refused.text
    refused = await client.get(f"/orders/{unpaid}/documents/invoice.html?format=a3")
    assert refused.status_code == 422 and "Choose a paper format from the list." in refused.text
    refused = await client.get(f"/orders/{unpaid}/documents/passport.pdf")
    assert refused.status_code == 422 and "Choose a document from the list." in refused.text
    assert (await client.get(f"/orders/{unpaid}/documents/invoice.docx")).status_code == 404
    assert (await client.get("/orders/NOPE/documents/receipt.html")).status_code == 404


async def test_a_picker_may_print_a_pick_list_but_no_invoice(login_as, order_factory,
                                                             pdf_renderer, pdf_text):
    first = await order_factory()
    second = await order_factory()
    client = await login_as("picker")
    assert (await client.get(f"/orders/{first}/documents/invoice.html")).status_code == 403
    response = await client.get(f"/print/pick-list/pick-list.pdf?orders={first},{second}")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert first in text and second in text
    # Grouped by bin, in walking order, with the summed quantity per product.
    assert text.index("A-02-3") < text.index("A-10-1") < text.index("B-10-1")
    assert "3760000000017" in text


async def test_batch_of_invoices_as_one_pdf_with_progress_and_download(
        login_as, order_factory, pdf_renderer, pdf_text, pdf_pages):
    client = await login_as("back_office")
    paid = [await order_factory() for _ in range(3)]
    unpaid = await order_factory(paid=False)
    response = await client.post("/print/batches", data={
        "order_numbers": " ".join(paid + [unpaid]), "kind": "invoice", "format": "a4"})
    assert response.status_code == 303
    batch_id = response.headers["location"].rsplit("/", 1)[1]

    async with client.stream("GET", f"/print/batches/{batch_id}/events") as events:
        assert events.headers["content-type"].startswith("text/event-stream")
        body = ""
        async for chunk in events.aiter_text():
            body += chunk
            if "event: done" in body:
                break
    assert "event: progress" in body and "/download" in body

    batch = await print_batches.wait_for(batch_id)
    assert batch.status == "done"
    assert batch.skipped == {unpaid: "Invoice not issued yet: it will be at payment."}
    page = await client.get(f"/print/batches/{batch_id}")
    assert "Invoice not issued yet" in page.text
    download = await client.get(f"/print/batches/{batch_id}/download")
    assert download.status_code == 200
    assert len(pdf_pages(download.content)) == 3
    text = pdf_text(download.content)
    assert all(f"F2026-0000{i}" in text for i in (1, 2, 3))


async def test_a_batch_can_be_cancelled(login_as, order_factory):
    client = await login_as("back_office")
    numbers = [await order_factory() for _ in range(5)]
    batch_id = await print_batches.start_batch(numbers, "delivery-note", "a4", "tester")
    response = await client.post(f"/print/batches/{batch_id}/cancel",
                                 headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "/cancel" not in response.text  # the fragment no longer offers to cancel
    batch = await print_batches.wait_for(batch_id)  # the task has stopped
    assert batch.status == "cancelled"
    assert (await client.get(f"/print/batches/{batch_id}/download")).status_code == 404


async def test_a_batch_cancelled_from_another_instance_stops_here(login_as, order_factory):
    from dashboard.db.tables import PrintBatch

    client = await login_as("back_office", locale="fr")
    numbers = [await order_factory() for _ in range(5)]
    batch_id = await print_batches.start_batch(numbers, "delivery-note", "a4", "tester")
    # Another instance's cancel only writes the row; this process's run must notice it.
    await PrintBatch.update({PrintBatch.status: "cancelled"}).where(
        PrintBatch.batch_id == batch_id)
    batch = await print_batches.wait_for(batch_id)
    assert batch.status == "cancelled"
    row = await PrintBatch.select(PrintBatch.pdf, PrintBatch.status).where(
        PrintBatch.batch_id == batch_id).first()
    assert row == {"pdf": None, "status": "cancelled"}
    page = await client.get(f"/print/batches/{batch_id}")
    assert "Annulé" in page.text and "Télécharger" not in page.text


async def test_any_instance_serves_a_batch_from_the_database(login_as):
    """A batch made by another instance (no task here): its progress, its PDF, and an
    interrupted one (its instance died: the heartbeat is old) offered to start again."""
    from datetime import datetime, timedelta, timezone

    from dashboard.db.tables import PrintBatch

    client = await login_as("back_office", locale="fr")
    now = datetime.now(timezone.utc)
    await PrintBatch.insert(
        PrintBatch(batch_id="elsewhere-done", kind="invoice", paper="a4", actor="x",
                   order_numbers=["CMD-1", "CMD-2"], status="done", done=2, pdf=b"%PDF-1.7 test",
                   skipped=[{"number": "CMD-2", "template": "Order %(number)s is cancelled.",
                             "values": {"number": "CMD-2"}}], finished_at=now),
        PrintBatch(batch_id="elsewhere-running", kind="delivery-note", paper="a4", actor="x",
                   order_numbers=["CMD-3", "CMD-4"], status="preparing", done=1,
                   heartbeat_at=now),
        PrintBatch(batch_id="elsewhere-dead", kind="delivery-note", paper="letter", actor="x",
                   order_numbers=["CMD-5", "CMD-6"], status="rendering", done=2,
                   heartbeat_at=now - timedelta(minutes=5)),
    )
    download = await client.get("/print/batches/elsewhere-done/download")
    assert download.status_code == 200 and download.content == b"%PDF-1.7 test"
    assert download.headers["content-type"] == "application/pdf"
    done = await client.get("/print/batches/elsewhere-done")
    assert "Prêt" in done.text and "CMD-2" in done.text

    running = await client.get("/print/batches/elsewhere-running")
    assert "Préparation des documents" in running.text and "1 / 2" in running.text
    assert "/print/batches/elsewhere-running/cancel" in running.text
    assert (await client.get("/print/batches/elsewhere-running/download")).status_code == 404

    dead = await client.get("/print/batches/elsewhere-dead")
    assert "Interrompu" in dead.text and "relancez-le" in dead.text
    assert "Relancer" in dead.text and "CMD-5 CMD-6" in dead.text
    assert (await print_batches.get_batch("elsewhere-dead")).status == "interrupted"

    cancelled = await client.post("/print/batches/elsewhere-running/cancel",
                                  headers={"HX-Request": "true"})
    assert "Annulé" in cancelled.text
    assert (await client.get("/print/batches/no-such-batch")).status_code == 404
    assert (await client.get("/print/batches/x/download")).status_code == 404


async def test_batch_refuses_thermal_rolls_and_empty_selections(login_as):
    client = await login_as("back_office")
    response = await client.post("/print/batches", data={
        "order_numbers": "CMD-1", "kind": "invoice", "format": "80mm"})
    assert response.status_code == 422
    response = await client.post("/print/batches", data={"order_numbers": "", "kind": "invoice"})
    assert response.status_code == 422


async def test_the_order_form_over_http_and_who_may_open_it(login_as, order_factory,
                                                            pdf_renderer, pdf_text, pdf_pages):
    number = await order_factory(locale="fr")
    client = await login_as("back_office")
    response = await client.get(f"/orders/{number}/documents/order-form.pdf?format=letter")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "Bon de commande" in pdf_text(response.content)
    assert pdf_pages(response.content)[0] == (612, 792)
    page = await client.get(f"/orders/{number}/documents/order-form.html?format=80mm")
    assert page.status_code == 200 and "Bon pour accord" in page.text
    assert f"/orders/{number}/documents/order-form.pdf?format=80mm" in page.text
    assert (await client.get(
        f"/orders/{number}/documents/order-form.html?format=a5")).status_code == 422

    picker = await login_as("picker")
    assert (await picker.get(f"/orders/{number}/documents/order-form.html")).status_code == 403
    assert (await picker.get(f"/orders/{number}/documents/order-form.pdf")).status_code == 403


async def test_batch_of_order_forms(login_as, order_factory, pdf_renderer, pdf_text, pdf_pages):
    from dashboard.db.tables import Invoice

    client = await login_as("back_office", locale="fr")
    form = await client.get("/print/new-batch")
    assert 'value="order-form"' in form.text and "Bon de commande" in form.text
    numbers = [await order_factory(paid=False) for _ in range(2)]
    cancelled = await order_factory(paid=False, status="cancelled")
    response = await client.post("/print/batches", data={
        "order_numbers": " ".join(numbers + [cancelled]), "kind": "order-form", "format": "a4"})
    assert response.status_code == 303
    batch = await print_batches.wait_for(response.headers["location"].rsplit("/", 1)[1])
    assert batch.status == "done", batch.error
    assert list(batch.skipped) == [cancelled]
    download = await client.get(f"/print/batches/{batch.id}/download")
    assert len(pdf_pages(download.content)) == 2
    text = pdf_text(download.content)
    assert all(number in text for number in numbers)
    assert await Invoice.count() == 0  # an order form issues nothing

    picker = await login_as("picker")
    refused = await picker.post("/print/batches", data={
        "order_numbers": numbers[0], "kind": "order-form", "format": "a4"})
    assert refused.status_code == 403


async def test_the_heartbeat_renews_the_row_and_notices_a_cancel(login_as, order_factory,
                                                                 monkeypatch):
    from dashboard.db.tables import PrintBatch

    monkeypatch.setattr(print_batches, "HEARTBEAT_SECONDS", 0.01)
    monkeypatch.setattr(print_batches, "FLUSH_SECONDS", 3600)  # only the heartbeat writes
    numbers = [await order_factory() for _ in range(4)]
    batch_id = await print_batches.start_batch(numbers, "delivery-note", "a4", "tester")
    started = await PrintBatch.select(PrintBatch.heartbeat_at).where(
        PrintBatch.batch_id == batch_id).first()
    await PrintBatch.update({PrintBatch.status: "cancelled"}).where(
        PrintBatch.batch_id == batch_id)
    batch = await print_batches.wait_for(batch_id)
    assert batch.status == "cancelled"
    row = await PrintBatch.select(PrintBatch.pdf, PrintBatch.heartbeat_at).where(
        PrintBatch.batch_id == batch_id).first()
    assert row["pdf"] is None and row["heartbeat_at"] >= started["heartbeat_at"]
    assert batch_id not in print_batches._tasks  # the run and its heartbeat have ended
