"""Text columns Parquet stored with a small dictionary (a district, a kind, a loan's lender) are read
still encoded; the tables, the checks and their errors are those of the same columns stored plain."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from duixian.errors import InputError, InputErrors
from duixian.population.load import open_population, read_arrow_tables, tables_equal
from duixian.population.synthetic import generate


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SYNTHETIC 76号 population, written as the generator writes it (dictionary where it fits)."""
    return generate("wzb-2019-76", 3000, 7, 2020, tmp_path_factory.mktemp("pop") / "encoded")


def _copy(source: Path, target: Path, dictionary: bool, change: Any = None) -> Path:
    """The population again, every Parquet column with or without dictionary encoding; ``change``
    (table name, Arrow table → Arrow table) edits it on the way."""
    shutil.copytree(source, target)
    for file in target.glob("*.parquet"):
        table = pq.read_table(file)
        if change is not None:
            table = change(file.stem, table)
        pq.write_table(table, file, use_dictionary=dictionary)
    return target


def _errors(path: Path) -> list[tuple[str, str]]:
    with pytest.raises((InputError, InputErrors)) as caught:
        open_population(path)
    return [(e.field, e.reason) for e in getattr(caught.value, "errors", [caught.value])]


def test_categories_are_read_encoded(encoded: Path) -> None:
    pop = open_population(encoded)
    raw = read_arrow_tables(encoded, pop.document)
    parties, loans = raw["parties"].schema, raw["loans"].schema
    for column in ("kind", "district", "legal_form", "size_class", "mujun_class"):
        assert pa.types.is_dictionary(parties.field(column).type), column
    assert pa.types.is_dictionary(loans.field("lender").type)
    for column in ("id", "name", "uscc"):  # a city's distinct values: no small dictionary
        assert pa.types.is_string(parties.field(column).type), column


def test_encoded_and_plain_columns_give_the_same_tables(encoded: Path, tmp_path: Path) -> None:
    plain = _copy(encoded, tmp_path / "plain", dictionary=False)
    assert not any(pa.types.is_dictionary(f.type) for f in pq.read_schema(plain / "parties.parquet"))
    a, b = open_population(encoded), open_population(plain)
    assert tables_equal(a.tables, b.tables) == []
    assert a.tables["loans"].rows_of(a.tables["loans"]["lender"]).tolist() == (
        b.tables["loans"].rows_of(b.tables["loans"]["lender"]).tolist()
    )
    lenders = a.tables["parties"].rows_of(a.tables["loans"]["lender"])
    assert (lenders >= 0).all() and (a.tables["parties"]["kind"][lenders] == "bank").all()


def _set(table: pa.Table, column: str, row: int, value: str) -> pa.Table:
    values = table.column(column).to_pylist()
    values[row] = value
    return table.set_column(table.schema.get_field_index(column), column, pa.array(values))


def _bad_values(name: str, table: pa.Table) -> pa.Table:
    """A size class no model allows; a district (a closed list: not trimmed) with spaces around it."""
    if name != "parties":
        return table
    table = _set(table, "size_class", 3, "huge")
    return _set(table, "district", 4, f"  {table.column('district')[4].as_py()} ")


def _bad_lender(name: str, table: pa.Table) -> pa.Table:
    return _set(table, "lender", 7, "B-NOWHERE") if name == "loans" else table


@pytest.mark.parametrize(
    ("change", "fields"),
    [(_bad_values, ["parties[3].size_class", "parties[4].district"]), (_bad_lender, ["loans[7].lender"])],
)
def test_encoded_and_plain_columns_are_refused_alike(
    encoded: Path, tmp_path: Path, change: Any, fields: list[str]
) -> None:
    bad_encoded = _copy(encoded, tmp_path / "bad-encoded", dictionary=True, change=change)
    bad_plain = _copy(encoded, tmp_path / "bad-plain", dictionary=False, change=change)
    assert pa.types.is_dictionary(
        read_arrow_tables(bad_encoded, open_population(encoded).document)["loans"]["lender"].type
    )
    errors = _errors(bad_encoded)
    assert errors == _errors(bad_plain)
    assert [field for field, _ in errors] == fields


def test_a_free_text_category_is_trimmed_value_by_value(encoded: Path, tmp_path: Path) -> None:
    """A lender (free text, trimmed as the case model trims it) written with spaces and a tab around it
    reads as the bank it names."""

    def spaced(name: str, table: pa.Table) -> pa.Table:
        if name != "loans":
            return table
        at = table.schema.get_field_index("lender")
        return table.set_column(at, "lender", pc.binary_join_element_wise(" ", table["lender"], "\t", ""))

    a = open_population(encoded)
    b = open_population(_copy(encoded, tmp_path / "spaced", dictionary=True, change=spaced))
    assert a.tables["loans"]["lender"].tolist() == b.tables["loans"]["lender"].tolist()
    loans_a, loans_b = a.tables["loans"], b.tables["loans"]
    assert (
        a.tables["parties"].rows_of(loans_a["lender"]) == b.tables["parties"].rows_of(loans_b["lender"])
    ).all()
