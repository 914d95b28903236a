"""The EN 16931 XML of a document dict, without a database: the seller's data, payment
means, amounts, and proof that the schematron the print tests rely on does reject errors."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import asdict

import facturx
import pytest
from lxml import etree

from dashboard.domain.printing.einvoice import (
    SellerIncomplete,
    cii_xml,
    payment_means_code,
    seller_from_identity,
)
from dashboard.domain.orders.intake import compact_vat_number, vat_number_problem
from dashboard.settings import ShopIdentity
from tests.print.schematron import failed_asserts

NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}
SHOP = asdict(ShopIdentity())


def invoice_doc(**changes) -> dict:
    """An invoice as document_context builds it: two lines at two rates, shipping."""
    doc = {
        "kind": "invoice", "title": "Invoice", "seller": SHOP,
        "order": {"number": "100123", "currency": "EUR", "payment_method": "bank_transfer",
                  "shipping_method": "carrier", "shipping_total": 490, "balance_due": 6920,
                  "paid_total": 0, "locale": "fr", "placed_at": "2026-12-01T09:30:00+00:00"},
        "customer": {"name": "Anne Martin", "email": "anne@example.fr", "phone": "",
                     "company": "", "vat_number": "",
                     "billing": {"name": "Anne Martin", "company": "", "line1": "12 rue des Lilas",
                                 "line2": "", "postal_code": "69003", "city": "Lyon",
                                 "region": "", "country": "FR"},
                     "shipping": {"name": "Anne Martin", "company": "", "line1": "12 rue des Lilas",
                                  "line2": "", "postal_code": "69003", "city": "Lyon",
                                  "region": "", "country": "FR"}},
        "lines": [
            {"sku": "TSHIRT", "name": "T-shirt", "barcode": "3760000000017", "quantity": 2,
             "unit_price": 1990, "vat_rate_bp": 2000, "line_total": 3980, "tax_amount": 663},
            {"sku": "BOOK", "name": "Atlas", "barcode": None, "quantity": 1,
             "unit_price": 2450, "vat_rate_bp": 550, "line_total": 2450, "tax_amount": 128},
        ],
        "surcharges": [],
        "money": {"vat_rows": [{"rate_bp": 550, "base": 2322, "tax": 128, "total": 2450},
                               {"rate_bp": 2000, "base": 3725, "tax": 745, "total": 4470}],
                  "total": 6920, "tax_total": 873, "base_total": 6047},
        "payment_terms": "Payment due on receipt.",
        "sale_date": "2026-12-01T09:30:00+00:00",
        "invoice": {"number": "F2026-00042", "issued_at": "2026-12-01T23:30:00+00:00"},
    }
    doc.update(changes)
    return doc


def xml_of(doc: dict, **seller) -> bytes:
    return cii_xml(doc, seller_from_identity({**SHOP, **seller}))


def test_the_demo_seller_is_complete_and_derived_from_the_printed_identity():
    seller = seller_from_identity(SHOP)
    assert (seller.legal_name, seller.siren, seller.siret) == (
        "Maison Lumière SAS", "123456782", "12345678200010")
    assert (seller.street, seller.postal_code, seller.city, seller.country) == (
        ("18 rue de la République",), "69002", "Lyon", "FR")
    assert seller.iban == "FR7630006000011234567890189" and seller.vat_number == "FR11123456782"


def test_explicit_seller_settings_win_over_the_printed_address():
    seller = seller_from_identity({**SHOP, "address": "Unit 4, Dock Road\nSomewhere",
                                   "street": "Unit 4\nDock Road", "postal_code": "69007",
                                   "city": "Lyon 7e", "legal_name": "Maison Lumière SAS",
                                   "name": "Maison Lumière"})
    assert seller.street == ("Unit 4", "Dock Road")
    assert (seller.postal_code, seller.city, seller.trading_name) == ("69007", "Lyon 7e",
                                                                       "Maison Lumière")


def test_an_incomplete_seller_names_every_setting_to_fix():
    with pytest.raises(SellerIncomplete) as refused:
        seller_from_identity({**SHOP, "address": "Somewhere", "vat_number": "FR00123456782",
                              "siret": "123 456 789 00012", "iban": "FR76 0000", "country": "F"})
    assert set(refused.value.errors) == {
        "DASHBOARD_SHOP_STREET", "DASHBOARD_SHOP_POSTAL_CODE", "DASHBOARD_SHOP_CITY",
        "DASHBOARD_SHOP_COUNTRY", "DASHBOARD_SHOP_VAT_NUMBER", "DASHBOARD_SHOP_IBAN"}
    with pytest.raises(SellerIncomplete) as refused:
        seller_from_identity({**SHOP, "siret": "123 456 789 00012"})
    assert set(refused.value.errors) == {"DASHBOARD_SHOP_SIRET", "DASHBOARD_SHOP_SIREN"}
    with pytest.raises(SellerIncomplete) as refused:
        seller_from_identity({**SHOP, "vat_number": "", "payment_due_days": "soon"})
    assert set(refused.value.errors) == {"DASHBOARD_SHOP_VAT_NUMBER",
                                         "DASHBOARD_SHOP_PAYMENT_DUE_DAYS"}


@pytest.mark.parametrize(("method", "iban", "code"), [
    ("bank_transfer", "FR7630006000011234567890189", "58"),
    ("bank_transfer", "BR1500000000000010932840814P2", "30"),
    ("card", "FR7630006000011234567890189", "48"),
    ("cheque", "", "20"),
    ("cash_on_pickup", "", "10"),
])
def test_payment_means_codes(method, iban, code):
    assert payment_means_code(method, iban) == code


def test_eu_vat_numbers_are_checked_with_their_check_digits():
    assert vat_number_problem("FR40303265045") is None
    assert vat_number_problem("") is None
    assert "check digits" in vat_number_problem("FR41303265045")
    assert "country prefix" in vat_number_problem("US123456789")
    assert compact_vat_number(" fr 40-303 265 045 ") == "FR40303265045"


def test_the_xml_is_valid_and_dated_in_the_shop_time_zone():
    xml = xml_of(invoice_doc(), payment_due_days="30")
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert failed_asserts(xml) == []
    root = etree.fromstring(xml)
    # 23:30 UTC on 1 December is 2 December in Paris, as the printed invoice says.
    assert root.findtext(".//ram:IssueDateTime/*", namespaces=NS) == "20261202"
    assert root.findtext(".//ram:DueDateDateTime/*", namespaces=NS) == "20270101"
    assert root.findtext(".//ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount",
                         namespaces=NS) == "4.08"  # 4.90 shipping, 0.82 VAT inside
    assert root.findtext(".//ram:GlobalID[@schemeID='0160']", namespaces=NS) == "3760000000017"


def test_a_zero_rated_line_is_category_z():
    doc = invoice_doc()
    doc["lines"][1] = dict(doc["lines"][1], vat_rate_bp=0, tax_amount=0)
    doc["money"]["vat_rows"][0] = {"rate_bp": 0, "base": 2450, "tax": 0, "total": 2450}
    doc["money"].update(tax_total=745, base_total=6175)
    xml = xml_of(doc)
    assert failed_asserts(xml) == []
    assert b"<ram:CategoryCode>Z</ram:CategoryCode>" in xml


def test_the_schematron_rejects_an_invoice_whose_amounts_do_not_add_up():
    """The print tests trust ``failed_asserts([])``: it must fail on a wrong invoice."""
    wrong = copy.deepcopy(invoice_doc())
    wrong["money"]["total"] += 100  # a grand total that is not base + VAT
    failures = failed_asserts(xml_of(wrong))
    assert any(f.startswith("BR-CO-15") for f in failures), failures
    wrong = copy.deepcopy(invoice_doc())
    wrong["money"]["vat_rows"][1]["base"] -= 1  # a VAT base that is not its lines' sum
    assert any(f.startswith("BR-S-08") for f in failed_asserts(xml_of(wrong)))


def test_a_credit_note_without_an_invoice_has_no_reference_and_asks_for_no_iban():
    doc = invoice_doc(kind="credit-note", title="Credit note", invoice=None,
                      credit_note={"number": "A2026-00003", "issued_at": "2026-12-03T10:00:00+00:00",
                                   "reason": "Damaged", "refund_method": "bank_transfer"},
                      money={"vat_rows": [{"rate_bp": 550, "base": 2322, "tax": 128, "total": 2450},
                                          {"rate_bp": 2000, "base": 3317, "tax": 663,
                                           "total": 3980}],
                             "total": 6430, "tax_total": 791, "base_total": 5639})
    xml = xml_of(doc)
    assert failed_asserts(xml) == []
    root = etree.fromstring(xml)
    assert root.findtext(".//ram:TypeCode", namespaces=NS) == "381"
    assert root.find(".//ram:InvoiceReferencedDocument", NS) is None
    assert root.find(".//ram:PayeePartyCreditorFinancialAccount", NS) is None
    assert root.find(".//ram:SpecifiedTradeAllowanceCharge", NS) is None


def test_the_notes_the_buyer_reads_go_through_translate():
    """The snapshot keeps default terms as their msgid: the XML says them in the buyer's
    language, as the PDF does, and a credit note's refund terms too."""
    def shout(text: str) -> str:
        return text.upper()

    invoice = etree.fromstring(cii_xml(invoice_doc(), seller_from_identity(SHOP), translate=shout))
    assert invoice.findtext(".//ram:IncludedNote/ram:Content", namespaces=NS) == \
        "PAYMENT DUE ON RECEIPT."
    assert invoice.findtext(".//ram:SpecifiedTradePaymentTerms/ram:Description",
                            namespaces=NS) == "PAYMENT DUE ON RECEIPT."
    credit = etree.fromstring(cii_xml(invoice_doc(
        kind="credit-note", invoice=None,
        credit_note={"number": "A2026-00003", "issued_at": "2026-12-03T10:00:00+00:00",
                     "reason": "Damaged", "refund_method": "bank_transfer"}),
        seller_from_identity(SHOP), translate=shout))
    assert credit.findtext(".//ram:SpecifiedTradePaymentTerms/ram:Description",
                           namespaces=NS) == "REFUND OF THE CREDITED AMOUNT"


def test_only_invoices_and_credit_notes_have_an_xml():
    with pytest.raises(ValueError):
        xml_of(invoice_doc(kind="receipt"))


def test_the_app_refuses_to_start_with_an_incomplete_seller(monkeypatch):
    from dashboard.services.printing import documents

    settings = documents.get_settings()
    assert documents.seller_identity_problem() is None
    broken = dataclasses.replace(settings, shop=dataclasses.replace(settings.shop,
                                                                    vat_number="FR00000"))
    monkeypatch.setattr(documents, "get_settings", lambda: broken)
    assert "DASHBOARD_SHOP_VAT_NUMBER" in documents.seller_identity_problem()
