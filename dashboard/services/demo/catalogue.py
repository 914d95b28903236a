"""The demo shop's catalogue: about 200 products of a French clothing and home shop.

Families are declared as data (name, SKU stem, colours, sizes, price, VAT) and expanded into
one product per variant, each with a GS1 France EAN-13, a bin location and a stock policy.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate

from dashboard.domain.stock import ean13

# GS1 France prefix 376 + a made-up company number; the 5 digits after it number the items.
COMPANY_PREFIX = "3760123"

S = ("S", "M", "L", "XL")


@dataclass(frozen=True)
class Family:
    name: str
    stem: str
    aisle: str
    price: int
    vat_bp: int = 2000
    colours: tuple[tuple[str, str], ...] = ()
    sizes: tuple[str, ...] = ()
    weight: int = 300
    backorder: bool = False
    popularity: float = 1.0
    size_prices: tuple[int, ...] = ()  # per size, when the price depends on it


_C = {
    "blanc": ("Blanc", "BLA"), "noir": ("Noir", "NOI"), "marine": ("Bleu marine", "MAR"),
    "sauge": ("Vert sauge", "SAU"), "gris": ("Gris chiné", "GRC"), "ecru": ("Écru", "ECR"),
    "ciel": ("Bleu ciel", "CIE"), "terracotta": ("Terracotta", "TER"), "brut": ("Brut", "BRU"),
    "camel": ("Camel", "CAM"), "petrole": ("Bleu pétrole", "PET"), "naturel": ("Naturel", "NAT"),
    "moutarde": ("Moutarde", "MOU"), "bordeaux": ("Bordeaux", "BOR"), "foret": ("Vert forêt", "FOR"),
    "beige": ("Beige", "BEI"), "cognac": ("Cognac", "COG"), "ecaille": ("Écaille", "ECA"),
    "jaune": ("Jaune", "JAU"), "perle": ("Gris perle", "PER"), "bleu": ("Bleu", "BLE"),
    "vert": ("Vert", "VER"), "rose": ("Rose poudré", "ROS"), "ocre": ("Ocre", "OCR"),
    "rouge_ecru": ("Rouge/Écru", "REC"), "ecru_marine": ("Écru/Marine", "EMA"),
    "raye_rouge": ("Rayé rouge", "RRO"), "raye_bleu": ("Rayé bleu", "RBL"),
    "fleuri": ("Fleuri", "FLE"), "kaki": ("Kaki", "KAK"),
}


def _c(*keys: str) -> tuple[tuple[str, str], ...]:
    return tuple(_C[k] for k in keys)


FAMILIES: tuple[Family, ...] = (
    # Clothing (aisles A-C)
    Family("T-shirt col rond coton bio", "TSH", "A", 2490, colours=_c("blanc", "noir", "marine", "sauge", "terracotta"),
           sizes=("XS", *S, "XXL"), weight=180, popularity=3.0),
    Family("Sweat à capuche molleton", "SWE", "A", 5990, colours=_c("gris", "marine", "ecru", "kaki"), sizes=S,
           weight=520, popularity=1.6),
    Family("Chemise en lin", "CHE", "A", 6990, colours=_c("blanc", "ciel", "terracotta", "sauge"),
           sizes=("S", "M", "L"), weight=260),
    Family("Jean droit", "JEA", "B", 8990, colours=_c("brut", "noir"), sizes=("36", "38", "40", "42", "44", "46"),
           weight=650, popularity=1.3),
    Family("Pull marin en laine", "PUL", "B", 9900, colours=_c("ecru_marine", "rouge_ecru"), sizes=S, weight=600),
    Family("Robe portefeuille", "ROB", "B", 7490, colours=_c("fleuri"), sizes=("XS", *S), weight=300),
    Family("Chaussettes rayées (lot de 3)", "CHA", "B", 1490, colours=_c("raye_rouge", "raye_bleu"),
           sizes=("36-40", "41-45"), weight=120, popularity=2.0),
    Family("Marinière manches longues", "MAN", "B", 4500, colours=_c("marine"), sizes=("XS", *S), weight=250),
    Family("Veste en velours côtelé", "VES", "C", 12900, colours=_c("camel", "petrole", "noir"), sizes=("M", "L"),
           weight=900, backorder=True, popularity=0.6),
    Family("Baskets en toile", "BAS", "C", 6500, colours=_c("blanc"),
           sizes=tuple(str(n) for n in range(36, 46)), weight=800),
    Family("Pyjama en coton", "PYJ", "C", 4990, colours=_c("ciel", "rose"), sizes=S, weight=350),
    Family("Gants en cuir", "GAN", "C", 4490, colours=_c("cognac"), sizes=("7", "8", "9"), weight=150),
    # Accessories (aisle D)
    Family("Sac cabas en toile", "CAB", "D", 2990, colours=_c("naturel", "noir"), weight=400, popularity=1.8),
    Family("Écharpe en laine mérinos", "ECH", "D", 3990, colours=_c("gris", "moutarde", "bordeaux"), weight=200),
    Family("Bonnet côtelé", "BON", "D", 1990, colours=_c("noir", "ecru", "foret"), weight=90, popularity=1.5),
    Family("Casquette brodée", "CAS", "D", 2490, colours=_c("marine", "beige"), weight=110),
    Family("Ceinture en cuir tannage végétal", "CEI", "D", 4990, colours=_c("cognac"), sizes=("85", "95", "105"),
           weight=200),
    Family("Portefeuille en cuir", "POR", "D", 5490, colours=_c("cognac", "noir"), weight=120),
    Family("Lunettes de soleil", "LUN", "D", 6900, colours=_c("ecaille", "noir"), weight=60),
    Family("Parapluie pliant", "PAR", "D", 2500, colours=_c("noir", "jaune"), weight=350),
    Family("Trousse de toilette", "TRO", "D", 2290, colours=_c("naturel"), weight=150),
    Family("Gourde isotherme 500 ml", "GOU", "D", 2690, colours=_c("sauge", "noir"), weight=330),
    # Home (aisles E-F)
    Family("Housse de couette en lin lavé", "HCO", "E", 9900, colours=_c("blanc", "perle", "terracotta"),
           sizes=("140x200", "240x220", "260x240"), size_prices=(9900, 12900, 14900), weight=1400),
    Family("Taie d'oreiller en lin lavé", "TAI", "E", 2490, colours=_c("blanc", "perle", "terracotta"),
           sizes=("65x65", "50x75"), weight=200, popularity=1.4),
    Family("Serviette de bain en coton", "SER", "E", 1990, colours=_c("blanc", "sauge"), sizes=("50x100", "70x140"),
           size_prices=(1990, 2990), weight=450),
    Family("Plaid en laine", "PLA", "E", 7900, colours=_c("gris", "moutarde"), weight=1100),
    Family("Coussin en velours 45x45", "COU", "E", 3290, colours=_c("rose", "vert", "ocre"), weight=500),
    Family("Tasse en grès émaillé", "TAS", "F", 1490, colours=_c("bleu", "blanc", "vert"), weight=350, popularity=1.7),
    Family("Assiette plate en grès", "ASS", "F", 1890, colours=_c("blanc", "bleu"), weight=700),
    Family("Bougie parfumée", "BOU", "F", 2490, colours=(("Figuier", "FIG"), ("Lavande", "LAV"), ("Bois de cèdre", "CED")),
           weight=380, popularity=2.2),
    Family("Vase en céramique", "VAS", "F", 3490, sizes=("Petit", "Grand"), size_prices=(3490, 5490), weight=900),
    Family("Torchon en lin (lot de 2)", "TOR", "F", 1690, colours=_c("raye_rouge", "raye_bleu"), weight=180),
    Family("Tablier de cuisine en lin", "TAB", "F", 2990, weight=250),
    Family("Panier en osier", "PAN", "F", 3990, sizes=("S", "L"), size_prices=(3990, 5490), weight=700),
    Family("Savon de Marseille (300 g)", "SAV", "F", 590, weight=320, popularity=1.5),
    Family("Carnet en papier recyclé", "CAR", "F", 1290, colours=_c("ocre", "sauge"), weight=220),
    Family("Kit de couture de voyage", "KIT", "F", 1590, weight=100),
    # Made to order: always accepted, shipped when the workshop delivers (backorder).
    Family("Lampe à poser en céramique", "LAM", "F", 11900, weight=2300, backorder=True, popularity=0.5),
    Family("Fauteuil en rotin", "FAU", "F", 34900, weight=9000, backorder=True, popularity=0.3),
    Family("Miroir rond en laiton", "MIR", "F", 15900, weight=4000, backorder=True, popularity=0.4),
    # Grocery and books: reduced VAT 5.5 % (aisle G)
    Family("Confiture artisanale (340 g)", "CON", "G", 690, vat_bp=550,
           colours=(("Fraise", "FRA"), ("Abricot", "ABR"), ("Figue", "FIG")), weight=500, popularity=1.5),
    Family("Thé vert bio (100 g)", "THE", "G", 890, vat_bp=550, weight=130),
    Family("Infusion verveine bio (50 g)", "INF", "G", 790, vat_bp=550, weight=80),
    Family("Miel de lavande (250 g)", "MIE", "G", 990, vat_bp=550, weight=350),
    Family("Café en grains Éthiopie (250 g)", "CAF", "G", 1090, vat_bp=550, weight=270, popularity=1.6),
    Family("Chocolat noir 70 % (100 g)", "CHO", "G", 450, vat_bp=550,
           colours=(("Nature", "NAT"), ("Éclats de noisette", "NOI"), ("Fleur de sel", "SEL")), weight=110),
    Family("Livre « Cuisine de saison »", "LCU", "G", 2900, vat_bp=550, weight=900),
    Family("Livre « L'art du tricot »", "LTR", "G", 2400, vat_bp=550, weight=700),
    # Plants: intermediate VAT 10 % (aisle H)
    Family("Olivier en pot (60 cm)", "OLI", "H", 3990, vat_bp=1000, weight=5000, backorder=True),
    Family("Lavande en pot", "LAV", "H", 990, vat_bp=1000, weight=900),
    Family("Monstera deliciosa", "MON", "H", 2990, vat_bp=1000, weight=2500),
    Family("Pilea peperomioides", "PIL", "H", 1490, vat_bp=1000, weight=700),
    Family("Bouquet de fleurs séchées", "BFS", "H", 3500, vat_bp=1000, weight=400),
)

# Backorder products that have nothing on the shelf right now: their open lines wait.
OUT_OF_STOCK = frozenset({"LAM", "FAU", "VES-PET-L"})
# Discontinued: still in old orders, no longer sold.
INACTIVE = frozenset({"SWE-KAK-XL", "CHE-SAU-S"})


@dataclass(eq=False)  # compared by identity: fast, and two variants are never equal
class Product:
    id: int
    sku: str
    name: str
    barcode: str
    price: int
    vat_bp: int
    bin_location: str
    backorder: bool
    active: bool
    weight: int
    popularity: float
    out_of_stock: bool


class Catalogue:
    """The products, with a popularity-weighted pick for order lines."""

    def __init__(self, products: list[Product]) -> None:
        self.products = products
        self._cum = list(accumulate(p.popularity for p in products))
        self.out_of_stock = [p for p in products if p.out_of_stock]

    def pick(self, rng: random.Random) -> Product:
        return self.products[bisect(self._cum, rng.random() * self._cum[-1])]


def build_catalogue(rng: random.Random, first_id: int) -> Catalogue:
    """Expand the families into products; ids start at ``first_id``."""
    products: list[Product] = []
    slots: dict[str, int] = {}
    for family in FAMILIES:
        colours = family.colours or (("", ""),)
        sizes = family.sizes or ("",)
        for colour, colour_code in colours:
            for size_index, size in enumerate(sizes):
                sku = "-".join(p for p in (family.stem, colour_code, size.upper().replace(" ", "")) if p)
                name = " – ".join(p for p in (family.name, colour, size) if p)
                price = family.size_prices[size_index] if family.size_prices else family.price
                slot = slots.get(family.aisle, 0)
                slots[family.aisle] = slot + 1
                bin_location = f"{family.aisle}-{slot // 4 + 1:02d}-{slot % 4 + 1}"
                item = len(products) + 1
                backorder = family.backorder or rng.random() < 0.06
                products.append(Product(
                    id=first_id + len(products), sku=sku, name=name,
                    barcode=ean13(f"{COMPANY_PREFIX}{item:05d}"), price=price, vat_bp=family.vat_bp,
                    bin_location=bin_location, backorder=backorder,
                    active=sku not in INACTIVE, weight=family.weight,
                    popularity=family.popularity * rng.uniform(0.3, 1.7),
                    out_of_stock=backorder and (family.stem in OUT_OF_STOCK or sku in OUT_OF_STOCK),
                ))
    return Catalogue(products)


PRODUCT_COLUMNS = ("id", "sku", "name", "barcode", "price", "currency", "vat_rate_bp", "bin_location",
                   "backorder", "active", "weight_grams", "created_at", "updated_at")


def product_rows(catalogue: Catalogue, created_at) -> list[tuple]:
    return [(p.id, p.sku, p.name, p.barcode, p.price, "EUR", p.vat_bp, p.bin_location, p.backorder,
             p.active, p.weight, created_at, created_at) for p in catalogue.products]
