"""One frozen settings object, read once from the environment.

Every variable the dashboard reads is listed here and in the README's configuration
table; nothing else in the code calls ``os.environ``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _var_dir() -> Path:
    path = Path(os.environ.get("DASHBOARD_VAR_DIR", PROJECT_ROOT / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(var_dir: Path) -> str:
    """The configured key, or one generated once into ``var/`` so sessions survive restarts."""
    configured = os.environ.get("DASHBOARD_SECRET_KEY")
    if configured:
        return configured
    key_file = var_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("0", "off", "false", "no", "")


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    var_dir: Path
    payment_webhook_secret: str | None = None
    carrier_webhook_secret: str | None = None
    smtp_url: str | None = None
    merchant_email: str | None = None
    from_email: str | None = None
    chromium_path: str | None = None
    worker: str = "inline"
    shipstation_username: str | None = None
    shipstation_password: str | None = None
    timezone: str = "Europe/Paris"
    holidays_country: str = "FR"
    session_idle_minutes: int = 8 * 60
    send_receipts: bool = True
    card_payment_minutes: int = 60
    bank_transfer_payment_days: int = 5
    cheque_payment_days: int = 10
    payment_reminder_hours: int = 24

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        if self.is_postgres:
            raise ValueError("DATABASE_URL is not a SQLite URL")
        return Path(self.database_url.removeprefix("sqlite:///"))


def load_settings() -> Settings:
    env = os.environ
    var_dir = _var_dir()
    database_url = env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'dashboard.sqlite3'}"
    if not database_url.startswith(("sqlite:///", "postgres://", "postgresql://")):
        raise SystemExit(
            f"DATABASE_URL must start with sqlite:/// or postgresql://, got {database_url!r}"
        )
    return Settings(
        database_url=database_url,
        secret_key=_secret_key(var_dir),
        var_dir=var_dir,
        payment_webhook_secret=env.get("DASHBOARD_PAYMENT_WEBHOOK_SECRET") or None,
        carrier_webhook_secret=env.get("DASHBOARD_CARRIER_WEBHOOK_SECRET") or None,
        smtp_url=env.get("SMTP_URL") or None,
        merchant_email=env.get("DASHBOARD_MERCHANT_EMAIL") or None,
        from_email=env.get("DASHBOARD_FROM_EMAIL") or None,
        chromium_path=env.get("CHROMIUM_PATH") or None,
        worker=env.get("DASHBOARD_WORKER", "inline"),
        shipstation_username=env.get("DASHBOARD_SHIPSTATION_USERNAME") or None,
        shipstation_password=env.get("DASHBOARD_SHIPSTATION_PASSWORD") or None,
        timezone=env.get("DASHBOARD_TIMEZONE", "Europe/Paris"),
        holidays_country=env.get("DASHBOARD_HOLIDAYS_COUNTRY", "FR"),
        session_idle_minutes=int(env.get("DASHBOARD_SESSION_IDLE_MINUTES", str(8 * 60))),
        send_receipts=_flag(env.get("DASHBOARD_SEND_RECEIPTS", "on")),
        card_payment_minutes=int(env.get("DASHBOARD_CARD_PAYMENT_MINUTES", "60")),
        bank_transfer_payment_days=int(env.get("DASHBOARD_BANK_TRANSFER_PAYMENT_DAYS", "5")),
        cheque_payment_days=int(env.get("DASHBOARD_CHEQUE_PAYMENT_DAYS", "10")),
        payment_reminder_hours=int(env.get("DASHBOARD_PAYMENT_REMINDER_HOURS", "24")),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
