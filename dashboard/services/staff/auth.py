"""Staff accounts, sign-in with per-account slow-down, server-side sessions, API keys."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.db import sql
from dashboard.db.tables import ApiKey, SignInThrottle, StaffSession, StaffUser
from dashboard.db.transaction import write_transaction
from dashboard.domain.staff.auth import check_password_strength, lock_after_failure
from dashboard.domain.errors import AuthenticationFailed, TooManyAttempts, ValidationFailed
from dashboard.domain.staff.roles import Role

log = logging.getLogger(__name__)
_hasher = PasswordHasher()
# Verified against when the user does not exist, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")

SESSION_TOUCH_INTERVAL = timedelta(minutes=1)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class StaffIdentity:
    """Who is behind a browser request; what views and templates see as ``request.user``."""

    id: int
    username: str
    display_name: str
    role: str
    locale: str

    @property
    def actor(self) -> str:
        return self.username


@dataclass(frozen=True)
class ApiClient:
    """Who is behind an API request: one of the shop's systems, by its key's name."""

    id: int
    name: str
    role: str = "api"

    @property
    def actor(self) -> str:
        return f"api:{self.name}"


async def create_user(username: str, role: str, password: str, display_name: str = "",
                      locale: str = "fr") -> int:
    """Create a staff account. Fails with ``ValidationFailed`` on a taken name, bad role or weak password."""
    username = username.strip()
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "required"
    try:
        Role(role)
    except ValueError:
        errors["role"] = f"one of {', '.join(r.value for r in Role)}"
    if errors:
        raise ValidationFailed(errors)
    check_password_strength(password, username)
    async with write_transaction():
        if await StaffUser.exists().where(StaffUser.username == username):
            raise ValidationFailed({"username": "already taken"})
        rows = await StaffUser.insert(
            StaffUser(username=username, role=role, display_name=display_name or username,
                      password_hash=_hasher.hash(password), locale=locale)
        ).returning(StaffUser.id)
    return rows[0]["id"]


async def sign_in(username: str, password: str, user_agent: str = "",
                  client: str = "") -> tuple[str, StaffIdentity]:
    """Check the password and open a session; returns the session token for the cookie.

    Failures slow down the pair (account name, client address) with growing delays: a
    guessing run from one place is slowed to a crawl, while the colleague at their own
    desk (another address) still signs in. Raises ``TooManyAttempts`` while the pair is
    slowed down (nothing is checked then) and ``AuthenticationFailed`` for an unknown
    user, wrong password or disabled account, with the same message for each so that
    names cannot be probed.
    """
    key = username.strip().lower()[:150]
    client = (client or "unknown")[:64]
    now = _now()
    throttle = await SignInThrottle.objects().where(
        (SignInThrottle.username == key) & (SignInThrottle.client == client)).first()
    if throttle and throttle.locked_until and throttle.locked_until > now:
        wait = int((throttle.locked_until - now).total_seconds()) + 1
        log.warning("sign-in refused, slowed down: %r from %s (%ss left)", key, client, wait)
        raise TooManyAttempts(wait)

    user = await StaffUser.objects().where(StaffUser.username == username.strip()).first()
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.is_active

    if not ok:
        # The failure is recorded (committed) before the refusal is raised. Counted in the
        # database (insert-if-absent, then +1), so concurrent failures of the same pair
        # neither collide on the unique pair nor lose a count.
        async with write_transaction():
            await SignInThrottle.insert(SignInThrottle(
                username=key, client=client, failures=0, last_failure_at=now)
            ).on_conflict(target=(SignInThrottle.username, SignInThrottle.client),
                          action="DO NOTHING")
            pair = (SignInThrottle.username == key) & (SignInThrottle.client == client)
            rows = await SignInThrottle.update({
                SignInThrottle.failures: SignInThrottle.failures + 1,
                SignInThrottle.last_failure_at: now,
            }).where(pair).returning(SignInThrottle.failures)
            failures = rows[0]["failures"]
            locked_until = lock_after_failure(failures, now)
            await SignInThrottle.update({SignInThrottle.locked_until: locked_until}).where(pair)
        if locked_until:
            log.warning("sign-in slowed down: %r from %s after %d failures, until %s",
                        key, client, failures, locked_until.isoformat(timespec="seconds"))
        else:
            log.warning("sign-in failed for %r from %s (failure %d)", key, client, failures)
        raise AuthenticationFailed("Wrong user name or password")

    async with write_transaction():
        if throttle:  # this address got it right; other addresses keep their own count
            await SignInThrottle.delete().where(SignInThrottle.id == throttle.id)
        token = await open_session(user.id, user_agent, now)
    log.info("signed in: %s", user.username)
    return token, identity_of(user)


async def open_session(user_id: int, user_agent: str, now: datetime) -> str:
    """Write a new session row for ``user_id`` inside the caller's write transaction and
    return its token (only the hash is stored). Local and single sign-on share it, so
    both kinds of sign-in give the very same session."""
    from dashboard.settings import get_settings

    token = secrets.token_urlsafe(32)
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    await StaffSession.insert(StaffSession(
        token_hash=_sha256(token), user=user_id, created_at=now, last_seen_at=now,
        expires_at=now + idle, user_agent=user_agent[:300]))
    await StaffUser.update({StaffUser.last_login_at: now}).where(StaffUser.id == user_id)
    return token


def identity_of(user: StaffUser) -> StaffIdentity:
    return StaffIdentity(id=user.id, username=user.username, display_name=user.display_name,
                         role=user.role, locale=user.locale)


async def throttled_sign_ins() -> list[dict]:
    """Accounts with failed sign-ins still counted, per client address, newest first: what
    an administrator looks at before unlocking."""
    return await SignInThrottle.select().order_by(SignInThrottle.last_failure_at,
                                                  ascending=False).limit(200)


async def unlock_sign_in(username: str, actor: str) -> int:
    """Forget every counted failure of an account name (all addresses): it may sign in at
    once. Returns how many rows went. Logged, with who did it."""
    key = username.strip().lower()
    async with write_transaction():
        rows = await SignInThrottle.delete().where(SignInThrottle.username == key).returning(
            SignInThrottle.id)
    log.warning("sign-in unlocked: %r by %s (%d addresses cleared)", key, actor, len(rows))
    return len(rows)


async def session_user(token: str | None) -> StaffIdentity | None:
    """The staff member behind a session token, or None if unknown, expired or disabled.

    Sliding expiry: each use pushes the end of the session further (written at most
    once a minute, so page loads stay read-only).
    """
    if not token:
        return None
    now = _now()
    row = await (
        StaffSession.select(
            StaffSession.id, StaffSession.expires_at, StaffSession.last_seen_at,
            *StaffSession.user.all_columns(exclude=[StaffUser.password_hash]),
        )
        .where(StaffSession.token_hash == _sha256(token))
        .first()
    )
    if not row or row["expires_at"] <= now or not row["user.is_active"]:
        return None
    if now - row["last_seen_at"] > SESSION_TOUCH_INTERVAL:
        from dashboard.settings import get_settings

        idle = timedelta(minutes=get_settings().session_idle_minutes)
        async with write_transaction():
            await StaffSession.update(
                {StaffSession.last_seen_at: now, StaffSession.expires_at: now + idle}
            ).where(StaffSession.id == row["id"])
    return StaffIdentity(id=row["user.id"], username=row["user.username"],
                         display_name=row["user.display_name"], role=row["user.role"],
                         locale=row["user.locale"])


async def sign_out(token: str | None) -> None:
    if not token:
        return
    async with write_transaction():
        await StaffSession.delete().where(StaffSession.token_hash == _sha256(token))


async def set_locale(user_id: int, locale: str) -> None:
    async with write_transaction():
        await StaffUser.update({StaffUser.locale: locale}).where(StaffUser.id == user_id)


async def create_api_key(name: str) -> str:
    """Create an API key and return it; only its hash is stored, so this is the one chance to see it."""
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": "required"})
    key = "dk_" + secrets.token_urlsafe(32)
    async with write_transaction():
        await ApiKey.insert(ApiKey(name=name, prefix=key[:10], key_hash=_sha256(key)))
    return key


async def api_client(key: str | None) -> ApiClient | None:
    """The client behind a bearer key, or None for an unknown or revoked key."""
    if not key:
        return None
    # Hand-written (dashboard.db.sql): every API request runs it.
    row = await sql.fetch_one(
        'SELECT "id", "name", "revoked_at" FROM "api_key" WHERE "key_hash" = {}', _sha256(key))
    if not row or row["revoked_at"] is not None:
        return None
    return ApiClient(id=row["id"], name=row["name"])
