"""Spark (local[2]) evaluates a population exactly as the local engine does: line by line, to the fen.

The population is the seeded synthetic one (300 enterprises) plus what the generator leaves out,
so that every distributed rule pays something: securitisations (c5a, c5b), bonds with lead
underwriters (c6a, c6b), bank assessments and leaders (c2), deposit assessments (c9), and prior
awards (g3 c–e) on enterprises' loans and on an underwriter's bond. One Spark session per module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from duixian.distributed.spark import canonical_order, collect, java_available, run, session
from duixian.errors import InputErrors
from duixian.population import open_population
from duixian.population.batch import run_batch
from rich_population import rich_tables, rich_tables_71, write, write_71

pytestmark = pytest.mark.skipif(
    not java_available(), reason="Spark needs Java 17+: no java on PATH and no JAVA_HOME"
)


@pytest.fixture(scope="module")
def tables() -> dict[str, pa.Table]:
    return rich_tables()


@pytest.fixture(scope="module")
def population_dir(tmp_path_factory: pytest.TempPathFactory, tables: dict[str, pa.Table]) -> Path:
    return write(tmp_path_factory.mktemp("spark") / "pop", tables)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    s = session(
        "local[2]", "duixian-tests", {"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "4"}
    )
    yield s
    s.stop()


def test_spark_equals_the_local_engine_line_by_line(spark: Any, population_dir: Path) -> None:
    pop = open_population(population_dir)
    local = canonical_order(run_batch(pop).candidates, pop.document)
    distributed = run(spark, str(population_dir), partitions=3)
    try:
        got = collect(distributed)
    finally:
        distributed.close()
    assert got.schema == local.schema
    assert got.num_rows == local.num_rows > 100
    paid_rules = set(local["rule"].to_pylist())
    formulas = {s.id for s in pop.document.rules.values() if s.formula is not None and s.kind != "condition"}
    # Every money rule the Spark plan distributes pays something here (c2, c5, c6, c9 included)…
    unpaid = {"wzb-2019-76." + r for r in ("c5c", "c7", "c10b", "c10c", "c11")}  # no such rows here
    assert formulas - paid_rules == unpaid
    # … and g3 really deducted prior awards.
    assert any("g3" in r for r in local["reason"].to_pylist())
    assert got.to_pylist() == local.to_pylist()  # every column, readings and reasons included


def test_71_spark_equals_the_local_engine(spark: Any, tmp_path: Path) -> None:
    """温浙集（开）管〔2019〕71号: the IP authors share one partition (第五条's 30 awards a year bind here)."""
    path = write_71(tmp_path / "pop71", rich_tables_71())
    pop = open_population(path)
    local = canonical_order(run_batch(pop).candidates, pop.document)
    distributed = run(spark, str(path), partitions=3)
    try:
        got = collect(distributed)
    finally:
        distributed.close()
    assert local["rule"].to_pylist().count("wzjk-2019-71.a5") == 30
    assert got.num_rows == local.num_rows > 100
    assert got.to_pylist() == local.to_pylist()


def test_a_subset_of_rules(spark: Any, population_dir: Path) -> None:
    wanted = ["wzb-2019-76.c1", "wzb-2019-76.c6a"]
    pop = open_population(population_dir)
    local = canonical_order(run_batch(pop, wanted).candidates, pop.document)
    distributed = run(spark, str(population_dir), rule_ids=wanted)
    got = collect(distributed)
    distributed.close()
    assert set(got["rule"].to_pylist()) == set(wanted)
    assert got["amount_fen"].to_pylist() == local["amount_fen"].to_pylist()
    assert got["subject"].to_pylist() == local["subject"].to_pylist()


def test_input_errors_name_the_row_in_the_whole_population(
    spark: Any, tmp_path: Path, tables: dict[str, pa.Table]
) -> None:
    loans = tables["loans"].to_pylist()
    assert loans[200]["borrower"] != loans[3]["borrower"]
    loans[200]["id"] = loans[3]["id"]  # another borrower's loan id: two partitions, one duplicate
    path = write(
        tmp_path / "dup", tables | {"loans": pa.Table.from_pylist(loans, schema=tables["loans"].schema)}
    )
    with pytest.raises(InputErrors) as local:
        open_population(path)
    with pytest.raises(InputErrors) as spark_error:
        run(spark, str(path))
    duplicate = [e for e in spark_error.value.errors if e.field == "loans[200].id"]
    assert duplicate and "重复的 id" in duplicate[0].reason and "loans[3]" in duplicate[0].reason
    assert "loans[200].id" in [e.field for e in local.value.errors]

    parties = tables["parties"].to_pylist()
    row = len(parties) - 7  # an enterprise near the end: whichever partition has it names its global row
    parties[row]["district"] = "火星"
    bad = tables | {"parties": pa.Table.from_pylist(parties, schema=tables["parties"].schema)}
    path = write(tmp_path / "district", bad)
    with pytest.raises(InputErrors) as local:
        open_population(path)
    with pytest.raises(InputErrors) as spark_error:
        run(spark, str(path))
    assert [str(e) for e in spark_error.value.errors] == [str(e) for e in local.value.errors]
    assert spark_error.value.errors[0].field == f"parties[{row}].district"


def test_only_parquet_tables(spark: Any, tmp_path: Path, population_dir: Path) -> None:
    path = tmp_path / "csv"
    path.mkdir()
    for file in population_dir.iterdir():
        (path / file.name).write_bytes(file.read_bytes())
    pa_csv.write_csv(pq.read_table(path / "guarantees.parquet"), path / "guarantees.csv")
    with pytest.raises(InputErrors) as error:
        run(spark, str(path))
    assert [e.field for e in error.value.errors] == ["guarantees.csv"]
    assert "Parquet" in error.value.errors[0].reason


def test_cli_spark_batch(spark: Any, tmp_path: Path, population_dir: Path) -> None:
    from typer.testing import CliRunner

    from duixian.cli import app

    out = tmp_path / "candidates"
    result = CliRunner().invoke(
        app, ["spark", "batch", str(population_dir), "--out", str(out), "--partitions", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    local = run_batch(open_population(population_dir)).candidates
    written = pq.read_table(out)
    assert written.num_rows == local.num_rows
    assert sum(written["amount_fen"].to_pylist()) == sum(local["amount_fen"].to_pylist())
    assert f'"candidates": {local.num_rows}' in result.output
