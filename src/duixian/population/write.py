"""Write population directories, turn a case into one, and cut one enterprise's case out of one.

``case_to_arrow`` goes through the case model (pydantic), so it only writes valid data; the
generator writes Arrow tables directly and the loader checks them like any other input.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.feather as feather  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import yaml
from pydantic import BaseModel

from duixian.engine.case import parse
from duixian.engine.document import Document
from duixian.errors import InputError
from duixian.population.load import (
    META_FILE,
    SMALL_DICTIONARY,
    TABLE_SUFFIXES,
    open_population,
    read_arrow_tables,
    typed_tables,
)
from duixian.population.schema import TableSpec, arrow_schema, population_schema

FileFormat = Literal["parquet", "arrow"]


def write_population(
    path: Path | str,
    document: Document,
    year: int,
    tables: Mapping[str, pa.Table],
    *,
    synthetic: bool,
    readings: Mapping[str, str] | None = None,
    seed: int | None = None,
    entities: int | None = None,
    calibration: str = "",
    case: Mapping[str, Any] | None = None,
    file_format: FileFormat = "parquet",
) -> Path:
    """population.yaml and one table file per non-empty table, columns in the model's order: Parquet
    (compact: a city's 76号 at 10^6 in 46 MB), or ``arrow``, uncompressed Arrow IPC (5× the disk, 244
    MB; the loader maps it and reads it without decoding: 76号 at 10^6 loads in half the time)."""
    assert document.case_model is not None
    schema = population_schema(document.case_model)
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    unknown = [name for name in tables if name not in schema.tables]
    if unknown:
        raise KeyError(f"{document.id} has no list {unknown[0]!r}")
    # A table written before, in either format, is replaced (or emptied): unlinked, not overwritten, so a
    # process that has mapped the old file (the loader maps Arrow files) keeps reading it, not a torn one.
    for name in schema.tables:
        for suffix in TABLE_SUFFIXES:
            (path / f"{name}{suffix}").unlink(missing_ok=True)
    for name, table in tables.items():
        if not table.num_rows:
            continue
        complete = _complete(schema.tables[name], table)
        if file_format == "arrow":
            _write_arrow(complete, path / f"{name}.arrow")
        else:
            # Money of up to 18 digits stored as Parquet's INT64 decimal, not 16 fixed bytes a value:
            # read 6× faster (a city of 10^7's loans decode in 1.2 s, not 2), the same decimal to a reader.
            pq.write_table(complete, path / f"{name}.parquet", store_decimal_as_integer=True)
    meta: dict[str, Any] = {
        "document": document.id,
        "year": year,
        "readings": dict(readings or {}),
        "synthetic": synthetic,
        "seed": seed,
        "entities": entities,
        "calibration": calibration,
    }
    if case:
        meta["case"] = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in case.items()}
    (path / META_FILE).write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def convert_population(source: Path | str, target: Path | str, file_format: FileFormat) -> Path:
    """A population directory written again in ``file_format`` (with the same population.yaml), after
    every check the loader makes: what is written loads, to the same tables. A city that receives
    Parquet or CSV converts once to Arrow and then loads it in half the time, run after run."""
    source, target = Path(source), Path(target)
    if target.resolve() == source.resolve():
        raise InputError("out", "须是另一个目录：转换不改写原来的人群")
    population = open_population(source)
    typed = typed_tables(population.document, read_arrow_tables(source, population.document))
    meta = population.meta
    return write_population(
        target,
        population.document,
        meta.year,
        typed,
        synthetic=meta.synthetic,
        readings=meta.readings,
        seed=meta.seed,
        entities=meta.entities,
        calibration=meta.calibration,
        case=meta.case,
        file_format=file_format,
    )


def _write_arrow(table: pa.Table, file: Path) -> None:
    """An uncompressed Arrow IPC file the loader maps and reads in place: each column in one piece
    where it fits (the loader would otherwise join the pieces, copying them), and a text column of a
    few distinct values (a district, a kind) dictionary-encoded, as Parquet's writer would store it
    (the loader then reads its values once each, not a city's rows of text)."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type):
            words = pc.unique(column)
            if words.nbytes <= SMALL_DICTIONARY and words.nbytes < len(column):
                column = pc.dictionary_encode(column)
        columns.append(column)
    table = pa.table(columns, names=table.column_names)
    with contextlib.suppress(pa.ArrowInvalid):  # (a text column past 2 GiB, 32-bit offsets: in pieces)
        table = table.combine_chunks()
    feather.write_feather(table, file, compression="uncompressed", chunksize=max(table.num_rows, 1))


def _complete(spec: TableSpec, table: pa.Table) -> pa.Table:
    """Every field of the model as a column, in its order and type; an absent field holds its default."""
    target = arrow_schema(spec)
    unknown = set(table.column_names) - set(target.names)
    if unknown:
        raise KeyError(f"{spec.name}: no field(s) {', '.join(sorted(unknown))}")
    columns = []
    for column in target:
        if column.name in table.column_names:
            columns.append(table.column(column.name).cast(column.type))
            continue
        field = spec.fields[column.name]
        if field.required:
            raise KeyError(f"{spec.name}: the required field {column.name} is missing")
        columns.append(pa.repeat(pa.scalar(field.default, type=column.type), table.num_rows))
    return pa.Table.from_arrays(columns, schema=target)


def case_to_arrow(document: Document, data: Mapping[str, Any]) -> tuple[Any, dict[str, pa.Table]]:
    """A case (parsed YAML, without ``document``) → its validated model and one Arrow table per list."""
    assert document.case_model is not None
    case = parse(document.case_model, data)
    schema = population_schema(document.case_model)
    out: dict[str, pa.Table] = {}
    for name, spec in schema.tables.items():
        if spec.parent is None:
            _models_to_arrow(spec, schema.tables, getattr(case, name), None, out)
    return case, out


def _models_to_arrow(
    spec: TableSpec,
    specs: Mapping[str, TableSpec],
    rows: list[BaseModel],
    parents: list[str] | None,
    out: dict[str, pa.Table],
) -> None:
    target = arrow_schema(spec)
    columns: dict[str, list[Any]] = {f: [getattr(r, f) for r in rows] for f in spec.fields}
    if parents is not None:
        columns["parent"] = parents
    out[spec.name] = pa.table({k: pa.array(v, type=target.field(k).type) for k, v in columns.items()})
    for field_name, child in spec.children.items():
        child_rows: list[BaseModel] = []
        child_parents: list[str] = []
        for r in rows:
            items = getattr(r, field_name)
            child_rows += items
            child_parents += [r.id] * len(items)  # type: ignore[attr-defined]
        _models_to_arrow(child, specs, child_rows, child_parents, out)


def _plain(value: Any) -> Any:
    """Arrow's Python values as a case file writes them (dates as text, decimals exact)."""
    if isinstance(value, Decimal):
        return (
            str(value.normalize()) if value != value.to_integral_value() else str(value.quantize(Decimal(1)))
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _rows(table: pa.Table, mask: np.ndarray) -> list[dict[str, Any]]:
    picked = table.filter(pa.array(mask)) if len(mask) else table
    return [{k: _plain(v) for k, v in row.items() if v is not None} for row in picked.to_pylist()]


def extract_case(
    document: Document,
    year: int,
    readings: Mapping[str, str],
    tables: Mapping[str, pa.Table],
    party_ids: Iterable[str],
    case_fields: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The case of some parties alone, as ``duixian calc`` reads it: every row that names one of them
    (through an id column the document declares in ``references``), and the rows those rows name
    (the lender, the guarantor …), with their child rows.

    Only tables of the document's ``references`` are followed; rows joined by other means (a
    project key) are not included.
    """
    assert document.case_model is not None
    schema = population_schema(document.case_model)
    wanted = set(party_ids)
    refs: dict[str, list[tuple[str, str]]] = {}
    for ref, target in document.references.items():
        table, column = ref.rsplit(".", 1)
        refs.setdefault(table, []).append((column, target))
    party = party_table(document)
    # Rows that name one of the parties, in tables at the top level.
    keep: dict[str, np.ndarray] = {}
    for name, spec in schema.tables.items():
        if spec.parent is not None:
            continue
        t = tables[name]
        mask = np.zeros(t.num_rows, dtype=bool)
        for column, target in refs.get(name, []):
            if target == party:
                mask |= _isin(t.column(column), wanted)
        keep[name] = mask
    # The rows those rows name (institutions, the loans of a guarantee), until nothing new.
    changed = True
    while changed:
        changed = False
        for name, mask in list(keep.items()):
            t = tables[name]
            for column, target in refs.get(name, []):
                if target not in keep:
                    continue
                named = set(pc.unique(t.column(column).filter(pa.array(mask))).to_pylist()) - {None}
                extra = _isin(tables[target].column("id"), named) & ~keep[target]
                if extra.any():
                    keep[target] = keep[target] | extra
                    changed = True
    if party:
        keep[party] |= _isin(tables[party].column("id"), wanted)
    case: dict[str, Any] = {"document": document.id, "year": year}
    if readings:
        case["readings"] = dict(readings)
    case |= dict(case_fields or {})
    for name, mask in keep.items():
        rows = _rows(tables[name], mask)
        _attach_children(schema.tables[name], schema.tables, tables, rows)
        if rows:
            case[name] = rows
    return case


def _attach_children(
    spec: TableSpec,
    specs: Mapping[str, TableSpec],
    tables: Mapping[str, pa.Table],
    rows: list[dict[str, Any]],
) -> None:
    for field_name, child in spec.children.items():
        ids = {r["id"] for r in rows}
        t = tables[child.name]
        picked = _rows(t, _isin(t.column("parent"), ids))
        by_parent: dict[str, list[dict[str, Any]]] = {}
        for item in picked:
            by_parent.setdefault(item.pop("parent"), []).append(item)
        _attach_children(child, specs, tables, picked)
        for r in rows:
            if by_parent.get(r["id"]):
                r[field_name] = by_parent[r["id"]]


def party_table(document: Document) -> str:
    """The case model's list of parties: the top-level table the most references name (76号's
    ``parties``, 71号's ``enterprises``); "" when no reference names one."""
    assert document.case_model is not None
    top = {
        name for name, spec in population_schema(document.case_model).tables.items() if spec.parent is None
    }
    named = Counter(target for target in document.references.values() if target in top)
    return named.most_common(1)[0][0] if named else ""


def _isin(column: pa.ChunkedArray, values: set[str]) -> np.ndarray:
    if not len(column):
        return np.zeros(0, dtype=bool)
    found = pc.is_in(column, value_set=pa.array(sorted(values), type=pa.string()))
    return np.asarray(found.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
