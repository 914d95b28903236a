"""The warm Chromium: reused, bounded, relaunched when it dies, and a clear refusal without it."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from dashboard.components import pdf as pdf_module
from dashboard.components.pdf import PdfRenderer, PdfUnavailable
from dashboard.domain.documents import paper
from dashboard.settings import get_settings

HTML = "<!doctype html><html><body><p>Hello {n}</p></body></html>"


async def test_one_browser_serves_many_jobs_and_comes_back_after_a_crash(pdf_text):
    renderer = PdfRenderer(max_pages=2)
    try:
        results = await asyncio.gather(*(renderer.pdf(HTML.format(n=n), paper("a4"))
                                         for n in range(6)))
        assert [pdf_text(r) for r in results] == [f"Hello {n}" for n in range(6)]
        assert renderer.launches == 1
        renderer._browser.process.kill()
        renderer._browser.process.wait()
        assert "Hello again" in pdf_text(await renderer.pdf(HTML.format(n="again"), paper("a4")))
        assert renderer.launches == 2
    finally:
        await renderer.close()
    assert renderer._browser is None


async def test_thermal_roll_is_as_long_as_its_content(pdf_renderer, pdf_pages):
    short = await pdf_renderer.pdf(HTML.format(n=1), paper("80mm"))
    long_html = "<html><body>" + "<p>line</p>" * 80 + "</body></html>"
    long = await pdf_renderer.pdf(long_html, paper("80mm"))
    (w1, h1), = pdf_pages(short)
    (w2, h2), = pdf_pages(long)
    assert w1 == w2 == pytest.approx(80 * 72 / 25.4, abs=1)
    assert h2 > h1 * 5


async def test_without_chromium_the_refusal_says_how_to_install_it(monkeypatch):
    missing = dataclasses.replace(get_settings(), chromium_path="/nonexistent/chromium")
    monkeypatch.setattr(pdf_module, "get_settings", lambda: missing)
    renderer = PdfRenderer()
    assert not renderer.available
    with pytest.raises(PdfUnavailable, match="apt-get install chromium"):
        await renderer.pdf(HTML, paper("a4"))
