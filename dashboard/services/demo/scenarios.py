"""What can have happened to an order, as data: one row per life story, and when orders are placed.

Each scenario fixes the three axes (status, payment, fulfilment) and what followed (a
return, a goodwill credit, a cancellation). Which stories are possible depends on the
order's age (a parcel is not delivered an hour after placement; an unpaid transfer is
cancelled after two weeks), so each has an age range and a weight per age bucket.
"""

from __future__ import annotations

import random
from bisect import bisect, bisect_left
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

DAY = 86_400.0
HISTORY_DAYS = 548  # 18 months


@dataclass(frozen=True, eq=False)
class Scenario:
    name: str
    status: str  # open | on_hold | cancelled | closed
    payment: str  # unpaid | failed | partial | paid
    fulfilment: str  # none | picking | backorder | partial | in_transit | delivered | ready | collected
    weights: tuple[float, float, float]  # orders under 3 days, 3 to 30 days, older
    min_age: float = 0.0  # days
    max_age: float = 10_000.0
    methods: tuple[tuple[str, float], ...] = (("card", 1.0),)
    shipping: str = "any"  # carrier | pickup | any
    after: str = ""  # return_authorised | return_unrefunded | partial_return | full_return | goodwill
    min_lines: int = 1


CARD = (("card", 1.0),)
ANY_PREPAID = (("card", 80.0), ("bank_transfer", 12.0), ("cheque", 8.0))

SCENARIOS: tuple[Scenario, ...] = (
    Scenario("card_failed", "open", "failed", "none", (3, 0, 0), max_age=3),
    Scenario("transfer_awaited", "open", "unpaid", "none", (8, 3, 0), max_age=14,
             methods=(("bank_transfer", 1.0),)),
    Scenario("cheque_awaited", "open", "unpaid", "none", (3, 2, 0), max_age=14, methods=(("cheque", 1.0),)),
    Scenario("transfer_short", "open", "partial", "none", (1, 1, 0), min_age=1, max_age=25,
             methods=(("bank_transfer", 1.0),)),
    Scenario("to_pick", "open", "paid", "picking", (30, 2, 0), max_age=4,
             methods=(("card", 9.0), ("bank_transfer", 1.0))),
    Scenario("backordered", "open", "paid", "backorder", (3, 3, 0), max_age=40, shipping="carrier"),
    Scenario("held_unpaid", "on_hold", "unpaid", "none", (2, 1, 0), max_age=12,
             methods=(("card", 1.0), ("bank_transfer", 1.0))),
    Scenario("held_paid", "on_hold", "paid", "none", (2, 1, 0), max_age=12),
    Scenario("partially_shipped", "open", "paid", "partial", (4, 4, 0.3), min_age=1, max_age=45,
             shipping="carrier", min_lines=2),
    Scenario("in_transit", "open", "paid", "in_transit", (10, 4, 0), min_age=0.5, max_age=8,
             methods=ANY_PREPAID, shipping="carrier"),
    Scenario("delivered", "closed", "paid", "delivered", (0, 50, 62), min_age=3, methods=ANY_PREPAID,
             shipping="carrier"),
    Scenario("pickup_ready", "open", "paid", "ready", (5, 2, 0), max_age=10, shipping="pickup"),
    Scenario("pickup_ready_unpaid", "open", "unpaid", "ready", (3, 1, 0), max_age=10,
             methods=(("cash_on_pickup", 1.0),), shipping="pickup"),
    Scenario("collected", "closed", "paid", "collected", (3, 7, 9), min_age=1,
             methods=(("card", 6.0), ("cash_on_pickup", 4.0)), shipping="pickup"),
    Scenario("return_authorised", "open", "paid", "delivered", (0, 2, 0.3), min_age=6, max_age=45,
             shipping="carrier", after="return_authorised"),
    Scenario("return_unrefunded", "open", "paid", "delivered", (0, 1.5, 0.3), min_age=10, max_age=60,
             shipping="carrier", after="return_unrefunded", min_lines=2),
    Scenario("partially_returned", "closed", "paid", "delivered", (0, 1, 4), min_age=12, methods=ANY_PREPAID,
             shipping="carrier", after="partial_return", min_lines=2),
    Scenario("returned", "closed", "paid", "delivered", (0, 1, 3), min_age=12, shipping="carrier",
             after="full_return"),
    Scenario("goodwill", "closed", "paid", "delivered", (0, 0.5, 1.5), min_age=8, shipping="carrier",
             after="goodwill"),
    Scenario("cancelled_unpaid", "cancelled", "unpaid", "none", (2, 3, 5), min_age=0.2,
             methods=(("bank_transfer", 5.0), ("cheque", 2.0), ("card", 2.0))),
    Scenario("cancelled_refunded", "cancelled", "paid", "none", (1, 1.5, 2), min_age=0.2),
)


class ScenarioPicker:
    """Draws a scenario for an order of a given age; the first orders that can show a
    story not seen yet are given it, so even a small demo shows every state."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.unseen = list(SCENARIOS)
        # The possible scenarios only change at these ages: one cached draw table per interval.
        self._edges = sorted({3.0, 30.0} | {s.min_age for s in SCENARIOS} | {s.max_age for s in SCENARIOS})
        self._tables: dict[int, tuple[list[Scenario], list[float]]] = {}

    def _table(self, age_days: float) -> tuple[list[Scenario], list[float]]:
        key = bisect_left(self._edges, age_days)
        if key not in self._tables:
            bucket = 0 if age_days < 3 else 1 if age_days < 30 else 2
            possible = [s for s in SCENARIOS if s.min_age <= age_days <= s.max_age and s.weights[bucket] > 0]
            self._tables[key] = (possible, list(accumulate(s.weights[bucket] for s in possible)))
        return self._tables[key]

    def pick(self, age_days: float) -> Scenario:
        possible, cum_weights = self._table(age_days)
        if self.unseen:
            for scenario in self.unseen:
                if scenario in possible:
                    self.unseen.remove(scenario)
                    return scenario
        return self.rng.choices(possible, cum_weights=cum_weights)[0]


_SEASON = {1: 1.2, 2: 0.9, 3: 1.0, 4: 1.0, 5: 1.05, 6: 1.0, 7: 1.1, 8: 0.8, 9: 1.0, 10: 1.1, 11: 1.45, 12: 1.8}
_WEEKDAY = (1.15, 1.05, 1.0, 1.0, 0.95, 0.85, 1.0)  # Monday first: Sunday evening browsing, Monday orders
# UTC hours; French shoppers order at lunch time and in the evening.
_HOURS = (0.3, 0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.6, 2.0, 2.2, 2.6, 3.2, 3.0, 2.3, 2.0, 2.0, 2.3,
          3.0, 3.5, 3.4, 2.6, 1.5, 0.7)
_HOUR_CUM = list(accumulate(_HOURS))


class PlacementCalendar:
    """Placement times for orders 0..n-1, oldest first, over the last 18 months.

    The shop grows (three times more orders now than 18 months ago), peaks before
    Christmas, and the last two weeks hold enough orders that a small demo still has
    live work in every queue. Times rise with the index, so order numbers follow time.
    """

    def __init__(self, orders: int, now: datetime) -> None:
        self.orders = orders
        self.start = now - timedelta(days=HISTORY_DAYS)
        weights = []
        for day in range(HISTORY_DAYS):
            date = self.start + timedelta(days=day)
            weights.append((1 + 2 * day / HISTORY_DAYS) * _SEASON[date.month] * _WEEKDAY[date.weekday()])
        recent = sum(weights[-14:])
        share = recent / sum(weights)
        wanted = max(share, min(0.5, 60 / max(orders, 1)))
        if wanted > share:  # scale the last fortnight up so it holds the wanted share
            factor = wanted * (sum(weights) - recent) / ((1 - wanted) * recent)
            weights[-14:] = [w * factor for w in weights[-14:]]
        self._cum = list(accumulate(weights))

    def placed_at(self, index: int) -> datetime:
        target = (index + 0.5) / self.orders * self._cum[-1]
        day = bisect(self._cum, target)
        before = self._cum[day - 1] if day else 0.0
        fraction = (target - before) / (self._cum[day] - before)
        hour_target = fraction * _HOUR_CUM[-1]
        hour = bisect(_HOUR_CUM, hour_target)
        hour_before = _HOUR_CUM[hour - 1] if hour else 0.0
        within = (hour_target - hour_before) / _HOURS[hour]
        seconds = int(day * DAY + hour * 3600 + within * 3599)
        return self.start + timedelta(seconds=seconds)
