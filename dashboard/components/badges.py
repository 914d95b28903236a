"""Status badges whose words depend on more than one field of the order."""

from __future__ import annotations

from typing import Mapping, NamedTuple

from dashboard.components.formatting import money
from dashboard.components.i18n import gettext as _
from dashboard.components.labels import N_, label
from dashboard.domain.payments import payment_standing
from dashboard.domain.payments.standing import BALANCE_DUE, OWED_TO_CUSTOMER


class Badge(NamedTuple):
    css: str  # the class after ``pay-``
    text: str


_WITH_AMOUNT = {
    BALANCE_DUE: ("partially_paid", N_("Partially paid, %(amount)s due")),
    OWED_TO_CUSTOMER: ("owed_to_customer", N_("Owed to the customer: %(amount)s")),
}


def payment_badge(order: Mapping) -> Badge:
    """The order's payment badge: its status, or what is still due or owed back, amount
    included (see ``domain/payments/standing``)."""
    standing = payment_standing(order["payment_status"], order["balance_due"],
                                order["paid_total"], order["refunded_total"])
    if standing.key in _WITH_AMOUNT:
        css, text = _WITH_AMOUNT[standing.key]
        return Badge(css, _(text) % {"amount": money(standing.amount, order["currency"])})
    return Badge(standing.key, label("payment_status", standing.key))
