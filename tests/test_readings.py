"""The interpretations register: defaults valid, overrides checked, every switch explained."""

from __future__ import annotations

import pytest

from duixian import rulebook
from duixian.errors import InputError


def test_every_entry_has_a_reason_and_a_valid_default() -> None:
    reg = rulebook.register()
    assert reg.entries
    for entry in reg.entries.values():
        assert entry.reason.strip() and entry.question.strip()
        assert entry.default in entry.options
        known = {spec.id for spec in rulebook.all_rules()}
        assert all(p in known for p in entry.provisions), entry.switch


def test_overrides_are_validated_naming_the_field() -> None:
    reg = rulebook.register()
    assert reg.choose({"wzb-2019-76.c1.day_count": "actual_365"})["wzb-2019-76.c1.day_count"] == "actual_365"
    with pytest.raises(InputError) as e:
        reg.choose({"wzb-2019-76.c1.day_count": "actual_366"})
    assert e.value.field == "readings.wzb-2019-76.c1.day_count"
    with pytest.raises(InputError, match="没有这个开关"):
        reg.choose({"nope": "x"})
