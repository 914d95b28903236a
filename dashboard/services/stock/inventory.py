"""Stock use-cases: the catalogue kept in step by the shop, counts, receipts, reservations.

Every change to a ``stock`` row is one atomic conditional UPDATE ... RETURNING, so two
concurrent orders can never both take the last unit (STACK-NOTES); the ``Check``
constraints on the table are the last guard. Functions starting with ``reserve``/``release``
/``allocate`` run inside the caller's write transaction (order intake, cancellation);
the others open their own.

Lock order (PostgreSQL): a transaction that changes both stock and orders takes the stock
rows of all its products first, by product id (``lock_products``), then the orders (by
id where it takes several at once). Two such transactions then queue on the first
product they share instead of each holding what the other waits for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from piccolo.columns.combination import WhereRaw
from piccolo.query.mixins import OrderByRaw

from dashboard.db import sql
from dashboard.db.tables import Order, OrderLine, Product, Stock, StockMovement
from dashboard.db.transaction import is_sqlite, retry_on_conflict, write_transaction
from dashboard.domain.stock.catalogue import ProductSpec, validate_product
from dashboard.domain.errors import NotFound
from dashboard.domain.stock.allocation import (
    Reservation, StockLevel, check_count, check_receipt, plan_allocation, plan_shortfall,
    split_request,
)
from dashboard.services.history import record_event

# Orders whose lines may hold or wait for stock.
LIVE_STATUSES = ("open", "on_hold")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def movement(product_id: int, reason: str, *, on_hand: int = 0, reserved: int = 0,
             order_id: int | None = None, actor: str = "", note: str = "") -> StockMovement:
    """One ledger row; insert several at once with ``StockMovement.insert(*rows)``."""
    return StockMovement(product=product_id, on_hand_delta=on_hand, reserved_delta=reserved,
                         reason=reason, order_id=order_id, actor=actor, note=note)


# --- catalogue ------------------------------------------------------------------------------

async def upsert_product(spec: ProductSpec, *, actor: str) -> tuple[dict, bool]:
    """Create or update a product by SKU; returns (product, created).

    A new product gets its stock row (nothing on hand). Stock quantities are never
    touched here: counts go through ``set_counted_stock``. Raises ``ValidationFailed``.
    """
    vat_bp = validate_product(spec)
    values = {
        Product.name: spec.name.strip(), Product.barcode: spec.barcode or None,
        Product.price: spec.price, Product.currency: spec.currency, Product.vat_rate_bp: vat_bp,
        Product.bin_location: spec.bin_location or "", Product.backorder: spec.backorder,
        Product.weight_grams: spec.weight_grams, Product.active: True,
    }
    async with write_transaction():
        updated = await Product.update({**values, Product.updated_at: _now()}).where(
            Product.sku == spec.sku).returning(Product.id)
        created = not updated
        if created:
            product = Product(sku=spec.sku, **{col._meta.name: v for col, v in values.items()})
            rows = await Product.insert(product).returning(Product.id)
            await Stock.insert(Stock(product=rows[0]["id"]))
    return await product_by_sku(spec.sku), created


async def product_by_sku(sku: str) -> dict:
    product = await Product.select(
        Product.id, Product.sku, Product.name, Product.barcode, Product.price, Product.currency,
        Product.vat_rate_bp, Product.bin_location, Product.backorder, Product.active,
        Product.weight_grams,
    ).where(Product.sku == sku).first()
    if product is None:
        raise NotFound(f"No product with SKU {sku}")
    return product


async def _product_id(sku: str) -> int:
    row = await Product.select(Product.id).where(Product.sku == sku).first()
    if row is None:
        raise NotFound(f"No product with SKU {sku}")
    return row["id"]


# --- levels -------------------------------------------------------------------------------

async def stock_level(sku: str) -> StockLevel:
    """On hand, reserved, available and backordered of one product. Raises ``NotFound``."""
    row = await Stock.select(
        Stock.product.sku, Stock.on_hand, Stock.reserved, Stock.backordered
    ).where(Stock.product.sku == sku).first()
    if row is None:
        await _product_id(sku)  # NotFound for an unknown SKU
        return StockLevel(sku=sku, on_hand=0, reserved=0, backordered=0)
    return StockLevel(sku=sku, on_hand=row["on_hand"], reserved=row["reserved"],
                      backordered=row["backordered"])


async def _lock(product_id: int) -> dict:
    """Take the product's stock row for the rest of the transaction (its row lock on
    PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises) and return its quantities."""
    rows = await Stock.update({Stock.updated_at: _now()}).where(
        Stock.product == product_id
    ).returning(Stock.on_hand, Stock.reserved, Stock.backordered)
    if not rows:
        await Stock.insert(Stock(product=product_id))
        return {"on_hand": 0, "reserved": 0, "backordered": 0}
    return rows[0]


async def lock_products(product_ids) -> None:
    """Take the stock rows of these products, by id, before any order row (the global
    lock order, see the module's docstring). Inside the caller's transaction; on SQLite
    ``BEGIN IMMEDIATE`` already serialises writers, so nothing is done."""
    if is_sqlite():
        return
    for product_id in sorted({p for p in product_ids if p is not None}):
        await _lock(product_id)


async def lock_products_of_orders(order_ids) -> None:
    """``lock_products`` for every product on these orders' lines (a bulk cancellation)."""
    order_ids = list(order_ids)
    if is_sqlite() or not order_ids:
        return
    rows = await OrderLine.select(OrderLine.product).where(
        OrderLine.order.is_in(order_ids) & OrderLine.product.is_not_null()).distinct()
    await lock_products(row["product"] for row in rows)


# --- reservation (inside the order's transaction) -----------------------------------------

# Hand-written (dashboard.db.sql): every order placed runs these, under the stock row lock.
_RESERVE = ('UPDATE "stock" SET "reserved" = "reserved" + {}, "backordered" = "backordered" + {}, '
            '"updated_at" = {} WHERE "product" = {} AND "on_hand" - "reserved" >= {} RETURNING "id"')
_AVAILABLE = 'SELECT "on_hand" - "reserved" AS "available" FROM "stock" WHERE "product" = {}'


async def _try_reserve(product_id: int, reserve: int, backorder: int) -> bool:
    return bool(await sql.fetch(_RESERVE, reserve, backorder, _now(), product_id, reserve))


async def _available(product_id: int) -> int:
    row = await sql.fetch_one(_AVAILABLE, product_id)
    if row is None:
        await _lock(product_id)
        return 0
    return row["available"]


async def reserve(product_id: int, requested: int, allows_backorder: bool) -> Reservation | int:
    """Reserve ``requested`` units, backordering the rest if the product allows it.

    Returns the ``Reservation`` applied, or the units available when the product refuses
    backorders and is short (nothing was changed). The conditional update cannot
    over-reserve; if another order took stock between our read and our update, we read
    again and retry with what is left.
    """
    if await _try_reserve(product_id, requested, 0):
        return Reservation(reserve=requested, backorder=0)
    while True:
        available = await _available(product_id)
        plan = split_request(requested, available, allows_backorder)
        if plan is None:
            return max(available, 0)
        if await _try_reserve(product_id, plan.reserve, plan.backorder):
            return plan


async def release(product_id: int, reserved: int, backordered: int) -> None:
    """Give back what one order line held or waited for (cancellation)."""
    if not reserved and not backordered:
        return
    rows = await Stock.update({
        Stock.reserved: Stock.reserved - reserved,
        Stock.backordered: Stock.backordered - backordered,
        Stock.updated_at: _now(),
    }).where(
        (Stock.product == product_id)
        & WhereRaw("reserved >= {} AND backordered >= {}", reserved, backordered)
    ).returning(Stock.id)
    if not rows:
        raise RuntimeError(f"stock of product {product_id} holds less than its order lines")


async def _waiting_lines(product_id: int, newest_first: bool = False, reserved: bool = False):
    """Live order lines of a product that wait for it (or hold it), by order age."""
    column = OrderLine.reserved if reserved else OrderLine.backordered
    return await OrderLine.select(
        OrderLine.id, OrderLine.order, OrderLine.order.number, column.as_alias("units"),
    ).where(
        (OrderLine.product == product_id) & (column > 0)
        & OrderLine.order.status.is_in(list(LIVE_STATUSES))
    ).order_by(OrderLine.order.placed_at, OrderLine.order.id, OrderLine.id,
               ascending=not newest_first)


async def _move_lines(plan: list[tuple[int, int]], lines: dict[int, dict], *, to_reserved: bool,
                      product_id: int, reason: str, actor: str) -> None:
    """Move units between reserved and backordered on lines and on their orders."""
    sign = 1 if to_reserved else -1
    now = _now()
    movements = []
    # By order id: the lock order between orders (which units go where is already planned).
    for line_id, units in sorted(plan, key=lambda p: (lines[p[0]]["order"], p[0])):
        line = lines[line_id]
        await OrderLine.update({
            OrderLine.reserved: OrderLine.reserved + sign * units,
            OrderLine.backordered: OrderLine.backordered - sign * units,
        }).where(OrderLine.id == line_id)
        await Order.update({
            Order.backordered_quantity: Order.backordered_quantity - sign * units,
            Order.updated_at: now, Order.version: Order.version + 1,
        }).where(Order.id == line["order"])
        movements.append(movement(product_id, reason, reserved=sign * units,
                                  order_id=line["order"], actor=actor))
        kind = "stock.allocated" if to_reserved else "stock.backordered"
        summary = (f"{units} reserved from received stock" if to_reserved
                   else f"{units} no longer on the shelf, now backordered")
        await record_event(line["order"], kind, summary, {"line_id": line_id, "units": units},
                           actor=actor)
    if movements:
        await StockMovement.insert(*movements)


async def allocate_waiting(product_id: int, *, actor: str) -> int:
    """Give what is available to the product's backordered lines, oldest order first.

    Called after anything that frees or adds stock (receipt, count, cancellation), inside
    that transaction. Returns the units allocated.
    """
    level = await _lock(product_id)
    available = level["on_hand"] - level["reserved"]
    if available <= 0 or level["backordered"] <= 0:
        return 0
    waiting = await _waiting_lines(product_id)
    plan = plan_allocation(available, [(w["id"], w["units"]) for w in waiting])
    units = sum(u for _, u in plan)
    if not units:
        return 0
    moved = await Stock.update({
        Stock.reserved: Stock.reserved + units, Stock.backordered: Stock.backordered - units,
    }).where((Stock.product == product_id)
             & WhereRaw("on_hand - reserved >= {} AND backordered >= {}", units, units)
             ).returning(Stock.id)
    if not moved:
        raise RuntimeError(f"stock of product {product_id} changed under its lock")
    await _move_lines(plan, {w["id"]: w for w in waiting}, to_reserved=True,
                      product_id=product_id, reason="allocation", actor=actor)
    return units


# --- counts and receipts --------------------------------------------------------------------

@retry_on_conflict
async def set_counted_stock(sku: str, on_hand: int, reason: str, actor: str) -> StockLevel:
    """Record what was counted on the shelf; reservations are kept where the goods are.

    If fewer goods are counted than are reserved, the newest orders' reservations become
    backorders (the oldest customers keep theirs). If more, waiting backorders are served.
    Raises ``ValidationFailed`` or ``NotFound``.
    """
    check_count(on_hand, reason)
    async with write_transaction():
        product_id = await _product_id(sku)
        level = await _lock(product_id)
        shortfall_units = 0
        if on_hand < level["reserved"]:
            holding = await _waiting_lines(product_id, newest_first=True, reserved=True)
            plan = plan_shortfall(on_hand, level["reserved"],
                                  [(h["id"], h["units"]) for h in holding])
            shortfall_units = sum(u for _, u in plan)
            # Reservations no live line accounts for (should not exist) are dropped too,
            # rather than refusing a count that is the truth of the shelf.
            orphans = level["reserved"] - on_hand - shortfall_units
            await Stock.update({
                Stock.reserved: Stock.reserved - shortfall_units - max(orphans, 0),
                Stock.backordered: Stock.backordered + shortfall_units,
            }).where(Stock.product == product_id)
            await _move_lines(plan, {h["id"]: h for h in holding}, to_reserved=False,
                              product_id=product_id, reason="count", actor=actor)
        await Stock.update({Stock.on_hand: on_hand, Stock.updated_at: _now()}).where(
            Stock.product == product_id)
        await StockMovement.insert(movement(product_id, "count",
                                            on_hand=on_hand - level["on_hand"], actor=actor,
                                            note=reason.strip()))
        await allocate_waiting(product_id, actor=actor)
    return await stock_level(sku)


@retry_on_conflict
async def receive_stock(sku: str, quantity: int, actor: str, note: str = "", *,
                        reason: str = "receipt", order_id: int | None = None) -> StockLevel:
    """Goods arrived: add them on hand and allocate them to waiting backorders, oldest first.

    ``reason`` names the ledger movement (``receipt`` from a supplier, ``return`` from a
    customer, then ``order_id`` says whose). Joins the caller's transaction if there is one.
    Raises ``ValidationFailed`` (quantity not > 0) or ``NotFound``.
    """
    check_receipt(quantity)
    async with write_transaction():
        product_id = await _product_id(sku)
        await _lock(product_id)
        await Stock.update({Stock.on_hand: Stock.on_hand + quantity}).where(
            Stock.product == product_id)
        await StockMovement.insert(movement(product_id, reason, on_hand=quantity,
                                            order_id=order_id, actor=actor, note=note))
        await allocate_waiting(product_id, actor=actor)
    return await stock_level(sku)



# --- the stock screen -----------------------------------------------------------------------

SORTS = {"sku", "name", "on_hand", "reserved", "available", "backordered", "bin_location"}
STOCK_PAGE_SIZE = 100


@dataclass(frozen=True)
class StockFilter:
    """The stock screen's state, round-tripped through the query string."""

    q: str = ""
    sort: str = "sku"
    desc: bool = False
    only: str = ""  # "" | "waiting" (backordered) | "low" (nothing available)

    def query_items(self) -> dict[str, str]:
        items = {"q": self.q, "sort": self.sort if self.sort != "sku" else "",
                 "desc": "1" if self.desc else "", "only": self.only}
        return {k: v for k, v in items.items() if v}


@dataclass
class StockPage:
    rows: list[dict]
    total: int
    extra: dict = field(default_factory=dict)


async def list_stock(f: StockFilter) -> StockPage:
    """Products with their levels, searched by SKU, name or barcode, sorted on any column."""
    query = Stock.select(
        Stock.product.id.as_alias("product_id"), Stock.product.sku.as_alias("sku"),
        Stock.product.name.as_alias("name"), Stock.product.barcode.as_alias("barcode"),
        Stock.product.bin_location.as_alias("bin_location"),
        Stock.product.backorder.as_alias("backorder"), Stock.on_hand, Stock.reserved,
        Stock.backordered,
    )
    count = Stock.count()
    clauses = []
    term = f.q.strip()
    if term:
        like = f"%{term}%"
        # SQLite's LIKE is already case-insensitive (ASCII); PostgreSQL needs ILIKE.
        match = (lambda c: c.like(like)) if is_sqlite() else (lambda c: c.ilike(like))
        clauses.append(match(Stock.product.sku) | match(Stock.product.name)
                       | (Stock.product.barcode == term))
    if f.only == "waiting":
        clauses.append(Stock.backordered > 0)
    elif f.only == "low":
        clauses.append(WhereRaw('"stock"."on_hand" - "stock"."reserved" <= 0'))
    for clause in clauses:
        query = query.where(clause)
        count = count.where(clause)
    sort = f.sort if f.sort in SORTS else "sku"
    if sort == "available":
        query = query.order_by(OrderByRaw('"stock"."on_hand" - "stock"."reserved"'),
                               ascending=not f.desc)
    else:
        column = {"sku": Stock.product.sku, "name": Stock.product.name,
                  "bin_location": Stock.product.bin_location, "on_hand": Stock.on_hand,
                  "reserved": Stock.reserved, "backordered": Stock.backordered}[sort]
        query = query.order_by(column, ascending=not f.desc)
    rows = await query.order_by(Stock.id).limit(STOCK_PAGE_SIZE)
    for row in rows:
        row["available"] = row["on_hand"] - row["reserved"]
    return StockPage(rows=rows, total=await count)


async def orders_for_product(sku: str) -> list[dict]:
    """Incomplete orders holding or waiting for a product, oldest first: what the shelf
    must still serve, to compare with what is on it."""
    product_id = await _product_id(sku)
    rows = await OrderLine.select(
        OrderLine.order.number.as_alias("number"), OrderLine.order.placed_at.as_alias("placed_at"),
        OrderLine.order.customer_name.as_alias("customer_name"),
        OrderLine.order.status.as_alias("status"),
        OrderLine.order.payment_status.as_alias("payment_status"),
        OrderLine.quantity, OrderLine.reserved, OrderLine.backordered, OrderLine.shipped,
    ).where(
        (OrderLine.product == product_id)
        & ((OrderLine.reserved > 0) | (OrderLine.backordered > 0))
        & OrderLine.order.status.is_in(list(LIVE_STATUSES))
    ).order_by(OrderLine.order.placed_at, OrderLine.order.id).limit(STOCK_PAGE_SIZE)
    return rows


# --- goods leaving (inside the shipment's transaction) ---------------------------------------

async def ship_units(product_id: int, units: int) -> None:
    """Goods left the shelf for an order that held them: on hand and reserved both go down.

    One conditional update; raises ``RuntimeError`` if the product holds fewer units than
    the shipment (the services check the order line first, so this means a bug).
    """
    rows = await Stock.update({
        Stock.on_hand: Stock.on_hand - units, Stock.reserved: Stock.reserved - units,
        Stock.updated_at: _now(),
    }).where((Stock.product == product_id)
             & WhereRaw("reserved >= {} AND on_hand >= {}", units, units)).returning(Stock.id)
    if not rows:
        raise RuntimeError(f"stock of product {product_id} holds less than the shipment")


async def unship_units(product_id: int, units: int) -> None:
    """An undone shipment: the goods are back on the shelf, still held for their order."""
    await Stock.update({
        Stock.on_hand: Stock.on_hand + units, Stock.reserved: Stock.reserved + units,
        Stock.updated_at: _now(),
    }).where(Stock.product == product_id)
