"""More of the loader's fast paths, each against the plain way it replaces: value checks judged on a
dictionary's values, texts left untrimmed when they hold no whitespace, credit codes checked two
characters at a time, ids searched as numbers (keys out of order sorted first), the ordered run of
ids proved by search, lists of whole numbers as shared tuples."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st

from duixian.engine.identifiers import _ALPHABET, check_uscc
from duixian.errors import InputError, InputErrors
from duixian.population import load
from duixian.population.checks import invalid_uscc
from duixian.population.load import open_population, read_arrow_tables
from duixian.population.schema import FieldSpec
from duixian.population.synthetic import generate
from uscc_samples import random_code

# --- value checks on a dictionary's values --------------------------------------------------------

_WORD = st.one_of(st.none(), st.sampled_from(["", "a", "ab", "abc", "abcd", " a", "镇", "b-1", "2020-13"]))
_JUDGES: list[tuple[Callable[[pa.Array], pa.Array], Callable[[str], bool]]] = [
    (partial(load._not_in, allowed=pa.array(["a", "abc", "镇"])), lambda v: v not in ("a", "abc", "镇")),
    (partial(load._length_beyond, pc.less, 1, True), lambda v: len(v) < 1),
    (partial(load._length_beyond, pc.less, 2, True), lambda v: len(v) < 2),
    (partial(load._length_beyond, pc.greater, 2, True), lambda v: len(v) > 2),
    (partial(load._unmatched, r"^[a-z]+$"), lambda v: not v.isascii() or not v.isalpha()),
    (partial(load._beyond, pc.less, pa.scalar("ab")), lambda v: v < "ab"),
]


@given(st.lists(st.lists(_WORD, max_size=30), min_size=1, max_size=3), st.integers(0, len(_JUDGES) - 1))
def test_a_dictionary_column_is_judged_as_its_rows_are(chunks: list[list[str | None]], which: int) -> None:
    """Each chunk with a dictionary of its own (its values in another order than the plain column's
    first appearance): the rows refused, from the dictionary's values, are those refused row by row,
    and those a plain Python judgement refuses (a null row never is)."""
    judge, refused = _JUDGES[which]
    plain = pa.chunked_array([pa.array(c, pa.string()) for c in chunks], type=pa.string())
    encoded = pa.chunked_array([pa.array(list(reversed(c)), pa.string()).dictionary_encode() for c in chunks])
    encoded = pa.chunked_array(
        [chunk.take(pa.array(np.arange(len(chunk))[::-1].copy())) for chunk in encoded.chunks]
    )
    assert encoded.to_pylist() == plain.to_pylist()
    expected = [v is not None and refused(v) for v in plain.to_pylist()]

    def rows(column: pa.ChunkedArray) -> list[bool]:
        mask = load._bad_rows(column, judge)
        return [False] * len(column) if mask is None else mask.tolist()

    assert rows(plain) == expected
    assert rows(encoded) == expected


def test_a_dictionary_holding_a_null_value_is_judged_row_by_row_as_before() -> None:
    """A null among a dictionary's values (Feather can write one): judged on its rows, not its
    values, as the loader always judged such a column."""
    indices = pa.array([0, 1, 2, None, 1], pa.int32())
    column = pa.chunked_array([pa.DictionaryArray.from_arrays(indices, pa.array(["a", None, "zz"]))])
    mask = load._bad_rows(column, partial(load._not_in, allowed=pa.array(["a"])))
    assert mask is not None and mask.tolist() == [False, False, True, False, False]


def test_a_full_dictionary_of_small_indices_with_null_rows_is_judged() -> None:
    """128 values under int8 indices (no room for a 129th "null" value), a null row among them."""
    words = pa.array([f"w{i}" for i in range(128)])
    indices = pa.array([0, None, 127, 5], pa.int8())
    column = pa.chunked_array([pa.DictionaryArray.from_arrays(indices, words)])
    mask = load._bad_rows(column, partial(load._not_in, allowed=words.slice(0, 127)))
    assert mask is not None and mask.tolist() == [False, False, True, False]


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SYNTHETIC 76号 population, written as the generator writes it (dictionary where it fits)."""
    return generate("wzb-2019-76", 2000, 7, 2020, tmp_path_factory.mktemp("pop") / "encoded")


def _copy(source: Path, target: Path, dictionary: bool, change: Callable[[str, pa.Table], pa.Table]) -> Path:
    shutil.copytree(source, target)
    for file in target.glob("*.parquet"):
        pq.write_table(change(file.stem, pq.read_table(file)), file, use_dictionary=dictionary)
    return target


def _errors(path: Path) -> tuple[list[tuple[str, str]], str]:
    with pytest.raises((InputError, InputErrors)) as caught:
        open_population(path)
    errors = [(e.field, e.reason) for e in getattr(caught.value, "errors", [caught.value])]
    return errors, str(caught.value)


def _set(table: pa.Table, column: str, rows: dict[int, Any]) -> pa.Table:
    values = table.column(column).to_pylist()
    for row, value in rows.items():
        values[row] = value
    return table.set_column(table.schema.get_field_index(column), column, pa.array(values))


def _bad(name: str, table: pa.Table) -> pa.Table:
    """Bad values in columns Parquet keeps with a small dictionary: kinds no model allows, a month
    not of its pattern, a qualification's kind not given; an empty id (a plain column)."""
    if name == "parties":
        table = _set(table, "kind", {5: "alien", 9: "alien", 11: "bank "})
        return _set(table, "ownership", {6: "mystery"})
    if name == "guarantor_months":
        return _set(table, "month", {2: "2020-13", 3: "20-01"})
    if name == "loss_claims" and table.num_rows > 1:
        return _set(table, "kind", {1: "bad-kind"})
    if name == "parties.qualifications":
        return _set(table, "kind", {0: None, 4: "nonsense"})
    if name == "loans":
        return _set(table, "id", {8: ""})
    return table


def test_bad_values_in_encoded_columns_are_refused_as_in_plain_ones(encoded: Path, tmp_path: Path) -> None:
    bad_encoded = _copy(encoded, tmp_path / "bad-encoded", dictionary=True, change=_bad)
    bad_plain = _copy(encoded, tmp_path / "bad-plain", dictionary=False, change=_bad)
    raw = read_arrow_tables(bad_encoded, open_population(encoded).document)
    for table, column in [
        ("parties", "kind"),
        ("parties", "ownership"),
        ("parties.qualifications", "kind"),
    ]:
        assert pa.types.is_dictionary(raw[table][column].type), (table, column)
    errors, words = _errors(bad_encoded)
    assert (errors, words) == _errors(bad_plain)
    fields = [field for field, _ in errors]
    assert "parties[5].kind" in fields and "parties[6].ownership" in fields and "parties[9].kind" in fields
    assert "guarantor_months[2].month" in fields and "guarantor_months[3].month" in fields
    assert any(f.startswith("parties[") and ".qualifications[" in f for f in fields)
    assert "loans[8].id" in fields


# --- texts left as they are when they hold no whitespace ------------------------------------------

_TEXTS = st.text(
    alphabet=st.sampled_from(
        ["a", "Z", "0", "-", " ", "\t", "\x1c", "\u3000", "\xa0", "\u2009", "镇", "ß", "é"]
    ),
    max_size=6,
)


@given(st.lists(st.lists(st.one_of(st.none(), _TEXTS), max_size=12), min_size=1, max_size=3), st.booleans())
def test_texts_are_trimmed_and_codes_upper_cased_as_unicode_would(
    chunks: list[list[str | None]], uscc: bool
) -> None:
    column = pa.chunked_array([pa.array(c, pa.string()) for c in chunks], type=pa.string())
    field = FieldSpec("code", "str", pa.string(), optional=True, required=False, strip=True, uscc=uscc)
    expected = pc.utf8_trim_whitespace(column)
    if uscc:
        expected = pc.utf8_upper(pc.replace_substring_regex(expected, r"\s+", ""))
    got = load._cast("t", field, column, load._Errors())
    assert got.to_pylist() == expected.to_pylist()


def test_the_byte_span_reads_only_the_texts_of_a_slice() -> None:
    array = pa.array([" x", "AB", "cd", "é "])
    assert load._byte_span(pa.chunked_array([array.slice(1, 2)])) == (ord("A"), ord("d"))
    assert load._byte_span(pa.chunked_array([array])) == (ord(" "), 0xC3)
    assert load._byte_span(pa.chunked_array([], pa.string())) == (255, 0)
    assert load._byte_span(pa.chunked_array([pa.array(["x"], pa.large_string())])) == (0, 255)


# --- credit codes two characters at a time ---------------------------------------------------------


def test_every_mutation_of_a_code_is_judged_as_check_uscc_judges_it() -> None:
    """Valid codes (already normalised, as the loader gives them), each character replaced in turn
    by characters in and out of the alphabet (a letter the alphabet leaves out, a letter where a
    digit goes, punctuation, a non-ASCII character)."""
    rng = random.Random(11)
    codes = []
    for _ in range(40):
        code = random_code(rng, "123456789ANY", "12359ABCDEFGHN", "0123456789", 0.8)
        codes.append(code)
        for at in range(18):
            for character in rng.sample(_ALPHABET + "IOSVZ镇-#", 4):
                codes.append(code[:at] + character + code[at + 1 :])
    codes += ["", "9" * 17, "9" * 19, "９" * 18]

    def refused(code: str) -> bool:
        try:
            check_uscc(code)
        except ValueError:
            return True
        return False

    expected = [refused(c) for c in codes]
    assert 0 < sum(expected) < len(codes)
    assert invalid_uscc(pa.array(codes)).tolist() == expected
    objects = np.empty(len(codes), dtype=object)
    objects[:] = codes
    assert invalid_uscc(objects).tolist() == expected


# --- ids as numbers ---------------------------------------------------------------------------------

_ID_BYTES = st.text(alphabet=["a", "b", "\x00", "镇", "9"], max_size=3)


@given(
    st.lists(st.tuples(st.integers(0, 8), st.integers(1, 30)), min_size=1, max_size=5), st.integers(0, 2**32)
)
def test_ids_in_stretches_of_one_width_are_numbered_as_byte_by_byte(
    stretches: list[tuple[int, int]], seed: int
) -> None:
    rng = random.Random(seed)
    texts = []
    for width, count in stretches:
        for _ in range(count):
            texts.append(bytes(rng.choice(b"ab\x00\xff9") for _ in range(width)).decode("latin-1"))
    array = pa.array([t.encode("latin-1") for t in texts], pa.binary()).cast(pa.string(), safe=False)
    numbered = load._byte_numbers(array)
    assert numbered is not None
    numbers, lengths, _ = numbered
    data = [t.encode("latin-1") for t in texts]
    assert numbers.tolist() == [int.from_bytes(d.ljust(8, b"\x00"), "big") for d in data]
    assert lengths.tolist() == [len(d) for d in data]
    assert load._byte_numbers(array.slice(1)) is not None


def _ordered_run(ids: pa.Array) -> tuple[int, int] | None:
    """The ordered run ``_numbered_run`` finds (None: none known)."""
    found = load._numbered_run(ids)
    return None if found is None else found[0]


@given(st.lists(_ID_BYTES, max_size=60), st.lists(_ID_BYTES, max_size=6, unique=True))
def test_the_ordered_run_is_proved_by_search_as_by_hashing(run: list[str], first: list[str]) -> None:
    """Found by searching the run as numbers, or (numbers refused) by hashing: the same answer."""
    ids = pa.array(first + sorted(set(run)), pa.string())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load, "_byte_numbers", lambda text, prefix="": None)
        hashed = _ordered_run(ids)
    assert _ordered_run(ids) == hashed
    if hashed is not None:
        assert len(set(ids.to_pylist())) == len(ids)


@pytest.mark.parametrize("order", ["random", "kinds", "ascending"])
def test_keys_out_of_order_are_sorted_then_searched_and_found_as_hashing_finds(order: str) -> None:
    """A city's ids (banks of another width first, then enterprises in order); keys in random order,
    or in a few ascending runs (qualifications listed by kind), some absent, some banks."""
    rng = np.random.default_rng(3)
    banks = [f"B{i:03d}" for i in range(39, 0, -1)]  # (in several runs: the long run is proved by search)
    ids = banks + [f"E{i:07d}" for i in range(1, 20_001)]
    keys = [ids[i] for i in rng.integers(0, len(ids), 9000)] + ["E9999999", "B999", "E00000", "x"] * 5
    if order == "kinds":
        keys = sorted(keys[:4000]) + sorted(keys[4000:])
    elif order == "ascending":
        keys = sorted(keys)
    _searched_as_hashing_finds(ids, [pa.array(keys), pa.array(keys[:50])])


def _searched_as_hashing_finds(ids: list[str], arrays: list[pa.Array]) -> load._Numbers:
    """Each key's row among the ids, found by search in the ids' numbered run, by ``_positions`` and by
    hashing: the rows a list finds. Returns the run's numbers (kept by the index)."""
    expected = [[ids.index(k) if k in ids else -1 for k in a.to_pylist()] for a in arrays]
    index = load._Ids(pa.array(ids))
    numbered = index.numbered
    assert numbered is not None and numbered[1] is not None
    searched = load._searched_positions(index.text, numbered[0], arrays, numbered[1])
    assert searched is not None and [f.tolist() for f in searched] == expected
    found, distinct = load._positions(index, arrays)
    assert distinct and [f.tolist() for f in found] == expected
    hashed, _ = load._hashed_positions(pa.array(ids), arrays)
    assert [h.tolist() for h in hashed] == expected
    return numbered[1]


@pytest.mark.parametrize("prefix", ["E0", "镇0"])
def test_ids_over_8_bytes_with_one_prefix_are_searched_after_it_and_found_as_hashing_finds(
    prefix: str,
) -> None:
    """A city of 10^7 numbers its enterprises ``E00000001`` … (9 bytes): numbered after their shared
    prefix, not hashed. Keys without the prefix (banks, a text that is the prefix plus more), keys
    longer than the run's, and an id that is only the prefix are each found where hashing finds them."""
    rng = np.random.default_rng(5)
    banks = [f"B{i:03d}" for i in range(20, 0, -1)]
    ids = banks + [prefix] + [f"{prefix}{i:07d}" for i in range(1, 20_001, 3)]
    odd = [prefix, f"{prefix}00000001", f"{prefix}0000001x", prefix[:-1], "E1", "x", "B001", "B999", "镇"]
    keys = [ids[i] for i in rng.integers(0, len(ids), 9000)] + odd * 3
    assert _searched_as_hashing_finds(ids, [pa.array(keys), pa.array(odd)]).prefix.startswith(prefix)


@given(
    st.sampled_from(["E0", "镇", "a\x00"]),
    st.integers(0, 9),
    st.lists(st.tuples(st.booleans(), st.text(alphabet="09az\x00镇", min_size=9, max_size=9)), min_size=1),
    st.integers(0, 3),
)
def test_texts_of_one_length_are_numbered_after_the_prefix_as_sliced_texts_are(
    prefix: str, tail: int, rows: list[tuple[bool, str]], skip: int
) -> None:
    """In place (one length in bytes, at most 8 after the prefix) or sliced in Arrow (any texts): the
    same numbers and lengths of the texts with the prefix, -1 for those without; a slice of the array
    alike. (Where the in-place way refuses, ``_after_prefix`` slices.)"""
    other = "x" * len(prefix.encode())  # as many bytes, not the prefix
    bodies = [body.encode()[:tail].decode(errors="ignore") for _, body in rows]
    width = min(len(b.encode()) for b in bodies)
    bodies = [b.encode()[:width].decode(errors="ignore") for b in bodies]  # (one length, if it can be)
    texts = [(prefix if has else other) + body for (has, _), body in zip(rows, bodies, strict=True)]
    array = pa.array(texts, pa.string()).slice(min(skip, len(texts) - 1))
    one_length = len({len(t.encode()) for t in array.to_pylist()}) == 1
    in_place = load._after_prefix_of_one_length(array, prefix.encode())
    sliced = load._after_prefix_sliced(array, prefix)
    fits = one_length and len(array[0].as_py().encode()) - len(prefix.encode()) <= 8
    if not fits:
        assert in_place is None
        return
    assert in_place is not None and sliced is not None
    with_prefix = np.asarray(sliced.lengths) >= 0
    assert np.asarray(in_place.lengths).tolist() == np.asarray(sliced.lengths).tolist()
    assert in_place.values[with_prefix].tolist() == sliced.values[with_prefix].tolist()
    assert in_place.prefix == sliced.prefix == prefix


def test_a_repeated_id_after_the_prefix_is_not_taken_for_distinct() -> None:
    """The run's other ids (banks …) are checked against the run after its prefix as well."""
    run = [f"E{i:08d}" for i in range(5000)]
    found = load._numbered_run(pa.array(["B1", "B2", *run]))
    assert found is not None and found[0] == (2, 5002) and found[1] is not None
    assert found[1].prefix == "E0000" and found[1].values.tolist() == [
        int(t[5:].encode().hex(), 16) << 32 for t in run
    ]
    assert load._numbered_run(pa.array(["B1", run[7], *run])) is None


# --- lists as tuples --------------------------------------------------------------------------------


_YEARS = st.lists(st.one_of(st.none(), st.lists(st.integers(2018, 2021), max_size=3)))
_SOME_NULL_YEAR = st.lists(
    st.one_of(st.none(), st.lists(st.one_of(st.integers(2018, 2021), st.none()), max_size=3))
)


@given(st.one_of(st.lists(_YEARS, min_size=1, max_size=3), st.lists(_SOME_NULL_YEAR, min_size=1, max_size=3)))
def test_lists_become_the_tuples_of_their_items(chunks: list[list[list[int | None] | None]]) -> None:
    """Whole numbers (shared tuples, one per distinct list), or a null item among them (a tuple
    per row, as before): each row's tuple of its items, () for none or null."""
    field = FieldSpec("years", "list", pa.list_(pa.int64()), optional=True, required=False)
    column = pa.chunked_array([pa.array(c, pa.list_(pa.int64())) for c in chunks], pa.list_(pa.int64()))
    expected = [() if v is None else tuple(v) for v in column.to_pylist()]
    built = load._engine_column(field, column)
    assert built.dtype == object and built.tolist() == expected
    assert all(type(v) is tuple and all(type(i) is int or i is None for i in v) for v in built)
