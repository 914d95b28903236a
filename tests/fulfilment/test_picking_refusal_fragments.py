"""Refused scans and the short/task buttons answer the #pick fragment (they once failed to
render it: the phone then retried the scan for ever), in the picker's language."""

from dashboard.services.fulfilment import picking
from tests.fulfilment.support import EANS, barcoded_order

HX = {"HX-Request": "true"}


async def test_a_scan_after_completion_is_refused_in_french(login_as):
    order = await barcoded_order(lines=[("MUG-RED", 1, 900)])
    number = await picking.create_pick_list([order["number"]], actor="t")
    client = await login_as("picker", locale="fr")
    url = f"/picking/{number}/scans"
    done = await client.post(url, data={"client_scan_id": "d1", "code": EANS["MUG-RED"]},
                             headers=HX)
    assert done.status_code == 200 and "Compté" in done.text
    again = await client.post(url, data={"client_scan_id": "d2", "code": EANS["MUG-RED"]},
                              headers=HX)
    assert again.status_code == 422
    assert again.headers["x-scan-result"] == "error"
    assert 'role="alert"' in again.text
    assert "Cette liste de préparation est terminée : plus rien à scanner" in again.text


async def test_marking_a_line_short_answers_the_fragment(login_as):
    order = await barcoded_order(lines=[("MUG-RED", 2, 900)])
    number = await picking.create_pick_list([order["number"]], actor="t")
    line_id = (await picking.pick_list_view(number))["lines"][0]["id"]
    client = await login_as("picker", locale="fr")
    response = await client.post(f"/picking/{number}/lines/{line_id}/short", headers=HX)
    assert response.status_code == 200
    assert "Marqué manquant" in response.text and "<html" not in response.text
