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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from duixian import rulebook
from duixian.engine.document import Document
from duixian.engine.evaluate import Result, evaluate
from duixian.engine.money import IntArray
from duixian.engine.rules import MONEY_KINDS, Context, Formula, KeyColumn, Keys, Lines, RuleSpec
from duixian.engine.tables import BoolArray, Column, Table, gather
from duixian.population.load import Population
from duixian.population.memory import cyclic_gc_paused
from duixian.population.schema import MONEY_TYPE, decimal_array

Progress = Callable[[str], None]  # called with a rule id after each formula, then "finalise"

# The readings and reasons repeat (at 10^6 enterprises, 19 distinct reasons over 126 612 lines of
# ~600 bytes): each is written once in a dictionary and each line holds its number, so no column
# spells out ~100 MB of the same texts (Parquet stores them dictionary-encoded anyway). The values,
# as text, are those of a plain string column; PLAIN_SCHEMA is that column's type, for readers that
# need it (Spark's Arrow takes no dictionary).
TEXT = pa.dictionary(pa.int32(), pa.string())

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
        pa.field("readings", TEXT, nullable=False),
        pa.field("reason", TEXT, nullable=False),
    ]
)
PLAIN_SCHEMA = pa.schema(
    [pa.field(f.name, f.type.value_type, f.nullable) if f.type == TEXT else f for f in CANDIDATE_SCHEMA]
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


@cyclic_gc_paused()
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


def _text(
    values: KeyColumn, rows: np.ndarray, ids_text: dict[int, pa.Array | None] | None = None
) -> pa.Array:
    """``values[rows].astype(str)`` as Arrow text, without numpy's fixed-width copy; keys
    ``prefix:id`` are joined in Arrow, not made into Python strings first. ``ids_text``: the ids' text
    per ids array, for the same rows (a loan's subject and project keys share its ids: made text once)."""
    if isinstance(values, Keys):
        memo = {} if ids_text is None else ids_text
        if id(values.ids) not in memo:
            memo[id(values.ids)] = _exact_text(values.ids[rows])
        ids = memo[id(values.ids)]
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


def _reason(spec: RuleSpec, lines: Lines, rows: np.ndarray, numbers: dict[str, int]) -> np.ndarray:
    """Why each selected line (``rows``: ascending, not empty) is payable, in the rule's own words:
    its conditions (all held), the caps that bound, the deductions made and the notes of the final
    passes — as each line's number in ``numbers`` (text → number, the table's dictionary, added to).

    Most lines share one reason: each combination of caps and deductions is written once; a line with
    notes has its own text."""
    head = f"{spec.clause}《{spec.title}》"
    if lines.conditions:
        head += "；符合：" + "、".join(lines.conditions)
    labels = [f"；封顶：{label}" for label in lines.caps]
    flags = [np.asarray(bound[rows], dtype=bool) for bound in lines.caps.values()]
    for label, deducted in lines.adjustments.items():
        if label not in lines.caps:
            labels.append(f"；扣减：{label}")
            flags.append(np.asarray(deducted[rows] > 0))
    combos, combo_of = _combinations(flags, len(rows))
    texts = [head + "".join(lab for lab, on in zip(labels, combo, strict=True) if on) for combo in combos]
    shared = np.array([numbers.setdefault(t, len(numbers)) for t in texts], dtype=np.int32)
    codes: np.ndarray = shared[combo_of]
    if lines.notes:  # each noted line: its combination's text and its notes
        noted = np.sort(np.fromiter(lines.notes, dtype=np.int64, count=len(lines.notes)))
        at = np.minimum(np.searchsorted(rows, noted), len(rows) - 1)
        positions = at[rows[at] == noted]
        heads, notes = combo_of[positions].tolist(), rows[positions].tolist()
        codes[positions] = [
            numbers.setdefault(texts[c] + "；" + "；".join(lines.notes[r]), len(numbers))
            for c, r in zip(heads, notes, strict=True)
        ]
    return codes


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
    distinct_packed, inverse = _distinct(packed, len(flags))
    combos = [tuple(bool(int(p) >> bit & 1) for bit in range(len(flags))) for p in distinct_packed]
    return combos, inverse


_COUNTED_BITS = 16  # up to 2^16 possible values: counted, not sorted


def _distinct(packed: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(packed, return_inverse=True)`` for values in [0, 2^bits): with few bits, by counting
    each value (one pass) rather than sorting the n lines (a city's rule has 10^5)."""
    if bits > _COUNTED_BITS:
        distinct, inverse = np.unique(packed, return_inverse=True)
        return distinct, np.asarray(inverse).reshape(-1)
    distinct = np.flatnonzero(np.bincount(packed, minlength=1 << bits))
    number = np.zeros(1 << bits, dtype=np.int64)
    number[distinct] = np.arange(len(distinct))
    return distinct, number[packed]


def candidate_rows(result: Result) -> Iterator[tuple[Lines, IntArray, npt.NDArray[np.intp]]]:
    """Each money rule's lines that pay something: (lines, their final amounts, the rows paid)."""
    for lines in result.lines:
        if result.document.rules[lines.rule_id].kind not in MONEY_KINDS:
            continue
        final = lines.final()
        rows = np.flatnonzero(final > 0)
        if len(rows):
            yield lines, final, rows


def candidate_table(population: Population, result: Result) -> pa.Table:
    """One row per line of a money rule whose final amount is positive."""
    rules = result.document.rules
    districts = _district_lookup(population)
    # One dictionary per text column for the whole table (an Arrow IPC file, several.py's and the
    # chunked run's hand-over, takes no other dictionary in a later batch): text → number.
    texts: dict[str, dict[str, int]] = {"readings": {}, "reason": {}}
    pieces: list[dict[str, Any]] = []
    for lines, final, rows in candidate_rows(result):
        spec = rules[lines.rule_id]
        readings = "; ".join(f"{k}={v}" for k, v in sorted(lines.readings.items()))
        n = len(rows)
        ids_text: dict[int, pa.Array | None] = {}  # (the lines hold the ids arrays: their ids stay theirs)
        pieces.append(
            {
                "beneficiary": _text(lines.beneficiary, rows),
                "rule": pa.repeat(pa.scalar(spec.id, pa.string()), n),
                "kind": pa.repeat(pa.scalar(spec.kind, pa.string()), n),
                "subject": _text(lines.subject, rows, ids_text),
                "project": _text(lines.project, rows, ids_text),
                "district": districts(lines.beneficiary, rows),
                "amount_fen": final[rows].astype(np.int64),
                "amount": decimal_array(final[rows], MONEY_TYPE),
                "readings": np.full(
                    n, texts["readings"].setdefault(readings, len(texts["readings"])), np.int32
                ),
                "reason": _reason(spec, lines, rows, texts["reason"]),
            }
        )
    if not pieces:
        return CANDIDATE_SCHEMA.empty_table()
    dictionaries = {name: pa.array(list(numbers), pa.string()) for name, numbers in texts.items()}
    return pa.concat_tables(
        [
            pa.table(
                piece
                | {
                    name: pa.DictionaryArray.from_arrays(pa.array(piece[name], pa.int32()), dictionary)
                    for name, dictionary in dictionaries.items()
                },
                schema=CANDIDATE_SCHEMA,
            )
            for piece in pieces
        ]
    )


def _district_lookup(population: Population) -> Callable[[Column, np.ndarray], pa.Array]:
    """The district of the beneficiary of each chosen line (``rows`` of a rule's lines), where known."""
    parties = population.tables.get("parties")
    if parties is None or "district" not in parties or "id" not in parties:
        return lambda ids, rows: pa.nulls(len(rows), type=pa.string())

    words: list[pa.Array | None] = []  # the districts' categories as Arrow text, made on first use

    def lookup(ids: Column, rows: np.ndarray) -> pa.Array:
        # The whole beneficiary column: most are a table's reference column, whose rows the loader found.
        found = parties.rows_of(np.asarray(ids, dtype=object))[rows]
        if len(parties) >= _FEW_PARTIES and not words:
            words.append(_district_words(parties))
        if len(parties) >= _FEW_PARTIES and words[0] is not None:
            # Each line's district taken from the few district words by code, in Arrow: no Python
            # string per line to convert, no district column of every party built (10^6 parties:
            # 15–20 → 2 ms).
            codes = parties.categories("district")[0]
            return words[0].take(pa.array(codes[np.maximum(found, 0)], mask=found < 0))
        return pa.array(gather(parties["district"], found, None), type=pa.string())

    return lookup


_FEW_PARTIES = 1000  # fewer parties: their districts gathered as they are (as Table.isin decides)


def _district_words(parties: Table) -> pa.Array | None:
    """The words of the parties' district categories as Arrow text (words[codes] is the district of
    each party), None where a word is not text (the plain gather then says what it says)."""
    try:
        return pa.array(parties.categories("district")[1], type=pa.string(), from_pandas=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def canonical_order(candidates: pa.Table, document: Document) -> pa.Table:
    """Rules in the document's order, then beneficiary, subject, project (and the rest, for ties)."""
    order = {spec.id: i for i, spec in enumerate(document.ordered_rules())}
    position = pa.array([order.get(r, len(order)) for r in candidates["rule"].to_pylist()], pa.int64())
    keyed = candidates.append_column("_position", position).append_column(
        "_reason", _rank(candidates["reason"])
    )
    keys = ["_position", "beneficiary", "subject", "project", "amount_fen", "_reason"]
    return keyed.sort_by([(k, "ascending") for k in keys]).drop_columns(["_position", "_reason"])


def _rank(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A text column as keys that sort as its texts do: Arrow sorts no dictionary column, so each line
    takes the rank of its text among the dictionary's (chunks with different dictionaries are first
    given one)."""
    if not pa.types.is_dictionary(column.type):
        return column
    unified = column.unify_dictionaries()
    if not unified.num_chunks:
        return pa.chunked_array([], pa.uint64())
    ranks = pc.rank(unified.chunk(0).dictionary, sort_keys="ascending", tiebreaker="dense")
    return pa.chunked_array([ranks.take(chunk.indices) for chunk in unified.chunks], pa.uint64())


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
