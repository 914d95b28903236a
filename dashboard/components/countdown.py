"""The payment countdown staff see on unpaid orders ("cancels in 2 days")."""

from __future__ import annotations

from datetime import datetime, timezone

from babel.dates import format_timedelta

from dashboard.components.i18n import current_locale, gettext
from dashboard.domain.payments import DeadlinePolicy, order_deadline
from dashboard.settings import get_settings


def countdown(deadline: datetime | None, now: datetime | None = None) -> str:
    """"cancels in 2 days" / "cancels in 45 minutes"; "cancellation due" once passed."""
    if deadline is None:
        return ""
    delta = deadline - (now or datetime.now(timezone.utc))
    if delta.total_seconds() <= 0:
        return gettext("cancellation due")
    when = format_timedelta(delta, add_direction=True, locale=current_locale.get())
    return gettext("cancels %(when)s") % {"when": when}


def is_overdue(deadline: datetime | None) -> bool:
    return deadline is not None and deadline <= datetime.now(timezone.utc)


def payment_deadline(order_row: dict) -> datetime | None:
    """The deadline the countdown shows: the auto-cancel rule, with the shop's policy."""
    return order_deadline(order_row, DeadlinePolicy.from_settings(get_settings()))
