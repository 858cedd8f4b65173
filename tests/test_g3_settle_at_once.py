"""g3's contested projects that no cap or prior award touches are settled at once; the outcome, the
deductions and the notes must be those of settling every contested project one by one."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from duixian.population.synthetic import generate
from duixian.rulebook.wzb_2019_76.rules import g3
from rich_population import rich_tables, write
from unsettled_lines import unsettled


def _settled_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], list[Any], int]:
    raw = unsettled(path)
    at_once, in_order = copy.deepcopy(raw.lines), copy.deepcopy(raw.lines)
    settled_at_once = 0
    highest = g3._settle_highest

    def counting(*args: Any) -> None:
        nonlocal settled_at_once
        settled_at_once += int(args[-1].sum())
        highest(*args)

    monkeypatch.setattr(g3, "_settle_highest", counting)
    g3.settle(raw.context, at_once)
    monkeypatch.setattr(g3, "_settle_highest", highest)
    g3.settle(raw.context, in_order, all_in_order=True)
    return at_once, in_order, settled_at_once


def _same(a: list[Any], b: list[Any]) -> None:
    for x, y in zip(a, b, strict=True):
        assert x.rule_id == y.rule_id
        assert np.array_equal(x.final(), y.final()), x.rule_id
        assert x.adjustments.keys() == y.adjustments.keys()
        for label in x.adjustments:
            assert np.array_equal(x.adjustments[label], y.adjustments[label]), (x.rule_id, label)
        for label in x.caps:
            assert np.array_equal(x.caps[label], y.caps[label]), (x.rule_id, label)
        assert x.notes == y.notes, x.rule_id


def test_synthetic_city_settles_the_same_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = generate("wzb-2019-76", 20_000, 5, 2020, tmp_path / "pop")
    at_once, in_order, settled_at_once = _settled_both_ways(path, monkeypatch)
    assert settled_at_once > 0  # the fast path was taken
    losers = sum(len([r for r, t in ln.notes.items() if any("g3(a)" in n for n in t)]) for ln in at_once)
    assert losers > 0
    _same(at_once, in_order)


def test_prior_awards_and_caps_settle_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "rich", rich_tables())
    at_once, in_order, _ = _settled_both_ways(path, monkeypatch)
    assert any(
        any("g3(c)" in n or "g3(d)" in n or "g3(e)" in n for t in ln.notes.values() for n in t)
        for ln in in_order
    )
    _same(at_once, in_order)
