"""The Jinja environment for screens (``templates/``): autoescape, i18n, filters, globals."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from markupsafe import Markup

from dashboard.components import (
    badges, countdown, delivery_errors, formatting, history_text, i18n, labels,
)
from dashboard.domain.staff.roles import Action, Area, areas_for, can_access, can_do
from dashboard.settings import PROJECT_ROOT

TEMPLATE_DIR = PROJECT_ROOT / "templates"
HTMX_VERSION = "2.0.11"
# Areas whose screens exist; the navigation shows these, filtered by role.
NAV_AREAS = frozenset({"orders", "customers", "picking", "payments", "stock", "dispatch",
                       "settings"})


@pass_context
def current_user(context):
    """The signed-in staff member, or None on public pages (no auth middleware ran)."""
    request = context.get("request")
    return request.scope.get("user") if request is not None else None


@pass_context
def may_enter(context, area: str) -> bool:
    """Whether the signed-in staff member's role opens ``area`` (e.g. "dispatch"): links
    to another area's screens show only to those its guard lets in."""
    user = current_user(context)
    return user is not None and can_access(getattr(user, "role", ""), Area(area))


@pass_context
def may(context, action: str) -> bool:
    """Whether the signed-in staff member's role may do ``action`` (e.g. "refund")."""
    user = current_user(context)
    return user is not None and can_do(getattr(user, "role", ""), Action(action))


def base_environment(autoescape) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=autoescape,
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True,
                                  pgettext=i18n.pgettext)  # type: ignore[attr-defined]
    env.filters.update(formatting.FILTERS)
    env.globals.update(label=labels.label)
    return env


@pass_context
def _email_gettext(context, string: str, **variables) -> str:
    """Jinja's new-style ``_()`` in one call instead of three nested ``Context.call``s
    (alias -> gettext -> catalogue): the same text, escaped the same way. A bulk shipment
    renders ~13 of these per email, a thousand emails at a time."""
    text = i18n.gettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@lru_cache(maxsize=1)
def email_environment() -> Environment:
    """Emails: HTML parts escaped, text parts and subjects not."""
    env = base_environment(select_autoescape(["html"], default_for_string=False, default=False))
    env.globals.update({"_": _email_gettext, "gettext": _email_gettext})
    return env


def build_environment() -> Environment:
    """Screens. We pass our own Environment to Litestar, so autoescape is ours to turn on."""
    env = base_environment(select_autoescape(["html", "xml"], default_for_string=True))
    env.globals.update(
        current_user=current_user,
        choices=labels.choices,
        areas_for=areas_for,
        may_enter=may_enter,
        may=may,
        country_choices=formatting.country_choices,
        event_text=history_text.event_text,
        carrier_name=history_text.carrier_name,
        explain_error=delivery_errors.delivery_error,
        current_locale=i18n.current_locale.get,
        locales=i18n.LOCALES,
        htmx_version=HTMX_VERSION,
        nav_areas=NAV_AREAS,
        carrier_choices=labels.carrier_choices,
        payment_deadline=countdown.payment_deadline,
        is_overdue=countdown.is_overdue,
        payment_badge=badges.payment_badge,
    )
    env.filters["countdown"] = countdown.countdown
    return env
