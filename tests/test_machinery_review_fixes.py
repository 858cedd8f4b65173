"""Findings of the independent review of 通告〔2019〕5号 (wztg-2019-5) and the CLI, each pinned by a test.

The sample zone is the rectangle 120.62–120.70°E × 27.97–28.02°N (示例，非官方边界), half_width_m 15;
(120.66, 27.995) lies 2770.62 m inside it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from duixian.cli import app

ROOT = Path(__file__).resolve().parents[1]
ZONE = ROOT / "examples" / "wztg-2019-5" / "sample-zone.geojson"
HEADER = "id,type,rated_power_kw,absorption_m1,ringelmann,lon,lat,used_on,owner_uscc,registration_no\n"
OK_ROW = "M1,挖掘机,75,0.62,1,120.66,27.995,2020-06-01,,\n"
RECTANGLE = [[[120.62, 27.97], [120.70, 27.97], [120.70, 28.02], [120.62, 28.02], [120.62, 27.97]]]
runner = CliRunner()


def _bulk(tmp_path: Path, body: str, zone: Path = ZONE) -> tuple[Any, Path]:
    registry = tmp_path / "registry.csv"
    registry.write_text(HEADER + body, encoding="utf-8")
    report = tmp_path / "report.csv"
    result = runner.invoke(
        app, ["machinery", "bulk", str(registry), "--zone", str(zone), "--out", str(report)]
    )
    return result, report


def _flat(text: str) -> str:
    """Output without whitespace: the console wraps long error lines."""
    return "".join(text.split())


def _report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# 1. An empty registry is a valid case with no lines.
def test_calc_with_no_machines_gives_no_lines(tmp_path: Path) -> None:
    zones = [{"id": "Z", "half_width_m": 15, "geojson": {"type": "Polygon", "coordinates": RECTANGLE}}]
    for case in (
        {"document": "wztg-2019-5", "year": 2020, "zones": zones, "machines": []},
        {"document": "wztg-2019-5", "year": 2020},
    ):
        path = tmp_path / "case.json"
        path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
        result = runner.invoke(app, ["calc", str(path), "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["lines"] == []


# 2. Rows with more or fewer fields than the header: named, counted, no traceback.
def test_bulk_refuses_rows_with_the_wrong_number_of_columns(tmp_path: Path) -> None:
    result, report = _bulk(
        tmp_path,
        OK_ROW
        + "M2,挖掘机,75,0.62,1,120.66,27.995,2020-06-01,,,extra\n"  # 11 fields
        + "M3,挖掘机,75\n",  # 3 fields
    )
    assert result.exit_code == 2, result.output
    assert "第3行: 有11列，表头只有10列" in result.stderr
    assert "第4行: 只有3列，表头有10列" in result.stderr
    assert "Field required" not in result.stderr and "Traceback" not in result.output
    assert not report.exists()


def test_bulk_skips_blank_rows_and_keeps_row_numbers(tmp_path: Path) -> None:
    # A blank line and a row of empty cells are skipped; a trailing empty extra cell is harmless.
    result, report = _bulk(
        tmp_path, OK_ROW + "\n" + ",,,,,,,,,\n" + OK_ROW.replace("M1", "M5").strip() + ",\n"
    )
    assert result.exit_code == 0, result.output
    rows = _report(report)
    assert [(r["行号"], r["机械编号"]) for r in rows] == [("2", "M1"), ("5", "M5")]
    bad, _ = _bulk(tmp_path, OK_ROW + "\n" + "M2,挖掘机,75,0.62,1,120.66,27.995,2020-13-01,,\n")
    assert "第4行 used_on" in bad.stderr
    duplicate, _ = _bulk(tmp_path, OK_ROW + "\n" + OK_ROW)
    assert "第4行 id: 重复的 id 'M1'（与 第2行 相同）" in duplicate.stderr


# 4. nan/inf refused as 不是有效数字; full-width digits read as ASCII and the report shows them so.
def test_bulk_numbers_nan_inf_refused_full_width_normalised(tmp_path: Path) -> None:
    result, _ = _bulk(
        tmp_path,
        "M1,挖掘机,nan,inf,1,120.66,27.995,2020-06-01,,\n"
        "M2,挖掘机,75,0.62,1,-Infinity,27.995,2020-06-01,,\n"
        "M3,挖掘机,75,0.62,1e0,120.66,27.995,2020-06-01,,\n",
    )
    assert result.exit_code == 2
    for expected in (
        "第2行 rated_power_kw: 'nan' 不是有效数字",
        "第2行 absorption_m1: 'inf' 不是有效数字",
        "第3行 lon: '-Infinity' 不是有效数字",
        "第4行 ringelmann: '1e0' 不是有效数字",
    ):
        assert expected in result.stderr, result.stderr
    assert "finite" not in result.stderr
    result, report = _bulk(tmp_path, "M1,挖掘机,7５,０.６２,１,１２０.６６,27.995,2020-06-01,,\n")
    assert result.exit_code == 0, result.output
    (row,) = _report(report)
    assert (row["额定净功率kW"], row["光吸收系数m-1"], row["林格曼黑度"], row["经度"]) == (
        "75",
        "0.62",
        "1",
        "120.66",
    )
    assert row["结论"] == "禁止使用" and "光吸收系数 0.62 超过限值 0.50" in row["理由"]


def test_check_numbers_nan_refused_full_width_accepted() -> None:
    base = ["machinery", "check", "--zone", str(ZONE), "--lat", "27.995", "--date", "2020-06-01"]
    result = runner.invoke(app, [*base, "--lon", "nan", "--power", "inf", "--absorption", "0.6"])
    assert result.exit_code == 2
    assert "--lon: 'nan' 不是有效数字" in result.stderr and "--power: 'inf' 不是有效数字" in result.stderr
    result = runner.invoke(
        app, [*base, "--lon", "120.66", "--power", "７５", "--absorption", "０.６２", "--json"]
    )
    payload = json.loads(result.stdout)
    assert payload["verdict"] == "禁止使用"
    shown = {s["name"]: s["value"] for s in payload["lines"][1]["steps"]}
    assert shown["power"] == "75" and shown["absorption"] == "0.62"


# 3. One zone, one half-width: features with different half_width_m are refused; equal ones are unioned.
def _zone_file(tmp_path: Path, widths: list[Any]) -> Path:
    west = [[[120.62, 27.97], [120.66, 27.97], [120.66, 28.02], [120.62, 28.02], [120.62, 27.97]]]
    east = [[[120.66, 27.97], [120.70, 27.97], [120.70, 28.02], [120.66, 28.02], [120.66, 27.97]]]
    features = []
    for ring, width in zip((west, east), widths, strict=True):
        properties = {"说明": "示例，非官方边界"} | ({} if width is None else {"half_width_m": width})
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": {"type": "Polygon", "coordinates": ring},
            }
        )
    path = tmp_path / "two-parts.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def test_zone_parts_with_different_half_widths_are_refused(tmp_path: Path) -> None:
    for widths, listed in (
        ([15, 30], "features[0]：15，features[1]：30"),
        ([15, None], "features[1]：未给出"),
    ):
        zone = _zone_file(tmp_path, widths)
        result, report = _bulk(tmp_path, OK_ROW, zone)
        assert result.exit_code == 2, result.output
        errors = _flat(result.stderr)
        assert errors.startswith("输入错误--zone:") and "half_width_m不一致" in errors and listed in errors
        assert not report.exists()
        check = runner.invoke(
            app,
            ["machinery", "check", "--zone", str(zone), "--lon", "120.66", "--lat", "27.995", "--date",
             "2020-06-01", "--power", "75", "--absorption", "0.62"],
        )  # fmt: skip
        assert check.exit_code == 2 and "half_width_m不一致" in _flat(check.stderr)


def test_zone_parts_with_equal_half_widths_are_one_area(tmp_path: Path) -> None:
    """The parts meet on lon 120.66: that shared edge is no boundary road. 120.66005 is 4.9 m east of it
    (0.00005° × 98 366 m/°) and 2770 m from the outer line: in the zone with a 15 m half-width."""
    zone = _zone_file(tmp_path, [15, 15.0])
    result, report = _bulk(tmp_path, "M1,挖掘机,75,0.62,1,120.66005,27.995,2020-06-01,,\n", zone)
    assert result.exit_code == 0, result.output
    (row,) = _report(report)
    assert row["位于边界道路上"] == "否" and row["距边界线米"] == "2770.62" and row["结论"] == "禁止使用"


# 5. Below 37 kW (default ringelmann_only): not "达到Ⅲ类限值" but "no Class III absorption limit", naming the reading.
def test_below_37kw_explanation_names_the_missing_limit_and_the_reading(tmp_path: Path) -> None:
    result, report = _bulk(tmp_path, "M1,叉车,36.999,1.20,1,120.66,27.995,2020-06-01,,\n")
    assert result.exit_code == 0, result.output
    (row,) = _report(report)
    assert row["结论"] == "不在禁止之列" and row["高排放"] == "否"
    assert row["理由"] == (
        "非高排放：光吸收系数 1.20 m⁻¹ 不据以判断：该功率段（19≤Pmax＜37 kW）无Ⅲ类光吸收系数限值"
        "（解释口径 wztg-2019-5.high.below_37kw = ringelmann_only）；林格曼黑度 1 级 ≤ 限值 1 级；在禁止使用区内"
    )
    assert "达到Ⅲ类限值" not in row["理由"]
    check = runner.invoke(
        app,
        ["machinery", "check", "--zone", str(ZONE), "--lon", "120.66", "--lat", "27.995", "--date", "2020-06-01",
         "--power", "36.999", "--absorption", "1.20", "--ringelmann", "1"],
    )  # fmt: skip
    assert "结论：非高排放（该功率段无Ⅲ类光吸收系数限值，只按林格曼黑度判断：未超过限值）" in check.stdout
    assert "排气烟度达到Ⅲ类限值" not in check.stdout


# 7. check --exit-code: 1 禁止使用, 0 不在禁止之列, 2 bad input; without it 0 either way.
def test_check_exit_code_tells_the_verdict() -> None:
    base = ["machinery", "check", "--zone", str(ZONE), "--lon", "120.66", "--lat", "27.995", "--power", "75"]
    banned = [*base, "--date", "2020-06-01", "--absorption", "0.62"]
    allowed = [*base, "--date", "2020-06-01", "--absorption", "0.50"]
    assert runner.invoke(app, [*banned, "--exit-code"]).exit_code == 1
    assert runner.invoke(app, [*banned, "--exit-code", "--json"]).exit_code == 1
    assert runner.invoke(app, [*allowed, "--exit-code"]).exit_code == 0
    assert runner.invoke(app, banned).exit_code == 0  # default unchanged
    assert runner.invoke(app, [*base, "--date", "2020-06-01", "--exit-code"]).exit_code == 2  # no smoke test
    assert "--exit-code" in runner.invoke(app, ["machinery", "check", "--help"]).stdout
