"""Reconciliation refusals and read-backs, each pinned to its text and field (mutation
testing showed no test read them; docs/testing.md)."""

from datetime import date
from pathlib import Path

import pytest

from dashboard.db.tables import BankStatementLine, Payment
from dashboard.domain.errors import DomainError, NotFound, ValidationFailed
from dashboard.domain.payments.bank_statements import StatementEntry
from dashboard.services.payments import reconciliation
from dashboard.services.payments.money import record_payment
from tests.factories import make_order, order

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bank"


async def _statement():
    await make_order(number="2026-00001", lines=[("SOFA", 1, 123456)], name="Anne Martin")
    await make_order(number="2026-00002", name="Paul Durand")  # owes 39.80
    data = (FIXTURES / "statement-fr.csv").read_bytes()
    result = await reconciliation.import_statement("statement-fr.csv", data, actor="tester")
    return result, await reconciliation.statement_lines(result.statement_id)


async def test_a_confirmed_line_records_the_booking_date_and_its_reference():
    _, lines = await _statement()
    await reconciliation.confirm_line(lines[0]["id"], actor="tester")
    payment = await Payment.select().where(Payment.order.number == "2026-00001").first()
    assert payment["received_on"] == date(2026, 11, 27)
    assert payment["transaction_ref"] == f"VIR SEPA CMD 2026-00001 MARTIN #L{lines[0]['id']}"
    assert (payment["amount"], payment["source"]) == (123456, "bank_statement")


async def _refusal(refused, action, line_id: int, **kwargs):
    """The error ``action`` (``confirm_line`` or ``ignore_line``) raises on this line."""
    with pytest.raises(refused) as caught:
        await action(line_id, actor="tester", **kwargs)
    return caught.value


async def test_confirm_refusals_say_why():
    _, lines = await _statement()
    confirm = reconciliation.confirm_line
    await confirm(lines[0]["id"], actor="tester")
    refused = await _refusal(DomainError, confirm, lines[0]["id"])
    assert refused.message == "This line is already confirmed"
    ignored = await reconciliation.ignore_line(lines[2]["id"], actor="tester")
    assert ignored["status"] == "ignored"
    refused = await _refusal(DomainError, confirm, lines[2]["id"])
    assert refused.message == "This line is already set aside"
    assert (await order("2026-00002"))["paid_total"] == 0

    refused = await _refusal(ValidationFailed, confirm, lines[3]["id"])
    assert refused.fields == {"order_number": "Type the order number: none was proposed."}

    dollars = await make_order(lines=[("PEN", 1, 1200)], currency="USD")
    refused = await _refusal(ValidationFailed, confirm, lines[3]["id"],
                             order_number=dollars["number"])
    assert refused.fields == {"amount": "The order is in USD."}

    other = await make_order(lines=[("LAMP", 1, 1500)])
    refused = await _refusal(ValidationFailed, confirm, lines[3]["id"],
                             order_number=other["number"])
    assert refused.message == "The amount differs from what the order owes"
    assert refused.fields == {"amount": "12.00 EUR received, 15.00 EUR owed"}
    assert await Payment.count().where(Payment.order == other["id"]) == 0
    stored = await BankStatementLine.select().where(BankStatementLine.id == lines[3]["id"]).first()
    assert stored["status"] == "unmatched" and stored["payment"] is None


async def test_only_an_unconfirmed_line_can_be_set_aside():
    _, lines = await _statement()
    await reconciliation.confirm_line(lines[0]["id"], actor="tester")
    refused = await _refusal(DomainError, reconciliation.ignore_line, lines[0]["id"])
    assert refused.message == "Only an unconfirmed line can be set aside"
    assert (await reconciliation.statement_line(lines[0]["id"]))["status"] == "confirmed"


async def test_statements_are_listed_newest_first_and_read_back():
    first, _ = await _statement()
    data = (FIXTURES / "camt053-v02.xml").read_bytes()
    second = await reconciliation.import_statement("camt.xml", data, actor="tester")
    listed = await reconciliation.list_statements()
    assert [s["id"] for s in listed] == [second.statement_id, first.statement_id]
    assert [s["id"] for s in await reconciliation.list_statements(limit=1)] == [
        second.statement_id]
    assert (await reconciliation.get_statement(first.statement_id))["filename"] == \
        "statement-fr.csv"
    with pytest.raises(NotFound) as caught:
        await reconciliation.get_statement(second.statement_id + 1000)
    assert caught.value.message == "This statement does not exist"
    with pytest.raises(NotFound) as caught:
        await reconciliation.statement_line(10 ** 9)
    assert caught.value.message == "This statement line does not exist"


def _credit(amount: int, reference: str = "", counterparty: str = "", currency: str = "EUR"):
    return StatementEntry(booked_on=date(2026, 11, 27), amount=amount, currency=currency,
                          reference=reference, counterparty=counterparty)


async def test_a_reference_naming_several_orders_proposes_the_open_one_owing_the_amount():
    cancelled = await make_order(number="2026-00011", status="cancelled")  # 39.80 once
    owing_other = await make_order(number="2026-00012", lines=[("LAMP", 1, 1500)])
    exact = await make_order(number="2026-00013")
    also_exact = await make_order(number="2026-00014")
    both = "CMD 2026-00011 2026-00012 2026-00013 2026-00014"
    assert await reconciliation.propose_order(_credit(3980, both)) == exact["id"]
    assert await reconciliation.propose_order(_credit(3980, "CMD 2026-00014 2026-00013")) \
        == exact["id"]  # two equally good: the older order
    assert await reconciliation.propose_order(_credit(1500, both)) == owing_other["id"]
    assert await reconciliation.propose_order(
        _credit(3980, "CMD 2026-00011 2026-00012")) == owing_other["id"]
    assert await reconciliation.propose_order(_credit(3980, "CMD 2026-00011")) == \
        cancelled["id"]
    assert await reconciliation.propose_order(_credit(3980, "CMD 2026-00014")) == \
        also_exact["id"]


async def test_without_an_order_number_only_one_open_unpaid_order_of_that_payer_is_proposed():
    martin = await make_order(name="Anne Martin")  # owes 39.80
    durand = await make_order(name="Paul Durand", currency="USD")
    half_paid = await make_order(name="Jean Petit", lines=[("TSHIRT", 4, 1990)])
    await record_payment(half_paid["number"], 3980, "EUR", "CHQ-1", method=None,
                         source="manual", received_on=None, actor="tester")
    assert await reconciliation.propose_order(_credit(3980, "", "M ou Mme MARTIN")) == \
        martin["id"]
    assert await reconciliation.propose_order(_credit(3980, "", "Jean PETIT")) == \
        half_paid["id"]
    assert await reconciliation.propose_order(_credit(3980, "", "")) is None
    assert await reconciliation.propose_order(_credit(3980, "", "Durand")) is None
    assert await reconciliation.propose_order(_credit(3980, "", "Durand", "USD")) == \
        durand["id"]
    held = await make_order(name="Marc Leroy", status="on_hold")
    assert held["status"] == "on_hold"
    assert await reconciliation.propose_order(_credit(3980, "", "Leroy")) is None
    await make_order(name="Luc Martin")
    assert await reconciliation.propose_order(_credit(3980, "", "Martin")) is None


async def test_a_reimport_counts_the_lines_already_there_and_stores_only_new_ones():
    first, lines = await _statement()
    assert (first.imported, first.already_imported, first.proposed) == (4, 0, 3)
    assert [(ln["booked_on"], ln["amount"], ln["currency"], ln["counterparty"], ln["status"])
            for ln in lines] == [
        (date(2026, 11, 27), 123456, "EUR", "Anne Martin", "proposed"),
        (date(2026, 11, 28), 3980, "EUR", "Paul Durand", "proposed"),
        (date(2026, 11, 28), 3980, "EUR", "Paul Durand", "proposed"),
        (date(2026, 11, 29), 1200, "EUR", "Inconnu", "unmatched")]
    data = (FIXTURES / "statement-fr.csv").read_bytes()
    again = await reconciliation.import_statement("statement-fr.csv", data, actor="tester")
    assert (again.format, again.imported, again.already_imported, again.proposed) == (
        "csv", 0, 4, 0)
    assert await reconciliation.statement_lines(again.statement_id) == []
    stored = await reconciliation.get_statement(again.statement_id)
    assert (stored["filename"], stored["format"], stored["actor"]) == (
        "statement-fr.csv", "csv", "tester")
