"""Review on SQLite and PostgreSQL: amounts computed by the rulebook against what the party was already
granted (c1's cap and g3 across applications), frozen at the decision, the payment window of g2, and the
refusals: nothing to grant, facts that contradict an earlier grant.

Hand computations (76号 第一条, readings by default: 1-year LPR fixed at the loan start, actual/360):
a loan from 2020-01-01 to 2021-01-01 bears interest on the 366 days of 2020; the 1-year LPR in force on
2020-01-01 is 4.15% (published 2019-12-20). Subsidy = principal × 4.15% × 10% × 366 / 360:
    L1 30,000,000 → 30,000,000 × 0.00415 × 366 / 360 = 126,575.00
    L2 20,000,000 → 20,000,000 × 0.00415 × 366 / 360 =  84,383.333… → 84,383.33
Together 210,958.33, above 第一条's “单户不超过20万元”: the second application is granted the rest,
200,000.00 − 126,575.00 = 73,425.00.
第八条 on one guarantee G1 (government guarantor, fee rate 1%, fee 10,000.00, the enterprise's first):
c8a 20% = 2,000.00, c8c 30% = 3,000.00; 附则3 pays the highest once, so c8c after c8a is granted the
difference 3,000.00 − 2,000.00 = 1,000.00.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from application_samples import (
    GUARANTEE,
    IN_WINDOW,
    PARTIES,
    REVIEWER,
    approve,
    approved,
    create,
    guarantee_facts,
    loan,
    loan_facts,
    register,
    start_review,
    stored,
    submit,
    under_review,
)
from registry_samples import ENTERPRISE, MUJUN_HEADER, write_xlsx

from duixian import rulebook
from duixian.domain import applications, assessment, audit, review
from duixian.domain.registry_import import import_files
from duixian.engine.parameters import ParameterSet
from duixian.errors import InputError
from duixian.storage.db import Database

C1, C8A, C8C = "wzb-2019-76.c1", "wzb-2019-76.c8a", "wzb-2019-76.c8c"


@pytest.fixture
def registered(db: Database, tmp_path: Path) -> Database:
    register(db, tmp_path)
    return db


def _explanation(db: Database, number: str) -> dict[str, object]:
    text = stored(db, number).explanation
    assert text is not None
    loaded: dict[str, object] = json.loads(text)
    return loaded


def test_c1_cap_holds_across_two_applications(registered: Database) -> None:
    db = registered
    first = approved(db, C1, loan_facts(loan("L1", 30_000_000)))
    second = approved(db, C1, loan_facts(loan("L2", 20_000_000)))
    one, two = stored(db, first), stored(db, second)
    assert (one.computed_fen, one.granted_fen) == (12_657_500, 12_657_500)
    assert (two.computed_fen, two.granted_fen) == (8_438_333, 7_342_500)
    explanation = _explanation(db, second)
    assert explanation["combined_with"] == [
        {"application": first, "provision": C1, "granted": {"fen": 12_657_500, "yuan": "126,575.00"}}
    ]
    assert explanation["combined_total"] == {"fen": 20_000_000, "yuan": "200,000.00"}
    lines = {line["subject"]: line for line in explanation["lines"]}  # type: ignore[attr-defined]
    assert lines["loan:L2"]["amount"]["fen"] == 7_342_500 and lines["loan:L2"]["caps_bound"]
    assert f"{first}（{C1}）126,575.00 元" in str(explanation["summary"])
    assert two.rulebook_version == assessment.rulebook_version() and len(two.rulebook_version) == 64
    assert (two.decided_on, two.decided_by, two.state) == (IN_WINDOW, REVIEWER, "approved")
    assert (two.pay_from, two.pay_by) == (None, None)  # 附则2 sets no payment month inside the period


def test_g3_pays_only_the_difference_when_a_higher_clause_follows(registered: Database) -> None:
    db = registered
    # The applicant types itself as large; the registry (small, under 300号) wins, so c8a applies.
    typed_large = [PARTIES[0] | {"size_class": "large", "name": "随便写的名称"}, *PARTIES[1:]]
    first = approved(db, C8A, {"parties": typed_large, "guarantees": [GUARANTEE]})
    second = approved(db, C8C, guarantee_facts())
    assert (stored(db, first).computed_fen, stored(db, first).granted_fen) == (200_000, 200_000)
    assert (stored(db, second).computed_fen, stored(db, second).granted_fen) == (300_000, 100_000)
    explanation = _explanation(db, second)
    lines = {line["rule"]: line for line in explanation["lines"]}  # type: ignore[attr-defined]
    assert lines[C8A]["amount"]["fen"] == 0 and "g3(a)" in lines[C8A]["notes"][0]
    assert lines[C8C]["amount"]["fen"] == 300_000
    assert explanation["already_granted"] == {"fen": 200_000, "yuan": "2,000.00"}
    notes = " ".join(_explanation(db, first)["notes"])  # type: ignore[arg-type]
    assert "登记库优先于申报所填" in notes and ENTERPRISE in notes


def test_a_line_nobody_applied_for_pays_nothing(registered: Database) -> None:
    """A c8a application lists the loan its guarantee secures; that loan does not earn c1 unasked."""
    db = registered
    approved(db, C1, loan_facts(loan("L1", 30_000_000)))
    facts = {
        "parties": PARTIES,
        "loans": [loan("L2", 20_000_000)],
        "guarantees": [GUARANTEE | {"loan": "L2"}],
    }
    number = approved(db, C8A, facts)
    assert stored(db, number).granted_fen == 200_000  # c8a's 2,000.00 only, not c1's 73,425.00 for L2
    lines = {line["subject"]: line for line in _explanation(db, number)["lines"]}  # type: ignore[attr-defined]
    claimed = {c["condition"]: c["met"] for c in lines["loan:L2"]["conditions"]}
    assert claimed[assessment.CLAIMED] is False


def test_the_decision_is_frozen_against_later_changes(
    registered: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = registered
    number = approved(
        db, C1, loan_facts(loan("L1", 15_000_000))
    )  # 15,000,000 × 0.00415 × 366/360 = 63,287.50
    frozen = stored(db, number)
    assert frozen.granted_fen == 6_328_750
    # 第一条's rate doubled (a parameter change) …
    original = rulebook.parameters()
    rate = original["wzb-2019-76.c1.rate"]
    doubled = dataclasses.replace(
        rate, values=tuple(dataclasses.replace(v, value=v.value * 2) for v in rate.values)
    )
    monkeypatch.setattr(
        rulebook, "parameters", lambda: ParameterSet({**original.parameters, rate.name: doubled})
    )
    with db.snapshot() as session:
        now = assessment.assess(session, applications.find(session, number), IN_WINDOW)
    assert now.computed_fen == 12_657_500  # 20% of the LPR: twice 63,287.50
    monkeypatch.undo()
    # … and the enterprise rated 亩均 C for 2020 (a registry change: 附则1 excludes it from every clause)
    report = import_files(
        db,
        [write_xlsx(tmp_path / "mujun.xlsx", [("亩均评价", MUJUN_HEADER, [[ENTERPRISE, 2020, "C"]])])],
        "登记员",
    )
    assert report.ok
    with db.snapshot() as session:
        assert assessment.assess(session, applications.find(session, number), IN_WINDOW).computed_fen == 0
    after = stored(db, number)
    assert (after.computed_fen, after.granted_fen, after.explanation, after.rulebook_version) == (
        frozen.computed_fen,
        frozen.granted_fen,
        frozen.explanation,
        frozen.rulebook_version,
    )


def test_nothing_to_grant_is_refused_with_the_reasons_then_rejected(registered: Database) -> None:
    db = registered
    # lent by the guarantor, not a bank: 第一条 requires 我市银行业金融机构
    number = under_review(db, C1, {"parties": PARTIES, "loans": [loan("L1", 1_000_000) | {"lender": "GOV"}]})
    with pytest.raises(InputError) as caught:
        approve(db, number)
    assert caught.value.field == number
    assert "计算金额为 0，不能审核通过（请改为不予支持）" in caught.value.reason
    assert "wzb-2019-76.c1 loan:L1：不符合 贷款银行为我市银行业金融机构" in caught.value.reason
    assert stored(db, number).state == "under_review" and stored(db, number).explanation is None
    with audit.writing(db) as session:
        review.reject(session, applications.find(session, number), REVIEWER, IN_WINDOW, "贷款人不是银行")
    rejected = stored(db, number)
    assert (rejected.state, rejected.computed_fen, rejected.granted_fen) == ("rejected", 0, None)
    assert _explanation(db, number)["decision"] == {
        "action": "reject",
        "name": "不予支持",
        "by": REVIEWER,
        "on": "2020-09-01",
        "reason": "贷款人不是银行",
    }


def test_a_cap_already_used_up_is_refused(registered: Database) -> None:
    db = registered
    approved(db, C1, loan_facts(loan("L1", 300_000_000)))  # alone above the cap: granted 200,000.00
    number = under_review(db, C1, loan_facts(loan("L2", 1_000_000)))
    with pytest.raises(InputError, match=r"本申请可核定 0\.00 元：无可核定金额"):
        approve(db, number)


def test_an_application_after_october_is_paid_in_january_to_march(registered: Database) -> None:
    db = registered
    number = create(db, C1, loan_facts(loan("L1", 1_000_000)))
    submit(db, number, dt.date(2020, 11, 2), notice="温金融办〔2020〕12号")
    start_review(db, number, dt.date(2020, 11, 3))
    approve(db, number, dt.date(2020, 11, 20))
    application = stored(db, number)
    assert (application.pay_from, application.pay_by) == (dt.date(2021, 1, 1), dt.date(2021, 3, 31))
    timing = _explanation(db, number)["timing"]
    assert timing["rule"] == "wzb-2019-76.g2" and timing["applied_on"] == "2020-11-02"  # type: ignore[index]


def test_facts_contradicting_an_earlier_grant_are_refused_naming_both(registered: Database) -> None:
    db = registered
    first = approved(db, C1, loan_facts(loan("L1", 30_000_000)))
    number = under_review(db, C1, loan_facts(loan("L1", 20_000_000)))  # another loan under the same id
    with pytest.raises(InputError) as caught:
        approve(db, number)
    assert caught.value.field == "facts.loans[0]"
    assert f"与申请 {first} 的 loans[0] 同为 id 'L1' 而内容不同" in caught.value.reason
    renamed = [{"id": "ENT", "uscc": ENTERPRISE}, *PARTIES[1:]]
    loans = [loan("L3", 1_000_000) | {"borrower": "ENT"}]
    other = under_review(db, C1, {"parties": renamed, "loans": loans})
    with pytest.raises(InputError, match=f"主体 {ENTERPRISE} 在申请 {first} 中的 id 为 'E1'，本申请为 'ENT'"):
        approve(db, other)
    # rejecting still works and freezes why it could not be computed
    with audit.writing(db) as session:
        review.reject(session, applications.find(session, number), REVIEWER, IN_WINDOW, "与已核定申请冲突")
    error = _explanation(db, number)["error"]
    assert error["field"] == "facts.loans[0]" and stored(db, number).computed_fen is None  # type: ignore[index]
    with db.snapshot() as session:
        assert audit.verify(session).ok
