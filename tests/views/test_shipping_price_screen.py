"""The shipping form of the order screen: it shows the agreed price, the new method's list
price and what saving would do; refusals come back in French next to their field (422);
the history tells the old and new price and the reason; only the order desk's roles reach it."""

import html
import re

import pytest

from dashboard.db.tables import Order
from tests.factories import make_order, order

HX = {"HX-Request": "true"}


def text(page: str) -> str:
    """The page's words, spaces of any kind folded (French money has narrow spaces)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).replace(
        "\u202f", " ").replace("\xa0", " ").split())


def form(o: dict, **values) -> dict:
    return {"before__shipping_method": o["shipping_method"],
            "before__shipping_total": str(o["shipping_total"]),
            "shipping_method": o["shipping_method"], "price_choice": "keep",
            "shipping_price": "", "shipping_reason": ""} | values


async def test_the_screen_shows_the_agreed_price_and_the_choices_in_french(login_as):
    http = await login_as("call_centre", locale="fr")
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0)
    page = await http.get(f"/orders/{o['number']}")
    words = text(page.text)
    assert "Frais de port convenus : 0,00 € (Transporteur)" in words
    assert "Garder le prix convenu : 0,00 €" in words
    assert "Appliquer le tarif Transporteur : 5,90 €" in words
    assert "Saisir un prix à la main, avec un motif" in words
    assert 'id="price-keep" name="price_choice" value="keep" class="preview-field" checked' in page.text


async def test_the_preview_shows_the_new_price_before_saving(login_as):
    http = await login_as("call_centre", locale="fr")
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0, shipping_method="click_and_collect")
    url = f"/orders/{o['number']}/changes/shipping"
    kept = await http.get(url, headers=HX, params={"shipping_method": "carrier",
                                                   "price_choice": "keep"})
    assert kept.status_code == 200 and "<html" not in kept.text
    words = text(kept.text)
    assert "Appliquer le tarif Transporteur : 5,90 €" in words
    assert "frais de port 0,00 € → 0,00 €, total de la commande 10,00 €" in words
    listed = await http.get(url, headers=HX, params={"shipping_method": "carrier",
                                                     "price_choice": "list"})
    assert "frais de port 0,00 € → 5,90 €, total de la commande 15,90 €" in text(listed.text)
    assert "Le client devra 15,90 €" in text(listed.text)
    wrong = await http.get(url, headers=HX, params={"price_choice": "manual",
                                                    "shipping_price": "abc"})
    assert "Saisissez un montant en chiffres, par exemple 12,50." in text(wrong.text)
    assert (await order(o["number"]))["version"] == o["version"]


async def test_away_and_back_with_keep_leaves_the_price(login_as):
    http = await login_as("call_centre", locale="fr")
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0)
    url = f"/orders/{o['number']}/changes/shipping"
    away = await http.post(url, headers=HX, data=form(o, shipping_method="click_and_collect"))
    assert away.status_code == 200 and "Livraison modifiée" in away.text
    now = await order(o["number"])
    back = await http.post(url, headers=HX, data=form(now, shipping_method="carrier"))
    assert back.status_code == 200
    now = await order(o["number"])
    assert (now["shipping_method"], now["shipping_total"], now["total"]) == ("carrier", 0, 1000)
    words = text(back.text)
    assert ("Mode de livraison : Retrait en magasin → Transporteur · "
            "frais de port convenus conservés (0,00 €)") in words


async def test_a_manual_price_is_told_in_the_history_with_its_reason(login_as):
    http = await login_as("call_centre", locale="fr")
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=590)
    saved = await http.post(f"/orders/{o['number']}/changes/shipping", headers=HX,
                            data=form(o, price_choice="manual", shipping_price="3,50",
                                      shipping_reason="geste commercial"))
    assert saved.status_code == 200
    assert ("Frais de port : 5,90 € → 3,50 € · motif : geste commercial"
            in text(saved.text))
    assert (await order(o["number"]))["total"] == 1350


@pytest.mark.parametrize("typed, reason, field_id, message", [
    ("3,50", "", "shipping-reason-error",
     "Indiquez pourquoi les frais de port sont saisis à la main."),
    ("abc", "geste", "shipping-manual-error",
     "Saisissez un montant en chiffres, par exemple 12,50."),
    ("1e9", "geste", "shipping-manual-error",
     "Saisissez un montant en chiffres, par exemple 12,50."),
    ("-5", "geste", "shipping-manual-error", "Le montant ne peut pas être négatif."),
])
async def test_refusals_come_back_in_french_next_to_the_field(login_as, typed, reason,
                                                              field_id, message):
    http = await login_as("call_centre", locale="fr")
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0)
    refused = await http.post(f"/orders/{o['number']}/changes/shipping", headers=HX,
                              data=form(o, shipping_method="click_and_collect",
                                        price_choice="manual", shipping_price=typed,
                                        shipping_reason=reason))
    assert refused.status_code == 422
    shown = re.search(rf'<p class="error" id="{field_id}">([^<]*)</p>', refused.text)
    assert shown and html.unescape(shown.group(1)) == message
    # What the agent typed stays, the choice too, and nothing was written.
    assert f'value="{typed}"' in refused.text
    assert 'value="manual" class="preview-field" checked' in refused.text
    assert 'value="click_and_collect" selected' in refused.text
    now = await order(o["number"])
    assert (now["shipping_method"], now["shipping_total"], now["version"]) == (
        "carrier", 0, o["version"])


async def test_a_stale_form_is_refused_with_what_changed(login_as):
    http = await login_as("call_centre", locale="fr")
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0)
    await Order.update({Order.shipping_total: 590}).where(Order.id == o["id"])
    stale = await http.post(f"/orders/{o['number']}/changes/shipping", headers=HX,
                            data=form(o, shipping_method="click_and_collect"))
    assert stale.status_code == 422
    words = text(stale.text)
    assert "Quelqu'un d'autre a modifié ceci pendant que vous le modifiiez." in words
    assert "Frais de port : vous aviez « 0,00 EUR », c'est maintenant « 5,90 EUR »" in words


async def test_a_method_changed_meanwhile_is_named_not_coded(login_as):
    http = await login_as("call_centre", locale="fr")
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0)
    await Order.update({Order.shipping_method: "click_and_collect"}).where(Order.id == o["id"])
    stale = await http.post(f"/orders/{o['number']}/changes/shipping", headers=HX,
                            data=form(o, shipping_method="click_and_collect"))
    assert stale.status_code == 422
    words = text(stale.text)
    assert ("vous aviez « Transporteur », c'est maintenant « Retrait en magasin »" in words), words
    assert "click_and_collect" not in words.split("Quelqu'un d'autre")[1].split("Recharger")[0]


async def test_without_htmx_a_save_redirects_and_a_refusal_is_the_whole_page(login_as):
    http = await login_as("back_office")
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0)
    url = f"/orders/{o['number']}/changes/shipping"
    saved = await http.post(url, data=form(o, price_choice="manual", shipping_price="2.00",
                                           shipping_reason="carton abîmé"),
                            follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == f"/orders/{o['number']}"
    now = await order(o["number"])
    refused = await http.post(url, data=form(now, price_choice="manual", shipping_price="x",
                                             shipping_reason="r"))
    assert refused.status_code == 422 and "<html" in refused.text
    assert "Type an amount in digits, such as 12.50." in refused.text
    assert (await order(o["number"]))["shipping_total"] == 200


@pytest.mark.parametrize("role", ["call_centre", "back_office", "dispatch", "admin"])
async def test_the_order_desk_roles_may_change_the_shipping_price(login_as, role):
    http = await login_as(role)
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0)
    saved = await http.post(f"/orders/{o['number']}/changes/shipping", headers=HX,
                            data=form(o, price_choice="manual", shipping_price="1.00",
                                      shipping_reason="test"))
    assert saved.status_code == 200
    assert (await order(o["number"]))["shipping_total"] == 100


async def test_a_picker_reaches_neither_the_preview_nor_the_save(login_as):
    http = await login_as("picker")
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0)
    url = f"/orders/{o['number']}/changes/shipping"
    assert (await http.get(url, headers=HX)).status_code == 403
    refused = await http.post(url, headers=HX, data=form(o, shipping_method="click_and_collect",
                                                         price_choice="list"))
    assert refused.status_code == 403
    assert (await order(o["number"]))["shipping_method"] == "carrier"
