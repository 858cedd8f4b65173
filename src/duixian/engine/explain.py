"""The explanation of one amount, read off the columns of its lines: JSON and text."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from duixian.engine.evaluate import Result
from duixian.engine.money import RATE_SCALE, format_fen
from duixian.engine.rules import Lines, Step


def _value(step: Step, row: int) -> Any:
    v = step.values[row]
    if step.unit == "fen":
        return {"fen": int(v), "yuan": format_fen(int(v))}
    if step.unit == "bp":
        return f"{int(v) / 100:.2f}%"
    if step.unit == "percent":
        return f"{int(v) * 100 / RATE_SCALE:g}%"
    if step.unit == "date":
        return None if np.isnat(v) else str(v)
    if step.unit in ("days", "count"):
        return int(v)
    if step.unit == "bool":
        return bool(v)
    if step.unit == "number":  # an exact decimal (an indicator value, a score): shown as written
        return None if v is None or v == "" else str(v)
    return str(v)


def _verdict(pair: tuple[str, str], lines: Lines, row: int) -> str:
    own = "" if lines.verdicts is None else str(lines.verdicts[row])
    return own or (pair[0] if bool(lines.eligible[row]) else pair[1])


def explain_line(result: Result, lines: Lines, row: int) -> dict[str, Any]:
    spec = result.document.rules[lines.rule_id]
    payable = int(lines.final()[row])
    params = [
        {
            "name": name,
            "value": _show_param(
                dv.value, result.context.params[name].unit, result.context.params[name].measure
            ),
            "effective_from": str(dv.start),
            "source": dv.source.cite(),
        }
        for name, dv in lines.parameters.items()
    ]
    for name, rp in lines.row_parameters.items():
        dv = rp.parameter.at(rp.starts[row].astype(object))
        params.append(
            {
                "name": name,
                "value": _show_param(dv.value, rp.parameter.unit, rp.parameter.measure),
                "effective_from": str(dv.start),
                "source": dv.source.cite(),
            }
        )
    register = result.context.readings.register.entries
    return {
        "rule": spec.id,
        "title": spec.title,
        "kind": spec.kind,
        "citation": f"{result.document.number} {spec.clause}",
        "quote": spec.quote,
        "beneficiary": str(lines.beneficiary[row]),
        "subject": str(lines.subject[row]),
        "project": str(lines.project[row]),
        "amount": {"fen": payable, "yuan": format_fen(payable)},
        "eligible": bool(lines.eligible[row]),
        "verdict": _verdict(spec.verdict, lines, row),
        "conditions": [{"condition": c, "met": bool(m[row])} for c, m in lines.conditions.items()],
        "steps": [{"name": k, "label": s.label, "value": _value(s, row)} for k, s in lines.steps.items()],
        "line_amount": {"fen": int(lines.amount[row]), "yuan": format_fen(int(lines.amount[row]))},
        "caps_bound": [c for c, b in lines.caps.items() if bool(b[row])],
        "adjustments": [
            {"adjustment": k, "fen": int(v[row]), "yuan": format_fen(int(v[row]))}
            for k, v in lines.adjustments.items()
            if int(v[row])
        ],
        "notes": lines.notes.get(row, []),
        "parameters": params,
        "readings": [
            {"switch": s, "option": o, "meaning": register[s].options[o]} for s, o in lines.readings.items()
        ],
    }


def _show_param(value: Any, unit: str, measure: str = "") -> str:
    if unit == "number":
        return f"{_decimal(value)} {measure}".strip()
    if unit == "yuan":
        return f"{format_fen(int(value))} 元"
    if unit == "percent":
        return f"{float(value * 100):g}%"
    if unit == "ratio":
        return f"{float(value):g}"
    return str(value)


def _decimal(value: Fraction) -> str:
    """An exact fraction with a finite decimal expansion (0.5, 37) as written; others to 6 places."""
    d = Decimal(value.numerator) / Decimal(value.denominator)
    return format(d.normalize(), "f") if d == Fraction(d) else f"{float(value):.6g}"


def explain(result: Result, include_ineligible: bool = False) -> list[dict[str, Any]]:
    """Every line of the case that is (or, optionally, is not) eligible, explained."""
    out = []
    for lines in result.lines:
        for row in range(len(lines)):
            if include_ineligible or lines.eligible[row]:
                out.append(explain_line(result, lines, row))
    return out


def to_text(item: dict[str, Any]) -> str:
    headline = {
        "cash": f"应兑现金额：{item['amount']['yuan']} 元",
        "deposit": f"财政性存款配套额度（非现金）：{item['amount']['yuan']} 元",
        "investment": f"产业基金跟投额度上限（投资，非补助）：{item['amount']['yuan']} 元",
    }.get(item["kind"], f"结论：{item['verdict']}")
    lines = [
        f"■ {item['rule']} {item['title']} — {item['beneficiary']} / {item['subject']}",
        f"  {headline}",
        f"  依据：{item['citation']}：“{item['quote']}”",
    ]
    lines.append("  条件：")
    lines += [f"    {'✓' if c['met'] else '✗'} {c['condition']}" for c in item["conditions"]]
    lines.append("  计算：")
    for s in item["steps"]:
        v = s["value"]
        shown = (
            f"{v['yuan']} 元" if isinstance(v, dict) else ("是" if v else "否") if isinstance(v, bool) else v
        )
        lines.append(f"    {s['label']}：{shown}")
    if item["caps_bound"]:
        lines.append("  上限：" + "；".join(item["caps_bound"]))
    for a in item["adjustments"]:
        lines.append(f"  扣减：{a['adjustment']} −{a['yuan']} 元")
    for n in item["notes"]:
        lines.append(f"  说明：{n}")
    lines.append("  参数：")
    lines += [
        f"    {p['name']} = {p['value']}（自 {p['effective_from']} 起；{p['source']}）"
        for p in item["parameters"]
    ]
    if item["readings"]:
        lines.append("  解释口径：")
        lines += [f"    {r['switch']} = {r['option']}：{r['meaning']}" for r in item["readings"]]
    return "\n".join(lines)
