"""Fixtures for the print tests: orders with printable products (tests/factories.py),
one Chromium for the session, and PDF inspection helpers (pdftotext, pypdf)."""

from __future__ import annotations

import io
import subprocess

import pytest

from tests.factories import add_product, make_order

PRODUCTS = [
    # sku, name, barcode (valid EAN-13), bin, unit price (VAT incl.), VAT %
    ("TSHIRT-BLUE-M", "T-shirt bleu, taille M", "3760000000017", "B-10-1", 1990, "20.0"),
    ("BOOK-ATLAS", "Atlas des oiseaux de France", "9782070360024", "A-02-3", 2450, "5.5"),
    ("MUG-ENAMEL", "Mug émaillé 35 cl", "3760000000024", "A-10-1", 1200, "20.0"),
]
LINES = [("TSHIRT-BLUE-M", 2, 1990), ("BOOK-ATLAS", 1, 2450), ("MUG-ENAMEL", 3, 1200)]


async def make_print_order(**changes) -> str:
    """The number of an order of the three printable products (barcodes, bins, two VAT
    rates), 4.90 shipping, paid unless ``paid=False``; the products are stocked on first
    use. Also used by bench/printing.py."""
    from dashboard.db.tables import Product

    if not await Product.exists().where(Product.sku == PRODUCTS[0][0]):
        for sku, name, barcode, bin_location, price, vat in PRODUCTS:
            await add_product(sku, 100_000, name=name, barcode=barcode,
                              bin_location=bin_location, price=price, vat_rate=vat)
    values = {"lines": LINES, "shipping_total": 490, "paid": True, "payment_method": "card",
              **changes}
    return (await make_order(**values))["number"]


@pytest.fixture
def configure_printers(monkeypatch):
    """``configure_printers("desk=tcp:127.0.0.1:9100", default="desk", document=None)``:
    the printers, and the default ones for labels and for documents, for one test."""
    import dataclasses

    from dashboard.services.printing import labels, panel
    from dashboard.settings import get_settings

    def configure(spec: str, default: str | None = None, document: str | None = None):
        changed = dataclasses.replace(get_settings(), printers=spec, label_printer=default,
                                      document_printer=document)
        monkeypatch.setattr(labels, "get_settings", lambda: changed)
        monkeypatch.setattr(panel, "get_settings", lambda: changed)

    return configure


@pytest.fixture
def order_factory():
    """``await order_factory(**make_order_arguments)``: see ``make_print_order``."""
    return make_print_order


@pytest.fixture(scope="session")
async def pdf_renderer():
    """One warm Chromium for the whole session (the app's renderer singleton)."""
    from dashboard.components.pdf import renderer

    pdf = renderer()
    yield pdf
    await pdf.close()


def _pdf_text(data: bytes) -> str:
    """The PDF's text as pdftotext (poppler) reads it, in reading order, one space between
    words (a narrow roll wraps names over several lines)."""
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def _pdf_pages(data: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of each page."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


@pytest.fixture(scope="session")
def pdf_text():
    return _pdf_text


@pytest.fixture(scope="session")
def pdf_pages():
    return _pdf_pages
