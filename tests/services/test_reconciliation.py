"""Bank reconciliation: import proposes, staff confirm, mismatches shown, re-import never pays twice."""

from pathlib import Path

import pytest

from dashboard.db.tables import BankStatementLine, Payment
from dashboard.domain.errors import DomainError, ValidationFailed
from dashboard.services.payments import reconciliation
from tests.factories import make_order, order

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bank"


async def _orders():
    # Numbers referenced by the fixture statements.
    big = await make_order(number="2026-00001", lines=[("SOFA", 1, 123456)], name="Anne Martin")
    small = await make_order(number="2026-00002", name="Paul Durand")  # owes 39.80
    return big, small


async def _import(name):
    data = (FIXTURES / name).read_bytes()
    return await reconciliation.import_statement(name, data, actor="tester")


async def test_csv_import_proposes_by_order_number_and_pays_nothing():
    await _orders()
    result = await _import("statement-fr.csv")
    assert (result.format, result.imported, result.already_imported, result.proposed) == ("csv", 4, 0, 3)
    lines = await reconciliation.statement_lines(result.statement_id)
    assert [(l["order_number"], l["status"], l["mismatch"]) for l in lines] == [
        ("2026-00001", "proposed", 0), ("2026-00002", "proposed", 0),
        ("2026-00002", "proposed", 0), (None, "unmatched", None)]
    assert await Payment.count() == 0


async def test_confirming_pays_the_order_once_per_line():
    await _orders()
    result = await _import("statement-fr.csv")
    first = (await reconciliation.statement_lines(result.statement_id))[0]
    line = await reconciliation.confirm_line(first["id"], actor="tester")
    assert line["status"] == "confirmed" and line["order_payment_status"] == "paid"
    row = await order("2026-00001")
    assert row["paid_total"] == 123456
    stored = await BankStatementLine.select().where(BankStatementLine.id == first["id"]).first()
    assert stored["payment"] is not None
    with pytest.raises(DomainError):
        await reconciliation.confirm_line(first["id"], actor="tester")
    assert (await order("2026-00001"))["paid_total"] == 123456


async def test_an_amount_that_differs_is_shown_and_needs_explicit_acceptance():
    await _orders()
    result = await _import("statement-fr.csv")
    lines = await reconciliation.statement_lines(result.statement_id)
    await reconciliation.confirm_line(lines[1]["id"], actor="tester")  # 2026-00002 now paid
    # The customer paid twice: the second line now differs from what is owed (0).
    second = await reconciliation.statement_line(lines[2]["id"])
    assert second["mismatch"] == 3980
    with pytest.raises(ValidationFailed) as caught:
        await reconciliation.confirm_line(second["id"], actor="tester")
    assert "owed" in caught.value.fields["amount"]
    assert (await order("2026-00002"))["paid_total"] == 3980
    confirmed = await reconciliation.confirm_line(second["id"], actor="tester", accept_mismatch=True)
    assert confirmed["status"] == "confirmed"
    row = await order("2026-00002")
    assert (row["paid_total"], row["balance_due"]) == (7960, -3980)


async def test_reimporting_the_same_statement_never_pays_twice():
    await _orders()
    first = await _import("camt053-v02.xml")
    for line in await reconciliation.statement_lines(first.statement_id):
        if line["status"] == "proposed" and line["mismatch"] == 0:
            await reconciliation.confirm_line(line["id"], actor="tester")
    paid_before = (await order("2026-00001"))["paid_total"]
    again = await _import("camt053-v02.xml")
    assert (again.imported, again.already_imported) == (0, 3)
    # The same credit in the CSV export and in the camt.053 .08 statement: already there.
    overlap = await _import("camt053-v08.xml")
    assert overlap.imported == 0
    assert (await order("2026-00001"))["paid_total"] == paid_before == 123456


async def test_confirm_with_a_staff_chosen_order_and_ignore():
    await _orders()
    result = await _import("statement-fr.csv")
    unmatched = (await reconciliation.statement_lines(result.statement_id))[3]
    with pytest.raises(ValidationFailed):
        await reconciliation.confirm_line(unmatched["id"], actor="tester")
    other = await make_order(lines=[("PEN", 1, 1200)])
    line = await reconciliation.confirm_line(unmatched["id"], actor="tester",
                                             order_number=other["number"])
    assert line["order_number"] == other["number"] and line["status"] == "confirmed"
    with pytest.raises(DomainError):
        await reconciliation.ignore_line(unmatched["id"], actor="tester")


async def test_fallback_proposal_by_amount_and_payer_name():
    target = await make_order(lines=[("LAMP", 1, 1200)], name="Jean Inconnu",
                              email="jean@example.fr")
    result = await _import("statement-fr.csv")
    lines = await reconciliation.statement_lines(result.statement_id)
    assert lines[3]["order_number"] == target["number"]


async def test_unreadable_file_is_refused_whole():
    with pytest.raises(ValidationFailed):
        await reconciliation.import_statement("x.csv", b"nothing useful\n1;2\n", actor="tester")
    assert await BankStatementLine.count() == 0
