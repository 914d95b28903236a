"""Each kind of history event is told in French: products by name, money for the reader,
codes by their labels, carriers by name; rows written before the data held a name read it
from the order's lines and parcels; what cannot be told shows its stored summary."""

import re

import pytest

from dashboard.components.history_text import RETELLINGS, carrier_name, event_text
from dashboard.components.i18n import current_locale
from tests.components.test_history_kinds import recorded_kinds
from tests.components.test_shipping_history_text import french, spaces  # noqa: F401 - fixture

LINES = [{"id": 7, "sku": "MUG-HAVRE", "name": "Mug Le Havre"},
         {"id": 8, "sku": "TEE-M", "name": "T-shirt rayé M"}]
SHIPMENTS = [{"id": 3, "carrier": "mondial_relay", "tracking_number": "12345678"}]

# kind -> (data as the service writes it now, the French text)
FRENCH = {
    "order.placed": ({"total": 2590}, "Commande passée (25,90 €)"),
    "order.cancelled": ({"reason": "doublon"}, "Annulée : doublon"),
    "order.held": ({"reason": "payment_review", "until": None},
                   "En attente : Paiement à vérifier"),
    "order.released": ({"reason": "manual", "note": ""}, None),
    "order.line_added": ({"line_id": 9, "sku": "THE", "name": "Thé vert", "quantity": 2,
                          "unit_price": 500}, "Thé vert ajouté (2)"),
    "order.line_removed": ({"line_id": 8, "sku": "TEE-M", "name": "T-shirt rayé M",
                            "quantity": 1}, "T-shirt rayé M retiré (1)"),
    "order.line_restored": ({"line_id": 8, "sku": "TEE-M", "name": "T-shirt rayé M",
                             "quantity": 1, "removal_event": 41}, "T-shirt rayé M remis (1)"),
    "order.line_quantity_changed": ({"line_id": 7, "sku": "MUG-HAVRE", "name": "Mug Le Havre",
                                     "before": 1, "after": 2},
                                    "Mug Le Havre : quantité 1 → 2"),
    "order.shipping_method_changed": ({"before": "carrier", "after": "click_and_collect"},
                                      "Mode de livraison : Transporteur → Retrait en magasin"),
    "order.shipping_price_changed": ({"before": "carrier", "after": "carrier",
                                      "price_before": 590, "price_after": 350, "reason": ""},
                                     "Frais de port : 5,90 € → 3,50 €"),
    "order.shipping_address_changed": ({"changes": {"ship_city": ["Lyon", "Caen"],
                                                    "ship_postal_code": ["1", "2"]}},
                                       "Adresse de livraison modifiée : Ville, Code postal"),
    "order.billing_address_changed": ({"changes": {"bill_line1": ["a", "b"]}},
                                      "Adresse de facturation modifiée : Adresse"),
    "order.contact_changed": ({"changes": {"customer_email": ["a@b.fr", "c@d.fr"]}},
                              "Coordonnées du client modifiées : E-mail"),
    "order.ready_for_pickup": ({}, None),
    "order.collected": ({}, None),
    "address.verified": ({}, "Adresse de livraison vérifiée"),
    "email.pay_difference": ({"amount": 350},
                             "Demande au client de régler la différence (3,50 €)"),
    "payment.recorded": ({"amount": 2590, "currency": "EUR", "method": "card",
                          "transaction_ref": "CH1"}, "Paiement de 25,90 € par Carte (CH1)"),
    "payment.refunded": ({"amount": 500, "currency": "EUR"}, None),
    "payment.failed": ({"amount": 2590, "currency": "EUR", "transaction_ref": "CH2",
                        "source": "webhook", "reason": ""},
                       "Échec d’une tentative de paiement de 25,90 € (CH2)"),
    "payment.overpayment": ({"mismatch": "overpayment", "difference": 100, "amount": 2690,
                             "owed": 2590, "currency": "EUR", "transaction_ref": "x"},
                            "Trop-perçu : 1,00 € de plus que le montant dû"),
    "payment.underpayment": ({"mismatch": "underpayment", "difference": 100, "amount": 2490,
                              "owed": 2590, "currency": "EUR", "transaction_ref": "x"},
                             "Paiement insuffisant : 1,00 € de moins que le montant dû"),
    "payment.conflict": ({"webhook_id": "w", "event_type": "payment.succeeded",
                          "transaction_ref": "CH1"}, None),
    "payment.reminder_sent": ({"cancel_at": "2026-12-09T10:00:00+00:00"}, None),
    "receipt.queued": ({}, None),
    "note.added": ({"body": "Digicode 4521B"}, "Note : Digicode 4521B"),
    "note.pinned": ({}, "Note épinglée"),
    "note.unpinned": ({}, "Note désépinglée"),
    "shipment.created": ({"id": 3, "carrier": "dpd", "tracking_number": "09876543210123",
                          "lines": [{"sku": "MUG-HAVRE", "name": "Mug Le Havre",
                                     "quantity": 2}]},
                         "Expédié avec DPD 09876543210123 : 2 × Mug Le Havre"),
    "shipment.unpicked": ({"shipment_id": 3, "reason": "urgent"}, None),
    "shipment.undone": ({"shipment_id": 3, "carrier": "mondial_relay",
                         "tracking_number": "12345678"},
                        "Expédition Mondial Relay 12345678 annulée"),
    "shipment.tracking": ({"shipment_id": 3, "status": "in_transit", "carrier": "mondial_relay",
                           "tracking_number": "12345678"},
                          "Colis Mondial Relay 12345678 : En cours d’acheminement"),
    "picking.started": ({"pick_list": "PL-1"}, None),
    "picking.completed": ({"pick_list": "PL-1"}, None),
    "picking.short": ({"pick_list": "PL-1", "units": 1, "sku": "THE", "name": "Thé vert"}, None),
    "picking.pick_more": ({"pick_list_line": 1, "units": 1, "sku": "THE", "name": "Thé vert"},
                          None),
    "picking.put_back": ({"pick_list_line": 1, "units": 1, "sku": "THE", "name": "Thé vert"},
                         "Commande modifiée pendant la préparation : remettre en rayon "
                         "1 × Thé vert"),
    "picking.task_acknowledged": ({"task_id": 1, "kind": "put_back", "quantity": 1,
                                   "sku": "THE", "name": "Thé vert"},
                                  "1 × Thé vert remis en rayon"),
    "surcharge.added": ({"kind": "labour", "amount": 1000, "vat_rate_bp": 2000,
                         "reason": "gravure", "supplementary_invoice": None}, None),
    "return.authorised": ({"rma": "R-1", "kind": "return",
                           "lines": [{"sku": "TEE-M", "name": "T-shirt rayé M", "quantity": 1,
                                      "reason": "too_small"}]},
                          "Retour R-1 autorisé : 1 × T-shirt rayé M (Trop petit)"),
    "exchange.authorised": ({"rma": "R-2", "kind": "exchange",
                             "lines": [{"sku": "TEE-M", "name": "T-shirt rayé M",
                                        "quantity": 1, "reason": "too_small"}]}, None),
    "return.received": ({"rma": "R-1", "restocked": 1, "written_off": 0, "lines": []}, None),
    "credit.store_credit": ({"number": "AV-1", "amount": 500}, None),
    "credit_note.issued": ({"number": "AV-1", "amount": 500}, "Avoir AV-1 de 5,00 € émis"),
    "refund.requested": ({"refund": 1, "amount": 1000, "currency": "EUR",
                          "route": "bank_transfer", "status": "to_make", "credit_note": ""},
                         "Remboursement de 10,00 € à effectuer (Par virement bancaire)"),
    "refund.retried": ({"refund": 1, "amount": 1000, "currency": "EUR", "route": "card"},
                       "Remboursement de 10,00 € renvoyé au prestataire de paiement"),
    "refund.by_hand": ({"refund": 1, "amount": 1000, "currency": "EUR", "route": "card"},
                       "Remboursement de 10,00 € à effectuer à la main"),
    "refund.cancelled": ({"refund": 1, "amount": 1000, "currency": "EUR", "route": "card"},
                         "Remboursement de 10,00 € annulé"),
    "invoice.issued": ({"number": "F-2", "total": 100, "kind": "supplementary"},
                       "Facture complémentaire F-2 émise"),
    "label.queued": ({"print_job": 1, "printer": "zebra", "kind": "shipping_label"}, None),
    "stock.allocated": ({"line_id": 7, "units": 1}, "1 × Mug Le Havre réservé(s) sur le stock reçu"),
    "stock.backordered": ({"line_id": 7, "units": 1}, None),
}
# What would betray an untranslated or raw text: English words of the stored summaries,
# status and carrier codes.
ENGLISH = re.compile(r"\b(added|removed|quantity|payment|shipped|picked|order|succeeded|"
                     r"received|authorised|queued|undone|by card|in transit|carrier)\b",
                     re.IGNORECASE)
CODES = re.compile(r"\b(dpd|mondial_relay|in_transit|click_and_collect|carrier|payment_review|"
                   r"shipping_label|labour|too_small|\w+_\w+)\b")


def tell(kind: str, data: dict, summary: str = "STORED SUMMARY") -> str:
    return spaces(event_text({"kind": kind, "summary": summary, "data": data}, "EUR", LINES,
                             SHIPMENTS))


def test_the_examples_cover_every_recorded_kind():
    assert set(recorded_kinds()) <= set(FRENCH)


@pytest.mark.parametrize("kind", sorted(FRENCH))
def test_each_kind_reads_in_french(french, kind):
    data, expected = FRENCH[kind]
    text = tell(kind, data)
    assert text != "STORED SUMMARY", "fell back to the stored summary"
    assert not ENGLISH.search(text), text
    assert not CODES.search(text), text
    if expected is not None:
        assert text == expected


def test_english_readers_read_english():
    token = current_locale.set("en")
    try:
        _english()
    finally:
        current_locale.reset(token)


def _english():
    assert tell("order.line_added", FRENCH["order.line_added"][0]) == "Thé vert added (2)"
    assert tell("payment.recorded", FRENCH["payment.recorded"][0]) == (
        "Payment of €25.90 by Card (CH1)")


def test_old_rows_name_products_from_the_order_lines(french):
    # Written before names were stored: a line id only, or a SKU only.
    assert tell("order.line_quantity_changed", {"line_id": 7, "before": 1, "after": 2}) == (
        "Mug Le Havre : quantité 1 → 2")
    assert tell("order.line_added", {"line_id": 99, "sku": "TEE-M", "quantity": 1}) == (
        "T-shirt rayé M ajouté (1)")
    # A line since deleted and no name anywhere: the SKU.
    assert tell("order.line_removed", {"line_id": 99, "sku": "GONE", "quantity": 1}) == (
        "GONE retiré (1)")


def test_old_rows_find_the_parcel_from_the_order_shipments(french):
    assert tell("shipment.tracking", {"shipment_id": 3, "status": "delivered"}) == (
        "Colis Mondial Relay 12345678 : Livré")
    assert tell("shipment.tracking", {"shipment_id": 404, "status": "exception"}) == (
        "Colis : Incident de livraison")
    assert tell("shipment.undone", {"shipment_id": 404}) == "Expédition annulée"


def test_old_picking_rows_without_products_still_read(french):
    assert tell("picking.short", {"pick_list": "PL-1", "units": 2}) == (
        "2 article(s) introuvable(s) en rayon (liste de préparation PL-1)")
    assert tell("picking.task_acknowledged", {"task_id": 1}) == "Tâche de préparation effectuée"
    assert tell("label.queued", {"print_job": 1, "printer": "zebra"}) == (
        "Étiquette d’expédition envoyée à l’imprimante zebra")


def test_unreadable_rows_show_their_summary(french):
    assert tell("order.line_added", {"quantity": 1}) == "STORED SUMMARY"
    assert tell("payment.recorded", {"amount": "lots"}) == "STORED SUMMARY"
    assert tell("no.such_kind", {}) == "STORED SUMMARY"
    assert spaces(event_text({"kind": "order.placed", "summary": "S", "data": "{not json"})) == "S"


def test_notes_written_before_their_body_was_data_read_their_summary(french):
    assert tell("note.added", {}, summary="Digicode 4521B") == "Digicode 4521B"


def test_carriers_read_by_name(french):
    assert carrier_name("dpd") == "DPD"
    assert carrier_name("mondial_relay") == "Mondial Relay"
    assert carrier_name("laposte") == "La Poste / Colissimo"
    assert carrier_name("other") == "Autre"
    assert carrier_name("pigeon") == "pigeon"


def test_every_retelling_is_exercised():
    assert set(RETELLINGS) == set(FRENCH)


def test_the_auto_cancel_reason_reads_in_french_and_a_typed_one_as_typed(french):
    from dashboard.services.payments.auto_cancel import CANCEL_REASON

    assert tell("order.cancelled", {"reason": CANCEL_REASON}) == \
        "Annulée : Non payée dans les délais"
    assert tell("order.cancelled", {"reason": "client parti"}) == "Annulée : client parti"
