"""Holds: a reason that stops picking and shipping an order, and its release.

The status table in ``domain/statuses.py`` decides which orders may go on hold (open
ones) or come off it (on_hold ones); others are skipped with the reason. The bulk actions
of the orders workspace (``hold_orders`` / ``release_holds``) take free-text reasons; the
one-order use-cases (``hold_order`` / ``release_hold``) take one of the fulfilment hold
reasons of ``domain.fulfilment.HoldReason``, including "until a date". Either way, a held
order is neither picked nor shipped (``domain.fulfilment.check_workable``).
"""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed({"reason": "required"})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed({"reason": f"at most {MAX_REASON_LENGTH} characters"})
    return await _move(order_ids, OrderStatus.OPEN, OrderStatus.ON_HOLD,
                       {Order.hold_reason: reason}, "order.held", f"On hold: {reason}", actor,
                       "already on hold")


async def release_holds(order_ids: Sequence[int], actor: str) -> BulkResult:
    """Take orders off hold (back to open); orders not on hold are skipped."""
    return await _move(order_ids, OrderStatus.ON_HOLD, OrderStatus.OPEN,
                       {Order.hold_reason: None, Order.hold_until: None}, "order.released",
                       "Hold released", actor, "not on hold")


async def hold_order(number: str, reason: str, until: datetime | None, actor: str) -> None:
    """Put the order on hold. Raises ``ValidationFailed`` (reason, date), ``NotFound``,
    ``NotAllowed`` (already held), ``InvalidTransition`` (cancelled or closed) or
    ``StaleVersion``."""
    async with write_transaction():
        order = await load_order(number)
        check_hold(order["status"], reason, until)
        await bump_version(order, {Order.status: OrderStatus.ON_HOLD.value,
                                   Order.hold_reason: reason, Order.hold_until: until})
        summary = f"On hold: {reason.replace('_', ' ')}"
        if until is not None:
            summary += f" until {until.date().isoformat()}"
        await record_event(order["id"], "order.held", summary,
                           {"reason": reason, "until": until.isoformat() if until else None},
                           actor=actor)


async def release_hold(number: str, actor: str) -> None:
    """Take the order off hold. Raises ``NotFound``, ``NotAllowed`` (not held) or
    ``StaleVersion``."""
    async with write_transaction():
        order = await load_order(number)
        if order["status"] != OrderStatus.ON_HOLD:
            raise NotAllowed(f"Order {number} is not on hold")
        check_transition("status", order["status"], OrderStatus.OPEN)
        await bump_version(order, {Order.status: OrderStatus.OPEN.value, Order.hold_reason: None,
                                   Order.hold_until: None})
        await record_event(order["id"], "order.released",
                           f"Hold released ({(order['hold_reason'] or '').replace('_', ' ')})",
                           {"reason": order["hold_reason"]}, actor=actor)
