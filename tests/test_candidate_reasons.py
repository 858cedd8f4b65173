"""The candidates' text columns: each reason written once per combination of caps and deductions,
notes on their own lines, keys and ids as ``astype(str)`` gives them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from duixian.engine.document import Document
from duixian.engine.rules import MONEY_KINDS, Lines, RuleSpec, keys
from duixian.population import batch, open_population
from duixian.population.batch import _reason, _text, run_batch
from rich_population import rich_tables, rich_tables_71, write, write_71

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


def _reasons(lines: Lines, rows: np.ndarray, numbers: dict[str, int] | None = None) -> list[str]:
    """``_reason``'s numbers as the texts they stand for."""
    numbers = {} if numbers is None else numbers
    codes = _reason(SPEC, lines, rows, numbers)
    assert codes.dtype == np.int32
    texts = list(numbers)
    return [texts[c] for c in codes.tolist()]


def test_each_line_has_its_caps_deductions_and_notes() -> None:
    rows = np.array([0, 1, 2, 3, 4])
    assert _reasons(_lines(), rows) == [
        HEAD,
        HEAD + "；封顶：年度上限",
        HEAD + "；扣减：附则1",
        HEAD + "；封顶：年度上限；扣减：附则1",
        HEAD + "；其他政策已给予 1.00 元；本笔核减 1.00 元",
    ]


def test_a_rule_without_conditions_caps_or_notes() -> None:
    lines = Lines("doc.r", np.array(["E"], dtype=object), np.array(["s:1"], dtype=object),
                  np.array(["p:1"], dtype=object), np.array([3], dtype=np.int64))  # fmt: skip
    assert _reasons(lines, np.array([0])) == ["第三条《某项补贴》"]


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


def _plain_reason(spec: RuleSpec, lines: Lines, r: int) -> str:
    """One line's reason written out on its own (the plain way the dictionary must agree with)."""
    text = f"{spec.clause}《{spec.title}》"
    if lines.conditions:
        text += "；符合：" + "、".join(lines.conditions)
    text += "".join(f"；封顶：{label}" for label, bound in lines.caps.items() if bound[r])
    text += "".join(
        f"；扣减：{label}" for label, d in lines.adjustments.items() if label not in lines.caps and d[r] > 0
    )
    return text + ("；" + "；".join(lines.notes[r]) if r in lines.notes else "")


def _random_lines(rng: np.random.Generator, n: int, caps: int) -> Lines:
    lines = Lines("doc.r", np.array([f"E{i}" for i in range(n)], dtype=object), keys("s", np.arange(n).astype(str)),
                  keys("p", np.arange(n).astype(str)), np.full(n, 100, dtype=np.int64))  # fmt: skip
    lines.conditions = {"在册": np.ones(n, dtype=bool)}
    lines.caps = {f"上限{c}": rng.random(n) < 0.3 for c in range(caps)}
    lines.adjustments = {"上限0": rng.integers(0, 3, n), "附则1": rng.integers(0, 2, n) * 5}
    for r in rng.choice(n, size=n // 10, replace=False).tolist():
        lines.note(r, f"其他政策已给予 {rng.integers(0, 3)}.00 元")  # some noted lines share a text
    return lines


def test_reasons_equal_those_written_line_by_line() -> None:
    rng = np.random.default_rng(3)
    numbers: dict[str, int] = {}
    for n, caps in ((400, 3), (60, 64), (1, 0)):  # 64 caps: more flags than bits of an int64
        lines = _random_lines(rng, n, caps)
        rows = np.flatnonzero(rng.random(n) < 0.7) if n > 1 else np.array([0])
        # One dictionary for all three (as for a table's rules): the later ones' numbers come after.
        assert _reasons(lines, rows, numbers) == [_plain_reason(SPEC, lines, r) for r in rows.tolist()]


def _dictionary(values: list[str], order: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(
        pa.array([order.index(v) for v in values], pa.int32()), pa.array(order)
    )


def _candidates(reasons: list[str], order: list[str]) -> pa.Table:
    """Lines alike in every key but their reasons (and two rules), the reasons' dictionary in ``order``."""
    n = len(reasons)
    return pa.table(
        {
            "beneficiary": ["E1"] * n,
            "rule": ["doc.b" if i % 3 else "doc.a" for i in range(n)],
            "kind": ["cash"] * n,
            "subject": ["s"] * n,
            "project": ["p"] * n,
            "district": [None] * n,
            "amount_fen": [100] * n,
            "amount": pa.array([Decimal("1.00")] * n, pa.decimal128(16, 2)),
            "readings": _dictionary(["r"] * n, ["r"]),
            "reason": _dictionary(reasons, order),
        },
        schema=batch.CANDIDATE_SCHEMA,
    )


def test_canonical_order_sorts_reasons_as_their_text() -> None:
    texts = ["第三条《乙》", "第三条《乙》；封顶：年度", "第三条《甲》；注", "a", "第一条《丙》"]
    one = _candidates([texts[i % 5] for i in range(9)], texts)  # dictionary unsorted
    two = _candidates([texts[i % 4] for i in (4, 3, 2, 1, 0, 7)], list(reversed(texts)))  # another one
    table = pa.concat_tables([one, two])
    assert table["reason"].chunk(0).dictionary != table["reason"].chunk(1).dictionary
    specs = {r: RuleSpec(r, "题", "条", "……", "cash") for r in ("doc.b", "doc.a")}
    document = Document("doc", "1号", "文件", dt.date(2019, 1, 1), dt.date(2099, 1, 1), Path("."), specs)
    plain = table.cast(batch.PLAIN_SCHEMA)
    position = pa.array([0 if r == "doc.b" else 1 for r in plain["rule"].to_pylist()], pa.int64())
    keys = ["_position", "beneficiary", "subject", "project", "amount_fen", "reason"]
    expected = plain.append_column("_position", position).sort_by([(k, "ascending") for k in keys])
    got = batch.canonical_order(table, document)
    assert got.schema == batch.CANDIDATE_SCHEMA
    assert got.cast(batch.PLAIN_SCHEMA).equals(expected.drop_columns(["_position"]))
    assert got["reason"].to_pylist() != table["reason"].to_pylist()  # the order did change
    empty = batch.CANDIDATE_SCHEMA.empty_table()
    assert batch.canonical_order(empty, document).num_rows == 0


def test_text_columns_keep_their_values_through_parquet(tmp_path: Path) -> None:
    texts = ["第三条《乙》", "第三条《乙》；封顶：年度", "第三条《甲》；注", "a"]
    one, two = _candidates([texts[i % 4] for i in range(7)], texts), _candidates(texts[:2], texts[1::-1])
    writer = pq.ParquetWriter(tmp_path / "c.parquet", batch.CANDIDATE_SCHEMA)  # as the chunked run writes
    writer.write_table(one)
    writer.write_table(two)
    writer.close()
    pq.write_table(pa.concat_tables([one, two]), tmp_path / "d.parquet")  # as several populations
    for name in ("c", "d"):
        back = pq.read_table(tmp_path / f"{name}.parquet")
        assert back.schema.field("reason").type == batch.TEXT
        assert back.to_pylist() == one.to_pylist() + two.to_pylist()


@pytest.mark.parametrize("document", ["wzb-2019-76", "wzjk-2019-71"])
def test_candidate_texts_equal_those_written_line_by_line(document: str, tmp_path: Path) -> None:
    """Every rule's readings and reasons (caps that bound, deductions, g3's and 附则1's notes) as the
    plain way writes them, line by line, in the table's order (the rich populations have all three)."""
    if document == "wzb-2019-76":
        path = write(tmp_path / "p", rich_tables())
    else:
        path = write_71(tmp_path / "p", rich_tables_71())
    run = run_batch(open_population(path))
    rules = run.result.document.rules
    readings, reasons, noted = [], [], 0
    for lines in run.result.lines:
        spec = rules[lines.rule_id]
        if spec.kind not in MONEY_KINDS:
            continue
        rows = np.flatnonzero(lines.final() > 0).tolist()
        text = "; ".join(f"{k}={v}" for k, v in sorted(lines.readings.items()))
        readings += [text] * len(rows)
        reasons += [_plain_reason(spec, lines, r) for r in rows]
        noted += sum(r in lines.notes for r in rows)
    table = run.candidates
    assert table.schema == batch.CANDIDATE_SCHEMA
    assert table["readings"].to_pylist() == readings
    assert table["reason"].to_pylist() == reasons
    assert noted and any("封顶" in r for r in reasons) and any("扣减" in r for r in reasons)
    first = table["reason"].chunk(0).dictionary  # one dictionary for all (an IPC file takes no other)
    assert table["reason"].num_chunks > 1 and all(c.dictionary.equals(first) for c in table["reason"].chunks)


def test_distinct_by_counting_equals_numpy_unique() -> None:
    rng = np.random.default_rng(5)
    for bits in (1, 3, batch._COUNTED_BITS, batch._COUNTED_BITS + 1, 40):
        for n in (1, 7, 5000):
            packed = rng.integers(0, 1 << min(bits, 12), n) << rng.integers(0, bits - min(bits, 12) + 1)
            distinct, inverse = batch._distinct(packed, bits)
            expected, expected_inverse = np.unique(packed, return_inverse=True)
            assert np.array_equal(distinct, expected) and np.array_equal(inverse, expected_inverse)
            assert np.array_equal(distinct[inverse], packed)
