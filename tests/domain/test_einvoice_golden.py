"""The EN 16931 XML byte for byte, for documents that use every optional part: a business
buyer with a contact, VAT number and region, a separate ship-to, surcharges, a supplementary
invoice and a credit note correcting a dated invoice. The schematron tests in
test_einvoice.py prove the shape is valid; these pin every element and value, so a change
to any of them is seen. Regenerate with ``EINVOICE_GOLDEN=write`` after a deliberate change
and read the diff."""

from __future__ import annotations

import copy
import os
from dataclasses import asdict
from pathlib import Path

import pytest

from dashboard.domain.printing.einvoice import cii_xml, seller_from_identity
from dashboard.settings import ShopIdentity
from tests.domain.test_einvoice import invoice_doc

GOLDEN = Path(__file__).parent / "golden"
SHOP = asdict(ShopIdentity())


def business_invoice() -> dict:
    doc = invoice_doc(surcharges=[{"reason": "Engraving", "kind": "labour", "amount": 600,
                                   "tax": 100, "vat_rate_bp": 2000},
                                  {"reason": "", "kind": "restocking_fee", "amount": 120,
                                   "tax": 20, "vat_rate_bp": 2000},
                                  {"reason": "", "kind": "", "amount": 0, "tax": 0,
                                   "vat_rate_bp": 0}])
    customer = doc["customer"]
    customer.update(email="anne@acme.example", phone="+33612345678", company="ACME SAS",
                    vat_number="FR40303265045")
    customer["billing"].update(line2="Bât. C", region="Rhône")
    customer["shipping"].update(name="Paul Roy", company="ACME Entrepôt", line1="3 quai Ouest",
                                line2="Quai 4", postal_code="1000", city="Bruxelles",
                                region="BRU", country="BE")
    doc["lines"][0] = dict(doc["lines"][0], barcode="12345678", quantity=3)
    doc["lines"][1] = dict(doc["lines"][1], barcode="123", sku="")
    doc["seller"] = dict(SHOP, legal="SAS au capital de 10 000 EUR")
    doc["order"] = dict(doc["order"], balance_due=99_999, currency="EUR")
    return doc


def supplementary_invoice() -> dict:
    doc = invoice_doc(supplementary=True, payment_terms="")
    doc["invoice"] = dict(doc["invoice"], original="F2026-00040")
    doc["order"] = dict(doc["order"], balance_due=-50, payment_method="card",
                        shipping_method="click_and_collect")
    doc["customer"] = {"name": "", "email": "", "billing": None, "shipping": {}}
    doc["sale_date"] = None
    return doc


def credit_note() -> dict:
    doc = invoice_doc(kind="credit-note", title="Credit note",
                      credit_note={"number": "A2026-00003",
                                   "issued_at": "2026-12-03T23:10:00+00:00",
                                   "reason": "Damaged", "refund_method": "card"})
    doc["invoice"] = {"number": "F2026-00042", "issued_at": "2026-12-01T23:30:00+00:00"}
    doc["customer"] = dict(doc["customer"], company="", name="Anne Martin",
                           billing={"company": "Martin & fils", "line1": "1 rue",
                                    "postal_code": "69003", "city": "Lyon", "country": ""})
    return doc


def credit_note_without_date() -> dict:
    doc = credit_note()
    doc["invoice"] = {"number": "F2026-00042"}
    doc["credit_note"] = dict(doc["credit_note"], reason="", refund_method="")
    doc["order"] = dict(doc["order"], payment_method="bank_transfer")
    return doc


CASES = {"business_invoice": (business_invoice, {"payment_due_days": "45",
                                                 "bic": "AGRIFRPP", "trading_name": "Acme"}),
         "supplementary_invoice": (supplementary_invoice, {}),
         "credit_note": (credit_note, {}),
         "credit_note_without_date": (credit_note_without_date, {"bic": "AGRIFRPP"})}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_xml_byte_for_byte(name):
    build, seller = CASES[name]
    xml = cii_xml(copy.deepcopy(build()), seller_from_identity({**SHOP, **seller}),
                  "Europe/Paris", translate=lambda text: f"[{text}]")
    path = GOLDEN / f"einvoice_{name}.xml"
    if os.environ.get("EINVOICE_GOLDEN") == "write":
        path.write_bytes(xml)
    assert xml.decode() == path.read_text(encoding="utf-8")
