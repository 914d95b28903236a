"""Reconciliation refusals and read-backs, each pinned to its text and field (mutation
testing showed no test read them; docs/testing.md)."""

from datetime import date
from pathlib import Path

import pytest

from dashboard.db.tables import BankStatementLine, Payment
from dashboard.domain.errors import DomainError, NotFound, ValidationFailed
from dashboard.services.payments import reconciliation
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


async def test_confirm_refusals_say_why():
    _, lines = await _statement()
    await reconciliation.confirm_line(lines[0]["id"], actor="tester")
    with pytest.raises(DomainError) as caught:
        await reconciliation.confirm_line(lines[0]["id"], actor="tester")
    assert caught.value.message == "This line is already confirmed"
    ignored = await reconciliation.ignore_line(lines[2]["id"], actor="tester")
    assert ignored["status"] == "ignored"
    with pytest.raises(DomainError) as caught:
        await reconciliation.confirm_line(lines[2]["id"], actor="tester")
    assert caught.value.message == "This line is already set aside"
    assert (await order("2026-00002"))["paid_total"] == 0

    with pytest.raises(ValidationFailed) as caught:
        await reconciliation.confirm_line(lines[3]["id"], actor="tester")
    assert caught.value.fields == {"order_number": "Type the order number: none was proposed."}

    dollars = await make_order(lines=[("PEN", 1, 1200)], currency="USD")
    with pytest.raises(ValidationFailed) as caught:
        await reconciliation.confirm_line(lines[3]["id"], actor="tester",
                                          order_number=dollars["number"])
    assert caught.value.fields == {"amount": "The order is in USD."}

    other = await make_order(lines=[("LAMP", 1, 1500)])
    with pytest.raises(ValidationFailed) as caught:
        await reconciliation.confirm_line(lines[3]["id"], actor="tester",
                                          order_number=other["number"])
    assert caught.value.message == "The amount differs from what the order owes"
    assert caught.value.fields == {"amount": "12.00 EUR received, 15.00 EUR owed"}
    assert await Payment.count().where(Payment.order == other["id"]) == 0
    stored = await BankStatementLine.select().where(BankStatementLine.id == lines[3]["id"]).first()
    assert stored["status"] == "unmatched" and stored["payment"] is None


async def test_only_an_unconfirmed_line_can_be_set_aside():
    _, lines = await _statement()
    await reconciliation.confirm_line(lines[0]["id"], actor="tester")
    with pytest.raises(DomainError) as caught:
        await reconciliation.ignore_line(lines[0]["id"], actor="tester")
    assert caught.value.message == "Only an unconfirmed line can be set aside"
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
