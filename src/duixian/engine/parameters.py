"""Dated parameters, kept apart from the formulas that use them.

A parameter file (YAML) maps a parameter name to its description, unit, source
and a series of values, each taking effect on a date:

    c1.cap:
      description: 第一条 单户补助上限
      unit: yuan
      source: {document: 温政办〔2019〕76号, clause: 附件第一条, quote: 单户不超过20万元}
      values:
        2019-01-01: 200000

A value may carry its own source (``{value: 4.25, source: {...}}``), as the LPR
table does, one announcement per month. Units: ``yuan`` (stored as fen),
``ratio`` and ``percent`` (stored as exact fractions), ``count``, ``text``, and ``number``: an exact
decimal in a physical measure named by ``measure`` (m⁻¹, kW, 公顷), stored as an exact fraction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from duixian.engine.money import to_fraction, yuan_to_fen
from duixian.engine.yaml_files import read_yaml

Unit = Literal["yuan", "ratio", "percent", "count", "text", "number"]
Value = Fraction | int | str


@dataclass(frozen=True)
class Source:
    document: str
    clause: str
    quote: str
    note: str = ""

    def cite(self) -> str:
        return f"{self.document} {self.clause}：“{self.quote}”"


@dataclass(frozen=True)
class DatedValue:
    start: dt.date
    value: Value
    source: Source


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: Unit
    values: tuple[DatedValue, ...]  # sorted by start
    overridden: bool = False
    measure: str = ""  # for unit "number": what it counts (m⁻¹, kW, 公顷)

    def at(self, when: dt.date) -> DatedValue:
        chosen: DatedValue | None = None
        for v in self.values:
            if v.start <= when:
                chosen = v
        if chosen is None:
            raise LookupError(f"parameter {self.name} has no value on {when} (first: {self.values[0].start})")
        return chosen

    def scaled_at_many(
        self, dates: npt.NDArray[np.datetime64], scale: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.datetime64]]:
        """Vectorised lookup: value × scale (must be whole) and the value's start date, per date."""
        starts, scaled = _scaled_values(self.name, self.values, scale)
        days = dates.astype("datetime64[D]", copy=False)  # (a copy of a city's dates: ~10 ms)
        numbers = days.view(np.int64)  # days since 1970 (NaT: the least int64), not copied
        found = _day_table(starts, numbers)
        if found is None:
            idx = np.searchsorted(starts, days, side="right") - 1
            if len(idx) and idx.min() < 0:
                raise LookupError(f"parameter {self.name} has no value before {starts[0]}")
            return scaled[idx], starts[idx]
        table, offset, earliest = found
        if table[earliest - offset] < 0:  # (the table never decreases: the earliest day has the least)
            raise LookupError(f"parameter {self.name} has no value before {starts[0]}")
        # Each row reads its day's value and start: no array of positions per row (c1's LPR at 10^6
        # loans: four arrays of a million fewer).
        at = numbers if offset == 0 else numbers - offset
        return scaled[table][at], starts[table][at]


def _latest_start(
    starts: npt.NDArray[np.datetime64], days: npt.NDArray[np.datetime64]
) -> npt.NDArray[np.intp]:
    """Per day, the position of the last start on or before it (-1: none): searchsorted, side right, − 1."""
    numbers = days.astype("datetime64[D]", copy=False).view(np.int64)
    found = _day_table(starts, numbers)
    if found is None:
        return np.searchsorted(starts, days, side="right") - 1
    table, offset, _ = found
    positions: npt.NDArray[np.intp] = table[numbers if offset == 0 else numbers - offset]
    return positions


def _day_table(
    starts: npt.NDArray[np.datetime64], numbers: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.intp], int, int] | None:
    """A city's dates fall on a few thousand distinct days: each day is searched once and the rows
    look their day up (a search per row of a million loans costs several times more).

    Returns the position of the last start on or before each day from ``offset`` on (the row of day
    number ``n``, days since 1970, reads ``table[n - offset]``), the offset, and the earliest of
    ``numbers``; None where the rows span more days than there are rows (a search per row, then). The
    table starts at day 0 where that is still fewer days than rows (a city: ~18 000 days, 10^6
    loans): the rows read it by their own numbers, with no array of them shifted."""
    if not len(numbers):
        return None
    first, last = int(numbers.min()), int(numbers.max())  # Python integers: NaT cannot wrap
    if last - first >= len(numbers):
        return None
    offset = 0 if first >= 0 and last < len(numbers) else first
    days = np.arange(offset, last + 1).astype("datetime64[D]")
    return np.searchsorted(starts, days, side="right") - 1, offset, first


# (id of a parameter's values, scale) → (those values, start dates, values × scale). Keyed by identity,
# the values held so the id stays theirs: hashing the dated values costs more than the lookup saves.
_SCALED: dict[
    tuple[int, int], tuple[tuple[DatedValue, ...], npt.NDArray[np.datetime64], npt.NDArray[np.int64]]
] = {}


def _scaled_values(
    name: str, values: tuple[DatedValue, ...], scale: int
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.int64]]:
    """The start dates and the values × scale of a parameter (once per parameter and scale: a single
    case asks for the LPR on every evaluation). The arrays are shared: callers index them, never write."""
    hit = _SCALED.get((id(values), scale))
    if hit is not None and hit[0] is values:
        return hit[1], hit[2]
    starts = np.array([v.start for v in values], dtype="datetime64[D]")
    scaled = []
    for v in values:
        s = Fraction(v.value) * scale
        if s.denominator != 1:
            raise ValueError(f"{name}={v.value} is not a whole multiple of 1/{scale}")
        scaled.append(int(s))
    out = np.asarray(scaled, dtype=np.int64)
    starts.flags.writeable = out.flags.writeable = False
    if len(_SCALED) > 1024:  # reforms make new parameters: keep the memo small
        _SCALED.clear()
    _SCALED[(id(values), scale)] = (values, starts, out)
    return starts, out


def _parse_value(unit: Unit, raw: Any) -> Value:
    if unit == "yuan":
        return yuan_to_fen(raw)
    if unit in ("ratio", "number"):
        return to_fraction(raw)
    if unit == "percent":
        return to_fraction(raw) / 100
    if unit == "count":
        return int(raw)
    return str(raw)


def _parse_source(raw: Mapping[str, Any]) -> Source:
    return Source(
        document=str(raw["document"]),
        clause=str(raw["clause"]),
        quote=str(raw["quote"]),
        note=str(raw.get("note", "")),
    )


def parse_parameter(name: str, raw: Mapping[str, Any]) -> Parameter:
    unit: Unit = raw["unit"]
    default_source = _parse_source(raw["source"]) if "source" in raw else None
    values = []
    for start, entry in raw["values"].items():
        if isinstance(entry, Mapping):
            source = _parse_source(entry["source"]) if "source" in entry else default_source
            value = entry["value"]
        else:
            source, value = default_source, entry
        if source is None:
            raise ValueError(f"parameter {name}: value from {start} has no source")
        start_date = start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start))
        values.append(DatedValue(start_date, _parse_value(unit, value), source))
    values.sort(key=lambda v: v.start)
    return Parameter(
        name, str(raw.get("description", "")), unit, tuple(values), measure=str(raw.get("measure", ""))
    )


@dataclass
class ParameterSet:
    parameters: dict[str, Parameter] = field(default_factory=dict)

    @classmethod
    def load(cls, files: Iterable[tuple[str, Path]]) -> ParameterSet:
        """Load (prefix, file) pairs; each parameter is named ``prefix.name``."""
        ps = cls()
        for prefix, path in files:
            data = read_yaml(path) or {}
            for name, raw in data.items():
                full = f"{prefix}.{name}" if prefix else name
                if full in ps.parameters:
                    raise ValueError(f"parameter {full} defined twice")
                ps.parameters[full] = parse_parameter(full, raw)
        return ps

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise KeyError(f"unknown parameter {name}") from None

    def __contains__(self, name: object) -> bool:
        return name in self.parameters

    def with_overrides(self, overrides: Mapping[str, Any], start: dt.date, source: Source) -> ParameterSet:
        """A copy where each named parameter takes a new value from ``start`` (used by reforms)."""
        new = dict(self.parameters)
        for name, raw in overrides.items():
            p = self[name]
            kept = tuple(v for v in p.values if v.start < start)
            value = DatedValue(start, _parse_value(p.unit, raw), source)
            new[name] = replace(p, values=(*kept, value), overridden=True)
        return ParameterSet(new)
