"""Sign-in slow-down per (account, client address): no lockout of a colleague from afar.

Before, five failures from anywhere locked the account for everyone, so anyone could lock
a colleague out. Counts now live per account and address, in the database (every app
instance sees them), are logged, and an administrator can clear them.
"""

import logging

import httpx
import pytest

from dashboard.db.tables import SignInThrottle
from dashboard.services.staff.auth import create_user
from tests.conftest import PASSWORD, sign_in


@pytest.fixture
async def browser_at(app):
    """``await browser_at("10.0.0.66")``: an anonymous browser calling from that address."""
    opened = []

    async def _open(address: str, on_app=None):
        transport = httpx.ASGITransport(app=on_app or app, client=(address, 40000))
        http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        opened.append(http)
        return http

    yield _open
    for http in opened:
        await http.aclose()


async def test_failures_from_elsewhere_do_not_lock_the_owner_out(browser_at, caplog):
    await create_user("anne", "back_office", PASSWORD)
    attacker = await browser_at("203.0.113.66")
    caplog.set_level(logging.WARNING, logger="dashboard.services.staff.auth")
    answers = [(await sign_in(attacker, "anne", f"guess-{i}")).status_code for i in range(9)]
    assert answers[:5] == [401] * 5 and 429 in answers[5:]
    assert (await sign_in(attacker, "anne")).status_code == 429  # even the right password
    assert any("sign-in slowed down: 'anne' from 203.0.113.66" in r.getMessage()
               for r in caplog.records)
    anne = await browser_at("192.0.2.10")
    assert (await sign_in(anne, "anne")).status_code == 303
    # Anne's success clears her own address only; the attacker's count stays.
    assert await SignInThrottle.exists().where(SignInThrottle.client == "203.0.113.66")


async def test_the_wait_grows_with_each_failure(browser_at):
    from datetime import datetime, timedelta, timezone

    attacker = await browser_at("203.0.113.7")
    waits = []
    for _ in range(8):
        await sign_in(attacker, "ghost", "guess")
        row = await SignInThrottle.objects().where(SignInThrottle.client == "203.0.113.7").first()
        if row.locked_until:
            waits.append(round((row.locked_until - row.last_failure_at).total_seconds()))
            # Let the wait pass, as a patient attacker would.
            await SignInThrottle.update({SignInThrottle.locked_until: datetime.now(timezone.utc)
                                        - timedelta(seconds=1)}).where(SignInThrottle.id == row.id)
    assert waits == [2, 4, 8, 16]


async def test_the_count_is_in_the_database_for_every_app_instance(browser_at):
    from dashboard.app import create_app

    attacker = await browser_at("203.0.113.9")
    for _ in range(6):
        await sign_in(attacker, "anne", "guess")
    other_instance = await browser_at("203.0.113.9", on_app=create_app())
    assert (await sign_in(other_instance, "ghost-free", "guess")).status_code == 401
    assert (await sign_in(other_instance, "anne", "guess")).status_code == 429


async def test_an_admin_unlocks_an_account_from_the_settings_screen(browser_at, login_as,
                                                                    client, caplog):
    await create_user("anne", "back_office", PASSWORD)
    attacker = await browser_at("203.0.113.66")
    for _ in range(7):
        await sign_in(attacker, "anne", "guess")
    await login_as("admin", locale="fr")
    page = await client.get("/settings/sign-in")
    assert page.status_code == 200
    assert 'data-account="anne"' in page.text and "203.0.113.66" in page.text
    assert "Débloquer" in page.text
    caplog.set_level(logging.WARNING, logger="dashboard.services.staff.auth")
    done = await client.post("/settings/sign-in/unlock", data={"username": "anne"})
    assert done.status_code == 200 and "Compte anne débloqué" in done.text
    assert 'data-account="anne"' not in done.text
    assert not await SignInThrottle.exists().where(SignInThrottle.username == "anne")
    assert any("sign-in unlocked: 'anne' by admin-user" in r.getMessage() for r in caplog.records)
    assert (await sign_in(attacker, "anne")).status_code == 303


async def test_unlocking_needs_an_account_name_and_the_admin_role(login_as, client):
    await login_as("admin")
    assert (await client.post("/settings/sign-in/unlock", data={"username": " "})).status_code == 422


@pytest.mark.parametrize("role", ["back_office", "call_centre", "dispatch", "picker"])
async def test_only_admins_see_or_unlock(role, login_as, client):
    await login_as(role)
    assert (await client.get("/settings/sign-in")).status_code == 403
    assert (await client.post("/settings/sign-in/unlock", data={"username": "x"})).status_code == 403


async def test_concurrent_failures_of_one_pair_are_all_counted_without_a_500(browser_at):
    import asyncio

    attackers = [await browser_at("203.0.113.5") for _ in range(8)]
    answers = await asyncio.gather(*(sign_in(http, "anne", "guess") for http in attackers))
    assert all(a.status_code in (401, 429) for a in answers), [a.status_code for a in answers]
    row = await SignInThrottle.objects().where(SignInThrottle.client == "203.0.113.5").first()
    refused_unchecked = sum(a.status_code == 429 for a in answers)
    assert row.failures == 8 - refused_unchecked
