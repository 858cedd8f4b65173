"""`duixian db|registry|audit` in-process on SQLite and PostgreSQL: upgrade, import (report and exit 1
on errors), show, log, and verify catching a hand-edited row."""

from __future__ import annotations

import json
from pathlib import Path

from registry_samples import ALL_TABLES, ENTERPRISE, PARTIES, PARTY_HEADER, with_cell, write_csv, write_xlsx
from typer.testing import CliRunner

from duixian.cli import app
from duixian.storage import migrate
from duixian.storage.db import Database

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_the_whole_registry_flow(db_url: str, tmp_path: Path) -> None:
    workbook = str(write_xlsx(tmp_path / "registry.xlsx", ALL_TABLES))
    code, output = _run("registry", "import", workbook, "--db", db_url)
    assert code == 2 and "duixian db upgrade" in output  # not yet created: told what to do

    code, output = _run("db", "upgrade", "--db", db_url)
    assert code == 0 and f"升级到 {migrate.head_revision()}" in output
    code, output = _run("db", "upgrade", "--db", db_url)
    assert code == 0 and "无需升级" in output

    code, output = _run("registry", "import", workbook, "--db", db_url, "--actor", "张三", "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["ok"] and report["parties"] == {"created": 5, "updated": 0, "unchanged": 0}

    code, output = _run("registry", "import", workbook, "--db", db_url)
    assert code == 0 and "不重复建档" in output

    code, output = _run("registry", "show", ENTERPRISE, "--db", db_url, "--json")
    assert code == 0, output
    shown = json.loads(output)
    assert shown["name"] == "温州某电子有限公司" and shown["history"][0]["actor"] == "张三"
    code, output = _run("registry", "show", ENTERPRISE.lower(), "--db", db_url)
    assert code == 0 and "国家高新技术企业" in output and "小型" in output

    code, output = _run("audit", "log", "--limit", "2", "--db", db_url, "--json")
    entries = json.loads(output)
    assert code == 0 and [e["action"] for e in entries] == ["registry.imported", "registry.imported"]

    code, output = _run("audit", "verify", "--db", db_url)
    assert code == 0 and "审计日志完整" in output

    database = Database(db_url)
    with database.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE audit_log SET entity_id = 'someone' WHERE seq = 4")
    database.dispose()
    code, output = _run("audit", "verify", "--db", db_url)
    assert code == 1
    assert "第 4 条" in output and "记录被改动" in output


def test_import_errors_are_reported_with_exit_code_1(db_url: str, tmp_path: Path) -> None:
    assert _run("db", "upgrade", "--db", db_url)[0] == 0
    rows = with_cell(PARTIES, 1, 0, ENTERPRISE[:-1] + ("0" if ENTERPRISE[-1] != "0" else "1"))
    bad = str(write_csv(tmp_path / "bad.csv", PARTY_HEADER, rows))
    code, output = _run("registry", "import", bad, "--db", db_url)
    assert code == 1
    assert "bad.csv" in output and "统一社会信用代码" in output and "校验码" in output
    assert "未导入任何数据" in output
    code, output = _run("registry", "show", ENTERPRISE, "--db", db_url)
    assert code == 2 and "没有" in output
    code, output = _run("audit", "log", "--db", db_url, "--json")
    assert code == 0 and json.loads(output) == []


def test_unreachable_database_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    code, output = _run("db", "upgrade", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert code == 2 and "数据库错误" in output
    code, output = _run("registry", "show", "bad", "--db", str(tmp_path / "x.db"))
    assert code == 2 and "统一社会信用代码应为18位" in output
