"""One task's work: the rows of a partition → the engine's tables → ``evaluate`` → candidate rows.

Nothing here imports Spark: the function takes Arrow batches and yields Arrow batches, so it runs
inside ``mapInArrow`` and, unchanged, in a test without a JVM. The rows arrive in the WIDE layout
the driver builds (``spark.wide_frame``): one row per input row of any table, with

    _table  the table it belongs to (``loans``, ``parties.qualifications`` …)
    _row    its position in that table, over the whole population (file order)
    _key    the enterprise whose partition it joins (the institution side's key for the rest)
    _side   enterprise / institution / broadcast
    t<i>_<column>   its columns, named after the table's index in the document's schema

Each side's rows are cut back into one Arrow table per list of the case model, in population
order, and handed to the loader's own conversion (``population.load.arrow_to_tables``), then to
``check_tables`` and ``evaluate``; the candidates are ``population.batch.candidate_table``'s.
An input error becomes error rows naming the row by its position in the whole population.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from duixian import rulebook
from duixian.distributed.plan import BROADCAST, ENTERPRISE, INSTITUTION
from duixian.engine.case import parse
from duixian.engine.document import Document
from duixian.engine.evaluate import Result, check_tables, evaluate
from duixian.engine.tables import Table
from duixian.errors import InputError, InputErrors
from duixian.population.batch import CANDIDATE_SCHEMA, PLAIN_SCHEMA, candidate_rows, candidate_table
from duixian.population.load import Population, PopulationMeta, arrow_to_tables
from duixian.population.memory import cyclic_gc_paused
from duixian.population.schema import TableSpec, population_schema

TABLE, ROW, KEY, SIDE = "_table", "_row", "_key", "_side"
ERROR_FIELD, ERROR_REASON = "error_field", "error_reason"
INSTITUTION_KEY = "\x00institutions"  # no enterprise id is this: the institution side's one key

# What every task emits: a candidate (CANDIDATE_SCHEMA) with the side that computed it, or an error.
OUTPUT_SCHEMA = pa.schema(
    [pa.field(f.name, f.type, nullable=True) for f in CANDIDATE_SCHEMA]
    + [pa.field(SIDE, pa.string()), pa.field(ERROR_FIELD, pa.string()), pa.field(ERROR_REASON, pa.string())]
)
# What a Spark task emits (OUTPUT_DDL): the same, texts plain (Spark's Arrow takes no dictionary).
SPARK_OUTPUT_SCHEMA = pa.schema(
    [pa.field(f.name, f.type, nullable=True) for f in PLAIN_SCHEMA] + list(OUTPUT_SCHEMA)[len(PLAIN_SCHEMA) :]
)
OUTPUT_DDL = (
    "beneficiary string, rule string, kind string, subject string, project string, district string, "
    f"amount_fen bigint, amount decimal(16,2), readings string, reason string, {SIDE} string, "
    f"{ERROR_FIELD} string, {ERROR_REASON} string"
)


def wide_name(index: int, column: str) -> str:
    return f"t{index}_{column}"


@dataclass(frozen=True)
class Job:
    """What every task needs to know (small, pickled into each task)."""

    meta: dict[str, Any]  # population.yaml, as PopulationMeta dumps it
    rule_ids: dict[str, tuple[str, ...]]  # side → the rules it evaluates
    present: dict[str, tuple[str, ...]]  # table → the columns its file has (the others are absent)

    @property
    def document(self) -> Document:
        return rulebook.documents()[str(self.meta["document"])]


def evaluate_partition(
    batches: Iterable[pa.RecordBatch], job: Job, broadcast: pa.Table
) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` function: every row of the partition, then evaluation once per side."""
    received = list(batches)
    if not received or not sum(b.num_rows for b in received):
        return
    rows = pa.Table.from_batches(received)
    for side in (ENTERPRISE, INSTITUTION):
        mine = rows.filter(pc.equal(rows[SIDE], side))
        if not mine.num_rows:
            continue
        shared = broadcast.select(mine.schema.names).cast(mine.schema)
        output = evaluate_side(job, side, pa.concat_tables([mine, shared]))
        yield from output.cast(SPARK_OUTPUT_SCHEMA).to_batches()


def evaluate_side(job: Job, side: str, rows: pa.Table) -> pa.Table:
    document = job.document
    assert document.case_model is not None
    schema = population_schema(document.case_model)
    raw, positions = split_tables(schema.tables, job, rows)
    keys = rows.filter(pc.equal(rows[SIDE], ENTERPRISE))[KEY] if side == ENTERPRISE else None
    return evaluate_tables(job, side, raw, positions, keys)


@dataclass(frozen=True)
class OwnParties:
    """The enterprises a chunk's lines may pay, as rows of its party table: its own parties, not the
    shared ones (banks, guarantors …) every chunk's party table holds too."""

    table: str  # the party table
    own: np.ndarray  # one bool per row of it


@cyclic_gc_paused()
def evaluate_tables(
    job: Job,
    side: str,
    raw: Mapping[str, pa.Table],
    positions: Mapping[str, np.ndarray],
    enterprises: pa.Array | pa.ChunkedArray | OwnParties | None = None,
) -> pa.Table:
    """One side's tables (one Arrow table per list, population order) → its candidates, or error rows
    naming rows by their position in the whole population. ``enterprises``: the enterprises the
    enterprise side's rows were keyed by (their ids, or their rows of the party table), to check that
    every line pays one of them."""
    document = job.document
    assert document.case_model is not None
    meta = PopulationMeta.model_validate(job.meta)
    try:
        readings = rulebook.register().choose(meta.readings, field="population.yaml.readings")
        case = parse(document.case_model, {"year": meta.year, "readings": meta.readings, **meta.case})
        tables = arrow_to_tables(document, raw)
        check_tables(document, tables, meta.year)
        result = evaluate(
            document,
            tables,
            meta.year,
            rulebook.parameters(),
            readings,
            job.rule_ids[side],
            {"case": case},
        )
    except InputErrors as exc:
        return _errors(exc.errors, positions, side)
    except InputError as exc:
        return _errors([exc], positions, side)
    candidates = candidate_table(Population(document, meta.year, readings, tables, meta, case), result)
    if isinstance(enterprises, OwnParties):
        parties = tables.get(enterprises.table)
        if parties is None or not _pays_own_parties(result, parties, enterprises.own):
            _check_keys(candidates, raw[enterprises.table]["id"].filter(enterprises.own))
    elif enterprises is not None:
        _check_keys(candidates, enterprises)
    extra = {SIDE: pa.array([side] * candidates.num_rows, pa.string())}
    extra |= {name: pa.nulls(candidates.num_rows, pa.string()) for name in (ERROR_FIELD, ERROR_REASON)}
    return pa.table(dict(zip(candidates.column_names, candidates.columns, strict=True)) | extra).cast(
        OUTPUT_SCHEMA
    )


def split_tables(
    specs: Mapping[str, TableSpec], job: Job, rows: pa.Table
) -> tuple[dict[str, pa.Table], dict[str, np.ndarray]]:
    """One Arrow table per list of the case model (as ``load.read_arrow_tables`` gives them), rows in
    population order; and, per table, each row's position in the whole population."""
    raw: dict[str, pa.Table] = {}
    positions: dict[str, np.ndarray] = {}
    table_column = rows[TABLE]
    for index, (name, spec) in enumerate(specs.items()):
        mask = pc.equal(table_column, name)
        present = job.present.get(name, ())
        count = int(pc.sum(mask).as_py() or 0)
        if not count:
            raw[name] = pa.table({c: pa.array([], type=pa.string()) for c in spec.columns})
            positions[name] = np.zeros(0, dtype=np.int64)
            continue
        picked = rows.select([ROW] + [wide_name(index, c) for c in present]).filter(mask).sort_by(ROW)
        raw[name] = pa.table({c: picked[wide_name(index, c)] for c in present})
        positions[name] = np.asarray(picked[ROW].to_numpy(zero_copy_only=False), dtype=np.int64)
    return raw, positions


_ROW_IN_FIELD = re.compile(r"^([a-z_]+(?:\.[a-z_]+)?)\[(\d+)\]")


def global_field(field_name: str, positions: Mapping[str, np.ndarray]) -> str:
    """``loans[3].principal`` of a task → ``loans[<its position in the whole population>].principal``."""
    match = _ROW_IN_FIELD.match(field_name)
    if match is None or match.group(1) not in positions:
        return field_name
    local = int(match.group(2))
    rows = positions[match.group(1)]
    if local >= len(rows):
        return field_name
    return f"{match.group(1)}[{int(rows[local])}]{field_name[match.end() :]}"


def _errors(errors: list[InputError], positions: Mapping[str, np.ndarray], side: str) -> pa.Table:
    n = len(errors)
    columns: dict[str, pa.Array] = {
        f.name: pa.nulls(n, f.type) for f in OUTPUT_SCHEMA if f.name not in (SIDE, ERROR_FIELD, ERROR_REASON)
    }
    columns[SIDE] = pa.array([side] * n, pa.string())
    columns[ERROR_FIELD] = pa.array([global_field(e.field, positions) for e in errors], pa.string())
    columns[ERROR_REASON] = pa.array([e.reason for e in errors], pa.string())
    return pa.table(columns).cast(OUTPUT_SCHEMA)


def _pays_own_parties(result: Result, parties: Table, own: np.ndarray) -> bool:
    """Whether every line ``candidate_table`` keeps (``candidate_rows``) pays a party of
    ``own``, by the party rows the engine finds for the lines' beneficiaries: for a reference column
    (a loan's borrower) the loader found them already, and no id's text is hashed (``_check_keys``
    hashed the chunk's 10^6 ids: 0.05–0.06 s a chunk). False decides nothing: ``_check_keys`` does."""
    if len(own) != len(parties):
        return False
    for lines, _, paid in candidate_rows(result):
        rows = parties.rows_of(np.asarray(lines.beneficiary, dtype=object))[paid]
        if np.any(rows < 0) or not np.all(own[rows]):
            return False
    return True


def _check_keys(candidates: pa.Table, enterprises: pa.Array | pa.ChunkedArray) -> None:
    """An enterprise-side line pays the enterprise its rows were keyed by: else the plan is wrong,
    and the beneficiary's lines may be split between tasks (g3 and yearly caps would not be exact)."""
    paid = pc.unique(candidates["beneficiary"])  # each once: a beneficiary has many lines
    # The paid found among the enterprises: a table of the ~10^5 paid, probed by the task's ~10^6
    # enterprises, not a table of those built to look up each paid.
    found = pc.unique(enterprises.filter(pc.is_in(enterprises, value_set=paid)))
    if len(found) < len(paid):
        who = paid.filter(pc.invert(pc.is_in(paid, value_set=found)))[0].as_py()
        raise RuntimeError(f"enterprise-side line paid to {who!r}, not an enterprise of its partition")


__all__ = [
    "BROADCAST",
    "INSTITUTION_KEY",
    "KEY",
    "OUTPUT_DDL",
    "OUTPUT_SCHEMA",
    "ROW",
    "SIDE",
    "SPARK_OUTPUT_SCHEMA",
    "TABLE",
    "Job",
    "OwnParties",
    "evaluate_partition",
    "evaluate_side",
    "evaluate_tables",
    "global_field",
    "split_tables",
    "wide_name",
]
