"""Email delivery through a real SMTP server (aiosmtpd on 127.0.0.1): retries, exactly once,
stable Message-ID, permanent refusals, every attempt recorded."""

from datetime import datetime, timedelta, timezone

import pytest

from dashboard.db.tables import OutboxEmail
from dashboard.db.transaction import write_transaction
from dashboard.services.outbox import queue_email
from dashboard.worker.smtp import EmailDeliverer, SmtpConfig, message_id
from tests.smtp_server import FROM

async def _queue(to="anne@example.fr", order_number="2026-1"):
    async with write_transaction():
        await queue_email("receipt", to, {"order": {
            "number": order_number, "customer_name": "Anne", "currency": "EUR", "total": 3980,
            "paid_total": 3980, "refunded_total": 0, "balance_due": 0}, "payment": None},
            locale="en")


async def _rows():
    return await OutboxEmail.select().order_by(OutboxEmail.id)


async def test_delivers_html_and_text_with_a_stable_message_id(smtp_server):
    await _queue()
    deliverer = EmailDeliverer(smtp_server.url, FROM)
    assert await deliverer.run_once() == 1
    [row] = await _rows()
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 1, "")
    [message] = smtp_server.inbox.messages
    assert message["Message-ID"] == message_id(row, FROM)
    assert message["From"] == FROM and message["To"] == "anne@example.fr"
    assert "Receipt" in message["Subject"]
    kinds = [part.get_content_type() for part in message.walk()]
    assert "text/plain" in kinds and "text/html" in kinds
    assert await deliverer.run_once() == 0  # nothing left


async def test_server_down_retries_with_backoff_then_each_message_exactly_once(smtp_server):
    deliverer = EmailDeliverer(smtp_server.url, FROM)
    await _queue(to="first@example.fr")
    await deliverer.run_once()
    smtp_server.stop()
    await _queue(to="second@example.fr")
    await _queue(to="third@example.fr")

    now = datetime.now(timezone.utc)
    assert await deliverer.run_once(now) == 2
    pending = [r for r in await _rows() if r["status"] == "pending"]
    assert len(pending) == 2
    for row in pending:
        assert row["attempts"] == 1 and "SMTPConnectError" in row["last_error"]
        assert row["next_attempt_at"] >= now + timedelta(seconds=29)
    # Not due yet: nothing is tried before the backoff has run.
    assert await deliverer.run_once(now + timedelta(seconds=5)) == 0
    # Still down at the next attempt: the wait doubles.
    later = now + timedelta(seconds=31)
    assert await deliverer.run_once(later) == 2
    for row in [r for r in await _rows() if r["status"] == "pending"]:
        assert row["attempts"] == 2 and row["next_attempt_at"] >= later + timedelta(seconds=59)

    smtp_server.restart()
    assert await deliverer.run_once(later + timedelta(minutes=2)) == 2
    assert await deliverer.run_once(later + timedelta(hours=2)) == 0
    rows = await _rows()
    assert [r["status"] for r in rows] == ["sent", "sent", "sent"]
    assert [r["attempts"] for r in rows] == [1, 3, 3]
    received = [m["To"] for m in smtp_server.inbox.messages]
    assert sorted(received) == ["first@example.fr", "second@example.fr", "third@example.fr"]


async def test_a_resend_after_a_crash_carries_the_same_message_id(smtp_server):
    await _queue()
    deliverer = EmailDeliverer(smtp_server.url, FROM)
    await deliverer.run_once()
    # The crash: the send happened but its recording was lost, the lease runs out.
    await OutboxEmail.update({OutboxEmail.status: "pending", OutboxEmail.sent_at: None}, force=True)
    await deliverer.run_once(datetime.now(timezone.utc) + timedelta(minutes=10))
    first, second = smtp_server.inbox.messages
    assert first["Message-ID"] == second["Message-ID"]


async def test_refused_recipient_fails_for_good_with_the_reason(smtp_server):
    smtp_server.inbox.refuse.add("nobody@example.fr")
    await _queue(to="nobody@example.fr")
    await EmailDeliverer(smtp_server.url, FROM).run_once()
    [row] = await _rows()
    assert row["status"] == "failed" and row["attempts"] == 1 and "550" in row["last_error"]


async def test_without_smtp_settings_emails_stay_queued():
    await _queue()
    assert await EmailDeliverer("", FROM).run_once() == 0
    assert await EmailDeliverer("smtp://127.0.0.1:1", "").run_once() == 0
    assert (await _rows())[0]["status"] == "pending"


def test_smtp_url_forms():
    plain = SmtpConfig.from_url("smtp://user%40shop:p%40ss@mail.example.fr:2525")
    assert (plain.hostname, plain.port, plain.username, plain.password) == (
        "mail.example.fr", 2525, "user@shop", "p@ss")
    assert not plain.use_tls and not plain.start_tls
    assert SmtpConfig.from_url("smtps://mail.example.fr").port == 465
    assert SmtpConfig.from_url("smtps://mail.example.fr").use_tls
    upgraded = SmtpConfig.from_url("smtp://mail.example.fr?starttls=1")
    assert upgraded.start_tls and upgraded.port == 587
    with pytest.raises(ValueError):
        SmtpConfig.from_url("http://mail.example.fr")
