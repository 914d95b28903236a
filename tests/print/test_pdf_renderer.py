"""The warm Chromium: reused, bounded, relaunched when it dies, and a clear refusal without it."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import io
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from dashboard.components import pdf as pdf_module
from dashboard.components.pdf import PdfRenderer, PdfUnavailable
from dashboard.domain.printing.documents import paper
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


def _png(width: int, height: int) -> str:
    """A grey PNG as a data URI: an image the page must wait for (it decodes asynchronously)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
           + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _font_names(data: bytes) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


async def test_the_roll_waits_for_its_images_before_it_is_measured(pdf_renderer, pdf_pages):
    # No width or height attributes: until the image has decoded it takes no room, and a
    # roll measured too early would be cut above it.
    html = f'<html><body><p>Top</p><img src="{_png(40, 1500)}"><p>Bottom</p></body></html>'
    (_, height), = pdf_pages(await pdf_renderer.pdf(html, paper("80mm")))
    assert height > 1500 * 72 / 96


async def test_web_fonts_are_loaded_before_printing(pdf_renderer, pdf_text):
    """Chromium waits for web fonts before printing, but not before the roll is measured: a
    roll measured in the fallback font (narrower than this monospace one) would be cut
    before its last lines. The font comes from a slow local server."""
    found = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans Mono"],
                           capture_output=True, text=True)
    font = Path(found.stdout)
    # make setup installs fonts-dejavu-core (the documents' fonts too): missing is a failure.
    assert found.returncode == 0 and "DejaVuSansMono" in font.name, "run make setup"

    async def serve_slowly(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(0.5)
        body = font.read_bytes()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: font/ttf\r\nAccess-Control-Allow-Origin: *"
                     + f"\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                     + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve_slowly, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    words = " ".join(f"item{n}" for n in range(300))
    html = ("<html><head><style>@font-face { font-family: Ledger; "
            f"src: url(http://127.0.0.1:{port}/mono.ttf); }} p {{ font-family: Ledger; }}"
            f"</style></head><body><p>{words} END</p></body></html>")
    try:
        data = await pdf_renderer.pdf(html, paper("80mm"))
    finally:
        server.close()
    assert _font_names(data) == {"DejaVuSansMono"}
    assert pdf_text(data).endswith("item299 END")


async def test_a_reused_page_takes_each_sheet_width(pdf_pages):
    """Pages remember the viewport width they were given: a page that printed an A4 sheet
    must still measure a roll at the roll's width (wider would wrap less: a shorter roll)."""
    text = "<html><body><p>" + "word " * 400 + "</p></body></html>"
    renderer = PdfRenderer(max_pages=1)
    try:
        (_, alone), = pdf_pages(await renderer.pdf(text, paper("80mm")))
        await renderer.pdf(text, paper("a4"))
        (_, after_a4), = pdf_pages(await renderer.pdf(text, paper("80mm")))
        (_, narrower), = pdf_pages(await renderer.pdf(text, paper("58mm")))
    finally:
        await renderer.close()
    assert after_a4 == alone
    assert narrower > alone
