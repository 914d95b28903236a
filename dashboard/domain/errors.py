"""Domain errors: raised by rules, turned into 4xx answers by the views only."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every business-rule refusal; ``message`` is safe to show to staff."""

    code = "domain_error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ValidationFailed(DomainError):
    """Input that breaks a rule; ``fields`` maps a field name to what is wrong with it."""

    code = "validation_failed"

    def __init__(self, fields: dict[str, str], message: str = "Invalid input") -> None:
        super().__init__(message, fields=fields)
        self.fields = fields


class NotFound(DomainError):
    code = "not_found"


class InvalidTransition(DomainError):
    code = "invalid_transition"

    def __init__(self, axis: str, current: str, target: str) -> None:
        super().__init__(f"{axis} cannot go from {current} to {target}", axis=axis,
                         current=current, target=target)


class StaleVersion(DomainError):
    """Someone else changed the record since the editor loaded it."""

    code = "stale_version"


class InsufficientStock(DomainError):
    code = "insufficient_stock"

    def __init__(self, short: list[dict]) -> None:
        super().__init__("Not enough stock for some lines", short=short)
        self.short = short


class AuthenticationFailed(DomainError):
    code = "authentication_failed"


class TooManyAttempts(DomainError):
    code = "too_many_attempts"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__("Too many failed attempts", retry_after=retry_after_seconds)
        self.retry_after_seconds = retry_after_seconds


class SignInRefused(DomainError):
    """Single sign-on refused: the provider's answer failed a check, or the person has no
    staff role here. ``reason`` is one of ``SIGN_IN_REFUSALS`` (dashboard.domain.staff.single_sign_on)."""

    code = "sign_in_refused"

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason, reason=reason)
        self.reason = reason


class IdempotencyKeyReused(DomainError):
    """An Idempotency-Key already used for another request: answering the first order
    would hide that the second one was never placed."""

    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__("This Idempotency-Key was already used for a different order.")


class IdempotencyKeyInFlight(DomainError):
    """The first request with this Idempotency-Key is still being processed: its outcome
    (an order, or a refusal) is not known yet, so there is nothing to replay."""

    code = "idempotency_key_in_flight"

    def __init__(self) -> None:
        super().__init__("An order with this Idempotency-Key is still being placed.")
