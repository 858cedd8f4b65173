"""温政发〔2019〕18号 附件1: the table as read, the progress chart (PNG) and the `duixian targets` commands."""

from __future__ import annotations

import struct
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from duixian.charts import fonts
from duixian.charts import targets as chart
from duixian.cli import app
from duixian.engine.evaluate import Result, calculate
from duixian.engine.parameters import ParameterSet
from duixian.engine.readings import Register
from duixian.rulebook.wzf_2019_18 import DOC, indicators

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "wzf-2019-18" / "observations-illustrative.yaml"
GAZETTE = Path("/work/shared/gazette/wenzhou-gazette-2019-12.txt")
PARAMS = ParameterSet.load([(DOC.id, p) for p in DOC.parameter_files])
REGISTER = Register.load(DOC.folder / "interpretations.yaml")


def _result(data: dict[str, Any]) -> Result:
    body = {k: v for k, v in data.items() if k != "document"}
    return calculate(DOC, body, PARAMS, REGISTER)


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_the_table_has_22_rows_each_field_read_from_its_quoted_row() -> None:
    rows = indicators(PARAMS)
    assert [i.number for i in rows] == list(range(1, 23))
    for i in rows:
        base = "-" if i.base is None else None
        printed = f"{i.number} {i.name} {i.unit} {i.attribute} "
        assert i.source.quote.startswith(printed), i.source.quote
        assert i.source.quote.endswith(f" {i.printed_target}")
        if base:
            assert f" {base} " in i.source.quote
    assert {i.number for i in rows if i.binding} == {6, 20, 21, 22}
    assert {i.number for i in rows if i.base is None} == {6, 11, 16, 18, 19, 20}
    pm25 = rows[20]
    assert (pm25.name, str(pm25.base), pm25.printed_target) == ("PM2.5年均浓度", "30", "<32")
    assert str(rows[1].base) == "94.59" and rows[3].printed_target == "＞72"
    assert str(rows[6].base) == "2.0"  # as printed, not “2”
    assert [i.number for i in rows if i.lower_is_better] == [21]


@pytest.mark.skipif(not GAZETTE.exists(), reason="the gazette text is not on this machine")
def test_every_quoted_row_is_a_line_of_the_gazette() -> None:
    lines = {ln.strip() for ln in GAZETTE.read_text(encoding="utf-8").splitlines()}
    for i in indicators(PARAMS):
        assert i.source.quote in lines, i.source.quote


def test_chart_writes_a_png_of_the_stated_size(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    out = chart.draw(_result(data), tmp_path / "sub" / "targets.png")
    assert out.stat().st_size > 50_000  # 22 drawn panels, not an empty canvas
    width, height = chart.SIZE_INCHES
    assert _png_size(out) == (int(width * chart.DPI), int(height * chart.DPI))


def test_chart_panels_carry_the_verdicts_of_the_lines() -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    panels = {p.indicator.number: p for p in chart.panels(_result(data))}
    assert len(panels) == 22
    (water,) = panels[22].points.values()
    assert [(p.year, p.ok) for p in water] == [(2019, True), (2020, False)]  # path 87.475, then 91.65
    assert panels[21].ceiling and not panels[22].ceiling
    assert panels[2].points == {}
    # 单位建设用地产出 has no 2018 value: 5.8 in 2019 is not judgeable (not red), 6.2 in 2020 meets ＞6.0
    (land,) = panels[6].points.values()
    assert [(p.year, p.status) for p in land] == [(2019, "unjudged"), (2020, "ok")]


def test_chart_keeps_series_apart_and_red_for_behind_only(tmp_path: Path) -> None:
    data = {
        "year": 2022,
        "series": [
            {
                "id": "A",
                "source": "测试（虚构）",
                "observations": [{"indicator": 1, "year": 2022, "value": 7800}],
            },
            {
                "id": "B",
                "source": "测试（虚构）",
                "observations": [{"indicator": 1, "year": 2022, "value": 7799}],
            },
        ],
    }
    result = _result(data)
    gdp = chart.panels(result)[0].points
    assert {k: [(p.year, p.status) for p in v] for k, v in gdp.items()} == {
        "A": [(2022, "ok")],
        "B": [(2022, "behind")],
    }
    assert chart.BINDING != chart.BEHIND and chart.OK != chart.BEHIND
    assert chart.draw(result, tmp_path / "two.png").stat().st_size > 50_000


def test_chart_without_a_cjk_font_warns_and_still_draws(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "cjk_family", lambda: None)
    data = {"year": 2019, "series": [{"id": "S", "source": "测试（虚构）", "observations": []}]}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = chart.draw(_result(data), tmp_path / "plain.png")
    assert any("no CJK font" in str(w.message) for w in caught)
    assert out.stat().st_size > 0


def test_cli_show_and_chart(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["targets", "show", str(EXAMPLE)])
    assert shown.exit_code == 0, shown.output
    assert "交接断面水质达标率" in shown.stdout and "约束型预警" in shown.stdout
    assert "7800（按≥）" in shown.stdout  # a bare printed target: the comparison comes from a reading
    assert "示意数据（虚构，非官方统计）" in shown.stdout  # the series' source, not only its id
    assert "无基期值，无法判断进度" in shown.stdout
    png = tmp_path / "t.png"
    drawn = runner.invoke(app, ["targets", "chart", str(EXAMPLE), "--out", str(png)])
    assert drawn.exit_code == 0, drawn.output
    assert _png_size(png) == (1600, 2000)


def test_cli_refuses_another_document_naming_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("document: wzf-2019-16\nyear: 2019\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["targets", "show", str(bad)])
    assert result.exit_code == 2
    assert "document" in result.stderr
