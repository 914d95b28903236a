"""The /payments screens: whole pages and htmx fragments, confirmations, bulk mark-paid, roles."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.factories import make_order, order

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bank"
HX = {"HX-Request": "true"}


async def test_queue_page_and_fragment_with_balance_and_countdown(login_as, client):
    await login_as("back_office")
    await make_order(number="2026-00001", payment_method="bank_transfer",
                     placed_at=datetime.now(timezone.utc) - timedelta(hours=1))
    await make_order(number="2026-00002", payment_method="cash_on_pickup")
    page = await client.get("/payments")
    assert page.status_code == 200 and "<html" in page.text
    assert "2026-00001" in page.text and "2026-00002" in page.text
    assert 'class="countdown' in page.text and 'href="/payments"' in page.text
    fragment = await client.get("/payments?payment_method=bank_transfer", headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "2026-00001" in fragment.text and "2026-00002" not in fragment.text


@pytest.mark.parametrize("role", ["call_centre", "dispatch", "picker"])
async def test_other_roles_are_refused(role, login_as, client):
    await login_as(role)
    for path in ("/payments", "/payments/statements", "/payments/mark-paid"):
        page = await client.get(path)
        assert page.status_code == 403 and "<html" in page.text
        fragment = await client.get(path, headers=HX)
        assert fragment.status_code == 403 and "<html" not in fragment.text
    response = await client.post("/payments/mark-paid", data={"number": "X"})
    assert response.status_code == 403


async def _upload(client, name="statement-fr.csv"):
    files = {"file": (name, (FIXTURES / name).read_bytes(), "text/csv")}
    return await client.post("/payments/statements", files=files)


async def test_upload_then_confirm_a_proposal_in_place(login_as, client):
    await login_as("back_office")
    await make_order(number="2026-00001", lines=[("SOFA", 1, 123456)])
    await make_order(number="2026-00002")
    upload = await _upload(client)
    assert upload.status_code == 303, upload.text
    page = await client.get(upload.headers["location"])
    assert page.status_code == 200 and "4 new lines imported" in page.text
    assert "2026-00001" in page.text and "Confirm" in page.text

    from dashboard.db.tables import BankStatementLine

    first = await BankStatementLine.select().order_by(BankStatementLine.id).first()
    row = await client.post(f"/payments/statement-lines/{first['id']}/confirm",
                            data={"order_number": "2026-00001"}, headers=HX)
    assert row.status_code == 200 and row.text.lstrip().startswith("<tr")
    assert "Confirmed" in row.text
    assert (await order("2026-00001"))["payment_status"] == "paid"

    again = await _upload(client)
    page = await client.get(again.headers["location"])
    assert "0 new lines imported, 4 already imported before" in page.text


async def test_a_mismatch_is_shown_and_refused_until_accepted(login_as, client):
    await login_as("admin")
    await make_order(number="2026-00002", lines=[("MUG", 1, 1000)])  # owes 10.00, line pays 39.80
    await _upload(client)
    from dashboard.db.tables import BankStatementLine

    line = await BankStatementLine.select().where(BankStatementLine.status == "proposed").first()
    page = await client.get(f"/payments/statements/{line['statement']}")
    assert "Amount differs by" in page.text and "anyway" in page.text
    refused = await client.post(f"/payments/statement-lines/{line['id']}/confirm",
                                data={"order_number": "2026-00002"}, headers=HX)
    assert refused.status_code == 422 and 'role="alert"' in refused.text and "owed" in refused.text
    assert (await order("2026-00002"))["paid_total"] == 0
    accepted = await client.post(f"/payments/statement-lines/{line['id']}/confirm",
                                 data={"order_number": "2026-00002", "accept_mismatch": "1"})
    assert accepted.status_code == 303
    assert (await order("2026-00002"))["paid_total"] == 3980


async def test_bad_statement_file_is_shown_on_the_page(login_as, client):
    await login_as("back_office")
    response = await client.post("/payments/statements",
                                 files={"file": ("x.csv", b"foo;bar\n1;2\n", "text/csv")})
    assert response.status_code == 422 and "missing column" in response.text


async def test_bulk_mark_paid_form_and_report(login_as, client):
    await login_as("back_office")
    first = await make_order()
    second = await make_order()
    form = await client.get(f"/payments/mark-paid?number={first['number']}")
    assert form.status_code == 200 and f'value="{first["number"]}"' in form.text
    data = {"number": [first["number"], second["number"], "NOPE", ""],
            "reference": ["CHQ-1", "CHQ-2", "CHQ-3", ""],
            "date": ["2026-11-27", "27/11/2026", "2026-11-27", ""],
            "amount": ["", "", "", ""]}
    # A malformed date brings the form back with the message at that row; nothing recorded.
    refused = await client.post("/payments/mark-paid", data=data, headers=HX)
    assert refused.status_code == 422 and "<html" not in refused.text
    assert 'id="e-date_1"' in refused.text and 'value="CHQ-2"' in refused.text
    assert (await order(first["number"]))["payment_status"] == "unpaid"
    data["number"][1], data["date"][1] = "", ""
    fragment = await client.post("/payments/mark-paid", data=data, headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "1 order marked paid" in fragment.text
    assert "no such order" in fragment.text
    assert (await order(first["number"]))["payment_status"] == "paid"
    assert (await order(second["number"]))["payment_status"] == "unpaid"
    page = await client.post("/payments/mark-paid", data={
        "number": [second["number"]], "reference": ["CHQ-2"], "date": ["2026-11-27"],
        "amount": ["10.00"]})  # an English user: decimal point
    assert page.status_code == 200 and "<html" in page.text
    assert (await order(second["number"]))["paid_total"] == 1000
