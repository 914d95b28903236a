"""Bank statement parsers (CSV in French and ISO formats, camt.053 .02 and .08) and matching rules."""

from datetime import date
from pathlib import Path

import pytest

from dashboard.domain.payments.bank_statements import (
    StatementEntry, new_entries, parse_amount, parse_camt053, parse_csv, parse_date,
    parse_statement, reference_tokens,
)
from dashboard.domain.errors import ValidationFailed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bank"


@pytest.mark.parametrize("text, cents", [
    ("1 234,56", 123456), ("1\u202f234,56", 123456), ("1234.56", 123456), ("1,234.56", 123456),
    ("1.234,56", 123456), ("-45,00", -4500), ("+39,80 €", 3980), ("12", 1200),
    ("1.000.000", 100000000),
])
def test_amounts_in_french_and_iso_formats(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "1,234,5.6.7", "12,345"])
def test_bad_amounts_are_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_dates_iso_and_french():
    assert parse_date("2026-11-27") == date(2026, 11, 27)
    assert parse_date("2026-11-27T09:12:00+01:00") == date(2026, 11, 27)
    assert parse_date("27/11/2026") == date(2026, 11, 27)
    assert parse_date("27.11.2026") == date(2026, 11, 27)


def test_french_csv_in_latin1_keeps_credits_only():
    entries = parse_csv((FIXTURES / "statement-fr.csv").read_bytes())
    assert [(e.booked_on, e.amount, e.reference, e.counterparty) for e in entries] == [
        (date(2026, 11, 27), 123456, "VIR SEPA CMD 2026-00001 MARTIN", "Anne Martin"),
        (date(2026, 11, 28), 3980, "Commande 2026-00002", "Paul Durand"),
        (date(2026, 11, 28), 3980, "Commande 2026-00002", "Paul Durand"),
        (date(2026, 11, 29), 1200, "Virement sans référence", "Inconnu"),
    ]


def test_iso_csv_with_commas():
    entries = parse_csv((FIXTURES / "statement-iso.csv").read_bytes())
    assert [(e.booked_on, e.amount) for e in entries] == [(date(2026, 11, 27), 123456),
                                                         (date(2026, 11, 30), 100000)]


def test_csv_without_the_needed_columns_is_refused_whole():
    with pytest.raises(ValidationFailed) as caught:
        parse_csv(b"when;how much\n2026-11-27;12,00\n")
    assert "missing column" in caught.value.fields["file"]
    with pytest.raises(ValidationFailed) as caught:
        parse_csv(b"date;amount;reference\n2026-11-27;12,00;A\nyesterday;1;B\n")
    assert "line 3" in caught.value.fields["file"]


def test_camt053_v02_booked_credits_with_batched_transfers_split():
    entries = parse_camt053((FIXTURES / "camt053-v02.xml").read_bytes())
    assert [(e.booked_on, e.amount, e.currency, e.reference, e.counterparty) for e in entries] == [
        (date(2026, 11, 27), 123456, "EUR", "CMD 2026-00001", "Anne Martin"),
        (date(2026, 11, 28), 1990, "EUR", "2026-00002", "Paul Durand"),
        (date(2026, 11, 28), 3980, "EUR", "Facture 2026-00003", "Jean Petit"),
    ]


def test_camt053_v08_party_names_and_reversals():
    entries = parse_camt053((FIXTURES / "camt053-v08.xml").read_bytes())
    assert [(e.booked_on, e.amount, e.reference, e.counterparty) for e in entries] == [
        (date(2026, 11, 27), 123456, "CMD 2026-00001", "Anne Martin"),
    ]


def test_other_xml_and_external_entities_are_refused():
    with pytest.raises(ValidationFailed):
        parse_camt053(b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"/>')
    evil = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
            b'<Stmt><Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
            b'<BookgDt><Dt>2026-11-27</Dt></BookgDt><AddtlNtryInf>&x;</AddtlNtryInf></Ntry>'
            b'</Stmt></BkToCstmrStmt></Document>')
    entries = parse_camt053(evil)
    assert "root:" not in entries[0].reference


def test_format_is_detected_from_the_content():
    assert parse_statement("x.txt", (FIXTURES / "camt053-v02.xml").read_bytes())[0] == "camt053"
    assert parse_statement("x.xml", (FIXTURES / "statement-iso.csv").read_bytes())[0] == "csv"


def test_reimport_keeps_only_unseen_lines_counting_repeats():
    line = StatementEntry(date(2026, 11, 28), 3980, "EUR", "Commande 2026-00002", "P")
    other = StatementEntry(date(2026, 11, 29), 1200, "EUR", "X", "Q")
    # Same line twice in the file (a customer paid twice): both are new the first time.
    assert new_entries([line, line], []) == [line, line]
    # Imported once before: one of the two is new.
    assert new_entries([line, line, other], [line.identity]) == [line, other]
    assert new_entries([line, line], [line.identity, line.identity]) == []


def test_reference_tokens_find_order_numbers_inside_bank_text():
    tokens = reference_tokens("VIR SEPA REF CMD-2026-00042/MARTIN")
    assert {"CMD-2026-00042", "2026-00042"} <= tokens
    assert "MARTIN" not in tokens and "VIR" not in tokens
