"""Sign-in rules: how strong a password must be and how failed attempts slow an account.

The slow-down works per account name (known or not) AND client address, following the
OWASP Authentication cheat sheet: growing delays rather than a hard lockout, so that a
guessing run from one address crawls while the account's owner, signing in from their
own desk, is not locked out by it. Administrators can clear an account's count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dashboard.domain.errors import ValidationFailed

FREE_ATTEMPTS = 5
BASE_LOCK_SECONDS = 2
MAX_LOCK_SECONDS = 15 * 60
MIN_PASSWORD_LENGTH = 10


def lock_after_failure(failures: int, now: datetime) -> datetime | None:
    """After ``failures`` consecutive failures, until when the account refuses attempts.

    The first ``FREE_ATTEMPTS`` are free; then the wait doubles (2 s, 4 s, 8 s...) up to
    15 minutes, so a typo costs nothing and a guessing run costs hours.
    """
    extra = failures - FREE_ATTEMPTS
    if extra < 0:
        return None
    seconds = min(BASE_LOCK_SECONDS * (2**extra), MAX_LOCK_SECONDS)
    return now + timedelta(seconds=seconds)


def check_password_strength(password: str, username: str) -> None:
    """Refuse short passwords and passwords equal to the user name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            {"password": f"at least {MIN_PASSWORD_LENGTH} characters"}
        )
    if password.strip().lower() == username.strip().lower():
        raise ValidationFailed({"password": "must differ from the user name"})
