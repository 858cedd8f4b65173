"""76号's rules read each fact once and give what the plain computations give: the borrowers' size words
and 小微企业 flags from one pass (whether parties are classified from their figures or not), c8's
guarantee facts and words shared by c8a–c8e, g1's checks gathered once per set of named parties, and
the share words taken from two texts."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from duixian.engine.rules import Context, Lines
from duixian.engine.tables import gather
from duixian.rulebook.wzb_2019_76.document import DOC
from duixian.rulebook.wzb_2019_76.rules import _parties, g1
from duixian.rulebook.wzb_2019_76.rules.g4 import (
    FORM_NAMES,
    SECTOR_NAMES,
    SIZE_NAMES,
    UNCLASSIFIED,
    size_classes,
    sizes_at,
)
from test_rules76_fast_paths import _context

P = "wzb-2019-76."


def _case(seed: int, classified: bool) -> dict[str, Any]:
    """Parties of every size and form; with ``classified``, some have no size_class but a sector and
    its figures (classified under 300号), otherwise every size is the registry's or none."""
    rng = random.Random(seed)
    parties: list[dict[str, Any]] = [
        {"id": "G1", "kind": "guarantor", "government_guarantor": True},
        {"id": "G2", "kind": "guarantor"},
        {"id": "B1", "kind": "bank"},
    ]
    for i in range(80):
        party: dict[str, Any] = {
            "id": f"E{i}",
            "legal_form": rng.choice(
                ("company", "company", "individual_business", "small_micro_owner", "other")
            ),
            "size_class": rng.choice((None, "micro", "small", "medium", "large")),
        }
        if classified and party["size_class"] is None and rng.random() < 0.7:
            party["industry"] = rng.choice(("industry", "retail"))
            party["employees"] = rng.randrange(1, 1200)
            party["revenue"] = str(rng.randrange(0, 10**9))
        parties.append(party)
    guarantees = [
        {
            "id": f"GT{i}",
            "borrower": f"E{rng.randrange(80)}",
            "guarantor": rng.choice(("G1", "G2", "B1")),
            "fee_rate": rng.choice(("0.8", "1", "1.2", "1.5", "1.8", "2", "2.5")),
            "fee_paid": f"{rng.randrange(1, 10**6)}.00",
            "paid_on": "2019-06-01",
            "first_guarantee": rng.random() < 0.3,
            "cdm_fund": rng.random() < 0.2,
        }
        for i in range(150)
    ]
    insurance = [
        {
            "id": f"IP{i}",
            "borrower": f"E{rng.randrange(80)}",
            "insurer": "G2",
            "premium_rate": rng.choice(("1", "2", "2.5")),
            "premium_paid": f"{rng.randrange(1, 10**5)}.00",
            "paid_on": "2019-06-01",
            "first_time": rng.random() < 0.5,
        }
        for i in range(40)
    ]
    return {"parties": parties, "guarantees": guarantees, "insurance_policies": insurance}


def _plain_label(ctx: Context, row: int) -> str:
    """附则4's words for one party, written out case by case."""
    p = ctx.table("parties")
    form, size, registered = p["legal_form"][row], size_classes(ctx)[row], p["size_class"][row]
    if form in FORM_NAMES:
        return f"{FORM_NAMES[form]}（附则4：属小微企业）"
    if size not in SIZE_NAMES:
        return UNCLASSIFIED
    if registered != "":
        return f"{SIZE_NAMES[size]}企业（登记的划型结果）"
    sector = p["industry"][row]
    return (
        f"{SIZE_NAMES[size]}企业（按工信部联企业〔2011〕300号第四条划型：{SECTOR_NAMES.get(sector, sector)}）"
    )


@pytest.mark.parametrize("classified", [True, False])
@pytest.mark.parametrize("size_basis", ["registry_then_figures", "registry_only"])
def test_size_words_and_small_micro_from_one_pass_equal_the_plain_ones(
    classified: bool, size_basis: str
) -> None:
    ctx = _context(_case(1, classified), {P + "g4.size_class": size_basis})
    p = ctx.table("parties")
    computed = size_classes(ctx) is not np.asarray(p["size_class"], dtype=object)
    # Both branches of the words' "recorded" test occur: classes computed from figures, or not.
    assert computed == (classified and size_basis != "registry_only")
    ids = np.concatenate([p["id"], np.asarray(["nobody"], dtype=object), p["id"][::-1]])
    rows = _parties.rows(ctx, ids)
    labels, small = sizes_at(ctx, rows)
    plain = [_plain_label(ctx, r) if r >= 0 else "" for r in rows.tolist()]
    assert labels.tolist() == plain
    assert small.tolist() == _parties.small_micro(ctx, ids).tolist()
    assert small.any() and not small.all()
    if computed:
        assert any("第四条划型" in label for label in plain)


def _rule_lines(ctx: Context, rule: str) -> Lines:
    ctx.start_rule()
    return ctx.stamp(DOC.rules[P + rule].formula(ctx))  # type: ignore[misc]


@pytest.mark.parametrize("classified", [True, False])
def test_c8_facts_asked_once_equal_the_plain_lookups(classified: bool) -> None:
    ctx = _context(_case(2, classified), {P + "c8c.rate_conditions": "conditions_apply"})
    g = ctx.table("guarantees")
    every = {rule: _rule_lines(ctx, rule) for rule in ("c8a", "c8b", "c8c", "c8d", "c8e")}
    government = _parties.column(ctx, "government_guarantor", g["guarantor"])
    guarantor = _parties.is_kind(ctx, g["guarantor"], "guarantor")
    small = _parties.small_micro(ctx, g["borrower"])
    assert every["c8a"].conditions["借款人为小微企业"].tolist() == small.tolist()
    assert every["c8b"].conditions["借款人为小微企业"].tolist() == small.tolist()
    assert every["c8c"].conditions["借款人为小微企业"].tolist() == small.tolist()
    assert (
        every["c8a"].conditions["担保机构为政府性融资担保机构"].tolist() == (government & guarantor).tolist()
    )
    assert (
        every["c8b"].conditions["担保机构为非政府性融资担保机构"].tolist()
        == (~government & guarantor).tolist()
    )
    words = [_plain_label(ctx, r) for r in _parties.rows(ctx, g["borrower"]).tolist()]
    for rule in ("c8a", "c8b", "c8c", "c8e"):
        assert every[rule].steps["borrower_size"].values.tolist() == words
    # Every rule still records what the shared facts were computed from, as if it had asked itself.
    fresh = _context(_case(2, classified), {P + "c8c.rate_conditions": "conditions_apply"})
    for rule in ("c8b", "c8e", "c8a"):  # c8a after the others: the facts are then computed already
        alone = _rule_lines(fresh, rule)
        assert alone.readings == every[rule].readings and alone.parameters == every[rule].parameters
    low = every["c8a"].steps["fee_rate"].values <= 1_000_000  # 1% scaled by 10^8
    shares = np.where(low, "20%（费率不超过1%）", "15%（费率不超过1.5%）").tolist()
    assert every["c8a"].steps["share"].values.tolist() == shares and low.any() and not low.all()
    first = ctx.table("insurance_policies")["first_time"]
    assert every["c8d"].steps["share"].values.tolist() == np.where(first, "30%", "15%").tolist()


def test_g1_checks_gathered_once_per_set_of_named_parties() -> None:
    ctx = _context(_case(3, True))
    a = _rule_lines(ctx, "c8a")
    c = _rule_lines(ctx, "c8c")
    d = _rule_lines(ctx, "c8d")  # the insured borrowers: other parties, other rows
    per_party = g1._per_party(ctx)
    for ln in (a, c, d):
        checks = g1.scope(ctx, ln, DOC.rules[ln.rule_id])
        rows = _parties.rows(ctx, ln.beneficiary)
        assert set(checks) == set(per_party)
        for label, passed in per_party.items():
            assert checks[label].tolist() == gather(passed, rows, False).tolist()
    shared = g1.scope(ctx, a, DOC.rules[a.rule_id])
    again = g1.scope(ctx, c, DOC.rules[c.rule_id])
    assert all(shared[label] is again[label] for label in shared)  # one gather for both rules
    other = g1.scope(ctx, d, DOC.rules[d.rule_id])
    assert all(len(other[label]) == len(d) for label in other)
