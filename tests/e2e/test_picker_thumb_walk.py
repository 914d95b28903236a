"""A picker holding a 390 x 844 phone in one hand, in French: the scan bar is in the lower
half, within the thumb's reach, targets are big, nothing scrolls sideways; every scan
result beeps (high when counted, low otherwise) and vibrates (one buzz, or two); the list
is scanned to completion, and a scan after that is refused in French."""

from __future__ import annotations

import pytest

from tests.e2e.accessibility import serious_violations, small_targets
from tests.e2e.conftest import PASSWORD, PHONE, open_signed_in
from tests.e2e.e2e_shots import screenshot
from tests.fulfilment.support import EANS, barcoded_order, set_order

pytestmark = pytest.mark.e2e

OK_SIGNAL = {"hz": 880, "vibrate": [60]}
ERROR_SIGNAL = {"hz": 220, "vibrate": [200, 100, 200]}

# Records what the page asks of the speaker and the vibration motor (headless Chromium
# has neither), then lets the real Web Audio call go on.
SPY = """
window.__signals = [];
const realStart = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  window.__signals.push({hz: this.frequency.value, type: this.type});
  return realStart.apply(this, args);
};
navigator.vibrate = function (pattern) {
  window.__signals[window.__signals.length - 1].vibrate = pattern;
  return true;
};
"""


async def _scan(page, code: str, expected: str) -> dict:
    """Type a code as the handheld scanner does (into the focused field), press Enter,
    wait for the answer; returns the sound and vibration it gave."""
    before = await page.evaluate("window.__signals.length")
    await page.keyboard.type(code)
    await page.keyboard.press("Enter")
    await page.wait_for_function(
        "([r, n]) => document.getElementById('picking').dataset.lastResult === r "
        "&& window.__signals.length > n && document.getElementById('pending').hidden",
        arg=[expected, before])
    await page.evaluate("delete document.getElementById('picking').dataset.lastResult")
    signal = await page.evaluate("window.__signals[window.__signals.length - 1]")
    return {"hz": signal["hz"], "vibrate": signal.get("vibrate")}


async def test_pick_to_completion_with_one_thumb(browser, server_url):
    from dashboard.services.staff.auth import create_user

    order = await barcoded_order(lines=[("TSHIRT-BLUE-M", 2, 1990), ("MUG-RED", 1, 900)])
    await set_order(order["number"], payment_status="paid")
    await create_user("picker-thumb", "picker", PASSWORD, locale="fr", display_name="Lou")
    context, page = await open_signed_in(browser, server_url, "picker-thumb", viewport=PHONE,
                                         phone=True, init_script=SPY)
    try:
        assert page.url.endswith("/picking")
        await page.get_by_role("button", name="Nouvelle liste de préparation").tap()
        await page.wait_for_url("**/picking/PL*")
        assert await page.evaluate("document.activeElement.id") == "scan"

        # One thumb: the field and its Enter button sit in the lower half, big enough.
        half = PHONE["height"] / 2
        for selector in ("#scan", "button.scan-submit"):
            box = await page.locator(selector).bounding_box()
            assert box["y"] >= half and box["y"] + box["height"] <= PHONE["height"], selector
            assert box["height"] >= 44, (selector, box)
        short_button = await page.locator(".pick-line button.link").first.bounding_box()
        assert short_button["height"] >= 44 and short_button["width"] >= 44
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        problems = await serious_violations(page) + await small_targets(page)
        assert not problems, "\n".join(problems)
        await screenshot(page, "picker-thumb-start")

        assert await _scan(page, EANS["TSHIRT-BLUE-M"], "counted") == OK_SIGNAL
        assert "Compté" in await page.inner_text("#feedback")
        assert await _scan(page, "0000000000000", "unknown") == ERROR_SIGNAL
        assert await page.get_attribute("#feedback", "role") == "alert"
        assert "Code-barres inconnu" in await page.inner_text("#feedback")
        await screenshot(page, "picker-thumb-unknown-barcode")
        assert await _scan(page, EANS["MUG-RED"], "counted") == OK_SIGNAL
        # The Enter button does what the scanner's Enter does.
        await page.fill("#scan", EANS["TSHIRT-BLUE-M"])
        before = await page.evaluate("window.__signals.length")
        await page.locator("button.scan-submit").tap()
        await page.wait_for_selector("#complete")
        await page.wait_for_function("n => window.__signals.length > n", arg=before)
        assert "Liste de préparation terminée" in await page.inner_text("#complete")
        assert await page.inner_text(".progress-text") == "3 / 3 · Terminée"
        assert await page.evaluate("document.activeElement.id") == "scan"
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        await screenshot(page, "picker-thumb-complete")

        # After completion, a scan is refused, in French, with the error signal.
        assert await _scan(page, EANS["TSHIRT-BLUE-M"], "error") == ERROR_SIGNAL
        feedback = page.locator("#feedback")
        assert await feedback.get_attribute("role") == "alert"
        assert "Cette liste de préparation est terminée : plus rien à scanner" in \
            await feedback.inner_text()
        problems = await serious_violations(page) + await small_targets(page)
        assert not problems, "\n".join(problems)
        await screenshot(page, "picker-thumb-after-complete")
    finally:
        await context.close()
