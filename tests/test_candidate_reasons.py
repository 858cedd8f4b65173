"""The candidates' text columns: each reason written once per combination of caps and deductions,
notes on their own lines, keys and ids as ``astype(str)`` gives them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pytest

from duixian.engine.rules import Lines, RuleSpec, keys
from duixian.population import batch
from duixian.population.batch import _in_blocks, _reason, _repeated, _text

SPEC = RuleSpec("doc.r", "某项补贴", "第三条", "……", "cash")
HEAD = "第三条《某项补贴》；符合：在册、合规"


def _lines() -> Lines:
    n = 6
    lines = Lines("doc.r", np.array([f"E{i}" for i in range(n)], dtype=object), keys("s", np.arange(n).astype(str)),
                  keys("p", np.arange(n).astype(str)), np.full(n, 100, dtype=np.int64))  # fmt: skip
    lines.conditions = {"在册": np.ones(n, dtype=bool), "合规": np.ones(n, dtype=bool)}
    lines.caps = {"年度上限": np.array([0, 1, 0, 1, 0, 0], dtype=bool), "总额": np.zeros(n, dtype=bool)}
    lines.adjustments = {
        "总额": np.array([5, 5, 5, 5, 5, 5]),  # a cap's own deduction is not said twice
        "附则1": np.array([0, 0, 7, 7, 0, 0]),
    }
    lines.note(4, "其他政策已给予 1.00 元")
    lines.note(4, "本笔核减 1.00 元")
    lines.note(5, "不在所选行")
    return lines


def test_each_line_has_its_caps_deductions_and_notes() -> None:
    rows = np.array([0, 1, 2, 3, 4])
    assert _reason(SPEC, _lines(), rows).to_pylist() == [
        HEAD,
        HEAD + "；封顶：年度上限",
        HEAD + "；扣减：附则1",
        HEAD + "；封顶：年度上限；扣减：附则1",
        HEAD + "；其他政策已给予 1.00 元；本笔核减 1.00 元",
    ]


def test_a_rule_without_conditions_caps_or_notes() -> None:
    lines = Lines("doc.r", np.array(["E"], dtype=object), np.array(["s:1"], dtype=object),
                  np.array(["p:1"], dtype=object), np.array([3], dtype=np.int64))  # fmt: skip
    assert _reason(SPEC, lines, np.array([0])).to_pylist() == ["第三条《某项补贴》"]


def test_text_is_what_astype_str_gives() -> None:
    rows = np.array([2, 0])
    assert _text(keys("loan", np.array(["L1", "L2", "L3"], dtype=object)), rows).to_pylist() == [
        "loan:L3",
        "loan:L1",
    ]
    for values in (
        np.array(["a", "b", "c"], dtype=object),
        np.array([1, None, "c"], dtype=object),  # not all text: str() of each, as numpy does
        np.array(["a\x00", "b", "c"], dtype=object),  # numpy drops a trailing NUL
        np.array(["a", "b", "c"]),
    ):
        got = _text(values, rows)
        assert got.type == pa.string()
        assert got.to_pylist() == values[rows].astype(str).tolist()


def test_blocks_cover_every_row_once_within_the_budget() -> None:
    for n, width in ((0, 10), (1, 0), (10, 3), (10, 2**30), (2**20, 300)):
        blocks = _in_blocks(n, width)
        assert np.array_equal(
            np.concatenate([np.arange(n)[b] for b in blocks] or [np.arange(0)]), np.arange(n)
        )
        assert all(b.stop > b.start for b in blocks)
        assert all((b.stop - b.start) * width <= batch._BLOCK_BYTES for b in blocks if b.stop - b.start > 1)


def test_text_columns_in_blocks_hold_what_one_block_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = np.array([0, 1, 2, 3, 4])
    whole = _reason(SPEC, _lines(), rows)
    readings = _repeated("某读法=甲", 5)
    assert whole.num_chunks == 1 and readings.num_chunks == 1
    # A budget of two of the longest reasons (and of two readings) a block: blocks of two rows.
    longest = max(len(t.encode()) for t in whole.to_pylist())
    monkeypatch.setattr(batch, "_BLOCK_BYTES", 2 * longest)
    blocked = _reason(SPEC, _lines(), rows)
    assert [len(c) for c in blocked.chunks] == [2, 2, 1]
    assert blocked.type == pa.string() and blocked.to_pylist() == whole.to_pylist()
    monkeypatch.setattr(batch, "_BLOCK_BYTES", 2 * len("某读法=甲".encode()))
    blocked_readings = _repeated("某读法=甲", 5)
    assert [len(c) for c in blocked_readings.chunks] == [2, 2, 1]
    assert blocked_readings.to_pylist() == readings.to_pylist() == ["某读法=甲"] * 5
