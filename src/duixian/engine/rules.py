"""What a rule is, what it computes, and the context it computes in.

A rule is a function from a :class:`Context` (tables of entities, dated
parameters, chosen readings, the year) to :class:`Lines`: one row per thing
that may be paid (a loan's subsidy, a claim's compensation), with the amount,
every condition checked, every intermediate value and every cap that bound,
all as columns. The explanation of any single amount is read off these
columns, so a city and a single case share one encoding.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from duixian.engine.money import IntArray
from duixian.engine.parameters import DatedValue, Parameter, ParameterSet
from duixian.engine.readings import Readings
from duixian.engine.tables import BoolArray, Column, RowsView, Table, shared_codes

StepUnit = Literal["fen", "bp", "days", "count", "date", "text", "bool", "percent", "number"]
# cash: money paid; deposit: fiscal deposits allocated (76号 c9); investment: money the government
# invests, not a grant (71号 a4); condition: a test whose lines say whether it holds (a ban, a
# procedure, a site size); indicator: a target tracked by year; timing and definition: no lines.
RuleKind = Literal["cash", "deposit", "investment", "condition", "indicator", "timing", "definition"]
MONEY_KINDS: tuple[RuleKind, ...] = ("cash", "deposit", "investment")
T = TypeVar("T")


@dataclass
class Step:
    """An intermediate value, one per line, with a label a reviewer understands."""

    label: str
    values: Column
    unit: StepUnit


class Keys:
    """The keys ``prefixed(prefix, ids)``, made into strings only for the rows asked for.

    A city's lines have a subject and a project key each, and most lines are never paid: the final
    passes read the keys of the lines that could pay, the candidates those of the payable ones, an
    explanation one. Reading a row (``keys[i]``), some rows (``keys[rows]``), iterating, ``tolist``,
    ``==`` or ``np.asarray(keys)`` give exactly what the eager column would.
    """

    def __init__(self, prefix: str, ids: Column | RowsView) -> None:
        self.prefix = prefix
        # A table's view of its ids (``Table.view``) is kept as it is: only the rows read become text.
        self.ids: Column | RowsView = ids if isinstance(ids, RowsView) else np.asarray(ids, dtype=object)
        self._all: Column | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"Keys({self.prefix!r}, {len(self)} ids)"

    def column(self) -> Column:
        """Every key, as the object column ``prefixed`` builds (built once)."""
        if self._all is None:
            self._all = prefixed(self.prefix, self.ids)
        return self._all

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, (int, np.integer)):
            return f"{self.prefix}:{self.ids[index]}"
        if self._all is not None:
            return self._all[index]
        return prefixed(self.prefix, self.ids[index])

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> Column:
        return self.column() if dtype is None else self.column().astype(dtype)

    def __iter__(self) -> Iterator[str]:
        return iter(self.column().tolist())

    def __eq__(self, other: object) -> Any:  # elementwise, as the column's == is
        return self.column() == (other.column() if isinstance(other, Keys) else other)

    def __ne__(self, other: object) -> Any:
        return self.column() != (other.column() if isinstance(other, Keys) else other)

    __hash__ = None  # type: ignore[assignment]  # like an array: compared by value, elementwise

    def tolist(self) -> list[str]:
        keys: list[str] = self.column().tolist()
        return keys

    def astype(self, dtype: Any) -> Column:
        return self.column().astype(dtype)


KeyColumn = Column | Keys


def keys(prefix: str, ids: Column | RowsView) -> Keys:
    """Subject or project keys ``prefix:id`` of lines, built lazily (see :class:`Keys`)."""
    return Keys(prefix, ids)


@dataclass
class RowParameter:
    """A parameter whose value depends on the line (e.g. the LPR at each loan's start)."""

    parameter: Parameter
    scaled: IntArray
    scale: int
    starts: npt.NDArray[np.datetime64]


@dataclass
class Lines:
    rule_id: str
    beneficiary: Column
    subject: KeyColumn
    project: KeyColumn
    amount: IntArray
    # The other enterprise whose project is paid for (a bond's issuer, a defaulting borrower), if any:
    # the document's scope may check it too (76号 附则1: 房地产企业（项目）).
    counterparty: Column | None = None
    steps: dict[str, Step] = field(default_factory=dict)
    conditions: dict[str, BoolArray] = field(default_factory=dict)
    caps: dict[str, BoolArray] = field(default_factory=dict)
    parameters: dict[str, DatedValue] = field(default_factory=dict)
    row_parameters: dict[str, RowParameter] = field(default_factory=dict)
    readings: dict[str, str] = field(default_factory=dict)
    # Set while finalising (duplication, caps across lines): deductions and notes per row.
    adjustments: dict[str, IntArray] = field(default_factory=dict)
    notes: dict[int, list[str]] = field(default_factory=dict)
    payable: IntArray | None = None
    # Per line, verdict words that replace the rule's pair where set (not ""): a procurement route,
    # "无基期值，无法判断进度"; a condition or indicator line may say more than holds / does not.
    verdicts: Column | None = None

    def __len__(self) -> int:
        return len(self.amount)

    @property
    def eligible(self) -> BoolArray:
        ok = np.ones(len(self.amount), dtype=bool)
        for passed in self.conditions.values():
            ok &= passed
        return ok

    @classmethod
    def empty(cls, rule_id: str) -> Lines:
        none = np.empty(0, dtype=object)
        return cls(rule_id, none, none, none, np.empty(0, dtype=np.int64))

    def final(self) -> IntArray:
        return self.payable if self.payable is not None else self.amount

    def note(self, row: int, text: str) -> None:
        self.notes.setdefault(int(row), []).append(text)

    def note_each(self, rows: list[int], texts: list[str]) -> None:
        """``note(row, text)`` for each row and its text, in order (one call for many rows)."""
        notes = self.notes
        for row, text in zip(rows, texts, strict=True):
            notes.setdefault(row, []).append(text)


@dataclass
class Context:
    """Everything a rule may read. Records which parameters and readings a rule used."""

    year: int
    tables: dict[str, Table]
    params: ParameterSet
    readings: Readings
    extras: dict[str, Any] = field(default_factory=dict)
    # The day the document takes effect: parameters of a year it starts in are read from that day.
    in_force_from: dt.date | None = None
    _used_params: dict[str, DatedValue] = field(default_factory=dict)
    _used_row_params: dict[str, RowParameter] = field(default_factory=dict)
    _used_readings: dict[str, str] = field(default_factory=dict)
    _once: dict[str, tuple[Any, dict[str, DatedValue], dict[str, RowParameter], dict[str, str]]] = field(
        default_factory=dict
    )

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def year_end(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    def table(self, name: str) -> Table:
        return self.tables[name]

    @property
    def reference_date(self) -> dt.date:
        """Where a parameter is read when a rule names no date: 1 January, or the day the document
        takes effect if that is later in the year (a document effective 2019-12-24 read for 2019)."""
        start = self.year_start
        return max(start, self.in_force_from) if self.in_force_from else start

    def param(self, name: str, at: dt.date | None = None) -> DatedValue:
        value = self.params[name].at(at or self.reference_date)
        self._used_params[name] = value
        return value

    def rate(self, name: str, at: dt.date | None = None) -> Fraction:
        """A ratio or percent parameter, as an exact fraction (15% → 3/20)."""
        value = self.param(name, at).value
        if not isinstance(value, Fraction):
            raise TypeError(f"parameter {name} is not a rate")
        return value

    def amount(self, name: str, at: dt.date | None = None) -> int:
        """A money parameter, in fen."""
        if self.params[name].unit != "yuan":
            raise TypeError(f"parameter {name} is not an amount of money")
        return int(self.param(name, at).value)

    def number(self, name: str, at: dt.date | None = None) -> Fraction:
        """A measured quantity (unit ``number``: a limit in m⁻¹, a power in kW), exactly."""
        if self.params[name].unit != "number":
            raise TypeError(f"parameter {name} is not a number")
        value = self.param(name, at).value
        assert isinstance(value, Fraction)
        return value

    def count(self, name: str, at: dt.date | None = None) -> int:
        if self.params[name].unit != "count":
            raise TypeError(f"parameter {name} is not a count")
        return int(self.param(name, at).value)

    def param_per_row(
        self, name: str, dates: npt.NDArray[np.datetime64], scale: int
    ) -> tuple[IntArray, npt.NDArray[np.datetime64]]:
        """Per row: the value in force on that row's date × scale, and the date it took effect."""
        p = self.params[name]
        scaled, starts = p.scaled_at_many(dates, scale)
        self._used_row_params[name] = RowParameter(p, scaled, scale, starts)
        return scaled, starts

    def reading(self, switch: str) -> str:
        option = self.readings[switch]
        self._used_readings[switch] = option
        return option

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """A fact several rules ask (each party's size class), computed once per evaluation.

        Every rule that asks still records the parameters and readings the fact was computed from,
        as if it had computed it itself."""
        if key not in self._once:
            outer = self._used_params, self._used_row_params, self._used_readings
            self._used_params, self._used_row_params, self._used_readings = {}, {}, {}
            try:
                value = compute()
                self._once[key] = (value, self._used_params, self._used_row_params, self._used_readings)
            finally:
                self._used_params, self._used_row_params, self._used_readings = outer
        value, params, row_params, readings = self._once[key]
        self._used_params.update(params)
        self._used_row_params.update(row_params)
        self._used_readings.update(readings)
        return value

    def start_rule(self) -> None:
        self._used_params, self._used_row_params, self._used_readings = {}, {}, {}

    def stamp(self, lines: Lines) -> Lines:
        """Attach what the rule just used to its lines."""
        lines.parameters.update(self._used_params)
        lines.row_parameters.update(self._used_row_params)
        lines.readings.update(self._used_readings)
        return lines


Formula = Callable[[Context], Lines]


@dataclass(frozen=True)
class RuleSpec:
    id: str
    title: str
    clause: str
    quote: str
    kind: RuleKind
    formula: Formula | None = None
    # A cap per beneficiary per year that spans lines; applied after duplication (g3).
    aggregate_cap: str | None = None
    # True when a line's amount depends on who else is in the population (a ranking, a pool shared
    # pro rata, a quota): a case alone and the city together legitimately differ.
    population: bool = False
    # What a condition or indicator line says when it holds / does not (e.g. 禁止使用 / 不在禁止之列).
    verdict: tuple[str, str] = ("符合", "不符合")
    # The table whose rows the lines are (c1: one line per loan). When it is empty the rule has no
    # lines and is not evaluated at all: a single case touches few tables, and most rules cost time
    # even on empty columns.
    lines_from: str | None = None

    @property
    def document_id(self) -> str:
        return self.id.rsplit(".", 1)[0]


def make_lines(
    rule_id: str,
    *,
    beneficiary: Column,
    subject: KeyColumn,
    project: KeyColumn,
    raw_amount: IntArray,
    conditions: dict[str, BoolArray],
    steps: dict[str, Step] | None = None,
    caps: dict[str, BoolArray] | None = None,
    counterparty: Column | None = None,
) -> Lines:
    """Lines whose amount is the raw amount where every condition holds, else 0."""
    lines = Lines(
        rule_id=rule_id,
        beneficiary=np.asarray(beneficiary, dtype=object),
        subject=subject if isinstance(subject, Keys) else np.asarray(subject, dtype=object),
        project=project if isinstance(project, Keys) else np.asarray(project, dtype=object),
        amount=np.asarray(raw_amount, dtype=np.int64),
        counterparty=None if counterparty is None else np.asarray(counterparty, dtype=object),
        steps=steps or {},
        conditions=conditions,
        caps=caps or {},
    )
    if len(lines.amount) >= _LONG and not lines.amount.any():
        # Nothing to zero (a condition rule's lines): the amounts are kept as given, with no test of
        # every condition and no new array (71号 a1 and a2 over 10^6 enterprises: 8 MB each).
        return lines
    lines.amount = np.where(lines.eligible, lines.amount, 0).astype(np.int64, copy=False)
    return lines


_LONG = 1000  # from this many lines all-zero amounts are looked for (a single case's few: not worth it)


def prefixed(prefix: str, ids: Column | RowsView) -> Column:
    """'loan' + ['L1','L2'] → ['loan:L1', 'loan:L2'] (subject and project keys)."""
    keys: Column = np.add(f"{prefix}:", np.asarray(ids, dtype=object))  # str + str per element, in C
    return keys


Codes = npt.NDArray[np.int64]


def key_numbers(
    columns: list[KeyColumn],
    rows: list[npt.NDArray[np.intp]],
    texts: Column,
    distinct: Callable[[Column | RowsView], bool] = lambda ids: False,
) -> tuple[list[Codes], Codes, int] | None:
    """One numbering of the keys ``columns[i][rows[i]]`` and of the keys ``texts`` (given as strings):
    equal keys get equal numbers and different keys different ones, as their strings ``prefix:id``
    would, and how many numbers there are.

    The keys of a :class:`Keys` column are numbered by (prefix, id), without building their strings;
    the ids of a prefix that all come from one array of which ``distinct(ids)`` says no id repeats (a
    table's id column) are numbered by their position, without hashing them either. A text spelling
    ``prefix:id`` of a Keys prefix gets that key's number. None when two prefixes nest (``a`` and
    ``a:b``: ``a:b:c`` would be spelt two ways): the caller numbers the strings instead."""
    prefixes = sorted({c.prefix for c in columns if isinstance(c, Keys)})
    if any(q.startswith(p + ":") for p in prefixes for q in prefixes):
        return None
    plain = [
        np.asarray(c[r], dtype=object) for c, r in zip(columns, rows, strict=True) if not isinstance(c, Keys)
    ]
    plain.append(np.asarray(texts, dtype=object))
    # Each text as (prefix, id) where it spells a Keys prefix's key, else (None, the text itself).
    spelt: dict[str | None, tuple[list[int], list[Any]]] = defaultdict(lambda: ([], []))
    known = set(prefixes)
    for j, value in enumerate(np.concatenate(plain).tolist()):
        prefix, rest = _split_key(value, known)
        spelt[prefix][0].append(j)
        spelt[prefix][1].append(rest)
    codes: list[Codes] = [np.empty(0, dtype=np.int64) for _ in columns]
    plain_codes = np.empty(sum(len(a) for a in plain), dtype=np.int64)
    width = 0
    for prefix in [*prefixes, None]:
        mine = [i for i, c in enumerate(columns) if isinstance(c, Keys) and c.prefix == prefix]
        places, texts_ids = spelt.get(prefix, ([], []))
        arrays = {id(_ids(columns[i])): _ids(columns[i]) for i in mine}
        if len(arrays) == 1 and not places and distinct(ids := next(iter(arrays.values()))):
            for i in mine:  # a table's distinct ids: each id's row is its number
                codes[i] = width + np.asarray(rows[i], dtype=np.int64)
            width += len(ids)
            continue
        numbered, count = shared_codes(
            [_ids(columns[i])[rows[i]] for i in mine] + [np.asarray(texts_ids, object)]
        )
        for i, found in zip(mine, numbered, strict=False):
            codes[i] = width + found
        plain_codes[places] = width + numbered[-1]
        width += count
    # The plain columns' numbers, in their order; the texts' numbers are what remains.
    start = 0
    for i, c in enumerate(columns):
        if not isinstance(c, Keys):
            codes[i], start = plain_codes[start : start + len(rows[i])], start + len(rows[i])
    return codes, plain_codes[start:], width


def _ids(column: KeyColumn) -> Column | RowsView:
    assert isinstance(column, Keys)
    return column.ids


def _split_key(value: Any, prefixes: set[str]) -> tuple[str | None, Any]:
    """``prefix:id`` → (prefix, id) when the prefix is among ``prefixes`` (at most one is, as none
    nests in another), else (None, the value)."""
    if isinstance(value, str):
        at = value.find(":")
        while at >= 0:
            if value[:at] in prefixes:
                return value[:at], value[at + 1 :]
            at = value.find(":", at + 1)
    return None, value
