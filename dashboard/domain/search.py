"""How search text is normalised, so "Hélène" finds "helene" and "HELENE"."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced: the form stored in ``search_text`` columns."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def product_haystack(name: str, sku: str) -> str:
    """What a product's name search looks in: its name and SKU, folded."""
    return fold(f"{name} {sku}")


def product_search_words(q: str, min_word: int = 1) -> tuple[str, ...]:
    """The folded words a product name must all hold; none when a word is shorter than
    ``min_word`` (the orders search wants 3+ characters, the product picker any)."""
    words = tuple(fold(q).split())
    return words if words and all(len(w) >= min_word for w in words) else ()


def holds_words(haystack: str, words: tuple[str, ...]) -> bool:
    return bool(words) and all(word in haystack for word in words)


def _phone_digits(part: str) -> str:
    """A phone number's bare digits, so any spacing of it ("06 12 34", "+33 6 12") finds it."""
    digits = "".join(ch for ch in part if ch.isdigit())
    return digits if len(digits) >= 8 and digits != part else ""


def customer_search_text(customer: Mapping, postcodes: list[str]) -> str:
    """Name, company, email, phone (also as bare digits) and the address book's postcodes,
    folded: the customer search of the orders workspace and the phone desk."""
    phone = str(customer.get("phone") or "")
    digits = "".join(ch for ch in phone if ch.isdigit())
    return fold(" ".join(str(p) for p in (customer.get("first_name"), customer.get("last_name"),
                                          customer.get("company"), customer.get("email"), phone,
                                          digits, *postcodes) if p))


def order_search_text(*parts: str | None) -> str:
    """The searchable text of an order: number, customer name, email, phone, postcodes.

    Phone numbers are also stored as bare digits (see the orders list search)."""
    present = [str(p) for p in parts if p]
    return fold(" ".join(present + [d for p in present if (d := _phone_digits(p))]))
