"""One encoding: every YAML case evaluated alone and all cases of a year evaluated together as one
population agree to the fen, line by line.

Rules whose amounts depend on who else is in the population (rankings, shared pools, quotas: marked
``population=True``) are compared only within their own case.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

import pytest
import yaml

from duixian import rulebook
from duixian.calculator import calculate_case

# Fields whose values are ids: every table's id, every reference a document declares, and the
# beneficiary of prior awards (a project key).
ID_FIELDS = {"id", "beneficiary"} | {
    ref.rsplit(".", 1)[1] for doc in rulebook.documents().values() for ref in doc.references
}


def _rename(value: Any, prefix: str) -> Any:
    """Prefix every id and reference so that cases merged into one population stay distinct."""
    if isinstance(value, list):
        return [_rename(v, prefix) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in ID_FIELDS and isinstance(v, str):
                out[k] = f"{prefix}{v}"
            elif k == "project" and isinstance(v, str) and ":" in v:
                kind, _, rest = v.partition(":")
                out[k] = f"{kind}:{prefix}{rest}"
            else:
                out[k] = _rename(v, prefix)
        return out
    return value


def _lines(result: Any) -> dict[tuple[str, str, str], tuple[int, bool]]:
    """Per line: the amount payable and whether every condition held (the verdict of a condition rule)."""
    out: dict[tuple[str, str, str], tuple[int, bool]] = {}
    for lines in result.lines:
        if result.document.rules[lines.rule_id].population:
            continue
        rows = zip(lines.beneficiary, lines.subject, lines.final(), lines.eligible, strict=True)
        for b, s, amount, eligible in rows:
            out[(lines.rule_id, str(b), str(s))] = (int(amount), bool(eligible))
    return out


@cache
def _population_groups() -> dict[tuple[str, int, str], list[dict[str, Any]]]:
    groups: dict[tuple[str, int, str], list[dict[str, Any]]] = defaultdict(list)
    for doc in rulebook.documents().values():
        for path in doc.test_files:
            for i, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
                if "expect_error" in entry:
                    continue
                case = _rename(entry["case"], f"{path.stem}-{i}-")
                # Cases merge when everything but their entity lists is the same (year, readings, a
                # document's case-wide facts such as a zone or a fund): that is one population.
                shared = {k: v for k, v in case.items() if not isinstance(v, list)}
                key = (doc.id, case.get("year", 0), repr(sorted(shared.items(), key=lambda kv: kv[0])))
                groups[key].append(case)
    return groups


@pytest.mark.parametrize("key", sorted(_population_groups(), key=repr))
def test_each_case_alone_equals_all_cases_together(key: tuple[str, int, str]) -> None:
    document = key[0]
    cases = _population_groups()[key]
    merged: dict[str, Any] = {"document": document} | {
        k: v for k, v in cases[0].items() if not isinstance(v, list)
    }
    alone: dict[tuple[str, str, str], tuple[int, bool]] = {}
    for case in cases:
        for k, v in case.items():
            if isinstance(v, list):
                merged.setdefault(k, []).extend(v)
        alone |= _lines(calculate_case({"document": document, **case}))
    together = _lines(calculate_case(merged))
    assert together == alone
