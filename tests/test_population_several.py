"""Several populations (one per document) evaluated at once, each in a process of its own, give the
candidates each population gives alone, joined in the order the populations were given."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from typer.testing import CliRunner

from duixian.cli import app
from duixian.errors import InputError
from duixian.population import open_population
from duixian.population.batch import run_batch
from duixian.population.several import run_several
from duixian.population.synthetic import generate


@pytest.fixture(scope="module")
def populations(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("several")
    return [
        generate("wzb-2019-76", 400, 3, 2020, root / "p76"),
        generate("wzjk-2019-71", 400, 3, 2020, root / "p71"),
    ]


def _alone(path: Path, rules: list[str] | None = None) -> pa.Table:
    return run_batch(open_population(path), rules).candidates


@pytest.mark.parametrize("workers", [1, 2])
def test_at_once_equals_each_alone(populations: list[Path], workers: int) -> None:
    reports, joined = run_several(populations, workers=workers)
    assert [r.document for r in reports] == ["wzb-2019-76", "wzjk-2019-71"]
    expected = pa.concat_tables([_alone(p) for p in populations])
    assert joined.num_rows == sum(r.candidates for r in reports) > 0
    assert joined.equals(expected)


def test_rules_are_given_to_their_documents(populations: list[Path]) -> None:
    rules = ["wzjk-2019-71.a3", "wzb-2019-76.c1"]
    _, joined = run_several(populations, rules, workers=2)
    assert set(joined["rule"].to_pylist()) == {"wzb-2019-76.c1", "wzjk-2019-71.a3"}
    expected = pa.concat_tables(
        [_alone(populations[0], ["wzb-2019-76.c1"]), _alone(populations[1], ["wzjk-2019-71.a3"])]
    )
    assert joined.equals(expected)
    with pytest.raises(InputError) as refused:
        run_several(populations, ["wzb-2019-76.c99"])
    assert refused.value.field == "rule" and "wzb-2019-76.c99" in str(refused.value)


def test_cli_takes_several_directories(populations: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "all.parquet"
    runner = CliRunner()
    result = runner.invoke(app, ["batch", *map(str, populations), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert [p["document"] for p in payload["populations"]] == ["wzb-2019-76", "wzjk-2019-71"]
    table = pq.read_table(out)
    assert table.num_rows == payload["candidates"] == sum(p["candidates"] for p in payload["populations"])
    assert json.loads(table.schema.metadata[b"documents"]) == ["wzb-2019-76", "wzjk-2019-71"]
    # Each population's readings and reasons have a dictionary of their own: written and read back whole.
    assert table.to_pylist() == pa.concat_tables([_alone(p) for p in populations]).to_pylist()
    for part in payload["populations"]:
        assert sum(r["count"] for r in part["by_rule"]) == part["candidates"]
    result = runner.invoke(app, ["batch", *map(str, populations), "--out", str(out), "--chunk", "100"])
    assert result.exit_code == 2 and "chunk" in result.output
