"""The single-case shortcuts (`duixian calc`'s latency) give what the plain paths give.

- ``check_tables`` marks a case's id columns distinct once it has checked them; the rules' lookups and
  g3's numbering of the lines' keys then go by position: every YAML case's lines are the same with the
  marks taken away again.
- ``Table.isin`` of a few rows looks texts up in a set: the same flags as ``np.isin``.
- ``shared_codes`` slices its numbers itself: the same parts as ``np.split``.
- g3 fills a cap of a single line without grouping: what ``cumulative_cap`` gives.
- ``mul_div_round`` bounds a scalar factor without a reduction: the same bound.
- Nothing of one case reaches the next: two different cases in a row give their own results.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
import yaml

from duixian import rulebook
from duixian.calculator import calculate_case, case_payload
from duixian.engine import money
from duixian.engine.evaluate import _duplicate_ids, case_tables, evaluate
from duixian.engine.rules import Lines
from duixian.engine.tables import Table, _isin_few, cumulative_cap, shared_codes
from duixian.rulebook.wzb_2019_76.rules import g3


def _yaml_cases() -> list[Any]:
    out = []
    for doc in rulebook.documents().values():
        for path in doc.test_files:
            for i, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
                if "expect_error" not in entry:
                    out.append(pytest.param(doc.id, entry["case"], id=f"{doc.id}/{path.stem}[{i}]"))
    return out


def _everything(result: Any) -> list[Any]:
    """Every line's amounts, conditions, caps, deductions and notes, as plain values."""
    return [
        (
            ln.rule_id,
            [str(b) for b in ln.beneficiary],
            [str(p) for p in ln.project],
            ln.amount.tolist(),
            ln.final().tolist(),
            {k: np.asarray(v).tolist() for k, v in ln.conditions.items()},
            {k: np.asarray(v).tolist() for k, v in ln.caps.items()},
            {k: np.asarray(v).tolist() for k, v in ln.adjustments.items()},
            sorted(ln.notes.items()),
            sorted(ln.parameters),
            sorted(ln.readings.items()),
        )
        for ln in result.lines
    ]


@pytest.mark.parametrize(("document", "case"), _yaml_cases())
def test_ids_known_distinct_change_nothing(document: str, case: dict[str, Any]) -> None:
    doc = rulebook.documents()[document]

    def run(keep_marks: bool) -> tuple[list[Any], int]:
        parsed, tables = case_tables(doc, case)
        marked = sum(table.is_distinct("id") for table in tables.values())
        if not keep_marks:
            for table in tables.values():
                table._distinct.clear()  # as before check_tables marked them: lookups and numbers by text
        readings = rulebook.register().choose(parsed.readings)
        result = evaluate(doc, tables, parsed.year, rulebook.parameters(), readings, None, {"case": parsed})
        timing = doc.timing(result.context) if doc.timing is not None else None
        return [*_everything(result), timing], marked

    fast, marked = run(True)
    plain, _ = run(False)
    assert fast == plain
    assert marked > 0  # the shortcut was taken


@pytest.mark.parametrize(("document", "case"), _yaml_cases())
def test_check_tables_marks_only_checked_top_level_ids(document: str, case: dict[str, Any]) -> None:
    _, tables = case_tables(rulebook.documents()[document], case)
    for table in tables.values():
        if "id" not in table:
            continue
        top_level_and_distinct = "parent_row" not in table and len(set(table["id"].tolist())) == len(table)
        assert table.is_distinct("id") == top_level_and_distinct, table.name


def test_a_nested_list_repeating_ids_of_other_parents_is_not_marked() -> None:
    """Ids of a nested list are unique within their parent only (two pilots may each have land sale 1)."""
    case = yaml.safe_load(C1)  # (defined below, with the cases run one after another)
    del case["document"]
    _, tables = case_tables(rulebook.documents()["wzb-2019-76"], case)
    assert tables["loans"].is_distinct("id") and tables["parties"].is_distinct("id")
    nested = Table("x.items", {"id": np.asarray(["1", "1"], dtype=object), "parent_row": np.asarray([0, 1])})
    assert _duplicate_ids({"x.items": nested}, "x.items") == []
    assert not nested.is_distinct("id")


_TEXTS = np.asarray(["bank", "", "enterprise", "bank", "C"], dtype=object)


@pytest.mark.parametrize(
    "values",
    [
        _TEXTS,
        np.asarray([], dtype=object),
        np.asarray(["C", None, Decimal("1"), 1, "D"], dtype=object),
        np.asarray([("C",), "C", 2.5, float("nan")], dtype=object),
        np.asarray([["C"], "C"], dtype=object),  # a list: unhashable
        np.asarray(["C", "x"]),  # not an object column
        np.asarray([1, 2, 3]),
    ],
    ids=["texts", "empty", "mixed", "tuple-nan", "unhashable", "unicode", "ints"],
)
@pytest.mark.parametrize(
    "wanted",
    [
        ["C", "D"],
        ("bank", "insurer"),
        [],
        np.asarray(["bank", "C"]),
        np.asarray(["bank", "C"], dtype=object),
        ["1", 1],
        [2.5],
        "C",
    ],
    ids=["list", "tuple", "none", "unicode-array", "object-array", "text-and-int", "float", "one-text"],
)
def test_isin_few_agrees_with_np_isin(values: np.ndarray, wanted: Any) -> None:
    found = _isin_few(values, wanted)
    assert found.dtype == bool
    assert found.tolist() == np.asarray(np.isin(values, wanted), dtype=bool).tolist()


def test_short_table_isin_takes_the_set_and_agrees() -> None:
    table = Table("parties", {"kind": _TEXTS})
    assert not table._by_words("kind")  # a few rows, no categories: the set path
    for wanted in (["bank"], ("enterprise", "C"), ["none of these"]):
        assert table.isin("kind", wanted).tolist() == np.isin(_TEXTS, wanted).tolist()


@pytest.mark.parametrize("lengths", [[1, 1, 1, 0], [0], [], [3, 0, 2], [0, 0, 5]])
def test_shared_codes_parts_are_np_split_parts(lengths: list[int]) -> None:
    rng = np.random.default_rng(len(lengths))
    arrays = [rng.choice(np.asarray(["a", "b", "c"], dtype=object), n) for n in lengths]
    parts, count = shared_codes(arrays)
    joined = np.concatenate([np.asarray(a, dtype=object) for a in arrays]) if arrays else np.empty(0, object)
    numbers: dict[Any, int] = {}
    expected = np.asarray([numbers.setdefault(v, len(numbers)) for v in joined.tolist()], dtype=np.int64)
    split = list(np.split(expected, np.cumsum(lengths)[:-1])) if arrays else []
    assert count == len(numbers)
    assert [p.tolist() for p in parts] == [s.tolist() for s in split]
    assert all(p.dtype == np.int64 for p in parts)


@pytest.mark.parametrize("payable", [0, 5, 10, 15])
@pytest.mark.parametrize("cap", [0, 10, 20])
def test_one_line_cap_is_cumulative_caps(payable: int, cap: int) -> None:
    lines = Lines.empty("wzb-2019-76.c1")
    lines.beneficiary = np.asarray(["E1", "E1"], dtype=object)
    lines.amount = np.asarray([payable, 7], dtype=np.int64)
    lines.payable = lines.amount.copy()
    label = g3._cap_label(lines)
    lines.adjustments[label] = np.zeros(2, dtype=np.int64)
    lines.caps[label] = np.zeros(2, dtype=bool)
    caps = np.asarray([cap, cap], dtype=np.int64)
    g3._cap_vectorised(lines, np.asarray([0]), np.asarray([3]), caps)
    allowed, cut = cumulative_cap(np.asarray([3]), np.asarray([payable], dtype=np.int64), caps[:1])
    assert lines.payable.tolist() == [int(allowed[0]), 7]
    assert lines.payable.dtype == np.int64
    assert lines.caps[label].tolist() == [bool(cut[0]), False]
    assert lines.adjustments[label].tolist() == [payable - int(allowed[0]), 0]


@pytest.mark.parametrize("value", [0, 1, -1, 7, -(2**62), 2**62, 2**63 - 1])
def test_magnitude_of_a_scalar_is_that_of_a_column(value: int) -> None:
    assert money._magnitude(np.asarray(value)) == money._magnitude(np.asarray([value], dtype=np.int64))


@pytest.mark.parametrize("denominator", [0, -3, np.asarray([2, 0])])
def test_a_denominator_not_positive_is_refused(denominator: Any) -> None:
    with pytest.raises(ZeroDivisionError):
        money.mul_div_round([np.asarray([5, 6])], denominator)


C1 = """
document: wzb-2019-76
year: 2020
parties:
  - {id: E1, qualifications: [{kind: national_high_tech, valid_from: 2019-01-01, valid_to: 2022-12-31}]}
  - {id: B1, kind: bank, district: 鹿城区}
loans:
  - {id: L1, borrower: E1, lender: B1, principal: 1000000, start_date: 2020-05-01, end_date: 2021-05-01}
"""
# Other ids, two loans of one borrower over the cap, and an IP pledge loan whose interest c1 and c4a both
# pay (g3(a): the higher only): every shortcut above is taken or declined differently from C1.
C1_C4 = """
document: wzb-2019-76
year: 2020
parties:
  - {id: P9, ownership: private, size_class: small,
     qualifications: [{kind: high_growth, valid_from: 2019-01-01, valid_to: 2022-12-31}]}
  - {id: K7, kind: bank, district: 瓯海区}
loans:
  - {id: A, borrower: P9, lender: K7, principal: 90000000, start_date: 2020-01-01, end_date: 2021-01-01}
  - {id: B, borrower: P9, lender: K7, principal: 50000000, start_date: 2020-02-01, end_date: 2021-02-01,
     ip_pledge: true, interest_paid: 2500000, valuation_fee: 10000}
"""


def _payload(text: str) -> str:
    result = calculate_case(yaml.safe_load(text))
    return json.dumps(
        case_payload(result, include_ineligible=True), ensure_ascii=False, sort_keys=True, default=str
    )


def test_two_cases_in_a_row_give_their_own_results() -> None:
    first_alone = _payload(C1)
    other = _payload(C1_C4)
    assert _payload(C1) == first_alone  # after another case, as before it
    assert _payload(C1_C4) == other
    assert first_alone != other
    assert json.loads(first_alone)["total"]["fen"] == 262014  # 2,620.14 yuan (rulebook test c1[0])
    lines = json.loads(other)["lines"]
    assert any("g3(a)" in note for line in lines for note in line.get("notes", []))
