"""A gazette document as the engine sees it: its rules, parameters, validity and final passes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duixian.engine.case import CaseBase
from duixian.engine.rules import Context, Formula, Lines, RuleKind, RuleSpec
from duixian.engine.tables import BoolArray

# Conditions every cash rule of the document adds for its lines' beneficiaries and counterparties (76号 g1).
ScopeCheck = Callable[[Context, Lines, RuleSpec], dict[str, BoolArray]]
# Passes over all lines of a case once every rule has run (e.g. 76号 g3, caps across lines).
Finaliser = Callable[[Context, list[Lines]], None]
# The document's timing provision for one case (e.g. 76号 g2: the payment window of its application).
Timing = Callable[[Context], dict[str, Any] | None]


@dataclass
class Document:
    id: str
    number: str
    title: str
    applies_from: dt.date
    applies_to: dt.date
    folder: Path
    rules: dict[str, RuleSpec] = field(default_factory=dict)
    case_model: type[CaseBase] | None = None
    # Id columns that must name a row of another table: "loans.borrower" → "parties".
    references: dict[str, str] = field(default_factory=dict)
    # Date columns whose rows must fall inside the year concerned.
    dated_in_year: tuple[str, ...] = ()
    scope: ScopeCheck | None = None
    finalisers: list[Finaliser] = field(default_factory=list)
    timing: Timing | None = None
    # The last year a case may concern when obligations outlive the document (an instalment due after
    # it expires, the third year of a three-year subsidy); default: the year it expires.
    last_year: int | None = None

    @property
    def open_ended(self) -> bool:
        """No end date (a notice in force until replaced): applies_to is set to the far future."""
        return self.applies_to.year >= 9999

    @property
    def years(self) -> tuple[int, int]:
        """The first and last year a case of this document may concern."""
        return self.applies_from.year, self.last_year or self.applies_to.year

    def period_text(self) -> str:
        end = "无截止日期" if self.open_ended else str(self.applies_to)
        return f"{self.applies_from} – {end}"

    @property
    def parameter_files(self) -> list[Path]:
        return sorted((self.folder / "parameters").glob("*.yaml"))

    @property
    def test_files(self) -> list[Path]:
        return sorted((self.folder / "tests").glob("*.yaml"))

    def rule(
        self,
        id: str,
        *,
        title: str,
        clause: str,
        quote: str,
        kind: RuleKind = "cash",
        aggregate_cap: str | None = None,
        population: bool = False,
        verdict: tuple[str, str] = ("符合", "不符合"),
        lines_from: str | None = None,
    ) -> Callable[[Formula], Formula]:
        """Register the decorated function as the formula of rule ``<document>.<id>``."""

        def register(formula: Formula) -> Formula:
            self.add(
                RuleSpec(
                    f"{self.id}.{id}",
                    title,
                    clause,
                    quote,
                    kind,
                    formula,
                    aggregate_cap,
                    population,
                    verdict,
                    lines_from,
                )
            )
            return formula

        return register

    def add(self, spec: RuleSpec) -> None:
        if spec.id in self.rules:
            raise ValueError(f"rule {spec.id} registered twice")
        self.rules[spec.id] = spec

    def ordered_rules(self) -> list[RuleSpec]:
        """Rules in the order of the document: general provisions (g…) first, then clauses by number;
        rules named without a number (zone, high, ban) keep the order they were registered in."""
        registered = {spec_id: i for i, spec_id in enumerate(self.rules)}

        def key(spec: RuleSpec) -> tuple[int, float, str, int]:
            local = spec.id.rsplit(".", 1)[1]
            digits = re.search(r"\d+", local)
            number = int(digits.group()) if digits else float("inf")
            return (0 if local.startswith("g") else 1, number, local if digits else "", registered[spec.id])

        return sorted(self.rules.values(), key=key)

    def finaliser(self, fn: Finaliser) -> Finaliser:
        self.finalisers.append(fn)
        return fn
