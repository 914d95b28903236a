"""Every message the interface can show has a French translation (French is the default)."""

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from dashboard.components.i18n import LOCALE_DIR
from dashboard.settings import PROJECT_ROOT

# ``Message("...")`` is a domain message (dashboard/domain/numbers.py): its text is a msgid
# too, so `make messages` keeps its translation.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None,
            "pgettext": ((1, "c"), 2), "P_": ((1, "c"), 2), "Message": None}
METHODS = [
    ("dashboard/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
    ("print_templates/**.html", "jinja2"),
    ("print_templates/**.zpl", "jinja2"),
]
OPTIONS = {pattern: {"extensions": "jinja2.ext.i18n"} for pattern, _ in METHODS if "jinja" in _}


def _extracted() -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every message in the sources."""
    ids = set()
    for _, _, message, _, context in extract_from_dir(str(PROJECT_ROOT), METHODS, OPTIONS,
                                                      KEYWORDS):
        ids.add((context, message[0] if isinstance(message, tuple) else message))
    return {(c, m) for c, m in ids if m}


def test_every_interface_message_is_translated_into_french():
    with open(LOCALE_DIR / "fr" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale="fr")
    translated = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalog
                  if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)}
    missing = sorted(_extracted() - translated)
    assert not missing, f"run `make messages` and translate: {missing[:20]}"
