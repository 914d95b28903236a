"""The towns of each French postcode, read once from the committed Base Adresse Nationale
extract (``dashboard/data/fr-postcodes.tsv.gz``, see its NOTICE.md and
``scripts/update_postcodes.py``), and the postcode/town check of one address.

Only France is checked: other countries keep the shape check of ``domain/orders/addresses``.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dashboard.domain.orders.towns import Town, TownMatch, department, match_town

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "fr-postcodes.tsv.gz"
CHECKED_COUNTRIES = frozenset({"FR"})


@dataclass(frozen=True)
class PostcodeBook:
    towns: dict[str, tuple[Town, ...]]  # "69003" -> (Town("Lyon 3e Arrondissement", "LYON"),)
    departments: dict[str, tuple[Town, ...]]  # "69" -> every town of the Rhône


@lru_cache(maxsize=1)
def postcode_book(path: Path = DATA_FILE) -> PostcodeBook:
    """The whole list (35,000 rows, about 50 ms), read on first use and kept. A missing or
    damaged file is an installation error and raises (``OSError``, ``ValueError``)."""
    towns: dict[str, list[Town]] = {}
    departments: dict[str, dict[Town, None]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        header = next(handle).rstrip("\n")
        if header != "postcode\tcommune\tlabel":
            raise ValueError(f"{path}: unexpected header {header!r}")
        for line in handle:
            postcode, name, label = line.rstrip("\n").split("\t")
            town = Town(name, label)
            towns.setdefault(postcode, []).append(town)
            departments.setdefault(department(postcode), {})[town] = None
    return PostcodeBook(towns={p: tuple(t) for p, t in towns.items()},
                        departments={d: tuple(t) for d, t in departments.items()})


def town_match(country: str, postcode: str, city: str) -> TownMatch | None:
    """How ``city`` goes with ``postcode`` in ``country`` (see ``domain/orders/towns``), or
    None where we have no list of towns (any country but France)."""
    if country.strip().upper() not in CHECKED_COUNTRIES:
        return None
    book = postcode_book()
    postcode = "".join(postcode.split())
    return match_town(postcode, city, book.towns.get(postcode, ()),
                      book.departments.get(department(postcode), ()))
