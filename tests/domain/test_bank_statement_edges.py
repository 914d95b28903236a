"""Edges of the bank statement parsers the fixture files leave open: each refusal says
which file problem it is, the fallbacks of camt.053 references, CSV columns and bounds."""

from datetime import date

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.payments.bank_statements import (
    MAX_STATEMENT_BYTES, parse_amount, parse_camt053, parse_csv, parse_date, parse_statement,
)

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def camt(*entries: str, balance: bool = True) -> bytes:
    # A real statement carries balances, whose CdtDbtInd must not be read as an entry's.
    bal = ('<Bal><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
           '<Dt><Dt>2026-11-27</Dt></Dt></Bal>') if balance else ""
    return (f'<?xml version="1.0"?><Document xmlns="{NS}"><BkToCstmrStmt>'
            f'<GrpHdr><MsgId>1</MsgId></GrpHdr><Stmt>{bal}{"".join(entries)}</Stmt>'
            '</BkToCstmrStmt></Document>').encode()


def entry(details: str = "", *, amount: str = '<Amt Ccy="EUR">12.50</Amt>',
          status: str = "<Sts>BOOK</Sts>", extra: str = "") -> str:
    return (f"<Ntry>{amount}<CdtDbtInd>CRDT</CdtDbtInd>{status}"
            f"<BookgDt><Dt>2026-11-27</Dt></BookgDt>{extra}{details}</Ntry>")


def file_error(call, *args) -> str:
    with pytest.raises(ValidationFailed) as caught:
        call(*args)
    assert list(caught.value.fields) == ["file"]
    return caught.value.fields["file"]


@pytest.mark.parametrize("text, cents", [
    ("12,50 EUR", 1250), ("1,234,567", 123456700), ("1,5", 150), ("100000000", 10_000_000_000),
])
def test_more_amount_spellings(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize("text, reason", [
    ("", "empty amount"), ("12a", "not an amount"), ("100000000.01", "amount out of range"),
    ("1.234", "more than two decimals"),
])
def test_amount_refusals_say_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_amount(text)


def test_more_date_spellings_and_refusals():
    assert parse_date("27-11-2026") == date(2026, 11, 27)
    assert parse_date("27/11/26") == date(2026, 11, 27)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("27/11/2026 garbage")   # only ISO dates may carry a time


def test_csv_refusals_name_the_file():
    assert file_error(parse_csv, b"") == "empty file"
    assert file_error(parse_csv, b"date;counterparty\n") == "missing column(s): amount, reference"


def test_csv_separator_comes_from_the_header_and_blank_lines_are_skipped():
    data = b"date;amount;reference\n2026-11-27;12,00;A,B,C,D\n\n2026-11-28;0,01;E\n"
    assert [(e.amount, e.reference) for e in parse_csv(data)] == [(1200, "A,B,C,D"), (1, "E")]
    tabbed = b"date\tamount\treference\n2026-11-27\t12,00\tA\n"
    assert [e.amount for e in parse_csv(tabbed)] == [1200]


def test_csv_zero_lines_are_no_payment_and_currency_defaults_to_euro():
    data = ("date;amount;reference;currency;counterparty\n"
            "2026-11-27;0,00;A;EUR;X\n"
            "2026-11-28;1,00;B;usd;" + "n" * 201 + "\n"
            "2026-11-29;1,00;C;EURO;X\n"
            "2026-11-30;1,00;D;;X\n").encode()
    assert [(e.reference, e.currency, len(e.counterparty)) for e in parse_csv(data)] == [
        ("B", "USD", 200), ("C", "EUR", 1), ("D", "EUR", 1)]
    plain = parse_csv(b"date;amount;reference\n2026-11-27;1,00;A\n")
    assert [(e.currency, e.counterparty) for e in plain] == [("EUR", "")]


def test_camt_reference_falls_back_to_end_to_end_id_then_additional_info():
    e2e = entry("<NtryDtls><TxDtls><Refs><EndToEndId>CMD 2026-00007</EndToEndId></Refs>"
                "</TxDtls></NtryDtls>")
    not_provided = entry("<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
                         "</TxDtls></NtryDtls>", extra="<AddtlNtryInf>VIR 2026-00008</AddtlNtryInf>")
    empty_info = entry(extra="<AddtlNtryInf/>")
    two_ustrd = entry("<NtryDtls><TxDtls><RmtInf><Ustrd>CMD</Ustrd><Ustrd/>"
                      "<Ustrd>2026-00009</Ustrd></RmtInf></TxDtls></NtryDtls>")
    entries = parse_camt053(camt(e2e, not_provided, empty_info, two_ustrd))
    assert [e.reference for e in entries] == ["CMD 2026-00007", "VIR 2026-00008", "",
                                              "CMD 2026-00009"]


def test_camt_status_as_code_or_text():
    pending = entry(status="<Sts><Cd>PDNG</Cd></Sts>")
    booked_code = entry(status="<Sts><Cd>BOOK</Cd></Sts>", extra="<AddtlNtryInf>A</AddtlNtryInf>")
    no_status = entry(status="", extra="<AddtlNtryInf>B</AddtlNtryInf>")
    pending_text = entry(status="<Sts>PDNG</Sts>")
    entries = parse_camt053(camt(pending, booked_code, no_status, pending_text))
    assert [e.reference for e in entries] == ["A", "B"]


def test_camt_amounts():
    no_currency = entry(amount="<Amt>3.00</Amt>")
    lower = entry(amount='<Amt Ccy="usd">4.00</Amt>')
    # One transfer with its own amount: the entry's amount (what was booked) counts.
    single = entry('<NtryDtls><TxDtls><Amt Ccy="EUR">9.99</Amt>'
                   '<RltdPties><Dbtr><Nm>' + "n" * 201 + '</Nm></Dbtr></RltdPties>'
                   '</TxDtls></NtryDtls>')
    batch = entry('<NtryDtls>'
                  '<TxDtls><Amt Ccy="EUR">10.00</Amt><RltdPties><Dbtr><Nm>' + "m" * 201
                  + '</Nm></Dbtr></RltdPties></TxDtls>'
                  '<TxDtls><Amt Ccy="EUR">2.50</Amt></TxDtls></NtryDtls>')
    entries = parse_camt053(camt(no_currency, lower, single, batch))
    assert [(e.amount, e.currency, len(e.counterparty)) for e in entries] == [
        (300, "EUR", 0), (400, "USD", 0), (1250, "EUR", 200), (1000, "EUR", 200),
        (250, "EUR", 0)]


def test_camt_refusals_name_the_file():
    assert file_error(parse_camt053, camt(entry(amount=""))) == "entry without amount"
    assert file_error(parse_camt053, b"<Document").startswith("not well-formed XML")
    assert file_error(parse_camt053, b'<Document xmlns="urn:other"/>') == (
        "not a camt.053.001.02/.08 statement (urn:other)")
    undated = camt(entry().replace("<BookgDt><Dt>2026-11-27</Dt></BookgDt>", ""))
    assert file_error(parse_camt053, undated).startswith("entry without booking date")


def test_statement_size_limit_and_format_detection():
    assert file_error(parse_statement, "s.xml", b"<" * (MAX_STATEMENT_BYTES + 1)) == (
        "file too large (10 MB at most)")
    at_limit = b"<" + b" " * (MAX_STATEMENT_BYTES - 1)
    assert file_error(parse_statement, "s.xml", at_limit).startswith("not well-formed XML")
    kind, entries = parse_statement("s.csv", b"\xef\xbb\xbf" + camt(entry(
        extra="<AddtlNtryInf>A</AddtlNtryInf>")))
    assert (kind, [e.reference for e in entries]) == ("camt053", ["A"])


def test_camt_edge_entries():
    reversed_first = entry(extra="<RvslInd>true</RvslInd><AddtlNtryInf>R</AddtlNtryInf>")
    empty_status = entry(status="<Sts/>", extra="<AddtlNtryInf>E</AddtlNtryInf>")
    entries = parse_camt053(camt(reversed_first, empty_status))
    assert [e.reference for e in entries] == ["E"]
    empty_amount = entry(amount='<Amt Ccy="EUR"/>')
    assert file_error(parse_camt053, camt(empty_amount)) == "entry without amount"
