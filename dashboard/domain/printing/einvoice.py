"""Factur-X: the EN 16931 invoice (UN/CEFACT CII XML) behind every invoice and credit note.

French law makes electronic invoices mandatory between businesses (reception from
September 2026, issuance for small firms from 2027). A Factur-X PDF is the printed invoice
with this XML inside: the reader sees the PDF, the buyer's software reads the XML. Both
come from the same document dict (an invoice's snapshot, frozen at issue), so they say
the same thing, and the XML carries exactly the amounts printed:

- prices are VAT-included and each line's VAT is rounded on the line (domain/pricing.py),
  so a line's net amount (BT-131) is its printed "total excl. VAT", each VAT rate's base and
  tax (BT-116, BT-117) are the printed breakdown, and the totals add up to the cent
  (BR-CO-10 to BR-CO-16);
- shipping is a document-level charge (BG-21, reason DL) at its own VAT rate, surcharges
  are lines of their own (a supplementary invoice has nothing else);
- a credit note is type 381 and names the invoice it corrects (BT-25).

The terms are named after the EN 16931 business terms (BT-n) they fill. Pure: no database,
no settings; the seller comes from the document's own frozen identity.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision
from lxml import etree
from stdnum import iban as iban_number
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

from dashboard.domain.errors import DomainError
from dashboard.domain.numbers import N_
from dashboard.domain.pricing import SHIPPING_VAT_BP, vat_included_tax

PROFILE_EN16931 = "urn:cen.eu:en16931:2017"  # BT-24
INVOICE_TYPE = "380"  # commercial invoice (BT-3)
CREDIT_NOTE_TYPE = "381"
UNIT = "C62"  # "one", UN/ECE recommendation 20: the unit of every line we sell
SHIPPING_REASON = "DL"  # UNTDID 7161 "delivery"
# A credit note's payment terms (BT-20), in the buyer's language like its other notes.
REFUND_TERMS = N_("Refund of the credited amount")
# UNTDID 4461 payment means (BT-81). A transfer to a SEPA IBAN is a SEPA credit transfer.
PAYMENT_MEANS = {"card": "48", "cheque": "20", "cash_on_pickup": "10"}
SEPA_TRANSFER, CREDIT_TRANSFER = "58", "30"
SEPA_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK "
    "IS LI NO CH GB MC SM VA AD AL MD ME MK RS".split())

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
_POSTAL_LINE = re.compile(r"^(?P<code>\d{4,5}|\d{2} ?\d{3})\s+(?P<city>\S.*)$")


class SellerIncomplete(DomainError):
    """The shop's identity lacks what an EN 16931 invoice needs; ``errors`` names each
    setting (``DASHBOARD_SHOP_...``) and what is wrong with it."""

    code = "seller_incomplete"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("The seller identity is incomplete for Factur-X invoices: " + "; ".join(
            f"{name}: {problem}" for name, problem in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Seller:
    legal_name: str  # BT-27
    trading_name: str  # BT-28
    siren: str  # BT-30, scheme 0002
    siret: str  # BT-29, scheme 0009
    vat_number: str  # BT-31
    street: tuple[str, ...]  # BT-35, BT-36, BT-162
    postal_code: str  # BT-38
    city: str  # BT-37
    country: str  # BT-40
    email: str  # BT-34 (electronic address), BT-43
    phone: str  # BT-42
    iban: str  # BT-84
    bic: str  # BT-86
    payment_due_days: int


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def seller_from_identity(identity: Mapping) -> Seller:
    """The seller of an invoice, from the shop identity printed on it (a snapshot's
    ``seller`` or the settings' ``ShopIdentity`` as a dict).

    Blank structured fields are derived from the printed ones: the legal name from the
    name, the SIREN from the SIRET, the street, postal code and city from the address
    lines (the first line shaped "69002 Lyon" is the postal line, the lines above it the
    street). Raises ``SellerIncomplete`` naming every setting to fix.
    """
    get = lambda key: str(identity.get(key) or "").strip()  # noqa: E731 - local shorthand
    errors: dict[str, str] = {}
    lines = [line.strip() for line in get("address").splitlines() if line.strip()]
    postal = next((i for i, line in enumerate(lines) if _POSTAL_LINE.match(line)), None)
    street = tuple(line.strip() for line in get("street").splitlines() if line.strip())
    postal_code, city = get("postal_code"), get("city")
    if postal is not None:
        match = _POSTAL_LINE.match(lines[postal])
        street = street or tuple(lines[:postal])
        postal_code = postal_code or match["code"].replace(" ", "")
        city = city or match["city"]
    if not street:
        errors["DASHBOARD_SHOP_STREET"] = "required (the street lines of the seller address)"
    if not postal_code:
        errors["DASHBOARD_SHOP_POSTAL_CODE"] = "required"
    if not city:
        errors["DASHBOARD_SHOP_CITY"] = "required"
    country = get("country").upper() or "FR"
    if not re.fullmatch(r"[A-Z]{2}", country):
        errors["DASHBOARD_SHOP_COUNTRY"] = "ISO 3166 two-letter country code, e.g. FR"

    siret = _digits(get("siret"))
    siren = _digits(get("siren")) or siret[:9]
    if country == "FR":
        if siret and not fr_siret.is_valid(siret):
            errors["DASHBOARD_SHOP_SIRET"] = "not a valid SIRET (14 digits, Luhn key)"
        if not fr_siren.is_valid(siren):
            errors["DASHBOARD_SHOP_SIREN"] = "not a valid SIREN (9 digits, Luhn key)"
        elif siret and not siret.startswith(siren):
            errors["DASHBOARD_SHOP_SIREN"] = "the SIRET does not start with this SIREN"
    vat = eu_vat.compact(get("vat_number")) if get("vat_number") else ""
    if not vat:
        errors["DASHBOARD_SHOP_VAT_NUMBER"] = "required: the invoices charge VAT"
    elif not eu_vat.is_valid(vat):
        errors["DASHBOARD_SHOP_VAT_NUMBER"] = "not a valid EU VAT number"
    iban = iban_number.compact(get("iban")) if get("iban") else ""
    if iban and not iban_number.is_valid(iban):
        errors["DASHBOARD_SHOP_IBAN"] = "not a valid IBAN"
    name = get("legal_name") or get("name")
    if not name:
        errors["DASHBOARD_SHOP_LEGAL_NAME"] = "required"
    due_days = get("payment_due_days") or "0"
    if not due_days.isdigit() or int(due_days) > 365:
        errors["DASHBOARD_SHOP_PAYMENT_DUE_DAYS"] = "a whole number of days, 0 to 365"
        due_days = "0"
    if errors:
        raise SellerIncomplete(errors)
    return Seller(legal_name=name, trading_name=get("name"), siren=siren, siret=siret,
                  vat_number=vat, street=street, postal_code=postal_code, city=city,
                  country=country, email=get("email"), phone=get("phone"), iban=iban,
                  bic=get("bic").replace(" ", ""), payment_due_days=int(due_days))


def payment_means_code(payment_method: str, iban: str) -> str:
    """BT-81 for the way the customer pays: a transfer to a SEPA IBAN is 58, another
    transfer 30, a card 48, a cheque 20, cash 10."""
    if payment_method == "bank_transfer":
        return SEPA_TRANSFER if iban[:2] in SEPA_COUNTRIES else CREDIT_TRANSFER
    return PAYMENT_MEANS.get(payment_method, "1")  # 1: instrument not defined


def vat_category(rate_bp: int) -> str:
    """BT-151/BT-118: S (standard and reduced rates) or Z (zero rated goods)."""
    return "S" if rate_bp else "Z"


# --- XML ------------------------------------------------------------------------------------

class _Builder:
    """Appends CII elements in schema order; empty values are left out."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self.digits = get_currency_precision(currency)

    @staticmethod
    def el(parent, tag: str, text: str | None = None, **attrs):
        prefix, name = tag.split(":")
        node = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", attrs)
        if text is not None:
            node.text = text
        return node

    def opt(self, parent, tag: str, text: str | None, **attrs):
        return self.el(parent, tag, text, **attrs) if text else None

    def amount(self, minor: int) -> str:
        return str(Decimal(minor).scaleb(-self.digits).quantize(Decimal(1).scaleb(-self.digits)))

    def date(self, parent, tag: str, value: date, qualified: bool = False):
        wrapper = self.el(parent, tag)
        self.el(wrapper, "qdt:DateTimeString" if qualified else "udt:DateTimeString",
                value.strftime("%Y%m%d"), format="102")


def _rate(rate_bp: int) -> str:
    return str((Decimal(rate_bp) / 100).quantize(Decimal("0.01")))


def _local_date(value: str | None, timezone: str) -> date | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(timezone))
    return moment.date()


@dataclass(frozen=True)
class _Line:
    name: str
    sku: str
    barcode: str
    quantity: int
    base: int  # excl. VAT, minor units
    rate_bp: int


def _lines(doc: Mapping) -> list[_Line]:
    lines = [_Line(name=line["name"], sku=line.get("sku") or "", barcode=line.get("barcode") or "",
                   quantity=line["quantity"], base=line["line_total"] - line["tax_amount"],
                   rate_bp=line["vat_rate_bp"])
             for line in doc.get("lines") or []]
    lines += [_Line(name=extra.get("reason") or extra.get("kind") or "Surcharge", sku="",
                    barcode="", quantity=1, base=extra["amount"] - extra["tax"],
                    rate_bp=extra["vat_rate_bp"])
              for extra in doc.get("surcharges") or []]
    return lines


def _party_address(b: _Builder, parent, *, line1: str, line2: str = "", line3: str = "",
                   postal_code: str, city: str, country: str, region: str = "") -> None:
    address = b.el(parent, "ram:PostalTradeAddress")
    b.opt(address, "ram:PostcodeCode", postal_code)
    b.opt(address, "ram:LineOne", line1)
    b.opt(address, "ram:LineTwo", line2)
    b.opt(address, "ram:LineThree", line3)
    b.opt(address, "ram:CityName", city)
    b.el(address, "ram:CountryID", country)
    b.opt(address, "ram:CountrySubDivisionName", region)


def _seller(b: _Builder, agreement, seller: Seller) -> None:
    party = b.el(agreement, "ram:SellerTradeParty")
    if seller.siret:
        b.el(party, "ram:GlobalID", seller.siret, schemeID="0009")
    b.el(party, "ram:Name", seller.legal_name)
    legal = b.el(party, "ram:SpecifiedLegalOrganization")
    b.el(legal, "ram:ID", seller.siren, schemeID="0002")
    if seller.trading_name and seller.trading_name != seller.legal_name:
        b.el(legal, "ram:TradingBusinessName", seller.trading_name)
    if seller.phone or seller.email:
        contact = b.el(party, "ram:DefinedTradeContact")
        if seller.phone:
            b.el(b.el(contact, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber",
                 seller.phone)
        if seller.email:
            b.el(b.el(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", seller.email)
    street = list(seller.street) + ["", "", ""]
    _party_address(b, party, line1=street[0], line2=street[1], line3=", ".join(street[2:]).strip(", "),
                   postal_code=seller.postal_code, city=seller.city, country=seller.country)
    if seller.email:
        b.el(b.el(party, "ram:URIUniversalCommunication"), "ram:URIID", seller.email,
             schemeID="EM")
    b.el(b.el(party, "ram:SpecifiedTaxRegistration"), "ram:ID", seller.vat_number, schemeID="VA")


def _buyer(b: _Builder, agreement, customer: Mapping) -> None:
    billing = customer.get("billing") or {}
    party = b.el(agreement, "ram:BuyerTradeParty")
    company = billing.get("company") or customer.get("company") or ""
    b.el(party, "ram:Name", company or billing.get("name") or customer.get("name") or "")
    if company and (billing.get("name") or customer.get("name")):
        contact = b.el(party, "ram:DefinedTradeContact")
        b.el(contact, "ram:PersonName", billing.get("name") or customer.get("name"))
    _party_address(b, party, line1=billing.get("line1", ""), line2=billing.get("line2", ""),
                   postal_code=billing.get("postal_code", ""), city=billing.get("city", ""),
                   country=billing.get("country") or "FR", region=billing.get("region", ""))
    if customer.get("email"):
        b.el(b.el(party, "ram:URIUniversalCommunication"), "ram:URIID", customer["email"],
             schemeID="EM")
    if customer.get("vat_number"):
        b.el(b.el(party, "ram:SpecifiedTaxRegistration"), "ram:ID", customer["vat_number"],
             schemeID="VA")


def _ship_to(b: _Builder, delivery, doc: Mapping) -> None:
    shipping = (doc.get("customer") or {}).get("shipping") or {}
    order = doc.get("order") or {}
    if order.get("shipping_method") == "click_and_collect" or not shipping.get("line1"):
        return
    party = b.el(delivery, "ram:ShipToTradeParty")
    b.el(party, "ram:Name", shipping.get("company") or shipping.get("name") or "")
    _party_address(b, party, line1=shipping["line1"], line2=shipping.get("line2", ""),
                   postal_code=shipping.get("postal_code", ""), city=shipping.get("city", ""),
                   country=shipping.get("country") or "FR", region=shipping.get("region", ""))


def _untranslated(text: str) -> str:
    return text


def cii_xml(doc: Mapping, seller: Seller, timezone: str = "Europe/Paris",
            translate: Callable[[str], str] = _untranslated) -> bytes:
    """The EN 16931 CII XML of an invoice, supplementary invoice or credit note document
    (the dicts ``services/printing/documents.py`` renders), amounts exactly as printed.

    ``timezone`` is the shop's, so that the dates are the printed ones; ``translate`` puts
    the notes the buyer reads (payment terms) in the buyer's language, as the PDF prints
    them: the snapshot keeps the default terms as their msgid. Raises
    ``ValueError`` for a document that is neither an invoice nor a credit note.
    """
    kind = doc.get("kind")
    if kind not in ("invoice", "credit-note"):
        raise ValueError(f"{kind} documents have no e-invoice")
    credit = kind == "credit-note"
    order = doc["order"]
    money = doc["money"]
    b = _Builder(order["currency"])
    header = doc["credit_note"] if credit else doc["invoice"]
    issued = _local_date(header["issued_at"], timezone)

    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    context = b.el(root, "rsm:ExchangedDocumentContext")
    b.el(b.el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID",
         PROFILE_EN16931)
    exchanged = b.el(root, "rsm:ExchangedDocument")
    b.el(exchanged, "ram:ID", header["number"])  # BT-1
    b.el(exchanged, "ram:TypeCode", CREDIT_NOTE_TYPE if credit else INVOICE_TYPE)  # BT-3
    b.date(exchanged, "ram:IssueDateTime", issued)  # BT-2
    if credit and header.get("reason"):
        b.el(b.el(exchanged, "ram:IncludedNote"), "ram:Content", header["reason"])  # BT-22
    if not credit and doc.get("payment_terms"):
        note = b.el(exchanged, "ram:IncludedNote")
        b.el(note, "ram:Content", translate(doc["payment_terms"]))
        b.el(note, "ram:SubjectCode", "PMT")
    if (doc.get("seller") or {}).get("legal"):
        note = b.el(exchanged, "ram:IncludedNote")
        b.el(note, "ram:Content", doc["seller"]["legal"])
        b.el(note, "ram:SubjectCode", "REG")

    transaction = b.el(root, "rsm:SupplyChainTradeTransaction")
    lines = _lines(doc)
    for position, line in enumerate(lines, start=1):
        item = b.el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        b.el(b.el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(position))
        product = b.el(item, "ram:SpecifiedTradeProduct")
        if len(line.barcode) in (8, 13) and line.barcode.isdigit():
            b.el(product, "ram:GlobalID", line.barcode, schemeID="0160")  # GTIN
        b.opt(product, "ram:SellerAssignedID", line.sku)  # BT-155
        b.el(product, "ram:Name", line.name)  # BT-153
        agreement = b.el(item, "ram:SpecifiedLineTradeAgreement")
        unit = (Decimal(line.base).scaleb(-b.digits) / line.quantity).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP).normalize()
        price = b.el(agreement, "ram:NetPriceProductTradePrice")
        b.el(price, "ram:ChargeAmount", f"{unit:f}")  # BT-146
        delivery = b.el(item, "ram:SpecifiedLineTradeDelivery")
        b.el(delivery, "ram:BilledQuantity", str(line.quantity), unitCode=UNIT)  # BT-129
        settlement = b.el(item, "ram:SpecifiedLineTradeSettlement")
        tax = b.el(settlement, "ram:ApplicableTradeTax")
        b.el(tax, "ram:TypeCode", "VAT")
        b.el(tax, "ram:CategoryCode", vat_category(line.rate_bp))  # BT-151
        b.el(tax, "ram:RateApplicablePercent", _rate(line.rate_bp))  # BT-152
        b.el(b.el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
             "ram:LineTotalAmount", b.amount(line.base))  # BT-131

    agreement = b.el(transaction, "ram:ApplicableHeaderTradeAgreement")
    b.el(agreement, "ram:BuyerReference", order["number"])  # BT-10
    _seller(b, agreement, seller)
    _buyer(b, agreement, doc.get("customer") or {})
    b.el(b.el(agreement, "ram:SellerOrderReferencedDocument"), "ram:IssuerAssignedID",
         order["number"])  # BT-14

    delivery = b.el(transaction, "ram:ApplicableHeaderTradeDelivery")
    _ship_to(b, delivery, doc)
    sale_date = _local_date(doc.get("sale_date"), timezone)
    if sale_date and not credit:
        event = b.el(delivery, "ram:ActualDeliverySupplyChainEvent")
        b.date(event, "ram:OccurrenceDateTime", sale_date)  # BT-72

    settlement = b.el(transaction, "ram:ApplicableHeaderTradeSettlement")
    b.el(settlement, "ram:PaymentReference", header["number"])  # BT-83
    b.el(settlement, "ram:InvoiceCurrencyCode", order["currency"])  # BT-5
    method = (header.get("refund_method") if credit else None) or order["payment_method"]
    means_code = payment_means_code(method, seller.iban)
    if credit and means_code in (SEPA_TRANSFER, CREDIT_TRANSFER):
        means_code = "1"  # a transfer to the customer's account, which we do not know
    means = b.el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    b.el(means, "ram:TypeCode", means_code)  # BT-81
    if means_code in (SEPA_TRANSFER, CREDIT_TRANSFER):
        account = b.el(means, "ram:PayeePartyCreditorFinancialAccount")
        b.el(account, "ram:IBANID", seller.iban)  # BT-84
        if seller.bic:
            b.el(b.el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID",
                 seller.bic)  # BT-86
    for row in money["vat_rows"]:  # BG-23
        tax = b.el(settlement, "ram:ApplicableTradeTax")
        b.el(tax, "ram:CalculatedAmount", b.amount(row["tax"]))  # BT-117
        b.el(tax, "ram:TypeCode", "VAT")
        b.el(tax, "ram:BasisAmount", b.amount(row["base"]))  # BT-116
        b.el(tax, "ram:CategoryCode", vat_category(row["rate_bp"]))  # BT-118
        b.el(tax, "ram:RateApplicablePercent", _rate(row["rate_bp"]))  # BT-119

    shipping = _shipping(doc)
    if shipping:
        amount, tax_amount, rate_bp = shipping
        charge = b.el(settlement, "ram:SpecifiedTradeAllowanceCharge")  # BG-21
        b.el(b.el(charge, "ram:ChargeIndicator"), "udt:Indicator", "true")
        b.el(charge, "ram:ActualAmount", b.amount(amount - tax_amount))  # BT-99
        b.el(charge, "ram:ReasonCode", SHIPPING_REASON)  # BT-105
        b.el(charge, "ram:Reason", "Shipping")  # BT-104
        tax = b.el(charge, "ram:CategoryTradeTax")
        b.el(tax, "ram:TypeCode", "VAT")
        b.el(tax, "ram:CategoryCode", vat_category(rate_bp))  # BT-102
        b.el(tax, "ram:RateApplicablePercent", _rate(rate_bp))  # BT-103

    total = money["total"]
    due = total if credit else min(max(order.get("balance_due") or 0, 0), total)
    terms = b.el(settlement, "ram:SpecifiedTradePaymentTerms")  # BT-20, BT-9
    if credit:
        b.el(terms, "ram:Description", translate(REFUND_TERMS))
    elif doc.get("payment_terms"):
        b.el(terms, "ram:Description", translate(doc["payment_terms"]))
    b.date(terms, "ram:DueDateDateTime", issued + timedelta(days=0 if credit else seller.payment_due_days))

    line_total = sum(line.base for line in lines)
    charges = (shipping[0] - shipping[1]) if shipping else 0
    summary = b.el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    b.el(summary, "ram:LineTotalAmount", b.amount(line_total))  # BT-106
    b.el(summary, "ram:ChargeTotalAmount", b.amount(charges))  # BT-108
    b.el(summary, "ram:AllowanceTotalAmount", b.amount(0))  # BT-107
    b.el(summary, "ram:TaxBasisTotalAmount", b.amount(money["base_total"]))  # BT-109
    b.el(summary, "ram:TaxTotalAmount", b.amount(money["tax_total"]),
         currencyID=order["currency"])  # BT-110
    b.el(summary, "ram:GrandTotalAmount", b.amount(total))  # BT-112
    b.el(summary, "ram:TotalPrepaidAmount", b.amount(total - due))  # BT-113
    b.el(summary, "ram:DuePayableAmount", b.amount(due))  # BT-115

    preceding = _preceding_invoice(doc)
    if preceding:  # BG-3: what a credit note (or a supplementary invoice) corrects
        number, issued_on = preceding
        reference = b.el(settlement, "ram:InvoiceReferencedDocument")
        b.el(reference, "ram:IssuerAssignedID", number)  # BT-25
        if issued_on:
            b.date(reference, "ram:FormattedIssueDateTime", _local_date(issued_on, timezone),
                   qualified=True)  # BT-26
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _shipping(doc: Mapping) -> tuple[int, int, int] | None:
    """(amount incl. VAT, VAT, rate) of the shipping this document charges, taxed as the
    order was (``pricing.order_totals``): only a main invoice charges shipping."""
    if doc["kind"] != "invoice" or doc.get("supplementary"):
        return None
    amount = doc["order"].get("shipping_total") or 0
    if not amount:
        return None
    return amount, vat_included_tax(amount, SHIPPING_VAT_BP), SHIPPING_VAT_BP


def _preceding_invoice(doc: Mapping) -> tuple[str, str | None] | None:
    if doc["kind"] == "credit-note":
        invoice = doc.get("invoice")
        return (invoice["number"], invoice.get("issued_at")) if invoice else None
    original = (doc.get("invoice") or {}).get("original")
    return (original, None) if original else None
