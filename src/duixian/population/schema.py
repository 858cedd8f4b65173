"""The population layout of a document, read off its case model (no schema is written by hand).

Every list field of the case model is a table; a list field of a table's model is a child table
``<parent>.<child>``. Each scalar field becomes a :class:`FieldSpec`: its Arrow type in the files,
how its engine column is built (the same encoding as ``duixian.engine.case.models_to_tables``) and
the constraints pydantic would enforce on it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from duixian.engine.case import _MoneyMarker, _PercentMarker
from duixian.engine.identifiers import check_uscc

# Engine encodings (see duixian.engine.case._column).
Encoding = Literal["money", "percent", "bool", "date", "int", "str", "decimal", "float", "list"]
_VALIDATOR_TYPES = ("AfterValidator", "BeforeValidator", "WrapValidator", "PlainValidator")
MONEY_TYPE = pa.decimal128(16, 2)
PERCENT_TYPE = pa.decimal128(12, 6)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    encoding: Encoding
    arrow_type: pa.DataType
    optional: bool  # None is allowed (the Arrow column may hold nulls)
    required: bool  # no default: the column must be present
    default: Any = None
    literal: tuple[Any, ...] | None = None  # the allowed values of a Literal
    ge: Any = None
    gt: Any = None
    le: Any = None
    lt: Any = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    uscc: bool = False  # validated by check_uscc (and normalised: upper case, no spaces)
    strip: bool = False  # str fields: Strict strips surrounding whitespace
    # Custom validators other than check_uscc (their names): pydantic alone knows what they refuse.
    custom: tuple[str, ...] = ()
    item: FieldSpec | None = None  # list of scalars: the item's spec


@dataclass(frozen=True)
class TableSpec:
    name: str  # parties, parties.qualifications
    model: type[BaseModel]
    fields: dict[str, FieldSpec]
    children: dict[str, TableSpec] = field(default_factory=dict)  # field name → child table
    parent: str | None = None
    # Model-level and field-level @validator functions of the model (their names).
    validators: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        return list(self.fields) + (["parent"] if self.parent else [])


@dataclass(frozen=True)
class PopulationSchema:
    tables: dict[str, TableSpec]  # every table, children included, parents before children
    case_fields: tuple[str, ...]  # case-wide scalar fields other than year and readings (76号: applied_on)


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    if get_origin(annotation) in (Union, UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0], len(members) != len(get_args(annotation))
    return annotation, False


def _metadata(annotation: Any, info_metadata: list[Any]) -> tuple[Any, list[Any]]:
    """The bare type and every metadata item, Annotated layers and nested FieldInfos flattened."""
    items = list(info_metadata)
    while get_origin(annotation) is Annotated:
        base, *extra = get_args(annotation)
        for m in extra:
            items.extend(m.metadata if isinstance(m, FieldInfo) else [m])
        annotation = base
    return annotation, items


def _spec(name: str, annotation: Any, info_metadata: list[Any], required: bool, default: Any) -> FieldSpec:
    annotation, optional = _unwrap_optional(annotation)
    base, items = _metadata(annotation, info_metadata)
    base, more_optional = _unwrap_optional(base)
    optional = optional or more_optional
    constraints: dict[str, Any] = {}
    custom: list[str] = []
    uscc = False
    encoding: Encoding
    for m in items:
        if isinstance(m, at.Ge):
            constraints["ge"] = m.ge
        elif isinstance(m, at.Gt):
            constraints["gt"] = m.gt
        elif isinstance(m, at.Le):
            constraints["le"] = m.le
        elif isinstance(m, at.Lt):
            constraints["lt"] = m.lt
        elif isinstance(m, at.MinLen):
            constraints["min_length"] = m.min_length
        elif isinstance(m, at.MaxLen):
            constraints["max_length"] = m.max_length
        elif type(m).__name__ in _VALIDATOR_TYPES:
            if getattr(m, "func", None) is check_uscc:
                uscc = True
            else:
                custom.append(getattr(getattr(m, "func", None), "__name__", type(m).__name__))
        elif getattr(m, "pattern", None) is not None:
            constraints["pattern"] = m.pattern
    places = next((getattr(m, "decimal_places", None) for m in items if hasattr(m, "decimal_places")), None)
    digits = next((getattr(m, "max_digits", None) for m in items if hasattr(m, "max_digits")), None)
    literal = None
    item = None
    if any(isinstance(m, _MoneyMarker) for m in items):
        encoding, arrow = "money", MONEY_TYPE
    elif any(isinstance(m, _PercentMarker) for m in items):
        encoding, arrow = "percent", PERCENT_TYPE
    elif get_origin(base) is Literal:
        encoding, arrow, literal = "str", pa.string(), get_args(base)
    elif get_origin(base) is list:
        (inner,) = get_args(base)
        item = _spec(name, inner, [], True, None)
        encoding, arrow = "list", pa.list_(item.arrow_type)
    elif base is bool:
        encoding, arrow = "bool", pa.bool_()
    elif base is dt.date:
        encoding, arrow = "date", pa.date32()
    elif base is int:
        encoding, arrow = "int", pa.int64()
    elif base is float:
        encoding, arrow = "float", pa.float64()
    elif base is Decimal:
        # A plain decimal (a score, hectares): its declared places, else ten; 38 digits at most.
        scale = places if places is not None else 10
        encoding, arrow = "decimal", pa.decimal128(min(38, max(digits or 38, scale + 1)), scale)
    elif base is str:
        encoding, arrow = "str", pa.string()
    else:
        raise TypeError(f"field {name}: type {base!r} has no population encoding")
    return FieldSpec(
        name=name,
        encoding=encoding,
        arrow_type=arrow,
        optional=optional,
        required=required,
        default=None if default is PydanticUndefined else default,
        literal=literal,
        uscc=uscc,
        strip=base is str,
        custom=tuple(custom),
        item=item,
        **constraints,
    )


def _list_model(annotation: Any) -> type[BaseModel] | None:
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
    return None


def _validators(model: type[BaseModel]) -> tuple[str, ...]:
    decorators = model.__pydantic_decorators__
    return tuple([*decorators.field_validators, *decorators.model_validators])


def _table(name: str, model: type[BaseModel], parent: str | None, out: dict[str, TableSpec]) -> TableSpec:
    fields: dict[str, FieldSpec] = {}
    children: dict[str, TableSpec] = {}
    later: list[tuple[str, type[BaseModel]]] = []
    for field_name, info in model.model_fields.items():
        child = _list_model(info.annotation)
        if child is not None:
            later.append((field_name, child))
            continue
        fields[field_name] = _spec(
            field_name, info.annotation, list(info.metadata), info.is_required(), info.default
        )
    spec = TableSpec(name, model, fields, children, parent, _validators(model))
    out[name] = spec
    for field_name, child in later:
        if "id" not in fields:
            raise TypeError(f"{name}: a table with child tables needs an id field")
        children[field_name] = _table(f"{name}.{field_name}", child, name, out)
    return spec


@cache
def population_schema(case_model: type[BaseModel]) -> PopulationSchema:
    tables: dict[str, TableSpec] = {}
    case_fields = []
    for name, info in case_model.model_fields.items():
        model = _list_model(info.annotation)
        if model is not None:
            _table(name, model, None, tables)
        elif name not in ("year", "readings"):
            case_fields.append(name)
    return PopulationSchema(tables, tuple(case_fields))


def arrow_schema(spec: TableSpec) -> pa.Schema:
    columns = [pa.field(f.name, f.arrow_type, nullable=f.optional) for f in spec.fields.values()]
    if spec.parent:
        columns.append(pa.field("parent", pa.string(), nullable=False))
    return pa.schema(columns)


def decimal_array(unscaled: Any, arrow_type: pa.Decimal128Type) -> pa.Array:
    """int64 unscaled values (fen for money) → a decimal128 array, without Python objects."""
    values = np.asarray(unscaled, dtype=np.int64)
    words = np.empty((len(values), 2), dtype=np.int64)
    words[:, 0] = values
    words[:, 1] = np.where(values < 0, -1, 0)  # two's complement sign extension
    return pa.Array.from_buffers(arrow_type, len(values), [None, pa.py_buffer(words.tobytes())])


def re2_pattern(pattern: str) -> str:
    """pydantic patterns are Python regular expressions; Arrow's are RE2 (no lookarounds needed here)."""
    if re.search(r"\(\?[=!<]", pattern):
        raise TypeError(f"pattern {pattern!r} uses lookarounds, which Arrow cannot evaluate")
    return pattern
