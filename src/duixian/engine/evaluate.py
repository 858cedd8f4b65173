"""Evaluate a document's rules over tables: the one path for a single case and a city."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from duixian.engine.case import models_to_tables, parse, row_path
from duixian.engine.document import Document
from duixian.engine.parameters import ParameterSet
from duixian.engine.readings import Readings, Register
from duixian.engine.rules import Context, Lines
from duixian.engine.tables import Table
from duixian.errors import InputError, InputErrors


@dataclass
class Result:
    document: Document
    context: Context
    lines: list[Lines] = field(default_factory=list)
    # Set by calculate() for a single case whose document has a timing hook (76号 g2).
    timing: dict[str, Any] | None = None

    def total(self, kind: str = "cash") -> int:
        """Sum of the final amounts of every rule of this kind (cash grants, or deposit quotas)."""
        rules = self.document.rules
        return int(sum(int(ln.final().sum()) for ln in self.lines if rules[ln.rule_id].kind == kind))


def check_tables(document: Document, tables: Mapping[str, Table], year: int) -> None:
    """Cross-table checks pydantic cannot do: references resolve, dates lie in the year."""
    errors: list[InputError] = []
    first, last = document.years
    if not first <= year <= last:
        extra = f"；奖补年度可为 {first}–{last} 年" if document.last_year else ""
        errors.append(
            InputError("year", f"{year} 年不在{document.number}的施行期内（{document.period_text()}{extra}）")
        )
    for name, table in tables.items():
        if "id" in table and len(table) > 1:
            errors += _duplicate_ids(tables, name)
        elif "id" in table and "parent_row" not in table:
            table.mark_distinct("id")  # one row or none: nothing to repeat
    for ref, target in document.references.items():
        table_name, column = ref.rsplit(".", 1)
        keys = tables[table_name][column]
        if not len(keys):
            continue
        # Through the target's own index, so the rules' later lookups of this column are answered.
        missing = (keys != "") & (tables[target].rows_of(keys) < 0)
        for row in np.flatnonzero(missing):
            errors.append(
                InputError(
                    f"{row_path(tables, table_name, int(row))}.{column}",
                    f"{target} 中没有 id 为 {keys[row]!r} 的记录",
                )
            )
    lo, hi = np.datetime64(dt.date(year, 1, 1)), np.datetime64(dt.date(year, 12, 31))
    for dated in document.dated_in_year:
        table_name, column = dated.rsplit(".", 1)
        dates = tables[table_name][column]
        if not len(dates):
            continue
        for row in np.flatnonzero((dates < lo) | (dates > hi)):
            errors.append(
                InputError(
                    f"{row_path(tables, table_name, int(row))}.{column}",
                    f"{dates[row]} 不在奖补年度 {year} 年内",
                )
            )
    if errors:
        raise InputErrors(errors)


def _duplicate_ids(tables: Mapping[str, Table], name: str) -> list[InputError]:
    """Ids are unique in a table, or, for a nested list (a pilot's land sales), within its parent."""
    table = tables[name]
    if "parent_row" not in table and table.is_distinct("id"):  # the loader checked it
        return []
    ids = table["id"].tolist()
    owners = table["parent_row"].tolist() if "parent_row" in table else None
    keys = ids if owners is None else list(zip(owners, ids, strict=True))
    if len(set(keys)) == len(keys):  # the common case, at C speed
        if owners is None:
            # Known distinct from now on: the rules' lookups of the ids in themselves and g3's numbers
            # of the lines' keys go by position (a single case's table is not checked by the loader).
            table.mark_distinct("id")
        return []
    errors: list[InputError] = []
    seen: dict[object, int] = {}
    for position, key in enumerate(keys):
        earlier = seen.setdefault(key, position)
        if earlier != position:
            also = row_path(tables, name, earlier)
            errors.append(
                InputError(
                    f"{row_path(tables, name, position)}.id", f"重复的 id {ids[position]!r}（与 {also} 相同）"
                )
            )
    return errors


def case_tables(document: Document, data: Mapping[str, Any]) -> tuple[Any, dict[str, Table]]:
    """Validate a case against the document's model and turn its lists into tables."""
    assert document.case_model is not None
    case = parse(document.case_model, data)
    tables: dict[str, Table] = {}
    for name, info in document.case_model.model_fields.items():
        rows = getattr(case, name)
        item = getattr(info.annotation, "__args__", (None,))[0]
        if isinstance(rows, list) and isinstance(item, type):
            tables.update(models_to_tables(name, item, rows))
    check_tables(document, tables, case.year)
    return case, tables


def evaluate(
    document: Document,
    tables: dict[str, Table],
    year: int,
    params: ParameterSet,
    readings: Readings,
    rule_ids: Iterable[str] | None = None,
    extras: dict[str, Any] | None = None,
    skip_empty: bool = True,
) -> Result:
    """Every rule of the document (or those named) over the tables, then the document's final passes.

    ``skip_empty=False`` evaluates even rules whose ``lines_from`` table is empty (tests use it to
    show that skipping them changes nothing)."""
    ctx = Context(
        year=year,
        tables=tables,
        params=params,
        readings=readings,
        extras=extras or {},
        in_force_from=document.applies_from,
    )
    wanted = set(rule_ids) if rule_ids is not None else None
    result = Result(document, ctx)
    for spec in document.rules.values():
        if spec.formula is None or (wanted is not None and spec.id not in wanted):
            continue
        if skip_empty and spec.lines_from is not None and len(tables[spec.lines_from]) == 0:
            result.lines.append(Lines.empty(spec.id))
            continue
        ctx.start_rule()
        lines = spec.formula(ctx)
        if document.scope is not None and spec.kind == "cash" and len(lines):
            for label, passed in document.scope(ctx, lines, spec).items():
                lines.conditions[label] = passed
            lines.amount = np.where(lines.eligible, lines.amount, 0).astype(np.int64, copy=False)
        result.lines.append(ctx.stamp(lines))
    for finalise in document.finalisers:
        finalise(ctx, result.lines)
    return result


def calculate(
    document: Document,
    data: Mapping[str, Any],
    params: ParameterSet,
    register: Register,
    rule_ids: Iterable[str] | None = None,
) -> Result:
    """A single case from its parsed YAML/JSON: validate, tabulate, evaluate."""
    case, tables = case_tables(document, data)
    readings = register.choose(case.readings)
    extras = {"case": case}
    result = evaluate(document, tables, case.year, params, readings, rule_ids, extras)
    if document.timing is not None:
        result.timing = document.timing(result.context)
    return result
