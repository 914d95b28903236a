"""The layer and area contracts of pyproject.toml ([tool.importlinter]), run by the suite.

The first test fails with import-linter's report when the code breaks a contract. The
others add one forbidden import to the real import graph and check that each kind of
contract does notice it, so a contract that has gone blind fails here too.
"""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

import grimp
import pytest
from importlinter.configuration import configure
from importlinter.application.use_cases import lint_imports, read_user_options
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.contracts.protected import ProtectedContract

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
AREAS = ("orders", "payments", "stock", "fulfilment", "printing", "returns", "integrations",
         "staff")
configure()  # what the lint-imports command does first: readers, graph builder, printer
KINDS = {"forbidden": ForbiddenContract, "layers": LayersContract,
         "acyclic_siblings": AcyclicSiblingsContract, "protected": ProtectedContract}


def test_the_code_keeps_every_contract(capsys):
    kept = lint_imports(config_filename=str(PYPROJECT), cache_dir=None, no_logo=True)
    assert kept, capsys.readouterr().out


@pytest.fixture(scope="module")
def options():
    return read_user_options(config_filename=str(PYPROJECT))


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("dashboard", include_external_packages=True, cache_dir=None)


def _check(options, graph, contract_id: str, extra_import: tuple[str, str] | None):
    [contract_options] = [c for c in options.contracts_options if c["id"] == contract_id]
    contract = KINDS[contract_options["type"]](
        name=contract_options["name"], session_options=options.session_options,
        contract_options=contract_options)
    copy = deepcopy(graph)
    if extra_import:
        copy.add_import(importer=extra_import[0], imported=extra_import[1])
    return contract.check(copy, verbose=False).kept


def test_every_area_has_its_public_module_contract(options):
    ids = {c["id"] for c in options.contracts_options}
    assert {f"public-{area}" for area in AREAS} <= ids
    for area in AREAS:
        for layer in ("domain", "services"):
            assert (PYPROJECT.parent / "dashboard" / layer / area / "__init__.py").exists()


@pytest.mark.parametrize("contract_id, importer, imported", [
    ("domain-pure", "dashboard.domain.pricing", "litestar"),
    ("domain-pure", "dashboard.domain.stock.allocation", "piccolo"),
    ("views-no-db", "dashboard.views.health", "dashboard.db.tables"),
    ("layers", "dashboard.services.history", "dashboard.views.errors"),
    ("public-stock", "dashboard.services.returns.rma", "dashboard.services.stock.inventory"),
    ("public-orders", "dashboard.domain.stock.catalogue", "dashboard.domain.orders.intake"),
    ("no-cycles", "dashboard.services.stock.inventory", "dashboard.services.returns"),
    ("no-cycles", "dashboard.services.fulfilment.shipping",
     "dashboard.services.fulfilment.bulk_shipping"),
])
def test_each_contract_refuses_a_forbidden_import(options, graph, contract_id, importer,
                                                    imported):
    assert _check(options, graph, contract_id, None), f"{contract_id} is broken already"
    assert not _check(options, graph, contract_id, (importer, imported))
