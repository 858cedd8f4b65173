"""Beyond memory on one machine: the population cut into chunks of enterprises, evaluated chunk by chunk.

The cut is Spark's (``plan``): every enterprise-side row goes to its enterprise's chunk, so each
beneficiary's lines, prior awards, yearly caps and g3 stay in one chunk; parties in another role
(lenders, guarantors …) and every non-enterprise party go to every chunk; the institution-side rules
(rankings, pools, an institution's cap) run once over their tables and the rows those name; the
enterprises a ranked table names (71号's IP authors) share one chunk of their own, the last. Each
chunk is evaluated by ``partition.evaluate_tables`` — the loader's conversion, ``check_tables``,
``evaluate`` — in a worker process, and its candidates are appended to the output as they come.

Memory is bounded by the chunk, not by the population: one pass reads the key columns only (ids
and the columns that place a row; Parquet's dictionaries for the few lenders and kinds), a second
pass streams each Parquet table, two row groups at once, and writes every row to its chunk's file in
a scratch directory, taking the institution task's rows of that table on the way; each table is
decoded once. A worker holds one chunk at a time. CSV and Arrow files are read whole in that pass
(convert them to Parquet for a city).
"""

from __future__ import annotations

import collections
import concurrent.futures
import functools
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.feather as feather  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from duixian import rulebook
from duixian.distributed.partition import (
    ERROR_FIELD,
    ERROR_REASON,
    SIDE,
    Job,
    OwnParties,
    evaluate_tables,
)
from duixian.distributed.plan import ENTERPRISE, INSTITUTION, Plan, plan_for
from duixian.engine.document import Document
from duixian.errors import InputError, InputErrors
from duixian.population.batch import CANDIDATE_SCHEMA
from duixian.population.load import (
    META_FILE,
    SHOWN_ERRORS,
    read_arrow_tables,
    read_csv,
    read_meta,
    small_dictionaries,
)
from duixian.population.memory import reuse_freed_memory
from duixian.population.schema import TableSpec, population_schema
from duixian.population.workers import prepare_for_work, worker_pool

ROW = "_row"  # a row's position in its table over the whole population (for errors, and order)
# A decimal column fitting 64 bits (money: decimal128(16,2)) crosses the scratch as its unscaled int64,
# this field metadata naming its type ("precision,scale"): half the bytes taken, written and mapped
# (loans and parties: 48 of their ~125 bytes a row). ``read_scratch`` makes it the decimal again.
UNSCALED = b"duixian.unscaled"
# Chunk files are Arrow IPC streams, uncompressed: written once and read once on the same machine,
# where Parquet's encoding and compression cost more time (a third of the shuffle) than the disk they
# save. A stream, not an IPC file: a text column Parquet stored with a small dictionary stays a
# dictionary (each row group's own, which only a stream may replace from batch to batch).
SCRATCH = ".arrows"
BATCH_ROWS = 262_144
THREADS = 2  # row groups the driver cuts at once
Part = Callable[[], Iterator[pa.RecordBatch]]  # a part of a table file (``_parts``), read when called
_Done = TypeVar("_Done")
Progress = Callable[[int, int], None]  # (chunks done, chunks in all)


@dataclass
class ChunkedRun:
    output: Path  # candidates (population.batch.CANDIDATE_SCHEMA), Parquet
    chunks: int
    candidates: int
    broadcast_parties: int
    input_rows: int
    seconds: dict[str, float] = field(default_factory=dict)


def run_chunked(
    path: Path,
    output: Path,
    chunk_entities: int = 250_000,
    workers: int = 1,
    progress: Progress | None = None,
    rule_ids: list[str] | None = None,
) -> ChunkedRun:
    """Every rule of the population's document (or those named), chunk by chunk; candidates written
    to ``output`` (Parquet, with population.yaml's document, year, synthetic and readings as metadata)."""
    if chunk_entities < 1:
        raise InputError("chunk", "每块至少 1 家企业")
    if workers < 1:
        raise InputError("workers", "至少 1 个进程")
    t0 = time.perf_counter()
    meta = read_meta(path)
    documents = rulebook.documents()
    if meta.document not in documents:
        raise InputError(
            f"{META_FILE}.document", f"没有文件“{meta.document}”（可选：{'、'.join(documents)}）"
        )
    document = documents[meta.document]
    plan = plan_for(document)
    if rule_ids and (unknown := sorted(set(rule_ids) - set(document.rules))):
        raise InputError("rule", f"{document.id} 没有这些规则：{'、'.join(unknown)}")
    readings = rulebook.register().choose(meta.readings, field=f"{META_FILE}.readings")
    assert document.case_model is not None
    specs = population_schema(document.case_model).tables
    files = _table_files(path, document)
    output.parent.mkdir(parents=True, exist_ok=True)
    # The shuffle decodes, cuts and frees a few row groups at a time: kept for the next (Arrow's
    # mimalloc hands every freed page back, and the driver spent 1.1 s more system time faulting them in).
    reuse_freed_memory()
    scratch = Path(tempfile.mkdtemp(prefix="duixian-chunks-", dir=output.parent))
    pool = _warm_pool(workers)  # before the cut starts Arrow's threads: forked ready to work
    try:
        cut = _Cut.of(plan, specs, files, document.references, chunk_entities)
        t1 = time.perf_counter()
        _split(cut, plan, specs, files, document.references, scratch)
        t2 = time.perf_counter()
        job = Job(
            meta=meta.model_dump(mode="json"),
            rule_ids={
                side: tuple(sorted(r for r in plan.rules(side) if not rule_ids or r in rule_ids))
                for side in (ENTERPRISE, INSTITUTION)
            },
            present={name: tuple(_columns(files.get(name))) for name, spec in specs.items()},
        )
        tasks = [(ENTERPRISE, i) for i in range(cut.chunks)]
        tasks += [(INSTITUTION, 0)] if plan.institution_rules else []
        metadata = {
            "document": document.id,
            "year": str(meta.year),
            "synthetic": str(meta.synthetic).lower(),
            "readings": json.dumps(dict(readings.chosen), ensure_ascii=False),
        }
        count = _evaluate_all(job, tasks, scratch, output, pool, progress, metadata)
        t3 = time.perf_counter()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        shutil.rmtree(scratch, ignore_errors=True)
    return ChunkedRun(
        output,
        cut.chunks,
        count,
        len(cut.shared),
        sum(_row_count(f) for f in files.values()),
        {"plan": t1 - t0, "shuffle": t2 - t1, "evaluate": t3 - t2},
    )


# --- where each row goes ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cut:
    enterprises: int  # parties hashed to chunks (neither shared nor pooled)
    shared: pa.Array  # ids of the parties every chunk gets
    pooled: pa.Array  # ids of the enterprises the ranked tables name (not shared): one chunk, the last
    chunk_entities: int

    @property
    def hashed(self) -> int:
        return max(1, -(-self.enterprises // self.chunk_entities))

    @property
    def chunks(self) -> int:
        return self.hashed + (1 if len(self.pooled) else 0)

    @property
    def stray(self) -> int:
        """The chunk of the rows keyed by a shared party: one for all of them, so their lines meet (the
        pool, where a ranked table may name the party)."""
        return self.hashed if len(self.pooled) else 0

    def chunk_of(self, keys: pa.Array) -> np.ndarray:
        """Each key's chunk, from the key alone (a hash of its text: the same enterprise lands in the
        same chunk from every table, with no lookup in a city-sized index); the pool's chunk for a
        pooled enterprise; -1 for a shared party. A key naming no party lands somewhere, and that
        chunk's ``check_tables`` reports it."""
        chunk = (_text_hash(keys) % np.uint64(self.hashed)).astype(np.int64)
        for ids, number in ((self.pooled, self.hashed), (self.shared, -1)):
            if len(ids):
                chunk[np.asarray(pc.is_in(keys, value_set=ids).to_numpy(zero_copy_only=False))] = number
        return chunk

    @classmethod
    def of(
        cls,
        plan: Plan,
        specs: Mapping[str, TableSpec],
        files: Mapping[str, Path],
        references: Mapping[str, str],
        chunk_entities: int,
    ) -> _Cut:
        party = plan.party_table
        if party not in files:
            raise InputError(f"{party}.parquet", "缺少此文件：分块计算需要 parties 表")
        not_enterprises = np.asarray(
            _not_enterprises(files[party], specs[party]).to_numpy(zero_copy_only=False)
        )
        named = [_ids_at(files[party], np.flatnonzero(not_enterprises))]
        for ref, target in references.items():
            table, column = ref.rsplit(".", 1)
            other_role = table in plan.enterprise_keys and column != plan.enterprise_keys[table]
            if target == party and other_role and table in files and column in _columns(files[table]):
                named.append(_distinct(files[table], column))
        shared = _union(named)
        ranked = [
            _distinct(files[t], key)
            for t in sorted(plan.ranked_tables)
            if t in files and (key := plan.enterprise_keys[t]) in _columns(files[t])
        ]
        pooled = _union(ranked)
        pooled = pooled.filter(pc.invert(pc.is_in(pooled, value_set=shared)))
        # Counted as if each shared or pooled id named one party (a valid population's do; an id naming
        # none is reported by its chunk's check_tables): the city's ids are not read to count them
        # (0.6 s of the plan at 10^7). The count only sizes the chunks.
        hashed = len(not_enterprises) - len(shared) - len(pooled)
        return cls(max(hashed, 0), shared, pooled, chunk_entities)


def _ids_at(file: Path, rows: np.ndarray) -> pa.Array:
    """The ids of the parties at these rows (ascending), as text: from Parquet, the id column of the
    row groups holding them only (a city's few banks and guarantors are listed together)."""
    if file.suffix != ".parquet":
        return pc.cast(_read(file, ["id"])["id"], pa.string()).combine_chunks().take(pa.array(rows))
    parquet = pq.ParquetFile(file)
    sizes = [parquet.metadata.row_group(g).num_rows for g in range(parquet.metadata.num_row_groups)]
    firsts = np.cumsum([0, *sizes])
    group_of_row = np.searchsorted(firsts, rows, side="right") - 1
    taken = [pa.array([], pa.string())]
    for group in np.unique(group_of_row).tolist():
        ids = pc.cast(parquet.read_row_group(group, columns=["id"])["id"], pa.string()).combine_chunks()
        taken.append(ids.take(pa.array(rows[group_of_row == group] - firsts[group])))
    return pa.concat_arrays(taken)


def _not_enterprises(file: Path, spec: TableSpec) -> pa.Array:
    """Which parties are not enterprises (a bank, a guarantor …; a missing kind is an enterprise's); a
    table without the column (71号's ``enterprises`` has no such field) is of its field's default."""
    if "kind" not in _columns(file):
        default = spec.fields["kind"].default if "kind" in spec.fields else None
        kind = pa.repeat(pa.scalar(default, pa.string()), _row_count(file))
    elif _is_parquet_text(file, "kind"):
        # The few kinds compared once each, not ten million texts built and compared.
        kinds = pq.read_table(file, columns=["kind"], read_dictionary=["kind"])["kind"].chunks
        masks = [pc.take(pc.not_equal(c.dictionary, "enterprise"), c.indices) for c in kinds]
        return pc.fill_null(pa.chunked_array(masks, pa.bool_()).combine_chunks(), False)
    else:
        kind = pc.cast(_read(file, ["kind"])["kind"], pa.string()).combine_chunks()
    return pc.not_equal(pc.fill_null(kind, "enterprise"), "enterprise")


def _distinct(file: Path, column: str) -> pa.Array:
    """A column's values, each once (nulls and empty texts included: ``_union`` drops them). From
    Parquet, its dictionary: a loan's lender is one of a few banks, read without the text of every loan."""
    if _is_parquet_text(file, column):
        values = pq.read_table(file, columns=[column], read_dictionary=[column])[column].chunks
        used = [c.dictionary.take(pc.unique(c.indices)) for c in values]
        return pc.unique(pa.chunked_array(used, pa.string()).combine_chunks())
    return pc.unique(pc.cast(_read(file, [column])[column], pa.string()).combine_chunks())


def _is_parquet_text(file: Path, column: str) -> bool:
    return file.suffix == ".parquet" and pa.types.is_string(pq.read_schema(file).field(column).type)


Capture = tuple[str, pa.Array]  # (column, its values): a table's rows the institution task takes


def _split(
    cut: _Cut,
    plan: Plan,
    specs: Mapping[str, TableSpec],
    files: Mapping[str, Path],
    references: Mapping[str, str],
    scratch: Path,
) -> None:
    """Every enterprise-side row to its chunk's file (shared parties and their rows: ``shared``), and
    the institution task's tables: its own whole, the rows they name, the parties they name (less those
    shared anyway) and the prior awards of the parties it has. Each table is read once: the institution
    task's rows of a table the shuffle reads (claimed loans, its parties …) are taken as it passes."""
    party = plan.party_table
    unread = [name for name in plan.enterprise_keys if name in files]
    if not plan.institution_rules:
        for name in unread:
            _shuffle_table(cut, plan, specs, files, scratch, name)
        return

    def rows_of(table: str, column: str, wanted: pa.Array) -> pa.Table:
        if table not in unread:  # read by the shuffle already, or not one it reads
            return _filter_file(files[table], column, wanted)
        unread.remove(table)
        captured = _shuffle_table(cut, plan, specs, files, scratch, table, (column, wanted))
        assert captured is not None
        return captured

    selected = {t: _read(files[t], None) for t in plan.institution_tables if t in files}
    done: set[str] = set()
    while True:  # the rows the selected tables name (claimed loans …), until nothing new is named
        todo = {
            target
            for ref, target in references.items()
            if ref not in done
            and ref.rsplit(".", 1)[0] in selected
            and target not in (party, *plan.institution_tables)
            and target in files
        }
        if not todo:
            break
        for target in sorted(todo):
            refs = [r for r, t in references.items() if t == target and r.rsplit(".", 1)[0] in selected]
            done.update(refs)
            wanted = [_ids(selected[r.rsplit(".", 1)[0]], r.rsplit(".", 1)[1]) for r in refs]
            selected[target] = rows_of(target, "id", _union(wanted))
    named = [
        _ids(selected[table], column)
        for table, column in (ref.rsplit(".", 1) for ref, target in references.items() if target == party)
        if table in selected
    ]
    own = _union(named)
    own = own.filter(pc.invert(pc.is_in(own, value_set=cut.shared)))
    wanted_rows: dict[str, Capture] = {party: ("id", own)}
    for child, spec in specs.items():
        if spec.parent == party and child in files:
            wanted_rows[child] = ("parent", own)
    present = _union([own, cut.shared])
    for table, column in plan.follow_party.items():
        if table in files:
            wanted_rows[table] = (column, present)
    for name in list(unread):
        unread.remove(name)
        captured = _shuffle_table(cut, plan, specs, files, scratch, name, wanted_rows.pop(name, None))
        if captured is not None:
            selected[name] = captured
    for table, (column, wanted) in wanted_rows.items():  # tables the shuffle had read already, or not at all
        selected[table] = _filter_file(files[table], column, wanted)
    for name, table in selected.items():
        with pa.ipc.new_stream(scratch / f"institution.{name}{SCRATCH}", table.schema) as writer:
            writer.write_table(table)


def _shuffle_key(plan: Plan, specs: Mapping[str, TableSpec], name: str) -> str:
    return "parent" if specs[name].parent == plan.party_table else plan.enterprise_keys[name]


def _shuffle_table(
    cut: _Cut,
    plan: Plan,
    specs: Mapping[str, TableSpec],
    files: Mapping[str, Path],
    scratch: Path,
    name: str,
    capture: Capture | None = None,
) -> pa.Table | None:
    """One table's rows to their chunks' files; with ``capture``, its rows whose column is one of the
    values, returned (as ``_filter_file`` gives them)."""
    party = plan.party_table
    key = _shuffle_key(plan, specs, name)
    stray = name != party and specs[name].parent != party  # a row keyed by a shared party: evaluated once
    everywhere = 0 if stray else cut.chunks  # the shared parties and their lists: in every chunk's file too

    def cut_part(part: Part) -> tuple[list[tuple[int, pa.RecordBatch]], list[pa.RecordBatch]]:
        pieces: list[tuple[int, pa.RecordBatch]] = []
        taken: list[pa.RecordBatch] = []
        for batch in part():
            if capture is not None:
                column, wanted = capture
                taken.append(
                    batch.filter(pc.is_in(pc.cast(batch.column(column), pa.string()), value_set=wanted))
                )
            chunk = cut.chunk_of(pc.cast(batch.column(key), pa.string()).fill_null(""))
            if stray:
                chunk[chunk < 0] = cut.stray
            pieces += _by_chunk(_unscaled_decimals(batch), chunk, everywhere)
        return pieces, taken

    writers: dict[int, pa.ipc.RecordBatchStreamWriter] = {}
    taken: list[pa.RecordBatch] = []
    try:
        for pieces, taken_here in _in_order(cut_part, _parts(files[name])):
            taken += taken_here
            for number, piece in pieces:
                if number not in writers:
                    target = scratch / f"{'shared' if number < 0 else f'chunk-{number}'}.{name}{SCRATCH}"
                    writers[number] = pa.ipc.new_stream(target, piece.schema)
                writers[number].write_batch(piece)
    finally:
        for writer in writers.values():
            writer.close()
    if capture is None:
        return None
    return pa.Table.from_batches(taken) if taken else _read(files[name], None)


def _in_order(work: Callable[[Part], _Done], parts: list[Part]) -> Iterator[_Done]:
    """``work`` on every part, ``THREADS`` parts at once (Parquet's decoding, Arrow's and numpy's loops
    let go of the GIL), the results in the parts' order; at most ``THREADS`` done and not yet taken,
    so memory stays a few row groups'."""
    with concurrent.futures.ThreadPoolExecutor(THREADS) as threads:
        running: collections.deque[concurrent.futures.Future[_Done]] = collections.deque()
        for part in parts:
            if len(running) == THREADS:
                yield running.popleft().result()
            running.append(threads.submit(work, part))
        while running:
            yield running.popleft().result()


def _by_chunk(
    batch: pa.RecordBatch, chunk: np.ndarray, everywhere: int = 0
) -> Iterator[tuple[int, pa.RecordBatch]]:
    """The batch's rows of each chunk (-1: shared), in their order: the rows sorted by chunk once and
    sliced (a filter per chunk would read the whole batch once per chunk). With ``everywhere``, the
    shared rows also go to each of the chunks 0 … ``everywhere`` - 1, in their places among its rows: a
    chunk's file is then its whole table in population order, and no worker reorders a million rows
    for the few shared ones."""
    if not batch.num_rows:
        return
    counts = np.bincount(chunk + 1)
    numbers = np.flatnonzero(counts)
    if len(numbers) == 1 and not (everywhere and numbers[0] == 0):
        yield int(numbers[0]) - 1, batch
        return
    small = chunk.astype(np.int16) if len(counts) < 2**15 else chunk  # numpy sorts 16 bits by radix
    order = np.argsort(small, kind="stable")
    if not everywhere or not counts[0]:
        grouped = batch.take(pa.array(order))
        start = 0
        for number in numbers:
            yield int(number) - 1, grouped.slice(start, int(counts[number]))
            start += int(counts[number])
        return
    yield from _with_shared_everywhere(batch, order, counts, everywhere)


def _with_shared_everywhere(
    batch: pa.RecordBatch, order: np.ndarray, counts: np.ndarray, everywhere: int
) -> Iterator[tuple[int, pa.RecordBatch]]:
    """``_by_chunk``'s pieces when the batch has shared rows: the shared piece, then every chunk's
    own rows with the shared ones inserted where they stand in the batch (one ``take`` for all)."""
    ends = np.cumsum(counts)
    shared = order[: ends[0]]  # ascending: the sort is stable
    indices = [shared]
    for number in range(everywhere):
        own = order[ends[number] : ends[number + 1]] if number + 1 < len(counts) else order[:0]
        indices.append(np.insert(own, np.searchsorted(own, shared), shared))
    grouped = batch.take(pa.array(np.concatenate(indices)))
    start = 0
    for number, rows in enumerate(indices, start=-1):
        yield number, grouped.slice(start, len(rows))
        start += len(rows)


_FNV_PRIME = 1099511628211


def _text_hash(keys: pa.Array) -> np.ndarray:
    """FNV-1a-like hash of each string's length and last 16 bytes, vectorised over the Arrow buffers
    (ids differ most at their end: a USCC's serial and check character). Byte ``back`` counts from the
    end, 1 to 16; a string shorter than ``back`` gives a 0 byte, and the steps past the longest string
    are all such (a multiplication by the prime each), done as one multiplication."""
    text = pc.cast(keys, pa.string())
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    n = len(text)
    if not n:
        return np.zeros(0, dtype=np.uint64)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset : text.offset + n + 1]
    ends = offsets[1:].astype(np.int64)
    lengths = ends - offsets[:-1]
    digest = np.full(n, 14695981039346656037, dtype=np.uint64)
    digest ^= lengths.astype(np.uint64)
    low, high = int(lengths.min()), int(lengths.max())
    shortest, longest = min(16, low), min(16, high)
    data_buffer = text.buffers()[2]
    data = np.frombuffer(data_buffer, dtype=np.uint8)[: int(ends[-1])] if longest else np.zeros(0, np.uint8)
    prime = np.uint64(_FNV_PRIME)
    if low == high:
        # Ids of one length (a credit code, a generated id): the texts are the rows of a matrix, and
        # byte ``back`` is a column of it, read in place (3× faster than gathering it: 15 ms, not 40,
        # for 10^6 ids).
        matrix = data[int(offsets[0]) :].reshape(n, high)
        for back in range(1, longest + 1):
            digest ^= matrix[:, high - back]
            digest *= prime
    else:
        padded = np.append(data, np.uint8(0))  # the 0 byte of a string shorter than ``back``
        at = ends.copy()
        for back in range(1, longest + 1):
            at -= 1
            digest ^= padded[at if back <= shortest else np.where(lengths >= back, at, len(data))]
            digest *= prime
    digest *= np.uint64(pow(_FNV_PRIME, 16 - longest, 2**64))
    digest ^= digest >> np.uint64(29)  # the low bits take the high bits' mixing (chunks = digest mod k)
    return digest


# --- evaluating -------------------------------------------------------------------------------------


def _evaluate_all(
    job: Job,
    tasks: list[tuple[str, int]],
    scratch: Path,
    output: Path,
    pool: concurrent.futures.ProcessPoolExecutor | None,
    progress: Progress | None,
    metadata: dict[str, str],
) -> int:
    count, done, errors = 0, 0, 0
    shown: list[InputError] = []
    # Each task's beneficiaries, kept in Arrow: a city's million as Python strings in a set cost the
    # driver 0.1–0.2 s while the workers evaluate.
    paid: dict[str, list[pa.Array]] = {ENTERPRISE: [], INSTITUTION: []}
    writer = pq.ParquetWriter(output, _CANDIDATES.with_metadata(metadata))
    try:
        for side, result in _results(job, tasks, scratch, pool):
            failed = result.filter(pc.is_valid(result[ERROR_FIELD]))
            if failed.num_rows:
                errors += failed.num_rows
                for f, r in zip(
                    failed[ERROR_FIELD].to_pylist(), failed[ERROR_REASON].to_pylist(), strict=True
                ):
                    if len(shown) < SHOWN_ERRORS and InputError(f, r) not in shown:
                        shown.append(InputError(f, r))
            else:
                found = result.drop_columns([SIDE, ERROR_FIELD, ERROR_REASON]).cast(_CANDIDATES)
                found = found.replace_schema_metadata(metadata)
                paid[side].append(pc.unique(found["beneficiary"]))
                writer.write_table(found)
                count += found.num_rows
            done += 1
            if progress is not None:
                progress(done, len(tasks))
    finally:
        writer.close()
    if errors:
        output.unlink(missing_ok=True)
        if errors > len(shown):
            shown.append(InputError("population", f"共 {errors} 处错误，以上列出前 {len(shown)} 处"))
        raise InputErrors(shown)
    both = paid_on_both_sides(paid[ENTERPRISE], paid[INSTITUTION])
    if both:
        output.unlink(missing_ok=True)
        raise InputError(
            "population",
            f"既由企业侧规则又由机构侧规则支付：{'、'.join(both[:5])}；g3 对每个受益人的全部条目一并结算，"
            "分块计算做不到：请用 `duixian batch`",
        )
    return count


def paid_on_both_sides(enterprise_side: list[pa.Array], institution_side: list[pa.Array]) -> list[str]:
    """The beneficiaries both sides' tasks paid (each task's given once), sorted."""
    enterprises = pa.chunked_array(enterprise_side, pa.string())
    institutions = pa.chunked_array(institution_side, pa.string())
    return sorted(pc.unique(enterprises.filter(pc.is_in(enterprises, value_set=institutions))).to_pylist())


def _warm_pool(workers: int) -> concurrent.futures.ProcessPoolExecutor | None:
    """``workers`` worker processes, started now (None: one worker, the driver itself): forked with
    the rulebook parsed, or spawned and parsing it while we cut (``population.workers``)."""
    if workers == 1:
        return None
    return worker_pool(workers, initializer=_warm)


def _warm() -> None:
    """A spawned worker's start: freed memory kept for the next chunk from the first chunk's reading
    on, and what every task needs (the rulebook, pandas) done while the driver plans."""
    reuse_freed_memory()
    prepare_for_work()


def _results(
    job: Job, tasks: list[tuple[str, int]], scratch: Path, pool: concurrent.futures.ProcessPoolExecutor | None
) -> Iterator[tuple[str, pa.Table]]:
    if pool is None:
        for side, number in tasks:
            yield side, evaluate_chunk(job, side, number, scratch)
            _remove_inputs(side, number, scratch)
        return
    # In task order, so the output's order does not depend on which worker finishes first.
    files = pool.map(_evaluate_to_file, *zip(*((job, side, n, scratch) for side, n in tasks), strict=True))
    for (side, number), file in zip(tasks, files, strict=True):
        yield side, feather.read_table(file, memory_map=True)
        file.unlink()  # the driver has written its rows; a mapped file outlives its name
        _remove_inputs(side, number, scratch)


def _remove_inputs(side: str, number: int, scratch: Path) -> None:
    """An enterprise chunk's files, once evaluated: removed while the other chunks are, not all at the
    end (removing the scratch's 2 GB of page cache took the driver 0.5–0.7 s after the last chunk)."""
    if side == ENTERPRISE:
        for file in scratch.glob(f"chunk-{number}.*"):
            file.unlink()


def _evaluate_to_file(job: Job, side: str, number: int, scratch: Path) -> Path:
    """``evaluate_chunk`` in a worker, its candidates handed over as a scratch file the driver maps:
    pickling 10^5 lines through a pipe cost more than evaluating them (copies in both processes). The
    readings and reasons stay dictionaries (each text once per chunk) here and in the Parquet writer."""
    file = scratch / f"result-{side}-{number}{SCRATCH}"
    feather.write_feather(evaluate_chunk(job, side, number, scratch), file, compression="uncompressed")
    return file


def evaluate_chunk(job: Job, side: str, number: int, scratch: Path) -> pa.Table:
    """One task: its files (an enterprise chunk's hold the shared parties too; the institution task
    reads them from ``shared``) → tables in population order → candidates."""
    document = job.document
    assert document.case_model is not None
    specs = population_schema(document.case_model).tables
    party = plan_for(document).party_table
    prefixes = [f"chunk-{number}"] if side == ENTERPRISE else ["institution", "shared"]
    raw: dict[str, pa.Table] = {}
    positions: dict[str, np.ndarray] = {}
    enterprises = None
    for name, spec in specs.items():
        files = [f for p in prefixes if (f := scratch / f"{p}.{name}{SCRATCH}").exists()]
        parts = [read_scratch(f) for f in files]
        if not parts:
            raw[name] = pa.table(
                {c: pa.array([], type=pa.string()) for c in job.present[name] or spec.columns}
            )
            positions[name] = np.zeros(0, dtype=np.int64)
            continue
        table = parts[0] if len(parts) == 1 else pa.concat_tables(parts, promote_options="permissive")
        rows = np.asarray(table[ROW].to_numpy())  # (int32 as written: not widened, 3 ms a chunk)
        if np.any(rows[1:] < rows[:-1]):  # each file is in population order: the institution task merges
            order = np.argsort(rows, kind="stable")
            table, rows = table.take(order), rows[order]
        if side == ENTERPRISE and name == party:
            enterprises = _own_parties(name, rows, scratch / f"shared.{name}{SCRATCH}")
        positions[name] = rows
        raw[name] = table.drop_columns([ROW])
    return evaluate_tables(job, side, raw, positions, enterprises)


def read_scratch(file: Path) -> pa.Table:
    """A scratch file (an IPC stream), mapped: its buffers are the page cache's, not copies; its
    decimal columns (``UNSCALED``) decimals again."""
    table = pa.ipc.open_stream(pa.memory_map(str(file))).read_all()
    for index, column in enumerate(table.schema):
        if column.metadata and UNSCALED in column.metadata:
            precision, scale = map(int, column.metadata[UNSCALED].split(b","))
            decimal = pa.decimal128(precision, scale)
            chunks = [_decimal_of_unscaled(c, decimal) for c in table.column(index).chunks]
            widened = pa.chunked_array(chunks, decimal)
            table = table.set_column(index, pa.field(column.name, decimal, column.nullable), widened)
    return table


def _unscaled_decimals(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch, its decimal columns of at most 18 digits as their unscaled int64 (``UNSCALED``)."""
    if not any(pa.types.is_decimal128(t) and t.precision <= 18 for t in batch.schema.types):
        return batch
    columns, fields = [], []
    for described, column in zip(batch.schema, batch.columns, strict=True):
        if pa.types.is_decimal128(described.type) and described.type.precision <= 18:
            unscaled = f"{described.type.precision},{described.type.scale}".encode()
            described = pa.field(described.name, pa.int64(), described.nullable, {UNSCALED: unscaled})
            column = _unscaled(column)
        columns.append(column)
        fields.append(described)
    return pa.RecordBatch.from_arrays(columns, schema=pa.schema(fields, metadata=batch.schema.metadata))


def _unscaled(decimals: pa.Array) -> pa.Array:
    """A decimal128 array's unscaled values: the low word of each (two's complement, little-endian; at
    most 18 digits fit), null where it is."""
    n, offset = len(decimals), decimals.offset
    data = decimals.buffers()[1]
    words = np.frombuffer(data, dtype=np.int64)[2 * offset : 2 * (offset + n)] if n else np.zeros(0, np.int64)
    low = np.ascontiguousarray(words[0::2])
    if not decimals.null_count:
        return pa.array(low)
    return pa.array(low, mask=np.asarray(decimals.is_null().to_numpy(zero_copy_only=False), dtype=bool))


def _decimal_of_unscaled(unscaled: pa.Array, decimal: pa.DataType) -> pa.Array:
    """``_unscaled`` undone: each int64 as the decimal's two words (the high one its sign)."""
    n, offset = len(unscaled), unscaled.offset
    data = unscaled.buffers()[1]
    low = np.frombuffer(data, dtype=np.int64)[: offset + n] if n else np.zeros(offset, np.int64)
    words = np.empty((offset + n, 2), dtype=np.int64)
    words[:, 0] = low
    np.right_shift(low, 63, out=words[:, 1])
    validity = unscaled.buffers()[0] if unscaled.null_count else None
    return pa.Array.from_buffers(decimal, n, [validity, pa.py_buffer(words)], unscaled.null_count, offset)


def _own_parties(table: str, rows: np.ndarray, shared: Path) -> OwnParties | None:
    """A chunk's own parties (not the shared ones its file holds too), by their rows of its party
    table, whose ``_row`` are ``rows`` (ascending): every enterprise-side line must pay one of these.
    None if it has shared parties only (no line to check)."""
    own = np.ones(len(rows), dtype=bool)
    if not shared.exists():
        return OwnParties(table, own)
    if len(rows):
        shared_rows = np.asarray(read_scratch(shared)[ROW].to_numpy(), dtype=np.int64)
        # The few shared rows found by bisection, not the chunk's 10^6 rows hashed (and their ids
        # filtered): 20 ms → well under 1.
        at = np.minimum(np.searchsorted(rows, shared_rows), len(rows) - 1)
        own[at[rows[at] == shared_rows]] = False
    return OwnParties(table, own) if own.any() else None


# --- files ------------------------------------------------------------------------------------------

# The output's schema is `duixian batch`'s, not nullable: a task that left a value out is refused at the cast.
_CANDIDATES = CANDIDATE_SCHEMA


def _table_files(path: Path, document: Document) -> dict[str, Path]:
    """The population's table files by table name, after the loader's own checks of the directory."""
    assert document.case_model is not None
    known = population_schema(document.case_model).tables
    files = {f.name.removesuffix(f.suffix): f for f in sorted(path.iterdir()) if f.name != META_FILE}
    if any(n not in known and not f.name.startswith(".") for n, f in files.items()):
        read_arrow_tables(path, document)  # raises the loader's error, naming the file
    return {n: f for n, f in files.items() if n in known}


def _row_count(file: Path) -> int:
    return (
        int(pq.ParquetFile(file).metadata.num_rows) if file.suffix == ".parquet" else _read_any(file).num_rows
    )


def _columns(file: Path | None) -> list[str]:
    if file is None:
        return []
    if file.suffix == ".parquet":
        return [c for c in pq.read_schema(file).names if c != ROW]
    return [c for c in _read(file, None).column_names if c != ROW]


def _batches(file: Path) -> Iterator[pa.RecordBatch]:
    """The file in row batches, each with its rows' positions in the whole table (``_row``)."""
    for part in _parts(file):
        yield from part()


def _parts(file: Path) -> list[Part]:
    """The file in parts that can be read at once, in its order (a Parquet file's row groups; another
    file whole), each read in row batches with their rows' positions in the whole table (``_row``)."""
    if file.suffix != ".parquet":
        whole = _read_any(file)
        rows = _row_type(whole.num_rows)
        return [lambda: _numbered(iter(whole.to_batches(max_chunksize=BATCH_ROWS)), 0, rows)]
    metadata = pq.ParquetFile(file).metadata
    sizes = [metadata.row_group(g).num_rows for g in range(metadata.num_row_groups)]
    firsts = np.cumsum([0, *sizes])
    # A district, a kind, a lender: read as Parquet's dictionary, neither decoded into every row's text
    # here nor hashed again by the worker's loader (at 10^7, a worker's formulas took half the time).
    categories = small_dictionaries(metadata)
    rows = _row_type(int(firsts[-1]))
    return [
        functools.partial(_row_group, file, g, int(firsts[g]), categories, rows) for g in range(len(sizes))
    ]


def _row_type(rows: int) -> type[np.signedinteger]:
    """``_row``'s type for a table of so many rows: 32 bits up to 2^31 (less to take, write and map)."""
    return np.int32 if rows < 2**31 else np.int64


def _row_group(
    file: Path, group: int, first: int, categories: list[str], rows: type[np.signedinteger]
) -> Iterator[pa.RecordBatch]:
    parquet = pq.ParquetFile(file, read_dictionary=categories)
    # One thread per row group (``_in_order``), not Arrow's threads within one as well.
    batches = parquet.iter_batches(batch_size=BATCH_ROWS, row_groups=[group], use_threads=False)
    return _numbered(batches, first, rows)


def _numbered(
    source: Iterator[pa.RecordBatch], start: int, dtype: type[np.signedinteger]
) -> Iterator[pa.RecordBatch]:
    for batch in source:
        rows = pa.array(np.arange(start, start + batch.num_rows, dtype=dtype))
        start += batch.num_rows
        yield pa.RecordBatch.from_arrays([*batch.columns, rows], names=[*batch.schema.names, ROW])


def _read(file: Path, columns: list[str] | None) -> pa.Table:
    """Some columns of a table file, or all of them with ``_row``."""
    if columns is None:
        batches = list(_batches(file))
        if batches:
            return pa.Table.from_batches(batches)
        empty = _read_any(file)  # a file without rows still has its columns
        return empty.append_column(ROW, pa.array([], pa.from_numpy_dtype(_row_type(0))))
    if file.suffix == ".parquet":
        return pq.read_table(file, columns=columns)
    return _read_any(file).select(columns)


def _read_any(file: Path) -> pa.Table:
    if file.suffix == ".parquet":
        return pq.read_table(file)
    if file.suffix == ".csv":
        return read_csv(file)
    return feather.read_table(file, memory_map=True)  # (as the loader: its pages read as touched)


def _filter_file(file: Path, column: str, wanted: pa.Array) -> pa.Table:
    """The rows of a file whose ``column`` is one of ``wanted``, with ``_row``, streamed."""
    kept = [
        batch.filter(pc.is_in(pc.cast(batch.column(column), pa.string()), value_set=wanted))
        for batch in _batches(file)
    ]
    return pa.Table.from_batches(kept) if kept else _read(file, None)


def _ids(table: pa.Table, column: str) -> pa.Array:
    if column not in table.column_names:
        return pa.array([], pa.string())
    return pc.cast(table[column], pa.string()).combine_chunks()


def _union(arrays: list[pa.Array]) -> pa.Array:
    if not arrays:
        return pa.array([], pa.string())
    merged = pc.unique(pa.chunked_array(arrays, type=pa.string()).combine_chunks()).drop_null()
    return merged.filter(pc.not_equal(merged, ""))
