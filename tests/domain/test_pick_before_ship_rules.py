"""Nothing ships unpicked: which units block a shipment, and who may override."""

from __future__ import annotations

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.fulfilment.rules import (
    LineState, NotAllowed, PickIncomplete, check_picked, check_unpicked_reason, plan_shipment,
)


def line(id=1, quantity=2, reserved=2, shipped=0, picked=0, on_pick_list=False,
         pick_open=False, sku="TEE", name="Tee") -> LineState:
    return LineState(id=id, quantity=quantity, reserved=reserved, shipped=shipped,
                     picked=picked, on_pick_list=on_pick_list, pick_open=pick_open, sku=sku,
                     name=name)


def test_a_line_nobody_picked_blocks_and_is_named():
    with pytest.raises(PickIncomplete) as refused:
        check_picked("A1", [line(id=1, picked=2), line(id=2, reserved=3, sku="MUG", name="Mug")])
    assert refused.value.missing == [("MUG", "Mug", 3)]
    assert str(refused.value.message) == "Order A1 is not fully picked: missing 3 × Mug (MUG)."


def test_a_line_still_on_an_open_pick_list_blocks_even_partly_picked():
    with pytest.raises(PickIncomplete) as refused:
        check_picked("A1", [line(picked=1, on_pick_list=True, pick_open=True)])
    assert refused.value.missing == [("TEE", "Tee", 1)]


def test_units_found_short_on_a_completed_pick_list_do_not_block():
    short = line(picked=1, on_pick_list=True, pick_open=False)
    check_picked("A1", [short])
    assert plan_shipment([short], None) == {1: 1}


def test_backordered_and_already_shipped_units_do_not_block():
    check_picked("A1", [line(quantity=3, reserved=0), line(id=2, quantity=2, reserved=1,
                                                           shipped=1, picked=2)])


def test_only_picked_units_leave_unless_shipped_without_picking():
    lines = [line(picked=1)]
    assert plan_shipment(lines, None) == {1: 1}
    assert plan_shipment(lines, None, without_picking=True) == {1: 2}
    with pytest.raises(ValidationFailed) as refused:
        plan_shipment(lines, {1: 2})
    assert refused.value.fields["line_1"] == "at most 1 (picked and not yet shipped)"
    assert plan_shipment(lines, {1: 2}, without_picking=True) == {1: 2}


@pytest.mark.parametrize("role", ["dispatch", "call_centre", "picker", "nobody"])
def test_only_back_office_or_admin_may_ship_without_picking(role):
    with pytest.raises(NotAllowed):
        check_unpicked_reason(role, "customer waiting at the desk")


@pytest.mark.parametrize("role", ["back_office", "admin"])
def test_shipping_without_picking_needs_a_reason(role):
    assert check_unpicked_reason(role, "  customer\n waiting ") == "customer waiting"
    for blank in ("", "   ", None):
        with pytest.raises(ValidationFailed) as refused:
            check_unpicked_reason(role, blank)
        assert "unpicked_reason" in refused.value.fields
    with pytest.raises(ValidationFailed):
        check_unpicked_reason(role, "x" * 501)


def _refusal(check, *args) -> str:
    from dashboard.components.i18n import gettext
    from dashboard.domain.fulfilment.rules import NotAllowed

    with pytest.raises(NotAllowed) as refused:
        check(*args)
    return gettext(refused.value.message)


def test_workable_refusals_read_in_french():
    from datetime import datetime, timezone

    from dashboard.components.i18n import current_locale
    from dashboard.domain.fulfilment.rules import check_not_collected_in_store, check_workable

    now = datetime(2026, 12, 7, tzinfo=timezone.utc)
    held = {"number": "100002", "status": "on_hold", "hold_reason": "manual", "hold_until": None}
    token = current_locale.set("fr")
    try:
        assert _refusal(check_workable, {"number": "100001", "status": "cancelled"}, "shipped",
                        now) == "La commande 100001 est annulée : elle ne peut pas aller plus loin."
        assert _refusal(check_workable, held, "picked", now) == (
            "La commande 100002 est en attente : levez d'abord l'attente.")
        assert _refusal(check_not_collected_in_store, {
            "number": "100003", "shipping_method": "click_and_collect"}) == (
            "La commande 100003 est retirée en magasin : marquez-la plutôt « prête à retirer ».")
    finally:
        current_locale.reset(token)
