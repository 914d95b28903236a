"""Staff accounts, their sessions, login throttling, API keys and saved list views."""

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique
from piccolo.table import Table


class StaffUser(Table, tablename="staff_user"):
    username = Varchar(length=150, unique=True)
    display_name = Varchar(length=200, default="")
    email = Varchar(length=254, null=True, default=None)
    password_hash = Text()
    role = Varchar(length=20)
    locale = Varchar(length=10, default="fr")
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)


class StaffSession(Table, tablename="staff_session"):
    """Server-side session: the cookie holds a random token, the table its SHA-256."""

    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(StaffUser, on_delete=OnDelete.cascade, index=True, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)
    user_agent = Varchar(length=300, default="")


class ExternalIdentity(Table, tablename="staff_external_identity"):
    """A person of the shop's OpenID Connect provider (issuer + subject) linked to a local
    account; the account's role is refreshed from the provider at each sign-in."""

    issuer = Varchar(length=500)
    subject = Varchar(length=255)
    user = ForeignKey(StaffUser, on_delete=OnDelete.cascade, index=True, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)
    one_link_per_person = Unique(["issuer", "subject"])


class SignInThrottle(Table, tablename="sign_in_throttle"):
    """Failed sign-ins per account name (known or not) AND client address, for the
    slow-down: someone guessing from elsewhere cannot lock a colleague out of their desk."""

    username = Varchar(length=150)
    client = Varchar(length=64)
    failures = Integer(default=0)
    last_failure_at = Timestamptz(null=True, default=None)
    locked_until = Timestamptz(null=True, default=None)

    one_row_per_account_and_address = Unique(["username", "client"])


class ApiKey(Table, tablename="api_key"):
    """A key the shop's systems send as ``Authorization: Bearer``; only its hash is kept."""

    name = Varchar(length=100)
    prefix = Varchar(length=16)
    key_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class SavedView(Table, tablename="saved_view"):
    """A named orders-list query string, per user."""

    user = ForeignKey(StaffUser, on_delete=OnDelete.cascade, index=True, null=False)
    name = Varchar(length=100)
    query = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
