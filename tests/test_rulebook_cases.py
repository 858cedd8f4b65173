"""Runs every YAML case under src/duixian/rulebook/*/tests/: the clause text's own examples.

A case file is a list of entries:
  - name: what is tested, in words
    case: {year: ..., parties: [...], ...}        # the case, as `duixian calc` reads it
    expect:                                       # rule id → beneficiary → yuan payable (0 asserts nothing is paid)
      wzb-2019-76.c1: {E1: 17212.50}
    expect_lines:                                 # optional: line-level facts
      - {rule: wzb-2019-76.c1, subject: loan:L1, amount: 17212.50, eligible: true,
         caps_bound: [...], note_contains: "g3(a)"}
         # also: verdict: 禁止使用 (condition/indicator lines), steps: {step_name: shown value}
    expect_error: loans[0].principal              # instead of expect: the case is refused, naming this field
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
import yaml

from duixian import rulebook
from duixian.calculator import calculate_case
from duixian.engine.explain import explain
from duixian.engine.money import yuan_to_fen
from duixian.errors import InputError, InputErrors


def _cases() -> list[Any]:
    params = []
    for doc in rulebook.documents().values():
        for path in doc.test_files:
            for i, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
                case_id = f"{doc.id}/{path.stem}[{i}] {entry['name']}"
                params.append(pytest.param(doc.id, entry, id=case_id))
    return params


def _fen(value: Any) -> int:
    return yuan_to_fen(Decimal(str(value)))


@pytest.mark.parametrize(("document", "entry"), _cases())
def test_case(document: str, entry: dict[str, Any]) -> None:
    data = {"document": document, **entry["case"]}
    if "expect_error" in entry:
        with pytest.raises((InputError, InputErrors)) as caught:
            calculate_case(data)
        fields = [e.field for e in getattr(caught.value, "errors", [caught.value])]
        assert entry["expect_error"] in fields, f"errors named {fields}"
        return
    result = calculate_case(data)
    paid: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for lines in result.lines:
        for beneficiary, amount in zip(lines.beneficiary, lines.final(), strict=True):
            paid[lines.rule_id][str(beneficiary)] += int(amount)
    assert entry.get("expect") or entry.get("expect_lines"), "a case must expect something"
    for rule_id, by_beneficiary in (entry.get("expect") or {}).items():
        assert rule_id in rulebook.documents()[document].rules, f"unknown rule {rule_id}"
        for beneficiary, yuan in by_beneficiary.items():
            assert paid[rule_id][str(beneficiary)] == _fen(yuan), f"{rule_id} → {beneficiary}"
    explained = explain(result, include_ineligible=True)
    for want in entry.get("expect_lines") or []:
        found = [e for e in explained if e["rule"] == want["rule"] and e["subject"] == want["subject"]]
        assert len(found) == 1, f"no single line {want['rule']} {want['subject']}"
        line = found[0]
        if "amount" in want:
            assert line["amount"]["fen"] == _fen(want["amount"])
        if "eligible" in want:
            assert line["eligible"] == want["eligible"], line["conditions"]
        if "caps_bound" in want:
            assert line["caps_bound"] == want["caps_bound"]
        if "note_contains" in want:
            assert any(want["note_contains"] in n for n in line["notes"]), line["notes"]
        if "verdict" in want:
            assert line["verdict"] == want["verdict"], line["conditions"]
        for name, value in (want.get("steps") or {}).items():
            shown = {s["name"]: s["value"] for s in line["steps"]}
            assert name in shown, f"no step {name} (steps: {sorted(shown)})"
            got = shown[name]["yuan"] if isinstance(shown[name], dict) else shown[name]
            assert str(got) == str(value), f"step {name}: {got} != {value}"
        if "failed_condition" in want:
            failed = [c["condition"] for c in line["conditions"] if not c["met"]]
            assert any(want["failed_condition"] in c for c in failed), failed
