"""What the services write to the history from now on carries what its French retelling
needs: the product's name with its SKU, the parcel's carrier and tracking number, the
task's product and quantity (read back through the order screen's retelling)."""

import json

from dashboard.components.history_text import event_text
from dashboard.db.tables import OrderEvent, OrderLine, Shipment
from dashboard.services.fulfilment import hold_orders, picking, release_holds
from dashboard.services.fulfilment import shipping as fulfilment
from dashboard.services.orders import changes as order_changes
from dashboard.services.orders.notes import add_notes, notes_for, set_pinned
from tests.components.test_shipping_history_text import french, spaces  # noqa: F401 - fixture
from tests.factories import make_order, mark_picked
from tests.fulfilment.support import EANS, barcoded_order, lines_of

ACTOR = "agent"


async def told(kind: str) -> tuple[dict, str]:
    """The newest event of ``kind``: its data, and its French text without the order's
    lines (so the name must come from the event itself)."""
    event = await OrderEvent.select().where(OrderEvent.kind == kind).order_by(
        OrderEvent.id, ascending=False).first()
    data = json.loads(event["data"]) if isinstance(event["data"], str) else event["data"]
    return data, spaces(event_text(event))


async def test_line_edits_name_the_product(french):
    o = await make_order(lines=[("MUG", 2, 1000), ("TSHIRT-BLUE-M", 1, 1990)])
    lines = await OrderLine.select().where(OrderLine.order == o["id"]).order_by(OrderLine.position)
    mug, shirt = lines
    await order_changes.change_line_quantity(o["number"], mug["id"], 2, 3, actor=ACTOR)
    data, text = await told("order.line_quantity_changed")
    assert (data["sku"], data["name"]) == ("MUG", mug["name"])
    assert text == f"{mug['name']} : quantité 2 → 3"
    await order_changes.remove_line(o["number"], shirt["id"], 1, actor=ACTOR)
    data, text = await told("order.line_removed")
    assert data["name"] == shirt["name"] and text == f"{shirt['name']} retiré (1)"
    await order_changes.add_line(o["number"], "TSHIRT-BLUE-M", 2, actor=ACTOR)
    data, text = await told("order.line_added")
    assert data["name"] == shirt["name"] and text == f"{shirt['name']} ajouté (2)"


async def test_parcel_news_and_undo_name_the_carrier(french):
    o = await make_order(paid=True, lines=[("MUG", 1, 1000)])
    await mark_picked(o["number"])
    await fulfilment.ship_order(o["number"], carrier="mondial_relay", tracking_number="12345678",
                                actor=ACTOR)
    await fulfilment.record_tracking_event(o["number"], "mondial_relay", "12345678",
                                           "in_transit", None, actor=ACTOR)
    data, text = await told("shipment.tracking")
    assert (data["carrier"], data["tracking_number"]) == ("mondial_relay", "12345678")
    assert text == "Colis Mondial Relay 12345678 : En cours d’acheminement"
    shipment = await Shipment.select(Shipment.id).first()
    await fulfilment.undo_shipment(shipment["id"], actor=ACTOR)
    data, text = await told("shipment.undone")
    assert data["carrier"] == "mondial_relay"
    assert text == "Expédition Mondial Relay 12345678 annulée"


async def test_picking_events_name_the_product(french):
    order = await barcoded_order()
    number = await picking.create_pick_list([order["number"]], actor=ACTOR)
    await picking.record_scan(number, "p1", "2*" + EANS["TSHIRT-BLUE-M"], actor=ACTOR)
    lines = await lines_of(order["number"])
    shirt = lines["TSHIRT-BLUE-M"]
    await OrderLine.update({OrderLine.quantity: 1, OrderLine.reserved: 1}).where(
        OrderLine.id == shirt["id"])
    await picking.note_order_changed(order["id"], {shirt["id"]: 1}, actor=ACTOR)
    data, text = await told("picking.put_back")
    assert data["name"] == shirt["name"]
    assert text == ("Commande modifiée pendant la préparation : remettre en rayon "
                    f"1 × {shirt['name']}")
    view = await picking.pick_list_view(number)
    await picking.acknowledge_task(view["tasks"][0]["id"], actor=ACTOR)
    data, text = await told("picking.task_acknowledged")
    assert (data["kind"], data["quantity"], data["sku"]) == ("put_back", 1, "TSHIRT-BLUE-M")
    assert text == f"1 × {shirt['name']} remis en rayon"
    view = await picking.pick_list_view(number)
    mug = next(ln for ln in view["lines"] if ln["sku"] == "MUG-RED")
    await picking.mark_short(number, mug["id"], actor=ACTOR)
    data, text = await told("picking.short")
    assert data["sku"] == "MUG-RED"
    assert text == (f"1 × {lines['MUG-RED']['name']} introuvable(s) en rayon "
                    f"(liste de préparation {number})")


async def test_bulk_holds_and_notes_read_in_french(french):
    o = await make_order(status="open")
    await hold_orders([o["id"]], "client absent", actor=ACTOR)
    data, text = await told("order.held")
    assert data["reason"] == "client absent" and text == "En attente : client absent"
    await release_holds([o["id"]], actor=ACTOR)
    assert (await told("order.released"))[1] == "Mise en attente levée"
    await add_notes([o["id"]], "Digicode 4521B", None, ACTOR)
    data, text = await told("note.added")
    assert data == {"body": "Digicode 4521B"} and text == "Note : Digicode 4521B"
    [note] = await notes_for(o["id"])
    await set_pinned(o["number"], note["id"], True, ACTOR)
    assert (await told("note.pinned"))[1] == "Note épinglée"
