"""Chunked batch (memory bounded by the chunk) equals the whole population evaluated at once, line by
line, every column; errors name rows by their position in the whole population, as the loader does."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from typer.testing import CliRunner

from duixian.cli import app
from duixian.distributed.chunks import run_chunked
from duixian.errors import InputError, InputErrors
from duixian.population import open_population
from duixian.population.batch import canonical_order, run_batch
from rich_population import ENTITIES_71, rich_tables, rich_tables_71, write, write_71


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


# --- 温浙集（开）管〔2019〕71号: the IP authors pooled in one chunk (第五条's 30 awards a year) ------------


@pytest.fixture(scope="module")
def population_71(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_71(tmp_path_factory.mktemp("chunks71") / "pop", rich_tables_71())


@pytest.fixture(scope="module")
def whole_71(population_71: Path) -> pa.Table:
    pop = open_population(population_71)
    run = run_batch(pop)
    a5 = next(ln for ln in run.result.lines if ln.rule_id == "wzjk-2019-71.a5")
    quota = next(v for k, v in a5.conditions.items() if k.startswith("第五条 列入当年"))
    assert int(np.count_nonzero(~quota)) > 0  # IPs that qualify but lose on the quota: it binds
    return canonical_order(run.candidates, pop.document)


@pytest.mark.parametrize("chunk", [400, 1100, 5000])
def test_71_chunks_equal_the_whole_population(
    population_71: Path, whole_71: pa.Table, tmp_path: Path, chunk: int
) -> None:
    out = tmp_path / "candidates.parquet"
    run = run_chunked(population_71, out, chunk_entities=chunk, workers=2)
    got = pq.read_table(out)
    authors = len(set(pq.read_table(population_71 / "ip_works.parquet")["enterprise"].to_pylist()))
    assert run.chunks == -(-(ENTITIES_71 - authors) // chunk) + 1  # the IP authors: one chunk of their own
    rules = whole_71["rule"].to_pylist()
    assert rules.count("wzjk-2019-71.a5") == 30  # the year's 30 IP awards, all in the pooled chunk
    assert {"wzjk-2019-71." + r for r in ("a3", "a4", "a6", "a7")} <= set(rules)
    reasons = whole_71["reason"].to_pylist()
    assert any("附则1" in r for r in reasons) and any("附则3" in r for r in reasons)
    assert run.candidates == got.num_rows == whole_71.num_rows
    assert canonical_order(got, open_population(population_71).document).to_pylist() == whole_71.to_pylist()
    assert got.schema.metadata[b"document"] == b"wzjk-2019-71"


def test_71_errors_name_the_ip_in_the_whole_population(tmp_path: Path) -> None:
    tables = rich_tables_71()
    ips = tables["ip_works"].to_pylist()
    for ip in ips[-12:]:
        ip["review_rank"] = None  # the quota binds: the committee's rank is required of every candidate
    path = write_71(
        tmp_path / "pop", tables | {"ip_works": pa.Table.from_pylist(ips, schema=tables["ip_works"].schema)}
    )
    with pytest.raises(InputErrors) as local:
        run_batch(open_population(path))
    out = tmp_path / "c.parquet"
    with pytest.raises(InputErrors) as chunked:
        run_chunked(path, out, chunk_entities=500, workers=1)
    assert [str(e) for e in chunked.value.errors] == [str(e) for e in local.value.errors]
    unranked = {f"ip_works[{r}].review_rank" for r in range(len(ips) - 12, len(ips))}
    assert local.value.errors and {e.field for e in local.value.errors} <= unranked
    assert not out.exists()
