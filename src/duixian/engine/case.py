"""Reading a case (YAML or JSON) into validated models, then into columns.

Validation is pydantic's: unknown fields, wrong types and negative amounts are
refused with the dotted path of the field. Lists of entities become tables,
one column per field; a nested list (a party's qualifications) becomes a child
table with a column naming its parent.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import numpy as np
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from duixian.engine.identifiers import check_uscc
from duixian.engine.money import percent_to_scaled, yuan_to_fen
from duixian.engine.reasons import reason_of
from duixian.engine.tables import Column, Table
from duixian.errors import InputError, InputErrors

M = TypeVar("M", bound=BaseModel)


class _MoneyMarker:
    """Marks a field as a yuan amount to be stored as fen."""


class _PercentMarker:
    """Marks a field as a percent to be stored as an integer ratio × RATE_SCALE."""


Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2), _MoneyMarker()]
Uscc = Annotated[str, AfterValidator(check_uscc)]
# A percent with at most six decimals (1.5 means 1.5%), stored exactly as ratio × RATE_SCALE.
Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=6), _PercentMarker()]


class Strict(BaseModel):
    """Base of every input model: unknown fields are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class CaseBase(Strict):
    """What every document's case has: the year concerned and the readings chosen."""

    year: int = Field(description="奖补年度")
    readings: dict[str, str] = {}


def _dotted(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_errors(exc: ValidationError) -> InputErrors:
    """pydantic's errors as ours: each names its dotted field and says, in Chinese, what is wrong."""
    return InputErrors([InputError(_dotted(err["loc"]) or "case", reason_of(err)) for err in exc.errors()])


class _CaseLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay text, so pydantic validates them and names the field."""


_CaseLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> Any:
    """YAML text as a case file is read (dates stay text)."""
    return yaml.load(text, Loader=_CaseLoader)


def read_document(path: Path) -> Mapping[str, Any]:
    """Parse a case file; YAML or JSON by extension."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), f"无法读取：{_os_trouble(exc)}") from None
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"不是 UTF-8 编码的文本：{exc}") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.load(text, Loader=_CaseLoader)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        # the parser's own words (English) say where: line and column
        raise InputError(
            str(path), f"不是有效的 {'JSON' if path.suffix.lower() == '.json' else 'YAML'}：{exc}"
        ) from None
    if not isinstance(data, Mapping):
        raise InputError(str(path), f"案例应为字段映射（字段: 值），此处为{_kind_of(data)}")
    return data


def _os_trouble(exc: OSError) -> str:
    """Why a file could not be read, in words (the system's own for the rare cases)."""
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, IsADirectoryError):
        return "这是目录，不是文件"
    if isinstance(exc, PermissionError):
        return "没有读取权限"
    return str(exc.strerror or exc)


def _kind_of(data: Any) -> str:
    """What a document holds instead of a mapping, in words."""
    if data is None:
        return "空文件"
    if isinstance(data, list):
        return "列表"
    return f"单个值 {data!r}"


def parse(model: type[M], data: Mapping[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_errors(exc) from None


def _marker(annotation: Any, metadata: list[Any]) -> str:
    if get_origin(annotation) in (Union, UnionType):  # Money | None: the marker is on the Annotated member
        members = [a for a in get_args(annotation) if a is not type(None)]
        annotation = members[0] if len(members) == 1 else annotation
    for m in [*metadata, *getattr(annotation, "__metadata__", ())]:
        if isinstance(m, _MoneyMarker):
            return "money"
        if isinstance(m, _PercentMarker):
            return "percent"
    return ""


def _base_type(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the scalar type."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def _column(values: list[Any], base: Any, marker: str) -> Column:
    if marker == "money":
        return np.asarray([-1 if v is None else yuan_to_fen(v) for v in values], dtype=np.int64)
    if marker == "percent":
        return np.asarray([-1 if v is None else percent_to_scaled(v) for v in values], dtype=np.int64)
    if base is bool:
        return np.asarray([bool(v) for v in values], dtype=bool)
    if base is dt.date:
        return np.asarray([np.datetime64("NaT") if v is None else v for v in values], dtype="datetime64[D]")
    if base is int:
        return np.asarray([-1 if v is None else v for v in values], dtype=np.int64)
    col = np.empty(len(values), dtype=object)
    col[:] = [v if isinstance(v, Decimal) else ("" if v is None else str(v)) for v in values]
    return col


def _list_item_model(annotation: Any) -> type[BaseModel] | None:
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
    return None


def row_path(tables: Mapping[str, Table], name: str, row: int) -> str:
    """The field path of a table row as the case wrote it: loans[3], pilots[1].land_sales[0]."""
    table = tables[name]
    if "parent_row" not in table:
        return f"{name}[{row}]"
    parent, field = name.rsplit(".", 1)
    return f"{row_path(tables, parent, int(table['parent_row'][row]))}.{field}[{int(table['row_in_parent'][row])}]"


@dataclass(frozen=True)
class _FieldKind:
    """How one field of an input model becomes a column (read once per model, not per case)."""

    name: str
    child: type[BaseModel] | None  # a nested list of models: a child table
    scalar_list: bool  # a list of scalars: an object column of tuples
    base: Any  # the scalar type under Annotated/Optional
    marker: str  # "money", "percent" or ""


@cache
def _field_kinds(model: type[BaseModel]) -> tuple[_FieldKind, ...]:
    return tuple(
        _FieldKind(
            name,
            _list_item_model(info.annotation),
            get_origin(info.annotation) is list,
            _base_type(info.annotation),
            _marker(info.annotation, info.metadata),
        )
        for name, info in model.model_fields.items()
    )


def models_to_tables(
    name: str, model: type[BaseModel], rows: list[BaseModel], parent: str | None = None
) -> dict[str, Table]:
    """Turn a list of models into a table; nested model lists become child tables."""
    if not rows:  # most lists of a single case are empty: their columns are built once per model
        return {t: Table(t, dict(columns)) for t, columns in _empty_columns(name, model).items()}
    tables: dict[str, Table] = {}
    columns: dict[str, Column] = {}
    for kind in _field_kinds(model):
        values = [getattr(r, kind.name) for r in rows]
        if kind.child is not None:
            tables.update(_child_tables(f"{name}.{kind.name}", kind.child, rows, values, name))
        elif kind.scalar_list:  # list of scalars: keep as object column of tuples
            col = np.empty(len(values), dtype=object)
            col[:] = [tuple(v) for v in values]
            columns[kind.name] = col
        else:
            try:
                columns[kind.name] = _column(values, kind.base, kind.marker)
            except OverflowError:  # beyond int64: no count or amount of the gazette is that large
                row = next(i for i, v in enumerate(values) if isinstance(v, int) and abs(v) >= 2**63)
                raise InputError(
                    f"{name}[{row}].{kind.name}", f"{values[row]} 过大（超出 64 位整数的范围）"
                ) from None
    tables[name] = Table(name, columns)
    return tables


@cache
def _empty_columns(name: str, model: type[BaseModel]) -> dict[str, dict[str, Column]]:
    """The columns of an empty list of ``model`` and of its nested lists, by table name. Shared by
    every case: an array of no rows has nothing to change."""
    return {table_name: table.columns for table_name, table in _build_empty(name, model).items()}


def _build_empty(name: str, model: type[BaseModel]) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    columns: dict[str, Column] = {}
    for kind in _field_kinds(model):
        if kind.child is not None:
            tables.update(_child_tables(f"{name}.{kind.name}", kind.child, [], [], name))
        elif kind.scalar_list:
            columns[kind.name] = np.empty(0, dtype=object)
        else:
            columns[kind.name] = _column([], kind.base, kind.marker)
    tables[name] = Table(name, columns)
    return tables


def _child_tables(
    child_name: str, child: type[BaseModel], rows: list[BaseModel], values: list[Any], parent: str
) -> dict[str, Table]:
    """A nested list (a party's qualifications) as a table with its parent's id and, so that errors
    can name pilots[1].land_sales[0], the parent's row and the row's place in the parent's list."""
    child_rows: list[BaseModel] = []
    parents: list[str] = []
    parent_rows: list[int] = []
    rows_in_parent: list[int] = []
    for position, (r, items) in enumerate(zip(rows, values, strict=True)):
        child_rows.extend(items)
        parents.extend([r.id] * len(items))  # type: ignore[attr-defined]
        parent_rows.extend([position] * len(items))
        rows_in_parent.extend(range(len(items)))
    sub = models_to_tables(child_name, child, child_rows, parent=parent)
    sub[child_name].columns["parent"] = np.asarray(parents, dtype=object)
    sub[child_name].columns["parent_row"] = np.asarray(parent_rows, dtype=np.int64)
    sub[child_name].columns["row_in_parent"] = np.asarray(rows_in_parent, dtype=np.int64)
    return sub
