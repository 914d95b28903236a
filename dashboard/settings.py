"""One frozen settings object, read once from the environment.

Every variable the dashboard reads is listed here and in the README's configuration
table; nothing else in the code calls ``os.environ``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
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
class ShopIdentity:
    """Who sells: printed on every document (French/EU invoice mentions). Demo values by default."""

    name: str = "Maison Lumière SAS"
    address: str = "18 rue de la République\n69002 Lyon\nFrance"
    vat_number: str = "FR11123456782"
    siret: str = "123 456 782 00010"
    legal: str = ("SAS au capital de 10 000 € · RCS Lyon 123 456 782 · APE 4791B")
    email: str = "contact@maison-lumiere.example"
    phone: str = "+33 4 78 00 00 00"
    website: str = "maison-lumiere.example"
    iban: str = "FR76 3000 6000 0112 3456 7890 189"
    bic: str = "AGRIFRPPXXX"
    logo_path: str = ""  # PNG/SVG/JPEG file; empty: the bundled demo logo
    # Where click-and-collect orders are collected, and when (the "ready" email says so);
    # an empty address: the shop's address above.
    store_address: str = ""
    store_hours: str = "Du mardi au samedi, de 10 h à 19 h"
    payment_terms: str = ("Payment due on receipt; no discount for early payment. Late payment: "
                          "penalties at three times the French legal interest rate, and a fixed "
                          "recovery fee of 40 EUR for business customers (art. L441-10 Code de "
                          "commerce).")
    # The seller of the Factur-X (EN 16931) invoices; empty: derived from the fields above
    # (legal name: ``name``; SIREN: the first 9 digits of ``siret``; street, postal code and
    # city: the ``address`` lines, "69002 Lyon" being the postal line). domain/printing/einvoice.py
    # checks them at start-up.
    legal_name: str = ""
    siren: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FR"  # ISO 3166-1 alpha-2
    payment_due_days: str = "0"  # days from the invoice date to its due date


def _shop(env) -> ShopIdentity:
    defaults = ShopIdentity()
    values = {}
    for name in defaults.__dataclass_fields__:
        configured = env.get(f"DASHBOARD_SHOP_{name.upper()}")
        if configured is not None:
            values[name] = configured.replace("\\n", "\n")
    return ShopIdentity(**values)


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
    outbox_lease_seconds: int = 30
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
    shop: ShopIdentity = field(default_factory=lambda: ShopIdentity())
    invoice_at: str = "payment"  # payment | shipment: the event that issues an order's invoice
    printers: str = ""  # "zebra1=cups:ZebraQueue,zebra2=tcp:10.0.0.5:9100"
    label_printer: str | None = None  # default printer name for labels
    shipstation_notify_customer: bool = False  # email the customer on a ShipStation notice
    webhook_endpoints: str = ""  # "URL|whsec_...|order.paid,order.shipped; URL2|whsec_..."
    payment_link_template: str = ""  # "https://pay.example/{number}?amount={amount}"
    # The payment provider's refund API (docs/payment-provider.md); without it, card
    # refunds are listed in the payment queue for staff to make in the provider's console.
    payment_provider_url: str | None = None
    payment_provider_key: str | None = None
    # The shop's OpenID Connect provider for staff sign-in; all three set, or local accounts only.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_role_claim: str = "roles"

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        if self.is_postgres:
            raise ValueError("DATABASE_URL is not a SQLite URL")
        return Path(self.database_url.removeprefix("sqlite:///"))


INVOICE_AT = ("payment", "shipment")


def _invoice_at(value: str) -> str:
    """The event that issues invoices. The former ``order`` (an invoice whenever someone
    first printed it) is refused rather than guessed: the shop chooses again."""
    value = (value or "").strip().lower()
    if value not in INVOICE_AT:
        raise SystemExit(f"DASHBOARD_INVOICE_AT must be payment or shipment, got {value!r}"
                         + (" (\"order\" was replaced: invoices are now issued by the payment"
                            " or the shipment, never by printing)" if value == "order" else ""))
    return value


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
        outbox_lease_seconds=int(env.get("DASHBOARD_OUTBOX_LEASE_SECONDS", "30")),
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
        shop=_shop(env),
        invoice_at=_invoice_at(env.get("DASHBOARD_INVOICE_AT", "payment")),
        printers=env.get("DASHBOARD_PRINTERS", ""),
        label_printer=env.get("DASHBOARD_LABEL_PRINTER") or None,
        shipstation_notify_customer=_flag(env.get("DASHBOARD_SHIPSTATION_NOTIFY_CUSTOMER", "off")),
        webhook_endpoints=env.get("DASHBOARD_WEBHOOK_ENDPOINTS", ""),
        payment_link_template=env.get("DASHBOARD_PAYMENT_LINK_TEMPLATE", ""),
        payment_provider_url=(env.get("DASHBOARD_PAYMENT_PROVIDER_URL") or "").rstrip("/") or None,
        payment_provider_key=env.get("DASHBOARD_PAYMENT_PROVIDER_KEY") or None,
        oidc_issuer=env.get("DASHBOARD_OIDC_ISSUER") or None,
        oidc_client_id=env.get("DASHBOARD_OIDC_CLIENT_ID") or None,
        oidc_client_secret=env.get("DASHBOARD_OIDC_CLIENT_SECRET") or None,
        oidc_role_claim=env.get("DASHBOARD_OIDC_ROLE_CLAIM") or "roles",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
