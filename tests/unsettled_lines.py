"""A population's lines as evaluated before 76号's g3 settles them (tests of g3's fast paths settle
copies of them one way and another, and compare)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from duixian import rulebook
from duixian.engine.evaluate import Result, evaluate
from duixian.population import open_population


def unsettled(path: Path) -> Result:
    """Every rule of the population's document evaluated, no final pass run (``result.context`` is the
    context g3 settles in)."""
    pop = open_population(path)
    return evaluate(
        dataclasses.replace(pop.document, finalisers=[]),
        pop.tables,
        pop.year,
        rulebook.parameters(),
        pop.readings,
        extras={"case": pop.case},
    )
