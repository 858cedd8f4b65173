"""Budget simulation of reforms (duixian.reform, `duixian reform`).

The population is a seeded SYNTHETIC one (population.synthetic, 500 enterprises) in which the loans of
every third qualified borrower are made 20–60 times larger: at this size no enterprise's c1 subsidy
would reach the 200,000-yuan cap otherwise, and the cap raise would have no one to test on.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
import yaml
from typer.testing import CliRunner

from duixian import rulebook
from duixian.cli import app
from duixian.engine.evaluate import Result, calculate
from duixian.errors import InputError, InputErrors
from duixian.population import open_population
from duixian.population.batch import run_batch
from duixian.population.load import Population, read_arrow_tables
from duixian.population.synthetic import generate_76
from duixian.population.write import extract_case, write_population
from duixian.reform import Reform, Simulation, load_reform, parse_reform, simulate

ROOT = Path(__file__).resolve().parents[1]
REFORMS = ROOT / "examples" / "reforms"
DOC_ID = "wzb-2019-76"
C1 = f"{DOC_ID}.c1"
CAP, NEW_CAP = 20_000_000, 30_000_000  # fen
ENTITIES, SEED, YEAR = 500, 4, 2020
SCALES = (25, 30, 40, 60)  # the chosen borrowers' loans, made this many times larger in turn


def _scaled(values: pa.ChunkedArray, factors: list[int]) -> pa.Array:
    return pa.array(
        [None if v is None else v * f for v, f in zip(values.to_pylist(), factors, strict=True)],
        type=values.type,
    )


@pytest.fixture(scope="module")
def population_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = generate_76(ENTITIES, SEED, YEAR)
    loans = made.tables["loans"]
    # Enterprises holding a qualification (c1 asks for one) that borrow: every third one's loans grow.
    qualified = set(made.tables["parties.qualifications"].column("parent").to_pylist())
    borrowers = sorted(qualified & set(loans.column("borrower").to_pylist()))
    big = {b: SCALES[k % len(SCALES)] for k, b in enumerate(borrowers[::3])}
    factors = [big.get(b, 1) for b in loans.column("borrower").to_pylist()]
    for column in ("principal", "interest_paid", "valuation_fee"):
        i = loans.schema.get_field_index(column)
        loans = loans.set_column(i, column, _scaled(loans.column(column), factors))
    tables = {**made.tables, "loans": loans}
    return write_population(
        tmp_path_factory.mktemp("reform") / "pop",
        rulebook.documents()[DOC_ID],
        YEAR,
        tables,
        synthetic=True,
        seed=SEED,
        entities=ENTITIES,
        calibration=made.calibration
        + "\n测试用：每3户有资质的借款企业中1户的贷款放大20–60倍（使部分企业达到第一条上限）。",
    )


@pytest.fixture(scope="module")
def population(population_dir: Path) -> Population:
    return open_population(population_dir)


def _reform(**fields: Any) -> Reform:
    data: dict[str, Any] = {"name": "t", "description": "测试", "document": DOC_ID, "from": "2020-01-01"}
    return parse_reform(data | fields)


@pytest.fixture(scope="module")
def cap_raise(population: Population) -> Simulation:
    return simulate(population, load_reform(REFORMS / "c1-cap-300k.yaml"))


def _rule_amounts(sim: Simulation, rule: str, column: str) -> dict[str, int]:
    t = sim.results.to_pylist()
    return {r["beneficiary"]: r[column] for r in t if r["rule"] == rule}


def _per_beneficiary(sim: Simulation) -> dict[str, int]:
    return dict(
        zip(
            sim.per_beneficiary()["beneficiary"].to_pylist(),
            sim.per_beneficiary()["difference"].to_pylist(),
            strict=True,
        )
    )


# --- the c1 cap raise ------------------------------------------------------------------------------


def test_cap_raise_never_lowers_anyone(cap_raise: Simulation) -> None:
    differences = _per_beneficiary(cap_raise)
    assert min(differences.values()) >= 0
    assert cap_raise.counts()["losers"] == 0
    assert cap_raise.counts()["gainers"] >= 3


def test_gains_only_where_the_c1_baseline_hit_the_cap(cap_raise: Simulation) -> None:
    at_cap = {b for b, fen in _rule_amounts(cap_raise, C1, "baseline").items() if fen == CAP}
    gainers = {b for b, d in _per_beneficiary(cap_raise).items() if d > 0}
    assert gainers and gainers <= at_cap
    reform_c1 = _rule_amounts(cap_raise, C1, "reform")
    assert max(reform_c1.values()) == NEW_CAP  # someone now reaches the new cap …
    gains = sorted(_rule_amounts(cap_raise, C1, "difference")[b] for b in gainers)
    assert gains[-1] == NEW_CAP - CAP and 0 < gains[0] < NEW_CAP - CAP  # … and someone falls between
    # Only c1 changes: every other rule's rows have difference 0.
    others = [r for r in cap_raise.results.to_pylist() if r["rule"] != C1]
    assert others and all(r["difference"] == 0 for r in others)


def test_total_cost_is_the_sum_of_differences_and_of_the_engine_totals(
    cap_raise: Simulation, population: Population
) -> None:
    per_row = sum(cap_raise.cash["difference"].to_pylist())
    per_beneficiary = sum(_per_beneficiary(cap_raise).values())
    by_rule = sum(r["difference"] for r in cap_raise.by_rule() if r["kind"] == "cash")
    by_district = sum(d["difference"] for d in cap_raise.by_district())
    assert cap_raise.cost == per_row == per_beneficiary == by_rule == by_district > 0
    assert cap_raise.cost == cap_raise.totals["reform"] - cap_raise.totals["baseline"]
    # The baseline is exactly what `duixian batch` pays (the same evaluate, run separately).
    assert cap_raise.totals["baseline"] == run_batch(population).result.total("cash")
    baseline_rows = sum(cap_raise.cash["baseline"].to_pylist())
    assert baseline_rows == cap_raise.totals["baseline"]


def test_largest_gains_come_first(cap_raise: Simulation) -> None:
    top = cap_raise.largest_gains()
    assert [g["difference"] for g in top] == sorted((g["difference"] for g in top), reverse=True)
    assert top[0]["difference"] == NEW_CAP - CAP
    assert all(g["district"] for g in top)  # enterprises have a district


def test_identity_reform_costs_nothing(population: Population) -> None:
    sim = simulate(population, _reform(parameters={"wzb-2019-76.c1.cap": 200000}))
    assert sim.cost == 0
    assert sim.counts()["gainers"] == sim.counts()["losers"] == 0
    assert set(sim.results["difference"].to_pylist()) == {0}
    assert sim.totals["baseline"] == sim.totals["reform"] > 0


def _enterprise_case(population_dir: Path, population: Population, enterprise: str) -> dict[str, Any]:
    raw = read_arrow_tables(population_dir, population.document)
    return extract_case(population.document, population.year, population.meta.readings, raw, [enterprise])


def _c1_of(result: Result, enterprise: str) -> tuple[int, int]:
    """(final amount, amount before the caps across lines) of the enterprise's c1 lines."""
    lines = next(ln for ln in result.lines if ln.rule_id == C1)
    mine = lines.beneficiary == enterprise
    return int(lines.final()[mine].sum()), int(lines.amount[mine].sum())


def test_hand_check_one_enterprise_against_calc(
    cap_raise: Simulation, population: Population, population_dir: Path, tmp_path: Path
) -> None:
    """The largest gainer, cut out of the population and computed alone: `duixian calc` for the
    baseline, the engine's calculate with the reform's parameters for the reform."""
    enterprise = cap_raise.largest_gains()[-1]["beneficiary"]  # a partial gain: the subtler case
    case = _enterprise_case(population_dir, population, enterprise)
    case_file = tmp_path / "case.yaml"
    case_file.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    shown = CliRunner().invoke(app, ["calc", str(case_file), "--json", "--rule", C1])
    assert shown.exit_code == 0, shown.output
    calc_c1 = sum(
        line["amount"]["fen"]
        for line in json.loads(shown.stdout)["lines"]
        if line["beneficiary"] == enterprise
    )
    assert calc_c1 == CAP == _rule_amounts(cap_raise, C1, "baseline")[enterprise]
    body = {k: v for k, v in case.items() if k != "document"}
    params = cap_raise.reform.parameters(rulebook.parameters())
    reformed, uncapped = _c1_of(calculate(population.document, body, params, rulebook.register()), enterprise)
    assert reformed == _rule_amounts(cap_raise, C1, "reform")[enterprise]
    # By hand: the subsidy before the cap lies between the caps, so the reform pays all of it.
    assert CAP < uncapped < NEW_CAP and reformed == uncapped
    assert _per_beneficiary(cap_raise)[enterprise] == uncapped - CAP


# --- a reading change and a rate change -------------------------------------------------------------


def test_reading_change_is_applied(population: Population, population_dir: Path) -> None:
    sim = simulate(population, load_reform(REFORMS / "c1-day-count-365.yaml"))
    c1 = [r for r in sim.results.to_pylist() if r["rule"] == C1]
    assert all(r["difference"] <= 0 for r in c1)
    assert sum(r["difference"] < 0 for r in c1) >= 20  # all but those held at the cap
    assert sum(r["reform"] for r in c1) < sum(r["baseline"] for r in c1)
    # One enterprise alone, with the reading set in its own case: the same reformed c1 amount.
    loser = min((r for r in c1 if r["baseline"] < CAP), key=lambda r: (r["difference"], r["beneficiary"]))
    case = _enterprise_case(population_dir, population, loser["beneficiary"])
    case["readings"] = {"wzb-2019-76.c1.day_count": "actual_365"}
    body = {k: v for k, v in case.items() if k != "document"}
    result = calculate(population.document, body, rulebook.parameters(), rulebook.register())
    assert _c1_of(result, loser["beneficiary"])[0] == loser["reform"]
    assert (
        next(ln for ln in result.lines if ln.rule_id == C1).readings["wzb-2019-76.c1.day_count"]
        == "actual_365"
    )


def test_rate_change_raises_c8a(population: Population) -> None:
    sim = simulate(population, load_reform(REFORMS / "c8a-rate-low-30.yaml"))
    c8a = [r for r in sim.results.to_pylist() if r["rule"] == f"{DOC_ID}.c8a"]
    assert all(r["difference"] >= 0 for r in c8a) and any(r["difference"] > 0 for r in c8a)
    # Where neither clause competes (g3), 30% of the fee is exactly 1.5 × 20% of it, give or take rounding.
    for r in c8a:
        if r["baseline"] and r["difference"] > 0:
            assert abs(r["reform"] * 2 - r["baseline"] * 3) <= 3
    assert sim.cost == sim.totals["reform"] - sim.totals["baseline"] > 0


def test_examples_parse() -> None:
    found = sorted(REFORMS.glob("*.yaml"))
    assert {p.stem for p in found} >= {"c1-cap-300k", "c8a-rate-low-30", "c1-day-count-365"}
    for path in found:
        reform = load_reform(path)
        assert reform.description and (reform.changes or reform.readings)
        assert path.read_text(encoding="utf-8").startswith("# ")  # each says what it asks
    cap = load_reform(REFORMS / "c1-cap-300k.yaml")
    assert cap.changes[f"{C1}.cap"].written == Decimal(300000)


# --- errors name their field -----------------------------------------------------------------------


def _fields(**fields: Any) -> list[str]:
    with pytest.raises((InputError, InputErrors)) as caught:
        _reform(**fields)
    exc = caught.value
    if isinstance(exc, InputErrors):
        return [e.field for e in exc.errors]
    assert isinstance(exc, InputError)
    return [exc.field]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"parameters": {"wzb-2019-76.c1.capp": 300000}}, "parameters.wzb-2019-76.c1.capp"),
        ({"parameters": {"wzb-2019-76.c1.cap": "30万元"}}, "parameters.wzb-2019-76.c1.cap"),
        ({"parameters": {"wzb-2019-76.c1.cap": -1}}, "parameters.wzb-2019-76.c1.cap"),
        ({"parameters": {"wzb-2019-76.c1.cap": 300000.001}}, "parameters.wzb-2019-76.c1.cap"),
        ({"parameters": {"wzb-2019-76.c1.cap": True}}, "parameters.wzb-2019-76.c1.cap"),
        (
            {"parameters": {"wzb-2019-76.c1.cap": {"value": 30, "unit": "percent"}}},
            "parameters.wzb-2019-76.c1.cap.unit",
        ),
        ({"parameters": {"wzb-2019-76.c8a.rate_low": 130}}, "parameters.wzb-2019-76.c8a.rate_low"),
        ({"parameters": {"wzb-2019-76.c8a.rate_low": {"value": 30}}}, "parameters.wzb-2019-76.c8a.rate_low"),
        ({"parameters": {"wzf-2019-16.allowance.basis": "x"}}, "parameters.wzf-2019-16.allowance.basis"),
        ({"readings": {"wzb-2019-76.c1.day_count": "actual_366"}}, "readings.wzb-2019-76.c1.day_count"),
        ({"readings": {"wzb-2019-76.c1.no_such_switch": "x"}}, "readings.wzb-2019-76.c1.no_such_switch"),
        ({"parameters": {}, "readings": {}}, "parameters"),
        ({"document": "wzb-2019-99", "parameters": {"wzb-2019-76.c1.cap": 1}}, "document"),
        ({"from": "2020-13-01", "parameters": {"wzb-2019-76.c1.cap": 1}}, "from"),
        ({"from": "2018-01-01", "parameters": {"wzb-2019-76.c1.cap": 1}}, "from"),
        ({"colour": "red", "parameters": {"wzb-2019-76.c1.cap": 1}}, "colour"),
        ({"name": "c1 cap", "parameters": {"wzb-2019-76.c1.cap": 1}}, "name"),
    ],
)
def test_errors_name_the_field(fields: dict[str, Any], field: str) -> None:
    assert field in _fields(**fields)


def _reasons(**fields: Any) -> dict[str, str]:
    with pytest.raises((InputError, InputErrors)) as caught:
        _reform(**fields)
    exc = caught.value
    errors = exc.errors if isinstance(exc, InputErrors) else [exc]
    assert isinstance(errors[0], InputError)
    return {e.field: e.reason for e in errors}


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"parameters": {"wzb-2019-76.c1.cap": -5}}, "parameters.wzb-2019-76.c1.cap", ["-5 为负数", "元"]),
        (
            {"parameters": {"wzb-2019-76.c1.capp": 1}},
            "parameters.wzb-2019-76.c1.capp",
            ["没有这个参数", ".c1.cap"],
        ),
        (
            {"parameters": {"wzb-2019-76.c8a.rate_low": 130}},
            "parameters.wzb-2019-76.c8a.rate_low",
            ["超过 100"],
        ),
        (
            {"parameters": {"wzb-2019-76.c1.cap": {"value": 30, "unit": "percent"}}},
            "parameters.wzb-2019-76.c1.cap.unit",
            ["“percent”", "yuan"],
        ),
        (
            {"readings": {"wzb-2019-76.c1.day_count": "actual_366"}},
            "readings.wzb-2019-76.c1.day_count",
            ["“actual_366”不是可选项", "actual_365"],
        ),
        (
            {"readings": {"wzb-2019-76.c1.no_such_switch": "x"}},
            "readings.wzb-2019-76.c1.no_such_switch",
            ["没有这个开关"],
        ),
        ({"from": "2018-01-01", "parameters": {"wzb-2019-76.c1.cap": 1}}, "from", ["早于", "施行"]),
    ],
)
def test_reasons_say_in_chinese_what_is_wrong(fields: dict[str, Any], field: str, words: list[str]) -> None:
    reason = _reasons(**fields)[field]
    assert all(word in reason for word in words), reason


def test_count_parameters_take_whole_numbers() -> None:
    counts = [
        n for n, p in rulebook.parameters().parameters.items() if p.unit == "count" and n.startswith(DOC_ID)
    ]
    assert counts
    assert f"parameters.{counts[0]}" in _fields(parameters={counts[0]: 2.5})
    assert _reform(parameters={counts[0]: 2}).changes[counts[0]].written == 2


def test_a_reform_after_the_year_is_refused(population: Population) -> None:
    with pytest.raises(InputError) as caught:
        simulate(population, _reform(**{"from": "2021-01-01", "parameters": {f"{C1}.cap": 300000}}))
    assert caught.value.field == "from"


# --- the command -----------------------------------------------------------------------------------


def test_cli_writes_parquet_png_and_summary(population_dir: Path, tmp_path: Path) -> None:
    out, chart = tmp_path / "out", tmp_path / "charts" / "c1.png"
    args = ["reform", str(REFORMS / "c1-cap-300k.yaml"), "--population", str(population_dir)]
    result = CliRunner().invoke(app, [*args, "--out", str(out), "--chart", str(chart)])
    assert result.exit_code == 0, result.output
    assert "新增财政现金支出" in result.stdout and "合成数据" in result.stdout
    data = chart.read_bytes()
    assert len(data) > 10_000 and data[:8] == b"\x89PNG\r\n\x1a\n"
    table = pq.read_table(out / "results.parquet")
    assert table.column_names == [
        "beneficiary",
        "district",
        "rule",
        "kind",
        "baseline",
        "reform",
        "difference",
    ]
    assert table.schema.metadata[b"reform"] == b"c1-cap-300k"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["cost_fen"] == sum(table.column("difference").to_pylist()) > 0
    totals: dict[str, int] = defaultdict(int)
    for row in table.to_pylist():
        totals[row["beneficiary"]] += row["difference"]
    assert summary["beneficiaries"]["gainers"] == sum(d > 0 for d in totals.values())


def test_cli_json_and_reading_chart(population_dir: Path, tmp_path: Path) -> None:
    chart = tmp_path / "day.png"
    args = ["reform", str(REFORMS / "c1-day-count-365.yaml"), "--population", str(population_dir)]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "o"), "--chart", str(chart), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["cost_fen"] < 0 and payload["beneficiaries"]["gainers"] == 0
    assert payload["readings"] == [
        {"switch": "wzb-2019-76.c1.day_count", "baseline": "actual_360", "reform": "actual_365"}
    ]
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # no gainers: the histogram panel says so


def test_cli_errors_exit_2_naming_the_field(population_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\ndescription: 错\ndocument: wzb-2019-76\nfrom: 2020-01-01\n"
        "parameters: {wzb-2019-76.c1.cap: {value: 300000, unit: percent}}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["reform", str(bad), "--population", str(population_dir)])
    assert result.exit_code == 2
    assert "parameters.wzb-2019-76.c1.cap.unit" in result.output
