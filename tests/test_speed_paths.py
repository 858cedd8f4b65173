"""The batch's fast paths give what the plain ones give: lazy keys, remembered and scanned lookups,
hashed grouping, exact arithmetic split between int64 and Python integers, Arrow-side checks."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
from hypothesis import assume, given
from hypothesis import strategies as st

from duixian.engine.identifiers import check_uscc
from duixian.engine.money import mul_div_round
from duixian.engine.rules import Keys, prefixed
from duixian.engine.tables import Table, group_codes, group_totals, index_of, shared_codes
from duixian.population.checks import invalid_uscc
from duixian.population.load import _positions, _strings
from uscc_samples import random_code


def _objects(*values: str) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def test_lazy_keys_read_as_the_eager_column() -> None:
    ids = _objects("L1", "L2", "L3")
    lazy, eager = Keys("loan", ids), prefixed("loan", ids)
    assert len(lazy) == 3 and lazy[1] == "loan:L2" and lazy[np.int64(2)] == "loan:L3"
    assert lazy[np.array([2, 0])].tolist() == ["loan:L3", "loan:L1"]
    assert list(lazy) == eager.tolist() == lazy.tolist()
    assert np.asarray(lazy).tolist() == eager.tolist() and lazy.astype(str).tolist() == eager.tolist()
    assert (lazy == "loan:L2").tolist() == [False, True, False]
    assert (lazy == Keys("loan", ids)).all() and not (lazy != eager).any()


def test_every_lookup_path_finds_the_first_row_of_each_key() -> None:
    ids = _objects(*[f"P{i % 700}" for i in range(1000)])  # repeated ids: the first row wins
    expected = index_of(_objects("P5", "nobody", "P699"), ids).tolist()
    assert expected == [5, -1, 699]
    scanned = Table("parties", {"id": ids})
    assert scanned.rows_of(_objects("P5", "nobody", "P699")).tolist() == expected  # one pass
    assert scanned.rows_of(_objects("P699", "P5")).tolist() == [699, 5]  # then the index
    own = Table("parties", {"id": _objects("a", "b", "c")})
    own.mark_distinct("id")
    assert own.rows_of(own["id"]).tolist() == [0, 1, 2]
    keys = _objects("c", "a")
    own.remember_rows(keys, np.array([2, 0]))
    assert own.rows_of(keys).tolist() == [2, 0]
    assert own.rows_of(_objects()).tolist() == []


def test_arrow_positions_match_the_index() -> None:
    ids = pa.array(["a", "b", "a", "c", ""])
    (found, none), distinct = _positions(ids, [pa.array(["c", "a", "z", ""]), pa.array([], pa.string())])
    assert found.tolist() == [3, 0, -1, 4] and none.tolist() == [] and not distinct
    (found,), distinct = _positions(pa.array(["x", "y"]), [pa.array(["y", "q", "x"])])
    assert found.tolist() == [1, -1, 0] and distinct


def test_hashed_groups_sum_like_sorted_groups() -> None:
    keys = _objects("E2", "E1", "E2", "E3", "E1")
    values = np.array([1, 2, 3, 4, 5], dtype=np.int64)
    codes = group_codes(keys)
    assert codes.tolist() == [0, 1, 0, 2, 1]
    assert group_totals(keys, values).tolist() == [4, 7, 4, 4, 7]
    assert group_totals(np.array([3, 1, 3]), np.array([1, 1, 1], dtype=np.int64)).tolist() == [2, 1, 2]
    many = [_objects(*[f"k{i % 900}" for i in range(1200)]), _objects("k3", "new")]
    (first, second), count = shared_codes(many)
    assert count == 901 and second[0] == first[3] and second[1] == 900
    (small,), count = shared_codes([_objects("x", "y", "x")])
    assert small.tolist() == [0, 1, 0] and count == 2


def test_many_texts_are_numbered_in_order_of_first_appearance() -> None:
    rng = np.random.default_rng(3)
    texts = _objects(*[f"企业{k}" for k in rng.integers(0, 700, size=5000)])
    numbers: dict[str, int] = {}
    by_hand = [numbers.setdefault(t, len(numbers)) for t in texts.tolist()]
    assert group_codes(texts).tolist() == by_hand  # numbered by Arrow (5000 texts)
    with_none = texts.copy()
    with_none[[7, 4000]] = None  # not text: numbered by Python, same rule
    numbers = {}
    assert group_codes(with_none).tolist() == [
        numbers.setdefault(t, len(numbers)) for t in with_none.tolist()
    ]


@given(
    st.lists(st.integers(min_value=-(10**12), max_value=10**12), min_size=1, max_size=30),
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=1, max_value=10**6),
)
def test_mul_div_round_is_exact_when_some_rows_overflow_int64(
    amounts: list[int], factor: int, denominator: int
) -> None:
    # The products may overflow int64 (the point of the test); the results, being fen, must not.
    assume(all(abs(a * factor * 37) // denominator < 2**62 for a in amounts))
    column = np.asarray(amounts, dtype=np.int64)
    got = mul_div_round([column, factor, 37], denominator).tolist()
    for amount, fen in zip(amounts, got, strict=True):
        exact = Fraction(amount * factor * 37, denominator)
        magnitude = abs(exact)
        rounded = int(magnitude) + (1 if magnitude - int(magnitude) >= Fraction(1, 2) else 0)
        assert fen == (rounded if exact >= 0 else -rounded)


def test_uscc_check_on_arrow_bytes_agrees_with_check_uscc() -> None:
    rng = random.Random(5)
    codes = []
    for _ in range(3000):
        code = random_code(rng, "123456789ANY0", "1239A", "0123456789A", 0.7)
        codes.append(rng.choice([code, code, code[:17], "温州" + code[2:], code + "X"]))
    refused = []
    for code in codes:
        try:
            check_uscc(code)
            refused.append(False)
        except ValueError:
            refused.append(True)
    assert 0 < sum(refused) < len(codes)
    assert invalid_uscc(pa.array(codes)).tolist() == refused
    assert invalid_uscc(pa.chunked_array([pa.array(codes[:999]), pa.array(codes[999:])])).tolist() == refused
    assert invalid_uscc(pa.array(codes).slice(7)).tolist() == refused[7:]
    assert invalid_uscc(_objects(*codes)).tolist() == refused


def test_category_text_columns_decode_to_the_same_strings() -> None:
    first = pa.array(["鹿城区", "市外", None] * 2000)
    second = pa.array(["龙湾区", None, "市外", "鹿城区"] * 1500)  # other values, in another order
    column = pa.chunked_array([first, second]).fill_null("")
    expected = ["" if v is None else v for v in first.to_pylist() + second.to_pylist()]
    assert _strings(column).tolist() == expected
    ids = pa.array([f"E{i}" for i in range(6000)])  # not a category: decoded row by row
    assert _strings(ids).tolist() == ids.to_pylist()
