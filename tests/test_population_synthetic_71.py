"""The synthetic population of 温浙集（开）管〔2019〕71号: seeded, loadable, labelled, paying under every money
rule, and each paying enterprise evaluated alone equals the batch to the fen.

An enterprise's own case is cut out by ``population.write.extract_case`` (as ``duixian population case``
does): its enterprise row with its yearly figures, and every row whose ``enterprise`` names it.

a5 is ``population=True`` (30 IPs a year across the zone), so it is not compared; and because 附则3
counts a5's awards in an enterprise's limit, an enterprise whose a5 awards differ alone (its IPs all
fit the quota when it is alone) is compared on the amounts before 附则3 for a3 and a6.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
import yaml
from typer.testing import CliRunner

from duixian import rulebook
from duixian.calculator import calculate_case
from duixian.cli import app
from duixian.engine.evaluate import Result
from duixian.engine.rules import MONEY_KINDS
from duixian.errors import InputError
from duixian.population import open_population
from duixian.population.batch import run_batch
from duixian.population.load import read_arrow_tables
from duixian.population.synthetic import GENERATORS, generate
from duixian.population.write import extract_case

DOCUMENT = "wzjk-2019-71"
ENTITIES = 2000
SEED = 5
YEAR = 2020
A5 = "wzjk-2019-71.a5"
BEFORE_TOTAL_LIMIT = ("wzjk-2019-71.a3", "wzjk-2019-71.a6")  # what 附则3 may cut, besides a5


@pytest.fixture(scope="module")
def population_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(DOCUMENT, ENTITIES, SEED, YEAR, tmp_path_factory.mktemp("pop71") / "p")


@pytest.fixture(scope="module")
def quota_binding_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2×10^4 enterprises: more IPs qualify than 第五条's 30 a year."""
    return generate(DOCUMENT, 20_000, SEED, YEAR, tmp_path_factory.mktemp("pop71") / "q")


def _digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_same_arguments_give_the_same_files(tmp_path: Path) -> None:
    a = _digests(generate(DOCUMENT, 800, 3, YEAR, tmp_path / "a"))
    b = _digests(generate(DOCUMENT, 800, 3, YEAR, tmp_path / "b"))
    c = _digests(generate(DOCUMENT, 800, 4, YEAR, tmp_path / "c"))
    assert a == b
    assert "enterprises.parquet" in a and "competitions.parquet" in a
    assert a["enterprises.parquet"] != c["enterprises.parquet"]


def test_population_loads_and_says_it_is_synthetic(population_dir: Path) -> None:
    pop = open_population(population_dir)
    assert pop.document.id == DOCUMENT and pop.year == YEAR
    meta = pop.meta
    assert meta.synthetic and meta.seed == SEED and meta.entities == ENTITIES
    assert "合成数据（SYNTHETIC）" in meta.calibration and "假设" in meta.calibration
    assert "每个不超过20万" in meta.calibration  # quoted from the gazette (the IP ceiling)
    names = pq.read_table(population_dir / "enterprises.parquet").column("name").to_pylist()
    assert len(names) == ENTITIES and all(n.startswith("合成企业") for n in names)
    # Only a small share of the enterprises holds 71号 facts; all of them do not.
    holders: set[str] = set()
    for table in pop.tables.values():
        if "enterprise" in table:
            holders |= set(table["enterprise"].tolist())
    assert 0 < len(holders) < 0.1 * ENTITIES


def test_every_table_of_the_case_model_has_rows(population_dir: Path) -> None:
    pop = open_population(population_dir)
    empty = [name for name, table in pop.tables.items() if len(table) == 0]
    assert empty == []


def test_year_outside_the_document_is_refused() -> None:
    with pytest.raises(InputError) as refused:
        GENERATORS[DOCUMENT](100, 1, 2030)
    assert refused.value.field == "year" and "2030" in refused.value.reason


def test_every_money_rule_has_paying_candidates(population_dir: Path) -> None:
    pop = open_population(population_dir)
    run = run_batch(pop)
    money_rules = {spec.id for spec in pop.document.rules.values() if spec.kind in MONEY_KINDS}
    assert len(money_rules) >= 5
    paying = set(run.candidates.column("rule").to_pylist())
    assert money_rules <= paying
    assert all(fen > 0 for fen in run.candidates.column("amount_fen").to_pylist())


def _lines(result: Result, enterprise: str, *, before_finalise: bool = False) -> dict[tuple[str, str], int]:
    """The enterprise's lines of every money rule (not population-wide ones), by (rule, subject)."""
    out: dict[tuple[str, str], int] = {}
    for lines in result.lines:
        spec = result.document.rules[lines.rule_id]
        if spec.kind not in MONEY_KINDS:
            continue
        amounts = lines.amount if before_finalise else lines.final()
        for who, subject, fen in zip(lines.beneficiary, lines.subject, amounts, strict=True):
            if str(who) == enterprise:
                out[(lines.rule_id, str(subject))] = int(fen)
    return out


def _only(lines: dict[tuple[str, str], int], rule: str) -> dict[tuple[str, str], int]:
    return {k: v for k, v in lines.items() if k[0] == rule}


def _without(lines: dict[tuple[str, str], int], rules: Iterable[str]) -> dict[tuple[str, str], int]:
    skip = set(rules)
    return {k: v for k, v in lines.items() if k[0] not in skip}


@pytest.mark.parametrize("directory", ["population_dir", "quota_binding_dir"])
def test_each_paying_enterprise_alone_equals_the_batch(
    directory: str, request: pytest.FixtureRequest
) -> None:
    population_dir: Path = request.getfixturevalue(directory)
    pop = open_population(population_dir)
    run = run_batch(pop)
    raw = read_arrow_tables(population_dir, pop.document)
    paying = sorted(set(run.candidates.column("beneficiary").to_pylist()))
    everyone = pop.tables["enterprises"]["id"]
    rest = sorted(np.random.default_rng(0).choice(everyone, 30, replace=False).tolist())
    compared_lines = 0
    quota_cut = 0  # enterprises whose IPs all win alone but not all in the batch
    for enterprise in dict.fromkeys(paying + rest):
        own = extract_case(pop.document, pop.year, pop.meta.readings, raw, [enterprise], pop.meta.case)
        assert own["enterprises"][0]["id"] == enterprise
        alone = calculate_case(own)
        single, batch = _lines(alone, enterprise), _lines(run.result, enterprise)
        assert single.keys() == batch.keys(), enterprise
        if _only(single, A5) == _only(batch, A5):
            assert _without(single, [A5]) == _without(batch, [A5]), enterprise
        else:
            quota_cut += 1
            assert sum(_only(single, A5).values()) > sum(_only(batch, A5).values()), enterprise
            skip = [A5, *BEFORE_TOTAL_LIMIT]
            assert _without(single, skip) == _without(batch, skip), enterprise
            before_single = _lines(alone, enterprise, before_finalise=True)
            before_batch = _lines(run.result, enterprise, before_finalise=True)
            assert _without(before_single, [A5]) == _without(before_batch, [A5]), enterprise
        compared_lines += sum(1 for k, v in single.items() if v > 0 and k[0] != A5)
    assert len(paying) > 10 and compared_lines > 50  # the comparison covers real payments
    quota = int(rulebook.parameters()[A5 + ".quota"].at(dt.date(YEAR, 1, 1)).value)
    # Awarded before 附则3 (which may then cut an award to nothing).
    (ip_lines,) = [lines for lines in run.result.lines if lines.rule_id == A5]
    awarded = int((ip_lines.eligible & (ip_lines.amount > 0)).sum())
    if directory == "quota_binding_dir":
        assert awarded == quota and quota_cut > 0
    else:
        assert awarded < quota and quota_cut == 0


def test_cli_generates_and_batches_71(tmp_path: Path) -> None:
    runner = CliRunner()
    pop = tmp_path / "pop"
    args = ["population", "generate", "--document", DOCUMENT, "--entities", str(ENTITIES)]
    result = runner.invoke(app, [*args, "--seed", str(SEED), "--year", str(YEAR), "--out", str(pop)])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output and "enterprises.parquet" in result.output
    out = tmp_path / "c.parquet"
    result = runner.invoke(app, ["batch", str(pop), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["document"] == DOCUMENT and summary["synthetic"] is True
    assert {r["rule"] for r in summary["by_rule"]} == set(pq.read_table(out).column("rule").to_pylist())
    # An enterprise's own case as YAML, which `duixian calc` reads back: its own row and rows.
    paid = pq.read_table(out).column("beneficiary")[0].as_py()
    result = runner.invoke(app, ["population", "case", str(pop), paid])
    assert result.exit_code == 0, result.output
    case = yaml.safe_load(result.output)
    assert case["document"] == DOCUMENT and [e["id"] for e in case["enterprises"]] == [paid]
    owned = [rows for name, rows in case.items() if isinstance(rows, list) and name != "enterprises"]
    assert owned and all(row["enterprise"] == paid for rows in owned for row in rows)
    assert calculate_case(case).total() > 0
    result = runner.invoke(app, ["population", "case", str(pop), "E-NOBODY"])
    assert result.exit_code != 0 and "E-NOBODY" in result.output
    result = runner.invoke(app, [*args, "--year", "2030", "--out", str(tmp_path / "late")])
    assert result.exit_code == 2 and "year" in result.output
