"""JSON columns read the same whichever engine decoded them."""

import pytest

from dashboard.db.json_columns import json_value


def test_text_is_parsed_and_decoded_values_kept():
    assert json_value('{"a": [1, 2]}') == {"a": [1, 2]}
    decoded = {"a": 1}
    assert json_value(decoded, {}) is decoded


def test_null_and_empty_text_read_as_the_empty_value():
    assert json_value(None) is None
    assert json_value(None, {}) == {} and json_value("", []) == []
    assert json_value("null", {}) == {}


def test_text_that_is_not_json_is_refused():
    with pytest.raises(ValueError):
        json_value("{not json")
