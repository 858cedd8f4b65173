"""Payment batches on SQLite and PostgreSQL: grouped by fund and payer (130号 四（二）), idempotent, all or
nothing when the process is killed mid-batch, clawback with the bar only where the clause orders one;
and the `duixian pay|fund` commands."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys

import ledger_samples as s
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from duixian import rulebook
from duixian.cli import app
from duixian.domain import audit, ledger, payments
from duixian.errors import InputError
from duixian.storage.db import Database
from duixian.storage.redemption import Application, Debarment, Fund, FundEntry, Payment, PaymentBatch

D3_ALLOC = "wswl-2019-130.alloc"
C1 = "wzb-2019-76.c1"


@pytest.fixture
def parties(db: Database) -> Database:
    s.add_party(db, s.CITY_USCC, "鹿城区", "温州某市属外经贸有限公司")
    s.add_party(db, s.RUIAN_USCC, "瑞安市", "瑞安某外经贸有限公司")
    s.add_party(db, s.LUCHENG_DISTRICT_USCC, "鹿城区", "鹿城某外经贸有限公司")
    with audit.writing(db) as session:
        ledger.allocate(session, 2020, 1_000_000, s.ACTOR, s.ON, "测试下达文件")
    return db


def _d3(db: Database, uscc: str, affiliation: str, district: str, amount_fen: int = 100_000) -> str:
    return s.ready_to_pay(db, uscc, D3_ALLOC, amount_fen, s.d3_facts(uscc, affiliation, district))


def _count(db: Database, model: type[object], *where: object) -> int:
    with db.snapshot() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def test_d3_district_enterprises_are_paid_through_their_bureau(parties: Database) -> None:
    city = _d3(parties, s.CITY_USCC, "市属", "鹿城区")
    ruian = _d3(parties, s.RUIAN_USCC, "区属", "瑞安市")
    lucheng = _d3(parties, s.LUCHENG_DISTRICT_USCC, "区属", "鹿城区")
    other = s.ready_to_pay(parties, s.CITY_USCC, C1, 500_000)  # 76号: an open fund, city finance pays
    with audit.writing(parties) as session:
        batches = payments.schedule(session, s.ACTOR, s.ON)
        grouped = {
            (session.get(Fund, b.fund_id).code, b.payer): [p.application.number for p in b.payments]  # type: ignore[union-attr]
            for b in batches
        }
    assert grouped == {
        ("wswl-2019-130.pool.2020", "温州市财政局"): [city],  # 市属企业由市财政直接拨付至企业帐户
        ("wswl-2019-130.pool.2020", "瑞安市财政局"): [ruian],  # 区属企业 … 下达至区属财政局
        ("wswl-2019-130.pool.2020", "鹿城区财政局"): [lucheng],  # registered in 鹿城区 but 区属: its bureau
        ("wzb-2019-76.city", "温州市财政局"): [other],
    }
    assert sorted(b.number for b in batches) == [
        "ZF-2020-0001",
        "ZF-2020-0002",
        "ZF-2020-0003",
        "ZF-2020-0004",
    ]
    with parties.snapshot() as session:
        assert {s.application(session, n).state for n in (city, ruian, lucheng, other)} == {"scheduled"}
    assert s.verify_ok(parties)


def test_the_readings_of_who_is_a_city_enterprise_and_of_other_counties(parties: Database) -> None:
    city = _d3(parties, s.CITY_USCC, "市属", "鹿城区")
    ruian = _d3(parties, s.RUIAN_USCC, "区属", "瑞安市")
    lucheng = _d3(parties, s.LUCHENG_DISTRICT_USCC, "区属", "鹿城区")
    register = rulebook.register()
    with parties.snapshot() as session:

        def payer(number: str, **chosen: str) -> str:
            readings = register.choose({f"wswl-2019-130.pay.{k}": v for k, v in chosen.items()})
            return payments.payer_for(session, s.application(session, number), readings).name

        assert payer(lucheng, city_enterprise="urban_districts") == "温州市财政局"  # registered in 市区
        assert payer(ruian, city_enterprise="urban_districts") == "瑞安市财政局"
        assert payer(city, city_enterprise="none") == "鹿城区财政局"
        assert payer(ruian, district_route="city_pays_others") == "温州市财政局"  # 瑞安市 not addressed
        assert payer(lucheng, district_route="city_pays_others") == "鹿城区财政局"  # 鹿城区 addressed
        with pytest.raises(InputError, match="通知未主送瑞安市"):
            payer(ruian, district_route="three_districts_only")


def test_only_closed_publicities_and_due_schedules_are_batched(parties: Database) -> None:
    with audit.writing(parties) as session:
        still_open = s.submitted(session, s.CITY_USCC, C1)
        s.approve(session, still_open, 100_000)
        s.publicise(session, [still_open]).closed_on = None
        later = s.submitted(session, s.CITY_USCC, C1)
        s.approve(session, later, 100_000)
        later.pay_from = dt.date(2021, 1, 1)  # g2: applied after October, paid January–March next year
        s.publicise(session, [later])
        numbers = still_open.number, later.number
    with audit.writing(parties) as session:
        assert payments.schedule(session, s.ACTOR, s.ON) == []
    with audit.writing(parties) as session:
        assert payments.schedule(session, s.ACTOR, dt.date(2020, 12, 31)) == []  # the day before pay_from
    with audit.writing(parties) as session:
        (batch,) = payments.schedule(session, s.ACTOR, dt.date(2021, 1, 1))
        assert [p.application.number for p in batch.payments] == [numbers[1]]
        assert batch.number == "ZF-2021-0001"
    with parties.snapshot() as session:
        assert s.application(session, numbers[0]).state == "publicised"


def test_executing_twice_pays_once_and_the_database_refuses_a_second_payment(parties: Database) -> None:
    number = s.ready_to_pay(parties, s.CITY_USCC, C1, 123_456)
    with audit.writing(parties) as session:
        (batch,) = payments.schedule(session, s.ACTOR, s.ON)
        batch_number = batch.number
    with audit.writing(parties) as session:
        first = payments.execute(session, batch_number, s.ACTOR, s.ON)
    with audit.writing(parties) as session:
        again = payments.execute(session, batch_number, s.ACTOR, dt.date(2020, 11, 3))
        assert payments.schedule(session, s.ACTOR, s.ON) == []  # paid: nothing to schedule again
    assert (first.already_paid, again.already_paid) == (False, True)
    assert again.batch.paid_on == s.ON and again.total_fen == 123_456
    assert _count(parties, Payment) == 1
    assert _count(parties, FundEntry, FundEntry.kind == "payment") == 1
    with parties.snapshot() as session:
        application = s.application(session, number)
        assert application.state == "paid"
        assert [e.action for e in application.events].count("pay") == 1
    with pytest.raises(IntegrityError), parties.transaction() as session:
        session.add(
            Payment(batch_id=1, application_id=application.id, amount_fen=123_456, payee_uscc=s.CITY_USCC)
        )
    assert _count(parties, Payment) == 1 and s.verify_ok(parties)


def test_a_d3_fraud_clawback_recovers_and_bars_later_years(parties: Database) -> None:
    number = _d3(parties, s.RUIAN_USCC, "区属", "瑞安市", 300_000)
    _pay_all(parties)
    found_on = dt.date(2020, 12, 1)
    with pytest.raises(InputError) as too_much, audit.writing(parties) as session:
        payments.claw_back(session, number, "虚报投入", s.ACTOR, found_on, 300_001, "骗取")
    assert too_much.value.field == "--amount"
    with audit.writing(parties) as session:
        done = payments.claw_back(session, number, "虚报实际投入金额", s.ACTOR, found_on, 120_000, "骗取")
        assert done.debarment is not None
        barred_from = done.debarment.from_year
    assert barred_from == 2021  # “取消以后年度申请资格”: from the year after the finding (pay.bar_from)
    with parties.snapshot() as session:
        application = s.application(session, number)
        assert application.state == "clawed_back"
        pool = ledger.pool(session, 2020)
        lines = ledger.statement(session, pool)
        bar = session.scalar(select(Debarment))
    # 1,000,000 allocated − 300,000 paid + 120,000 recovered (a partial amount, 视情收回)
    assert [(ln.kind, ln.amount_fen) for ln in lines][-2:] == [("payment", -300_000), ("clawback", 120_000)]
    assert lines[-1].running_fen == 820_000
    assert bar is not None and bar.document == "wswl-2019-130" and "五（二）" in bar.basis
    with pytest.raises(InputError, match="已追回"), audit.writing(parties) as session:
        payments.claw_back(session, number, "再次追回", s.ACTOR, found_on)
    assert s.verify_ok(parties)


def test_a_76_clawback_bars_nobody_the_document_says_nothing_of_it(parties: Database) -> None:
    number = s.ready_to_pay(parties, s.CITY_USCC, C1, 200_000)
    _pay_all(parties)
    with pytest.raises(InputError) as refused, audit.writing(parties) as session:
        payments.claw_back(session, number, "重复申报", s.ACTOR, s.ON, conduct="骗取")
    assert refused.value.field == "--conduct"
    with audit.writing(parties) as session:
        done = payments.claw_back(session, number, "同一项目重复享受（附则3）", s.ACTOR, s.ON)
    assert done.debarment is None and done.clawback.amount_fen == 200_000
    assert "未规定追回或取消申报资格" in done.clawback.basis
    assert _count(parties, Debarment) == 0


def _pay_all(db: Database) -> None:
    with audit.writing(db) as session:
        numbers = [b.number for b in payments.schedule(session, s.ACTOR, s.ON)]
    for number in numbers:
        with audit.writing(db) as session:
            payments.execute(session, number, s.ACTOR, s.ON)


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "duixian", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ | (env or {}),
    )


def test_a_batch_killed_midway_pays_nothing_and_a_rerun_completes_it(parties: Database) -> None:
    numbers = [s.ready_to_pay(parties, s.CITY_USCC, C1, fen) for fen in (100_000, 200_000, 300_000)]
    with audit.writing(parties) as session:
        (batch,) = payments.schedule(session, s.ACTOR, s.ON)
        batch_number = batch.number
    execute = ("pay", "execute", batch_number, "--db", parties.url, "--actor", "出纳", "--on", "2020-11-03")
    killed = _cli(*execute, env={payments.PAUSE_AFTER_ENV: "2"})
    assert killed.stderr is not None
    line = killed.stderr.readline()  # written after the 2nd payment, inside the open transaction
    assert line.startswith(f"PAUSED {batch_number} after 2"), line + killed.stderr.read()
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    assert killed.returncode == -signal.SIGKILL
    with parties.snapshot() as session:
        assert session.scalar(select(PaymentBatch.state).where(PaymentBatch.number == batch_number)) == "open"
        assert {s.application(session, n).state for n in numbers} == {"scheduled"}
    assert _count(parties, Payment, Payment.paid_on.is_not(None)) == 0
    assert _count(parties, FundEntry, FundEntry.kind == "payment") == 0
    assert s.verify_ok(parties)

    rerun = _cli(*execute)
    stdout, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr
    assert f"批次 {batch_number} 已拨付" in stdout and "3 笔，合计 6,000.00 元" in stdout
    with parties.snapshot() as session:
        assert {s.application(session, n).state for n in numbers} == {"paid"}
        fund = ledger.find_fund(session, "wzb-2019-76.city")
        assert [ln.amount_fen for ln in ledger.statement(session, fund)] == [-100_000, -200_000, -300_000]
    assert _count(parties, Payment, Payment.paid_on == dt.date(2020, 11, 3)) == 3
    assert s.verify_ok(parties)


runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_the_pay_and_fund_commands(parties: Database) -> None:
    url = parties.url
    number = _d3(parties, s.RUIAN_USCC, "区属", "瑞安市", 250_000)
    code, output = _run("pay", "schedule", "--db", url, "--on", "2020-11-02")
    assert code == 2 and "--actor" in output  # a change names who made it
    code, output = _run("pay", "schedule", "--db", url, "--on", "2020-11-02", "--actor", "李四", "--json")
    assert code == 0, output
    assert '"payer": "瑞安市财政局"' in output and '"number": "ZF-2020-0001"' in output
    for _ in range(2):
        code, output = _run(
            "pay", "execute", "ZF-2020-0001", "--db", url, "--on", "2020-11-05", "--actor", "李四"
        )
        assert code == 0, output
    assert "本次未重复拨付" in output and "2,500.00" in output
    code, output = _run("pay", "show", "ZF-2020-0001", "--db", url)
    assert code == 0 and number in output and "瑞安市财政局" in output and "已拨付" in output
    code, output = _run("pay", "list", "--db", url, "--state", "paid", "--json")
    assert code == 0 and '"count": 1' in output

    code, output = _run("fund", "show", "wswl-2019-130.pool.2020", "--db", url)
    assert code == 0, output
    # 10,000.00 allocated (the fixture), 2,500.00 paid: the balance is the sum of the two entries
    assert "7,500.00" in output and "2 笔明细之和" in output and "拨付" in output
    code, output = _run("fund", "allocate", "--year", "2020", "--amount", "1.005", "--document", "x", "--db", url,
                        "--actor", "李四")  # fmt: skip
    assert code == 2 and "--amount" in output
    code, output = _run(
        "fund", "carry-over", "--year", "2020", "--on", "2021-01-04", "--db", url, "--actor", "李四"
    )
    assert code == 0 and "7,500.00" in output
    code, output = _run("fund", "list", "--db", url)
    assert code == 0 and "wswl-2019-130.pool.2021" in output

    code, output = _run("pay", "clawback", number, "--grounds", "截留试点资金", "--amount", "500", "--conduct", "截留",
                        "--on", "2021-03-01", "--db", url, "--actor", "李四")  # fmt: skip
    assert code == 0, output
    assert "500.00" in output and "2022 年度起" in output
    with parties.snapshot() as session:
        assert session.scalar(select(Application.state).where(Application.number == number)) == "clawed_back"
    assert s.verify_ok(parties)
