"""免申即享 over a population: evaluate every rule once on the whole tables, list what is payable.

The evaluation is ``duixian.engine.evaluate.evaluate`` itself, on the loaded tables: the formulas are
the ones a single case runs. This module only watches the rules go by (a progress callback) and
turns the lines into a candidates table: one row per line with a positive final amount.

No chunking: the whole population is evaluated in memory at once. Institution-level rules (a
bank's or guarantor's cap, a ranking, a pool) need every row of their institution, and g3 settles
each beneficiary over all its lines; a chunked run would have to split the rules by who they pay.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from duixian import rulebook
from duixian.engine.document import Document
from duixian.engine.evaluate import Result, evaluate
from duixian.engine.rules import MONEY_KINDS, Context, Formula, KeyColumn, Keys, Lines, RuleSpec
from duixian.engine.tables import BoolArray, Column, Table, gather
from duixian.population.load import Population
from duixian.population.schema import MONEY_TYPE, decimal_array

Progress = Callable[[str], None]  # called with a rule id after each formula, then "finalise"

CANDIDATE_SCHEMA = pa.schema(
    [
        pa.field("beneficiary", pa.string(), nullable=False),
        pa.field("rule", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # cash / deposit / investment
        pa.field("subject", pa.string(), nullable=False),
        pa.field("project", pa.string(), nullable=False),
        pa.field("district", pa.string()),  # the beneficiary's parties.district, where known
        pa.field("amount_fen", pa.int64(), nullable=False),
        pa.field("amount", pa.decimal128(16, 2), nullable=False),
        pa.field("readings", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
    ]
)


@dataclass
class BatchRun:
    population: Population
    result: Result
    candidates: pa.Table
    seconds: dict[str, float] = field(default_factory=dict)


def _watched(document: Document, progress: Progress) -> Document:
    """The same document, each formula reporting when it is done (evaluate itself is unchanged)."""

    def watch(spec: RuleSpec) -> RuleSpec:
        formula = spec.formula
        if formula is None:
            return spec

        def run(ctx: Context, _f: Formula = formula, _id: str = spec.id) -> Lines:
            lines = _f(ctx)
            progress(_id)
            return lines

        return dataclasses.replace(spec, formula=run)

    finalisers = [*document.finalisers]
    if finalisers:
        last = finalisers[-1]

        def finalise_then_report(ctx: Context, lines: list[Lines]) -> None:
            last(ctx, lines)
            progress("finalise")

        finalisers[-1] = finalise_then_report
    return dataclasses.replace(
        document, rules={k: watch(v) for k, v in document.rules.items()}, finalisers=finalisers
    )


def steps_total(
    document: Document, rule_ids: Iterable[str] | None = None, tables: Mapping[str, Table] | None = None
) -> int:
    """How many progress steps a run reports: one per formula evaluated, one for the final passes.
    Given the tables, rules whose ``lines_from`` table is empty are not counted (``evaluate`` skips
    them, so they report nothing)."""
    wanted = set(rule_ids) if rule_ids is not None else None
    formulas = [
        s
        for s in document.rules.values()
        if s.formula
        and (wanted is None or s.id in wanted)
        and (tables is None or s.lines_from is None or len(tables[s.lines_from]) > 0)
    ]
    return len(formulas) + (1 if document.finalisers else 0)


def run_batch(
    population: Population, rule_ids: Iterable[str] | None = None, progress: Progress | None = None
) -> BatchRun:
    document = population.document
    if progress is not None:
        document = _watched(document, progress)
    start = time.perf_counter()
    result = evaluate(
        document,
        population.tables,
        population.year,
        rulebook.parameters(),
        population.readings,
        rule_ids,
        {"case": population.case},
    )
    evaluated = time.perf_counter()
    candidates = candidate_table(population, result)
    return BatchRun(
        population,
        result,
        candidates,
        {"evaluate": evaluated - start, "candidates": time.perf_counter() - evaluated},
    )


def _text(values: KeyColumn, rows: np.ndarray) -> pa.Array:
    """``values[rows].astype(str)`` as Arrow text, without numpy's fixed-width copy; keys
    ``prefix:id`` are joined in Arrow, not made into Python strings first."""
    if isinstance(values, Keys):
        ids = _exact_text(values.ids[rows])
        if ids is not None:
            return pc.binary_join_element_wise(f"{values.prefix}:", ids, "")
    column = np.asarray(values[rows])
    text = _exact_text(column) if column.dtype == np.object_ else None
    return text if text is not None else pa.array(column.astype(str), type=pa.string())


def _exact_text(column: Column) -> pa.Array | None:
    """An object column of text as Arrow text; None where ``astype(str)`` would say otherwise (a value
    that is not text, None, or text ending in NUL, which numpy drops)."""
    try:
        text = pa.array(column, type=pa.string(), from_pandas=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if text.null_count or pc.any(pc.ends_with(text, "\x00")).as_py():
        return None
    return text


def _reason(spec: RuleSpec, lines: Lines, rows: np.ndarray) -> pa.ChunkedArray:
    """Why each selected line (``rows``: ascending, not empty) is payable, in the rule's own words:
    its conditions (all held), the caps that bound, the deductions made and the notes of the final
    passes.

    Most lines share one reason: each combination of caps and deductions is written once and
    gathered by its number, in blocks (:func:`_in_blocks`); a line with notes has its own text."""
    head = f"{spec.clause}《{spec.title}》"
    if lines.conditions:
        head += "；符合：" + "、".join(lines.conditions)
    labels = [f"；封顶：{label}" for label in lines.caps]
    flags = [np.asarray(bound[rows], dtype=bool) for bound in lines.caps.values()]
    for label, deducted in lines.adjustments.items():
        if label not in lines.caps:
            labels.append(f"；扣减：{label}")
            flags.append(np.asarray(deducted[rows] > 0))
    combos, codes = _combinations(flags, len(rows))
    texts = [head + "".join(lab for lab, on in zip(labels, combo, strict=True) if on) for combo in combos]
    codes = codes.astype(np.int64)
    if lines.notes:  # each noted line: its own text, after the shared ones
        noted = np.sort(np.fromiter(lines.notes, dtype=np.int64, count=len(lines.notes)))
        at = np.minimum(np.searchsorted(rows, noted), len(rows) - 1)
        positions = at[rows[at] == noted]
        for i, r in zip(positions.tolist(), rows[positions].tolist(), strict=True):
            texts.append(texts[codes[i]] + "；" + "；".join(lines.notes[r]))
        codes[positions] = np.arange(len(texts) - len(positions), len(texts))
    distinct = pa.array(texts, type=pa.string())
    return pa.chunked_array(
        [distinct.take(codes[block]) for block in _in_blocks(len(rows), _widest(distinct))], pa.string()
    )


# A text column of a city's candidates is large (at 10^6 enterprises, 68 MB of reasons, most of them
# repeated). In one buffer, past glibc's mmap threshold (32 MiB, see population/memory.py), Arrow's
# take faults in about twice its size (30 000 faults for the reasons at 10^6); in blocks under the
# threshold, each byte once (15 000). So the wide columns are built in blocks: a chunked column, the
# same values and type.
_BLOCK_BYTES = 8 * 2**20


def _in_blocks(n: int, width: int) -> list[slice]:
    """Slices of ``range(n)`` whose texts of at most ``width`` bytes each fill at most _BLOCK_BYTES."""
    step = max(1, _BLOCK_BYTES // max(width, 1))
    return [slice(start, min(start + step, n)) for start in range(0, n, step)]


def _widest(texts: pa.Array) -> int:
    """The byte length of the longest of ``texts``."""
    longest = pc.max(pc.binary_length(texts)).as_py()
    return int(longest or 0)


def _repeated(text: str, n: int) -> pa.ChunkedArray:
    """``text`` n times, in blocks (:func:`_in_blocks`)."""
    one = pa.scalar(text, pa.string())
    blocks = _in_blocks(n, len(text.encode()))
    return pa.chunked_array([pa.repeat(one, b.stop - b.start) for b in blocks], pa.string())


def _combinations(flags: list[BoolArray], n: int) -> tuple[list[tuple[bool, ...]], np.ndarray]:
    """The distinct rows of the flag columns, and each row's number among them."""
    if not flags:
        return [()], np.zeros(n, dtype=np.int64)
    if len(flags) > 62:  # more flags than bits of an int64: compare whole rows
        distinct, inverse = np.unique(np.column_stack(flags), axis=0, return_inverse=True)
        return [tuple(bool(v) for v in row) for row in distinct], np.asarray(inverse).reshape(-1)
    packed = np.zeros(n, dtype=np.int64)
    for bit, flag in enumerate(flags):
        packed |= flag.astype(np.int64) << bit
    distinct_packed, inverse = np.unique(packed, return_inverse=True)
    combos = [tuple(bool(int(p) >> bit & 1) for bit in range(len(flags))) for p in distinct_packed]
    return combos, np.asarray(inverse).reshape(-1)


def candidate_table(population: Population, result: Result) -> pa.Table:
    """One row per line of a money rule whose final amount is positive."""
    rules = result.document.rules
    districts = _district_lookup(population)
    pieces: list[pa.Table] = []
    for lines in result.lines:
        spec = rules[lines.rule_id]
        if spec.kind not in MONEY_KINDS:
            continue
        final = lines.final()
        rows = np.flatnonzero(final > 0)
        if not len(rows):
            continue
        readings = "; ".join(f"{k}={v}" for k, v in sorted(lines.readings.items()))
        n = len(rows)
        pieces.append(
            pa.table(
                {
                    "beneficiary": _text(lines.beneficiary, rows),
                    "rule": pa.repeat(pa.scalar(spec.id, pa.string()), n),
                    "kind": pa.repeat(pa.scalar(spec.kind, pa.string()), n),
                    "subject": _text(lines.subject, rows),
                    "project": _text(lines.project, rows),
                    "district": districts(lines.beneficiary, rows),
                    "amount_fen": final[rows].astype(np.int64),
                    "amount": decimal_array(final[rows], MONEY_TYPE),
                    "readings": _repeated(readings, n),
                    "reason": _reason(spec, lines, rows),
                },
                schema=CANDIDATE_SCHEMA,
            )
        )
    if not pieces:
        return CANDIDATE_SCHEMA.empty_table()
    return pa.concat_tables(pieces)


def _district_lookup(population: Population) -> Callable[[Column, np.ndarray], pa.Array]:
    """The district of the beneficiary of each chosen line (``rows`` of a rule's lines), where known."""
    parties = population.tables.get("parties")
    if parties is None or "district" not in parties or "id" not in parties:
        return lambda ids, rows: pa.nulls(len(rows), type=pa.string())

    def lookup(ids: Column, rows: np.ndarray) -> pa.Array:
        # The whole beneficiary column: most are a table's reference column, whose rows the loader found.
        found = gather(parties["district"], parties.rows_of(np.asarray(ids, dtype=object))[rows], None)
        return pa.array(found, type=pa.string())

    return lookup


def canonical_order(candidates: pa.Table, document: Document) -> pa.Table:
    """Rules in the document's order, then beneficiary, subject, project (and the rest, for ties)."""
    order = {spec.id: i for i, spec in enumerate(document.ordered_rules())}
    position = pa.array([order.get(r, len(order)) for r in candidates["rule"].to_pylist()], pa.int64())
    keyed = candidates.append_column("_position", position)
    keys = ["_position", "beneficiary", "subject", "project", "amount_fen", "reason"]
    return keyed.sort_by([(k, "ascending") for k in keys]).drop_columns(["_position"])


def summary(candidates: pa.Table) -> dict[str, Any]:
    """Count and total (fen) by rule and by district; cash, deposit quotas and investments apart."""
    by_rule = candidates.group_by(["rule", "kind"]).aggregate(
        [("amount_fen", "count"), ("amount_fen", "sum")]
    )
    by_district = (
        candidates.filter(pc.equal(candidates["kind"], "cash"))
        .group_by(["district"])
        .aggregate([("amount_fen", "count"), ("amount_fen", "sum"), ("beneficiary", "count_distinct")])
    )
    return {
        "by_rule": sorted(
            (
                {"rule": r, "kind": k, "count": c, "total_fen": t}
                for r, k, c, t in zip(
                    by_rule["rule"].to_pylist(),
                    by_rule["kind"].to_pylist(),
                    by_rule["amount_fen_count"].to_pylist(),
                    by_rule["amount_fen_sum"].to_pylist(),
                    strict=True,
                )
            ),
            key=lambda d: str(d["rule"]),
        ),
        "by_district": sorted(
            (
                {"district": d or "（未知）", "count": c, "beneficiaries": b, "total_fen": t}
                for d, c, t, b in zip(
                    by_district["district"].to_pylist(),
                    by_district["amount_fen_count"].to_pylist(),
                    by_district["amount_fen_sum"].to_pylist(),
                    by_district["beneficiary_count_distinct"].to_pylist(),
                    strict=True,
                )
            ),
            key=lambda d: -int(d["total_fen"]),
        ),
    }
