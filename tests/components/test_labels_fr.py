"""Labels agree in gender with what they describe: a parcel (le colis) is "livré", an
order (la commande) "livrée"; quantity columns count items (des articles)."""

from dashboard.components.i18n import current_locale
from dashboard.components.labels import choices, label
from tests.components.test_shipping_history_text import french  # noqa: F401 - fixture


def test_a_parcel_is_masculine_an_order_feminine(french):
    assert label("shipment_status", "delivered") == "Livré"
    assert label("shipment_status", "shipped") == "Expédié"
    assert label("fulfilment_status", "delivered") == "Livrée"
    assert label("fulfilment_status", "shipped") == "Expédiée"
    assert ("delivered", "Livré") in choices("shipment_status")


def test_english_has_one_word_for_both():
    token = current_locale.set("en")
    try:
        assert label("shipment_status", "delivered") == "Delivered"
        assert label("fulfilment_status", "delivered") == "Delivered"
    finally:
        current_locale.reset(token)
