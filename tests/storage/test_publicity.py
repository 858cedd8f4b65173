"""Publicity on SQLite and PostgreSQL: 130号's 5 days counted by its own rule across the New Year holiday,
the operator's end date where the gazette sets none, objections inside the period only, upheld (back to
review, grant released) or dismissed, and closing after the last day with no objection pending."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from application_samples import (
    REVIEWER,
    approved,
    create,
    loan,
    loan_facts,
    register,
    start_review,
    stored,
    submit,
)
from registry_samples import ENTERPRISE

from duixian.domain import applications, audit, ledger, publicity, review
from duixian.errors import InputError
from duixian.storage.db import Database

D3 = "wswl-2019-130"
OPENED = dt.date(2020, 12, 28)  # a Monday
# 四（二）“公示5日”, by default 5 calendar days not counting the first (民法总则第二百零一条): 12-29, 12-30,
# 12-31, 01-01, 01-02. 2021-01-02 falls in the New Year holiday of 2021-01-01 to 01-03 (国办发明电〔2020〕
# 27号), so the period ends on the day after the holiday (第二百零三条): Monday 2021-01-04.
LAST_DAY = dt.date(2021, 1, 4)


def d3_facts() -> dict[str, Any]:
    """The applicant's one zone, scored 50, investing 2,000,000 (cap 50% = 1,000,000), in a 600,000 fund:
    alone in the case it is allocated the whole fund, 600,000.00."""
    implementer = {
        "id": "E1",
        "uscc": ENTERPRISE,
        "district": "鹿城区",
        "affiliation": "区属",
        "independent_legal_person": True,
        "good_credit": True,
        "sound_accounts": True,
        "penalised": False,
    }
    project = {
        "id": "Z1",
        "implementer": "E1",
        "kind": "zone",
        "mofcom_filed": True,
        "investment_certificate": True,
        "registered_abroad": True,
        "reports_progress": True,
        "acceptance": "合格",
        "score": 50,
        "actual_investment": 2_000_000,
    }
    return {
        "implementers": [implementer],
        "projects": [project],
        "funds": [{"id": "F2020", "amount": 600_000}],
    }


@pytest.fixture
def d3_approved(db: Database, tmp_path: Path) -> tuple[Database, str]:
    register(db, tmp_path)
    on = dt.date(2020, 12, 1)
    number = create(db, f"{D3}.alloc", d3_facts(), on=on)
    submit(db, number, on)
    start_review(db, number, on)
    with audit.writing(db) as session:
        ledger.allocate(session, 2020, 60_000_000, "财政员", on, "2020年度试点资金下达文件")
    with audit.writing(db) as session:
        review.approve(session, applications.find(session, number), REVIEWER, on)
    assert stored(db, number).granted_fen == 60_000_000
    return db, number


def _open(db: Database, numbers: list[str], on: dt.date = OPENED, **options: Any) -> str:
    with audit.writing(db) as session:
        return publicity.open_publicity(
            session, document=options.pop("document", D3), numbers=numbers, actor=REVIEWER, on=on, **options
        ).number


def _act(db: Database, number: str, what: str, on: dt.date, words: str = "理由") -> None:
    action = {"object": publicity.raise_objection, "uphold": publicity.uphold, "dismiss": publicity.dismiss}[
        what
    ]
    actor = "公众丙" if what == "object" else REVIEWER
    with audit.writing(db) as session:
        action(session, applications.find(session, number), actor, on, words)


def _close(db: Database, number: str, on: dt.date) -> None:
    with audit.writing(db) as session:
        publicity.close(session, publicity.find_publicity(session, number), REVIEWER, on)


def _described(db: Database, number: str) -> dict[str, Any]:
    with db.snapshot() as session:
        return publicity.describe(session, publicity.find_publicity(session, number))


def test_d3_publicity_lasts_5_days_across_the_new_year_holiday(d3_approved: tuple[Database, str]) -> None:
    db, number = d3_approved
    with pytest.raises(
        InputError, match=r"wswl-2019-130\.pay 规定了公示期：自 2020-12-28 起公示，截止日为 2021-01-04"
    ):
        _open(db, [number], ends_on=dt.date(2021, 1, 2))
    gs = _open(db, [number])
    assert gs == "GS-2020-0001"
    shown = _described(db, gs)
    assert (shown["starts_on"], shown["ends_on"]) == ("2020-12-28", LAST_DAY.isoformat())
    assert "资金分配结果在市商务局网站上公示5日" in shown["period_basis"]
    assert "wswl-2019-130.pay.first_day = next_day" in shown["period_basis"]
    assert shown["items"][0]["granted"] == {"fen": 60_000_000, "yuan": "600,000.00"}
    assert stored(db, number).state == "publicised"


def test_objection_dismissed_then_closed_after_the_last_day(d3_approved: tuple[Database, str]) -> None:
    db, number = d3_approved
    gs = _open(db, [number])
    with pytest.raises(InputError, match="须说明理由"):
        _act(db, number, "object", LAST_DAY, " ")
    _act(db, number, "object", LAST_DAY, "项目实际投入不实")  # the last day is in the period
    assert stored(db, number).state == "objected"
    with pytest.raises(InputError, match=f"{number} 的异议尚未处理"):
        _close(db, gs, LAST_DAY + dt.timedelta(days=1))
    _act(db, number, "dismiss", LAST_DAY + dt.timedelta(days=1), "经核实投入属实")
    assert stored(db, number).state == "publicised" and stored(db, number).granted_fen == 60_000_000
    with pytest.raises(InputError, match="不能提出异议"):  # the day after the last day
        _act(db, number, "object", LAST_DAY + dt.timedelta(days=1), "又有异议")
    with pytest.raises(InputError, match="公示期至 2021-01-04（含当日），2021-01-04 不能结束公示"):
        _close(db, gs, LAST_DAY)
    _close(db, gs, LAST_DAY + dt.timedelta(days=1))
    shown = _described(db, gs)
    assert shown["closed_on"] == "2021-01-05"
    assert shown["items"][0]["objections"] == [
        {
            "raised_by": "公众丙",
            "raised_on": "2021-01-04",
            "grounds": "项目实际投入不实",
            "outcome": "dismissed",
            "resolution": "经核实投入属实",
        }
    ]
    with pytest.raises(InputError, match="已于 2021-01-05 结束"):
        _close(db, gs, LAST_DAY + dt.timedelta(days=2))
    with pytest.raises(InputError, match="不在任何未结束的公示中"):
        _act(db, number, "object", LAST_DAY, "迟到的异议")


def test_an_upheld_objection_releases_the_grant_for_a_new_decision(d3_approved: tuple[Database, str]) -> None:
    db, number = d3_approved
    gs = _open(db, [number])
    with db.snapshot() as session:
        pool = ledger.pool(session, 2020)
        assert ledger.committed(session, pool) == 60_000_000
    _act(db, number, "object", dt.date(2020, 12, 30), "评审分值有误")
    _act(db, number, "uphold", dt.date(2020, 12, 31), "分值须重评")
    application = stored(db, number)
    assert (application.state, application.granted_fen, application.fund_id) == ("under_review", None, None)
    with db.snapshot() as session:
        assert ledger.committed(session, ledger.pool(session, 2020)) == 0
    _close(db, gs, LAST_DAY + dt.timedelta(days=1))  # nothing pending: the upheld item left the list
    with audit.writing(db) as session:
        review.approve(session, applications.find(session, number), REVIEWER, dt.date(2021, 1, 6))
    assert stored(db, number).granted_fen == 60_000_000
    assert _open(db, [number], on=dt.date(2021, 1, 8)) == "GS-2021-0001"
    history = [e.action for e in stored(db, number).events]
    assert history[-5:] == ["publicise", "object", "uphold", "approve", "publicise"]
    with db.snapshot() as session:
        assert audit.verify(session).ok


def test_a_document_without_a_period_needs_the_operators_end_date(db: Database, tmp_path: Path) -> None:
    register(db, tmp_path)
    number = approved(db, "wzb-2019-76.c1", loan_facts(loan("L1", 1_000_000)))
    with pytest.raises(InputError, match="温政办〔2019〕76号 未规定公示期") as caught:
        _open(db, [number], document="wzb-2019-76", on=dt.date(2020, 9, 10))
    assert caught.value.field == "--ends-on"
    with pytest.raises(InputError, match="早于公示开始日"):
        _open(db, [number], document="wzb-2019-76", on=dt.date(2020, 9, 10), ends_on=dt.date(2020, 9, 9))
    with pytest.raises(InputError, match="不能列入"):
        _open(db, [number], document=D3, on=dt.date(2020, 9, 10), ends_on=dt.date(2020, 9, 16))
    gs = _open(db, [number], document="wzb-2019-76", on=dt.date(2020, 9, 10), ends_on=dt.date(2020, 9, 16))
    shown = _described(db, gs)
    assert (
        shown["period_basis"]
        == f"温政办〔2019〕76号 未规定公示期；公示期 2020-09-10 至 2020-09-16 由 {REVIEWER} 指定"
    )
    with pytest.raises(InputError, match="公示期为 2020-09-10 至 2020-09-16，2020-09-09 不能提出异议"):
        _act(db, number, "object", dt.date(2020, 9, 9), "异议")
