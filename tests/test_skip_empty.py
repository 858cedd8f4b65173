"""Rules whose ``lines_from`` table is empty are not evaluated (single-case speed): every YAML case gives
the same lines, amounts and verdicts with and without skipping them."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from duixian import rulebook
from duixian.engine.evaluate import case_tables, evaluate


def _cases() -> list[Any]:
    out = []
    for doc in rulebook.documents().values():
        if not any(spec.lines_from for spec in doc.rules.values()):
            continue
        for path in doc.test_files:
            for i, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
                if "expect_error" not in entry:
                    out.append(pytest.param(doc.id, entry["case"], id=f"{doc.id}/{path.stem}[{i}]"))
    return out


def _lines(result: Any) -> list[tuple[str, str, str, int, bool]]:
    return [
        (ln.rule_id, str(b), str(s), int(a), bool(e))
        for ln in result.lines
        for b, s, a, e in zip(ln.beneficiary, ln.subject, ln.final(), ln.eligible, strict=True)
    ]


@pytest.mark.parametrize(("document", "case"), _cases())
def test_skipping_rules_with_no_rows_changes_nothing(document: str, case: dict[str, Any]) -> None:
    doc = rulebook.documents()[document]
    parsed, tables = case_tables(doc, case)
    readings = rulebook.register().choose(parsed.readings)

    def run(skip: bool) -> list[tuple[str, str, str, int, bool]]:
        return _lines(
            evaluate(doc, tables, parsed.year, rulebook.parameters(), readings, None, {"case": parsed}, skip)
        )

    assert run(True) == run(False)
