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
        raise InputError("document", f"没有文件“{raw.document}”（可选：{'、'.join(documents)}）")
    document = documents[raw.document]
    params = params if params is not None else rulebook.parameters()
    register = register if register is not None else rulebook.register()
    if not raw.parameters and not raw.readings:
        raise InputError("parameters", "改革方案至少要修改一个参数或一个解释选项")
    if raw.start < document.applies_from:
        raise InputError("from", f"{raw.start} 早于{document.number}的施行日期（{document.applies_from}）")
    errors: list[InputError] = []
    changes: dict[str, Change] = {}
    for name, value in raw.parameters.items():
        try:
            changes[name] = _change(document, params, name, value)
        except InputError as exc:
            errors.append(exc)
    errors += _reading_errors(document, register, raw.readings)
    if errors:
        raise InputErrors(errors)
    return Reform(raw.name, raw.description, document, raw.start, changes, dict(raw.readings))


def _reading_errors(document: Document, register: Register, readings: Mapping[str, str]) -> list[InputError]:
    """What ``Register.choose`` refuses, and switches of other documents (all at once)."""
    errors = register.problems(readings)
    for switch in readings:
        if switch in register.entries and not switch.startswith(f"{document.id}."):
            errors.append(InputError(f"readings.{switch}", f"这是另一份文件的解释开关，不属于 {document.id}"))
    return errors


def _change(document: Document, params: ParameterSet, name: str, value: Any) -> Change:
    where = f"parameters.{name}"
    if name not in params:
        near = [p for p in params.parameters if p.startswith(name.rsplit(".", 1)[0] + ".")][:8]
        hint = f"（该条款的参数：{'、'.join(near)}）" if near else ""
        raise InputError(where, f"没有这个参数{hint}")
    owner = name.split(".", 1)[0]
    if owner in rulebook.documents() and owner != document.id:
        raise InputError(where, f"这是 {owner} 的参数，不属于 {document.id}：修改它不会改变任何结果")
    parameter = params[name]
    return Change(parameter, _written(parameter, value, where))


def _written(parameter: Parameter, value: Any, where: str) -> Decimal | int | str:
    """The value in the parameter's unit, exactly; refuses a value of another kind or unit."""
    unit = parameter.unit
    expected = f"该参数的单位是 {unit}，即{UNIT_WORDS[unit]}"
    if isinstance(value, Mapping):
        if set(value) != {"value", "unit"}:
            raise InputError(where, "请直接写新值，或写作 {value: …, unit: …}")
        if value["unit"] != unit:
            raise InputError(f"{where}.unit", f"单位“{value['unit']}”不对；{expected}")
        value = value["value"]
    if unit == "text":
        if not isinstance(value, str):
            raise InputError(where, f"“{value}”不是文字；{expected}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise InputError(where, f"“{value}”不是数值；{expected}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(where, f"“{value}”不是数字；{expected}") from None
    if not number.is_finite():
        raise InputError(where, f"“{value}”不是有限的数；{expected}")
    if unit != "number" and number < 0:
        raise InputError(where, f"{value} 为负数；{expected}")
    if unit == "percent" and number > 100:
        raise InputError(where, f"{value} 超过 100；{expected}")
    if unit == "count":
        if number != number.to_integral_value():
            raise InputError(where, f"{value} 不是整数；{expected}")
        return int(number)
    if unit == "yuan":
        try:
            yuan_to_fen(number)
        except ValueError:  # a finite number: only a fraction of a fen is refused
            raise InputError(where, f"{value} 元的小数超过两位（精确到分）；{expected}") from None
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
