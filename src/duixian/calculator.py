"""One case in, every amount with its explanation out: the entry point of the CLI and, later, the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from duixian import rulebook
from duixian.engine.evaluate import Result, calculate
from duixian.engine.explain import explain
from duixian.engine.money import format_fen
from duixian.errors import InputError


def calculate_case(data: Mapping[str, Any], rule_ids: list[str] | None = None) -> Result:
    """``data`` is a parsed case: ``document`` names the gazette document, the rest is its case."""
    documents = rulebook.documents()
    doc_id = data.get("document")
    if doc_id is None:
        raise InputError("document", f"缺少：请写明公报文件（可选：{'、'.join(documents)}）")
    if doc_id not in documents:
        raise InputError("document", f"没有文件“{doc_id}”（可选：{'、'.join(documents)}）")
    body = {k: v for k, v in data.items() if k != "document"}
    if rule_ids is not None:
        unknown = [r for r in rule_ids if r not in documents[doc_id].rules]
        if unknown:
            raise InputError("rules", f"{doc_id} 没有这些规则：{'、'.join(unknown)}")
    return calculate(documents[doc_id], body, rulebook.parameters(), rulebook.register(), rule_ids)


def case_payload(result: Result, include_ineligible: bool = False) -> dict[str, Any]:
    """What `duixian calc --json` prints and POST /api/calc answers: totals and every explained line."""
    total, deposits = result.total("cash"), result.total("deposit")
    payload: dict[str, Any] = {"document": result.document.id, "year": result.context.year}
    payload |= {
        "total": {"fen": total, "yuan": format_fen(total)},
        "deposit_quota_total": {"fen": deposits, "yuan": format_fen(deposits)},
        "lines": explain(result, include_ineligible=include_ineligible),
    }
    if result.timing is not None:
        payload["timing"] = result.timing
    return payload


def rule_library() -> list[dict[str, Any]]:
    """Every rule with the clause it implements and the gazette's words (`duixian rules --json`)."""
    return [
        {
            "id": spec.id,
            "title": spec.title,
            "kind": spec.kind,
            "document": doc.number,
            "clause": spec.clause,
            "citation": f"{doc.number} {spec.clause}：“{spec.quote}”",
            "quote": spec.quote,
            "applies": {"from": str(doc.applies_from), "to": None if doc.open_ended else str(doc.applies_to)},
        }
        for doc in rulebook.documents().values()
        for spec in doc.ordered_rules()
    ]
