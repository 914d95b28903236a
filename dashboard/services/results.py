"""Results that use-cases hand back to the views, shared by every bulk action."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BulkResult:
    """What a bulk action did, order by order.

    ``changed`` lists the order numbers changed, in the order they were given; ``skipped``
    maps each order number left alone to the reason why (an English message id, translated
    when shown). An order number is in one of the two, never both.
    """

    changed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    # Where to follow the action's outcome, e.g. a print batch's progress page.
    follow_up_url: str | None = None

    def change(self, number: str) -> None:
        self.skipped.pop(number, None)
        if number not in self.changed:
            self.changed.append(number)

    def skip(self, number: str, reason: str) -> None:
        if number not in self.changed:
            self.skipped[number] = reason

    @property
    def total(self) -> int:
        return len(self.changed) + len(self.skipped)
