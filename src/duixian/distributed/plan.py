"""Which rows go to which task, and which rules each task evaluates (温政办〔2019〕76号).

Two sides, told apart by who a rule pays:

* the ENTERPRISE side — rules whose beneficiary is the enterprise a row belongs to. Every such
  row is keyed by that enterprise (``enterprise_keys``: a loan by its borrower, a bond by its
  issuer …); rows with one key always land in one partition, so each beneficiary's lines, its
  prior awards, its per-beneficiary yearly caps and g3 are all in one task.
* the INSTITUTION side — rules whose beneficiary is a bank, guarantor, issuer, underwriter or
  claimant. They add up rows of many enterprises per institution, and c2/c9 rank every bank
  (``population=True``); they run in ONE task over the institution-side tables, read whole
  (``institution_tables``), plus the rows those name (the claimed loans, the parties, their
  qualifications) and the prior awards of those parties.

The parties that enterprise-side rows name in another role (lenders, guarantors, insurers,
issuers) and every party that is not an enterprise are broadcast to every task.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from duixian.engine.document import Document
from duixian.errors import InputError
from duixian.population.schema import population_schema

ENTERPRISE = "enterprise"
INSTITUTION = "institution"
BROADCAST = "broadcast"


@dataclass(frozen=True)
class Plan:
    document: str
    # table → the column naming the enterprise whose partition the row joins (the beneficiary of
    # every enterprise-side line read off that table)
    enterprise_keys: Mapping[str, str]
    enterprise_rules: frozenset[str]
    institution_tables: frozenset[str]  # read whole by the institution task
    # table → column naming a party: the table's rows of the parties present go along (prior awards)
    follow_party: Mapping[str, str]
    institution_rules: frozenset[str]
    party_table: str = "parties"

    def rules(self, side: str) -> frozenset[str]:
        return self.enterprise_rules if side == ENTERPRISE else self.institution_rules

    def problems(self, document: Document) -> list[str]:
        """What the plan leaves out or places twice (empty when every rule and table has a place)."""
        assert document.case_model is not None
        out: list[str] = []
        formulas = {s.id for s in document.rules.values() if s.formula is not None}
        both = self.enterprise_rules & self.institution_rules
        out += [f"rule {r} on both sides" for r in sorted(both)]
        placed = self.enterprise_rules | self.institution_rules
        out += [f"rule {r} on no side" for r in sorted(formulas - placed)]
        out += [f"rule {r} unknown" for r in sorted(placed - formulas)]
        tables = population_schema(document.case_model).tables
        named = {ref.rsplit(".", 1)[0] for ref in document.references} | set(document.references.values())
        reached = set(self.enterprise_keys) | self.institution_tables | set(self.follow_party) | named
        for name, spec in tables.items():
            if name not in reached and (spec.parent is None or spec.parent not in reached):
                out.append(f"table {name} goes to no task")
        return out


WZB_2019_76 = Plan(
    document="wzb-2019-76",
    enterprise_keys={
        "parties": "id",
        "parties.qualifications": "parent",
        "loans": "borrower",  # c1, c4a, c4b
        "guarantees": "borrower",  # c8a–c8c, c8e
        "insurance_policies": "borrower",  # c8d
        "securitisations": "enterprise",  # c5a
        "bond_issues": "issuer",  # c6b
        "prior_awards": "beneficiary",  # g3 (c)–(e), c1 cap_period
    },
    enterprise_rules=frozenset(
        "wzb-2019-76." + r for r in ["c1", "c4a", "c4b", "c5a", "c6b", "c8a", "c8b", "c8c", "c8d", "c8e"]
    ),
    institution_tables=frozenset(
        {
            "loss_claims",  # c4c, c5c, c7, c10a–c10c: the claimant
            "guarantor_months",  # c3a, c3b, c11: the guarantor
            "bank_assessments",  # c2 (a ranking of every bank)
            "bank_leaders",  # c2
            "deposit_assessments",  # c9 (a ranking of every bank)
            "securitisations",  # c5b: the issuer
            "bond_issues",  # c6a: the lead underwriters
            "bond_issues.lead_underwriters",
        }
    ),
    follow_party={"prior_awards": "beneficiary"},
    institution_rules=frozenset(
        "wzb-2019-76." + r
        for r in ["c2", "c3a", "c3b", "c4c", "c5b", "c5c", "c6a", "c7", "c9", "c10a", "c10b", "c10c", "c11"]
    ),
)

PLANS: dict[str, Plan] = {WZB_2019_76.document: WZB_2019_76}


def plan_for(document: Document) -> Plan:
    if document.id not in PLANS:
        raise InputError(
            "document",
            f"no Spark partition plan for {document.id} (have: {', '.join(PLANS)}); use `duixian batch`",
        )
    plan = PLANS[document.id]
    problems = plan.problems(document)
    if problems:  # a rule or table added to the document without a place here: refuse, do not guess
        raise RuntimeError(f"the Spark plan of {document.id} is out of date: {'; '.join(problems)}")
    return plan
