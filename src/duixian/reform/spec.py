"""The reform file: what changes, from when, checked against the rulebook before anything runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic import Field

from duixian import rulebook
from duixian.engine.case import Strict, parse, read_document
from duixian.engine.document import Document
from duixian.engine.money import format_fen, yuan_to_fen
from duixian.engine.parameters import Parameter, ParameterSet, Source, Unit, Value
from duixian.engine.readings import Readings, Register
from duixian.errors import InputError, InputErrors

# What each unit means to the person writing the file (the value is written in this unit).
UNIT_WORDS: dict[str, str] = {
    "yuan": "元，最多两位小数（如 300000）",
    "percent": "百分数，0–100（20 表示 20%）",
    "ratio": "比值（0.2 表示 20%）",
    "count": "非负整数",
    "number": "数值",
    "text": "文字",
}
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class ReformFile(Strict):
    """The reform file as written."""

    name: str = Field(min_length=1, max_length=80, pattern=NAME_PATTERN)
    description: str = Field(min_length=1)
    document: str
    start: dt.date = Field(alias="from")
    parameters: dict[str, Any] = {}
    readings: dict[str, str] = {}


@dataclass(frozen=True)
class Change:
    """One parameter's change: its baseline definition and the new value as written (its unit, exact)."""

    parameter: Parameter
    written: Decimal | int | str


@dataclass(frozen=True)
class Reform:
    name: str
    description: str
    document: Document
    start: dt.date
    changes: dict[str, Change] = field(default_factory=dict)
    readings: dict[str, str] = field(default_factory=dict)

    @property
    def source(self) -> Source:
        return Source(document=f"改革方案 {self.name}", clause=f"自 {self.start} 起", quote=self.description)

    def parameters(self, base: ParameterSet) -> ParameterSet:
        """The baseline parameters with this reform's values from its start date."""
        overrides = {name: change.written for name, change in self.changes.items()}
        return base.with_overrides(overrides, self.start, self.source)

    def choose_readings(self, register: Register, baseline: Mapping[str, str]) -> Readings:
        """The baseline's readings (a population's own), with this reform's options on top."""
        return register.choose({**baseline, **self.readings})


def load_reform(path: Path) -> Reform:
    return parse_reform(read_document(path))


def parse_reform(
    data: Mapping[str, Any], params: ParameterSet | None = None, register: Register | None = None
) -> Reform:
    """Validate a parsed reform file against the rulebook; every error names its field."""
    raw = parse(ReformFile, data)
    documents = rulebook.documents()
    if raw.document not in documents:
        raise InputError("document", f"unknown document {raw.document!r} (known: {', '.join(documents)})")
    document = documents[raw.document]
    params = params if params is not None else rulebook.parameters()
    register = register if register is not None else rulebook.register()
    if not raw.parameters and not raw.readings:
        raise InputError("parameters", "a reform changes at least one parameter or one reading")
    if raw.start < document.applies_from:
        raise InputError(
            "from", f"{raw.start} is before {document.number} takes effect ({document.applies_from})"
        )
    errors: list[InputError] = []
    changes: dict[str, Change] = {}
    for name, value in raw.parameters.items():
        try:
            changes[name] = _change(document, params, name, value)
        except InputError as exc:
            errors.append(exc)
    for switch in raw.readings:
        if switch in register.entries and not switch.startswith(f"{document.id}."):
            errors.append(
                InputError(f"readings.{switch}", f"a switch of another document, not {document.id}")
            )
    try:
        register.choose(raw.readings)
    except InputError as exc:
        errors.append(exc)
    if errors:
        raise InputErrors(errors)
    return Reform(raw.name, raw.description, document, raw.start, changes, dict(raw.readings))


def _change(document: Document, params: ParameterSet, name: str, value: Any) -> Change:
    where = f"parameters.{name}"
    if name not in params:
        near = [p for p in params.parameters if p.startswith(name.rsplit(".", 1)[0] + ".")][:8]
        hint = f" (parameters of that rule: {', '.join(near)})" if near else ""
        raise InputError(where, f"no such parameter{hint}")
    owner = name.split(".", 1)[0]
    if owner in rulebook.documents() and owner != document.id:
        raise InputError(where, f"a parameter of {owner}, not of {document.id}: it would change nothing")
    parameter = params[name]
    return Change(parameter, _written(parameter, value, where))


def _written(parameter: Parameter, value: Any, where: str) -> Decimal | int | str:
    """The value in the parameter's unit, exactly; refuses a value of another kind or unit."""
    unit = parameter.unit
    expected = f"expected {unit}: {UNIT_WORDS[unit]}"
    if isinstance(value, Mapping):
        if set(value) != {"value", "unit"}:
            raise InputError(where, "write the new value, or {value: …, unit: …}")
        if value["unit"] != unit:
            raise InputError(
                f"{where}.unit", f"{value['unit']!r} is not the unit of {parameter.name} ({expected})"
            )
        value = value["value"]
    if unit == "text":
        if not isinstance(value, str):
            raise InputError(where, f"{value!r}: {expected}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise InputError(where, f"{value!r}: {expected}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(where, f"{value!r} is not a number ({expected})") from None
    if not number.is_finite():
        raise InputError(where, f"{value!r} is not a finite number ({expected})")
    if unit != "number" and number < 0:
        raise InputError(where, f"{value} is negative ({expected})")
    if unit == "percent" and number > 100:
        raise InputError(where, f"{value} is above 100 ({expected})")
    if unit == "count":
        if number != number.to_integral_value():
            raise InputError(where, f"{value} is not a whole number ({expected})")
        return int(number)
    if unit == "yuan":
        try:
            yuan_to_fen(number)
        except ValueError as exc:
            raise InputError(where, f"{exc} ({expected})") from None
    return number


def describe_value(unit: Unit, value: Value, measure: str = "") -> str:
    """A stored value in the unit a reader expects: 200,000.00 元, 20%, 3."""
    if unit == "yuan":
        return f"{format_fen(int(value))} 元"
    if unit == "percent":
        return f"{_decimal(value, 100)}%"
    if unit in ("ratio", "number"):
        return f"{_decimal(value, 1)}{(' ' + measure) if measure else ''}"
    return str(value)


def _decimal(value: Value, scale: int) -> str:
    exact = Fraction(value) * scale
    if exact.denominator == 1:
        return str(exact.numerator)
    text = f"{Decimal(exact.numerator) / Decimal(exact.denominator):.6f}".rstrip("0").rstrip(".")
    return text
