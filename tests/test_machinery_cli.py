"""`duixian machinery check|bulk` (通告〔2019〕5号), run in-process against the SAMPLE zone.

The sample zone (examples/wztg-2019-5/sample-zone.geojson) is a rectangle 120.62–120.70°E ×
27.97–28.02°N marked 示例，非官方边界, half_width_m 15. Along its south edge at 120.66°E, latitude
27.9701 lies 11.08 m inside (on the boundary road), 27.995 lies 2770.62 m inside.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from duixian.cli import app

ROOT = Path(__file__).resolve().parents[1]
ZONE = ROOT / "examples" / "wztg-2019-5" / "sample-zone.geojson"
runner = CliRunner()

HEADER = "id,type,rated_power_kw,absorption_m1,ringelmann,lon,lat,used_on,owner_uscc,registration_no\n"


def check(*args: str) -> list[str]:
    return ["machinery", "check", "--zone", str(ZONE), *args]


def test_check_prohibits_a_high_emission_machine_in_the_zone_from_2020_03_01() -> None:
    args = ["--lon", "120.66", "--lat", "27.995", "--power", "75", "--absorption", "0.62", "--type", "挖掘机"]
    result = runner.invoke(app, check(*args, "--date", "2020-03-01"))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("结论：禁止使用")
    assert "由生态环境部门依法予以处罚" in result.stdout
    assert "适用的光吸收系数限值（m⁻¹）：0.50" in result.stdout
    assert "示例，非官方边界" in result.stderr
    before = runner.invoke(app, check(*args, "--date", "2020-02-29"))
    assert before.exit_code == 0, before.output
    assert before.stdout.startswith("结论：不在禁止之列")
    assert "✗ 使用日期在通告施行之日（2020-03-01）或以后" in before.stdout


def test_check_boundary_road_depends_on_the_half_width() -> None:
    args = [
        "--lon",
        "120.66",
        "--lat",
        "27.9701",
        "--date",
        "2020-06-01",
        "--power",
        "75",
        "--absorption",
        "0.9",
    ]
    on_road = runner.invoke(app, check(*args))  # half_width_m 15 from the zone file; 11.08 m ≤ 15 m
    assert on_road.exit_code == 0, on_road.output
    assert on_road.stdout.startswith("结论：不在禁止之列")
    assert "位于边界道路上：是" in on_road.stdout
    narrow = runner.invoke(app, check(*args, "--half-width", "11"))  # 11.08 m > 11 m
    assert narrow.stdout.startswith("结论：禁止使用"), narrow.output


def test_check_json_and_a_reading() -> None:
    args = [
        "--lon",
        "120.66",
        "--lat",
        "27.995",
        "--date",
        "2020-06-01",
        "--power",
        "30",
        "--absorption",
        "1.2",
    ]
    default = json.loads(runner.invoke(app, check(*args, "--json")).stdout)
    assert default["verdict"] == "不在禁止之列"  # below 37 kW: no Class III absorption limit by default
    assert default["sample_zone"] is True
    switched = runner.invoke(
        app, check(*args, "--json", "--reading", "wztg-2019-5.high.below_37kw=class2_band")
    )
    payload = json.loads(switched.stdout)
    assert payload["verdict"] == "禁止使用"  # Class II 19–37 kW: 1.2 > 1.00
    used = {r["switch"]: r["option"] for r in payload["lines"][0]["readings"]}
    assert used["wztg-2019-5.high.below_37kw"] == "class2_band"


def test_check_errors_name_the_option_and_exit_2(tmp_path: Path) -> None:
    ok = ["--lat", "27.995", "--date", "2020-06-01", "--power", "75", "--absorption", "0.6"]
    result = runner.invoke(app, check("--lon", "190", *ok))
    assert result.exit_code == 2 and "--lon" in result.stderr
    result = runner.invoke(app, check("--lon", "120.66", *ok, "--type", "飞船"))
    assert result.exit_code == 2 and "--type" in result.stderr and "挖掘机" in result.stderr
    result = runner.invoke(
        app, check("--lon", "120.66", "--lat", "27.995", "--date", "2020-06-01", "--power", "75")
    )
    assert result.exit_code == 2 and "--absorption/--ringelmann" in result.stderr
    point = tmp_path / "point.geojson"
    point.write_text('{"type": "Point", "coordinates": [120.66, 27.99]}', encoding="utf-8")
    result = runner.invoke(
        app, ["machinery", "check", "--zone", str(point), "--half-width", "5", "--lon", "120.66", *ok]
    )
    assert result.exit_code == 2 and "--zone" in result.stderr and "Point" in result.stderr
    bare = tmp_path / "bare.geojson"
    bare.write_text(
        '{"type": "Polygon", "coordinates": [[[120.62, 27.97], [120.70, 27.97], [120.70, 28.02], [120.62, 27.97]]]}',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["machinery", "check", "--zone", str(bare), "--lon", "120.66", *ok])
    assert result.exit_code == 2 and "--half-width" in result.stderr  # the notice gives no road width
    assert "Traceback" not in result.output


def _registry(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "registry.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_bulk_writes_one_row_per_machine_and_a_summary(tmp_path: Path) -> None:
    registry = _registry(
        tmp_path,
        "M1,挖掘机,75,0.62,1,120.66,27.995,2020-06-01,91330300MA285ABC1L,浙C0001\n"
        "M2,装载机,110,0.50,1,120.66,27.995,2020-06-01,,\n"
        "M3,叉车,30,1.20,2,120.66,27.9701,2020-06-01,,\n"
        "M4,excavator,75,0.80,,120.50,27.995,2020-06-01,,\n"
        "M5,压路机,90,0.90,1,120.66,27.995,2020-02-29,,\n",
    )
    report = tmp_path / "report.csv"
    result = runner.invoke(
        app, ["machinery", "bulk", str(registry), "--zone", str(ZONE), "--out", str(report)]
    )
    assert result.exit_code == 0, result.output
    rows = _report(report)
    assert [r["机械编号"] for r in rows] == ["M1", "M2", "M3", "M4", "M5"]
    assert [r["结论"] for r in rows] == [
        "禁止使用",
        "不在禁止之列",
        "不在禁止之列",
        "不在禁止之列",
        "不在禁止之列",
    ]
    m1, m2, m3, m4, m5 = rows
    assert (
        m1["行号"] == "2"
        and m1["所有人统一社会信用代码"] == "91330300MA285ABC1L"
        and m1["登记编码"] == "浙C0001"
    )
    assert (
        m1["理由"] == "高排放：光吸收系数 0.62 超过限值 0.50 m⁻¹；在禁止使用区内；由生态环境部门依法予以处罚"
    )
    assert m1["禁止使用区"] == "Z sample（示例，非官方边界）"
    assert m2["高排放"] == "否"  # 0.50 = limit meets it
    assert (
        m2["理由"] == "非高排放：光吸收系数 0.50 ≤ 限值 0.50 m⁻¹；林格曼黑度 1 级 ≤ 限值 1 级；在禁止使用区内"
    )
    assert m3["位于边界道路上"] == "是" and m3["距边界线米"] == "11.08" and m3["高排放"] == "是"
    assert "林格曼黑度 2 级超过 1 级" in m3["理由"]
    assert m4["位于多边形内"] == "否" and m4["机械类型"] == "挖掘机" and "在禁止使用区外" in m4["理由"]
    assert "使用日期早于通告施行之日 2020-03-01" in m5["理由"]
    summary = result.stdout
    assert "登记机械" in summary and "禁止使用" in summary
    assert "│ 禁止使用                       │ 1    │" in summary
    assert "│ 高排放（未达到Ⅲ类限值）        │ 4    │" in summary


def test_bulk_reports_row_errors_and_writes_nothing(tmp_path: Path) -> None:
    registry = _registry(
        tmp_path,
        "M1,挖掘机,75,0.62,1,120.66,27.995,2020-06-01,,\n"
        "M2,挖掘机,75,0.62,1,200,27.995,2020-06-01,,\n"
        "M3,飞船,75,0.62,1,120.66,27.995,2020-06-01,,\n"
        "M4,挖掘机,75,,,120.66,27.995,2020-06-01,,\n"
        "M1,挖掘机,75,0.62,1,120.66,27.995,2020-13-01,,\n",
    )
    report = tmp_path / "report.csv"
    report.write_text("previous report\n", encoding="utf-8")
    result = runner.invoke(
        app, ["machinery", "bulk", str(registry), "--zone", str(ZONE), "--out", str(report)]
    )
    assert result.exit_code == 2
    for expected in ("第3行 lon", "第4行 type", "第5行 （检测结果", "第6行 used_on"):
        assert expected in result.stderr, result.stderr
    assert report.read_text(encoding="utf-8") == "previous report\n"  # untouched
    assert list(tmp_path.glob(".duixian-*")) == []
    duplicate = _registry(tmp_path, "M1,挖掘机,75,0.62,1,120.66,27.995,2020-06-01,,\n" * 2)
    result = runner.invoke(
        app, ["machinery", "bulk", str(duplicate), "--zone", str(ZONE), "--out", str(report)]
    )
    assert result.exit_code == 2 and "第3行 id: 重复的 id 'M1'（与 第2行 相同）" in result.stderr
    assert "machines[" not in result.stderr


def test_bulk_refuses_bad_headers_and_xlsx(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,type,power,lon,lat,used_on\nM1,挖掘机,75,120.66,27.995,2020-06-01\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["machinery", "bulk", str(bad), "--zone", str(ZONE), "--out", str(out)])
    assert result.exit_code == 2
    assert "表头 rated_power_kw: 缺少必填列" in result.stderr and "表头 power: 未知列" in result.stderr
    assert not out.exists()
    registry = _registry(tmp_path, "M1,挖掘机,75,0.62,1,120.66,27.995,2020-06-01,,\n")
    result = runner.invoke(
        app, ["machinery", "bulk", str(registry), "--zone", str(ZONE), "--out", str(tmp_path / "r.xlsx")]
    )
    assert result.exit_code == 2 and ".xlsx" in result.stderr


def test_bulk_large_registry_is_vectorised(tmp_path: Path) -> None:
    """3,000 machines along a north–south line through the zone: each latitude's verdict as expected."""
    lines = []
    for i in range(3000):
        lat = 27.96 + i * 0.00002  # 27.96 … 28.01998, crossing the south edge (27.97) at i = 500
        lines.append(f"M{i},挖掘机,75,0.62,1,120.66,{lat:.5f},2020-06-01,,\n")
    registry = _registry(tmp_path, "".join(lines))
    report = tmp_path / "report.csv"
    result = runner.invoke(
        app, ["machinery", "bulk", str(registry), "--zone", str(ZONE), "--out", str(report)]
    )
    assert result.exit_code == 0, result.output
    rows = _report(report)
    assert len(rows) == 3000
    banned = [float(r["纬度"]) for r in rows if r["结论"] == "禁止使用"]
    # 15 m of half-width is 0.000135° of latitude: the banned points lie just beyond it, on both edges.
    assert min(banned) == 27.97014  # 15.5 m north of the south edge; 27.97012 is 13.3 m
    assert max(banned) == 28.01986  # 15.5 m south of the north edge (28.02)
    assert len(banned) == round((28.01986 - 27.97014) / 0.00002) + 1
    assert all(r["位于边界道路上"] == "是" for r in rows if 27.96986 < float(r["纬度"]) < 27.97014)
