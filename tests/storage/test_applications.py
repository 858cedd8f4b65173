"""Applications on SQLite and PostgreSQL: drafts for registered parties, facts checked field by field,
attachments by hash, the 76号 g2 window on both sides of October 31, every illegal transition refused
with its reason, return → amend → resubmit; a refusal stores nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import get_args

import pytest
from application_samples import (
    APPLICANT,
    IN_WINDOW,
    PARTIES,
    REVIEWER,
    counts,
    create,
    loan,
    loan_facts,
    register,
    start_review,
    stored,
    submit,
)
from registry_samples import ENTERPRISE
from sqlalchemy import select
from sqlalchemy.orm import Session

from duixian.domain import applications, audit, publicity, review, workflow
from duixian.engine.identifiers import with_check_character
from duixian.errors import InputError, InputErrors
from duixian.storage.db import Database
from duixian.storage.models import AuditEntry
from duixian.storage.redemption import Application, Debarment

C1 = "wzb-2019-76.c1"


@pytest.fixture
def registered(db: Database, tmp_path: Path) -> Database:
    register(db, tmp_path)
    return db


def _errors(exc: InputError | InputErrors) -> dict[str, str]:
    found = exc.errors if isinstance(exc, InputErrors) else [exc]
    return {e.field: e.reason for e in found}


def test_a_draft_is_numbered_by_its_creation_year_and_recorded(registered: Database) -> None:
    db = registered
    first = create(db, C1, loan_facts(loan("L1", 1_000_000)))
    second = create(db, C1, loan_facts(loan("L2", 2_000_000)))
    # created on a business date in 2021 for the year concerned 2020: numbered by the creation date
    third = create(db, C1, loan_facts(loan("L3", 3_000_000)), on=dt.date(2021, 1, 5))
    assert (first, second, third) == ("SQ-2020-000001", "SQ-2020-000002", "SQ-2021-000001")
    application = stored(db, first)
    assert (application.state, application.document, application.year) == ("draft", "wzb-2019-76", 2020)
    assert application.facts_sha256 == hashlib.sha256(application.facts.encode("utf-8")).hexdigest()
    assert json.loads(application.facts)["loans"][0]["principal"] == 1_000_000
    assert [(e.action, e.to_state, e.actor) for e in application.events] == [("create", "draft", APPLICANT)]
    with db.snapshot() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == first)).one()
        assert entry.action == "application.create" and audit.verify(session).ok
        assert json.loads(entry.payload)["facts_sha256"] == application.facts_sha256


@pytest.mark.parametrize(
    ("facts", "field", "words"),
    [
        (loan_facts(loan("L1", -5)), "facts.loans[0].principal", "应不小于 0"),
        (loan_facts(loan("L1", 100) | {"colour": "red"}), "facts.loans[0].colour", "没有这个字段"),
        (loan_facts(loan("L1", 100) | {"lender": "NOBODY"}), "facts.loans[0].lender", "NOBODY"),
        (loan_facts(loan("L1", 100)) | {"year": 2021}, "facts.year", "2020"),
        (loan_facts(loan("L1", 100)) | {"document": "wzjk-2019-71"}, "facts.document", "wzb-2019-76"),
        ({"parties": PARTIES[1:], "loans": []}, "facts.parties", ENTERPRISE),
        ({"parties": [*PARTIES, {"id": "E2", "uscc": ENTERPRISE}]}, "facts.parties[3].uscc", "parties[0]"),
        ([1, 2], "facts", "字段映射"),
    ],
)
def test_bad_facts_name_the_field_and_store_nothing(
    registered: Database, facts: object, field: str, words: str
) -> None:
    before = counts(registered)
    with pytest.raises((InputError, InputErrors)) as caught, audit.writing(registered) as session:
        applications.create(
            session, uscc=ENTERPRISE, provision=C1, year=2020, facts=facts, actor=APPLICANT, on=IN_WINDOW
        )
    errors = _errors(caught.value)
    assert field in errors and words in errors[field], errors
    assert counts(registered) == before


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"provision": "wzb-2019-76.c99"}, "--provision", "没有条款"),
        ({"provision": "wzb-2019-76.g2"}, "--provision", "不是现金奖补条款"),
        ({"uscc": with_check_character("91330302MA2A99999")}, "--uscc", "主体登记库中没有"),
        ({"uscc": "91330302MA2A0000"}, "--uscc", "应为18位"),
        ({"year": 2022}, "--year", "2019–2021"),
        ({"actor": " "}, "--actor", "操作人"),
    ],
)
def test_create_refusals_name_the_option(
    registered: Database, changes: dict[str, object], field: str, words: str
) -> None:
    arguments: dict[str, object] = {
        "uscc": ENTERPRISE,
        "provision": C1,
        "year": 2020,
        "facts": loan_facts(loan("L1", 100)),
        "actor": APPLICANT,
        "on": IN_WINDOW,
    } | changes
    before = counts(registered)
    with pytest.raises(InputError) as caught, audit.writing(registered) as session:
        applications.create(session, **arguments)  # type: ignore[arg-type]
    assert caught.value.field == field and words in caught.value.reason
    assert counts(registered) == before


def test_a_debarred_party_cannot_apply_from_the_year_of_its_bar(registered: Database) -> None:
    draft = create(registered, C1, loan_facts(loan("L1", 1_000_000)))
    with audit.writing(registered) as session:
        party = applications.find_party(session, ENTERPRISE)
        session.add(
            Debarment(party_id=party.id, document="wzb-2019-76", from_year=2020, basis="测试：取消申报资格")
        )
    with pytest.raises(InputError, match="自 2020 年度起被取消") as caught:
        create(registered, C1, loan_facts(loan("L2", 1_000_000)))
    assert caught.value.field == "--uscc"
    with pytest.raises(InputError, match="取消"):  # a draft made before the bar cannot be submitted either
        submit(registered, draft)
    # a bar from 2021 on leaves 2020 open
    with audit.writing(registered) as session:
        bar = session.scalars(select(Debarment)).one()
        bar.from_year = 2021
    submit(registered, draft)
    assert stored(registered, draft).state == "submitted"


def test_readings_are_not_the_applicants_to_choose(registered: Database) -> None:
    facts = loan_facts(loan("L1", 1_000_000)) | {"readings": {"wzb-2019-76.c1.day_count": "actual_365"}}
    number = create(registered, C1, facts)
    application = stored(registered, number)
    assert "readings" not in json.loads(application.facts)
    with registered.snapshot() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == number)).one()
    assert json.loads(entry.payload)["readings_dropped"] == ["wzb-2019-76.c1.day_count"]


def test_attachments_are_stored_with_their_hash_and_never_twice(registered: Database) -> None:
    db = registered
    number = create(db, C1, loan_facts(loan("L1", 1_000_000)))
    contract = "借款合同 L1".encode()
    with audit.writing(db) as session:
        application = applications.find(session, number)
        applications.attach(
            session, application, applications.NewAttachment("合同.pdf", contract), APPLICANT, IN_WINDOW
        )
    with pytest.raises(InputError, match="内容相同") as caught, audit.writing(db) as session:
        application = applications.find(session, number)
        copy = applications.NewAttachment("合同-副本.pdf", contract)
        applications.attach(session, application, copy, APPLICANT, IN_WINDOW)
    assert caught.value.field == "attachment"
    with pytest.raises(InputError, match="空文件"), audit.writing(db) as session:
        application = applications.find(session, number)
        applications.attach(
            session, application, applications.NewAttachment("空.txt", b""), APPLICANT, IN_WINDOW
        )
    application = stored(db, number)
    assert [(a.filename, a.sha256, a.size, a.media_type) for a in application.attachments] == [
        ("合同.pdf", hashlib.sha256(contract).hexdigest(), len(contract), "application/pdf")
    ]
    assert application.attachments[0].content == contract
    submit(db, number)
    refused = pytest.raises(workflow.TransitionRefused, match="当前状态为“已提交”，不能添加附件")
    with refused, audit.writing(db) as session:
        application = applications.find(session, number)
        applications.attach(
            session, application, applications.NewAttachment("b.txt", b"b"), APPLICANT, IN_WINDOW
        )
    assert len(stored(db, number).attachments) == 1


@pytest.mark.parametrize(
    ("on", "accepted"),
    [
        (dt.date(2020, 10, 31), True),  # the last day of the January–October application period
        (dt.date(2020, 11, 1), False),  # the first day after it
        (dt.date(2021, 1, 4), True),  # the next year's period: a 2020 award object may apply in 2021
    ],
)
def test_the_g2_application_window(registered: Database, on: dt.date, accepted: bool) -> None:
    number = create(registered, C1, loan_facts(loan("L1", 1_000_000)), on=dt.date(2020, 10, 1))
    if accepted:
        submit(registered, number, on)
        assert (stored(registered, number).state, stored(registered, number).submitted_on) == (
            "submitted",
            on,
        )
        return
    before = counts(registered)
    with pytest.raises(InputError) as caught:
        submit(registered, number, on)
    assert caught.value.field == "--on"
    assert caught.value.reason.startswith("wzb-2019-76.g2：2020-11-01 不在申报期内")
    assert "每年度申报期为1－10月份" in caught.value.reason and "--notice" in caught.value.reason
    assert counts(registered) == before and stored(registered, number).state == "draft"


def test_a_department_notice_admits_a_late_application(registered: Database) -> None:
    number = create(registered, C1, loan_facts(loan("L1", 1_000_000)))
    submit(registered, number, dt.date(2020, 11, 1), notice="温金融办〔2020〕12号")
    application = stored(registered, number)
    assert (
        application.state == "submitted"
        and application.events[-1].reason == "职能部门通知：温金融办〔2020〕12号"
    )


def test_submission_outside_the_period_in_force_names_g2(registered: Database) -> None:
    # 附则5: in force from 2020-02-01; 附则1 reaches back to 2019 award objects, applied for from then on
    number = create(registered, C1, loan_facts(loan("L1", 1_000_000, "2019-03-01", "2020-03-01")), year=2019)
    with pytest.raises(InputError, match=r"^--on: wzb-2019-76\.g2：2020-01-31 不在受理期内"):
        submit(registered, number, dt.date(2020, 1, 31))
    submit(registered, number, dt.date(2020, 2, 1))
    assert stored(registered, number).state == "submitted"


def test_return_amend_and_resubmit(registered: Database) -> None:
    db = registered
    number = create(db, C1, loan_facts(loan("L1", 1_000_000)))
    submit(db, number)
    start_review(db, number)
    with pytest.raises(InputError, match="须说明理由"), audit.writing(db) as session:
        review.return_for_correction(session, applications.find(session, number), REVIEWER, IN_WINDOW, " ")
    with audit.writing(db) as session:
        review.return_for_correction(
            session, applications.find(session, number), REVIEWER, IN_WINDOW, "缺借款合同"
        )
    before = stored(db, number).facts_sha256
    with pytest.raises(InputErrors) as caught, audit.writing(db) as session:
        bad = loan_facts(loan("L1", 1_000_000, start="2020-13-01"))
        applications.amend(session, applications.find(session, number), bad, APPLICANT, IN_WINDOW)
    assert "facts.loans[0].start_date" in _errors(caught.value)
    assert stored(db, number).facts_sha256 == before
    with audit.writing(db) as session:
        application = applications.find(session, number)
        applications.amend(session, application, loan_facts(loan("L1", 2_000_000)), APPLICANT, IN_WINDOW)
        applications.attach(
            session, application, applications.NewAttachment("合同.pdf", b"%PDF"), APPLICANT, IN_WINDOW
        )
    submit(db, number, dt.date(2020, 9, 20))
    application = stored(db, number)
    assert (
        application.facts_sha256 != before
        and json.loads(application.facts)["loans"][0]["principal"] == 2_000_000
    )
    assert application.submitted_on == dt.date(2020, 9, 20)
    assert [e.action for e in application.events] == ["create", "submit", "start_review", "return", "submit"]
    assert application.events[3].reason == "缺借款合同"


def test_withdraw_a_draft(registered: Database) -> None:
    number = create(registered, C1, loan_facts(loan("L1", 1_000_000)))
    with audit.writing(registered) as session:
        applications.withdraw(session, applications.find(session, number), APPLICANT, IN_WINDOW, "不再申请")
    assert stored(registered, number).state == "withdrawn"


# Every action of this issue, as the domain offers it.
Act = Callable[[Session, Application], object]
ACTS: dict[str, Act] = {
    "submit": lambda s, a: applications.submit(s, a, APPLICANT, IN_WINDOW),
    "start_review": lambda s, a: review.start_review(s, a, REVIEWER, IN_WINDOW),
    "return": lambda s, a: review.return_for_correction(s, a, REVIEWER, IN_WINDOW, "补正"),
    "approve": lambda s, a: review.approve(s, a, REVIEWER, IN_WINDOW),
    "reject": lambda s, a: review.reject(s, a, REVIEWER, IN_WINDOW, "不符合"),
    "publicise": lambda s, a: publicity.open_publicity(
        s, document=a.document, numbers=[a.number], actor=REVIEWER, on=IN_WINDOW, ends_on=IN_WINDOW
    ),
    "object": lambda s, a: publicity.raise_objection(s, a, "公众", IN_WINDOW, "有异议"),
    "uphold": lambda s, a: publicity.uphold(s, a, REVIEWER, IN_WINDOW, "成立"),
    "dismiss": lambda s, a: publicity.dismiss(s, a, REVIEWER, IN_WINDOW, "不成立"),
    "withdraw": lambda s, a: applications.withdraw(s, a, APPLICANT, IN_WINDOW),
}
EDITS: dict[str, Act] = {
    "修改事实": lambda s, a: applications.amend(s, a, loan_facts(loan("L9", 1)), APPLICANT, IN_WINDOW),
    "添加附件": lambda s, a: applications.attach(
        s, a, applications.NewAttachment("x.txt", b"x"), APPLICANT, IN_WINDOW
    ),
}


def test_every_illegal_transition_is_refused_with_its_reason(registered: Database) -> None:
    db = registered
    number = create(db, C1, loan_facts(loan("L1", 1_000_000)))
    refused = 0
    cases: list[tuple[str, frozenset[str], Act]] = [
        (workflow.ACTION_NAMES[action], frozenset(workflow.TRANSITIONS[action][0]), act)  # type: ignore[index]
        for action, act in ACTS.items()
    ]
    cases += [(words, frozenset(applications.EDITABLE), act) for words, act in EDITS.items()]
    for words, sources, act in cases:
        for state in get_args(workflow.State):
            if state in sources:
                continue
            with audit.writing(db) as session:
                applications.find(session, number).state = state  # put it there (test set-up only)
            before = counts(db)
            with pytest.raises(workflow.TransitionRefused) as caught, audit.writing(db) as session:
                act(session, applications.find(session, number))
            reason = caught.value.reason
            assert f"当前状态为“{workflow.STATE_NAMES[state]}”，不能{words}" in reason, reason
            assert caught.value.field == number
            assert counts(db) == before and stored(db, number).state == state
            refused += 1
    # 10 actions and 2 edits over 12 states, less the states each may be taken from
    assert refused == 12 * 12 - sum(len(workflow.TRANSITIONS[a][0]) for a in ACTS) - 2 * 2  # type: ignore[index]
