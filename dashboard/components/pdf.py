"""HTML to PDF with one warm Chromium per process (pyppeteer).

Launching Chromium costs ~0.5 s and blocks the loop, so the browser is launched once,
lazily, under a lock, and reused: each job gets its own page under a semaphore (a bounded
pool), and a browser found dead is relaunched transparently. The app's lifespan closes it.
Flags and traps: see STACK-NOTES ("pyppeteer and Chromium").
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from weakref import WeakKeyDictionary

from dashboard.domain.printing.documents import Paper
from dashboard.settings import get_settings

log = logging.getLogger(__name__)

INSTALL_HINT = ("Chromium is not installed, so PDFs cannot be made (the print view still works). "
                "Install it with `sudo apt-get install chromium-headless-shell` (or run "
                "`make setup`), or set CHROMIUM_PATH to a Chromium or Chrome executable.")

CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--metrics-recording-only",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--hide-scrollbars",
    "--font-render-hinting=none",
]


# One round trip per job instead of pyppeteer's setContent + evaluate (three messages each):
# write the page, wait only for what is still loading, and measure the content when the
# sheet is a thermal roll (it is cut to that height). Images (the logo is a data URI) decode
# asynchronously; web fonts (our templates have none) are awaited only when the page
# declares some: Chromium waits for them before printing, but not before the measure.
_LOAD = """(async (html, measure) => {
  document.open(); document.write(html); document.close();
  const pending = Array.from(document.images).filter(img => !img.complete).map(
    img => new Promise(done => { img.addEventListener("load", done, {once: true});
                                 img.addEventListener("error", done, {once: true}); }));
  if (document.fonts.size) pending.push(document.fonts.ready);
  if (pending.length) await Promise.all(pending);
  return measure ? Math.ceil(document.documentElement.getBoundingClientRect().height) : 0;
})"""


class PdfUnavailable(RuntimeError):
    """No Chromium to render with; the message says how to install one."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(INSTALL_HINT + (f" ({detail})" if detail else ""))


def find_chromium() -> str | None:
    configured = get_settings().chromium_path
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    # The headless shell first: the same Blink and Skia, but it prints inside the renderer,
    # where full Chromium starts a print-compositor process for every PDF (~3x slower
    # for one invoice). Full Chromium still works when the shell is not installed.
    for name in ("chromium-headless-shell", "chrome-headless-shell", "chromium",
                 "chromium-browser", "google-chrome", "google-chrome-stable"):
        if path := shutil.which(name):
            return path
    return None


def _inches(length: str) -> float:
    """A CSS length ("12mm", "302px") in inches, as pyppeteer's page.pdf() converts it."""
    from pyppeteer.page import convertPrintParameterToInches

    return convertPrintParameterToInches(length)


class PdfRenderer:
    def __init__(self, max_pages: int = 4) -> None:
        self._browser = None
        self._lock = asyncio.Lock()
        self._pages = asyncio.Semaphore(max_pages)
        self._idle: list = []
        self._widths: WeakKeyDictionary = WeakKeyDictionary()  # page -> viewport width set
        self.launches = 0

    @property
    def available(self) -> bool:
        return find_chromium() is not None

    def _alive(self) -> bool:
        browser = self._browser
        return browser is not None and browser.process is not None and browser.process.poll() is None

    async def browser(self):
        if self._alive():
            return self._browser
        async with self._lock:
            if self._alive():
                return self._browser
            if self._browser is not None:
                log.warning("Chromium died (exit %s): relaunching", self._browser.process.poll())
                await self._forget()
            executable = find_chromium()
            if executable is None:
                raise PdfUnavailable()
            from pyppeteer import launch

            args = list(CHROMIUM_ARGS)
            if os.geteuid() == 0:
                args.append("--no-sandbox")
            try:
                self._browser = await launch(
                    executablePath=executable, headless=True, args=args,
                    handleSIGINT=False, handleSIGTERM=False, handleSIGHUP=False,
                    autoClose=False, logLevel=logging.WARNING,
                )
            except Exception as exc:  # noqa: BLE001 - any launch failure means "no PDF"
                raise PdfUnavailable(f"{executable}: {exc}") from exc
            self.launches += 1
            log.info("Chromium launched: %s", executable)
            return self._browser

    async def _forget(self) -> None:
        browser, self._browser = self._browser, None
        self._idle.clear()
        process = browser.process
        try:
            if process is not None and process.poll() is not None:
                await asyncio.wait_for(browser.disconnect(), 1)  # dead: only drop the socket
            else:
                await asyncio.wait_for(browser.close(), 5)
        except Exception:  # noqa: BLE001 - already gone or stuck: reap the process ourselves
            log.debug("Chromium did not close cleanly")
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    @asynccontextmanager
    async def page(self) -> AsyncIterator:
        """A page for one job. Pages are kept open and reused (opening one costs ~150 ms,
        a new renderer process); a page whose job failed is closed, never reused."""
        async with self._pages:
            browser = await self.browser()
            page = None
            while self._idle and page is None:
                candidate = self._idle.pop()
                page = None if candidate.isClosed() else candidate
            if page is None:
                try:
                    page = await browser.newPage()
                except Exception:  # noqa: BLE001 - connection lost: relaunch once and retry
                    await self._forget()
                    page = await (await self.browser()).newPage()
            try:
                yield page
            except BaseException:
                try:
                    await page.close()
                except Exception:  # noqa: BLE001 - the browser may have died meanwhile
                    log.debug("page already closed")
                raise
            else:
                if self._browser is browser:
                    self._idle.append(page)

    async def pdf(self, html: str, sheet: Paper) -> bytes:
        """The PDF of a self-contained HTML page on ``sheet``; a thermal roll is cut to the
        measured height of the content, on one page."""
        async with self.page() as page:
            client = page._client  # CDP directly: one message per step, options pyppeteer lacks
            if self._widths.get(page) != sheet.viewport_px:
                await client.send("Emulation.setDeviceMetricsOverride", {
                    "width": sheet.viewport_px, "height": 600, "deviceScaleFactor": 1,
                    "mobile": False})
                # Print media, so that a thermal roll is measured as it will print.
                await client.send("Emulation.setEmulatedMedia", {"media": "print"})
                self._widths[page] = sheet.viewport_px
            loaded = await client.send("Runtime.evaluate", {
                "expression": f"{_LOAD}({json.dumps(html)}, {json.dumps(sheet.thermal)})",
                "awaitPromise": True, "returnByValue": True})
            if "exceptionDetails" in loaded:
                raise RuntimeError(f"could not load the page: {loaded['exceptionDetails']}")
            margins = dict(zip(("marginTop", "marginRight", "marginBottom", "marginLeft"),
                               map(_inches, sheet.margins.split())))
            height = (f"{loaded['result']['value'] + 2}px" if sheet.thermal else sheet.height)
            result = await client.send("Page.printToPDF", {
                "printBackground": True, "preferCSSPageSize": False,
                "paperWidth": _inches(sheet.width), "paperHeight": _inches(height),
                "pageRanges": "1" if sheet.thermal else "",
                # Tagged (Chromium's default, said here on purpose): screen readers need the
                # structure tree for invoices sent to customers. Untagged saves ~4 ms a job.
                "generateTaggedPDF": True,
                **margins})
            return base64.b64decode(result["data"])

    async def close(self) -> None:
        async with self._lock:
            if self._browser is not None:
                await self._forget()


_renderer: PdfRenderer | None = None


def renderer() -> PdfRenderer:
    global _renderer
    if _renderer is None:
        _renderer = PdfRenderer()
    return _renderer


@asynccontextmanager
async def chromium_lifespan(_app) -> AsyncIterator[None]:
    """App lifespan: nothing at start (launched on the first PDF), closed at shutdown."""
    try:
        yield
    finally:
        if _renderer is not None:
            await _renderer.close()
