"""The command line, run in-process: `duixian rules`, `duixian calc`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
import typer.main
from typer.testing import CliRunner

from duixian.cli import LAZY, app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "wzb-2019-76" / "c1-loan-subsidy.yaml"
GAZETTE_C1 = "按贷款市场报价利率（LPR）的10%享受市级财政贷款补助，单户不超过20万元。"

runner = CliRunner()


def test_rules_json_lists_ids_with_citations() -> None:
    result = runner.invoke(app, ["rules", "--json"])
    assert result.exit_code == 0, result.output
    items = {item["id"]: item for item in json.loads(result.stdout)}
    for rule_id in ("wzb-2019-76.c1", "wzb-2019-76.c8a", "wzb-2019-76.g1", "wzb-2019-76.g2"):
        assert rule_id in items
    c1 = items["wzb-2019-76.c1"]
    assert c1["citation"].startswith("温政办〔2019〕76号 附件第一条：“")
    assert GAZETTE_C1 in c1["citation"]
    assert items["wzb-2019-76.g2"]["kind"] == "timing"
    assert "每年度申报期为1－10月份" in items["wzb-2019-76.g2"]["citation"]
    for item in items.values():
        assert item["citation"].startswith(item["document"])
        assert "：“" in item["citation"]


def test_calc_prints_the_amount() -> None:
    result = runner.invoke(app, ["calc", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "17,212.50" in result.stdout
    assert "wzb-2019-76.g2" in result.stdout  # the example has applied_on: its payment window is shown


def test_calc_json_gives_fen_and_timing() -> None:
    result = runner.invoke(app, ["calc", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["total"]["fen"] == 1721250
    (line,) = [ln for ln in payload["lines"] if ln["rule"] == "wzb-2019-76.c1"]
    assert line["amount"] == {"fen": 1721250, "yuan": "17,212.50"}
    assert payload["timing"]["applied_on"] == "2021-02-15"
    assert payload["timing"]["in_application_period"] is True


def test_bad_case_exits_2_naming_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "document: wzb-2019-76\nyear: 2020\n"
        "parties: [{id: E1}, {id: B1, kind: bank}]\n"
        "loans: [{id: L1, borrower: E1, lender: B1, principal: -5, start_date: 2020-01-01,"
        " end_date: 2021-01-01}]\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["calc", str(bad)])
    assert result.exit_code == 2
    assert "loans[0].principal" in result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_applied_on_outside_the_policy_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "early.yaml"
    bad.write_text("document: wzb-2019-76\nyear: 2019\napplied_on: 2020-01-31\n", encoding="utf-8")
    result = runner.invoke(app, ["calc", str(bad)])
    assert result.exit_code == 2
    assert "applied_on" in result.stderr


def test_command_groups_are_imported_only_when_named() -> None:
    """`duixian calc` starts without the database layer; every group and command still answers."""
    probe = "import sys, duixian.cli; print(sorted(m for m in ('sqlalchemy', 'alembic', 'fastapi') if m in sys.modules))"
    started = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert started.stdout.strip() == "[]"
    listed = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    for name in LAZY:
        assert f"│ {name} " in listed.output, name
        shown = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"})
        assert shown.exit_code == 0 and f"Usage: root {name} " in shown.output, (name, shown.output)
    one = runner.invoke(app, ["demo", "load", "--help"])  # a group of one command stays a group
    assert one.exit_code == 0 and "Usage: root demo load" in one.output


def test_every_command_is_described_in_chinese() -> None:
    """The summary of every command and group (what `--help` lists) is Chinese; only names stay Latin."""
    names = {
        "JSON",
        "Schema",
        "API",
        "api",
        "docs",
        "YAML",
        "Parquet",
        "Arrow",
        "Apache",
        "Spark",
        "CSV",
        "PNG",
    }
    names |= {"SHA", "duixian", "calc", "batch", "check", "bulk", "synthetic", "false"}

    def summaries(command: Any, path: str, ctx: typer.Context) -> Iterator[tuple[str, str]]:
        yield path, (command.help or "").strip().split("\n")[0]
        for name in command.list_commands(ctx) if hasattr(command, "list_commands") else []:
            sub = command.get_command(ctx, name)
            yield from summaries(sub, f"{path} {name}", typer.Context(sub, parent=ctx))

    root = typer.main.get_command(app)
    listed = dict(summaries(root, "duixian", typer.Context(root)))
    assert {"duixian calc", "duixian apply create", "duixian fund carry-over"} <= listed.keys()
    for path, summary in listed.items():
        assert re.search(r"[\u4e00-\u9fff]", summary), (path, summary)
        assert set(re.findall(r"[A-Za-z]{3,}", summary)) <= names, (path, summary)
