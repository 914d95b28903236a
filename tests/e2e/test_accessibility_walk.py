"""Every main screen of every role, in French, passes axe-core with no serious or critical
violation, and every button, link and checkbox is at least 24 x 24 CSS pixels (WCAG 2.2
SC 2.5.8). The sign-in page too, signed out."""

from __future__ import annotations

import pytest

from dashboard.services.fulfilment import picking
from tests.e2e.accessibility import serious_violations, small_targets
from tests.e2e.conftest import DESKTOP, PASSWORD, PHONE, open_signed_in
from tests.factories import make_customer, make_order
from tests.fulfilment.support import barcoded_order, set_order

pytestmark = pytest.mark.e2e

# The main screens of each area; "{order}" and "{pick_list}" are filled in below.
SCREENS = {
    "orders": ["/orders", "/orders/{order}", "/orders/new"],
    "payments": ["/payments"],
    "stock": ["/stock"],
    "customers": ["/customers"],
    "dispatch": ["/dispatch"],
    "picking": ["/picking", "/picking/{pick_list}"],
    "settings": ["/settings"],
}
ROLE_AREAS = {
    "admin": ["orders", "payments", "stock", "customers", "dispatch", "picking", "settings"],
    "back_office": ["orders", "payments", "stock", "customers", "dispatch"],
    "call_centre": ["orders", "customers"],
    "dispatch": ["orders", "stock", "dispatch", "picking"],
    "picker": ["picking"],
}


async def _shop() -> dict:
    customer = await make_customer("Hélène", "Dupré", postal_code="75011")
    order = await make_order(customer, paid=True)
    await make_order(name="Marc Petit", payment_method="card")
    await make_order(name="Ines Roy", paid=True, shipped=True)
    await make_order(name="Paul Blanc", status="on_hold")
    for _ in range(2):
        ready = await barcoded_order()
        await set_order(ready["number"], payment_status="paid")
    pick_list = await picking.create_batch_pick_list(actor="test")
    return {"order": order["number"], "pick_list": pick_list}


async def _signed_in(browser, server_url, role: str):
    from dashboard.services.staff.auth import create_user

    username = f"{role}-a11y"
    await create_user(username, role, PASSWORD, locale="fr",
                      display_name=f"{role.replace('_', ' ').title()} Agent")
    return await open_signed_in(browser, server_url, username,
                                viewport=PHONE if role == "picker" else DESKTOP,
                                phone=role == "picker")


async def _check(page, path: str) -> list[str]:
    response = await page.goto(path)
    assert response.status == 200, (path, response.status)
    await page.wait_for_load_state("networkidle")
    problems = [f"{path}: {line}" for line in await serious_violations(page)]
    problems += [f"{path}: target under 24px: {line}" for line in await small_targets(page)]
    return problems


async def test_sign_in_page_is_accessible(browser, server_url):
    context = await browser.new_context(viewport=DESKTOP, base_url=server_url, locale="fr-FR")
    try:
        page = await context.new_page()
        problems = await _check(page, "/login")
        await page.fill("input[name=username]", "nobody")
        await page.fill("input[name=password]", "wrong password")
        await page.click("button[type=submit]")
        await page.wait_for_selector(".alert-error")
        problems += [f"/login (error): {line}" for line in await serious_violations(page)]
    finally:
        await context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", list(ROLE_AREAS))
async def test_every_main_screen_of_the_role_is_accessible(browser, server_url, role):
    values = await _shop()
    context, page = await _signed_in(browser, server_url, role)
    problems = []
    try:
        for area in ROLE_AREAS[role]:
            for path in SCREENS[area]:
                problems += await _check(page, path.format(**values))
    finally:
        await context.close()
    assert not problems, "\n".join(problems)
