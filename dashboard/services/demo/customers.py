"""Demo customers: mostly French, some Belgian, German, Italian and Spanish.

Faker (seeded) gives pools of first names, last names and street names per country; the
customers are combined from those pools with the loader's own random generator, which is
fast enough for tens of thousands of customers and deterministic for a seed. Post codes and
cities come in real pairs, so addresses look right on a label.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from faker import Faker

from dashboard.domain.search import customer_search_text, fold, order_search_text

# country -> (Faker locale, share of customers, UI/e-mail locale, e-mail domains, phone prefix, digits)
COUNTRIES = {
    "FR": ("fr_FR", 78, "fr", ("orange.fr", "gmail.com", "free.fr", "laposte.net", "sfr.fr", "wanadoo.fr",
                               "hotmail.fr", "yahoo.fr", "outlook.fr"), ("+336", "+337"), 8),
    "BE": ("fr_BE", 7, "fr", ("skynet.be", "gmail.com", "telenet.be", "proximus.be"), ("+3247", "+3249"), 7),
    "DE": ("de_DE", 6, "en", ("web.de", "gmx.de", "gmail.com", "t-online.de"), ("+49151", "+49170"), 8),
    "IT": ("it_IT", 5, "en", ("libero.it", "gmail.com", "virgilio.it", "tiscali.it"), ("+39333", "+39347"), 7),
    "ES": ("es_ES", 4, "en", ("gmail.com", "hotmail.es", "telefonica.net", "yahoo.es"), ("+346",), 8),
}

# Real post code / city (/ region) pairs; Paris and big cities weigh more.
CITIES = {
    "FR": [("75011", "Paris", 6), ("75015", "Paris", 5), ("75018", "Paris", 4), ("75003", "Paris", 3),
           ("69003", "Lyon", 4), ("69100", "Villeurbanne", 2), ("13006", "Marseille", 4),
           ("31000", "Toulouse", 3), ("33000", "Bordeaux", 3), ("44000", "Nantes", 3), ("59000", "Lille", 3),
           ("67000", "Strasbourg", 2), ("35000", "Rennes", 2), ("34000", "Montpellier", 2), ("06000", "Nice", 2),
           ("21000", "Dijon", 1), ("37000", "Tours", 1), ("49000", "Angers", 1), ("29200", "Brest", 1),
           ("76000", "Rouen", 1), ("14000", "Caen", 1), ("63000", "Clermont-Ferrand", 1),
           ("38000", "Grenoble", 2), ("87000", "Limoges", 1), ("64000", "Pau", 1), ("17000", "La Rochelle", 1),
           ("56000", "Vannes", 1), ("80000", "Amiens", 1), ("51100", "Reims", 1), ("45000", "Orléans", 1),
           ("86000", "Poitiers", 1), ("25000", "Besançon", 1), ("57000", "Metz", 1), ("54000", "Nancy", 1),
           ("30000", "Nîmes", 1), ("84000", "Avignon", 1), ("66000", "Perpignan", 1), ("74000", "Annecy", 1),
           ("73000", "Chambéry", 1), ("42000", "Saint-Étienne", 1), ("92100", "Boulogne-Billancourt", 2),
           ("93100", "Montreuil", 2), ("94300", "Vincennes", 1), ("78000", "Versailles", 1),
           ("13100", "Aix-en-Provence", 1), ("83000", "Toulon", 1), ("72000", "Le Mans", 1),
           ("11000", "Carcassonne", 1), ("24000", "Périgueux", 1), ("46000", "Cahors", 1)],
    "BE": [("1000", "Bruxelles", 4), ("1050", "Ixelles", 2), ("4000", "Liège", 2), ("5000", "Namur", 1),
           ("1348", "Louvain-la-Neuve", 1), ("6000", "Charleroi", 1), ("7000", "Mons", 1)],
    "DE": [("10115", "Berlin", 4), ("80331", "München", 3), ("20095", "Hamburg", 3), ("50667", "Köln", 2),
           ("60311", "Frankfurt am Main", 2), ("70173", "Stuttgart", 1), ("04109", "Leipzig", 1),
           ("28195", "Bremen", 1), ("01067", "Dresden", 1), ("79098", "Freiburg im Breisgau", 1)],
    "IT": [("00184", "Roma|RM", 4), ("20121", "Milano|MI", 4), ("10121", "Torino|TO", 2),
           ("50122", "Firenze|FI", 2), ("40121", "Bologna|BO", 1), ("80133", "Napoli|NA", 1),
           ("16121", "Genova|GE", 1), ("37121", "Verona|VR", 1)],
    "ES": [("28013", "Madrid|Madrid", 4), ("08002", "Barcelona|Barcelona", 4), ("46002", "Valencia|Valencia", 2),
           ("41001", "Sevilla|Sevilla", 1), ("48001", "Bilbao|Bizkaia", 1), ("29015", "Málaga|Málaga", 1),
           ("50001", "Zaragoza|Zaragoza", 1)],
}

LINE2 = {"FR": ("Bâtiment B", "Appartement 12", "3e étage, porte gauche", "Résidence Les Tilleuls",
                "Chez Mme Durand", "BP 42"),
         "BE": ("Boîte 3", "2e étage"), "DE": ("Hinterhaus", "c/o Müller"), "IT": ("Scala B", "Interno 5"),
         "ES": ("2º B", "Piso 3, puerta 1")}

COMPANIES = ("Atelier Lumière SARL", "Boutique Les Capucines", "Maison Verdier & Fils", "Hôtel du Parc",
             "Café des Arts", "Studio Graphique Ondine", "Librairie La Page", "Cabinet Rousseau")

POOL = 250


@dataclass(eq=False)
class Customer:
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    company: str
    locale: str
    country: str
    # Shipping/billing snapshot of the default address, in Order column order.
    address: tuple
    search_tail: str  # folded "name email phone postcode" that follows the number in an order's search text


class CustomerPool:
    """The customers orders are drawn from; a few loyal customers order often."""

    def __init__(self, customers: list[Customer]) -> None:
        self.customers = customers
        self._cum = list(accumulate(1.0 / (1 + i) ** 0.6 for i in range(len(customers))))

    def pick(self, rng: random.Random) -> Customer:
        return self.customers[bisect(self._cum, rng.random() * self._cum[-1])]


def _pools(seed: int) -> dict[str, dict[str, list[str]]]:
    pools = {}
    for country, (faker_locale, *_rest) in COUNTRIES.items():
        fake = Faker(faker_locale)
        fake.seed_instance(seed)
        pools[country] = {
            "female": [fake.first_name_female() for _ in range(POOL)],
            "male": [fake.first_name_male() for _ in range(POOL)],
            "last": [fake.last_name() for _ in range(POOL)],
            "street": [fake.street_name() for _ in range(POOL)],
        }
    return pools


def _street_line(country: str, street: str, number: int) -> str:
    if country == "FR":
        return f"{number} {street}"
    if country == "ES":
        return f"{street}, {number}"
    return f"{street} {number}"


def _email_local(first: str, last: str, rng: random.Random) -> str:
    first, last = fold(first).replace(" ", "-"), fold(last).replace(" ", "")
    style = rng.random()
    if style < 0.5:
        local = f"{first}.{last}"
    elif style < 0.7:
        local = f"{first[0]}{last}"
    elif style < 0.85:
        local = f"{first}{last}{rng.randint(1, 99)}"
    else:
        local = f"{first}.{last}{rng.randint(1960, 2005)}"
    return "".join(ch for ch in local if ch.isalnum() or ch in ".-")


def build_customers(rng: random.Random, seed: int, count: int, first_id: int,
                    first_address_id: int, before: datetime) -> tuple[CustomerPool, list[tuple], list[tuple]]:
    """``count`` customers with their addresses; returns the pool and the customer and address rows."""
    pools = _pools(seed)
    countries = list(COUNTRIES)
    country_cum = list(accumulate(COUNTRIES[c][1] for c in countries))
    city_cum = {c: list(accumulate(w for *_x, w in CITIES[c])) for c in countries}
    customers: list[Customer] = []
    customer_rows: list[tuple] = []
    address_rows: list[tuple] = []
    emails: set[str] = set()
    address_id = first_address_id
    for index in range(count):
        country = countries[bisect(country_cum, rng.random() * country_cum[-1])]
        _faker_locale, _share, locale, domains, prefixes, digits = COUNTRIES[country]
        pool = pools[country]
        first = rng.choice(pool["female"] if rng.random() < 0.58 else pool["male"])
        last = rng.choice(pool["last"])
        email = f"{_email_local(first, last, rng)}@{rng.choice(domains)}"
        while email in emails:
            email = email.replace("@", f"{rng.randint(1, 9)}@", 1)
        emails.add(email)
        phone = rng.choice(prefixes) + "".join(str(rng.randint(0, 9)) for _ in range(digits))
        company = rng.choice(COMPANIES) if rng.random() < 0.04 else ""
        cities = CITIES[country]
        postal_code, city, _w = cities[bisect(city_cum[country], rng.random() * city_cum[country][-1])]
        city, _, region = city.partition("|")
        line1 = _street_line(country, rng.choice(pool["street"]), rng.randint(1, 180))
        line2 = rng.choice(LINE2[country]) if rng.random() < 0.15 else ""
        name = f"{first} {last}"
        created = before - timedelta(days=rng.uniform(1, 900), seconds=rng.randint(0, 86_399))
        customer_id = first_id + index
        customers.append(Customer(
            id=customer_id, first_name=first, last_name=last, email=email, phone=phone,
            company=company, locale=locale, country=country,
            address=(name, company, line1, line2, postal_code, city, region, country),
            search_tail=order_search_text(name, email, phone, postal_code),
        ))
        search = customer_search_text({"first_name": first, "last_name": last, "company": company,
                                       "email": email, "phone": phone}, [postal_code])
        customer_rows.append((customer_id, email, first, last, phone, company, locale, "", search,
                              created, created, 1))
        address_rows.append((address_id, customer_id, name, company, line1, line2, postal_code, city,
                             region, country, phone, "both", None, created))
        address_id += 1
        if rng.random() < 0.08:  # a second address: the office, the holiday home...
            other_postal, other_city, _w = rng.choice(cities)
            other_city, _, other_region = other_city.partition("|")
            address_rows.append((address_id, customer_id, name, "", _street_line(
                country, rng.choice(pool["street"]), rng.randint(1, 120)), "", other_postal, other_city,
                other_region, country, phone, "", None, created))
            address_id += 1
    return CustomerPool(customers), customer_rows, address_rows


CUSTOMER_COLUMNS = ("id", "email", "first_name", "last_name", "phone", "company", "locale", "notes",
                    "search_text", "created_at", "updated_at", "version")
ADDRESS_COLUMNS = ("id", "customer", "name", "company", "line1", "line2", "postal_code", "city", "region",
                   "country", "phone", "is_default", "verified_at", "created_at")
