"""The rulebook: one package per gazette document, each with parameters/, rules/ and tests/.

Rules know nothing of storage or the web; the engine evaluates them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from duixian.engine.document import Document
from duixian.engine.parameters import ParameterSet
from duixian.engine.readings import Register
from duixian.engine.rules import RuleSpec

HERE = Path(__file__).parent
INTERPRETATIONS = HERE / "interpretations.yaml"


@cache
def documents() -> dict[str, Document]:
    from duixian.rulebook.wzb_2019_76 import DOC as wzb_2019_76

    return {d.id: d for d in (wzb_2019_76,)}


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
    return Register.load(INTERPRETATIONS)
