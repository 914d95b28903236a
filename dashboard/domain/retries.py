"""How long to wait before the next delivery attempt of an outbox row.

Exponential backoff (base * 2^(attempt-1)) capped, so a server down for a minute is retried
quickly and one down for a day is not hammered. ``give_up_after`` bounds the attempts: the
row is then marked failed with its last error, kept for staff to see and resend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    give_up_after: int = 30

    def delay(self, attempts: int) -> timedelta:
        """Wait after the ``attempts``-th failed attempt (1 for the first failure)."""
        exponent = max(attempts - 1, 0)
        # Cap the exponent before multiplying: 2**40 seconds overflows timedelta.
        if exponent > 30:
            return self.cap
        return min(self.base * (2**exponent), self.cap)

    def gives_up(self, attempts: int) -> bool:
        return attempts >= self.give_up_after
