"""Every kind of event the services write to an order's history has a retelling.

The sources are walked (not a list kept by hand): each ``record_event(...)``,
``event_statement(...)``, ``record_same_event(...)`` (bulk actions), ``OrderEvent(kind=...)``
and demo-data ``_event(...)`` call is read, its kind resolved (a literal, a module constant,
a dict of constants, a local assigned from literals, either side of a conditional, an
f-string whose parts are listed below, or a parameter of the enclosing function resolved at
its callers), so a new kind without a French retelling fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from dashboard.components.history_text import RETELLINGS
from dashboard.settings import PROJECT_ROOT

# f-strings that build a kind, with the values their placeholder takes (from the domain).
DYNAMIC_KINDS = {
    "picking.{}": ("pick_more", "put_back"),        # plan_late_edit's task kinds
    "payment.{}": ("overpayment", "underpayment"),  # payment_mismatch's kinds
    "{}.authorised": ("return", "exchange"),        # ReturnKind
}
# Function -> (position, keyword) of its kind argument; None where it cannot be given so.
WRITERS = {"record_event": (1, "kind"), "event_statement": (1, "kind"),
           "record_same_event": (1, "kind"), "OrderEvent": (None, "kind"),
           "_event": (2, None)}  # demo data: OrderFactory._event(order_id, at, kind, /, **data)


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and "." in n.value}


def _argument(call: ast.Call, keyword: str | None, position: int | None) -> ast.AST | None:
    for given in call.keywords:
        if keyword is not None and given.arg == keyword:
            return given.value
    return call.args[position] if position is not None and len(call.args) > position else None


def _enclosing(functions: list, line: int) -> ast.AST | None:
    """The innermost function around ``line``."""
    around = [f for f in functions if f.lineno <= line <= f.end_lineno]
    return max(around, key=lambda f: f.lineno, default=None)


def _parameter_values(name: str, function: ast.AST, module: ast.Module,
                      functions: list) -> set[str]:
    """A kind passed on as a parameter: what the function's callers in the module give."""
    params = [a.arg for a in function.args.args]
    offset = 1 if params[:1] == ["self"] else 0
    position = params.index(name) - offset if name in params else None
    found, callers = set(), 0
    for call in ast.walk(module):
        if isinstance(call, ast.Call) and _name(call.func) == function.name:
            callers += 1
            arg = _argument(call, name, position)
            assert arg is not None, f"{function.name}() called without its {name}"
            found |= _resolve(arg, module, _enclosing(functions, call.lineno), functions)
    assert callers, f"nothing calls {function.name}(): cannot tell its {name}"
    return found


def _resolve(arg: ast.AST, module: ast.Module, function: ast.AST | None,
             functions: list) -> set[str]:
    if isinstance(arg, ast.Constant):
        return {arg.value}
    if isinstance(arg, ast.IfExp):
        return (_resolve(arg.body, module, function, functions)
                | _resolve(arg.orelse, module, function, functions))
    if isinstance(arg, ast.JoinedStr):
        pattern = "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in arg.values)
        assert pattern in DYNAMIC_KINDS, f"list the values of the kind f-string {pattern!r}"
        return {pattern.replace("{}", value) for value in DYNAMIC_KINDS[pattern]}
    name = _name(arg.value) if isinstance(arg, ast.Subscript) else _name(arg)
    if (isinstance(arg, ast.Name) and function is not None
            and name in [a.arg for a in function.args.args + function.args.kwonlyargs]):
        return _parameter_values(name, function, module, functions)
    scopes = [s for s in (function, module) if s is not None]
    for scope in scopes:
        found = set()
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign) and any(_name(t) == name for t in node.targets):
                found |= _strings(node.value)
        if found:
            return found
    raise AssertionError(f"cannot tell which kind {ast.unparse(arg)} is")


def recorded_kinds(under: str = "dashboard") -> dict[str, str]:
    """kind -> the file that writes it, for the sources ``under`` that folder."""
    kinds = {}
    for path in sorted(Path(PROJECT_ROOT, under).rglob("*.py")):
        module = ast.parse(path.read_text(), filename=str(path))
        for kind in kinds_in(module):
            kinds[kind] = str(path.relative_to(PROJECT_ROOT))
    return kinds


def kinds_in(module: ast.Module) -> set[str]:
    functions = [n for n in ast.walk(module)
                 if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    kinds = set()
    for call in ast.walk(module):
        if not (isinstance(call, ast.Call) and _name(call.func) in WRITERS):
            continue
        position, keyword = WRITERS[_name(call.func)]
        arg = _argument(call, keyword, position)
        function = _enclosing(functions, call.lineno)
        if arg is None or (function is not None and function.name in WRITERS):
            continue  # the writers themselves pass their parameter on
        kinds |= _resolve(arg, module, function, functions)
    return kinds


def test_the_walk_finds_the_kinds_services_write():
    kinds = recorded_kinds()
    # One of each way a kind is written: literal, f-string, dict, constant, local.
    for kind in ("order.placed", "picking.put_back", "exchange.authorised",
                 "order.contact_changed", "payment.reminder_sent", "stock.backordered",
                 "shipment.created"):
        assert kind in kinds, kind


def test_the_walk_finds_the_kinds_bulk_actions_write():
    # record_same_event with a literal or a conditional (notes) ...
    path = Path(PROJECT_ROOT, "dashboard/services/orders/notes.py")
    assert kinds_in(ast.parse(path.read_text())) == {"note.added", "note.pinned", "note.unpinned"}
    # ... or a parameter its caller fills (as holds' _move does).
    module = ast.parse(
        "async def _move(ids, kind, summary):\n"
        "    await record_same_event(ids, kind, summary, 'staff')\n"
        "async def hold(ids):\n"
        "    await _move(ids, 'order.held', 'On hold')\n"
        "async def release(ids):\n"
        "    await _move(ids, summary='Released', kind='order.released')\n")
    assert kinds_in(module) == {"order.held", "order.released"}


def test_the_walk_finds_the_kinds_demo_data_writes():
    kinds = recorded_kinds("dashboard/services/demo")
    for kind in ("order.placed", "payment.refunded", "shipment.tracking", "picking.started",
                 "note.added"):
        assert kind in kinds, kind


def test_every_recorded_kind_has_a_retelling():
    missing = {k: where for k, where in recorded_kinds().items() if k not in RETELLINGS}
    assert not missing, f"tell these events in dashboard/components/history_text.py: {missing}"
