#!/usr/bin/env python3
"""Rebuild dashboard/data/fr-postcodes.tsv.gz from the Base Adresse Nationale's postcodes.

The address check (dashboard/domain/orders/towns.py) needs, for each French postcode, the
communes it serves and their La Poste routing label ("libellé d'acheminement"). The
maintained source is the npm package ``codes-postaux`` (MIT, © Base Adresse Nationale:
IGN, DINUM, ANCT; built from INSEE's Code officiel géographique). Setup must not need npm,
so the few hundred KB we use are committed; refresh them now and then:

    npm pack codes-postaux                       # in a scratch folder, or download the tarball
    tar xzf codes-postaux-*.tgz                  # gives package/codes-postaux.json
    python3 scripts/update_postcodes.py package/codes-postaux.json

then run tests/domain/test_town_rules.py and commit the data file with the version in the message.
Only the standard library is used.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "dashboard" / "data" / "fr-postcodes.tsv.gz"
HEADER = "postcode\tcommune\tlabel"
_POSTCODE = re.compile(r"^\d{5}$")


def rows(entries: list[dict]) -> list[tuple[str, str, str]]:
    """(postcode, commune name, routing label), deduplicated and sorted. A label that ends
    with its own postcode ("SAINT CHAFFREY 05330") loses it: the postcode is written apart."""
    out = set()
    for entry in entries:
        postcode = str(entry["codePostal"]).strip()
        name = " ".join(str(entry["nomCommune"]).split())
        label = " ".join(str(entry["libelleAcheminement"]).split()).removesuffix(" " + postcode)
        if not _POSTCODE.match(postcode) or not name or "\t" in name + label:
            raise SystemExit(f"unexpected row: {entry!r}")
        out.add((postcode, name, label or name.upper()))
    return sorted(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="package/codes-postaux.json of the npm package")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    table = rows(json.loads(args.source.read_text(encoding="utf-8")))
    text = "\n".join([HEADER, *("\t".join(row) for row in table)]) + "\n"
    # mtime=0: the same source gives the same bytes, so git sees no change when nothing changed.
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                     filename="") as handle:
        handle.write(text.encode("utf-8"))
    postcodes = len({row[0] for row in table})
    print(f"{args.out}: {len(table)} rows, {postcodes} postcodes, {args.out.stat().st_size} bytes",
          file=sys.stderr)


if __name__ == "__main__":
    main()
