"""Scan-to-pick: pick lists, scans counted exactly once, short lines, late-edit tasks.

A scan carries a client-generated id (``Scan.client_scan_id``, unique): a handheld on a
flaky connection resends the same scan until it gets an answer, and the second copy is
answered with the first one's result without counting again. Each use-case is one write
transaction; the counters move with conditional updates (``picked + short <= quantity``
is also a database check).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from piccolo.columns.combination import WhereRaw

from dashboard.db.tables import (
    Order,
    OrderLine,
    PickList,
    PickListLine,
    PickTask,
    Product,
    Scan,
)
from dashboard.db.transaction import write_transaction
from dashboard.domain.errors import NotFound, ValidationFailed
from dashboard.domain.numbers import N_, Message
from dashboard.domain.fulfilment.rules import NotAllowed, check_workable
from dashboard.domain.fulfilment.picking import (
    PickLine, ScanResult, is_complete, parse_scan, pick_list_number, plan_late_edit, plan_scan,
    progress,
)
from dashboard.services.history import record_event
from dashboard.services.printing import next_value

OPEN = "open"
PICKABLE_FULFILMENT = ("unfulfilled", "partially_shipped")
MESSAGES = {
    ScanResult.COUNTED: "Counted",
    ScanResult.OVER_PICK: "Too many: this line is already complete",
    ScanResult.WRONG_PRODUCT: "Wrong product: not on this pick list",
    ScanResult.UNKNOWN: "Unknown barcode",
    ScanResult.ORDER: "Opening the order's picking",
}


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- creating pick lists ---------------------------------------------------------------------

async def create_pick_list(numbers: list[str], *, actor: str) -> str:
    """A pick list for the given orders' goods still to pick; returns its number.

    Raises ``NotFound``, ``NotAllowed`` (held, cancelled, or already on an open pick list)
    or ``ValidationFailed`` (nothing left to pick).
    """
    numbers = list(dict.fromkeys(n.strip() for n in numbers if n and n.strip()))
    if not numbers:
        raise ValidationFailed({"orders": "choose at least one order"})
    async with write_transaction():
        orders = []
        for number in numbers:
            order = await Order.select(Order.id, Order.number, Order.status, Order.hold_reason,
                                       Order.hold_until).where(Order.number == number).first()
            if order is None:
                raise NotFound(Message(N_("No order %(number)s."), number=number))
            check_workable(order, "picked")
            if await _open_pick_list_of(order["id"]):
                raise NotAllowed(Message(N_("Order %(number)s is already on an open pick list."),
                                         number=number))
            orders.append(order)
        lines = await OrderLine.select(
            OrderLine.id, OrderLine.product, OrderLine.bin_location, OrderLine.reserved,
            OrderLine.picked, OrderLine.shipped, OrderLine.order,
        ).where(OrderLine.order.is_in([o["id"] for o in orders])).order_by(
            OrderLine.bin_location, OrderLine.id)
        wanted = [(line, line["reserved"] - max(line["picked"] - line["shipped"], 0))
                  for line in lines]
        wanted = [(line, n) for line, n in wanted if n > 0]
        if not wanted:
            raise ValidationFailed(
                {"orders": Message(N_("nothing left to pick on these orders"))},
                Message(N_("Nothing left to pick")))
        number = pick_list_number(await next_value("pick_list", 0, 1))
        pick_list_id = (await PickList.insert(PickList(number=number)).returning(PickList.id))[0]["id"]
        await PickListLine.insert(*[PickListLine(
            pick_list=pick_list_id, order_line=line["id"], product=line["product"],
            bin_location=line["bin_location"], quantity=n) for line, n in wanted])
        for order in orders:
            await record_event(order["id"], "picking.started", f"On pick list {number}",
                               {"pick_list": number}, actor=actor)
    return number


async def create_batch_pick_list(*, limit: int = 20, actor: str) -> str:
    """One pick list for the oldest paid orders waiting to be picked (not held, not on a
    list yet). Raises ``ValidationFailed`` when no order waits."""
    on_lists = PickListLine.select(PickListLine.order_line.order).where(
        PickListLine.pick_list.status == OPEN)
    rows = await Order.select(Order.number, Order.status, Order.hold_reason,
                              Order.hold_until, Order.id).where(
        (Order.status == "open") & (Order.payment_status == "paid")
        & Order.fulfilment_status.is_in(list(PICKABLE_FULFILMENT))
        & Order.id.not_in([r["order_line.order"] for r in await on_lists] or [0])
        & Order.id.is_in(OrderLine.select(OrderLine.order).where(OrderLine.reserved > 0))
    ).order_by(Order.placed_at).limit(limit)
    if not rows:
        raise ValidationFailed({"orders": Message(N_("no paid order waits to be picked"))},
                               Message(N_("No paid order waits to be picked")))
    return await create_pick_list([r["number"] for r in rows], actor=actor)


async def _open_pick_list_of(order_id: int) -> str | None:
    row = await PickListLine.select(PickListLine.pick_list.number.as_alias("number")).where(
        (PickListLine.order_line.order == order_id)
        & (PickListLine.pick_list.status == OPEN)).first()
    return row["number"] if row else None


async def open_for_order(number: str, *, actor: str) -> str:
    """The pick list to open when a delivery note is scanned: the order's open one, or a
    new one for that order alone."""
    order = await Order.select(Order.id).where(Order.number == number.strip()).first()
    if order is None:
        raise NotFound(Message(N_("No order %(number)s."), number=number))
    return await _open_pick_list_of(order["id"]) or await create_pick_list([number], actor=actor)


# --- reading ---------------------------------------------------------------------------------

async def open_pick_lists() -> list[dict]:
    return await PickList.select(PickList.id, PickList.number, PickList.status,
                                 PickList.created_at).where(PickList.status == OPEN).order_by(
        PickList.created_at)


async def _pick_list(number: str) -> dict:
    row = await PickList.select().where(PickList.number == number).first()
    if row is None:
        raise NotFound(f"No pick list {number}")
    return row


async def _lines(pick_list_id: int) -> list[dict]:
    return await PickListLine.select(
        PickListLine.id, PickListLine.quantity, PickListLine.picked, PickListLine.short,
        PickListLine.bin_location, PickListLine.order_line,
        PickListLine.order_line.sku.as_alias("sku"), PickListLine.order_line.name.as_alias("name"),
        PickListLine.order_line.barcode.as_alias("barcode"),
        PickListLine.order_line.order.as_alias("order_id"),
        PickListLine.order_line.order.number.as_alias("order_number"),
    ).where(PickListLine.pick_list == pick_list_id).order_by(
        PickListLine.bin_location, PickListLine.id)


def _pick_lines(rows: list[dict]) -> list[PickLine]:
    return [PickLine(id=r["id"], barcode=r["barcode"], sku=r["sku"], quantity=r["quantity"],
                     picked=r["picked"], short=r["short"]) for r in rows]


async def pick_list_view(number: str) -> dict:
    """Everything the picker's screen shows: lines by bin, progress, tasks to acknowledge."""
    pick_list = await _pick_list(number)
    lines = await _lines(pick_list["id"])
    for line in lines:
        line["missing"] = max(line["quantity"] - line["picked"] - line["short"], 0)
    done, total = progress(_pick_lines(lines))
    tasks = await PickTask.select(
        PickTask.id, PickTask.kind, PickTask.quantity,
        PickTask.pick_list_line.order_line.sku.as_alias("sku"),
        PickTask.pick_list_line.order_line.name.as_alias("name"),
        PickTask.pick_list_line.bin_location.as_alias("bin_location"),
        PickTask.order.number.as_alias("order_number"),
    ).where((PickTask.pick_list == pick_list["id"]) & PickTask.acknowledged_at.is_null())
    return {"pick_list": pick_list, "lines": lines, "done": done, "total": total,
            "percent": int(100 * done / total) if total else 100, "tasks": tasks}


# --- scanning --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScanOutcome:
    result: str
    message: str
    replayed: bool = False
    open_pick_list: str | None = None  # set for a scanned delivery note
    completed: bool = False


async def record_scan(number: str, client_scan_id: str, raw: str, *, actor: str) -> ScanOutcome:
    """Count one scan on pick list ``number``, exactly once per ``client_scan_id``.

    Raises ``ValidationFailed`` (no id, nothing scanned) or ``NotFound``/``NotAllowed``
    (unknown or closed pick list). A wrong, unknown or excess scan is not an error: it is
    logged and answered with its result so the screen can flag it.
    """
    client_scan_id = (client_scan_id or "").strip()[:64]
    if not client_scan_id:
        raise ValidationFailed({"client_scan_id": "required"})
    if (earlier := await _earlier_scan(client_scan_id)) is not None:
        return earlier
    quantity, code = parse_scan(raw)
    try:
        async with write_transaction():
            if (earlier := await _earlier_scan(client_scan_id)) is not None:
                return earlier
            return await _scan(number, client_scan_id, code, quantity, actor)
    except Exception:
        # The same scan raced itself (two retries in flight): the winner's answer counts.
        if (earlier := await _earlier_scan(client_scan_id)) is not None:
            return earlier
        raise


async def _earlier_scan(client_scan_id: str) -> ScanOutcome | None:
    row = await Scan.select(Scan.result, Scan.pick_list.status.as_alias("status")).where(
        Scan.client_scan_id == client_scan_id).first()
    if row is None:
        return None
    return ScanOutcome(result=row["result"], message=MESSAGES[ScanResult(row["result"])],
                       replayed=True, completed=row["status"] == "completed")


async def _scan(number: str, client_scan_id: str, code: str, quantity: int,
                actor: str) -> ScanOutcome:
    pick_list = await _pick_list(number)
    if pick_list["status"] == "completed":  # the picker's own words, shown on the phone
        raise NotAllowed("This pick list is complete: nothing more to scan")
    if pick_list["status"] != OPEN:
        raise NotAllowed(f"Pick list {number} is {pick_list['status']}")
    rows = await _lines(pick_list["id"])
    result, plan = plan_scan(code, quantity, _pick_lines(rows))
    target = None
    if result == ScanResult.UNKNOWN:
        if await Order.exists().where(Order.number == code):
            result, target = ScanResult.ORDER, code
        elif await Product.exists().where((Product.barcode == code) | (Product.sku == code)):
            result = ScanResult.WRONG_PRODUCT
    by_id = {row["id"]: row for row in rows}
    for line_id, units in plan:
        moved = await PickListLine.update({PickListLine.picked: PickListLine.picked + units}).where(
            (PickListLine.id == line_id)
            & WhereRaw("picked + short + {} <= quantity", units)).returning(PickListLine.id)
        if not moved:  # cannot happen inside the write transaction; the check is the guard
            raise RuntimeError("pick list line changed under its transaction")
        await OrderLine.update({OrderLine.picked: OrderLine.picked + units}).where(
            OrderLine.id == by_id[line_id]["order_line"])
    await Scan.insert(Scan(pick_list=pick_list["id"], client_scan_id=client_scan_id,
                           barcode=code[:64], quantity=quantity, result=result.value,
                           actor=actor))
    completed = bool(plan) and await _complete_if_done(pick_list, actor)
    open_pick_list = await open_for_order(target, actor=actor) if target else None
    return ScanOutcome(result=result.value, message=MESSAGES[result], completed=completed,
                       open_pick_list=open_pick_list)


async def _complete_if_done(pick_list: dict, actor: str) -> bool:
    rows = await _lines(pick_list["id"])
    if not is_complete(_pick_lines(rows)):
        return False
    await PickList.update({PickList.status: "completed", PickList.completed_at: _now()}).where(
        PickList.id == pick_list["id"])
    for order_id in sorted({row["order_id"] for row in rows}):
        await record_event(order_id, "picking.completed",
                           f"Picked on pick list {pick_list['number']}",
                           {"pick_list": pick_list["number"]}, actor=actor)
    return True


async def mark_short(number: str, line_id: int, *, actor: str) -> bool:
    """The shelf is empty for this line: what is still missing is marked short. Returns
    whether the pick list is now complete."""
    async with write_transaction():
        pick_list = await _pick_list(number)
        if pick_list["status"] != OPEN:
            raise NotAllowed(f"Pick list {number} is {pick_list['status']}")
        line = await PickListLine.select(PickListLine.id, PickListLine.quantity,
                                         PickListLine.picked, PickListLine.short,
                                         PickListLine.order_line.order.as_alias("order_id"),
                                         PickListLine.order_line.sku.as_alias("sku"),
                                         PickListLine.order_line.name.as_alias("name")).where(
            (PickListLine.id == line_id) & (PickListLine.pick_list == pick_list["id"])).first()
        if line is None:
            raise NotFound("No such line on this pick list")
        missing = line["quantity"] - line["picked"] - line["short"]
        if missing <= 0:
            raise NotAllowed("This line is already complete")
        await PickListLine.update({PickListLine.short: PickListLine.short + missing}).where(
            PickListLine.id == line_id)
        await record_event(line["order_id"], "picking.short",
                           f"{missing} x {line['sku']} not found on the shelf",
                           {"pick_list": number, "units": missing, "sku": line["sku"],
                            "name": line["name"]}, actor=actor)
        return await _complete_if_done(pick_list, actor)


# --- late edits ------------------------------------------------------------------------------

async def note_order_changed(order_id: int, line_changes: dict[int, int], *,
                             actor: str = "system") -> list[int]:
    """An order being picked was edited: ``line_changes`` maps order line id -> its new
    quantity. Call inside the order edit's transaction (it joins it).

    Creates a ``pick_more`` task (the list asks for more at once) or a ``put_back`` task
    (applied when the picker acknowledges) per affected line; returns the task ids.
    """
    created = []
    async with write_transaction():
        rows = await PickListLine.select(
            PickListLine.id, PickListLine.pick_list, PickListLine.quantity, PickListLine.picked,
            PickListLine.short, PickListLine.order_line,
            PickListLine.order_line.shipped.as_alias("shipped"),
            PickListLine.order_line.sku.as_alias("sku"),
            PickListLine.order_line.name.as_alias("name"),
        ).where(PickListLine.order_line.is_in(list(line_changes) or [0])
                & (PickListLine.pick_list.status != "cancelled")
                & (PickListLine.order_line.order == order_id))
        for row in rows:
            target = max(line_changes[row["order_line"]] - row["shipped"], 0)
            task = plan_late_edit(target, row["quantity"], row["picked"], row["short"])
            if task is None:
                await PickListLine.update({
                    PickListLine.quantity: target,
                    PickListLine.short: min(row["short"], target - row["picked"]),
                }).where(PickListLine.id == row["id"])
                continue
            kind, units = task
            if kind == "pick_more":
                await PickListLine.update({PickListLine.quantity: target}).where(
                    PickListLine.id == row["id"])
                await PickList.update({PickList.status: OPEN, PickList.completed_at: None}).where(
                    PickList.id == row["pick_list"])
            rows_ = await PickTask.insert(PickTask(
                pick_list=row["pick_list"], pick_list_line=row["id"], order=order_id, kind=kind,
                quantity=units)).returning(PickTask.id)
            created.append(rows_[0]["id"])
            await record_event(order_id, f"picking.{kind}",
                               f"Order changed while picked: {kind.replace('_', ' ')} {units}",
                               {"pick_list_line": row["id"], "units": units, "sku": row["sku"],
                                "name": row["name"]}, actor=actor)
    return created


async def acknowledge_task(task_id: int, *, actor: str) -> None:
    """The picker confirms a late-edit task; a put-back takes the units off the count."""
    async with write_transaction():
        task = await PickTask.select().where(
            (PickTask.id == task_id) & PickTask.acknowledged_at.is_null()).first()
        if task is None:
            raise NotFound("No such task waiting")
        if task["kind"] == "put_back":
            line = await PickListLine.select().where(
                PickListLine.id == task["pick_list_line"]).first()
            # What stays picked is exactly what the order still wants from this list.
            picked = line["picked"] - task["quantity"]
            await PickListLine.update({
                PickListLine.picked: picked, PickListLine.quantity: picked, PickListLine.short: 0,
            }).where(PickListLine.id == line["id"])
            await OrderLine.update({OrderLine.picked: OrderLine.picked - task["quantity"]}).where(
                OrderLine.id == line["order_line"])
        await PickTask.update({PickTask.acknowledged_at: _now(),
                               PickTask.acknowledged_by: actor}).where(PickTask.id == task_id)
        product = await PickListLine.select(
            PickListLine.order_line.sku.as_alias("sku"),
            PickListLine.order_line.name.as_alias("name"),
        ).where(PickListLine.id == task["pick_list_line"]).first() or {}
        await record_event(task["order"], "picking.task_acknowledged",
                           f"{task['kind'].replace('_', ' ')} {task['quantity']} done",
                           {"task_id": task_id, "kind": task["kind"],
                            "quantity": task["quantity"], "sku": product.get("sku"),
                            "name": product.get("name")}, actor=actor)


async def check_no_pending_task(order_id: int) -> None:
    """Refuse the label or the shipment while the picker has a late-edit task to confirm."""
    if await PickTask.exists().where((PickTask.order == order_id)
                                     & PickTask.acknowledged_at.is_null()):
        raise NotAllowed("The order changed while it was picked: the picker must confirm "
                         "the put-back or pick-more task first")


async def check_label_allowed(number: str) -> None:
    order = await Order.select(Order.id).where(Order.number == number).first()
    if order is not None:
        await check_no_pending_task(order["id"])
