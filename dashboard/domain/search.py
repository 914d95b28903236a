"""How search text is normalised, so "Hélène" finds "helene" and "HELENE"."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced: the form stored in ``search_text`` columns."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def order_search_text(*parts: str | None) -> str:
    """The searchable text of an order: number, customer name, email, phone, postcodes."""
    return fold(" ".join(p for p in parts if p))
