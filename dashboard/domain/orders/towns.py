"""Do a French postcode and the town written next to it agree?

A postcode of the right shape can still be wrong: "69003 Villeurbanne" reaches Lyon, or
nobody. The post sorts by postcode and delivers by town, so both must name the same place.
The towns of each postcode come from the Base Adresse Nationale (loaded by
``services/orders/postcodes.py``); this module only compares, forgiving the ways people
write a town: case, accents, hyphens and apostrophes, "St"/"Ste" for "Saint"/"Sainte", a
trailing "CEDEX 03", an arrondissement of Paris, Lyon or Marseille written or not
("Paris", "Paris 11e", "Paris 11ème arrondissement"), and the routing label of the post
("LA CHAPELLE ST LUC") as well as the commune's name ("La Chapelle-Saint-Luc").

A CEDEX postcode belongs to one firm or administration and is not in the public list: for
a CEDEX address we can only check that its town is in the postcode's département.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from dashboard.domain.numbers import N_, Message

# How many towns a refusal names: a rural postcode can serve thirty communes.
MAX_NAMED = 6

NOT_ITS_TOWN = N_("Postcode %(postcode)s is for %(towns)s, not %(city)s.")
NO_SUCH_POSTCODE = N_("No town has the postcode %(postcode)s.")
NOT_IN_DEPARTMENT = N_("%(city)s is not in the département of postcode %(postcode)s.")

_ABBREVIATIONS = {"ST": "SAINT", "STE": "SAINTE"}
_CEDEX = re.compile(r"^(.*?)\s+CEDEX(?:\s+(\d{1,3}))?$")
_DISTRICT = re.compile(r"^(PARIS|LYON|MARSEILLE)(?: 0?(\d{1,2}) ?(?:E|ER|EME|ERE)?(?: ARRONDISSEMENT)?)?$")


@dataclass(frozen=True)
class Town:
    """One commune a postcode serves: its name ("Lyon 3e Arrondissement") and the routing
    label the post prints ("LYON")."""

    name: str
    label: str


@dataclass(frozen=True)
class TownMatch:
    """``problem``: why the town does not go with the postcode (None when it does);
    ``city``: the town as the post writes it, CEDEX kept ("LYON CEDEX 03"), when it does."""

    problem: Message | None = None
    city: str | None = None


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """"Saint-Étienne", "ST ETIENNE", "st-étienne " -> "SAINT ETIENNE"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = re.sub(r"[^0-9A-Z]+", " ", plain.upper()).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def _place(folded: str) -> tuple[str, int | None]:
    """(town, arrondissement or None): "PARIS 11E ARRONDISSEMENT" -> ("PARIS", 11)."""
    district = _DISTRICT.match(folded)
    if district:
        return district.group(1), int(district.group(2)) if district.group(2) else None
    return folded, None


def _without_cedex(city: str) -> tuple[str, str]:
    """("LYON", " CEDEX 03") from "Lyon Cedex 03"; ("LYON", "") without CEDEX."""
    folded = fold(city)
    cedex = _CEDEX.match(folded)
    if not cedex:
        return folded, ""
    return cedex.group(1), " CEDEX" + (f" {cedex.group(2)}" if cedex.group(2) else "")


def _agrees(typed: tuple[str, int | None], town: Town) -> bool:
    name = _place(fold(town.name))
    if name[1] is not None:  # an arrondissement: the city, and the right number if given
        return typed[0] == name[0] and typed[1] in (None, name[1])
    return typed[1] is None and typed[0] in (name[0], _without_cedex(town.label)[0])


def _short(town: Town) -> str:
    """"Lyon 3e Arrondissement" -> "Lyon 3e": how a refusal names a town."""
    return town.name.removesuffix(" Arrondissement")


def department(postcode: str) -> str:
    """The département part of a postcode: two digits, three overseas ("974")."""
    return postcode[:3] if postcode.startswith("97") or postcode.startswith("98") else postcode[:2]


def match_town(postcode: str, city: str, towns: Sequence[Town],
               department_towns: Sequence[Town] = ()) -> TownMatch:
    """Whether ``city`` is one of ``towns``, the towns of ``postcode`` (none when the
    postcode is not in the list), and how the post writes it.

    ``department_towns`` (the towns of the postcode's département) are consulted only for
    a CEDEX address whose postcode is not in the list. An empty city or postcode is left
    to the required-field rules (no problem here).
    """
    postcode, city = postcode.strip(), " ".join(city.split())
    if not postcode or not city:
        return TownMatch()
    typed, cedex = _without_cedex(city)
    place = _place(typed)
    candidates = list(towns) or (list(department_towns) if cedex else [])
    matching = [town for town in candidates if _agrees(place, town)]
    if matching:
        # Several towns of the postcode may match "Marseille" (13007 serves two
        # arrondissements, labelled "MARSEILLE 6EME" and "MARSEILLE"): prefer the label typed.
        best = next((t for t in matching if fold(t.label) == typed), matching[0])
        # A few labels carry CEDEX already ("CANJUERS CEDEX"): not twice.
        return TownMatch(city=best.label + ("" if _without_cedex(best.label)[1] else cedex))
    if towns:
        names = list(dict.fromkeys(_short(t) for t in towns))
        named = ", ".join(names[:MAX_NAMED]) + (", …" if len(names) > MAX_NAMED else "")
        return TownMatch(problem=Message(NOT_ITS_TOWN, postcode=postcode, towns=named, city=city))
    if cedex:
        return TownMatch(problem=Message(NOT_IN_DEPARTMENT, postcode=postcode, city=city))
    return TownMatch(problem=Message(NO_SUCH_POSTCODE, postcode=postcode))
