"""Load a population directory into the engine's tables, checked as pydantic would check a case.

The columns built here are the ones ``duixian.engine.case.models_to_tables`` builds from models
(money in fen, percent as ratio × 10^8, dates ``datetime64[D]``, text as object arrays), so the
rules run on a city exactly as on one case. The work is columnar (pyarrow, numpy); pydantic is
called only on rows already found wrong, to word their errors, and on whole tables only where a
custom validator has no vectorised detector (``checks.DETECTORS``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, partial
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.feather as feather  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import yaml
from pydantic import Field, ValidationError

from duixian import rulebook
from duixian.engine.case import CaseBase, Strict, parse, row_path, validation_errors
from duixian.engine.document import Document
from duixian.engine.evaluate import check_tables
from duixian.engine.readings import Readings
from duixian.engine.tables import Column, Table, arrow_categories
from duixian.errors import InputError, InputErrors
from duixian.population import checks
from duixian.population.memory import cyclic_gc_paused, reuse_freed_memory
from duixian.population.schema import FieldSpec, TableSpec, population_schema, re2_pattern

META_FILE = "population.yaml"
SHOWN_ERRORS = 20
TABLE_SUFFIXES = (".parquet", ".arrow", ".feather", ".csv")


class PopulationMeta(Strict):
    """population.yaml."""

    document: str
    year: int
    readings: dict[str, str] = {}
    synthetic: bool
    seed: int | None = None
    entities: int | None = Field(default=None, ge=0)
    calibration: str = ""
    case: dict[str, Any] = {}  # case-wide fields of the document other than its lists (76号: applied_on)


@dataclass
class Population:
    document: Document
    year: int
    readings: Readings
    tables: dict[str, Table]
    meta: PopulationMeta
    case: CaseBase  # the case-wide fields, validated by the case model (its lists left empty)


class _Errors:
    """Collects errors; keeps the first SHOWN_ERRORS and counts them all."""

    def __init__(self) -> None:
        self.shown: list[InputError] = []
        self.count = 0

    def add(self, field: str, reason: str, count: int = 1) -> None:
        if len(self.shown) < SHOWN_ERRORS:
            self.shown.append(InputError(field, reason))
        self.count += count

    @property
    def full(self) -> bool:
        return len(self.shown) >= SHOWN_ERRORS

    def raise_if_any(self) -> None:
        if not self.count:
            return
        errors = list(self.shown)
        if self.count > len(errors):
            errors.append(InputError("population", f"共 {self.count} 处错误，以上列出前 {len(errors)} 处"))
        raise InputErrors(errors)


def read_meta(path: Path) -> PopulationMeta:
    file = path / META_FILE
    if not file.is_file():
        raise InputError(str(file), "缺少此文件：人群目录应有 population.yaml 及各表的文件")
    return parse_meta(file.read_text(encoding="utf-8"))


def parse_meta(text: str) -> PopulationMeta:
    """population.yaml's text, validated; errors name ``population.yaml.<field>``."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(META_FILE, f"不是有效的 YAML：{exc}") from None
    if not isinstance(data, Mapping):
        raise InputError(META_FILE, "应为字段映射（字段: 值）")
    try:
        return PopulationMeta.model_validate(data)
    except ValidationError as exc:
        raise InputErrors(
            [InputError(f"{META_FILE}.{e.field}", e.reason) for e in validation_errors(exc).errors]
        ) from None


def open_population(path: Path | str) -> Population:
    path = Path(path)
    meta = read_meta(path)
    documents = rulebook.documents()
    if meta.document not in documents:
        raise InputError(
            f"{META_FILE}.document", f"没有文件“{meta.document}”（可选：{'、'.join(documents)}）"
        )
    document = documents[meta.document]
    assert document.case_model is not None
    readings = rulebook.register().choose(meta.readings, field=f"{META_FILE}.readings")
    try:
        case = parse(document.case_model, {"year": meta.year, "readings": meta.readings, **meta.case})
    except InputErrors as exc:
        raise InputErrors([InputError(f"{META_FILE}.case.{e.field}", e.reason) for e in exc.errors]) from None
    raw = read_arrow_tables(path, document)
    tables = arrow_to_tables(document, raw)
    check_tables(document, tables, meta.year)
    return Population(document, meta.year, readings, tables, meta, case)


def load_population(path: Path | str) -> tuple[Document, int, Readings, dict[str, Table]]:
    """A population directory → (document, year, readings, tables) ready for ``evaluate``."""
    p = open_population(path)
    return p.document, p.year, p.readings, p.tables


# --- files ----------------------------------------------------------------------------------------


@cyclic_gc_paused()
def read_arrow_tables(path: Path, document: Document) -> dict[str, pa.Table]:
    """Every table file of the directory, as Arrow (absent tables are empty), still unconverted."""
    assert document.case_model is not None
    # Before reading, so that the files' buffers come from the same malloc too: read into Arrow's
    # default pool, a city's first load spent twice the system time (0.3–0.5 s more) faulting pages.
    reuse_freed_memory()
    schema = population_schema(document.case_model)
    errors = _Errors()
    found: dict[str, Path] = {}
    for file in sorted(path.iterdir()):
        if file.name == META_FILE or file.name.startswith("."):
            continue
        name = file.name.removesuffix(file.suffix)
        if file.suffix not in TABLE_SUFFIXES:
            errors.add(file.name, f"不是表文件（应为 {'、'.join(TABLE_SUFFIXES)}）")
        elif name not in schema.tables:
            errors.add(file.name, f"{document.id} 没有列表 {name!r}（可有的表：{'、'.join(schema.tables)}）")
        elif name in found:
            errors.add(file.name, f"表 {name} 给了两次（另见 {found[name].name}）")
        else:
            found[name] = file
    errors.raise_if_any()
    out: dict[str, pa.Table] = {}
    for name, spec in schema.tables.items():
        given = found.get(name)
        if given is None:
            out[name] = pa.table({c: pa.array([], type=pa.string()) for c in spec.columns})
            continue
        file = given
        try:
            if file.suffix == ".parquet":
                out[name] = _read_parquet(file)
            elif file.suffix == ".csv":
                out[name] = read_csv(file)
            else:
                out[name] = _read_arrow(file)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(file.name, f"无法读取：{exc}") from None
    return out


def _read_arrow(file: Path) -> pa.Table:
    """An Arrow IPC file, memory-mapped: uncompressed, its columns are the file's pages, read by the
    kernel as they are touched, not decoded or copied; a column no rule or check reads costs nothing
    (76号 at 10^6: load 0.33 s with 55 k page faults, from Parquet 0.55–0.7 s with 140 k)."""
    return feather.read_table(file, memory_map=True)


def _read_parquet(file: Path) -> pa.Table:
    """A Parquet file as Arrow; a text column Parquet stored with a small dictionary (a district, a
    kind: a few distinct values) stays dictionary-encoded, so it is neither decoded into a city's
    strings nor hashed again to find its values. (Not pq.read_table: it goes through
    pyarrow.dataset, whose first import costs more than reading a city's loans.)"""
    with pq.ParquetFile(file) as parquet:
        metadata = parquet.metadata
        categories = small_dictionaries(metadata)
        if not categories:
            return parquet.read()
    with pq.ParquetFile(file, metadata=metadata, read_dictionary=categories) as parquet:
        return parquet.read()


SMALL_DICTIONARY = 64 * 2**10  # bytes; a writer falls back from a dictionary only past ~1 MiB


def small_dictionaries(metadata: pq.FileMetaData) -> list[str]:
    """The top-level text columns whose every row group is dictionary-encoded with a small dictionary
    page, under a byte per row (ids and names are not: their dictionary is the size of the column,
    and in a city outgrows the writer's limit and falls back to plain)."""
    small: dict[str, bool] = {}
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for j in range(row_group.num_columns):
            chunk = row_group.column(j)
            if chunk.physical_type != "BYTE_ARRAY" or "." in chunk.path_in_schema:
                continue
            page = chunk.data_page_offset - (chunk.dictionary_page_offset or 0)
            # Small, and under a byte a row: its values repeat (a table of a few ids is read plain).
            fits = bool(chunk.has_dictionary_page) and 0 < page <= min(SMALL_DICTIONARY, chunk.num_values)
            small[chunk.path_in_schema] = small.get(chunk.path_in_schema, True) and fits
    return [name for name, fits in small.items() if fits]


def read_csv(file: Path) -> pa.Table:
    """Every column as text (empty = not given); conversion and its errors are the loader's."""
    with file.open("rb") as handle:
        header = handle.readline().decode("utf-8-sig").rstrip("\r\n").split(",")
    types = {c.strip('"'): pa.string() for c in header}
    options = pa_csv.ConvertOptions(column_types=types, strings_can_be_null=True, null_values=[""])
    return pa_csv.read_csv(file, convert_options=options)


# --- conversion -----------------------------------------------------------------------------------


@cyclic_gc_paused()
def arrow_to_tables(document: Document, raw: Mapping[str, pa.Table]) -> dict[str, Table]:
    """Check and convert Arrow tables (one per list of the case model) into engine tables."""
    assert document.case_model is not None
    reuse_freed_memory()  # a city's columns come and go from here on: keep freed memory for the next
    schema = population_schema(document.case_model)
    # Columns that cannot be read stop here: the checks below need them typed.
    conformed = typed_tables(document, raw)
    errors = _Errors()
    tables: dict[str, Table] = {}
    ids = _IdIndex(conformed)
    for name, spec in schema.tables.items():  # parents before children
        placed: dict[str, Column] = {}
        if spec.parent is not None:
            conformed[name], placed = _attach_to_parent(spec, conformed[name], ids[spec.parent], errors)
        tables[name] = _engine_table(spec, conformed[name], placed)
    errors.raise_if_any()
    for spec in schema.tables.values():
        _check_values(spec, conformed, tables, errors)
    errors.raise_if_any()
    _resolve_references(document, conformed, tables, ids)
    return tables


def typed_tables(document: Document, raw: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
    """Each table with exactly its model's columns, in their Arrow types (a CSV's text read as money,
    dates, lists), as the loader types them before its checks; a column that cannot be is an error
    naming it."""
    assert document.case_model is not None
    errors = _Errors()
    typed = {
        name: _conform(spec, raw[name], errors)
        for name, spec in population_schema(document.case_model).tables.items()
    }
    errors.raise_if_any()
    return typed


class _Ids:
    """A table's ids as one text array (``_text``), and their ordered run (``_numbered_run``), found
    once for its child rows' parents and for the references into it (at 10^6 parties: 7 ms)."""

    def __init__(self, text: pa.Array) -> None:
        self.text = text

    @cached_property
    def numbered(self) -> tuple[tuple[int, int], _Numbers | None] | None:
        return _numbered_run(self.text)


class _IdIndex(dict[str, _Ids]):
    """Each table's ``_Ids``, made on first use: after the table's own rows are placed (parents are
    attached before their children), from the conformed tables as they are then."""

    def __init__(self, conformed: Mapping[str, pa.Table]) -> None:
        super().__init__()
        self.conformed = conformed

    def __missing__(self, name: str) -> _Ids:
        self[name] = _Ids(_text(self.conformed[name].column("id")))
        return self[name]


def _text(column: pa.ChunkedArray) -> pa.Array:
    """A text column as one Arrow string array, null as "" (as the engine's column has it)."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not pa.types.is_string(array.type):
        array = array.cast(pa.string())
    return array.fill_null("")


def _keys(column: pa.ChunkedArray) -> pa.Array:
    """A reference column as ``_text`` gives it, but a dictionary-encoded one (a loan's lender: a few
    banks; ``_categories`` keeps only text dictionaries) left encoded."""
    if not pa.types.is_dictionary(column.type):
        return _text(column)
    return column.fill_null("").combine_chunks()


def _key_positions(ids: pa.Array | _Ids, keys: list[pa.Array]) -> tuple[list[npt.NDArray[np.intp]], bool]:
    """``_positions``, a dictionary-encoded key array looked up by its distinct values and gathered."""
    encoded = [pa.types.is_dictionary(k.type) for k in keys]
    values = [k.dictionary if e else k for k, e in zip(keys, encoded, strict=True)]
    rows, distinct = _positions(ids, values)
    return [
        np.take(r, np.asarray(k.indices.to_numpy(zero_copy_only=False))) if e else r
        for r, k, e in zip(rows, keys, encoded, strict=True)
    ], distinct


def _positions(ids: pa.Array | _Ids, keys: list[pa.Array]) -> tuple[list[npt.NDArray[np.intp]], bool]:
    """For each key array, the row in ``ids`` of each key (-1: absent; the first row of a repeated id),
    and whether the ids are distinct.

    Ids known distinct by their order (a generator's or a register's usually are): key arrays in
    ascending order too (a city's loans listed by borrower) are found by binary search in the ids'
    long run (``_searched_positions``: 3× faster than hashing at 10^6), the other keys by probing
    when they are fewer than the ids (only the keys are hashed, and each id is looked up among them:
    one probe a row, a table that stays in cache). Otherwise every id and key is hashed at once."""
    index = ids if isinstance(ids, _Ids) else _Ids(ids)
    ids, numbered = index.text, index.numbered
    if numbered is not None:
        run, run_numbers = numbered
        searched = _searched_positions(ids, run, keys, run_numbers)
        if searched is not None:
            return searched, True
        if sum(map(len, keys)) * 2 <= len(ids):
            return _probed_positions(ids, keys), True
    return _hashed_positions(ids, keys)


_RUNS = 64  # ids in more ascending runs than this are judged distinct by hashing them


class _Numbers(NamedTuple):
    """Texts as numbers (``_byte_numbers``): each text's bytes after ``prefix`` as a big-endian number,
    and the count of those bytes (-1: a text not starting with ``prefix``, equal to no other)."""

    values: npt.NDArray[np.uint64]
    lengths: npt.NDArray[np.int64]
    prefix: str = ""


def _numbered_run(ids: pa.Array) -> tuple[tuple[int, int], _Numbers | None] | None:
    """((start, stop) of the ids' longest strictly ascending run, the run's ids as numbers), when the
    ids are known distinct without hashing each: that run (a city's enterprises, numbered in order)
    and a few other ids (its banks, listed first), distinct among themselves and repeating no id of
    the long run. None: not known. The numbers are those the other ids were looked for by (binary
    search, not hashing the run: 10 ms at 10^6), and serve ``_searched_positions`` after; None when
    the run is short, or not strictly ascending as numbers."""
    n = len(ids)
    if n < 2:
        return (0, n), None
    ascending = np.asarray(pc.less(ids.slice(0, n - 1), ids.slice(1)).to_numpy(zero_copy_only=False))
    ends = np.flatnonzero(~ascending)  # the last row of each run but the last one
    if len(ends) > _RUNS:
        return None
    starts = np.r_[0, ends + 1]
    stops = np.r_[ends + 1, n]
    longest = int(np.argmax(stops - starts))
    start, stop, run_numbers = _numbered_block(ids, int(starts[longest]), int(stops[longest]))
    if (start, stop) == (0, n):
        return (0, n), run_numbers
    rest = pa.concat_arrays([ids.slice(0, start), ids.slice(stop)])
    if len(rest) * 4 > n or pc.count_distinct(rest).as_py() != len(rest):
        return None
    run = ids.slice(start, stop - start)
    rest_numbers = _byte_numbers(rest, run_numbers.prefix) if run_numbers is not None else None
    if run_numbers is not None and rest_numbers is not None:
        repeated = bool((_search(run_numbers, rest_numbers) >= 0).any())
    else:
        repeated = bool(pc.any(pc.is_in(run, value_set=rest)).as_py())
    return None if repeated else ((start, stop), run_numbers)


def _numbered_block(ids: pa.Array, start: int, stop: int) -> tuple[int, int, _Numbers | None]:
    """The ascending run ``ids[start:stop]`` as numbers (``_strict_numbers``). Ids over 8 bytes: the
    block of the run that shares its upper half's prefix, numbered by what follows it (``B0001`` …
    then ``E00000001`` … at 10^7: a chunk's 1.2 million loans found by search, not hashed with the
    ids, 0.2 s less). Ascending texts with one prefix stand together, and share what their first and
    last share."""
    if stop - start < _SEARCHED:
        return start, stop, None
    run = ids.slice(start, stop - start)
    numbers = _strict_numbers(run)
    if numbers is not None:
        return start, stop, numbers
    middle, last = run[len(run) // 2].as_py(), run[-1].as_py()
    prefix = middle[
        : next((i for i, (a, b) in enumerate(zip(middle, last, strict=False)) if a != b), len(middle))
    ]
    if not prefix:
        return start, stop, None
    inside = np.flatnonzero(np.asarray(pc.starts_with(run, pattern=prefix).to_numpy(zero_copy_only=False)))
    first, last = start + int(inside[0]), start + int(inside[-1]) + 1
    numbers = _strict_numbers(ids.slice(first, last - first), prefix)
    return (first, last, numbers) if numbers is not None else (start, stop, None)


def _strict_numbers(run: pa.Array, prefix: str = "") -> _Numbers | None:
    """The run's ids as numbers (``_byte_numbers``) when strictly ascending as numbers, else None (a
    text ending in NUL ties with its prefix as a number)."""
    numbers = _byte_numbers(run, prefix)
    if numbers is None or not bool(np.all(numbers.values[1:] > numbers.values[:-1])):
        return None
    return numbers


_SEARCHED = 4096  # key arrays shorter than this are searched in their order, longer ones sorted first
_WIDEST = 8  # bytes: ids up to this long are searched as numbers (``_byte_numbers``)


def _searched_positions(
    ids: pa.Array, run: tuple[int, int], keys: list[pa.Array], run_numbers: _Numbers | None = None
) -> list[npt.NDArray[np.intp]] | None:
    """``_positions`` for distinct ids whose long run (``_numbered_run``; ``run_numbers``: its ids as
    numbers, if known) holds most of them: each key array is searched for in the run as numbers
    (``_byte_numbers``, ``_search``: a key costs a few probes, not a pass over the ids as probing
    does, nor hashing each id); its keys not in the run, and the key arrays that are not numbers,
    are then looked up among the rest of the ids or all of them. None: nothing to search, or ids
    longer than ``_WIDEST`` bytes or tied as numbers (then hash)."""
    start, stop = run
    if stop - start < _SEARCHED:
        return None
    if run_numbers is None:
        run_numbers = _strict_numbers(ids.slice(start, stop - start))
    if run_numbers is None:
        return None
    key_numbers = [_byte_numbers(k, run_numbers.prefix) for k in keys]
    if all(k is None for k in key_numbers):
        return None
    out: dict[int, npt.NDArray[np.intp]] = {}
    rest = np.r_[0:start, stop : len(ids)].astype(np.intp)
    for i, (key, numbers) in enumerate(zip(keys, key_numbers, strict=True)):
        if numbers is None:
            continue
        found = _search(run_numbers, numbers)
        if start:
            np.add(found, start, out=found, where=found >= 0)
        missed = np.flatnonzero(found < 0)
        if len(missed) and len(rest):  # not in the run: perhaps among the others (a bank, listed first)
            among = _probed_positions(ids.take(pa.array(rest)), [key.take(pa.array(missed))])[0]
            found[missed] = np.where(among >= 0, rest[np.maximum(among, 0)], -1)
        out[i] = found
    others = [i for i in range(len(keys)) if i not in out]  # not numbers (over 8 bytes): among every id
    if others:
        other_keys = [keys[i] for i in others]
        if sum(map(len, other_keys)) * 2 <= len(ids):
            found_others = _probed_positions(ids, other_keys)
        else:
            found_others = _hashed_positions(ids, other_keys)[0]
        out.update(zip(others, found_others, strict=True))
    return [out[i] for i in range(len(keys))]


def _byte_numbers(text: pa.Array, prefix: str = "") -> _Numbers | None:
    """Each text of at most 8 bytes as the big-endian number of its UTF-8 bytes, NUL-padded (numbers
    order as Arrow orders texts: byte by byte), and its length in bytes (texts all 8 bytes long: one
    8 repeated, a view of no memory); None for a column with nulls or a longer text (a credit code:
    hashed instead). With ``prefix``, the bytes after it (a text without it: length -1)."""
    if text.null_count or not pa.types.is_string(text.type):
        return None
    if prefix:
        return _after_prefix(text, prefix)
    n = len(text)
    _, offsets_buffer, data_buffer = text.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[text.offset : text.offset + n + 1]
    widths = np.diff(offsets)
    if n and int(widths.max()) > _WIDEST:
        return None
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    used = data[offsets[0] : offsets[-1]]
    if len(used) == _WIDEST * n:  # the usual layout (none over 8 bytes, 8n in all): codes of one width
        return _Numbers(used.view(">u8").astype(np.uint64), np.broadcast_to(np.int64(_WIDEST), n))
    lengths = widths.astype(np.int64)
    matrix = np.zeros((n, _WIDEST), dtype=np.uint8)
    bounds = np.r_[0, np.flatnonzero(widths[1:] != widths[:-1]) + 1, n]
    if len(bounds) <= _RUNS:  # a few stretches of one width each (banks' ids, then enterprises')
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            width = int(widths[a])
            if width:
                stretch = data[offsets[a] : offsets[b]]
                matrix[a:b, :width] = stretch.reshape(b - a, width)
    else:
        matrix[np.arange(_WIDEST) < lengths[:, None]] = used  # row by row, as the texts follow each other
    return _Numbers(matrix.view(">u8").reshape(n).astype(np.uint64), lengths)


def _after_prefix(text: pa.Array, prefix: str) -> _Numbers | None:
    numbers = _after_prefix_of_one_length(text, prefix.encode())
    return numbers if numbers is not None else _after_prefix_sliced(text, prefix)


def _after_prefix_sliced(text: pa.Array, prefix: str) -> _Numbers | None:
    """``_after_prefix`` for any texts: those with the prefix sliced after it, in Arrow."""
    has_prefix = pc.starts_with(text, pattern=prefix)
    rest = pc.if_else(has_prefix, pc.utf8_slice_codeunits(text, start=len(prefix)), "")
    numbers = _byte_numbers(rest)
    if numbers is None:
        return None
    lengths = numbers.lengths
    if not pc.all(has_prefix).as_py():
        lengths = np.where(np.asarray(has_prefix.to_numpy(zero_copy_only=False)), lengths, -1)
    return _Numbers(numbers.values, lengths, prefix)


def _after_prefix_of_one_length(text: pa.Array, prefix: bytes) -> _Numbers | None:
    """``_after_prefix`` for texts all of one length (a city's generated ids, a chunk's loans): the
    texts are the rows of a byte matrix, the prefix and the bytes after it its columns, read in place
    (no text array sliced and made again: 12 → 3 ms for a chunk's 1.2 million loans). None: texts of
    several lengths, or over 8 bytes after the prefix."""
    n, width = len(text), len(prefix)
    _, offsets_buffer, data_buffer = text.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[text.offset : text.offset + n + 1]
    length = int(offsets[1] - offsets[0]) if n else 0
    if not n or data_buffer is None or length < width or length - width > _WIDEST:
        return None
    if int(offsets[-1] - offsets[0]) != n * length or not bool(np.all(np.diff(offsets) == length)):
        return None
    matrix = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]].reshape(n, length)
    has_prefix = np.all(matrix[:, :width] == np.frombuffer(prefix, dtype=np.uint8), axis=1)
    padded = np.zeros((n, _WIDEST), dtype=np.uint8)
    padded[:, : length - width] = matrix[:, width:]
    values = padded.view(">u8").reshape(n).astype(np.uint64)
    lengths = np.broadcast_to(np.int64(length - width), n)
    if not bool(has_prefix.all()):
        lengths = np.where(has_prefix, lengths, -1)
    return _Numbers(values, lengths, prefix.decode())


def _search(ids: _Numbers, keys: _Numbers) -> npt.NDArray[np.intp]:
    """The position of each key among the strictly ascending ids (-1: absent). Equal numbers of
    equal lengths are equal texts (NUL padding hides trailing NULs; the lengths do not). Many keys
    out of order are sorted first: ``np.searchsorted`` then walks them through the ids in cache
    (at 10^6: 118k qualifications' parents 5 ms, not 47 probing every id; 1.2M keys in random order
    0.17 s, not 0.21 hashing)."""
    id_numbers, id_lengths, _ = ids
    key_numbers, key_lengths, prefix = keys
    if len(id_numbers) == 0:
        return np.full(len(key_numbers), -1, dtype=np.intp)
    if len(key_numbers) >= _SEARCHED and not bool(np.all(key_numbers[1:] >= key_numbers[:-1])):
        order = np.argsort(key_numbers, kind="stable")  # (a few ascending runs: merged, not sorted)
        lengths = key_lengths if _one_width(key_lengths) else key_lengths[order]
        found = np.empty(len(order), dtype=np.intp)
        found[order] = _search(ids, _Numbers(key_numbers[order], lengths, prefix))
        return found
    at = np.searchsorted(id_numbers, key_numbers)
    np.minimum(at, len(id_numbers) - 1, out=at)
    hit = np.take(id_numbers, at) == key_numbers
    if not (_one_width(id_lengths) and _one_width(key_lengths)):
        hit &= np.take(id_lengths, at) == key_lengths
    at[~hit] = -1
    return at


def _one_width(lengths: npt.NDArray[np.int64]) -> bool:
    """Lengths ``_byte_numbers`` gave as one repeated 8 (all texts 8 bytes long)."""
    return len(lengths) == 0 or (lengths.strides[0] == 0 and int(lengths[0]) == _WIDEST)


def _probed_positions(ids: pa.Array, keys: list[pa.Array]) -> list[npt.NDArray[np.intp]]:
    """``_positions`` for distinct ids: the keys' distinct values are numbered, each id looked up among them."""
    if not any(len(k) for k in keys):
        return [np.zeros(0, dtype=np.intp) for _ in keys]
    encoded = pc.dictionary_encode(pa.concat_arrays(keys))
    value_of_id = np.asarray(
        pc.index_in(ids, value_set=encoded.dictionary).fill_null(-1).to_numpy(zero_copy_only=False)
    )
    found = np.flatnonzero(value_of_id >= 0)
    row_of_value = np.full(len(encoded.dictionary), -1, dtype=np.intp)
    row_of_value[value_of_id[found]] = found  # distinct ids: one row per value
    rows = row_of_value[np.asarray(encoded.indices.to_numpy(zero_copy_only=False))]
    return list(np.split(rows, np.cumsum([len(k) for k in keys])[:-1]))


def _hashed_positions(ids: pa.Array, keys: list[pa.Array]) -> tuple[list[npt.NDArray[np.intp]], bool]:
    """``_positions`` by one hash pass over the ids and every key at once (Arrow's dictionary encoding
    numbers each distinct text in order of first appearance): no Python string is hashed, and the ids
    are hashed once for all the key arrays. Ids first, so they are distinct exactly when their numbers
    are 0, 1, 2 …"""
    codes = np.asarray(
        pc.dictionary_encode(pa.concat_arrays([ids, *keys])).indices.to_numpy(zero_copy_only=False),
        dtype=np.intp,
    )
    n = len(ids)
    size = int(codes.max()) + 1 if len(codes) else 0
    distinct = bool(np.array_equal(codes[:n], np.arange(n)))
    if distinct:  # the id numbered k is row k
        row_of_code = np.where(np.arange(size) < n, np.arange(size), -1)
    else:
        first = np.full(size, n, dtype=np.intp)
        np.minimum.at(first, codes[:n], np.arange(n, dtype=np.intp))  # the first row of each id
        row_of_code = np.where(first < n, first, -1)
    out, start = [], n
    for key in keys:
        out.append(row_of_code[codes[start : start + len(key)]])
        start += len(key)
    return out, distinct


def _resolve_references(
    document: Document,
    conformed: Mapping[str, pa.Table],
    tables: Mapping[str, Table],
    ids: Mapping[str, _Ids] | None = None,
) -> None:
    """Every reference column's rows in its target table (``loans.borrower`` → rows of ``parties``),
    found in Arrow once per target and remembered by the target table, so that ``check_tables`` and
    the rules' ``rows_of`` of these columns are gathers; and which tables' ids are distinct."""
    by_target: dict[str, list[tuple[str, str]]] = {}
    for ref, target in document.references.items():
        table_name, column = ref.rsplit(".", 1)
        if len(tables[table_name]):
            by_target.setdefault(target, []).append((table_name, column))
    for name, table in tables.items():
        if "id" not in table or "parent_row" in table:  # a nested list's ids are unique per parent only
            continue
        refs = by_target.get(name, [])
        keys = [_keys(conformed[t].column(c)) for t, c in refs]
        rows, distinct = _key_positions(_IdIndex(conformed)[name] if ids is None else ids[name], keys)
        for (t, c), found in zip(refs, rows, strict=True):
            if table.is_built("id") or 2 * len(found) >= len(table):
                _share_texts(tables[t], c, conformed[t].column(c), table["id"], found)
            table.remember_rows(tables[t][c], found)
        if distinct:
            table.mark_distinct("id")


def _share_texts(
    table: Table, column: str, arrow: pa.ChunkedArray, target_ids: Column, found: npt.NDArray[np.intp]
) -> None:
    """A reference column (``loans.borrower``) built from the ids it names: each found key is the very
    string of its target's id, not a copy (a city's loans, guarantees and policies name the same
    million parties: a pointer each, not a string each, 60 MB fewer per column at 10^6); keys found
    nowhere (an empty one, an error) are built from the column itself."""
    if table.is_built(column) or not len(target_ids):
        return
    values = target_ids[np.maximum(found, 0)]
    missing = np.flatnonzero(found < 0)
    if len(missing):
        values[missing] = _strings(arrow.take(pa.array(missing, type=pa.int64())))
    table.provide(column, values)


def _conform(spec: TableSpec, table: pa.Table, errors: _Errors) -> pa.Table:
    """Exactly the model's columns (plus ``parent`` for a child table), cast to their Arrow types."""
    expected = spec.columns
    for column in table.column_names:
        if column not in expected:
            errors.add(f"{spec.name}.{column}", f"没有这个字段（可有的字段：{'、'.join(expected)}）")
    arrays: list[pa.ChunkedArray] = []
    n = table.num_rows
    for field in spec.fields.values():
        if field.name not in table.column_names:
            if field.required:
                errors.add(f"{spec.name}.{field.name}", "缺少此列（该字段必填）")
            arrays.append(_with_default(field, pa.chunked_array([pa.nulls(n, type=field.arrow_type)])))
            continue
        arrays.append(_with_default(field, _cast(spec.name, field, table.column(field.name), errors)))
    names = list(spec.fields)
    if spec.parent is not None:
        if "parent" not in table.column_names:
            errors.add(f"{spec.name}.parent", f"缺少此列：所属的 {spec.parent} 记录的 id")
            arrays.append(pa.chunked_array([pa.nulls(n, type=pa.string())]))
        else:
            arrays.append(_cast(spec.name, _PARENT, table.column("parent"), errors))
        names.append("parent")
    return pa.table(arrays, names=names)


def _with_default(field: FieldSpec, column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Null means "not given", as a key left out of a case: the field's default where it has one."""
    if field.required or field.default is None or not column.null_count:
        return column
    return column.fill_null(pa.scalar(field.default, type=field.arrow_type))


_PARENT = FieldSpec("parent", "str", pa.string(), optional=False, required=True, strip=True)


def _allowed_source(field: FieldSpec, source: pa.DataType) -> bool:
    """Source types a column may have: its own family, or text (CSV) for everything."""
    if pa.types.is_string(source) or pa.types.is_large_string(source) or pa.types.is_null(source):
        return True
    if pa.types.is_dictionary(source):
        return _allowed_source(field, source.value_type)
    family = {
        "money": pa.types.is_decimal(source) or pa.types.is_integer(source),
        "percent": pa.types.is_decimal(source) or pa.types.is_integer(source),
        "decimal": pa.types.is_decimal(source) or pa.types.is_integer(source),
        "bool": pa.types.is_boolean(source),
        "date": pa.types.is_date(source) or pa.types.is_timestamp(source),
        "int": pa.types.is_integer(source),
        "float": pa.types.is_floating(source) or pa.types.is_integer(source),
        "str": False,
        "list": pa.types.is_list(source) or pa.types.is_large_list(source),
    }
    return bool(family[field.encoding])


def _cast(table: str, field: FieldSpec, column: pa.ChunkedArray, errors: _Errors) -> pa.ChunkedArray:
    source = column.type
    if not _allowed_source(field, source):
        errors.add(f"{table}.{field.name}", f"此列的类型为 {source}，应为 {_expected(field)}")
        return pa.chunked_array([pa.nulls(len(column), type=field.arrow_type)])
    if pa.types.is_dictionary(source):
        if field.encoding == "str" and not field.uscc and pa.types.is_string(source.value_type):
            return _categories(field, column)
        column = column.cast(source.value_type)
    if field.encoding == "list" and (
        pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
    ):
        # CSV: a list is written "2019;2020" (empty: no items).
        column = _drop_empty_items(pc.split_pattern(column.fill_null(""), ";"))
    if pa.types.is_timestamp(column.type):
        column = _timestamps_to_dates(table, field, column, errors)
    if field.strip and (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        low, high = _byte_span(column)
        if low <= ord(" ") or high >= 0x80:  # (else no whitespace to trim: an id, a code; 12 ms at 10^6)
            column = pc.utf8_trim_whitespace(column)
    if field.uscc:
        if _has_space(column):  # (a regex over a city's codes costs more than every other check of them)
            column = pc.replace_substring_regex(column, r"\s+", "")
        _, high = _byte_span(column)
        # ASCII text: Unicode's upper case is ASCII's (2 ms, not 30, for a city's codes)
        column = pc.ascii_upper(column) if high < 0x80 else pc.utf8_upper(column)
    if column.type == field.arrow_type:
        return column
    try:
        return column.cast(field.arrow_type, safe=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    # Find the values that cannot be read (an error path: a Python loop is fine here).
    values = column.to_pylist()
    bad = 0
    for row, value in enumerate(values):
        try:
            pa.array([value]).cast(field.arrow_type, safe=True)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            bad += 1
            if not errors.full:
                errors.add(f"{table}[{row}].{field.name}", f"{value!r} 不是{_words(field)}", count=0)
    errors.count += max(bad, 1)
    if not bad:
        errors.add(f"{table}.{field.name}", f"无法把此列转换为 {_expected(field)}", count=0)
    return pa.chunked_array([pa.nulls(len(column), type=field.arrow_type)])


def _categories(field: FieldSpec, column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A dictionary-encoded text column, still encoded, its distinct values trimmed as a plain
    column's rows are: the checks and the engine's column then work on those few values."""
    unified = column.unify_dictionaries()
    if not unified.num_chunks:
        return column.cast(pa.string())
    words = unified.chunk(0).dictionary
    if field.strip:
        words = pc.utf8_trim_whitespace(words)
    encoded = [pa.DictionaryArray.from_arrays(chunk.indices, words) for chunk in unified.chunks]
    return pa.chunked_array(encoded, type=encoded[0].type)


def _each_value(column: pa.ChunkedArray, compute: Callable[[pa.Array], pa.Array]) -> pa.ChunkedArray:
    """``compute(column)``; for a dictionary-encoded column, computed on its distinct values and
    gathered (Arrow's text kernels take no dictionary)."""
    if not pa.types.is_dictionary(column.type):
        return compute(column)
    results = [compute(chunk.dictionary).take(chunk.indices) for chunk in column.chunks]
    return pa.chunked_array(results, type=compute(pa.array([], pa.string())).type)


def _has_space(column: pa.ChunkedArray) -> bool:
    """Whether a text column may hold a character RE2's ``\\s`` matches (tab, newline, form feed, carriage
    return, space: bytes ≤ 0x20), by one comparison over its bytes. True also for a large_string column
    or bytes under a null: the regex judges those."""
    low, _ = _byte_span(column)
    return low <= ord(" ")


def _byte_span(column: pa.ChunkedArray) -> tuple[int, int]:
    """The least and the greatest byte of a text column's texts (bytes under a null too), read
    from its buffer: (0, 255) when unknown (not a string column). Unicode's whitespace is bytes
    ≤ 0x20 or non-ASCII (bytes ≥ 0x80); (255, 0) for no bytes at all."""
    if not pa.types.is_string(column.type):
        return 0, 255
    low, high = 255, 0
    for chunk in column.chunks:
        _, offsets, data = chunk.buffers()
        if not len(chunk) or data is None:
            continue
        first, last = np.frombuffer(offsets, dtype=np.int32)[[chunk.offset, chunk.offset + len(chunk)]]
        if last > first:
            text = np.frombuffer(data, dtype=np.uint8)[first:last]
            low, high = min(low, int(text.min())), max(high, int(text.max()))
    return low, high


def _drop_empty_items(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """'' split on ';' gives ['']: an empty cell is an empty list."""
    items = [[] if v == [""] else v for v in column.to_pylist()]
    return pa.chunked_array([pa.array(items, type=pa.list_(pa.string()))])


def _timestamps_to_dates(
    table: str, field: FieldSpec, column: pa.ChunkedArray, errors: _Errors
) -> pa.ChunkedArray:
    """A timestamp is a date only at midnight (pydantic refuses a date with a time)."""
    dates = column.cast(pa.date32())
    back = dates.cast(column.type)
    off = pc.fill_null(pc.not_equal(back, column), False)
    for row in np.flatnonzero(off.to_numpy(zero_copy_only=False))[:SHOWN_ERRORS]:
        errors.add(f"{table}[{int(row)}].{field.name}", "应为日期，不能带时刻", count=0)
    errors.count += int(pc.sum(off).as_py() or 0)
    return dates


def _words(field: FieldSpec) -> str:
    """What a value of the field is, in words: '5x' 不是整数."""
    return {
        "money": "以元计、至多两位小数的金额（decimal128(16,2)）",
        "percent": "至多六位小数的百分数（decimal128(12,6)）",
        "date": "日期（YYYY-MM-DD）",
        "int": "整数",
        "bool": "是非值（true 或 false）",
        "decimal": f"十进制数（{field.arrow_type}）",
        "float": "数字",
        "list": f"列表（{field.arrow_type}）",
        "str": "文字",
    }[field.encoding]


def _expected(field: FieldSpec) -> str:
    """The column type of the field, the values allowed, whether empty is allowed: string，取值之一：a、b."""
    allowed = [v for v in field.literal or () if v is not None]
    choices = f"，取值之一：{'、'.join(map(str, allowed))}" if allowed else ""
    empty = "，可为空" if field.optional else ""
    return f"{field.arrow_type}{choices}{empty}"


def _unscaled(array: pa.ChunkedArray) -> np.ndarray:
    """A decimal128 column's unscaled integers (fen for money, ratio × 10^8 for percent), -1 for null."""
    combined = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    if len(combined) == 0:
        return np.zeros(0, dtype=np.int64)
    data = combined.buffers()[1]
    assert data is not None
    words = np.frombuffer(data, dtype=np.int64).reshape(-1, 2)[
        combined.offset : combined.offset + len(combined)
    ]
    out = words[:, 0].copy()  # low word: |value| < 10^16 fits int64 (two's complement, little-endian)
    if combined.null_count:
        out[np.asarray(combined.is_null().to_numpy(zero_copy_only=False), dtype=bool)] = -1
    return out


def _nulls(array: pa.ChunkedArray) -> np.ndarray:
    if not array.null_count:  # (most columns: no pass over them)
        return np.zeros(len(array), dtype=bool)
    return np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)


def _tidy(value: Decimal) -> Decimal:
    """1.5000000000 → 1.5, 100.00 → 100 (the value as a person would write it)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal.as_tuple().exponent > 0 else normal  # type: ignore[operator]


def _object(values: Iterable[Any]) -> np.ndarray:
    items = list(values)
    col = np.empty(len(items), dtype=object)
    col[:] = items
    return col


def _engine_column(field: FieldSpec, array: pa.ChunkedArray) -> Column:
    """The column ``models_to_tables`` would build for this field (see ``duixian.engine.case._column``)."""
    if field.encoding in ("money", "percent"):
        return _unscaled(array)
    if field.encoding == "bool":
        return np.asarray(array.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    if field.encoding == "date":
        days = np.asarray(array.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
        dates = days.astype("datetime64[D]")
        dates[_nulls(array)] = np.datetime64("NaT")
        return dates
    if field.encoding == "int":
        return np.asarray(array.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    if field.encoding == "str":
        return _strings(array)
    if field.encoding == "decimal":
        return _object("" if v is None else _tidy(v) for v in array.to_pylist())
    if field.encoding == "float":
        return _object("" if v is None else str(v) for v in array.to_pylist())
    # A list of scalars: a tuple per row (most rows hold none).
    combined = array.combine_chunks()
    lengths = np.asarray(pc.list_value_length(combined).fill_null(0).to_numpy(zero_copy_only=False))
    out = np.empty(len(combined), dtype=object)
    out.fill(())  # (one shared empty tuple: a list of n of them costs 10× more)
    rows = np.flatnonzero(lengths)
    if len(rows):
        out[rows] = _tuples(combined.take(pa.array(rows)), lengths[rows])
    return out


def _tuples(lists: pa.Array, lengths: npt.NDArray[np.int32]) -> Column:
    """Each list (none empty) as a tuple of its items. Lists of whole numbers share one tuple per
    distinct list (a city's accident years: 2000 rows, one year): a few Python objects, not a list
    and a tuple per row, for the garbage collector to count and later walk."""
    items = lists.flatten()
    if not pa.types.is_integer(items.type) or items.null_count:
        return _object(tuple(v) for v in lists.to_pylist())
    values = np.asarray(items.to_numpy())
    offsets = np.asarray(lists.offsets.to_numpy())[:-1] - int(lists.offsets[0].as_py())
    out = np.empty(len(lengths), dtype=object)
    for width in np.unique(lengths).tolist():
        rows = np.flatnonzero(lengths == width)
        each = values[offsets[rows, None] + np.arange(width)]
        distinct, which = np.unique(each, axis=0, return_inverse=True)
        out[rows] = _object(tuple(row) for row in distinct.tolist())[which.reshape(-1)]
    return out


_SAMPLE = 4096  # rows whose distinct values say whether a text column is a category (a district, a kind)


def _strings(array: pa.ChunkedArray | pa.Array) -> Column:
    """A text column as an object array, null as "". A category column (few distinct values) is
    decoded once per distinct value and gathered: one Python string per value, not one per row (5×
    faster, and a city's districts share 13 strings); a dictionary-encoded one, by its own dictionary."""
    if pa.types.is_dictionary(array.type):
        codes, words = arrow_categories(array)  # null as ""
        decoded: Column = words[codes]
        return decoded
    array = array.fill_null("")
    if len(array) > _SAMPLE and pc.count_distinct(array.slice(0, _SAMPLE)).as_py() < _SAMPLE // 4:
        codes, words = arrow_categories(array)
        gathered: Column = words[codes]
        return gathered
    strings = array.to_numpy(zero_copy_only=False)
    return strings if strings.dtype == np.object_ else _object(strings)


def _engine_table(spec: TableSpec, arrow: pa.Table, placed: Mapping[str, Column]) -> Table:
    """The engine table of a conformed Arrow table, each field's column built on first read: a city's
    names and credit codes, which no rule reads, stay in Arrow (0.7 s and 0.5 GB at 10^6 parties)."""
    build = {f.name: partial(_engine_column, f, arrow.column(f.name)) for f in spec.fields.values()}
    # A dictionary-encoded text column is also the table's categories as it stands (no string per row).
    categories = {
        f.name: partial(arrow_categories, arrow.column(f.name))
        for f in spec.fields.values()
        if f.encoding == "str" and pa.types.is_dictionary(arrow.column(f.name).type)
    }
    # The ids' rows alone (``Table.view``): a city's loan ids, read for the paid loans' keys only.
    ids = spec.fields.get("id")
    build_rows = {"id": partial(_engine_rows, ids, arrow.column("id"))} if ids is not None else {}
    return Table.built_on_read(spec.name, arrow.num_rows, build, placed, categories, build_rows)


def _engine_rows(field: FieldSpec, array: pa.ChunkedArray, rows: npt.NDArray[np.intp]) -> Column:
    """Those rows of the column ``_engine_column`` builds, in the order given."""
    return _engine_column(field, array.take(pa.array(rows, type=pa.int64())))


def _attach_to_parent(
    spec: TableSpec, arrow: pa.Table, parent_table_ids: _Ids, errors: _Errors
) -> tuple[pa.Table, dict[str, Column]]:
    """Child rows in their parents' order (as ``models_to_tables`` lists them), and their columns
    parent, parent_row and row_in_parent; a parent id that names no row is an error."""
    assert spec.parent is not None
    parent_text = _text(arrow.column("parent"))
    parent_ids = _strings(parent_text)
    (parent_rows,), _ = _positions(parent_table_ids, [parent_text])
    parent_rows = parent_rows.astype(np.int64)
    missing = np.flatnonzero(parent_rows < 0)
    for row in missing[:SHOWN_ERRORS]:
        errors.add(
            f"{spec.name}[{int(row)}].parent",
            f"{spec.parent} 中没有 id 为 {parent_ids[row]!r} 的记录",
            count=0,
        )
    errors.count += len(missing)
    order = np.argsort(parent_rows, kind="stable")
    sorted_rows = parent_rows[order]
    starts = np.r_[True, sorted_rows[1:] != sorted_rows[:-1]] if len(order) else np.zeros(0, dtype=bool)
    first = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0)) if len(order) else order
    placed = {
        "parent": parent_ids[order],
        "parent_row": sorted_rows,
        "row_in_parent": (np.arange(len(order)) - first).astype(np.int64),
    }
    return arrow.take(pa.array(order)), placed


# --- values ---------------------------------------------------------------------------------------


def _check_values(
    spec: TableSpec, arrow: Mapping[str, pa.Table], tables: Mapping[str, Table], errors: _Errors
) -> None:
    """What pydantic refuses, found by columns; each bad row is then worded by pydantic itself."""
    table = arrow[spec.name]
    flagged: dict[int, str] = {}  # row → a field to name if pydantic, run on the row, says nothing
    count = 0

    def flag(mask: np.ndarray | None, field: str) -> None:
        nonlocal count
        if mask is None:  # (no row is: ``_bad_rows`` made no mask)
            return
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        count += len(rows)
        for row in rows[: SHOWN_ERRORS * 2]:
            flagged.setdefault(int(row), field)

    for field in spec.fields.values():
        column = table.column(field.name)
        if field.required and not field.optional and column.null_count:  # null is "not given"
            flag(_nulls(column), field.name)  # (defaults are filled in _conform)
        if field.literal is not None:
            allowed = pa.array([v for v in field.literal if v is not None], type=field.arrow_type)
            flag(_bad_rows(column, partial(_not_in, allowed=allowed)), field.name)
        for bound, beyond in (
            ("ge", pc.less),
            ("gt", pc.less_equal),
            ("le", pc.greater),
            ("lt", pc.greater_equal),
        ):
            limit = getattr(field, bound)
            if limit is not None and field.encoding != "list":
                judge = partial(_beyond, beyond, _limit(field, limit))
                flag(_bad_rows(column, judge), field.name)
        for length, beyond in ((field.min_length, pc.less), (field.max_length, pc.greater)):
            if length is not None:
                judge = partial(_length_beyond, beyond, length, field.encoding == "str")
                flag(_bad_rows(column, judge), field.name)
        if field.pattern is not None:
            judge = partial(_unmatched, re2_pattern(field.pattern))
            flag(_bad_rows(column, judge), field.name)
        if field.uscc and column.null_count < len(column):  # the Arrow bytes, already normalised
            invalid = checks.invalid_uscc(column)
            flag(invalid & ~_nulls(column) if column.null_count else invalid, field.name)
    model_path = f"{spec.model.__module__}.{spec.model.__qualname__}"
    custom = list(spec.validators) + [name for f in spec.fields.values() for name in f.custom]
    unchecked = []
    for validator in custom:
        detector = checks.DETECTORS.get((model_path, validator))
        if detector is None:
            unchecked.append(validator)
            continue
        field_name, mask = detector(tables, spec.name)
        flag(mask, field_name)
    if unchecked:  # no detector: pydantic judges every row (correct; slow on a city)
        for row in range(table.num_rows):
            if _row_errors(spec, arrow, row):
                flagged.setdefault(row, "")
                count += 1
    if not count:
        return
    for row in sorted(flagged):
        if errors.full:
            break
        words = _row_errors(spec, arrow, row)
        for e in words or [InputError(flagged[row], "不符合案例模型（逐案计算同样会拒绝）")]:
            # A model validator's error names the row only; the detector knows the field it concerns.
            named = e.field if e.field and e.field != "case" else flagged[row]
            where = f".{named}" if named else ""
            errors.add(f"{row_path(tables, spec.name, row)}{where}", e.reason, count=0)
    errors.count += count


def _bad_rows(column: pa.ChunkedArray, judge: Callable[[pa.Array], pa.Array]) -> np.ndarray | None:
    """The rows, not null, whose value ``judge`` (values → Arrow booleans, true: refused) refuses, as
    a mask; None when no row is (then no mask over the rows is built). A dictionary-encoded column
    (a kind, a district) is judged on its few distinct values, then mapped to its rows by the indices
    only if one of them is refused: 1 ms, not 15, over 10^6 rows."""
    if column.null_count == len(column):
        return None
    if pa.types.is_dictionary(column.type) and not any(c.dictionary.null_count for c in column.chunks):
        refused = [
            np.asarray(judge(c.dictionary).fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
            for c in column.chunks
        ]
        if not any(r.any() for r in refused):
            return None
        masks = []
        for chunk, values in zip(column.chunks, refused, strict=True):
            if not values.any():
                masks.append(np.zeros(len(chunk), dtype=bool))
                continue
            mask = values[np.asarray(chunk.indices.fill_null(0).to_numpy(zero_copy_only=False))]
            if chunk.null_count:  # (the indices' nulls: the dictionary holds none)
                mask &= np.asarray(chunk.indices.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
            masks.append(mask)
        return np.concatenate(masks) if len(masks) != 1 else masks[0]
    # (A dictionary with null values too: judged row by row, as its rows are.)
    bad = judge(column)
    if column.null_count:
        bad = pc.and_kleene(bad, pc.is_valid(column))
    if not pc.any(bad).as_py():
        return None
    return _mask(bad)


def _not_in(values: pa.Array, allowed: pa.Array) -> pa.Array:
    return pc.invert(pc.is_in(values, value_set=allowed))


def _unmatched(pattern: str, values: pa.Array) -> pa.Array:
    return pc.invert(_each_value(values, partial(pc.match_substring_regex, pattern=pattern)))


def _beyond(beyond: Callable[..., pa.Array], limit: pa.Scalar, values: pa.Array) -> pa.Array:
    return beyond(values, limit)


def _length_beyond(beyond: Callable[..., pa.Array], bound: int, text: bool, values: pa.Array) -> pa.Array:
    """Whether a value's length (characters of a text, items of a list) is beyond the bound (an
    unknown length is 0, as before). "At least one character" is "at least one byte": read from the
    offsets, no pass over the bytes."""
    if not text:
        lengths = pc.list_value_length(values)
    else:
        measure = pc.binary_length if bound == 1 and beyond is pc.less else pc.utf8_length
        lengths = _each_value(values, measure)
    return beyond(lengths.fill_null(0), bound)


def _limit(field: FieldSpec, limit: Any) -> pa.Scalar:
    if field.encoding in ("money", "percent", "decimal"):
        return pa.scalar(Decimal(str(limit)))
    if field.encoding == "float":
        return pa.scalar(float(limit))
    return pa.scalar(limit)


def _mask(result: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(result.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _row_dict(spec: TableSpec, arrow: Mapping[str, pa.Table], row: int) -> dict[str, Any]:
    """One row as the case would write it, its child lists included (for pydantic's words)."""
    table = arrow[spec.name]
    data = {k: v for k, v in table.slice(row, 1).to_pylist()[0].items() if k != "parent" and v is not None}
    for field_name, child in spec.children.items():
        rows = arrow[child.name]
        mine = np.flatnonzero(
            np.asarray(pc.equal(rows.column("parent"), data.get("id", "")).fill_null(False))
        )
        data[field_name] = [_row_dict(child, arrow, int(r)) for r in mine]
    return data


def _row_errors(spec: TableSpec, arrow: Mapping[str, pa.Table], row: int) -> list[InputError]:
    try:
        spec.model.model_validate(_row_dict(spec, arrow, row))
    except ValidationError as exc:
        return [e for e in validation_errors(exc).errors]
    return []


def tables_equal(a: Mapping[str, Table], b: Mapping[str, Table]) -> list[str]:
    """Where two sets of engine tables differ (for tests and round trips): '' when they agree."""
    problems = []
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            problems.append(f"{name}: only in one")
            continue
        ca, cb = a[name].columns, b[name].columns
        if set(ca) != set(cb):
            problems.append(f"{name}: columns {sorted(ca)} vs {sorted(cb)}")
            continue
        for col in ca:
            x, y = ca[col], cb[col]
            if x.dtype != y.dtype or len(x) != len(y):
                problems.append(f"{name}.{col}: {x.dtype}[{len(x)}] vs {y.dtype}[{len(y)}]")
            elif x.dtype.kind == "M":
                if not np.array_equal(x, y, equal_nan=True):
                    problems.append(f"{name}.{col}: dates differ")
            elif not all(bool(p == q) for p, q in zip(x.tolist(), y.tolist(), strict=True)):
                problems.append(f"{name}.{col}: values differ")
    return problems


__all__ = [
    "META_FILE",
    "Population",
    "PopulationMeta",
    "arrow_to_tables",
    "load_population",
    "open_population",
    "read_arrow_tables",
    "read_meta",
    "tables_equal",
]
