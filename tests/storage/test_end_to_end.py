"""The whole redemption flow, scripted through the command line on SQLite and on PostgreSQL (issue 5):

    db upgrade → registry import (xlsx) → applications under 76号 c1, c8a, c8c, c10a, 71号 a3, a5, a6 and
    130号 alloc → submit → review (one returned and resubmitted, one rejected) → publicity (one objection
    dismissed; one upheld, re-reviewed and approved with another amount) → close → pay schedule → pay
    execute (twice: the second pays nothing) → clawback → audit verify → one audit row edited by SQL →
    audit verify names it.

Every amount is worked out by hand in a comment from the clause and its parameters, not copied from the
program's output. The data is in e2e_data.py.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from fractions import Fraction
from pathlib import Path
from typing import Any

import e2e_data as d
import yaml
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from duixian import rulebook
from duixian.cli import app
from duixian.engine.money import format_fen

runner = CliRunner(env={"DUIXIAN_ACTOR": None, "DUIXIAN_DATABASE_URL": None})
APPLICANT, REVIEWER, PUBLIC, CASHIER = "企业经办人", "审核员", "公众甲", "财政局出纳"
APPLIED, STARTED, DECIDED = "2020-09-01", "2020-09-02", "2020-09-07"


class Flow:
    """The CLI on one database; each command must end with the exit code the test expects."""

    def __init__(self, db_url: str, tmp_path: Path) -> None:
        self.db_url, self.tmp_path = db_url, tmp_path
        self.numbers: dict[str, str] = {}

    def run(self, *args: str, code: int = 0) -> str:
        result = runner.invoke(app, [*args, "--db", self.db_url])
        assert result.exit_code == code, f"duixian {' '.join(args)} → {result.exit_code}\n{result.output}"
        return result.output.replace("\n", "")  # messages on stderr are wrapped at 80 columns

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--json"))

    def facts_file(self, name: str, facts: dict[str, Any]) -> str:
        path = self.tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(facts, allow_unicode=True), "utf-8")
        return str(path)

    def apply(self, name: str, uscc: str, provision: str, facts: dict[str, Any]) -> None:
        """Create and submit; the application's number is kept under ``name``."""
        created = self.json(
            "apply", "create", "--uscc", uscc, "--provision", provision, "--year", "2020",
            "--facts", self.facts_file(name, facts), "--actor", APPLICANT, "--on", APPLIED,
        )  # fmt: skip
        self.numbers[name] = str(created["number"])
        self.run("apply", "submit", self.numbers[name], "--actor", APPLICANT, "--on", APPLIED)

    def act(self, group: str, action: str, name: str, on: str, *extra: str, code: int = 0) -> str:
        """``duixian GROUP ACTION NUMBER …`` on the application kept under ``name``."""
        actor = PUBLIC if action == "object" else APPLICANT if group == "apply" else REVIEWER
        return self.run(group, action, self.numbers[name], *extra, "--actor", actor, "--on", on, code=code)

    def application(self, name: str) -> dict[str, Any]:
        shown: dict[str, Any] = self.json("apply", "show", self.numbers[name])
        return shown

    def granted(self, name: str) -> int:
        return int(self.application(name)["decision"]["granted"]["fen"])


def fen(yuan: Fraction | int) -> int:
    """Yuan to fen, half up (the engine's rounding of a line)."""
    return int(Fraction(yuan) * 100 + Fraction(1, 2))


# --- the arithmetic of each clause, by hand ---------------------------------------------------------

PARAMETERS = rulebook.parameters()
# 第一条: principal × LPR × 10% × days ÷ 360 (register defaults: wzb-2019-76.c1.lpr_fixing = loan_start,
# the LPR last published before the loan starts; c1.day_count = actual_360, 日利率 = 年利率 ÷ 360).
LPR = Fraction(PARAMETERS["lpr.one_year"].at(dt.date(2020, 3, 1)).value)  # published 2020-02-20: 4.05%
C1_RATE = Fraction(PARAMETERS["wzb-2019-76.c1.rate"].at(dt.date(2020, 3, 1)).value)  # 10%
DAYS_2020 = (dt.date(2020, 12, 31) - dt.date(2020, 3, 1)).days + 1  # 306: 03-01 to 12-31 (算头不算尾)
C1_FEN = fen(5_000_000 * LPR * C1_RATE * DAYS_2020 / 360)  # 5,000,000 × 4.05% × 10% × 306/360 = 17,212.50
# the loan was repaid early on 2020-06-30: interest days 03-01 … 06-29 = 121; the rest is recovered
C1_DUE_FEN = fen(5_000_000 * LPR * C1_RATE * 121 / 360)  # 6,806.25
C1_CLAWBACK_FEN = C1_FEN - C1_DUE_FEN  # 10,406.25
C8A_FEN = fen(20_000 * Fraction(20, 100))  # 第八条 government guarantor, fee rate ≤ 1%: 20% → 4,000.00
# 第八条 首次融资担保 30% → 6,000.00 for the same guarantee; 附则3 (same project, the highest):
# with c8a's 4,000.00 already granted, c8c's application is granted the difference.
C8C_COMPUTED_FEN = fen(20_000 * Fraction(30, 100))
C8C_FEN = C8C_COMPUTED_FEN - C8A_FEN  # 2,000.00
C10A_CLAIMED_FEN = fen(1_000_000 * Fraction(20, 100))  # 第十条: 20% of the single loss → 200,000.00
C10A_FEN = fen(800_000 * Fraction(20, 100))  # upheld objection: the loss is 800,000 → 160,000.00
C10_FUND_FEN = fen(500_000_000)  # “市财政建立5亿元风险补偿基金”
A3_FEN = fen(400_000 * Fraction(50, 100))  # 71号 第三条: 50% of 400,000 → 200,000.00 (B级 cap 500,000)
A6_FEN = fen(3_600_000 * Fraction(20, 100))  # 第六条: 20% of 3,600,000 → 720,000.00 (C级 cap 1,000,000)
A5_FEN = fen(200_000 + 120_000)  # 第五条: as the committee decided, each ≤ 200,000 → 320,000.00
# 附则3: X2's subsidies 720,000 + 320,000 = 1,040,000 ≤ its 2019 local contribution 3,000,000.
# 130号 四（一）: the 2020 fund 600,000 shared by score among the qualified projects (one here), each at
# most 50% of its actual investment: min(600,000, 50% × 1,000,000) = 500,000.00.
ALLOC_FEN = fen(min(Fraction(d.D3_FUND_YUAN), 1_000_000 * Fraction(50, 100)))


def test_the_whole_redemption_flow(db_url: str, tmp_path: Path) -> None:
    started = time.perf_counter()
    flow = Flow(db_url, tmp_path)
    _register(flow)
    _apply_and_review(flow)
    _publicise(flow)
    _pay(flow)
    _claw_back_and_verify(flow)
    print(f"end-to-end on {db_url.split(':')[0]}: {time.perf_counter() - started:.1f} s")


def _register(flow: Flow) -> None:
    assert "升级到" in flow.run("db", "upgrade")
    workbook = d.registry_workbook(flow.tmp_path / "登记库.xlsx")
    report = flow.json("registry", "import", str(workbook), "--actor", "登记员")
    assert report["ok"] and report["parties"]["created"] == len(d.PARTIES)
    assert (report["qualifications"]["created"], report["mujun"]["created"]) == (1, 3)
    e1 = flow.json("registry", "show", d.E1)
    assert e1["size_class"] == "小型"  # 工业, 120 人, 2,500 万元: 小型 under 300号 第四条


def _apply_and_review(flow: Flow) -> None:
    flow.apply("c1", d.E1, "wzb-2019-76.c1", d.C1_TYPED)
    flow.apply("c8a", d.E1, "wzb-2019-76.c8a", d.GUARANTEE_FACTS)
    flow.apply("c8c", d.E1, "wzb-2019-76.c8c", d.GUARANTEE_FACTS)
    flow.apply("c10a", d.G1, "wzb-2019-76.c10a", d.C10A_CLAIMED)
    flow.apply("e2-c1", d.E2, "wzb-2019-76.c1", d.C1_UNQUALIFIED)
    flow.apply("a3", d.X1, "wzjk-2019-71.a3", d.A3_FACTS)
    flow.apply("a6", d.X2, "wzjk-2019-71.a6", d.A6_FACTS)
    flow.apply("a5", d.X2, "wzjk-2019-71.a5", d.A5_FACTS)
    flow.apply("alloc", d.R1, "wswl-2019-130.alloc", d.ALLOC_FACTS)
    for name in flow.numbers:
        flow.act("review", "start", name, STARTED)

    # returned for correction (the principal was typed as 50,000,000), amended, resubmitted
    flow.act("review", "return", "c1", "2020-09-03", "--reason", "借款合同本金为500万元，申报为5000万元")
    corrected = flow.facts_file("c1-corrected", d.C1_CORRECTED)
    flow.act("apply", "amend", "c1", "2020-09-04", "--facts", corrected)
    flow.act("apply", "submit", "c1", "2020-09-04")
    flow.act("review", "start", "c1", "2020-09-05")

    approved = {
        "c1": C1_FEN,
        "c8a": C8A_FEN,
        "c8c": C8C_FEN,
        "c10a": C10A_CLAIMED_FEN,
        "a3": A3_FEN,
        "a6": A6_FEN,
        "a5": A5_FEN,
    }
    for name, granted in approved.items():
        output = flow.act("review", "approve", name, DECIDED)
        assert f"核定 {format_fen(granted)} 元" in output, output
    c8c = flow.application("c8c")["decision"]
    assert (c8c["computed"]["fen"], c8c["granted"]["fen"]) == (C8C_COMPUTED_FEN, C8C_FEN)

    # E2 holds no 第一条 qualification (and is rated 亩均 C, excluded by g1): 0, so the reviewer rejects
    refused = flow.act("review", "approve", "e2-c1", DECIDED, code=2)
    assert "计算金额为 0，不能审核通过" in refused
    flow.act("review", "reject", "e2-c1", DECIDED, "--reason", "非科创型成长型企业，不符合第一条")

    # 130号's yearly pool holds nothing until the year's fund is entered
    refused = flow.act("review", "approve", "alloc", DECIDED, code=2)
    assert "wswl-2019-130.pool.2020" in refused and "fund allocate" in refused
    flow.run("fund", "allocate", "--year", "2020", "--amount", str(d.D3_FUND_YUAN),
             "--document", "2020年度试点资金下达文件（测试）", "--actor", "财政局", "--on", DECIDED)  # fmt: skip
    assert f"核定 {format_fen(ALLOC_FEN)} 元" in flow.act("review", "approve", "alloc", DECIDED)


def _publicise(flow: Flow) -> None:
    n = flow.numbers
    opened = flow.run(
        "publicise", "open", n["c1"], n["c8a"], n["c8c"], n["c10a"], "--document", d.D1,
        "--ends-on", "2020-09-16", "--actor", REVIEWER, "--on", "2020-09-10",
    )  # fmt: skip
    assert "GS-2020-0001：2020-09-10 至 2020-09-16（共 4 件申请）" in opened
    opened = flow.run(
        "publicise", "open", n["a3"], n["a6"], n["a5"], "--document", d.D2, "--ends-on", "2020-09-16",
        "--actor", REVIEWER, "--on", "2020-09-10",
    )  # fmt: skip
    assert "GS-2020-0002" in opened
    # 130号 四（二）“公示5日”: 5 calendar days from the day after it opens (register defaults
    # pay.publicity_days = calendar, pay.first_day = next_day): 09-11 … 09-15, a Tuesday.
    opened = flow.run(
        "publicise", "open", n["alloc"], "--document", d.D3, "--actor", REVIEWER, "--on", "2020-09-10"
    )
    assert "GS-2020-0003：2020-09-10 至 2020-09-15" in opened

    # dismissed: the application stays publicised with its amount
    flow.act("publicise", "object", "a6", "2020-09-11", "--grounds", "项目尚未完工")
    flow.act("publicise", "dismiss", "a6", "2020-09-14", "--reason", "经核实项目已于2020-06-30完工")
    # upheld: back to review, returned, the loss corrected, approved with the smaller amount
    flow.act("publicise", "object", "c10a", "2020-09-11", "--grounds", "代偿后已追偿收回20万元")
    refused = flow.run(
        "publicise", "close", "GS-2020-0001", "--actor", REVIEWER, "--on", "2020-09-17", code=2
    )
    assert "异议尚未处理" in refused
    flow.act("publicise", "uphold", "c10a", "2020-09-14", "--reason", "追偿收回部分不属实际损失")
    flow.act("review", "return", "c10a", "2020-09-14", "--reason", "请按追偿后的实际损失申报")
    flow.act("apply", "amend", "c10a", "2020-09-15", "--facts", flow.facts_file("c10a", d.C10A_CORRECTED))
    flow.act("apply", "submit", "c10a", "2020-09-15")
    flow.act("review", "start", "c10a", "2020-09-15")
    assert f"核定 {format_fen(C10A_FEN)} 元" in flow.act("review", "approve", "c10a", "2020-09-16")

    for publicity in ("GS-2020-0001", "GS-2020-0002", "GS-2020-0003"):
        flow.run("publicise", "close", publicity, "--actor", REVIEWER, "--on", "2020-09-17")
    flow.run("publicise", "open", n["c10a"], "--document", d.D1, "--ends-on", "2020-09-23",
             "--actor", REVIEWER, "--on", "2020-09-17")  # fmt: skip
    first = flow.json("publicise", "show", "GS-2020-0001")
    assert first["total"]["fen"] == C1_FEN + C8A_FEN + C8C_FEN + C10A_CLAIMED_FEN  # as publicised then
    [again] = flow.json("publicise", "show", "GS-2020-0004")["items"]
    assert (again["application"], again["granted"]["fen"]) == (n["c10a"], C10A_FEN)


def _pay(flow: Flow) -> None:
    n = flow.numbers
    # c10a's second publicity is still open: it waits for the next schedule
    batches = flow.json("pay", "schedule", "--actor", CASHIER, "--on", "2020-09-18")
    by_fund = {b["fund"]: b for b in batches}
    assert {(b["fund"], b["payer"], b["count"]) for b in batches} == {
        ("wzb-2019-76.city", "温州市财政局", 3),
        ("wzjk-2019-71.city", "温州市财政局", 3),
        ("wswl-2019-130.pool.2020", "瑞安市财政局", 1),  # 区属企业：下达至区属财政局
    }
    for batch in batches:
        paid = flow.run("pay", "execute", batch["number"], "--actor", CASHIER, "--on", "2020-09-21")
        assert "已拨付" in paid
    again = flow.run(
        "pay", "execute", by_fund["wzb-2019-76.city"]["number"], "--actor", CASHIER, "--on", "2020-09-22"
    )
    assert "已于 2020-09-21 拨付" in again and "本次未重复拨付" in again

    flow.run("publicise", "close", "GS-2020-0004", "--actor", REVIEWER, "--on", "2020-09-24")
    [c10] = flow.json("pay", "schedule", "--actor", CASHIER, "--on", "2020-09-25")
    assert (c10["fund"], c10["total"]["fen"]) == ("wzb-2019-76.c10.fund", C10A_FEN)
    flow.run("pay", "execute", c10["number"], "--actor", CASHIER, "--on", "2020-09-28")
    assert flow.json("pay", "schedule", "--actor", CASHIER, "--on", "2020-09-29") == []

    totals: dict[str, int] = defaultdict(int)
    for batch in flow.json("pay", "list", "--state", "paid"):
        totals[batch["payer"]] += batch["total"]["fen"]
    city_paid = C1_FEN + C8A_FEN + C8C_FEN + A3_FEN + A6_FEN + A5_FEN + C10A_FEN  # 1,423,212.50
    assert dict(totals) == {"温州市财政局": city_paid, "瑞安市财政局": ALLOC_FEN}
    assert n["c10a"] in {p["application"] for p in flow.json("pay", "show", c10["number"])["payments"]}


def _claw_back_and_verify(flow: Flow) -> None:
    recovered = flow.run(
        "pay", "clawback", flow.numbers["c1"], "--amount", format_fen(C1_CLAWBACK_FEN).replace(",", ""),
        "--grounds", "贷款于2020-06-30提前结清，按实际计息天数多拨付部分追回", "--actor", CASHIER, "--on", "2020-10-12",
    )  # fmt: skip
    assert f"已追回 {format_fen(C1_CLAWBACK_FEN)} 元" in recovered and "未取消申请资格" in recovered

    _assert_funds(flow)
    states = {a["number"]: a["state"] for a in flow.json("apply", "list")}
    expected = {name: "paid" for name in flow.numbers} | {"c1": "clawed_back", "e2-c1": "rejected"}
    assert states == {flow.numbers[name]: state for name, state in expected.items()}
    assert [h["action"] for h in flow.application("c1")["history"]] == [
        "create", "submit", "start_review", "return", "submit", "start_review", "approve", "publicise",
        "schedule", "pay", "claw_back",
    ]  # fmt: skip
    c10a = flow.application("c10a")
    assert [h["action"] for h in c10a["history"]][3:9] == [
        "approve",
        "publicise",
        "object",
        "uphold",
        "return",
        "submit",
    ]
    assert [o["outcome"] for o in c10a["objections"]] == ["upheld"]
    assert flow.granted("c10a") == C10A_FEN

    intact = flow.run("audit", "verify")
    assert "审计日志完整" in intact
    seq = _tamper_with_the_first_c10a_approval(flow)
    broken = flow.run("audit", "verify", code=1)
    assert f"第 {seq} 条" in broken and "记录被改动" in broken, broken


def _assert_funds(flow: Flow) -> None:
    def entries(code: str) -> tuple[list[tuple[str, int]], int, int]:
        fund = flow.json("fund", "show", code)
        lines = [(e["kind"], e["amount"]["fen"]) for e in fund["entries"]]
        return lines, fund["balance"]["fen"], fund["committed"]["fen"]

    assert entries("wzb-2019-76.c10.fund") == (
        [("allocation", C10_FUND_FEN), ("payment", -C10A_FEN)],
        C10_FUND_FEN - C10A_FEN,  # 499,840,000.00
        0,
    )
    assert entries("wzb-2019-76.city") == (
        [("payment", -C1_FEN), ("payment", -C8A_FEN), ("payment", -C8C_FEN), ("clawback", C1_CLAWBACK_FEN)],
        -(C1_FEN + C8A_FEN + C8C_FEN) + C1_CLAWBACK_FEN,  # an open fund: what it paid, less what came back
        0,
    )
    assert entries("wswl-2019-130.pool.2020") == (
        [("allocation", fen(d.D3_FUND_YUAN)), ("payment", -ALLOC_FEN)],
        fen(d.D3_FUND_YUAN) - ALLOC_FEN,  # 100,000.00 left in the 2020 pool
        0,
    )
    listed = {f["code"]: f["balance"]["fen"] for f in flow.json("fund", "list")}
    assert listed["wzjk-2019-71.city"] == -(A3_FEN + A6_FEN + A5_FEN)


def _tamper_with_the_first_c10a_approval(flow: Flow) -> int:
    """Edit the payload of the audit entry of c10a's first approval (200,000 → 240,000) by hand."""
    number = flow.numbers["c10a"]
    log = flow.json("audit", "log", "--limit", "1000")
    seq = min(e["seq"] for e in log if e["entity_id"] == number and e["action"] == "application.approve")
    engine = create_engine(flow.db_url)
    try:
        with engine.begin() as connection:
            payload = connection.execute(
                text("SELECT payload FROM audit_log WHERE seq = :seq"), {"seq": seq}
            ).scalar_one()
            forged = payload.replace(f'"granted_fen":{C10A_CLAIMED_FEN}', '"granted_fen":24000000')
            assert forged != payload
            connection.execute(
                text("UPDATE audit_log SET payload = :p WHERE seq = :seq"), {"p": forged, "seq": seq}
            )
    finally:
        engine.dispose()
    return int(seq)
