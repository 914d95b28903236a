"""Which printer a job goes to: only a configured one, refused in words staff can read."""

from __future__ import annotations

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.printing.labels import chosen_printer


def test_a_configured_printer_is_chosen():
    assert chosen_printer("office", ["zebra", "office"]) == "office"


@pytest.mark.parametrize("name, configured, message", [
    ("nowhere", ["office"], "Choose one of the configured printers."),
    (None, ["office"], "Choose one of the configured printers."),
    ("office", [], "No printer is configured (DASHBOARD_PRINTERS)."),
    (None, [], "No printer is configured (DASHBOARD_PRINTERS)."),
])
def test_any_other_printer_is_refused_on_the_printer_field(name, configured, message):
    with pytest.raises(ValidationFailed) as refused:
        chosen_printer(name, configured)
    assert refused.value.fields["printer"].template == message
    assert refused.value.message == message
