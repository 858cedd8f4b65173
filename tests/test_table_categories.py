"""Table.isin / Table.equals compare a text column by its codes; they give exactly what np.isin and ==
give on the column itself, for tables built from models (no dictionary), tables the loader builds from
Arrow dictionaries (nulls, several chunks), tables taken from them, and a loaded population."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duixian import rulebook
from duixian.engine.tables import _FEW, Table, arrow_categories
from duixian.population import open_population
from duixian.population.batch import run_batch
from duixian.population.load import _strings
from duixian.population.synthetic import generate

WORDS = ["bank", "enterprise", "", "市外", "鹿城区", "C", "D"]
ASKED: list[Any] = [
    [],
    ["bank"],
    ["bank", "guarantor"],
    [""],
    ["C", "D"],
    ["absent"],
    ["市外", "", "enterprise", "x"],
    ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "bank"],  # many options
]


def _same(table: Table, column: str, values: Any) -> None:
    plain = table[column]
    isin = table.isin(column, values)
    assert isin.dtype == np.bool_ and isin.tolist() == np.isin(plain, values).tolist()
    for value in [*values, "absent"]:
        equals = table.equals(column, value)
        assert equals.dtype == np.bool_ and equals.tolist() == (plain == value).tolist()
    codes, words = table.categories(column)
    assert words[codes].tolist() == plain.tolist()


def _dictionary_table(chunks: list[list[str | None]]) -> Table:
    """A loader-built table: its column decoded on first read, its categories from the dictionary."""
    array = pa.chunked_array([pa.array(c, type=pa.string()).dictionary_encode() for c in chunks])
    return Table.built_on_read(
        "t",
        len(array),
        {"kind": partial(_strings, array)},
        categories={"kind": partial(arrow_categories, array)},
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from([*WORDS, None]), max_size=12), min_size=1, max_size=3),
    st.sampled_from(ASKED),
    st.booleans(),
)
def test_dictionary_categories_equal_the_plain_comparisons(
    chunks: list[list[str | None]], values: list[str], categories_first: bool
) -> None:
    table = _dictionary_table(chunks)
    if categories_first:  # the column is then built from the categories, not decoded again
        table.categories("kind")
    column = table["kind"]
    assert column.tolist() == ["" if v is None else v for c in chunks for v in c]
    _same(table, "kind", values)
    rows = np.arange(len(table))[::-1][::2]
    _same(table.take(rows), "kind", values)  # a derived table keeps its categories in its rows' order


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([*WORDS, None]), max_size=15), st.sampled_from(ASKED))
def test_model_built_categories_equal_the_plain_comparisons(
    values_in: list[str | None], asked: list[str]
) -> None:
    column = np.empty(len(values_in), dtype=object)
    column[:] = values_in  # None stays None (a model's optional text)
    table = Table("t", {"kind": column})
    _same(table, "kind", asked)
    _same(table.take(np.asarray([i for i in range(len(column)) if i % 3], dtype=np.intp)), "kind", asked)


def test_many_values_are_numbered_in_arrow_or_by_a_dict_alike() -> None:
    rng = np.random.default_rng(3)
    texts = np.asarray(WORDS, dtype=object)[rng.integers(0, len(WORDS), 3 * _FEW)]
    with_none = texts.copy()
    with_none[::7] = None  # Arrow would take None for missing: numbered by the dict instead
    for column in (texts, with_none):
        table = Table("t", {"kind": column})
        for values in ASKED:
            _same(table, "kind", values)
    numbers = Table("t", {"n": np.arange(2 * _FEW) % 5})  # not text: a dict numbers it too
    assert numbers.isin("n", [1, 3]).tolist() == np.isin(numbers["n"], [1, 3]).tolist()
    assert numbers.equals("n", 4).tolist() == (numbers["n"] == 4).tolist()


def test_empty_tables() -> None:
    for table in (_dictionary_table([[]]), Table("t", {"kind": np.empty(0, dtype=object)})):
        assert table.isin("kind", ["bank"]).tolist() == []
        assert table.equals("kind", "bank").tolist() == []
        assert table["kind"].tolist() == []


def test_a_full_int8_dictionary_with_a_null_row() -> None:
    # 128 words in int8 indices: the null's code (128) does not fit the indices' own type.
    words = [f"w{i}" for i in range(128)]
    encoded = pa.DictionaryArray.from_arrays(pa.array([0, 127, None, 5], pa.int8()), pa.array(words))
    codes, found = arrow_categories(encoded)
    assert found[codes].tolist() == ["w0", "w127", "", "w5"]
    assert _strings(encoded).tolist() == ["w0", "w127", "", "w5"]


def test_categories_of_another_length_are_refused() -> None:
    array = pa.chunked_array([pa.array(["a", "b"]).dictionary_encode()])
    table = Table.built_on_read(
        "t",
        3,
        {"kind": lambda: np.asarray(["a", "b", "c"], dtype=object)},
        categories={"kind": partial(arrow_categories, array)},
    )
    with pytest.raises(ValueError):
        table.categories("kind")


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate("wzb-2019-76", 3000, 7, 2020, tmp_path_factory.mktemp("pop") / "encoded")


def test_loaded_category_columns_compare_as_plainly(encoded: Path) -> None:
    pop = open_population(encoded)
    checked = 0
    for table in pop.tables.values():
        for column in [c for c in table if c in table._pending_categories]:  # the dictionary columns
            words = sorted({str(v) for v in table[column].tolist()})
            for values in (words[:2], words[1:], ["absent", *words[-1:]], []):
                _same(table, column, values)
            checked += 1
    assert checked >= 8  # parties' kind, district, legal_form … and loans' lender are among them


def test_plain_and_encoded_populations_give_the_same_candidates(encoded: Path, tmp_path: Path) -> None:
    """Stored without dictionaries, a population's category columns are numbered from the strings:
    the candidates are the same."""
    plain = tmp_path / "plain"
    plain.mkdir()
    for file in encoded.iterdir():
        if file.suffix == ".parquet":
            pq.write_table(pq.read_table(file), plain / file.name, use_dictionary=False)
        else:
            (plain / file.name).write_bytes(file.read_bytes())
    rulebook.register()
    loaded = open_population(plain)
    assert not loaded.tables["parties"]._pending_categories  # no dictionary: numbered from the strings
    a = run_batch(open_population(encoded)).candidates
    b = run_batch(loaded).candidates
    assert len(a) > 0
    assert a.equals(b)
