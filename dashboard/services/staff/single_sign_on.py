"""Sign-in with the shop's accounts: the provider's checked claims become a local session.

The person (issuer + subject) is linked to one local account, created at the first
sign-in; the role comes from the provider's role claim at every sign-in, so a change made
in the shop's directory applies at the next sign-in. The session is the very same row a
local sign-in opens (``auth.open_session``).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from dashboard.db.tables import ExternalIdentity, StaffUser
from dashboard.db.transaction import write_transaction
from dashboard.domain.errors import SignInRefused
from dashboard.domain.staff.single_sign_on import display_name, role_from_claim, username_base
from dashboard.services.staff.auth import StaffIdentity, identity_of, open_session

log = logging.getLogger(__name__)

# Not an Argon2 hash: the password form can never sign in an account made by the provider.
UNUSABLE_PASSWORD = "!single-sign-on"


async def sign_in_with_claims(issuer: str, claims: dict, role_claim: str,
                              user_agent: str = "") -> tuple[str, StaffIdentity]:
    """Open a session for the person the (already verified) ID token describes.

    Raises ``SignInRefused("no_role")`` when the role claim names no staff role (nothing
    is written: no account is created for people who have no business here) and
    ``SignInRefused("disabled")`` when the linked account was disabled locally.
    """
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise SignInRefused("invalid_token")
    role = role_from_claim(claims.get(role_claim))
    if role is None:
        log.warning("single sign-on refused, no staff role in %r: %s at %s (%r)",
                    role_claim, subject, issuer, claims.get(role_claim))
        raise SignInRefused("no_role")
    now = datetime.now(timezone.utc)
    name = username_base(claims)
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    async with write_transaction():
        link = await ExternalIdentity.objects().where(
            (ExternalIdentity.issuer == issuer) & (ExternalIdentity.subject == subject)).first()
        if link is not None:
            user = await StaffUser.objects().where(StaffUser.id == link.user).first()
            if not user.is_active:
                raise SignInRefused("disabled")
            if user.role != role:
                log.info("role of %s changed by the provider: %s -> %s", user.username,
                         user.role, role)
            user.role = role.value
            user.display_name = display_name(claims, user.display_name)
            user.email = email or user.email
            await StaffUser.update({StaffUser.role: user.role,
                                    StaffUser.display_name: user.display_name,
                                    StaffUser.email: user.email}).where(StaffUser.id == user.id)
            await ExternalIdentity.update({ExternalIdentity.last_login_at: now}).where(
                ExternalIdentity.id == link.id)
        else:
            username = await _free_username(name)
            user = StaffUser(username=username, display_name=display_name(claims, username),
                             email=email, password_hash=UNUSABLE_PASSWORD, role=role.value,
                             locale="fr")
            await user.save()
            await ExternalIdentity.insert(ExternalIdentity(
                issuer=issuer, subject=subject, user=user.id, last_login_at=now))
            log.info("account %s created for %s at %s (%s)", username, subject, issuer, role)
        token = await open_session(user.id, user_agent, now)
    log.info("signed in through the provider: %s", user.username)
    return token, identity_of(user)


async def _free_username(base: str) -> str:
    """``base``, or ``base-2``, ``base-3``...: never take over a local account's name."""
    taken = {row["username"] for row in await StaffUser.select(StaffUser.username).where(
        StaffUser.username.like(f"{base}%"))}
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"
