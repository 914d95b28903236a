"""Outbox writers: emails, outgoing webhooks and print jobs are *rows* written in the same
transaction as the business change, and delivered later by the worker. A rolled-back
change therefore never sends anything, and a crash after commit loses nothing.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

from piccolo.utils.encoding import dump_json

from dashboard.components.i18n import current_locale
from dashboard.db import sql
from dashboard.db.json_columns import json_value

EMAIL_TEMPLATE_DIR = "emails"


def render_email(template: str, context: dict, locale: str) -> tuple[str, str, str]:
    """Subject, text body and HTML body of ``templates/emails/<template>.{subject,txt,html}``,
    rendered in ``locale`` (the customer's language, not the staff member's)."""
    from dashboard.components.templating import email_environment

    env = email_environment()
    token = current_locale.set(locale)
    try:
        subject = env.get_template(f"{EMAIL_TEMPLATE_DIR}/{template}.subject.txt").render(context)
        text = env.get_template(f"{EMAIL_TEMPLATE_DIR}/{template}.txt").render(context)
        html = env.get_template(f"{EMAIL_TEMPLATE_DIR}/{template}.html").render(context)
    finally:
        current_locale.reset(token)
    return " ".join(subject.split()), text, html


# Hand-written (dashboard.db.sql): every order placed writes these.
_INSERT_EMAIL = sql.insert("outbox_email", (
    "order", "template", "to_address", "subject", "body_text", "body_html", "attachments",
    "status", "attempts", "next_attempt_at", "last_error", "created_at"))
_INSERT_WEBHOOK = sql.insert("outbox_webhook", (
    "endpoint", "message_id", "event_type", "payload", "status", "attempts", "next_attempt_at",
    "last_error", "created_at"))
_ACTIVE_ENDPOINTS = 'SELECT "id", "events" FROM "webhook_endpoint" WHERE "active" = {}'


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def queue_email(template: str, to_address: str, context: dict, *, locale: str = "fr",
                      order_id: int | None = None, attachments: list[dict] | None = None) -> None:
    """Render now (so the email shows the order as it was) and queue for delivery."""
    await sql.execute_all([email_statement(template, to_address, context, locale=locale,
                                           order_id=order_id, attachments=attachments)])


def email_statement(template: str, to_address: str, context: dict, *, locale: str = "fr",
                    order_id: int | None = None,
                    attachments: list[dict] | None = None) -> sql.Statement:
    """``queue_email`` as a statement, to run with others (``sql.execute_all``)."""
    subject, text, html = render_email(template, context, locale)
    now = _now()
    return _INSERT_EMAIL, (order_id, template, to_address, subject, text, html,
                           dump_json(attachments or []), "pending", 0, now, "", now)


async def active_endpoints() -> list[dict]:
    """The active webhook endpoints with their subscribed events (a list)."""
    endpoints = await sql.fetch(_ACTIVE_ENDPOINTS, True)
    for endpoint in endpoints:
        endpoint["events"] = json_value(endpoint["events"], [])
    return endpoints


def subscribed(endpoint: dict, event_type: str) -> bool:
    """An endpoint with no event list takes every event."""
    return not endpoint["events"] or event_type in endpoint["events"]


async def queue_webhook(event_type: str, payload: dict) -> int:
    """One outgoing webhook row per active endpoint subscribed to ``event_type``."""
    statements = await webhook_statements(event_type, payload)
    await sql.execute_all(statements)
    return len(statements)


def new_message_id() -> str:
    """An outgoing webhook's id (Standard Webhooks ``webhook-id``), unique per message."""
    return "msg_" + secrets.token_hex(12)


def webhook_body(event_type: str, payload: dict) -> dict:
    """What an endpoint receives: the event type and the object it is about."""
    return {"type": event_type, "data": payload}


async def webhook_statements(event_type: str, payload: dict) -> list[sql.Statement]:
    """``queue_webhook`` as statements, to run with others (``sql.execute_all``)."""
    endpoints = [e for e in await active_endpoints() if subscribed(e, event_type)]
    return endpoint_webhook_statements(endpoints, event_type, payload)


def endpoint_webhook_statements(endpoints: list[dict], event_type: str,
                                payload: dict) -> list[sql.Statement]:
    """One webhook row per endpoint given (looked up once for a batch of orders)."""
    body = dump_json(webhook_body(event_type, payload))
    now = _now()
    return [(_INSERT_WEBHOOK, (endpoint["id"], new_message_id(), event_type, body,
                               "pending", 0, now, "", now)) for endpoint in endpoints]
