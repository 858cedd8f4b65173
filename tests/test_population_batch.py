"""A synthetic population evaluated at once equals each enterprise evaluated alone, to the fen.

Each sampled enterprise's own case is cut out of the population (its party row, the rows that name
it, and the institutions those rows name) and computed by ``calculate_case``. Compared: every line
whose beneficiary is that enterprise, of every rule not marked ``population=True``. Not compared:
lines paid to institutions (c3a, c3b, c11 for guarantors; c4c, c5c, c7, c10a–c10c for claimants;
c6a for underwriters; c2, c9 for banks), whose amounts depend on rows of other enterprises that the
enterprise's own case does not hold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from typer.testing import CliRunner

from duixian.calculator import calculate_case
from duixian.cli import app
from duixian.engine.evaluate import Result
from duixian.engine.rules import RuleSpec
from duixian.errors import InputErrors
from duixian.population import open_population
from duixian.population.batch import run_batch, steps_total
from duixian.population.load import read_arrow_tables, tables_equal
from duixian.population.synthetic import generate
from duixian.population.write import convert_population, extract_case

ENTITIES = 300


@pytest.fixture(scope="module")
def population_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate("wzb-2019-76", ENTITIES, 11, 2020, tmp_path_factory.mktemp("pop") / "p")


def _enterprise_lines(
    result: Result, rules: Mapping[str, RuleSpec], enterprise: str
) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for lines in result.lines:
        spec = rules[lines.rule_id]
        if spec.population or spec.kind not in ("cash", "deposit", "investment"):
            continue
        for b, s, amount in zip(lines.beneficiary, lines.subject, lines.final(), strict=True):
            if str(b) == enterprise:
                out[(lines.rule_id, str(s))] = int(amount)
    return out


def test_each_enterprise_alone_equals_the_batch(population_dir: Path) -> None:
    pop = open_population(population_dir)
    run = run_batch(pop)
    rules = pop.document.rules
    raw = read_arrow_tables(population_dir, pop.document)
    parties = pop.tables["parties"]
    enterprises = parties["id"][parties["kind"] == "enterprise"]
    # Every enterprise with a payable line, plus a sample of the rest (excluded ones included).
    paid = set(run.candidates.column("beneficiary").to_pylist())
    rng = np.random.default_rng(0)
    sample = sorted(paid & set(enterprises)) + sorted(rng.choice(enterprises, 40, replace=False))
    compared = 0
    for enterprise in dict.fromkeys(sample):
        case = extract_case(pop.document, pop.year, pop.meta.readings, raw, [enterprise])
        alone = _enterprise_lines(calculate_case(case), rules, enterprise)
        together = _enterprise_lines(run.result, rules, enterprise)
        assert alone == together, enterprise
        compared += sum(1 for v in alone.values() if v > 0)
    assert compared > 30  # the sample really compares payable lines, not only zeros


def test_candidates_are_the_positive_final_lines(population_dir: Path) -> None:
    pop = open_population(population_dir)
    run = run_batch(pop)
    expected: dict[str, int] = defaultdict(int)
    for lines in run.result.lines:
        if pop.document.rules[lines.rule_id].kind in ("cash", "deposit", "investment"):
            expected[lines.rule_id] += int(lines.final()[lines.final() > 0].sum())
    got: dict[str, int] = defaultdict(int)
    for rule, fen, amount in zip(
        run.candidates["rule"].to_pylist(),
        run.candidates["amount_fen"].to_pylist(),
        run.candidates["amount"].to_pylist(),
        strict=True,
    ):
        got[rule] += fen
        assert int(amount * 100) == fen
    assert dict(got) == {k: v for k, v in expected.items() if v}
    assert set(run.candidates["district"].to_pylist()) - {None} <= {
        "鹿城区", "龙湾区", "瓯海区", "洞头区", "乐清市", "瑞安市", "龙港市",
        "永嘉县", "平阳县", "苍南县", "文成县", "泰顺县", "市本级", "市外",
    }  # fmt: skip
    assert all("《" in r for r in run.candidates["reason"].to_pylist())


def test_generator_is_seeded_and_labelled(tmp_path: Path) -> None:
    a = generate("wzb-2019-76", 200, 3, 2020, tmp_path / "a")
    b = generate("wzb-2019-76", 200, 3, 2020, tmp_path / "b")
    c = generate("wzb-2019-76", 200, 4, 2020, tmp_path / "c")
    assert pq.read_table(a / "loans.parquet").equals(pq.read_table(b / "loans.parquet"))
    assert not pq.read_table(a / "loans.parquet").equals(pq.read_table(c / "loans.parquet"))
    meta = open_population(a).meta
    assert meta.synthetic and meta.seed == 3 and meta.entities == 200
    assert "11529.55" in meta.calibration and "合成数据" in meta.calibration
    names = pq.read_table(a / "parties.parquet").column("name").to_pylist()
    assert all(n.startswith("合成") for n in names)
    assert sum(n.startswith("合成企业") for n in names) == 200


def test_cli_generate_batch_and_case(tmp_path: Path) -> None:
    runner = CliRunner()
    pop = tmp_path / "pop"
    result = runner.invoke(
        app, ["population", "generate", "--entities", "150", "--seed", "5", "--out", str(pop)]
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "c.parquet"
    result = runner.invoke(app, ["batch", str(pop), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert '"synthetic": true' in result.output
    table = pq.read_table(out)
    assert table.schema.metadata[b"synthetic"] == b"true"
    assert table.column_names[:4] == ["beneficiary", "rule", "kind", "subject"]
    first = table.column("beneficiary")[0].as_py()
    result = runner.invoke(app, ["population", "case", str(pop), first])
    assert result.exit_code == 0 and "document: wzb-2019-76" in result.output
    result = runner.invoke(app, ["batch", str(pop), "--out", str(out), "--rule", "wzb-2019-76.c99"])
    assert result.exit_code == 2


def test_cli_generates_arrow_files_that_replace_parquet_and_evaluate_the_same(tmp_path: Path) -> None:
    runner = CliRunner()
    pop, out = tmp_path / "pop", tmp_path / "c.parquet"
    generate_args = ["population", "generate", "--entities", "150", "--seed", "5", "--out", str(pop)]
    assert runner.invoke(app, generate_args).exit_code == 0
    assert runner.invoke(app, ["batch", str(pop), "--out", str(out)]).exit_code == 0
    from_parquet = pq.read_table(out)
    tables = sorted(f.stem for f in pop.glob("*.parquet"))
    result = runner.invoke(app, [*generate_args, "--format", "arrow"])
    assert result.exit_code == 0, result.output
    # written over the Parquet population: its files are gone, not left to be read twice
    assert sorted(f.name for f in pop.iterdir()) == sorted(
        [*(f"{t}.arrow" for t in tables), "population.yaml"]
    )
    assert runner.invoke(app, ["batch", str(pop), "--out", str(out)]).exit_code == 0
    assert pq.read_table(out).equals(from_parquet)
    result = runner.invoke(app, [*generate_args, "--format", "csv"])
    assert result.exit_code == 2 and "--format" in result.output


def test_cli_converts_a_population_to_arrow_and_back_to_the_same_tables(tmp_path: Path) -> None:
    runner = CliRunner()
    pop, arrow, parquet = tmp_path / "pop", tmp_path / "arrow", tmp_path / "parquet"
    generate("wzb-2019-76", 120, 9, 2020, pop)
    result = runner.invoke(app, ["population", "convert", str(pop), "--out", str(arrow)])
    assert result.exit_code == 0, result.output
    assert {f.suffix for f in arrow.iterdir()} == {".arrow", ".yaml"}
    back = ["population", "convert", str(arrow), "--out", str(parquet), "--format", "parquet"]
    assert runner.invoke(app, back).exit_code == 0
    original = open_population(pop)
    for converted in (open_population(arrow), open_population(parquet)):
        assert converted.meta == original.meta
        assert tables_equal(original.tables, converted.tables) == []
    result = runner.invoke(app, ["population", "convert", str(pop), "--out", str(pop)])
    assert result.exit_code == 2 and "须是另一个目录" in result.output


def test_a_population_that_does_not_load_is_not_converted(tmp_path: Path) -> None:
    pop = generate("wzb-2019-76", 50, 9, 2020, tmp_path / "pop")
    loans = pq.read_table(pop / "loans.parquet")
    borrowers = loans.column("borrower").to_pylist()
    borrowers[3] = "E-NOBODY"
    pq.write_table(loans.set_column(1, "borrower", pa.array(borrowers)), pop / "loans.parquet")
    with pytest.raises(InputErrors) as refused:
        convert_population(pop, tmp_path / "out", "arrow")
    assert any(e.field == "loans[3].borrower" for e in refused.value.errors)
    assert not (tmp_path / "out").exists()


def test_progress_reports_every_counted_step(population_dir: Path) -> None:
    pop = open_population(population_dir)
    steps: list[str] = []
    run_batch(pop, progress=steps.append)
    # rules over empty tables (no securitisations, no bonds in the synthetic city) are skipped and
    # not counted, so the bar ends full
    assert len(steps) == steps_total(pop.document, tables=pop.tables) < steps_total(pop.document)
    assert steps[-1] == "finalise"
