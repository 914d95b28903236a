"""When an unpaid order is reminded and cancelled, per payment method.

Cards settle within minutes, so an unpaid card order is an abandoned checkout: it is
cancelled after a few minutes. Bank transfers and cheques take business days (weekends and
the country's public holidays do not count), so their delay is counted in business days,
ending at midnight (shop time) after the last business day. Cash on pickup is paid at the
counter: it is never cancelled automatically.

A reminder goes to the customer before cancelling. Cancellation never comes sooner than
``reminder lead`` after the reminder was actually sent, so a worker that was down does not
remind and cancel in the same minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from dashboard.domain.statuses import OrderStatus, PaymentMethod, PaymentStatus


@dataclass(frozen=True)
class DeadlinePolicy:
    """How long each payment method may stay unpaid. Zero turns auto-cancel off for it."""

    card_minutes: int = 60
    bank_transfer_days: int = 5
    cheque_days: int = 10
    reminder_lead: timedelta = timedelta(hours=24)
    country: str = "FR"
    timezone: str = "Europe/Paris"

    @classmethod
    def from_settings(cls, s) -> "DeadlinePolicy":
        """The policy the shop configured (``dashboard.settings.Settings``, passed in so the
        rules read no environment)."""
        return cls(card_minutes=s.card_payment_minutes,
                   bank_transfer_days=s.bank_transfer_payment_days,
                   cheque_days=s.cheque_payment_days,
                   reminder_lead=timedelta(hours=s.payment_reminder_hours),
                   country=s.holidays_country, timezone=s.timezone)


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=[year]).keys())


def is_business_day(day: date, country: str) -> bool:
    """Monday to Friday, and not a public holiday of ``country``."""
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def add_business_days(start: date, days: int, country: str) -> date:
    """The ``days``-th business day after ``start`` (``start`` itself never counts)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current, country):
            remaining -= 1
    return current


def payment_deadline(payment_method: str, placed_at: datetime,
                     policy: DeadlinePolicy) -> datetime | None:
    """When an order placed at ``placed_at`` (UTC) is due for cancellation if still unpaid.

    None when the method is never cancelled automatically (cash on pickup, unknown
    methods, or a delay set to zero).
    """
    if payment_method == PaymentMethod.CARD:
        if policy.card_minutes <= 0:
            return None
        return placed_at + timedelta(minutes=policy.card_minutes)
    days = {PaymentMethod.BANK_TRANSFER: policy.bank_transfer_days,
            PaymentMethod.CHEQUE: policy.cheque_days}.get(payment_method, 0)
    if days <= 0:
        return None
    zone = ZoneInfo(policy.timezone)
    local_day = placed_at.astimezone(zone).date()
    last_day = add_business_days(local_day, days, policy.country)
    end = datetime.combine(last_day + timedelta(days=1), time(0, 0), tzinfo=zone)
    return end.astimezone(placed_at.tzinfo)


def is_cancellable_unpaid(status: str, payment_status: str) -> bool:
    """Only open orders with no money received at all are auto-cancelled.

    A partial payment shows the customer means it: staff decide. Held orders are staff's
    too.
    """
    return status == OrderStatus.OPEN and payment_status == PaymentStatus.UNPAID


def order_deadline(order_row: dict, policy: DeadlinePolicy) -> datetime | None:
    """When this order will be cancelled if still unpaid; None if it never will be.

    Needs ``status``, ``payment_status``, ``payment_method`` and ``placed_at`` in the row:
    the order screen's countdown and the worker's selection read the same rule.
    """
    if not is_cancellable_unpaid(order_row["status"], order_row["payment_status"]):
        return None
    return payment_deadline(order_row["payment_method"], order_row["placed_at"], policy)


def reminder_due_at(placed_at: datetime, deadline: datetime, lead: timedelta) -> datetime:
    """When the reminder goes out: ``lead`` before the deadline, but never before half of
    the delay has run (a 60-minute card delay reminds after 30 minutes)."""
    half = placed_at + (deadline - placed_at) / 2
    return max(deadline - lead, half)


def cancellation_due_at(placed_at: datetime, deadline: datetime, lead: timedelta,
                        reminded_at: datetime | None) -> datetime | None:
    """When the order may be cancelled: None until the reminder has been sent; then the
    deadline, or later if the reminder went out late (the customer keeps the same notice)."""
    if reminded_at is None:
        return None
    notice = deadline - reminder_due_at(placed_at, deadline, lead)
    return max(deadline, reminded_at + notice)
