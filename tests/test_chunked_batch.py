"""Chunked batch (memory bounded by the chunk) equals the whole population evaluated at once, line by
line, every column; errors name rows by their position in the whole population, as the loader does."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from typer.testing import CliRunner

from duixian.cli import app
from duixian.distributed.chunks import run_chunked
from duixian.errors import InputError, InputErrors
from duixian.population import open_population
from duixian.population.batch import canonical_order, run_batch
from rich_population import rich_tables, write


@pytest.fixture(scope="module")
def tables() -> dict[str, pa.Table]:
    return rich_tables()


@pytest.fixture(scope="module")
def population_dir(tmp_path_factory: pytest.TempPathFactory, tables: dict[str, pa.Table]) -> Path:
    return write(tmp_path_factory.mktemp("chunks") / "pop", tables)


@pytest.fixture(scope="module")
def whole(population_dir: Path) -> pa.Table:
    pop = open_population(population_dir)
    return canonical_order(run_batch(pop).candidates, pop.document)


@pytest.mark.parametrize(("chunk", "workers"), [(70, 1), (1000, 1), (45, 2)])
def test_chunks_equal_the_whole_population(
    population_dir: Path, whole: pa.Table, tmp_path: Path, chunk: int, workers: int
) -> None:
    out = tmp_path / "candidates.parquet"
    run = run_chunked(population_dir, out, chunk_entities=chunk, workers=workers)
    got = pq.read_table(out)
    document = open_population(population_dir).document
    assert run.chunks == -(-300 // chunk)  # the 300 enterprises, in chunks of at most `chunk`
    assert run.candidates == got.num_rows == whole.num_rows > 100
    assert any("g3" in r for r in whole["reason"].to_pylist())  # prior awards were deducted
    assert canonical_order(got, document).to_pylist() == whole.to_pylist()
    assert got.schema.metadata[b"document"] == b"wzb-2019-76"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("duixian-chunks-")]  # scratch removed


def test_a_subset_of_rules(population_dir: Path, tmp_path: Path) -> None:
    wanted = ["wzb-2019-76.c1", "wzb-2019-76.c6a"]
    pop = open_population(population_dir)
    local = canonical_order(run_batch(pop, wanted).candidates, pop.document)
    run_chunked(population_dir, tmp_path / "c.parquet", chunk_entities=100, rule_ids=wanted)
    got = canonical_order(pq.read_table(tmp_path / "c.parquet"), pop.document)
    assert set(got["rule"].to_pylist()) == set(wanted)
    assert got.to_pylist() == local.to_pylist()
    with pytest.raises(InputError, match=r"wzb-2019-76\.c99"):
        run_chunked(population_dir, tmp_path / "d.parquet", chunk_entities=100, rule_ids=["wzb-2019-76.c99"])


def test_errors_name_the_row_in_the_whole_population(tmp_path: Path, tables: dict[str, pa.Table]) -> None:
    loans = tables["loans"].to_pylist()
    loans[200]["borrower"] = "NO-SUCH-PARTY"
    path = write(
        tmp_path / "pop", tables | {"loans": pa.Table.from_pylist(loans, schema=tables["loans"].schema)}
    )
    with pytest.raises(InputErrors) as local:
        open_population(path)
    out = tmp_path / "c.parquet"
    with pytest.raises(InputErrors) as chunked:
        run_chunked(path, out, chunk_entities=50, workers=1)
    assert [str(e) for e in chunked.value.errors] == [str(e) for e in local.value.errors]
    assert chunked.value.errors[0].field == "loans[200].borrower"
    assert not out.exists()  # nothing half-written


def test_cli_batch_in_chunks(population_dir: Path, whole: pa.Table, tmp_path: Path) -> None:
    out = tmp_path / "c.parquet"
    result = CliRunner().invoke(
        app, ["batch", str(population_dir), "--out", str(out), "--chunk", "100", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output[result.output.index("{") :])
    assert payload["chunks"] == 3
    by_rule: dict[str, int] = {}
    for rule, amount in zip(whole["rule"].to_pylist(), whole["amount_fen"].to_pylist(), strict=True):
        by_rule[rule] = by_rule.get(rule, 0) + amount
    assert {r["rule"]: r["total_fen"] for r in payload["by_rule"]} == by_rule
