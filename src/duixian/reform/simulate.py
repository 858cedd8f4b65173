"""Baseline and reform on the same population, through the engine's own ``evaluate``; compared per
beneficiary and rule, exact to the fen.

Each run's lines are summed per (rule, beneficiary) and the run dropped before the next starts, so
the two full results are never held at once. Amounts are the lines' final amounts (after g3 and the
caps across lines), as ``population.batch`` lists them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from duixian import rulebook
from duixian.engine.document import Document
from duixian.engine.evaluate import Result, evaluate
from duixian.engine.parameters import ParameterSet
from duixian.engine.readings import Readings
from duixian.engine.rules import MONEY_KINDS
from duixian.engine.tables import gather
from duixian.errors import InputError
from duixian.population import batch
from duixian.population.load import Population
from duixian.reform.spec import Reform, describe_value

Progress = Callable[[str, str], None]  # (run: "baseline" / "reform", rule id or "finalise")
SUMMED = ["baseline", "reform", "difference", "gainers", "losers"]
FEN = {b"unit": b"fen"}

RESULT_SCHEMA = pa.schema(
    [
        pa.field("beneficiary", pa.string(), nullable=False),
        pa.field("district", pa.string()),  # the beneficiary's parties.district, where known
        pa.field("rule", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # cash / deposit / investment
        pa.field("baseline", pa.int64(), nullable=False, metadata=FEN),
        pa.field("reform", pa.int64(), nullable=False, metadata=FEN),
        pa.field("difference", pa.int64(), nullable=False, metadata=FEN),
    ]
)


@dataclass
class Simulation:
    reform: Reform
    population: Population
    # One row per (beneficiary, money rule) paid something in either run; amounts in fen.
    results: pa.Table
    # Result.total("cash") of each run: the engine's own sums, to check the comparison against.
    totals: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def cash(self) -> pa.Table:
        return self.results.filter(pc.equal(self.results["kind"], "cash"))

    @property
    def cost(self) -> int:
        """The reform's extra cash cost (negative: a saving), in fen."""
        return int(pc.sum(self.cash["difference"]).as_py() or 0)

    def per_beneficiary(self) -> pa.Table:
        """Cash per beneficiary: baseline, reform, difference (fen), with its district."""
        return _sum_by(self.cash, ["beneficiary", "district"], ["baseline", "reform", "difference"])

    def counts(self) -> dict[str, int]:
        """Beneficiaries paid cash in either run: how many gain, lose, are unchanged."""
        diff = self.per_beneficiary()["difference"]
        return {
            "gainers": int(pc.sum(pc.greater(diff, 0)).as_py() or 0),
            "losers": int(pc.sum(pc.less(diff, 0)).as_py() or 0),
            "unchanged": int(pc.sum(pc.equal(diff, 0)).as_py() or 0),
        }

    def by_rule(self) -> list[dict[str, Any]]:
        order = {spec.id: i for i, spec in enumerate(self.population.document.ordered_rules())}
        grouped = _sum_by(_with_signs(self.results), ["rule", "kind"], SUMMED)
        rows = _records(grouped)
        return sorted(rows, key=lambda r: order.get(r["rule"], len(order)))

    def by_district(self) -> list[dict[str, Any]]:
        grouped = _sum_by(_with_signs(self.per_beneficiary()), ["district"], SUMMED)
        rows = _records(grouped)
        return sorted(rows, key=lambda r: (-r["difference"], -r["reform"], r["district"] or ""))

    def largest_gains(self, n: int = 10) -> list[dict[str, Any]]:
        people = self.per_beneficiary()
        gained = people.filter(pc.greater(people["difference"], 0))
        top = gained.sort_by([("difference", "descending"), ("beneficiary", "ascending")]).slice(0, n)
        return _records(top)

    @property
    def reference_date(self) -> dt.date:
        """Where the rules read a parameter that no row dates: 1 January, or the day the document
        takes effect if later (engine Context.reference_date; caps are read on 1 January)."""
        return max(dt.date(self.population.year, 1, 1), self.population.document.applies_from)

    @property
    def mid_year(self) -> bool:
        """The reform starts after the reference date: rules reading that date see the old values."""
        return self.reform.start > self.reference_date

    def changes(self) -> list[dict[str, str]]:
        """Each changed parameter: its baseline value and the reform's, as of the reform's start."""
        when = max(self.reference_date, self.reform.start)
        reformed = self.reform.parameters(rulebook.parameters())
        out = []
        for name, change in self.reform.changes.items():
            p = change.parameter
            out.append(
                {
                    "parameter": name,
                    "description": p.description,
                    "baseline": describe_value(p.unit, p.at(when).value, p.measure),
                    "reform": describe_value(p.unit, reformed[name].at(when).value, p.measure),
                }
            )
        return out

    def summary(self) -> dict[str, Any]:
        """Everything the CLI prints, as plain data (amounts in fen)."""
        meta = self.population.meta
        return {
            "reform": self.reform.name,
            "description": self.reform.description,
            "document": self.reform.document.id,
            "from": str(self.reform.start),
            "mid_year": self.mid_year,
            "reference_date": str(self.reference_date),
            "year": self.population.year,
            "synthetic": meta.synthetic,
            "entities": meta.entities,
            "parameters": self.changes(),
            "readings": [
                {"switch": s, "baseline": self.population.readings[s], "reform": o}
                for s, o in self.reform.readings.items()
            ],
            "cost_fen": self.cost,
            "totals_fen": dict(self.totals),
            "beneficiaries": self.counts(),
            "by_rule": self.by_rule(),
            "by_district": self.by_district(),
            "largest_gains": self.largest_gains(),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def simulate(population: Population, reform: Reform, progress: Progress | None = None) -> Simulation:
    """Evaluate the population under the baseline and under the reform; compare line sums."""
    document = population.document
    if reform.document.id != document.id:
        raise InputError("document", f"改革方案属于 {reform.document.id}，人群属于 {document.id}")
    if reform.start.year > population.year:
        raise InputError("from", f"{reform.start} 晚于人群的年度 {population.year}：不会改变任何结果")
    base = rulebook.parameters()
    scenarios: dict[str, tuple[ParameterSet, Readings]] = {
        "baseline": (base, population.readings),
        "reform": (
            reform.parameters(base),
            reform.choose_readings(rulebook.register(), population.meta.readings),
        ),
    }
    sums: dict[str, pa.Table] = {}
    totals: dict[str, int] = {}
    seconds: dict[str, float] = {}
    for run, (params, readings) in scenarios.items():
        start = time.perf_counter()
        result = _evaluate(population, params, readings, run, progress)
        sums[run] = _line_sums(result, run)
        totals[run] = result.total("cash")
        del result
        seconds[run] = time.perf_counter() - start
    start = time.perf_counter()
    results = _compare(population, sums["baseline"], sums["reform"])
    seconds["compare"] = time.perf_counter() - start
    return Simulation(reform, population, results, totals, seconds)


def _evaluate(
    population: Population, params: ParameterSet, readings: Readings, run: str, progress: Progress | None
) -> Result:
    document: Document = population.document
    if progress is not None:
        # population.batch's progress hook: each formula reports when done, evaluate is unchanged.
        document = batch._watched(document, lambda step: progress(run, step))
    return evaluate(
        document, population.tables, population.year, params, readings, None, {"case": population.case}
    )


def _line_sums(result: Result, column: str) -> pa.Table:
    """Final amounts of every money rule's lines, summed per (rule, beneficiary); zeros left out."""
    rules = result.document.rules
    pieces = []
    for lines in result.lines:
        spec = rules[lines.rule_id]
        if spec.kind not in MONEY_KINDS:
            continue
        final = lines.final()
        rows = np.flatnonzero(final != 0)
        if not len(rows):
            continue
        pieces.append(
            pa.table(
                {
                    "rule": pa.repeat(pa.scalar(spec.id, pa.string()), len(rows)),  # (not a string per row)
                    "beneficiary": pa.array(lines.beneficiary[rows].astype(str), type=pa.string()),
                    column: pa.array(final[rows].astype(np.int64), type=pa.int64()),
                }
            )
        )
    if not pieces:
        return pa.table(
            {
                "rule": pa.array([], pa.string()),
                "beneficiary": pa.array([], pa.string()),
                column: pa.array([], pa.int64()),
            }
        )
    return _sum_by(pa.concat_tables(pieces), ["rule", "beneficiary"], [column])


def _compare(population: Population, baseline: pa.Table, reform: pa.Table) -> pa.Table:
    joined = baseline.join(reform, keys=["rule", "beneficiary"], join_type="full outer", use_threads=False)
    base = pc.fill_null(joined["baseline"], 0)
    new = pc.fill_null(joined["reform"], 0)
    kinds = {spec.id: spec.kind for spec in population.document.rules.values()}
    rule_ids = joined["rule"].to_numpy(zero_copy_only=False).astype(object)
    beneficiaries = joined["beneficiary"].to_numpy(zero_copy_only=False).astype(object)
    table = pa.table(
        {
            "beneficiary": pa.array(beneficiaries, pa.string()),
            "district": _districts(population, beneficiaries),
            "rule": pa.array(rule_ids, pa.string()),
            "kind": pa.array([kinds[r] for r in rule_ids], pa.string()),
            "baseline": base,
            "reform": new,
            "difference": pc.subtract(new, base),
        },
        schema=RESULT_SCHEMA,
    )
    return table.sort_by([("rule", "ascending"), ("beneficiary", "ascending")])


def _districts(population: Population, beneficiaries: np.ndarray) -> pa.Array:
    parties = population.tables.get("parties")
    if parties is None or "district" not in parties or "id" not in parties:
        return pa.nulls(len(beneficiaries), type=pa.string())
    found = gather(parties["district"], parties.rows_of(beneficiaries), None)
    found = np.asarray(found, dtype=object)
    found[found == ""] = None  # a party without a district: unknown, as for ids not in parties
    return pa.array(found, type=pa.string())


def _with_signs(table: pa.Table) -> pa.Table:
    """Adds 0/1 columns ``gainers`` and ``losers`` (the row's difference is positive / negative)."""
    return table.append_column(
        "gainers", pc.cast(pc.greater(table["difference"], 0), pa.int64())
    ).append_column("losers", pc.cast(pc.less(table["difference"], 0), pa.int64()))


def _sum_by(table: pa.Table, keys: list[str], values: list[str]) -> pa.Table:
    """Sums of ``values`` per distinct ``keys``: columns keys then values, under their own names."""
    grouped = table.group_by(keys, use_threads=False).aggregate([(v, "sum") for v in values])
    return grouped.select([*keys, *(f"{v}_sum" for v in values)]).rename_columns([*keys, *values])


def _records(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()  # type: ignore[no-any-return]
