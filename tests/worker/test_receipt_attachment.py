"""A paid order's receipt reaches the customer's mailbox with the receipt PDF attached."""

from io import BytesIO

from pypdf import PdfReader

from dashboard.services.payments.money import record_payment
from dashboard.worker.smtp import EmailDeliverer
from tests.factories import make_order
from tests.smtp_server import FROM


async def test_receipt_email_carries_the_receipt_pdf(smtp_server):  # noqa: F811
    order = await make_order(payment_method="card", email="zoe@example.fr", name="Zoé Durand")
    await record_payment(order["number"], order["total"], "EUR", "PSP-1", method="card",
                         source="webhook", received_on=None, actor="test", send_receipt=True)
    deliverer = EmailDeliverer(smtp_url=smtp_server.url, from_address=FROM)
    assert await deliverer.run_once() == 1
    [message] = smtp_server.inbox.messages
    pdfs = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    assert pdfs[0].get_filename() == f"receipt-{order['number']}.pdf"
    text = PdfReader(BytesIO(pdfs[0].get_payload(decode=True))).pages[0].extract_text()
    assert order["number"] in text and "Durand" in text
