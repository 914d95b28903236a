"""Factur-X invoices and credit notes: the PDFs Chromium prints, with their EN 16931 XML,
checked by the factur-x library (XSD), the official EN 16931 CII schematron (Saxon-HE) and
our own reading of the business rules and of the PDF/A-3 structure (pypdf)."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader

from dashboard.domain.printing.documents import DocumentKind
from dashboard.services.printing import document_context, documents
from dashboard.services.printing.documents import (
    issue_credit_note,
    order_document,
    render_document_pdf,
)
from dashboard.services.returns.surcharges import add_surcharge
from dashboard.settings import get_settings
from tests.print.schematron import failed_asserts

NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
      "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"}
BUYER_VAT = "FR40303265045"


def _settings(monkeypatch, **changes):
    changed = dataclasses.replace(get_settings(), **changes)
    monkeypatch.setattr(documents, "get_settings", lambda: changed)
    monkeypatch.setattr(document_context, "get_settings", lambda: changed)
    return changed


def embedded_xml(pdf: bytes) -> bytes:
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    return xml


def checked(pdf: bytes) -> etree._Element:
    """The embedded XML, valid against the XSD of its profile and the EN 16931 schematron."""
    xml = embedded_xml(pdf)
    root = etree.fromstring(xml)
    assert facturx.get_level(root) == "en16931"
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert failed_asserts(xml) == []
    return root


def text(root, path: str) -> str:
    return root.findtext(path, namespaces=NS)


def cents(root, path: str) -> int:
    return int(Decimal(text(root, path)) * 100)


def all_cents(root, path: str) -> list[int]:
    return [int(Decimal(node.text) * 100) for node in root.iterfind(path, NS)]


def assert_sums(root) -> None:
    """Our own check of the rules that tie the amounts together (BR-CO-10, -13 to -16, and
    BR-S-08: each rate's base is its lines plus its charges)."""
    summary = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/" \
              "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    lines = root.findall("rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem", NS)
    line_total = sum(cents(line, "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlement"
                                 "LineMonetarySummation/ram:LineTotalAmount") for line in lines)
    assert cents(root, summary + "LineTotalAmount") == line_total  # BR-CO-10
    charges = all_cents(root, ".//ram:ApplicableHeaderTradeSettlement/"
                              "ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount")
    assert cents(root, summary + "ChargeTotalAmount") == sum(charges)
    basis = cents(root, summary + "TaxBasisTotalAmount")
    assert basis == line_total + sum(charges)  # BR-CO-13
    taxes = root.findall(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", NS)
    assert cents(root, summary + "TaxTotalAmount") == sum(
        cents(t, "ram:CalculatedAmount") for t in taxes)  # BR-CO-14
    grand = cents(root, summary + "GrandTotalAmount")
    assert grand == basis + cents(root, summary + "TaxTotalAmount")  # BR-CO-15
    assert cents(root, summary + "DuePayableAmount") == grand - cents(
        root, summary + "TotalPrepaidAmount")  # BR-CO-16
    for tax in taxes:  # BR-S-08
        rate = text(tax, "ram:RateApplicablePercent")
        at_rate = sum(cents(line, "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlement"
                                  "LineMonetarySummation/ram:LineTotalAmount")
                      for line in lines if text(line, ".//ram:RateApplicablePercent") == rate)
        at_rate += sum(cents(c, "ram:ActualAmount") for c in root.iterfind(
            ".//ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeAllowanceCharge", NS)
            if text(c, ".//ram:RateApplicablePercent") == rate)
        assert cents(tax, "ram:BasisAmount") == at_rate, rate
        expected = Decimal(at_rate) * Decimal(rate) / 100
        assert abs(cents(tax, "ram:CalculatedAmount") - expected) <= 1, rate  # BR-CO-17


async def test_a_paid_business_invoice_is_a_valid_facturx(order_factory, pdf_renderer, pdf_text):
    number = await order_factory(company="Atelier Verne SARL", vat_number="fr 40 303 265 045",
                                 locale="en")
    pdf = await render_document_pdf(number, "invoice")
    root = checked(pdf)
    assert_sums(root)
    doc = await order_document(number, DocumentKind.INVOICE)
    money = doc["money"]
    settlement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
    summary = settlement + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    assert text(root, "rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert text(root, "rsm:ExchangedDocument/ram:ID") == doc["invoice"]["number"]
    # The XML says what the page prints: totals, VAT per rate, lines.
    assert cents(root, summary + "GrandTotalAmount") == money["total"] == 2 * 1990 + 2450 + 3 * 1200 + 490
    assert cents(root, summary + "TaxBasisTotalAmount") == money["base_total"]
    assert cents(root, summary + "TaxTotalAmount") == money["tax_total"]
    assert cents(root, summary + "DuePayableAmount") == 0  # paid by card before the invoice
    rates = {text(t, "ram:RateApplicablePercent"): (cents(t, "ram:BasisAmount"),
                                                    cents(t, "ram:CalculatedAmount"))
             for t in root.iterfind(settlement + "ram:ApplicableTradeTax", NS)}
    assert rates == {"5.50": (2322, 128), "20.00": (6725, 1345)}
    assert {row["rate_bp"]: (row["base"], row["tax"]) for row in money["vat_rows"]} == {
        550: (2322, 128), 2000: (6725, 1345)}
    assert text(root, settlement + "ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == "48"
    assert text(root, settlement + "ram:SpecifiedTradeAllowanceCharge/ram:ReasonCode") == "DL"
    # Buyer: the company and its VAT number; seller: the settings.
    buyer = root.find(".//ram:BuyerTradeParty", NS)
    assert text(buyer, "ram:Name") == "Atelier Verne SARL"
    assert text(buyer, "ram:SpecifiedTaxRegistration/ram:ID") == BUYER_VAT
    assert text(buyer, "ram:PostalTradeAddress/ram:CountryID") == "FR"
    seller = root.find(".//ram:SellerTradeParty", NS)
    assert text(seller, "ram:Name") == "Maison Lumière SAS"
    assert text(seller, "ram:SpecifiedLegalOrganization/ram:ID") == "123456782"
    assert text(seller, "ram:GlobalID") == "12345678200010"
    assert text(seller, "ram:SpecifiedTaxRegistration/ram:ID") == "FR11123456782"
    assert text(seller, "ram:PostalTradeAddress/ram:PostcodeCode") == "69002"
    assert text(seller, "ram:PostalTradeAddress/ram:CityName") == "Lyon"
    lines = root.findall(".//ram:IncludedSupplyChainTradeLineItem", NS)
    assert [text(line, ".//ram:SellerAssignedID") for line in lines] == [
        "TSHIRT-BLUE-M", "BOOK-ATLAS", "MUG-ENAMEL"]
    assert [text(line, ".//ram:BilledQuantity") for line in lines] == ["2", "1", "3"]
    # The page still prints the invoice as before, the buyer's company and VAT number too.
    printed = pdf_text(pdf)
    for expected in ("Invoice", doc["invoice"]["number"], "Atelier Verne SARL", BUYER_VAT,
                     "FR11123456782", "Total excl. VAT"):
        assert expected in printed


async def test_an_unpaid_bank_transfer_invoice_asks_for_a_sepa_transfer(
        order_factory, pdf_renderer, monkeypatch):
    _settings(monkeypatch, invoice_at="shipment")  # shipped before the transfer arrives
    number = await order_factory(paid=False, shipped=True, payment_method="bank_transfer")
    root = checked(await render_document_pdf(number, "invoice"))
    assert_sums(root)
    settlement = root.find(".//ram:ApplicableHeaderTradeSettlement", NS)
    means = settlement.find("ram:SpecifiedTradeSettlementPaymentMeans", NS)
    assert text(means, "ram:TypeCode") == "58"
    assert text(means, "ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == \
        "FR7630006000011234567890189"
    summary = "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    assert cents(settlement, summary + "DuePayableAmount") == cents(
        settlement, summary + "GrandTotalAmount") > 0
    issued = text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
    due = text(settlement, "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString")
    assert due == issued  # "payment due on receipt", as the printed terms say
    # A private customer: the billing name is the buyer, no VAT number.
    buyer = root.find(".//ram:BuyerTradeParty", NS)
    assert text(buyer, "ram:Name") == "Anne Martin"
    assert buyer.find("ram:SpecifiedTaxRegistration", NS) is None


async def test_a_cheque_invoice_and_a_card_invoice_name_their_means(order_factory, pdf_renderer,
                                                                     monkeypatch):
    _settings(monkeypatch, invoice_at="shipment")
    number = await order_factory(paid=False, shipped=True, payment_method="cheque")
    root = checked(await render_document_pdf(number, "invoice"))
    assert text(root, ".//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == "20"


async def test_a_credit_note_is_type_381_and_names_its_invoice(order_factory, pdf_renderer,
                                                                pdf_text):
    number = await order_factory(shipped=True, company="Atelier Verne SARL",
                                 vat_number=BUYER_VAT)
    invoice = (await order_document(number, DocumentKind.INVOICE))["invoice"]
    await issue_credit_note(number, amount=1200, reason="Mug arrived damaged",
                            refund_method="card",
                            lines=[{"sku": "MUG-ENAMEL", "name": "Mug émaillé 35 cl",
                                    "quantity": 1, "unit_price": 1200, "vat_rate_bp": 2000}])
    pdf = await render_document_pdf(number, "credit-note")
    root = checked(pdf)
    assert_sums(root)
    assert text(root, "rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert text(root, "rsm:ExchangedDocument/ram:ID").startswith("A")
    reference = root.find(".//ram:InvoiceReferencedDocument", NS)
    assert text(reference, "ram:IssuerAssignedID") == invoice["number"]  # BT-25
    assert text(reference, "ram:FormattedIssueDateTime/qdt:DateTimeString") == text(
        root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")  # same day here
    assert cents(root, ".//ram:GrandTotalAmount") == 1200
    assert cents(root, ".//ram:TaxBasisTotalAmount") == 1000
    assert root.find(".//ram:SpecifiedTradeAllowanceCharge", NS) is None  # no shipping
    assert invoice["number"] in pdf_text(pdf)


async def test_a_supplementary_invoice_carries_only_its_surcharges(order_factory, pdf_renderer):
    number = await order_factory()
    first = (await order_document(number, DocumentKind.INVOICE))["invoice"]["number"]
    outcome = await add_surcharge(number, kind="labour", amount=1500,
                                  reason="Engraving of the mug", actor="test")
    pdf = await render_document_pdf(number, "invoice", invoice=outcome.supplementary_invoice)
    root = checked(pdf)
    assert_sums(root)
    assert text(root, "rsm:ExchangedDocument/ram:ID") == outcome.supplementary_invoice
    lines = root.findall(".//ram:IncludedSupplyChainTradeLineItem", NS)
    assert [text(line, ".//ram:Name") for line in lines] == ["Engraving of the mug"]
    assert cents(root, ".//ram:GrandTotalAmount") == 1500
    assert text(root, ".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == first


async def test_the_pdf_is_a_pdfa3_with_the_xml_attached(order_factory, pdf_renderer):
    number = await order_factory()
    pdf = await render_document_pdf(number, "invoice")
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert names[0] == "factur-x.xml"
    spec = names[1].get_object()
    assert spec["/AFRelationship"] == "/Data"
    assert spec["/UF"] == "factur-x.xml"
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/text/xml"
    assert [a.get_object()["/F"] for a in root["/AF"]] == ["factur-x.xml"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert 'xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"' in xmp
    assert "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" in xmp
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert intent["/DestOutputProfile"].get_object().get_data()[36:40] == b"acsp"  # an ICC
    info = reader.metadata
    assert info["/Producer"] == "pypdf" and "<pdf:Producer>pypdf</pdf:Producer>" in xmp
    assert info["/Creator"] in xmp
    assert reader.trailer.get("/ID")
    assert len(reader.pages) == 1


async def test_other_documents_stay_plain_pdfs(order_factory, pdf_renderer):
    number = await order_factory()
    for kind in ("order-confirmation", "receipt", "delivery-note"):
        reader = PdfReader(io.BytesIO(await render_document_pdf(number, kind)))
        assert "/AF" not in reader.trailer["/Root"], kind


async def test_every_format_of_an_invoice_is_a_facturx(order_factory, pdf_renderer):
    number = await order_factory()
    for fmt in ("letter", "80mm", "58mm"):
        root = etree.fromstring(embedded_xml(await render_document_pdf(number, "invoice", fmt)))
        assert facturx.xml_check_xsd(root, flavor="factur-x", level="en16931"), fmt


async def test_the_xml_says_the_default_terms_in_the_customers_language(order_factory,
                                                                        pdf_renderer, pdf_text):
    """The PDF prints the default payment terms translated; the XML inside it says the
    same words, not the English msgid the snapshot keeps."""
    from dashboard.domain.printing.documents import DEFAULT_PAYMENT_TERMS

    french = await order_factory(shipped=True, locale="fr")
    english = await order_factory(shipped=True, locale="en")
    for number, opening in ((french, "Paiement à réception ; pas d’escompte"),
                            (english, "Payment due on receipt; no discount")):
        pdf = await render_document_pdf(number, "invoice")
        root = checked(pdf)
        note = text(root, "rsm:ExchangedDocument/ram:IncludedNote/ram:Content")
        assert note.startswith(opening)
        assert text(root, ".//ram:SpecifiedTradePaymentTerms/ram:Description") == note
        assert opening in pdf_text(pdf)
    assert note == DEFAULT_PAYMENT_TERMS
    await issue_credit_note(french, amount=1200, reason="Mug arrivé cassé", refund_method="card",
                            lines=[{"sku": "MUG-ENAMEL", "name": "Mug émaillé 35 cl",
                                    "quantity": 1, "unit_price": 1200, "vat_rate_bp": 2000}])
    root = checked(await render_document_pdf(french, "credit-note"))
    assert text(root, ".//ram:SpecifiedTradePaymentTerms/ram:Description") == \
        "Remboursement du montant crédité"
