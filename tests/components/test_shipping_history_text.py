"""The order screen tells shipping changes in the reader's language: the method, the price
(kept, or old → new) and the reason; events from before prices were recorded still read."""

import pytest

from dashboard.components.history_text import event_text
from dashboard.components.i18n import current_locale


@pytest.fixture
def french():
    token = current_locale.set("fr")
    yield
    current_locale.reset(token)


def spaces(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_a_method_change_tells_whether_the_price_was_kept(french):
    kept = {"kind": "order.shipping_method_changed", "summary": "x",
            "data": {"before": "carrier", "after": "click_and_collect", "price_before": 0,
                     "price_after": 0, "choice": "keep", "reason": ""}}
    assert spaces(event_text(kept)) == ("Mode de livraison : Transporteur → Retrait en magasin"
                                        " · frais de port convenus conservés (0,00 €)")
    listed = {**kept, "data": {**kept["data"], "before": "click_and_collect",
                               "after": "carrier", "price_after": 590, "choice": "list"}}
    assert "frais de port 0,00 € → 5,90 €" in spaces(event_text(listed))


def test_a_price_by_hand_tells_its_reason(french):
    event = {"kind": "order.shipping_price_changed", "summary": "x",
             "data": '{"before": "carrier", "after": "carrier", "price_before": 590,'
                     ' "price_after": 350, "choice": "manual", "reason": "geste commercial"}'}
    assert spaces(event_text(event)) == ("Frais de port : 5,90 € → 3,50 € · "
                                         "motif : geste commercial")


def test_an_older_method_change_without_prices_still_reads(french):
    event = {"kind": "order.shipping_method_changed", "summary": "old",
             "data": {"before": "carrier", "after": "click_and_collect",
                      "shipping_total": 0}}
    assert event_text(event) == "Mode de livraison : Transporteur → Retrait en magasin"
