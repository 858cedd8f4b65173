"""`duixian apply|review|publicise` in-process on SQLite and PostgreSQL: a 第一条 application from facts
file to publicity, the refusals as messages with exit code 2, and the audit chain intact at the end."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from application_samples import PARTIES, loan, register
from registry_samples import ENTERPRISE
from typer.testing import CliRunner

from duixian.cli import app
from duixian.storage.db import Database

runner = CliRunner(env={"DUIXIAN_ACTOR": None})


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_an_application_from_facts_file_to_publicity(db: Database, db_url: str, tmp_path: Path) -> None:
    register(db, tmp_path)
    facts = tmp_path / "facts.yaml"
    # a calc case file works as facts: its document line is accepted, its readings are dropped
    case = {"document": "wzb-2019-76", "year": 2020, "parties": PARTIES, "loans": [loan("L1", 30_000_000)]}
    facts.write_text(yaml.safe_dump(case | {"readings": {"wzb-2019-76.c1.day_count": "actual_365"}}), "utf-8")
    contract = tmp_path / "借款合同.pdf"
    contract.write_bytes(b"%PDF-1.4 contract")
    db_args = ("--db", db_url)
    create = ("apply", "create", "--uscc", ENTERPRISE, "--provision", "wzb-2019-76.c1", "--year", "2020")

    code, output = _run(*create, "--facts", str(facts), "--on", "2020-10-20", *db_args)
    assert code == 2 and "--actor" in output  # changes need an actor

    code, output = _run(
        *create,
        "--facts",
        str(facts),
        "--attach",
        str(contract),
        "--actor",
        "企业经办人",
        "--on",
        "2020-10-20",
        *db_args,
    )
    assert code == 0, output
    assert "已创建申请 SQ-2020-000001（草稿）" in output and "facts.readings 已忽略" in output
    number = "SQ-2020-000001"

    code, output = _run("apply", "attach", number, str(contract), "--actor", "企业经办人", *db_args)
    assert code == 2 and "内容相同" in output

    code, output = _run("apply", "submit", number, "--actor", "企业经办人", "--on", "2020-11-01", *db_args)
    assert code == 2 and "输入错误 --on: wzb-2019-76.g2：2020-11-01 不在申报期内" in output
    code, output = _run("apply", "submit", number, "--actor", "企业经办人", "--on", "2020-10-31", *db_args)
    assert code == 0 and "已于 2020-10-31 提交" in output

    code, output = _run("review", "approve", number, "--actor", "审核员", *db_args)
    assert code == 2 and "当前状态为“已提交”，不能审核通过" in output
    code, output = _run("review", "start", number, "--actor", "审核员", "--on", "2020-11-02", *db_args)
    assert code == 0
    code, output = _run("review", "approve", number, "--actor", "审核员", "--on", "2020-11-03", *db_args)
    assert code == 0 and "核定 126,575.00 元" in output, output

    code, output = _run("apply", "show", number, "--json", *db_args)
    shown = json.loads(output)
    assert (shown["state"], shown["decision"]["granted"]["yuan"]) == ("approved", "126,575.00")
    assert shown["attachments"][0]["filename"] == "借款合同.pdf"
    assert [h["action"] for h in shown["history"]] == ["create", "submit", "start_review", "approve"]
    code, output = _run("apply", "show", number, *db_args)
    assert code == 0 and "审核通过" in output and "126,575.00" in output and "办理记录" in output
    code, output = _run("apply", "list", "--state", "approved", "--json", *db_args)
    assert [a["number"] for a in json.loads(output)] == [number]
    code, output = _run("apply", "list", "--state", "nonsense", *db_args)
    assert code == 2 and "没有状态" in output

    publicise = (
        "publicise",
        "open",
        number,
        "--document",
        "wzb-2019-76",
        "--actor",
        "审核员",
        "--on",
        "2020-11-04",
    )
    code, output = _run(*publicise, *db_args)
    assert code == 2 and "未规定公示期" in output
    code, output = _run(*publicise, "--ends-on", "2020-11-10", *db_args)
    assert code == 0 and "公示 GS-2020-0001：2020-11-04 至 2020-11-10" in output
    code, output = _run(
        "publicise",
        "object",
        number,
        "--grounds",
        "贷款已提前归还",
        "--actor",
        "公众",
        "--on",
        "2020-11-05",
        *db_args,
    )
    assert code == 0
    code, output = _run(
        "publicise",
        "dismiss",
        number,
        "--reason",
        "经核实未提前归还",
        "--actor",
        "审核员",
        "--on",
        "2020-11-06",
        *db_args,
    )
    assert code == 0
    code, output = _run(
        "publicise", "close", "GS-2020-0001", "--actor", "审核员", "--on", "2020-11-11", *db_args
    )
    assert code == 0
    code, output = _run("publicise", "show", "GS-2020-0001", "--json", *db_args)
    shown = json.loads(output)
    assert shown["closed_on"] == "2020-11-11" and shown["items"][0]["state"] == "publicised"

    code, output = _run("audit", "verify", *db_args)
    assert code == 0, output
