"""Finding a product to sell, by SKU, barcode or name, with its live stock. No writes."""

from __future__ import annotations

from dashboard.db.tables import Product, Stock
from dashboard.db.transaction import is_sqlite

HITS = 8


async def find_products(q: str, limit: int = HITS) -> list[dict]:
    """Products still sold matching ``q``: an exact SKU or barcode first, then SKU or name
    containing it. Each hit carries ``available`` (on hand - reserved) and ``backordered``."""
    term = " ".join((q or "").split())
    if not term:
        return []
    like = f"%{term}%"
    # SQLite's LIKE is already case-insensitive (ASCII); PostgreSQL needs ILIKE.
    match = (lambda c: c.like(like)) if is_sqlite() else (lambda c: c.ilike(like))
    rows = await Product.select(
        Product.id, Product.sku, Product.name, Product.barcode, Product.price, Product.currency,
        Product.backorder,
    ).where(Product.active == True).where(  # noqa: E712 - Piccolo needs the comparison
        (Product.sku == term) | (Product.barcode == term) | match(Product.sku) | match(Product.name)
    ).order_by(Product.sku).limit(limit * 4)
    exact = [r for r in rows if term in (r["sku"], r["barcode"])]
    rows = (exact + [r for r in rows if r not in exact])[:limit]
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
