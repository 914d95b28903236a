"""Screenshots from e2e walks: into a temporary folder, or into ``$DASHBOARD_SCREENSHOTS``
(e.g. ``docs/screenshots``) when set, to refresh the documentation's pictures."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

SCREENSHOT_DIR = Path(os.environ.get("DASHBOARD_SCREENSHOTS") or tempfile.mkdtemp(prefix="shots-"))


async def screenshot(page, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    await asyncio.sleep(0.2)  # let the last swap settle
    await page.screenshot(path=str(path), full_page=False)
    return path
