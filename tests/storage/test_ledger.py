"""The ledger on SQLite and PostgreSQL: limited funds never grant or pay past their balance, the balance
is the sum of the entries, yearly pools carry over, and the a5 quota of 30 IPs a year holds."""

from __future__ import annotations

import datetime as dt

import ledger_samples as s
import pytest
from sqlalchemy import func, select

from duixian import rulebook
from duixian.domain import audit, ledger, payments
from duixian.engine.parameters import ParameterSet, Source
from duixian.errors import InputError
from duixian.storage.db import Database
from duixian.storage.redemption import FundEntry

C10 = "wzb-2019-76.c10a"


def _small_c10() -> ParameterSet:
    """76号's parameters with a 1,000-yuan fund instead of the gazette's 5亿 (a test allocation)."""
    source = Source("测试", "—", "测试用小额风险补偿基金")
    return rulebook.parameters().with_overrides({ledger.C10_TOTAL: 1000}, dt.date(2019, 1, 1), source)


@pytest.fixture
def parties(db: Database) -> Database:
    s.add_party(db, s.CITY_USCC, "鹿城区")
    s.add_party(db, s.RUIAN_USCC, "瑞安市")
    s.add_party(db, s.BANK_USCC, "鹿城区", "某银行温州分行")
    return db


def test_c10_fund_is_created_with_the_gazette_allocation(parties: Database) -> None:
    with audit.writing(parties) as session:
        application = s.submitted(session, s.BANK_USCC, C10)
        limit = s.approve(session, application, 240_000_000)  # 2,400,000 yuan, c10a's single cap
    assert limit.fund.code == ledger.C10_FUND and limit.fund.kind == "limited"
    assert limit.granted_fen == 240_000_000
    with parties.snapshot() as session:
        fund = ledger.find_fund(session, ledger.C10_FUND)
        lines = ledger.statement(session, fund)
        pos = ledger.position(session, fund)
    # 市财政建立5亿元风险补偿基金: 500,000,000 yuan = 50,000,000,000 fen, entered once, citing the clause
    assert [(ln.kind, ln.amount_fen, ln.running_fen) for ln in lines] == [
        ("allocation", 50_000_000_000, 50_000_000_000)
    ]
    assert "5亿元风险补偿基金" in fund.basis and "第十条" in fund.basis
    assert (pos.balance_fen, pos.committed_fen, pos.available_fen) == (
        50_000_000_000,
        240_000_000,
        49_760_000_000,
    )


def test_a_limited_fund_never_grants_or_pays_past_its_balance(parties: Database) -> None:
    small = _small_c10()  # 1,000 yuan = 100,000 fen
    with audit.writing(parties) as session:
        first = s.submitted(session, s.BANK_USCC, C10)
        assert s.approve(session, first, 60_000, parameters=small).granted_fen == 60_000
        second = s.submitted(session, s.BANK_USCC, C10)
        cut = s.approve(session, second, 60_000, parameters=small)
        numbers = [first.number, second.number]
    # 100,000 − 60,000 committed = 40,000 left: the second claim of 60,000 is cut to 40,000
    assert cut.granted_fen == 40_000
    assert any("可用余额不足" in note and "400.00" in note for note in cut.notes)
    with audit.writing(parties) as session:
        third = s.submitted(session, s.BANK_USCC, C10)
        third_number = third.number
    with pytest.raises(InputError) as refused, audit.writing(parties) as session:
        s.approve(session, s.application(session, third_number), 1, parameters=small)
    assert refused.value.field == ledger.C10_FUND and "0.00" in refused.value.reason
    with parties.snapshot() as session:
        assert s.application(session, third_number).state == "under_review"  # nothing stored
    with audit.writing(parties) as session:
        s.publicise(session, [s.application(session, n) for n in numbers])
    with audit.writing(parties) as session:
        (batch,) = payments.schedule(session, s.ACTOR, s.ON)
        payments.execute(session, batch.number, s.ACTOR, s.ON)
    with parties.snapshot() as session:
        fund = ledger.find_fund(session, ledger.C10_FUND)
        lines = ledger.statement(session, fund)
        entry_sum = session.scalar(select(func.sum(FundEntry.amount_fen)).where(FundEntry.fund_id == fund.id))
        pos = ledger.position(session, fund)
    assert [(ln.kind, ln.amount_fen) for ln in lines] == [
        ("allocation", 100_000),
        ("payment", -60_000),
        ("payment", -40_000),
    ]
    assert [ln.running_fen for ln in lines] == [100_000, 40_000, 0]
    assert [ln.application for ln in lines] == [None, *numbers]
    assert entry_sum == pos.balance_fen == 0 and pos.committed_fen == 0
    assert s.verify_ok(parties)


def test_a_yearly_pool_needs_an_allocation_and_carries_its_rest_over(parties: Database) -> None:
    facts = s.d3_facts(s.RUIAN_USCC, "区属", "瑞安市")
    with audit.writing(parties) as session:
        number = s.submitted(session, s.RUIAN_USCC, "wswl-2019-130.alloc", facts).number
    with pytest.raises(InputError) as refused, audit.writing(parties) as session:
        s.approve(session, s.application(session, number), 30_000)
    assert refused.value.field == "wswl-2019-130.pool.2020" and "fund allocate" in refused.value.reason
    with audit.writing(parties) as session:
        ledger.allocate(session, 2020, 100_000, s.ACTOR, s.ON, "浙商务联发〔2020〕测试号")
        assert s.approve(session, s.application(session, number), 30_000).granted_fen == 30_000
    with pytest.raises(InputError) as early, audit.writing(parties) as session:
        ledger.carry_over(session, 2020, s.ACTOR, dt.date(2020, 12, 31))
    assert early.value.field == "--on"
    with audit.writing(parties) as session:
        out, into = ledger.carry_over(session, 2020, s.ACTOR, dt.date(2021, 1, 5))
    assert (out.amount_fen, into.amount_fen) == (-70_000, 70_000)  # 100,000 − 30,000 committed
    with parties.snapshot() as session:
        pool_2020 = ledger.pool(session, 2020)
        pool_2021 = ledger.pool(session, 2021)
        assert [ln.running_fen for ln in ledger.statement(session, pool_2020)] == [100_000, 30_000]
        assert ledger.position(session, pool_2020) == ledger.Position(
            30_000, 30_000
        )  # the grant still covered
        assert [(ln.kind, ln.running_fen) for ln in ledger.statement(session, pool_2021)] == [
            ("carry_in", 70_000)
        ]
    with pytest.raises(InputError, match="没有可结转"), audit.writing(parties) as session:
        ledger.carry_over(session, 2020, s.ACTOR, dt.date(2021, 1, 6))
    assert s.verify_ok(parties)


def test_other_documents_are_paid_from_an_open_city_fund(parties: Database) -> None:
    with audit.writing(parties) as session:
        application = s.submitted(session, s.CITY_USCC, "wzb-2019-76.c1")
        limit = s.approve(session, application, 20_000_000)
    assert limit.fund.code == "wzb-2019-76.city" and limit.fund.kind == "open"
    assert limit.fund.name == "温政办〔2019〕76号 市财政" and "市级财政承担" in limit.fund.basis
    assert limit.granted_fen == 20_000_000 and limit.quota_units == 0


def test_the_a5_quota_grants_the_30th_ip_and_refuses_the_31st(parties: Database) -> None:
    a5 = ledger.A5_PROVISION
    with audit.writing(parties) as session:
        many = s.submitted(session, s.CITY_USCC, a5, s.a5_facts(29))
        assert s.approve(session, many, 2_900_000).quota_units == 29
        thirtieth = s.submitted(session, s.RUIAN_USCC, a5, s.a5_facts(1))
        limit = s.approve(session, thirtieth, 100_000)
        thirty_first = s.submitted(session, s.BANK_USCC, a5, s.a5_facts(1)).number
    # 每年奖励30个原创自研IP: 29 + 1 = 30 is within the quota …
    assert limit.quota_units == 1 and any("已用 29 个" in note for note in limit.notes)
    # … the 31st is not, whoever applies
    with pytest.raises(InputError) as refused, audit.writing(parties) as session:
        s.approve(session, s.application(session, thirty_first), 100_000)
    assert refused.value.field == "wzjk-2019-71.a5" and "已用 30 个" in refused.value.reason
    assert "每年奖励30个原创自研IP" in refused.value.reason
    # another year has its own 30
    with audit.writing(parties) as session:
        next_year = s.submitted(session, s.BANK_USCC, a5, s.a5_facts(1, 2021), year=2021)
        assert s.approve(session, next_year, 100_000, on=dt.date(2021, 11, 2)).quota_units == 1
