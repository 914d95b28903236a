"""The print side of the UI: documents (HTML + print CSS) and labels (ZPL) from print_templates/.

Documents get their own Jinja environment, autoescaped like the screens and with the same
filters and translations, rendered in the customer's language. The page is self-contained:
Chromium loads it with ``setContent`` (the page stays at ``about:blank``), so the stylesheet
is inlined and the logo is a data URI. Barcodes are inline SVG drawn from python-barcode's
modules, with a viewBox so they scale to any paper width and stay sharp.
"""

from __future__ import annotations

import base64
import mimetypes
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import barcode
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from dashboard.components import formatting, i18n
from dashboard.components.i18n import current_locale
from dashboard.components.templating import base_environment
from dashboard.domain.printing.documents import Paper, vat_rate_label
from dashboard.settings import PROJECT_ROOT, get_settings

PRINT_TEMPLATE_DIR = PROJECT_ROOT / "print_templates"
STYLESHEET = PRINT_TEMPLATE_DIR / "print.css"
DEFAULT_LOGO = PRINT_TEMPLATE_DIR / "assets" / "logo.svg"


def _as_datetime(value):
    """Snapshots keep dates as ISO strings (JSON): turn them back before formatting."""
    if isinstance(value, str) and value:
        parsed = datetime.fromisoformat(value)
        return parsed if "T" in value or " " in value else parsed.date()
    return value


def _date_filter(name):
    inner = formatting.FILTERS[name]

    def apply(value: date | datetime | str | None) -> str:
        return inner(_as_datetime(value)) if value not in (None, "") else ""

    return apply


def vat_rate(rate_bp: int) -> str:
    """20 %, 5,5 % in French; the decimal mark follows the document's language."""
    text = vat_rate_label(int(rate_bp))
    if current_locale.get() == "fr":
        text = text.replace(".", ",")
    return f"{text}\u202f%"


def _svg(modules: str, height: int, label: str) -> Markup:
    bars, x = [], 0
    for run_start in range(len(modules)):
        if modules[run_start] == "1" and (run_start == 0 or modules[run_start - 1] == "0"):
            x = run_start
        if modules[run_start] == "1" and (run_start + 1 == len(modules) or modules[run_start + 1] == "0"):
            bars.append(f'<rect x="{x}" y="0" width="{run_start + 1 - x}" height="{height}"/>')
    return Markup(
        f'<svg class="barcode" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {len(modules)} {height}" '
        f'preserveAspectRatio="none" shape-rendering="crispEdges" role="img" aria-label="{label}">'
        + "".join(bars) + "</svg>"
    )


def is_valid_ean13(code: str | None) -> bool:
    if not code or len(code) != 13 or not code.isdigit():
        return False
    digits = [int(c) for c in code]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10) % 10
    return check == digits[12]


def barcode_svg(value: str | None, symbology: str = "code128", height: int = 40) -> Markup:
    """An inline SVG barcode. EAN-13 only for a valid EAN (python-barcode would silently fix
    a wrong check digit, printing a code that scans as another product); Code 128 otherwise."""
    if not value:
        return Markup("")
    if symbology == "ean13" and not is_valid_ean13(value):
        symbology = "code128"
    code = barcode.get(symbology, value)
    modules = "".join(code.build())
    quiet = "0" * 10
    return _svg(quiet + modules + quiet, height, Markup.escape(value))


@lru_cache(maxsize=4)
def _data_uri(path: str) -> str:
    file = Path(path)
    mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(file.read_bytes()).decode()}"


def logo_data_uri() -> str:
    configured = get_settings().shop.logo_path
    path = Path(configured) if configured else DEFAULT_LOGO
    return _data_uri(str(path if path.is_file() else DEFAULT_LOGO))


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    return STYLESHEET.read_text()


@lru_cache(maxsize=1)
def document_environment() -> Environment:
    """Documents: escaped like the screens (a customer named ``<script>`` prints as text)."""
    env = base_environment(select_autoescape(["html"], default_for_string=True, default=True))
    env.loader = FileSystemLoader(PRINT_TEMPLATE_DIR)
    for name in ("date_short", "datetime_short", "datetime_medium"):
        env.filters[name] = _date_filter(name)
    env.filters["vat_rate"] = vat_rate
    env.globals.update(barcode=barcode_svg)
    return env


def render_documents_html(documents: list[dict], paper: Paper, locale: str,
                          title: str = "", screen_bar: dict | None = None) -> str:
    """One self-contained HTML page holding ``documents`` (each a dict with a ``kind``),
    one after the other with a page break between them. Each document is written in its
    customer's language (``doc["order"]["locale"]``), the page around them in ``locale``.
    ``screen_bar`` (``{"pdf_url": ...}``) adds Print/Download buttons shown on screen only."""
    env = document_environment()
    logo = logo_data_uri()
    article = env.get_template("_document.html")
    articles = []
    for doc in documents:
        token = current_locale.set((doc.get("order") or {}).get("locale") or locale)
        try:
            articles.append(Markup(article.render(doc=doc, paper=paper, logo=logo)))
        finally:
            current_locale.reset(token)
    token = current_locale.set(locale)
    try:
        return env.get_template("_page.html").render(
            articles=articles, paper=paper, locale=locale, stylesheet=Markup(_stylesheet()),
            title=title or (documents[0].get("title", "") if documents else ""),
            screen_bar=screen_bar)
    finally:
        current_locale.reset(token)


# --- Labels -------------------------------------------------------------------------------

def zpl_field(value: object) -> str:
    """Field data for ``^FH_^FD``: the ZPL control characters (^ ~) and the hex escape
    itself (_) written as hex, so customer text can never inject a command."""
    text = "" if value is None else str(value)
    text = " ".join(text.split())  # no line breaks inside a field
    return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


@lru_cache(maxsize=1)
def label_environment() -> Environment:
    """ZPL is not HTML: no autoescape; every customer value goes through ``| zpl``."""
    env = Environment(loader=FileSystemLoader(PRINT_TEMPLATE_DIR / "labels"),
                      autoescape=False, undefined=StrictUndefined,  # noqa: S701 - ZPL, not HTML
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True,
                                  pgettext=i18n.pgettext)  # type: ignore[attr-defined]
    env.filters["zpl"] = zpl_field
    env.filters["money"] = formatting.money
    return env
