"""End-to-end fixtures: a real ``dashboard serve`` on a free port over the test database,
and a real headless Chromium driven by Playwright. Reusable by every e2e test.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import httpx
import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "correct horse battery"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(extra_args: tuple[str, ...] = (), **extra_env: str):
    """``dashboard serve`` on a free port over the test database, with ``extra_args`` on its
    command line and ``extra_env`` set; yields its URL and stops it at the end of the block."""
    port = _free_port()
    env = {**os.environ, "DASHBOARD_WORKER": "off", **extra_env}
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "serve", "--host", "127.0.0.1", "--port", str(port),
         *extra_args],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited: " + process.stderr.read().decode()[-2000:])
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        process.terminate()
        raise RuntimeError("server did not answer /healthz in 20 s")
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def server_url():
    """The app served by its own command, on the same database as the tests."""
    with serving() as url:
        yield url


@pytest.fixture(scope="session")
async def browser():
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield chromium
        await chromium.close()


@pytest.fixture
async def staff_page(browser, server_url):
    """``await staff_page(role, viewport=...)``: a new browser page signed in with that role."""
    from dashboard.services.staff.auth import create_user

    contexts = []

    async def _open(role: str, viewport: dict | None = None):
        username = f"{role}-e2e"
        await create_user(username, role, PASSWORD, locale="en",
                          display_name=f"{role.replace('_', ' ').title()} Agent")
        context = await browser.new_context(viewport=viewport or DESKTOP, base_url=server_url,
                                            locale="en-GB")
        contexts.append(context)
        page = await context.new_page()
        await page.goto("/login")
        await page.fill("input[name=username]", username)
        await page.fill("input[name=password]", PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_url("**/orders")
        return page

    yield _open
    for context in contexts:
        await context.close()


async def open_signed_in(browser, server_url, username: str, *, viewport: dict,
                         locale: str = "fr-FR", phone: bool = False,
                         init_script: str | None = None):
    """A new browser context signed in as ``username`` (password ``PASSWORD``), on the page
    the role lands on; returns ``(context, page)``; the caller closes the context."""
    context = await browser.new_context(viewport=viewport, base_url=server_url, locale=locale,
                                        has_touch=phone, is_mobile=phone)
    if init_script:
        await context.add_init_script(init_script)
    page = await context.new_page()
    await page.goto("/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(lambda url: "/login" not in url)
    return context, page
