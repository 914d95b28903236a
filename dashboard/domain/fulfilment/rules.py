"""Fulfilment rules: holds, what may be picked or shipped, and the status a shipment gives.

Decisions (documented here because the services, the screens and the integrations rely on
them):
- A shipment only takes goods the order holds and the picker counted: per line at most
  ``reserved`` (ordered, not yet shipped and not backordered) and at most what was picked
  and not yet shipped. The picker's count is the truth of what is in the parcel.
- Nothing ships unpicked: while a line holds units nobody picked (never on a pick list, or
  on a pick list still open), the order is refused with the missing lines named. Units a
  picker marked short on a completed pick list do not block: the parcel leaves with what
  was found (partially shipped). Back office or admin may ship anyway, "without picking",
  with a reason written to the history (``can_ship_unpicked``).
- Held or cancelled orders are neither picked nor shipped. A hold "until a date" stops
  holding by itself once the date has passed.
- The order's fulfilment status follows from its lines: nothing shipped -> unchanged,
  some -> partially_shipped, everything ordered -> shipped; it moves only through
  ``statuses.check_transition``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo
from enum import StrEnum

from dashboard.domain.errors import DomainError, ValidationFailed
from dashboard.domain.numbers import N_, Message
from dashboard.domain.statuses import (
    FulfilmentStatus, OrderStatus, PaymentMethod, ShippingMethod, check_transition,
)


class HoldReason(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    ADDRESS_TO_CHECK = "address_to_check"
    OUT_OF_STOCK = "out_of_stock"
    SUSPECTED_FRAUD = "suspected_fraud"
    PAYMENT_REVIEW = "payment_review"  # set by payment webhooks: conflicting or excess money
    MANUAL = "manual"
    UNTIL_DATE = "until_date"


class NotAllowed(DomainError):
    """The order's state forbids this fulfilment step (held, cancelled, already done...)."""

    code = "not_allowed"


# Scan-to-ship mistakes can be taken back for this long after the shipment.
UNDO_WINDOW = timedelta(minutes=5)
MAX_BULK_ROWS = 2000


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands timestamps back naive (they are UTC)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def is_held(status: str, hold_reason: str | None, hold_until: datetime | None,
            now: datetime | None = None) -> bool:
    """True while the hold applies; a dated hold lapses when its date has passed."""
    if status != OrderStatus.ON_HOLD:
        return False
    if hold_reason == HoldReason.UNTIL_DATE and hold_until is not None:
        return as_utc(hold_until) > (now or datetime.now(timezone.utc))
    return True


def check_hold(status: str, reason: str | None, until: datetime | None,
               now: datetime | None = None) -> None:
    """A hold needs a known reason; "until a date" needs a date in the future."""
    if reason not in set(HoldReason):
        raise ValidationFailed({"reason": Message("Choose a hold reason.")},
                               Message("Check the highlighted fields"))
    if reason == HoldReason.UNTIL_DATE:
        if until is None:
            raise ValidationFailed({"until": Message("Choose the date the hold ends.")},
                                   Message("Check the highlighted fields"))
        if until <= (now or datetime.now(timezone.utc)):
            raise ValidationFailed({"until": Message("The date must be in the future.")},
                                   Message("Check the highlighted fields"))
    if status == OrderStatus.ON_HOLD:
        raise NotAllowed(Message("The order is already on hold."))
    check_transition("status", status, OrderStatus.ON_HOLD)


class WaitingFor(StrEnum):
    """Why an open order is not in the dispatch desk's "ready to leave" list."""

    PAYMENT = "payment"   # not fully paid (partly paid orders wait too)
    STOCK = "stock"       # units backordered: the goods are not all held for it


def waiting_for(balance_due: int, shipping_method: str, payment_method: str,
                backordered: int) -> WaitingFor | None:
    """None when the order may leave now: fully paid, or paid at the shop's counter
    (click-and-collect, cash on pickup), and every unit still to ship held for it."""
    pays_at_pickup = (shipping_method == ShippingMethod.CLICK_AND_COLLECT
                      or payment_method == PaymentMethod.CASH_ON_PICKUP)
    if balance_due > 0 and not pays_at_pickup:
        return WaitingFor.PAYMENT
    if backordered > 0:
        return WaitingFor.STOCK
    return None


MAX_HOLD_NOTE = 500


def check_hold_note(note: str | None) -> str:
    """The free-text words staff add to a hold or its release, single-spaced and bounded."""
    note = " ".join((note or "").split())
    if len(note) > MAX_HOLD_NOTE:
        raise ValidationFailed({"note": Message("At most %(maximum)s characters.",
                                                maximum=MAX_HOLD_NOTE)},
                               Message("Check the highlighted fields"))
    return note


def hold_end(day: str, timezone_name: str) -> datetime:
    """"Hold until <day>": the hold lapses when that day is over in the shop's time zone.
    Raises ``ValidationFailed`` for anything but an ISO date (what a date input sends)."""
    try:
        chosen = date.fromisoformat((day or "").strip())
    except ValueError:
        raise ValidationFailed({"until": Message("Choose a date.")},
                               Message("Check the highlighted fields")) from None
    midnight = datetime.combine(chosen + timedelta(days=1), datetime.min.time())
    return midnight.replace(tzinfo=ZoneInfo(timezone_name)).astimezone(timezone.utc)


SHIPPABLE_STATUSES = frozenset({OrderStatus.OPEN, OrderStatus.ON_HOLD})
STILL_TO_SHIP = frozenset({FulfilmentStatus.UNFULFILLED, FulfilmentStatus.PARTIALLY_SHIPPED})
ON_THE_WAY = frozenset({FulfilmentStatus.SHIPPED, FulfilmentStatus.PARTIALLY_SHIPPED})


def may_offer_shipping(status: str, shipping_method: str, fulfilment_status: str) -> bool:
    """Whether the order screen offers the ship form: goods still to leave by carrier (the
    form itself says why a held order cannot leave yet)."""
    return (status in SHIPPABLE_STATUSES and shipping_method != ShippingMethod.CLICK_AND_COLLECT
            and fulfilment_status in STILL_TO_SHIP)


def may_mark_delivered(fulfilment_status: str) -> bool:
    """A parcel is on its way: staff may confirm it arrived."""
    return fulfilment_status in ON_THE_WAY


COLLECTED_IN_STORE = N_("Order %(number)s is collected in store: mark it ready for pickup "
                        "instead.")


def check_not_collected_in_store(order: dict) -> None:
    """A click-and-collect order leaves by the pickup counter, not by the dispatch desk."""
    if order["shipping_method"] == ShippingMethod.CLICK_AND_COLLECT:
        raise NotAllowed(Message(COLLECTED_IN_STORE, number=order["number"]))


def check_workable(order: dict, step: str, now: datetime | None = None) -> None:
    """Refuse picking or shipping (``step``) an order that is cancelled, closed or held."""
    if order["status"] == OrderStatus.CANCELLED:
        raise NotAllowed(Message(N_("Order %(number)s is cancelled: it cannot go further."),
                                 number=order["number"]))
    if is_held(order["status"], order.get("hold_reason"), order.get("hold_until"), now):
        raise NotAllowed(Message(N_("Order %(number)s is on hold: release it first."),
                                 number=order["number"]))


# Who may ship an order whose pick is not complete, with a reason.
SHIP_UNPICKED_ROLES = frozenset({"admin", "back_office"})  # staff role values
MAX_REASON_LENGTH = 500


def can_ship_unpicked(role: str) -> bool:
    return role in SHIP_UNPICKED_ROLES


@dataclass(frozen=True)
class LineState:
    """What one order line allows now."""

    id: int
    quantity: int
    reserved: int
    shipped: int
    picked: int
    on_pick_list: bool
    pick_open: bool = False     # on a pick list still being picked
    sku: str = ""
    name: str = ""

    @property
    def picked_unshipped(self) -> int:
        return max(self.picked - self.shipped, 0)

    @property
    def unpicked(self) -> int:
        """Units held for the line that no picker counted and that block shipping: none
        once a completed pick list covered the line (what is left was found short)."""
        if self.on_pick_list and not self.pick_open:
            return 0
        return max(self.reserved - self.picked_unshipped, 0)

    def shippable_now(self, without_picking: bool = False) -> int:
        limit = self.reserved if without_picking else min(self.reserved, self.picked_unshipped)
        return max(limit, 0)

    @property
    def shippable(self) -> int:
        return self.shippable_now()


class PickIncomplete(NotAllowed):
    """Units of the order were never picked: ``missing`` lists ``(sku, name, units)``."""

    code = "pick_incomplete"

    def __init__(self, number: str, missing: list[tuple[str, str, int]]) -> None:
        listed = ", ".join(f"{units} × {name or sku} ({sku})" for sku, name, units in missing)
        super().__init__(Message("Order %(number)s is not fully picked: missing %(lines)s.",
                                 number=number, lines=listed), missing=missing)
        self.missing = missing


def check_picked(number: str, lines: list[LineState]) -> None:
    """Refuse the shipment while units held for the order were never picked."""
    missing = [(line.sku, line.name, line.unpicked) for line in lines if line.unpicked > 0]
    if missing:
        raise PickIncomplete(number, missing)


def check_unpicked_reason(role: str, reason: str | None) -> str:
    """The reason to ship without picking, checked: only back office or admin, and a
    reason is required."""
    if not can_ship_unpicked(role):
        raise NotAllowed(Message("Only back office or an admin may ship without picking."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed({"unpicked_reason": Message("Say why it ships without picking.")},
                               Message("Say why it ships without picking."))
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed({"unpicked_reason": Message(
            "At most %(maximum)s characters.", maximum=MAX_REASON_LENGTH)},
            Message("Check the highlighted fields"))
    return reason


def plan_shipment(lines: list[LineState], requested: dict[int, int] | None,
                  without_picking: bool = False) -> dict[int, int]:
    """The quantities to ship per line id, or ``ValidationFailed`` naming each bad line.

    ``requested`` None means "everything that can leave now". Zero quantities are dropped;
    an empty shipment is refused. Without ``without_picking`` a line gives at most what was
    picked and not yet shipped (the caller has checked ``check_picked``).
    """
    by_id = {line.id: line for line in lines}
    if requested is None:
        plan = {line.id: line.shippable_now(without_picking) for line in lines
                if line.shippable_now(without_picking) > 0}
        if not plan:
            raise ValidationFailed({"lines": Message(N_("Nothing left that can be shipped."))},
                                   Message(N_("Nothing left that can be shipped")))
        return plan
    errors: dict[str, str] = {}
    plan = {}
    for line_id, quantity in requested.items():
        line = by_id.get(line_id)
        if line is None:
            errors[f"line_{line_id}"] = Message(N_("Not a line of this order."))
        elif not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            errors[f"line_{line_id}"] = Message(N_("A whole number of 0 or more."))
        elif quantity > line.shippable_now(without_picking):
            template = (N_("at most %(units)s (held for it)") if without_picking
                        else N_("at most %(units)s (picked and not yet shipped)"))
            errors[f"line_{line_id}"] = Message(template,
                                                units=line.shippable_now(without_picking))
        elif quantity:
            plan[line_id] = quantity
    if errors:
        raise ValidationFailed(errors, Message(N_("Some quantities cannot be shipped")))
    if not plan:
        raise ValidationFailed({"lines": Message(N_("Choose at least one unit to ship."))},
                               Message(N_("Choose at least one unit to ship")))
    return plan


def status_after_shipping(current: str, quantities: list[tuple[int, int]]) -> str:
    """The fulfilment status once lines have shipped ``(quantity, shipped)``; checked."""
    target = status_from_lines(quantities)
    check_transition("fulfilment_status", current, target)
    return target


def status_from_lines(quantities: list[tuple[int, int]]) -> str:
    """unfulfilled / partially_shipped / shipped from ``(quantity, shipped)`` per line.

    Unchecked on purpose: an undone shipment uses it to go back, which is a correction of
    a mistake, not a lifecycle move the transition table should allow.
    """
    ordered = sum(q for q, _ in quantities)
    shipped = sum(s for _, s in quantities)
    if shipped <= 0:
        target = FulfilmentStatus.UNFULFILLED.value
    elif shipped >= ordered:
        target = FulfilmentStatus.SHIPPED.value
    else:
        target = FulfilmentStatus.PARTIALLY_SHIPPED.value
    return target


TRACKING_STATUSES = ("in_transit", "delivered", "exception")


def check_tracking_status(status: str) -> None:
    if status not in TRACKING_STATUSES:
        raise ValidationFailed({"status": "one of " + ", ".join(TRACKING_STATUSES)})


def check_undo(shipped_at: datetime, now: datetime | None = None) -> None:
    """Only a recent shipment may be taken back; later, record a return instead."""
    if (now or datetime.now(timezone.utc)) - as_utc(shipped_at) > UNDO_WINDOW:
        raise NotAllowed("Too late to undo: shipments can be undone for five minutes")


@dataclass(frozen=True)
class BulkShipRow:
    number: str
    carrier: str
    tracking_number: str


def parse_bulk_shipments(text: str, default_carrier: str | None = None) -> list[BulkShipRow]:
    """Rows "order number, carrier, tracking number" (comma, semicolon or tab), or
    "order number, tracking number" when a ``default_carrier`` is given; a header row and
    blank lines are ignored. Raises ``ValidationFailed`` naming the first bad line."""
    rows = []
    for line in text.splitlines():
        # Each line may use its own separator (pasted from different places).
        delimiter = max(",;\t", key=line.count)
        cells = [c.strip() for c in next(csv.reader(io.StringIO(line), delimiter=delimiter), [])]
        if not any(cells) or cells[0].lower().replace("_", " ") in ("order number", "number",
                                                                     "order"):
            continue
        if len(cells) == 2 and default_carrier:
            cells = [cells[0], default_carrier, cells[1]]
        if len(cells) < 3:
            raise ValidationFailed({"csv": Message(N_(
                "Line “%(line)s”: expected order number, carrier, tracking number."),
                line=line.strip())})
        rows.append(BulkShipRow(cells[0], cells[1], cells[2]))
    if not rows:
        raise ValidationFailed({"csv": Message(N_("Paste at least one line."))})
    if len(rows) > MAX_BULK_ROWS:
        raise ValidationFailed({"csv": Message(N_("At most %(maximum)s lines at once."),
                                               maximum=MAX_BULK_ROWS)})
    return rows
