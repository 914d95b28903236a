"""Postcode and town must agree (no database, no data file): the forgiving comparison, the
refusal naming the postcode's towns, CEDEX, and how it reaches the address check and the
address edit rules. The towns are rows of the Base Adresse Nationale, copied here."""

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.orders.addresses import check_address
from dashboard.domain.orders.edits import validate_order_fields
from dashboard.domain.orders.towns import MAX_NAMED, Town, department, fold, match_town

PARIS_11 = (Town("Paris 11e Arrondissement", "PARIS"),)
PARIS_16 = (Town("Paris 16e Arrondissement", "PARIS 16"),)
LYON_3 = (Town("Lyon 3e Arrondissement", "LYON"),)
VILLEURBANNE = (Town("Villeurbanne", "VILLEURBANNE"),)
MARSEILLE_1 = (Town("Marseille 1er Arrondissement", "MARSEILLE"),)
MARSEILLE_13007 = (Town("Marseille 6e Arrondissement", "MARSEILLE 6EME"),
                   Town("Marseille 7e Arrondissement", "MARSEILLE"))
SAINT_DENIS_974 = (Town("Saint-Denis", "SAINT DENIS"),)
AJACCIO = (Town("Ajaccio", "AJACCIO"), Town("Lecci", "LECCI"))
CHAPELLE = (Town("La Chapelle-Saint-Luc", "LA CHAPELLE ST LUC"),)
ABERGEMENT = (Town("L'Abergement-Clémenciat", "L ABERGEMENT CLEMENCIAT"),)
CANJUERS = (Town("Montferrat", "CANJUERS CEDEX"),)
RHONE = LYON_3 + VILLEURBANNE + (Town("Lyon 7e Arrondissement", "LYON"),)


@pytest.mark.parametrize("postcode, city, towns, written", [
    ("75011", "Paris", PARIS_11, "PARIS"),
    ("75011", "paris 11e", PARIS_11, "PARIS"),
    ("75011", "Paris 11ème arrondissement", PARIS_11, "PARIS"),
    ("75011", "PARIS 11", PARIS_11, "PARIS"),
    ("75116", "Paris", PARIS_16, "PARIS 16"),
    ("69003", "Lyon 3e", LYON_3, "LYON"),
    ("69003", "LYON 03", LYON_3, "LYON"),
    ("69100", "Villeurbanne", VILLEURBANNE, "VILLEURBANNE"),
    ("13001", "Marseille", MARSEILLE_1, "MARSEILLE"),
    ("13001", "marseille 1er", MARSEILLE_1, "MARSEILLE"),
    ("13007", "Marseille", MARSEILLE_13007, "MARSEILLE"),  # the label typed, not the first
    ("13007", "Marseille 6e", MARSEILLE_13007, "MARSEILLE 6EME"),
    ("97400", "Saint-Denis", SAINT_DENIS_974, "SAINT DENIS"),
    ("97400", "St Denis", SAINT_DENIS_974, "SAINT DENIS"),
    ("97400", "ST-DENIS", SAINT_DENIS_974, "SAINT DENIS"),
    ("20000", "Ajaccio", AJACCIO, "AJACCIO"),
    ("20000", "lecci", AJACCIO, "LECCI"),
    ("10600", "La Chapelle-Saint-Luc", CHAPELLE, "LA CHAPELLE ST LUC"),
    ("10600", "la chapelle st luc", CHAPELLE, "LA CHAPELLE ST LUC"),  # the routing label
    ("01400", "L’Abergement Clemenciat", ABERGEMENT, "L ABERGEMENT CLEMENCIAT"),
    ("69003", "Lyon Cedex 03", LYON_3, "LYON CEDEX 03"),
    ("83998", "Montferrat", CANJUERS, "CANJUERS CEDEX"),
    ("83998", "Canjuers Cedex", CANJUERS, "CANJUERS CEDEX"),  # CEDEX once, not twice
])
def test_the_town_agrees_however_it_is_written(postcode, city, towns, written):
    match = match_town(postcode, city, towns)
    assert match.problem is None
    assert match.city == written


def test_a_town_of_another_postcode_is_refused_naming_the_postcodes_towns():
    match = match_town("69003", "Villeurbanne", LYON_3)
    assert match.city is None
    assert match.problem == "Postcode 69003 is for Lyon 3e, not Villeurbanne."
    assert match.problem.template == "Postcode %(postcode)s is for %(towns)s, not %(city)s."
    assert match_town("20000", "Bastia", AJACCIO).problem == (
        "Postcode 20000 is for Ajaccio, Lecci, not Bastia.")
    assert match_town("69100", "Lyon", VILLEURBANNE).problem is not None


def test_the_wrong_arrondissement_is_refused():
    assert match_town("75011", "Paris 12e", PARIS_11).problem == (
        "Postcode 75011 is for Paris 11e, not Paris 12e.")
    assert match_town("13001", "Marseille 2e", MARSEILLE_1).problem is not None
    # A number after a town without arrondissements is not forgiven.
    assert match_town("69100", "Villeurbanne 3e", VILLEURBANNE).problem is not None


def test_a_long_list_of_towns_is_cut():
    towns = tuple(Town(f"Commune {i}", f"COMMUNE {i}") for i in range(MAX_NAMED + 3))
    problem = match_town("01400", "Paris", towns).problem
    assert "Commune 5" in problem and "Commune 6" not in problem and ", …, not Paris" in problem


def test_a_postcode_nobody_has_is_named():
    match = match_town("69999", "Lyon", ())
    assert match.problem == "No town has the postcode 69999."
    assert match.problem.values == {"postcode": "69999"}


def test_a_cedex_postcode_outside_the_list_is_checked_against_its_departement():
    assert match_town("69441", "Lyon Cedex 03", (), RHONE).city == "LYON CEDEX 03"
    assert match_town("69441", "LYON CEDEX", (), RHONE).city == "LYON CEDEX"
    refused = match_town("69441", "Marseille Cedex 01", (), RHONE).problem
    assert refused == "Marseille Cedex 01 is not in the département of postcode 69441."
    # Without CEDEX, the département does not vouch for an unknown postcode.
    assert match_town("69441", "Lyon", (), RHONE).problem == "No town has the postcode 69441."


def test_an_empty_city_or_postcode_is_left_to_the_required_rule():
    assert match_town("69003", "", LYON_3).problem is None
    assert match_town("", "Lyon", ()).problem is None


def test_folding_and_departements():
    assert fold("  Saint-Étienne ") == fold("ST ETIENNE") == "SAINT ETIENNE"
    assert fold("Sainte-Foy-lès-Lyon") == fold("ste foy les lyon")
    assert (department("69003"), department("20000"), department("97400")) == ("69", "20", "974")


LYON = {"line1": "12 rue des Lilas", "postal_code": "69003", "city": "Villeurbanne",
        "country": "FR"}


def test_the_address_check_names_the_disagreement_on_the_city():
    check = check_address(LYON, match_town("69003", "Villeurbanne", LYON_3))
    assert not check.valid and check.normalised is None
    assert check.problems == {"city": "Postcode 69003 is for Lyon 3e, not Villeurbanne."}
    # A postcode of the wrong shape is named alone: the town cannot be judged by it.
    short = check_address({**LYON, "postal_code": "6900"}, match_town("6900", "Villeurbanne", ()))
    assert set(short.problems) == {"postal_code"}


def test_the_address_check_gives_the_posts_spelling_and_the_postcode_without_space():
    address = {**LYON, "postal_code": "75 011", "city": "Paris 11e"}
    check = check_address(address, match_town("75011", "Paris 11e", PARIS_11))
    assert check.valid
    assert check.differences(address) == {"postal_code": ("75 011", "75011"),
                                          "city": ("Paris 11e", "PARIS")}
    # Without a list of towns (other countries), the library's form stays.
    assert check_address({**LYON, "city": "lyon"}).normalised["city"] == "LYON"


def _shipping(**changes) -> dict:
    values = {"ship_name": "Anne Martin", "ship_line1": "12 rue des Lilas",
              "ship_postal_code": "69003", "ship_city": "Villeurbanne", "ship_country": "FR"}
    return {**values, **changes}


def test_an_address_edit_is_refused_on_the_city_when_the_town_disagrees():
    with pytest.raises(ValidationFailed) as refused:
        validate_order_fields("shipping", _shipping(),
                              match_town("69003", "Villeurbanne", LYON_3))
    assert refused.value.fields == {"ship_city": "Postcode 69003 is for Lyon 3e, not Villeurbanne."}
    validate_order_fields("shipping", _shipping(ship_city="Lyon"), match_town("69003", "Lyon", LYON_3))
    # A wrong postcode is named on the postcode only.
    with pytest.raises(ValidationFailed) as shape:
        validate_order_fields("shipping", _shipping(ship_postal_code="6900"),
                              match_town("6900", "Villeurbanne", ()))
    assert set(shape.value.fields) == {"ship_postal_code"}
