"""Interface language: French by default, English; chosen per user.

Messages are written in English in code and templates and translated through gettext
catalogues in ``dashboard/locale/<lang>/LC_MESSAGES/messages.po``. The ``.po`` files are
compiled in memory at start-up, so there is no build step and no stale ``.mo`` file.
The language of the current request lives in a context variable set by the middleware.
"""

from __future__ import annotations

import gettext as _gettext
from contextvars import ContextVar
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from babel.numbers import format_currency, get_currency_precision

from dashboard.domain.numbers import Amount, Message

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


@lru_cache(maxsize=None)
def translations(locale: str) -> _gettext.NullTranslations:
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return _gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def normalise_locale(value: str | None) -> str | None:
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LOCALES else None


def pick_from_accept_language(header: str | None) -> str | None:
    """The first supported language in an Accept-Language header, by order of quality."""
    if not header:
        return None
    ranked = []
    for index, part in enumerate(header.split(",")):
        pieces = part.strip().split(";q=")
        try:
            quality = float(pieces[1]) if len(pieces) > 1 else 1.0
        except ValueError:
            quality = 0.0
        ranked.append((-quality, index, pieces[0]))
    for _, _, code in sorted(ranked):
        if locale := normalise_locale(code):
            return locale
    return None


def gettext(message: str) -> str:
    catalogue = translations(current_locale.get())
    if isinstance(message, Message):  # a domain message with its values kept apart
        return message.translate(catalogue.gettext, _render_value)
    return catalogue.gettext(message)


def _render_value(value: object) -> object:
    """A domain message's value as the reader reads it: amounts as money in their locale."""
    if isinstance(value, Amount):
        decimals = get_currency_precision(value.currency)
        return format_currency(value.minor / 10 ** decimals, value.currency,
                               locale=current_locale.get())
    return value


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` as meant in ``context``, where one English word has two French forms
    ("Delivered": une commande livrée, un colis livré)."""
    return translations(current_locale.get()).pgettext(context, message)


_ = gettext
