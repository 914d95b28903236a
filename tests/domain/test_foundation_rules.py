"""Pure rules of the foundation: no database, no HTTP."""

from datetime import datetime, timedelta, timezone

import pytest

from dashboard.components.i18n import normalise_locale, pick_from_accept_language
from dashboard.domain.staff.auth import check_password_strength, lock_after_failure
from dashboard.domain.errors import InvalidTransition, ValidationFailed
from dashboard.domain.pricing import balance_due, line_amounts, order_totals, vat_included_tax
from dashboard.domain.staff.roles import Area, areas_for, can_access
from dashboard.domain.search import fold, order_search_text
from dashboard.domain.statuses import PaymentStatus, check_transition, payment_status_for


def test_cancelled_orders_cannot_reopen_but_held_ones_can():
    check_transition("status", "on_hold", "open")
    with pytest.raises(InvalidTransition):
        check_transition("status", "cancelled", "open")


def test_fulfilment_cannot_jump_back_from_returned():
    check_transition("fulfilment_status", "shipped", "delivered")
    check_transition("fulfilment_status", "delivered", "shipped")  # an exchange's replacement
    with pytest.raises(InvalidTransition):
        check_transition("fulfilment_status", "returned", "shipped")


@pytest.mark.parametrize("total,paid,refunded,expected", [
    (1000, 0, 0, PaymentStatus.UNPAID),
    (1000, 400, 0, PaymentStatus.PARTIALLY_PAID),
    (1000, 1000, 0, PaymentStatus.PAID),
    (1000, 1200, 0, PaymentStatus.PAID),
    (1000, 1000, 300, PaymentStatus.PARTIALLY_REFUNDED),
    (1000, 1000, 1000, PaymentStatus.REFUNDED),
    (0, 0, 0, PaymentStatus.PAID),
])
def test_payment_status_follows_the_money(total, paid, refunded, expected):
    assert payment_status_for(total, paid, refunded) == expected


def test_vat_is_extracted_from_vat_included_prices_and_rounded_half_up():
    assert vat_included_tax(1200, 2000) == 200
    assert vat_included_tax(1055, 550) == 55
    assert vat_included_tax(0, 2000) == 0
    line = line_amounts(1990, 2, 2000)
    assert line.line_total == 3980 and line.tax_amount == 663
    totals = order_totals([line, line_amounts(500, 1, 550)], shipping_total=490)
    assert totals.subtotal == 4480 and totals.total == 4970
    assert totals.tax_total == 663 + 26 + 82


def test_balance_is_what_is_still_owed_either_way():
    assert balance_due(5000, 0, 0, 0, 0) == 5000
    assert balance_due(5000, 1000, 5000, 0, 0) == 1000
    assert balance_due(5000, 0, 5000, 0, 2000) == -2000
    assert balance_due(5000, 0, 5000, 2000, 2000) == 0
    assert balance_due(5000, 0, 0, 0, 0, cancelled=True) == 0
    assert balance_due(5000, 0, 5000, 0, 0, cancelled=True) == -5000


def test_picker_reaches_picking_only():
    assert areas_for("picker") == [Area.PICKING]
    assert can_access("admin", Area.SETTINGS)
    assert not can_access("call_centre", Area.PICKING)
    assert not can_access("nobody", Area.ORDERS)


def test_sign_in_slow_down_grows_and_is_capped():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert lock_after_failure(4, now) is None
    assert lock_after_failure(5, now) == now + timedelta(seconds=2)
    assert lock_after_failure(6, now) == now + timedelta(seconds=4)
    assert lock_after_failure(60, now) == now + timedelta(minutes=15)


def test_weak_passwords_are_refused():
    with pytest.raises(ValidationFailed):
        check_password_strength("short", "anne")
    with pytest.raises(ValidationFailed):
        check_password_strength("anne.martin", "Anne.Martin")
    check_password_strength("a long enough secret", "anne")


def test_search_text_ignores_accents_and_case():
    assert fold("  Hélène  LEFÈVRE ") == "helene lefevre"
    assert order_search_text("100123", "Zoë Dupré", None, "69003") == "100123 zoe dupre 69003"
    assert order_search_text("100124", "+33 6 12 34 56 78") == "100124 +33 6 12 34 56 78 33612345678"


def test_language_choice():
    assert normalise_locale("en_GB") == "en"
    assert normalise_locale("de") is None
    assert pick_from_accept_language("de-DE,de;q=0.9,en;q=0.8,fr;q=0.7") == "en"
    assert pick_from_accept_language("fr-CH, fr;q=0.9") == "fr"
    assert pick_from_accept_language("") is None
