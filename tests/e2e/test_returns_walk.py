"""A browser walks a return from the order screen to the credit note PDF in the customer's
mailbox: a real server, real Chromium, real SMTP (aiosmtpd), both engines."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from dashboard.db.tables import CreditNote, Order, ReturnRequest
from dashboard.worker.smtp import EmailDeliverer
from tests.returns.conftest import make_shipped_order
from tests.smtp_server import FROM

pytestmark = pytest.mark.e2e


def _pdfs(message) -> dict[str, str]:
    return {part.get_filename(): PdfReader(BytesIO(part.get_payload(decode=True))).pages[0]
            .extract_text() for part in message.walk()
            if part.get_content_type() == "application/pdf"}


async def test_return_with_credit_note_from_the_order_screen_to_the_emailed_pdf(
        staff_page, smtp_server):  # noqa: F811
    order = await make_shipped_order(email="zoe@example.fr", locale="en")
    number = order["number"]
    page = await staff_page("back_office")
    await page.goto(f"/orders/{number}")
    panel = page.locator("#returns-panel")
    await panel.get_by_role("button", name="Authorise return").wait_for()  # loaded by htmx
    await panel.get_by_label("Quantity coming back TSHIRT-BLUE-M").fill("1")
    await panel.get_by_label("Reason TSHIRT-BLUE-M").select_option("too_small")
    await panel.get_by_role("button", name="Authorise return").click()
    await page.wait_for_url("**/returns/RMA-*")
    rma = (await ReturnRequest.select().first())["rma_number"]
    assert rma in await page.locator("h1").inner_text()

    await page.get_by_role("button", name="Record receipt").click()
    await page.locator('#return-status[data-status="received"]').wait_for()
    await page.get_by_label("How it is refunded").select_option("card")
    await page.get_by_label("Refund reference").fill("RF-E2E-1")
    await page.get_by_role("button", name="Issue credit note").click()
    await page.locator("#credit-notes").wait_for()
    note = await CreditNote.select().first()
    assert note["number"] in await page.locator("#credit-notes").inner_text()
    after = await Order.select().where(Order.id == order["id"]).first()
    assert (after["credited_total"], after["refunded_total"], after["balance_due"]) == (
        1990, 1990, 0)

    deliverer = EmailDeliverer(smtp_url=smtp_server.url, from_address=FROM)
    assert await deliverer.run_once() == 2
    by_subject = {m["Subject"]: m for m in smtp_server.inbox.messages}
    [slip_mail] = [m for s, m in by_subject.items() if rma in s]
    assert rma in _pdfs(slip_mail)[f"return-slip-{number}-{rma}.pdf"]
    [credit_mail] = [m for s, m in by_subject.items() if note["number"] in s]
    assert credit_mail["To"] == "zoe@example.fr"
    text = _pdfs(credit_mail)[f"credit-note-{number}-{note['number']}.pdf"]
    assert note["number"] in text and number in text
