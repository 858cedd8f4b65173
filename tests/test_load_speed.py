"""The loader's fast paths give what the plain ones give: columns built on first read, ids found by
probing or binary search when their order shows them distinct, the whitespace of codes removed only
where there is some, the size-figures check on the parties without a size class only."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st

from duixian.engine.tables import Column, Table
from duixian.population import checks, load
from duixian.population.load import (
    _has_space,
    _hashed_positions,
    _numbered_run,
    _positions,
    _probed_positions,
    tables_equal,
)
from duixian.rulebook.wzb_2019_76.case import SIZE_MEASURES


def _objects(*values: object) -> Column:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def test_a_column_is_built_once_on_first_read_and_the_table_reads_as_an_eager_one() -> None:
    built: list[str] = []

    def build(name: str, values: Column) -> Column:
        built.append(name)
        return values

    ids, amounts = _objects("a", "b", "c"), np.array([1, 2, 3], dtype=np.int64)
    lazy = Table.built_on_read(
        "loans",
        3,
        {"id": lambda: build("id", ids), "amount": lambda: build("amount", amounts)},
        {"parent_row": np.array([0, 0, 1], dtype=np.int64)},
    )
    assert len(lazy) == 3 and "amount" in lazy and "colour" not in lazy
    assert list(lazy) == ["id", "amount", "parent_row"] and built == []
    assert lazy["amount"] is lazy["amount"] and built == ["amount"]
    lazy.mark_distinct("id")
    assert lazy.rows_of(lazy["id"]).tolist() == [0, 1, 2]
    assert list(lazy) == ["id", "amount", "parent_row"] and built == ["amount", "id"]
    with pytest.raises(KeyError, match="no column colour"):
        lazy["colour"]
    eager = Table("loans", {"id": ids, "amount": amounts, "parent_row": np.array([0, 0, 1], dtype=np.int64)})
    assert list(lazy.columns) == list(eager.columns) == list(lazy)
    assert tables_equal({"loans": eager}, {"loans": lazy}) == []
    assert lazy.take(np.array([2, 0]))["id"].tolist() == ["c", "a"]


def test_a_view_builds_only_the_rows_read_until_the_table_builds_the_column() -> None:
    asked: list[list[int]] = []
    ids = _objects("a", "b", "c", "d")

    def some(rows: np.ndarray) -> Column:
        asked.append(rows.tolist())
        return ids[rows]

    lazy = Table.built_on_read("loans", 4, {"id": lambda: ids.copy()}, build_rows={"id": some})
    view = lazy.view("id")
    assert view is lazy.view("id") and len(view) == 4
    assert view[2] == "c" and view[-1] == "d"
    assert view[np.array([3, 0])].tolist() == ["d", "a"]
    assert view[np.array([True, False, True, False])].tolist() == ["a", "c"]
    assert view[1:3].tolist() == ["b", "c"]
    assert asked == [[2], [3], [3, 0], [0, 2], [1, 2]] and "id" not in lazy._columns
    with pytest.raises(IndexError):
        view[np.array([4])]
    assert np.asarray(view).tolist() == ids.tolist()  # the whole column: built by the table, and kept
    assert view[np.array([1])].tolist() == ["b"] and len(asked) == 5
    eager = Table("loans", {"id": ids})
    assert eager.view("id") is eager["id"]


def test_a_table_read_through_a_view_is_freed_without_the_cycle_collector() -> None:
    ids = _objects("a", "b")
    lazy = Table.built_on_read("loans", 2, {"id": lambda: ids}, build_rows={"id": lambda rows: ids[rows]})
    view = lazy.view("id")
    gone = weakref.ref(lazy)
    was_enabled = gc.isenabled()
    gc.disable()  # as while a city is evaluated: only reference counting frees
    try:
        del lazy
        assert gone() is not None and view[1] == "b"  # the view keeps its table
        del view
        assert gone() is None
    finally:
        if was_enabled:
            gc.enable()


def test_a_built_column_of_another_length_is_refused() -> None:
    with pytest.raises(ValueError, match="2 rows, not 3"):
        Table.built_on_read("loans", 3, {"id": lambda: _objects("a", "b")})["id"]


def _ordered_run(ids: pa.Array) -> tuple[int, int] | None:
    """The ordered run ``_numbered_run`` finds (None: none known)."""
    found = _numbered_run(ids)
    return None if found is None else found[0]


def test_order_proves_distinct_ids_only_when_they_are() -> None:
    banks = [f"B{i:04d}" for i in range(60)] + ["B-OUT", "G0001", "I0001"]
    enterprises = [f"E{i:07d}" for i in range(1, 1000)]
    assert _ordered_run(pa.array(banks + enterprises)) is not None  # overlapping short runs, distinct
    assert _ordered_run(pa.array(banks + enterprises + ["E0000005"])) is None  # a repeat after the run
    assert _ordered_run(pa.array(["E0000005", *enterprises])) is None  # a repeat before it
    assert _ordered_run(pa.array(["B1", "B1", *enterprises])) is None  # a repeat among the short runs
    assert _ordered_run(pa.array([f"E{(i * 7919) % 1000:04d}" for i in range(1000)])) is None  # unordered
    assert _ordered_run(pa.array([], pa.string())) == (0, 0) and _ordered_run(pa.array(["x"])) == (0, 1)


_TEXT = st.text(alphabet="abc", max_size=3)


@given(st.lists(_TEXT, max_size=40), st.lists(st.lists(_TEXT, max_size=20), max_size=3), st.booleans())
def test_probing_and_hashing_find_the_same_rows(ids: list[str], keys: list[list[str]], ordered: bool) -> None:
    if ordered:
        ids = sorted(set(ids))
    arrays = [pa.array(k, pa.string()) for k in keys]
    hashed, distinct = _hashed_positions(pa.array(ids, pa.string()), arrays)
    assert distinct == (len(set(ids)) == len(ids))
    expected = [[ids.index(k) if k in ids else -1 for k in key] for key in keys]
    assert [h.tolist() for h in hashed] == expected
    found, distinct = _positions(pa.array(ids, pa.string()), arrays)
    assert [f.tolist() for f in found] == expected and distinct == (len(set(ids)) == len(ids))
    if distinct:
        assert [p.tolist() for p in _probed_positions(pa.array(ids, pa.string()), arrays)] == expected
    if _ordered_run(pa.array(ids, pa.string())) is not None:
        assert len(set(ids)) == len(ids)


# Texts of 0–10 bytes: ASCII, a NUL (which numbers alike with and without), a 3-byte character;
# over 8 bytes the ids are hashed, not searched.
_ID_TEXT = st.text(alphabet=["a", "b", "\x00", "镇"], max_size=4)


@given(
    st.lists(_ID_TEXT, max_size=40),
    st.lists(_ID_TEXT, max_size=4, unique=True),
    st.lists(st.tuples(st.lists(_ID_TEXT, max_size=30), st.booleans()), max_size=3),
)
def test_searching_ordered_ids_finds_the_rows_hashing_finds(
    run: list[str], first: list[str], keys: list[tuple[list[str], bool]]
) -> None:
    """Ids in one ascending run after a few others (a city's enterprises after its banks), keys sorted
    or not: binary search over the ids as numbers finds what hashing finds, row for row."""
    ids = [i for i in first if i not in run] + sorted(set(run))
    arrays = [pa.array(sorted(k) if ordered else k, pa.string()) for k, ordered in keys]
    expected = [[ids.index(k) if k in ids else -1 for k in key.to_pylist()] for key in arrays]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load, "_SEARCHED", 0)  # search every ascending key array, however short
        found, distinct = _positions(pa.array(ids, pa.string()), arrays)
    assert [f.tolist() for f in found] == expected and distinct


def test_a_city_of_ordered_ids_is_searched_not_hashed() -> None:
    """Banks first, then enterprises in order, loans listed by borrower: the search path answers (it
    returns None where it would not), and finds every borrower, the banks among the lenders too."""
    banks = ["B0002", "B0001"]
    enterprises = [f"E{i:07d}" for i in range(1, 10_001)]
    ids = pa.array(banks + enterprises)
    borrowers = pa.array(sorted([f"E{i:07d}" for i in range(1, 10_001, 3)] * 2 + ["B0001", "E9999999"]))
    run = _ordered_run(ids)
    assert run == (1, 10_002)  # B0001 sorts before the enterprises: the run starts there
    searched = load._searched_positions(ids, run, [borrowers, pa.array(["B0002"])])
    assert searched is not None
    expected = [(banks + enterprises).index(b) if b != "E9999999" else -1 for b in borrowers.to_pylist()]
    assert searched[0].tolist() == expected and searched[1].tolist() == [0]
    long_ids = pa.array([f"LONG-ID-{i:09d}" for i in range(10_000)])  # 18 bytes: hashed
    assert load._searched_positions(long_ids, (0, 10_000), [long_ids]) is None


def test_codes_lose_their_whitespace_only_where_they_have_some() -> None:
    clean = pa.chunked_array([pa.array(["91330302MA2AB1234X", None]), pa.array(["913303026398025328"])])
    assert not _has_space(clean)
    assert not _has_space(pa.chunked_array([pa.array(["91330302MA2AB1234X", "A B"]).slice(0, 1)]))
    for c in map(chr, range(0x3100)):
        if 0xD800 <= ord(c) < 0xE000:  # (surrogates are not text)
            continue
        column = pa.chunked_array([pa.array(["913303026398025328"]), pa.array([f"9133{c}0302"])])
        spaced = pc.not_equal(pc.replace_substring_regex(column, r"\s+", ""), column)
        assert _has_space(column) or not pc.any(spaced).as_py()  # no byte ≤ 0x20: nothing for the regex


def test_size_figures_are_required_of_unclassified_parties_only() -> None:
    industries = list(SIZE_MEASURES)
    rng = np.random.default_rng(3)
    n = 400
    size_class = _objects(*rng.choice(["", "", "micro"], n))
    industry = _objects(*rng.choice(["", *industries], n))
    figures = {
        m: rng.choice([-1, 0, 5], n).astype(np.int64) for m in ("employees", "revenue", "total_assets")
    }
    parties = Table("parties", {"size_class": size_class, "industry": industry, **figures})
    expected = [
        size_class[i] == "" and any(figures[m][i] < 0 for m in SIZE_MEASURES.get(industry[i], ()))
        for i in range(n)
    ]
    field, bad = checks._party_size_figures({"parties": parties}, "parties")
    assert field == "size_class" and bad.tolist() == expected and 0 < sum(expected) < n
    classified = Table("parties", {"size_class": _objects("micro"), "industry": _objects("retail")})
    assert not checks._party_size_figures({"parties": classified}, "parties")[1].any()  # figures unread


def test_a_long_reference_column_holds_its_targets_id_strings_and_its_own_text_where_none_is_found() -> None:
    """``loans.borrower`` of a city names the parties' ids: the very strings, not copies of them."""
    from duixian import rulebook
    from duixian.population.write import case_to_arrow

    document = rulebook.documents()["wzb-2019-76"]
    loan = {"lender": "B1", "principal": "1000000", "start_date": "2020-01-01", "end_date": "2021-01-01"}
    parties = [
        {"id": "E1", "size_class": "micro"},
        {"id": "E2", "size_class": "small"},
        {"id": "B1", "kind": "bank"},
    ]
    loans = [{"id": f"L{i}", "borrower": b, **loan} for i, b in enumerate(["E2", "E1", "E9", "E2"])]
    _, raw = case_to_arrow(document, {"year": 2020, "parties": parties, "loans": loans})
    tables = load.arrow_to_tables(document, raw)
    ids, borrowers = tables["parties"]["id"], tables["loans"]["borrower"]
    assert borrowers.tolist() == ["E2", "E1", "E9", "E2"]
    assert borrowers[0] is ids[1] and borrowers[1] is ids[0] and borrowers[3] is ids[1]
    assert tables["parties"].rows_of(borrowers).tolist() == [1, 0, -1, 1]
    assert tables["loans"]["lender"][0] is ids[2]  # once the ids are built, every reference shares them


def test_a_column_provided_by_the_caller_is_kept_unless_already_built() -> None:
    built = _objects("a", "b")
    table = Table.built_on_read("t", 2, {"x": lambda: built, "y": lambda: _objects("c", "d")})
    given = _objects("a", "b")
    assert not table.is_built("x") and table.provide("x", given) is given and table["x"] is given
    assert table["y"].tolist() == ["c", "d"] and table.provide("y", given) is table["y"] is not given
    with pytest.raises(ValueError, match="1 rows, not 2"):
        Table.built_on_read("t", 2, {"x": lambda: built}).provide("x", _objects("a"))
    with pytest.raises(KeyError, match="no column z"):
        table.provide("z", given)
