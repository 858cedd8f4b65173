"""The rulebook: one package per gazette document, each with parameters/, rules/, tests/ and its
interpretations register (interpretations.yaml).

Rules know nothing of storage or the web; the engine evaluates them. A document package is found by
its ``DOC``: adding a folder adds a document.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from duixian.engine.document import Document
from duixian.engine.parameters import ParameterSet
from duixian.engine.readings import Register
from duixian.engine.rules import RuleSpec

HERE = Path(__file__).parent


@cache
def documents() -> dict[str, Document]:
    """Every document package of the rulebook, in gazette-document-id order."""
    found: list[Document] = []
    for module in pkgutil.iter_modules(__path__):
        if module.ispkg and module.name != "common":
            doc = getattr(importlib.import_module(f"{__name__}.{module.name}"), "DOC", None)
            if isinstance(doc, Document):
                found.append(doc)
    return {d.id: d for d in sorted(found, key=lambda d: d.id)}


def all_rules() -> list[RuleSpec]:
    return [spec for doc in documents().values() for spec in doc.ordered_rules()]


@cache
def parameters() -> ParameterSet:
    """Every document's parameters, named ``<document id>.<name>``, plus shared tables (LPR)."""
    files = [("", p) for p in sorted((HERE / "common" / "parameters").glob("*.yaml"))]
    for doc in documents().values():
        files += [(doc.id, p) for p in doc.parameter_files]
    return ParameterSet.load(files)


@cache
def register() -> Register:
    """Every document's interpretations.yaml, one register (switches are named by document id)."""
    return Register.load(*(doc.folder / "interpretations.yaml" for doc in documents().values()))


def load() -> None:
    """Parse every document, parameter and register now (a worker process does it once, as it starts)."""
    documents()
    parameters()
    register()
