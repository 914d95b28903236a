"""Bank statement parsing and matching rules: CSV exports and ISO 20022 camt.053 XML.

Only money coming in (credits) matters for reconciliation; debits are dropped at parsing.
Amounts become integer minor units. Parsing refuses a file it cannot read as a whole
(``ValidationFailed`` naming the line), rather than importing half of it.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from lxml import etree

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.search import fold

CAMT053_NAMESPACES = (
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02",
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08",
)
MAX_STATEMENT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class StatementEntry:
    """One credit on the account, as the bank reports it."""

    booked_on: date
    amount: int  # minor units, > 0
    currency: str
    reference: str
    counterparty: str

    @property
    def identity(self) -> tuple[date, int, str]:
        """What makes two imports of the same bank line recognisable as one."""
        return (self.booked_on, self.amount, " ".join(self.reference.split()))


# --- amounts and dates -------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_PLAIN_AMOUNT = re.compile(r"-?\d{1,15}(?:\.\d{1,15})?", re.ASCII)
MAX_STATEMENT_AMOUNT = Decimal(100_000_000)  # in major units: one bank line


def parse_amount(text: str) -> int:
    """"1 234,56" / "1234.56" / "1,234.56" / "-12,00 €" -> minor units (cents).

    The rightmost of ',' and '.' is the decimal separator when both appear; a separator
    that appears several times groups thousands. What is left must be plain ASCII digits
    (no exponent, underscore, other scripts' digits, inf or nan) within
    ``MAX_STATEMENT_AMOUNT``.
    """
    raw = _SPACES.sub("", text or "").replace("€", "").replace("EUR", "")
    if raw.startswith("+"):
        raw = raw[1:]
    if not raw:
        raise ValueError("empty amount")
    if "," in raw and "." in raw:
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        raw = raw.replace(thousands, "").replace(decimal_sep, ".")
    elif raw.count(",") == 1:
        raw = raw.replace(",", ".")
    elif raw.count(",") > 1 or raw.count(".") > 1:
        raw = raw.replace(",", "").replace(".", "")
    if not _PLAIN_AMOUNT.fullmatch(raw):
        raise ValueError(f"not an amount: {text!r}")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    if abs(value) > MAX_STATEMENT_AMOUNT:
        raise ValueError(f"amount out of range: {text!r}")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"more than two decimals: {text!r}")
    return int(cents)


def parse_date(text: str) -> date:
    """ISO (2026-11-27, with or without a time) or French (27/11/2026, 27.11.2026, 27-11-2026)."""
    value = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(value[:10] if fmt == "%Y-%m-%d" else value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


# --- CSV ---------------------------------------------------------------------------------

# Header names seen in French and English bank exports, folded (lower case, no accents).
_CSV_COLUMNS = {
    "date": ("date", "booking date", "date operation", "date de l'operation", "date comptable",
             "booked on", "date valeur"),
    "amount": ("amount", "montant", "credit", "montant (eur)", "montant eur"),
    "reference": ("reference", "libelle", "label", "description", "motif", "communication",
                  "libelle operation"),
    "counterparty": ("counterparty", "contrepartie", "tiers", "emetteur", "payer", "debtor",
                     "nom"),
    "currency": ("currency", "devise"),
}


def _column_map(header: list[str]) -> dict[str, int]:
    folded = [fold(name).strip() for name in header]
    found: dict[str, int] = {}
    for key, names in _CSV_COLUMNS.items():
        for index, name in enumerate(folded):
            if name in names and key not in found:
                found[key] = index
    missing = [key for key in ("date", "amount", "reference") if key not in found]
    if missing:
        raise ValidationFailed({"file": f"missing column(s): {', '.join(missing)}"})
    return found


def parse_csv(data: bytes) -> list[StatementEntry]:
    """Credits of a CSV export with a header row (date, amount, reference, counterparty).

    Separator ';' or ',' or tab, detected from the header; UTF-8 (with or without BOM) or
    Latin-1, the two encodings French banks use.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    lines = text.splitlines()
    if not lines:
        raise ValidationFailed({"file": "empty file"})
    header_line = lines[0]
    delimiter = max((";", "\t", ","), key=header_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    columns = _column_map(rows[0])
    entries: list[StatementEntry] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            cells = {key: row[index].strip() for key, index in columns.items()}
            amount = parse_amount(cells["amount"])
            booked_on = parse_date(cells["date"])
        except (IndexError, ValueError) as exc:
            raise ValidationFailed({"file": f"line {number}: {exc}"}) from exc
        if amount <= 0:
            continue  # debits and zero lines are not payments received
        entries.append(StatementEntry(
            booked_on=booked_on, amount=amount,
            currency=(cells.get("currency") or "EUR").upper()[:3],
            reference=" ".join(cells["reference"].split()),
            counterparty=" ".join(cells.get("counterparty", "").split())[:200]))
    return entries


# --- camt.053 ----------------------------------------------------------------------------

def _child(element, *path: str):
    """Follow local names, ignoring the namespace (the two versions share the shape)."""
    current = element
    for name in path:
        if current is None:
            return None
        current = next((c for c in current if isinstance(c.tag, str)
                        and etree.QName(c).localname == name), None)
    return current


def _children(element, name: str) -> list:
    if element is None:
        return []
    return [c for c in element if isinstance(c.tag, str) and etree.QName(c).localname == name]


def _text(element, *path: str) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def _remittance(tx) -> str:
    info = _child(tx, "RmtInf")
    parts = [(u.text or "").strip() for u in _children(info, "Ustrd")]
    for structured in _children(info, "Strd"):
        ref = _text(structured, "CdtrRefInf", "Ref")
        if ref:
            parts.append(ref)
    if not any(parts):
        parts.append(_text(tx, "Refs", "EndToEndId").replace("NOTPROVIDED", ""))
    return " ".join(" ".join(p for p in parts if p).split())


def _debtor_name(tx) -> str:
    parties = _child(tx, "RltdPties")
    # .02: RltdPties/Dbtr/Nm ; .08: RltdPties/Dbtr/Pty/Nm
    return _text(parties, "Dbtr", "Nm") or _text(parties, "Dbtr", "Pty", "Nm")


def _booked(entry) -> bool:
    status = _child(entry, "Sts")
    if status is None:
        return True
    code = _text(status, "Cd") or (status.text or "").strip()
    return code in ("", "BOOK")


def parse_camt053(data: bytes) -> list[StatementEntry]:
    """Booked credit entries of a camt.053 (.001.02 or .001.08) statement.

    An entry that batches several transfers (several ``TxDtls`` with their own amount)
    gives one line per transfer, so each can be matched to its own order.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValidationFailed({"file": f"not well-formed XML: {exc}"}) from exc
    namespace = etree.QName(root).namespace
    if namespace not in CAMT053_NAMESPACES:
        raise ValidationFailed({"file": f"not a camt.053.001.02/.08 statement ({namespace})"})
    entries: list[StatementEntry] = []
    for statement in _children(_child(root, "BkToCstmrStmt"), "Stmt"):
        for entry in _children(statement, "Ntry"):
            if _text(entry, "CdtDbtInd") != "CRDT" or not _booked(entry):
                continue
            if _text(entry, "RvslInd").lower() == "true":
                continue
            booked_text = _text(entry, "BookgDt", "Dt") or _text(entry, "BookgDt", "DtTm")
            try:
                booked_on = parse_date(booked_text)
            except ValueError as exc:
                raise ValidationFailed({"file": f"entry without booking date: {exc}"}) from exc
            transactions = _children(_child(entry, "NtryDtls"), "TxDtls")
            entries.extend(_entry_lines(entry, transactions, booked_on))
    return entries


def _amount_of(element) -> tuple[int, str] | None:
    amount = _child(element, "Amt")
    if amount is None:
        amount = _child(element, "AmtDtls", "TxAmt", "Amt")
    if amount is None or not (amount.text or "").strip():
        return None
    return parse_amount(amount.text), (amount.get("Ccy") or "EUR").upper()


def _entry_lines(entry, transactions: list, booked_on: date) -> Iterable[StatementEntry]:
    entry_amount = _amount_of(entry)
    if entry_amount is None:
        raise ValidationFailed({"file": "entry without amount"})
    own_amounts = [_amount_of(tx) for tx in transactions]
    if len(transactions) > 1 and all(own_amounts):
        for tx, (amount, currency) in zip(transactions, own_amounts):
            yield StatementEntry(booked_on=booked_on, amount=amount, currency=currency,
                                 reference=_remittance(tx), counterparty=_debtor_name(tx)[:200])
        return
    tx = transactions[0] if transactions else None
    reference = _remittance(tx) if tx is not None else ""
    reference = reference or _text(entry, "AddtlNtryInf")
    amount, currency = entry_amount
    yield StatementEntry(booked_on=booked_on, amount=amount, currency=currency,
                         reference=" ".join(reference.split()),
                         counterparty=(_debtor_name(tx) if tx is not None else "")[:200])


def parse_statement(filename: str, data: bytes) -> tuple[str, list[StatementEntry]]:
    """Pick the parser by content (XML or not), whatever the file is called."""
    if len(data) > MAX_STATEMENT_BYTES:
        raise ValidationFailed({"file": "file too large (10 MB at most)"})
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "camt053", parse_camt053(data)
    return "csv", parse_csv(data)


# --- de-duplication and matching ---------------------------------------------------------

def new_entries(entries: list[StatementEntry],
                already_imported: Iterable[tuple[date, int, str]]) -> list[StatementEntry]:
    """The entries not imported before, counting repeats.

    Two identical lines in one statement are two payments (a customer paying twice): a
    re-import keeps only as many of a (date, amount, reference) as were not seen before.
    """
    seen = Counter(already_imported)
    fresh: list[StatementEntry] = []
    for entry in entries:
        if seen[entry.identity] > 0:
            seen[entry.identity] -= 1
            continue
        fresh.append(entry)
    return fresh


_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-/_.][A-Za-z0-9]+)*")


def reference_tokens(reference: str) -> set[str]:
    """Words of a bank reference that could be an order number, upper-cased.

    Both "CMD-2026-00042" and its pieces are kept, so "REF CMD-2026-00042/MARTIN" finds an
    order numbered "2026-00042" or "CMD-2026-00042".
    """
    tokens: set[str] = set()
    for match in _TOKEN.finditer(reference or ""):
        word = match.group(0).upper()
        tokens.add(word)
        for piece in (p for p in re.split(r"[/_.]", word) if p):
            dash_parts = piece.split("-")
            tokens.update("-".join(dash_parts[start:]) for start in range(len(dash_parts)))
    return {t for t in tokens if any(ch.isdigit() for ch in t)}
