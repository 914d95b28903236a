"""Hand-written data migration: every stored phone in E.164 (issue 18).

Phones used to be stored as typed ("06 12 34 56 78"), so a search spelled another way
("+33 6 12 34 56 78") missed the caller and the next call created a duplicate. New
phones are stored in E.164 (``domain/phones.py``); this rewrites the old ones: customers
(as of their billing, else any, address's country), addresses (their own country) and
orders (contact and shipping phone, as of the order's billing / shipping country), with
the search text of each changed customer and order. Numbers the library cannot read are
left as typed. Plain SQL, the same on both engines; rows already in E.164 are not read.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T00:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "phones in E.164"

BATCH = 1000
_DEFAULT_COUNTRY = "FR"


def _not_e164(column: str) -> str:
    """SQL: ``column`` holds a phone not yet in E.164 (+ then digits only)."""
    c = f'"{column}"'
    return (f"({c} <> '' AND (substr({c}, 1, 1) <> '+' OR " + " OR ".join(
        f"{c} LIKE '%{ch}%'" for ch in (" ", ".", "-", "(", ")", "/")) + "))")


async def _rows(db, query: str, *args) -> list[dict]:
    from piccolo.querystring import QueryString

    return await db.run_querystring(QueryString(query, *args))


async def normalise_phones(db, shop_country: str = _DEFAULT_COUNTRY) -> dict[str, int]:
    """Rewrite the stored phones in E.164; returns how many rows changed per table."""
    from dashboard.domain.phones import to_e164
    from dashboard.domain.search import customer_search_text, order_search_text

    changed = {"customer": 0, "address": 0, "orders": 0}
    last = 0
    while rows := await _rows(db, 'SELECT "id", "phone", "country" FROM "address" WHERE "id" > {} AND '
                              + _not_e164("phone") + ' ORDER BY "id" LIMIT ' + str(BATCH), last):
        for row in rows:
            phone = to_e164(row["phone"], row["country"] or shop_country)
            if phone != row["phone"]:
                await _rows(db, 'UPDATE "address" SET "phone" = {} WHERE "id" = {}', phone, row["id"])
                changed["address"] += 1
        last = rows[-1]["id"]

    last = 0
    while rows := await _rows(db, 'SELECT "id", "phone", "first_name", "last_name", "company", "email" '
                              'FROM "customer" WHERE "id" > {} AND ' + _not_e164("phone")
                              + ' ORDER BY "id" LIMIT ' + str(BATCH), last):
        for row in rows:
            book = await _rows(db, 'SELECT "country", "postal_code", "is_default" FROM "address" '
                               'WHERE "customer" = {} ORDER BY "id"', row["id"])
            billing = [a for a in book if a["is_default"] in ("billing", "both")]
            country = ((billing or book or [{}])[0].get("country") or shop_country)
            phone = to_e164(row["phone"], country)
            if phone != row["phone"]:
                text = customer_search_text({**row, "phone": phone},
                                            [a["postal_code"] for a in book])
                await _rows(db, 'UPDATE "customer" SET "phone" = {}, "search_text" = {} '
                            'WHERE "id" = {}', phone, text, row["id"])
                changed["customer"] += 1
        last = rows[-1]["id"]

    last = 0
    while rows := await _rows(
            db, 'SELECT "id", "number", "customer_name", "customer_email", "customer_phone", '
            '"ship_phone", "ship_country", "bill_country", "ship_postal_code", "bill_postal_code" '
            'FROM "orders" WHERE "id" > {} AND (' + _not_e164("customer_phone") + " OR "
            + _not_e164("ship_phone") + ') ORDER BY "id" LIMIT ' + str(BATCH), last):
        for row in rows:
            contact = to_e164(row["customer_phone"],
                              row["bill_country"] or row["ship_country"] or shop_country)
            ship = to_e164(row["ship_phone"], row["ship_country"] or shop_country)
            if (contact, ship) != (row["customer_phone"], row["ship_phone"]):
                text = order_search_text(row["number"], row["customer_name"],
                                         row["customer_email"], contact,
                                         row["ship_postal_code"], row["bill_postal_code"])
                await _rows(db, 'UPDATE "orders" SET "customer_phone" = {}, "ship_phone" = {}, '
                            '"search_text" = {} WHERE "id" = {}', contact, ship, text, row["id"])
                changed["orders"] += 1
        last = rows[-1]["id"]
    return changed


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="dashboard", description=DESCRIPTION)

    async def run():
        from dashboard.db.tables import Order
        from dashboard.settings import get_settings

        await normalise_phones(Order._meta.db, get_settings().shop.country or _DEFAULT_COUNTRY)

    manager.add_raw(run)
    return manager
