"""Which rows go to which task, and which rules each task evaluates (one ``Plan`` per document).

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

A population rule on the enterprise side (71号 a5: 30 IPs a year out of every IP put forward) ranks
the rows of one table (``ranked_tables``) among themselves, and its lines meet the same enterprise's
other lines (71号 附则3 caps a3 + a5 + a6 together). So every enterprise those rows name is POOLED:
keyed to one task with all its rows, where the ranking sees every row and each pooled enterprise's caps
see all its lines; the other enterprises are cut as usual. The pool holds the ranked rows' enterprises
only (at 10^6 synthetic 71号 enterprises, ~7 000), not the population.
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
    # enterprise-side tables a population rule ranks: the enterprises their rows name are pooled in ONE
    # task (see the module docstring); each table's enterprise column is its ``enterprise_keys`` entry
    ranked_tables: frozenset[str] = frozenset()

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
        out += [
            f"ranked table {t} has no enterprise key"
            for t in sorted(self.ranked_tables - set(self.enterprise_keys))
        ]
        for rule in document.rules.values():  # a ranking must see every row it ranks, in one task
            if not rule.population or rule.id not in placed:
                continue
            whole = self.institution_tables if rule.id in self.institution_rules else self.ranked_tables
            if rule.lines_from not in whole:
                out.append(
                    f"population rule {rule.id} ranks {rule.lines_from}, which no one task reads whole"
                )
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

# 温浙集（开）管〔2019〕71号: every rule pays the enterprise whose rows it reads (no institution side);
# every per-enterprise figure and cap — 第二条's grade, the yearly caps of 第三条/第六条, 附则1's projects,
# 附则3's limit over a3 + a5 + a6 — works over one enterprise's rows and lines.
WZJK_2019_71 = Plan(
    document="wzjk-2019-71",
    enterprise_keys={
        "enterprises": "id",  # a1 scope, a2 grade: the enterprise's own row
        "enterprises.annual": "parent",  # a2 (the revenue that grades), 附则3 (the local contribution)
        "broadband_costs": "enterprise",  # a3: 50% of the bills, within the enterprise's yearly cap
        "fund_financings": "enterprise",  # a4: within 5000万 per financing or per enterprise (reading)
        "ip_works": "enterprise",  # a5 (pooled: ranked_tables)
        "dev_projects": "enterprise",  # a6: within the enterprise's yearly total cap
        "competitions": "enterprise",  # a7: per event, instalments over the years
        "other_zone_awards": "enterprise",  # 附则1: by the enterprise's own projects (a9 settles)
    },
    # a9 (附则1, 附则3) is the document's final pass, run by every task over its lines: per project and
    # per enterprise, so exact where every line of an enterprise is in one task.
    enterprise_rules=frozenset("wzjk-2019-71." + r for r in ["a1", "a2", "a3", "a4", "a5", "a6", "a7"]),
    institution_tables=frozenset(),
    follow_party={},
    institution_rules=frozenset(),
    party_table="enterprises",
    # a5 awards 30 IPs a year out of every IP put forward (population=True), and 附则3 counts its awards in
    # the enterprise's limit with a3 and a6: every enterprise with an IP is pooled in one task.
    ranked_tables=frozenset({"ip_works"}),
)

PLANS: dict[str, Plan] = {plan.document: plan for plan in (WZB_2019_76, WZJK_2019_71)}


def plan_for(document: Document) -> Plan:
    if document.id not in PLANS:
        raise InputError(
            "document",
            f"{document.id} 没有 Spark 分区方案（已有：{'、'.join(PLANS)}）；请改用 `duixian batch`",
        )
    plan = PLANS[document.id]
    problems = plan.problems(document)
    if problems:  # a rule or table added to the document without a place here: refuse, do not guess
        raise RuntimeError(f"the Spark plan of {document.id} is out of date: {'; '.join(problems)}")
    return plan
