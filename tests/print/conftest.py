"""Fixtures for the print tests: a small order factory, one Chromium for the session,
and PDF inspection helpers (pdftotext, pypdf)."""

from __future__ import annotations

import io
import subprocess
from datetime import date, datetime, timezone
from itertools import count

import pytest

from dashboard.db.tables import Customer, Order, OrderLine, Payment, Product, Shipment
from dashboard.db.transaction import write_transaction
from dashboard.domain.pricing import line_amounts, order_totals
from dashboard.domain.search import order_search_text

_numbers = count(1)

DEFAULT_LINES = [
    # sku, name, barcode (valid EAN-13), bin, unit price (VAT incl.), VAT bp, quantity
    ("TSHIRT-BLUE-M", "T-shirt bleu, taille M", "3760000000017", "B-10-1", 1990, 2000, 2),
    ("BOOK-ATLAS", "Atlas des oiseaux de France", "9782070360024", "A-02-3", 2450, 550, 1),
    ("MUG-ENAMEL", "Mug émaillé 35 cl", "3760000000024", "A-10-1", 1200, 2000, 3),
]


async def make_order(*, customer_name: str = "Anne Martin", lines=None, shipping_total: int = 490,
                     paid: bool = True, payment_method: str = "card", status: str = "open",
                     locale: str = "fr", number: str | None = None, shipped: bool = False) -> str:
    """Insert a consistent order (customer, products, lines, totals via domain/pricing,
    optionally a payment and a shipment) and return its number."""
    lines = DEFAULT_LINES if lines is None else lines
    number = number or f"CMD-{next(_numbers):06d}"
    first, _, last = customer_name.partition(" ")
    async with write_transaction():
        customer = (await Customer.insert(Customer(
            email=f"{number.lower()}@example.fr", first_name=first, last_name=last, locale=locale,
        )).returning(Customer.id))[0]["id"]
        amounts = [line_amounts(price, qty, vat) for *_, price, vat, qty in lines]
        totals = order_totals(amounts, shipping_total=shipping_total)
        paid_total = totals.total if paid else 0
        placed = datetime(2026, 3, 14, 9, 30, tzinfo=timezone.utc)
        order_id = (await Order.insert(Order(
            number=number, customer=customer, locale=locale, payment_method=payment_method,
            status=status, payment_status="paid" if paid else "unpaid",
            fulfilment_status="shipped" if shipped else "unfulfilled",
            customer_email=f"{number.lower()}@example.fr", customer_name=customer_name,
            customer_phone="+33612345678", ship_name=customer_name, ship_line1="12 rue des Lilas",
            ship_postal_code="69003", ship_city="Lyon", ship_country="FR",
            subtotal=totals.subtotal, shipping_total=totals.shipping_total,
            tax_total=totals.tax_total, total=totals.total, paid_total=paid_total,
            balance_due=totals.total - paid_total, placed_at=placed,
            paid_at=placed if paid else None,
            search_text=order_search_text(number, customer_name),
        )).returning(Order.id))[0]["id"]
        for position, ((sku, name, ean, bin_location, price, vat, qty), amount) in enumerate(
                zip(lines, amounts), start=1):
            product = await Product.select(Product.id).where(Product.sku == sku).first()
            if product is None:
                product = (await Product.insert(Product(
                    sku=sku, name=name, barcode=ean, price=price, vat_rate_bp=vat,
                    bin_location=bin_location)).returning(Product.id))[0]
            await OrderLine.insert(OrderLine(
                order=order_id, position=position, product=product["id"], sku=sku, name=name,
                barcode=ean, bin_location=bin_location, unit_price=price, vat_rate_bp=vat,
                quantity=qty, reserved=0 if shipped else qty, shipped=qty if shipped else 0,
                line_total=amount.line_total, tax_amount=amount.tax_amount))
        if paid:
            await Payment.insert(Payment(order=order_id, method=payment_method, amount=paid_total,
                                         transaction_ref="PSP-8F2K1", received_on=date(2026, 3, 14),
                                         source="webhook"))
        if shipped:
            await Shipment.insert(Shipment(order=order_id, carrier="colissimo",
                                           tracking_number="6A12345678901", shipped_at=placed))
    return number


@pytest.fixture
def order_factory():
    return make_order


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
