"""JSON columns as Python values, whichever engine read them.

PostgreSQL's driver hands JSON columns back decoded, SQLite's as their text; every reader
of a JSON column goes through ``json_value`` instead of testing for ``str`` itself.
"""

from __future__ import annotations

import json
from typing import Any


def json_value(value: Any, empty: Any = None) -> Any:
    """The column's value decoded (text is parsed, a decoded value kept); ``empty`` for
    NULL or an empty text. Raises ``ValueError`` for text that is not JSON."""
    if isinstance(value, str):
        value = json.loads(value) if value else None
    return empty if value is None else value
