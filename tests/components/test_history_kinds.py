"""Every kind of event the services write to an order's history has a retelling.

The sources are walked (not a list kept by hand): each ``record_event(...)``,
``event_statement(...)`` and ``OrderEvent(kind=...)`` call is read, its kind resolved
(a literal, a module constant, a dict of constants, a local assigned from literals, or an
f-string whose parts are listed below), so a new kind without a French retelling fails here.
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
WRITERS = {"record_event", "event_statement", "OrderEvent"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and "." in n.value}


def _kind_arg(call: ast.Call) -> ast.AST | None:
    for keyword in call.keywords:
        if keyword.arg == "kind":
            return keyword.value
    return call.args[1] if _name(call.func) != "OrderEvent" and len(call.args) > 1 else None


def _resolve(arg: ast.AST, module: ast.Module, function: ast.AST | None) -> set[str]:
    if isinstance(arg, ast.Constant):
        return {arg.value}
    if isinstance(arg, ast.JoinedStr):
        pattern = "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in arg.values)
        assert pattern in DYNAMIC_KINDS, f"list the values of the kind f-string {pattern!r}"
        return {pattern.replace("{}", value) for value in DYNAMIC_KINDS[pattern]}
    name = _name(arg.value) if isinstance(arg, ast.Subscript) else _name(arg)
    scopes = [s for s in (function, module) if s is not None]
    for scope in scopes:
        found = set()
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign) and any(_name(t) == name for t in node.targets):
                found |= _strings(node.value)
        if found:
            return found
    raise AssertionError(f"cannot tell which kind {ast.unparse(arg)} is")


def recorded_kinds() -> dict[str, str]:
    """kind -> the file that writes it."""
    kinds = {}
    for path in sorted(Path(PROJECT_ROOT, "dashboard").rglob("*.py")):
        module = ast.parse(path.read_text(), filename=str(path))
        functions = [n for n in ast.walk(module)
                     if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for call in ast.walk(module):
            if not (isinstance(call, ast.Call) and _name(call.func) in WRITERS):
                continue
            arg = _kind_arg(call)
            if arg is None or (isinstance(arg, ast.Name) and arg.id == "kind"
                               and path.name == "history.py"):
                continue  # the writers themselves pass their parameter on
            function = next((f for f in functions if f.lineno <= call.lineno <= f.end_lineno
                             and not any(g is not f and f.lineno < g.lineno <= call.lineno
                                         <= g.end_lineno for g in functions)), None)
            for kind in _resolve(arg, module, function):
                kinds[kind] = str(path.relative_to(PROJECT_ROOT))
    return kinds


def test_the_walk_finds_the_kinds_services_write():
    kinds = recorded_kinds()
    # One of each way a kind is written: literal, f-string, dict, constant, local.
    for kind in ("order.placed", "picking.put_back", "exchange.authorised",
                 "order.contact_changed", "payment.reminder_sent", "stock.backordered",
                 "shipment.created"):
        assert kind in kinds, kind


def test_every_recorded_kind_has_a_retelling():
    missing = {k: where for k, where in recorded_kinds().items() if k not in RETELLINGS}
    assert not missing, f"tell these events in dashboard/components/history_text.py: {missing}"
