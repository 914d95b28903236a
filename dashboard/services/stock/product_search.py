"""Finding a product, by SKU, barcode or name, accents and case ignored. No writes.

Names are matched folded (``domain.search.fold``: "mariniere" finds "Marinière"), which
neither engine does in SQL without extensions. So the catalogue's folded names are kept in
memory, per database, and re-read only when the catalogue changed (its row count, highest
id or latest ``updated_at`` moved): one small aggregate query per search instead of the
whole table. Exact SKU and barcode matches always come from SQL (indexed, never stale).
"""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.query.functions.aggregate import Count, Max

from dashboard.db.tables import Product, Stock
from dashboard.domain.search import holds_words, product_haystack, product_search_words

HITS = 8


@dataclass(frozen=True)
class _Folded:
    key: tuple
    entries: tuple[tuple[int, str, str, bool], ...]  # (id, sku, folded name and SKU, active)


_FOLDED: dict[str, _Folded] = {}


async def _folded_catalogue() -> tuple[tuple[int, str, str, bool], ...]:
    database = str(getattr(Product._meta.db, "config", {}) or id(Product._meta.db))
    [stamp] = await Product.select(Count(Product.id, alias="n"), Max(Product.id, alias="top"),
                                   Max(Product.updated_at, alias="changed"))
    key = (stamp["n"], stamp["top"], str(stamp["changed"]))
    cached = _FOLDED.get(database)
    if cached is None or cached.key != key:
        rows = await Product.select(Product.id, Product.sku, Product.name, Product.active)
        cached = _Folded(key, tuple((r["id"], r["sku"], product_haystack(r["name"], r["sku"]),
                                     bool(r["active"])) for r in rows))
        _FOLDED[database] = cached
    return cached.entries


async def product_ids_by_code(q: str, *, active_only: bool = False) -> list[int]:
    """Ids of the products whose SKU or barcode is exactly ``q`` (case ignored)."""
    term = " ".join((q or "").split())
    if not term:
        return []
    query = Product.select(Product.id).where(
        (Product.sku == term) | (Product.barcode == term)
        | (Product.sku == term.upper()) | (Product.barcode == term.upper()))
    if active_only:
        query = query.where(Product.active == True)  # noqa: E712
    return [r["id"] for r in await query]


async def product_ids_matching(q: str, *, min_word: int = 1, active_only: bool = False,
                               limit: int = 100) -> list[int]:
    """Ids of the products ``q`` names: its exact SKU or barcode (case ignored) first, then
    those whose folded name or SKU holds every word of ``q`` (words shorter than
    ``min_word`` make no name match), by SKU."""
    term = " ".join((q or "").split())
    if not term:
        return []
    exact = await product_ids_by_code(term, active_only=active_only)
    words = product_search_words(term, min_word)
    named: list[tuple[str, int]] = []
    if words:
        named = sorted((sku, pid) for pid, sku, haystack, active in await _folded_catalogue()
                       if (active or not active_only) and holds_words(haystack, words)
                       and pid not in exact)
    return (exact + [pid for _, pid in named])[:limit]


async def find_products(q: str, limit: int = HITS) -> list[dict]:
    """Products still sold matching ``q``: an exact SKU or barcode first, then SKU or name
    containing every word typed, accents ignored. Each hit carries ``available`` (on hand -
    reserved) and ``backordered``."""
    ids = await product_ids_matching(q, active_only=True, limit=limit)
    if not ids:
        return []
    found = {r["id"]: r for r in await Product.select(
        Product.id, Product.sku, Product.name, Product.barcode, Product.price, Product.currency,
        Product.backorder,
    ).where(Product.id.is_in(ids))}
    rows = [found[i] for i in ids if i in found]
    if rows:
        levels = await Stock.select(Stock.product, Stock.on_hand, Stock.reserved,
                                    Stock.backordered).where(
            Stock.product.is_in([r["id"] for r in rows]))
        by_product = {s["product"]: s for s in levels}
        for row in rows:
            level = by_product.get(row["id"], {"on_hand": 0, "reserved": 0, "backordered": 0})
            row["available"] = level["on_hand"] - level["reserved"]
            row["backordered"] = level["backordered"]
    return rows


async def first_hit(q: str) -> str:
    """What "Enter adds the first hit" adds: ``q`` itself when it is a SKU or barcode (a
    scanner is faster than the search), else the SKU of the first search hit, else ``q``
    (the caller then reports the unknown product)."""
    term = (q or "").strip()
    if not term or await Product.exists().where((Product.sku == term) | (Product.barcode == term)):
        return term
    hits = await find_products(term, limit=1)
    return hits[0]["sku"] if hits else term
