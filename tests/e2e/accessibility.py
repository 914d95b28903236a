"""Accessibility checks for the browser walks: axe-core (through axe-playwright-python)
and the WCAG 2.2 minimum target size, on whatever the page shows now."""

from __future__ import annotations

from axe_playwright_python.async_playwright import Axe

# WCAG 2.0-2.2 A and AA, plus axe's best practices (landmarks, one main, headings...).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                          "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}
MIN_TARGET_PX = 24  # WCAG 2.2 SC 2.5.8 Target Size (Minimum), level AA

_axe = Axe()


async def serious_violations(page) -> list[str]:
    """One line per serious or critical axe violation and element, empty when clean."""
    results = await _axe.run(page, options=AXE_OPTIONS)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            for node in violation["nodes"]:
                found.append(f"{violation['id']} ({violation['impact']}): "
                             f"{node['target']} {node.get('failureSummary', '')[:160]!r}")
    return found


# Buttons, links and form controls a finger or pointer aims at. Exceptions of SC 2.5.8:
# a link inside a sentence ("inline"), and controls whose size the browser decides.
_SMALL_TARGETS_JS = """
(min) => {
  const selector = 'a[href], button, input[type=checkbox], input[type=radio], ' +
                   'input[type=submit], input[type=button], select, summary, [role=button]';
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not rendered (closed details...)
    if (el.closest('[hidden], [aria-hidden=true]')) continue;
    if (el.tagName === 'A' && style.display === 'inline') {
      const parent = el.parentElement;
      const text = parent ? parent.textContent.replace(el.textContent, '').trim() : '';
      if (text.length > 0 && !['TD', 'TH', 'LI', 'NAV'].includes(parent.tagName)) continue;
    }
    if (box.width < min || box.height < min) {
      small.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
                 `${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}` +
                 ` "${(el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30)}"` +
                 ` ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}
"""


async def small_targets(page) -> list[str]:
    """Visible targets smaller than 24 x 24 CSS pixels (WCAG 2.2 SC 2.5.8)."""
    return await page.evaluate(_SMALL_TARGETS_JS, MIN_TARGET_PX)
