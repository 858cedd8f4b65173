"""One case in, every amount with its explanation out: the entry point of the CLI and, later, the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from duixian import rulebook
from duixian.engine.evaluate import Result, calculate
from duixian.errors import InputError


def calculate_case(data: Mapping[str, Any], rule_ids: list[str] | None = None) -> Result:
    """``data`` is a parsed case: ``document`` names the gazette document, the rest is its case."""
    documents = rulebook.documents()
    doc_id = data.get("document")
    if doc_id is None:
        raise InputError("document", f"missing: name the gazette document ({', '.join(documents)})")
    if doc_id not in documents:
        raise InputError("document", f"unknown document {doc_id!r} (known: {', '.join(documents)})")
    body = {k: v for k, v in data.items() if k != "document"}
    if rule_ids is not None:
        unknown = [r for r in rule_ids if r not in documents[doc_id].rules]
        if unknown:
            raise InputError("rules", f"not rules of {doc_id}: {', '.join(unknown)}")
    return calculate(documents[doc_id], body, rulebook.parameters(), rulebook.register(), rule_ids)
