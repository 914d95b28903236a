"""Outbox emails over SMTP with aiosmtplib: ``SMTP_URL`` parsing, MIME building, delivery.

``smtp://user:password@host:port`` (plain, or ``?starttls=1`` to upgrade), ``smtps://`` for
implicit TLS. No ``SMTP_URL`` or no ``DASHBOARD_FROM_EMAIL``: emails stay queued.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from dashboard.db.tables import OutboxEmail
from dashboard.settings import get_settings
from dashboard.worker.attachments import Attachment, AttachmentLoader, document_attachments
from dashboard.worker.outbox import OutboxDeliverer, PermanentFailure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpConfig:
    hostname: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        """Parse ``SMTP_URL``; ``ValueError`` on another scheme or no host."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:password@host:port")
        query = parse_qs(parts.query)
        start_tls = query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes", "on")
        use_tls = parts.scheme == "smtps"
        port = parts.port or (465 if use_tls else 587 if start_tls else 25)
        return cls(hostname=parts.hostname, port=port,
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   use_tls=use_tls, start_tls=start_tls and not use_tls)


def message_id(row: dict, from_address: str) -> str:
    """Stable per outbox row: a resend after a crash carries the same Message-ID."""
    domain = from_address.rpartition("@")[2] or "localhost"
    created = int(row["created_at"].timestamp())
    return f"<outbox-{row['id']}.{created}@{domain}>"


def build_message(row: dict, from_address: str,
                  attachments: list[Attachment] = ()) -> EmailMessage:
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = row["to_address"]
    message["Subject"] = row["subject"]
    message["Date"] = formatdate(row["created_at"].timestamp(), usegmt=True)
    message["Message-ID"] = message_id(row, from_address)
    message.set_content(row["body_text"] or "")
    if row["body_html"]:
        message.add_alternative(row["body_html"], subtype="html")
    for filename, content, mime in attachments:
        maintype, _, subtype = mime.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def _is_permanent(exc: Exception) -> bool:
    """Authentication and 5xx answers will not change by retrying; connection trouble,
    timeouts and 4xx might."""
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return True
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(r.code >= 500 for r in exc.recipients)
    if isinstance(exc, (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPTimeoutError,
                        aiosmtplib.SMTPServerDisconnected)):
        return False
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return exc.code >= 500
    return False


class EmailDeliverer(OutboxDeliverer):
    name = "email"
    table = OutboxEmail
    done_status = "sent"
    timeout_seconds = 30.0
    attachment_loader: AttachmentLoader | None = None

    def __init__(self, smtp_url: str | None = None, from_address: str | None = None) -> None:
        settings = get_settings()
        self.smtp_url = smtp_url if smtp_url is not None else settings.smtp_url
        self.from_address = from_address if from_address is not None else settings.from_email
        self.config = SmtpConfig.from_url(self.smtp_url) if self.smtp_url else None
        if self.attachment_loader is None:
            self.attachment_loader = document_attachments
        if self.config and not self.from_address:
            log.warning("SMTP_URL is set but DASHBOARD_FROM_EMAIL is not: emails stay queued")

    def done_column(self):
        return OutboxEmail.sent_at

    def enabled(self) -> bool:
        return self.config is not None and bool(self.from_address)

    async def deliver(self, row: dict) -> None:
        config = self.config
        attachments = await self.attachment_loader(row) if self.attachment_loader else []
        message = build_message(row, self.from_address, attachments)
        try:
            await aiosmtplib.send(
                message, hostname=config.hostname, port=config.port, username=config.username,
                password=config.password, use_tls=config.use_tls, start_tls=config.start_tls,
                timeout=self.timeout_seconds)
        except aiosmtplib.SMTPException as exc:
            if _is_permanent(exc):
                raise PermanentFailure(f"{type(exc).__name__}: {exc}") from exc
            raise
