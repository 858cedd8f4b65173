"""`duixian machinery` — 通告〔2019〕5号 高排放非道路移动机械禁止使用区: check one machine, or a registry.

    duixian machinery check --zone ZONE.geojson --lon 120.66 --lat 27.995 --date 2020-06-01 \\
        --power 75 --absorption 0.62 [--ringelmann 1] [--type 挖掘机] [--half-width 15] [--exit-code]
    duixian machinery bulk REGISTRY.csv --zone ZONE.geojson --out REPORT.csv [--half-width 15]

The zone is the user's polygon (GeoJSON, lon/lat WGS84/CGCS2000): the notice names its roads and gives no
coordinates. The half-width of the boundary roads (metres; 0 = the polygon traces their inner edges) comes
from --half-width or the property ``half_width_m`` of the zone file; the notice does not give it. A zone
file whose features state different half-widths is refused (one zone, one half-width).

Exit codes: 0 done, 2 bad input. With ``check --exit-code``: 1 when the use is prohibited (禁止使用),
0 when it is not (不在禁止之列), 2 bad input.

Registry CSV (UTF-8, header row, one machine per row):
    id               machine id, unique (required)
    type             machine type: code or Chinese name, e.g. excavator / 挖掘机 (required; see
                     ``duixian schema wztg-2019-5``), other = 其他非道路柴油移动机械
    rated_power_kw   额定净功率 Pmax, kW (required)
    absorption_m1    光吸收系数, m⁻¹, ≤ 3 decimals   } at least one of the two
    ringelmann       林格曼黑度, grade 0–5            }
    lon, lat         place of use, WGS84/CGCS2000 degrees (required)
    used_on          date of use, YYYY-MM-DD (required)
    owner_uscc       owner's unified social credit code (optional)
    registration_no  非道路移动机械登记编码 (optional)
Numbers may be written with full-width digits (７５, ０.６２): they are read as ASCII and the report shows
them so; nan, inf and anything else not a plain decimal number are refused. Every row has the header's
number of columns. Errors name the row (the header is row 1) and the column; a registry with any error
writes no report. Rows with every cell empty are skipped.
The report is CSV (UTF-8 with BOM, opens in Excel); .xlsx output is not available yet.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from duixian import rulebook
from duixian.cli._common import err, out, print_json, user_errors
from duixian.engine.evaluate import Result, calculate
from duixian.engine.explain import explain_line, to_text
from duixian.engine.rules import Lines
from duixian.errors import InputError, InputErrors
from duixian.rulebook.wztg_2019_5.geometry import half_width_property, read_geojson

DOC_ID = "wztg-2019-5"
SAMPLE_MARK = "示例"
CSV_COLUMNS = (
    "id", "type", "rated_power_kw", "absorption_m1", "ringelmann", "lon", "lat", "used_on", "owner_uscc",
    "registration_no",
)  # fmt: skip
REQUIRED_COLUMNS = ("id", "type", "rated_power_kw", "lon", "lat", "used_on")
NUMBER_COLUMNS = ("rated_power_kw", "absorption_m1", "ringelmann", "lon", "lat")
# A plain decimal number once full-width digits are read as ASCII: no nan, inf, exponent or separator.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
REPORT_COLUMNS = (
    "行号", "机械编号", "机械类型", "额定净功率kW", "光吸收系数m-1", "林格曼黑度", "经度", "纬度", "使用日期",
    "所有人统一社会信用代码", "登记编码", "高排放", "适用光吸收系数限值m-1", "位于多边形内", "距边界线米",
    "位于边界道路上", "禁止使用区", "在禁止使用区内", "结论", "理由",
)  # fmt: skip
# The check command's options, by the case field they fill.
CHECK_OPTIONS = {
    "lon": "--lon",
    "lat": "--lat",
    "used_on": "--date",
    "rated_power_kw": "--power",
    "absorption_m1": "--absorption",
    "ringelmann": "--ringelmann",
    "type": "--type",
    "id": "--id",
}
PROGRESS_FROM_ROWS = 2000  # show a progress bar from this many rows on

app = typer.Typer(
    help="通告〔2019〕5号 高排放非道路移动机械禁止使用区：单台核查（check）与登记表批量核查（bulk）",
    no_args_is_help=True,
)


def _zone(zone: Path, half_width: str | None) -> tuple[dict[str, Any], bool]:
    """The case's zone entry from a GeoJSON file, and whether it is marked as a sample."""
    try:
        data = read_geojson(str(zone))
    except ValueError as exc:
        raise InputError("--zone", str(exc)) from None
    try:
        stated = half_width_property(data)  # the features' half-widths agree, or the file is refused
    except ValueError as exc:
        raise InputError("--zone", f"{zone}：{exc}") from None
    properties: Mapping[str, Any] = data.get("properties") or {}
    features = data.get("features")
    if not properties and isinstance(features, list) and features and isinstance(features[0], Mapping):
        properties = features[0].get("properties") or {}
    width = half_width if half_width is not None else stated
    if width is None or str(width).strip() == "":
        raise InputError(
            "--half-width",
            "必填：通告未规定边界道路宽度，请给出边界道路半宽（米；0 表示多边形已沿道路内侧边线绘制），"
            "或在区域文件的 properties 中写明 half_width_m",
        )
    name = str(properties.get("name", ""))
    sample = any(SAMPLE_MARK in str(v) for v in properties.values())
    label = f"{name}（示例，非官方边界）" if sample else name
    return {"id": "Z", "name": label, "geojson": str(zone), "half_width_m": str(width).strip()}, sample


def _readings(reading: list[str] | None) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for item in reading or []:
        switch, sep, option = item.partition("=")
        if not sep or not switch.strip() or not option.strip():
            raise InputError(
                "--reading", f"{item!r} 应写作 开关=选项，例如 {DOC_ID}.high.below_37kw=class2_band"
            )
        chosen[switch.strip()] = option.strip()
    return chosen


def _calculate(case: dict[str, Any]) -> Result:
    doc = rulebook.documents()[DOC_ID]
    return calculate(doc, case, rulebook.parameters(), rulebook.register())


def _renamed(exc: InputError | InputErrors, rename: Callable[[str], str]) -> InputErrors:
    errors = exc.errors if isinstance(exc, InputErrors) else [exc]
    return InputErrors([InputError(rename(e.field), e.reason) for e in errors])


def _number(text: str) -> str | None:
    """A number as typed, full-width digits read as ASCII (７５ → 75); None unless a plain finite decimal."""
    normal = unicodedata.normalize("NFKC", text).strip()
    return normal if PLAIN_NUMBER.fullmatch(normal) else None


def _numbers(values: Mapping[str, str | None]) -> tuple[dict[str, str], list[InputError]]:
    """The numbers given (by field), normalised; an error for each that is not a number."""
    good: dict[str, str] = {}
    errors = []
    for field, text in values.items():
        if text is None or text.strip() == "":
            continue
        number = _number(text)
        if number is None:
            errors.append(InputError(field, f"{text!r} 不是有效数字"))
        else:
            good[field] = number
    return good, errors


def _sample_notice(sample: bool) -> None:
    if sample:
        err.print(
            "[yellow]注意[/yellow]：所用区域多边形标注为示例（示例，非官方边界），结论不能用于执法。",
            highlight=False,
        )


def _lines(result: Result) -> dict[str, Lines]:
    return {ln.rule_id.rsplit(".", 1)[1]: ln for ln in result.lines}


@app.command()
@user_errors
def check(
    zone: Annotated[
        Path, typer.Option("--zone", help="禁止使用区多边形 GeoJSON 文件（经纬度 WGS84/CGCS2000）")
    ],
    lon: Annotated[str, typer.Option("--lon", help="使用地点经度")],
    lat: Annotated[str, typer.Option("--lat", help="使用地点纬度")],
    date: Annotated[str, typer.Option("--date", help="使用日期 YYYY-MM-DD")],
    power: Annotated[str, typer.Option("--power", help="额定净功率 Pmax（kW）")],
    absorption: Annotated[str | None, typer.Option("--absorption", help="实测光吸收系数（m⁻¹）")] = None,
    ringelmann: Annotated[str | None, typer.Option("--ringelmann", help="实测林格曼黑度（级）")] = None,
    machine_type: Annotated[str, typer.Option("--type", help="机械类型，代码或中文名，如 挖掘机")] = "other",
    half_width: Annotated[
        str | None, typer.Option("--half-width", help="边界道路半宽（米）；缺省取区域文件的 half_width_m")
    ] = None,
    machine_id: Annotated[str, typer.Option("--id", help="机械编号")] = "M",
    reading: Annotated[list[str] | None, typer.Option("--reading", help="解释口径 开关=选项，可重复")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出（供程序读取），含完整说明")] = False,
    exit_code: Annotated[
        bool,
        typer.Option(
            "--exit-code",
            help="以退出码表示结论：禁止使用 → 1，不在禁止之列 → 0（输入错误仍为 2）；缺省一律为 0",
        ),
    ] = False,
) -> None:
    """核查该机械在此地点、此日期是否禁止使用，输出结论及说明。

    加 --exit-code 时，退出码即表示结论，无需解析输出：1 禁止使用，0 不在禁止之列，2 输入错误。
    不加时，两种结论的退出码均为 0。
    """
    zone_entry, sample = _zone(zone, half_width)
    numbers, errors = _numbers(
        {"--lon": lon, "--lat": lat, "--power": power, "--absorption": absorption, "--ringelmann": ringelmann}
    )
    if errors:
        raise InputErrors(errors)
    machine: dict[str, Any] = {"id": machine_id, "type": machine_type, "used_on": date, "ban_zone": "Z"}
    for field, name in CHECK_OPTIONS.items():
        if name in numbers:
            machine[field] = numbers[name]
    case = {"readings": _readings(reading), "zones": [zone_entry], "machines": [machine]}

    def option(field: str) -> str:
        if field.startswith("zones[0]."):
            return "--half-width" if field.endswith("half_width_m") else "--zone"
        if field.startswith("machines[0]"):
            return CHECK_OPTIONS.get(field.rpartition(".")[2], "--absorption/--ringelmann")
        return field.replace("readings.", "--reading ")

    try:
        result = _calculate(case)
    except (InputError, InputErrors) as exc:
        raise _renamed(exc, option) from None
    lines = _lines(result)
    items = [explain_line(result, lines[rule], 0) for rule in ("ban", "high", "zone")]
    if as_json:
        payload = {"document": DOC_ID, "verdict": items[0]["verdict"], "sample_zone": sample, "lines": items}
        print_json(payload)
    else:
        _sample_notice(sample)
        out.print(f"结论：{items[0]['verdict']}", style="bold", highlight=False)
        for item in items:
            out.print(to_text(item), highlight=False, soft_wrap=True)
            out.print()
    if exit_code and bool(lines["ban"].eligible[0]):
        raise typer.Exit(1)


@dataclass
class Registry:
    """The data rows of a registry CSV, numbers normalised, with the row number (header = 1) of each."""

    rows: list[dict[str, str]]
    numbers: list[int]

    def row_field(self, field: str) -> str:
        """machines[4].lon → 第6行 lon (when the fifth machine is on row 6)."""
        match = re.fullmatch(r"machines\[(\d+)\](?:\.(\w+))?", field)
        if match is None:
            return {"zones[0].half_width_m": "--half-width"}.get(
                field, "--zone" if field.startswith("zones") else field
            )
        return f"第{self.numbers[int(match.group(1))]}行 {match.group(2) or '（检测结果 absorption_m1/ringelmann）'}"

    def renamed(self, exc: InputError | InputErrors) -> InputErrors:
        """Errors naming rows, not the internal machines[k] (also inside a reason: a duplicate id)."""

        def row(match: re.Match[str]) -> str:
            return f"第{self.numbers[int(match.group(1))]}行"

        errors = exc.errors if isinstance(exc, InputErrors) else [exc]
        return InputErrors(
            [InputError(self.row_field(e.field), re.sub(r"machines\[(\d+)\]", row, e.reason)) for e in errors]
        )


def _read_csv(registry: Path) -> list[list[str]]:
    try:
        with registry.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    except OSError as exc:
        raise InputError(str(registry), f"无法读取：{exc.strerror}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(str(registry), f"不是 UTF-8 编码的 CSV：{exc}") from None


def _rows(registry: Path) -> Registry:
    records = _read_csv(registry)
    header = [h.strip() for h in (records[0] if records else [])]
    errors = [InputError(f"表头 {c}", "缺少必填列") for c in REQUIRED_COLUMNS if c not in header]
    errors += [
        InputError(f"表头 {c}", f"未知列（可用列：{', '.join(CSV_COLUMNS)}）")
        for c in header
        if c not in CSV_COLUMNS
    ]
    if errors:
        raise InputErrors(errors)
    rows, numbers = [], []
    for number, record in enumerate(records[1:], start=2):
        cells = [c.strip() for c in record]
        if not any(cells):
            continue  # a blank row (a blank line, or a row of empty cells as spreadsheets leave)
        if len(cells) > len(header) and any(cells[len(header) :]):
            errors.append(InputError(f"第{number}行", f"有{len(cells)}列，表头只有{len(header)}列"))
            continue
        if len(cells) < len(header):
            errors.append(InputError(f"第{number}行", f"只有{len(cells)}列，表头有{len(header)}列"))
            continue
        row = dict(zip(header, cells, strict=False))
        good, bad = _numbers({c: row[c] for c in NUMBER_COLUMNS if c in row})
        errors += [InputError(f"第{number}行 {e.field}", e.reason) for e in bad]
        rows.append({**row, **good})
        numbers.append(number)
    if errors:
        raise InputErrors(errors)
    if not rows:
        raise InputError(str(registry), "没有数据行")
    return Registry(rows, numbers)


def _machines(rows: list[dict[str, str]], progress: Progress) -> Iterator[dict[str, Any]]:
    task = progress.add_task("读取登记表", total=len(rows))
    for row in rows:
        machine: dict[str, Any] = {k: v for k, v in row.items() if v != "" and k in CSV_COLUMNS}
        machine["ban_zone"] = "Z"
        progress.advance(task)
        yield machine


def _reasons(lines: dict[str, Lines], start: str) -> list[str]:
    """Why each machine is, or is not, prohibited: the conditions that decided it, in words."""
    high, zone, ban = lines["high"], lines["zone"], lines["ban"]
    hs, zs = high.steps, zone.steps
    banned = ban.eligible
    in_force = next(iter(c for label, c in ban.conditions.items() if label.startswith("使用日期")))
    out_rows = []
    for i in range(len(banned)):
        parts: list[str] = []
        if high.eligible[i]:
            if hs["absorption_exceeds"].values[i]:
                parts.append(
                    f"高排放：光吸收系数 {hs['absorption'].values[i]} 超过限值 {hs['absorption_limit'].values[i]} m⁻¹"
                )
            if hs["ringelmann_exceeds"].values[i]:
                parts.append(
                    f"高排放：林格曼黑度 {hs['ringelmann'].values[i]} 级超过 {hs['ringelmann_limit'].values[i]} 级"
                )
        else:  # what the smoke test was held against, and which reading left a band without a limit
            parts.append(f"非高排放：{hs['basis'].values[i]}")
        if zone.eligible[i]:
            parts.append("在禁止使用区内")
        elif zs["on_boundary_road"].values[i]:
            parts.append(
                f"位于边界道路上（距边界线 {zs['distance_m'].values[i]} 米 ≤ 半宽 {zs['half_width_m'].values[i]} 米），不属禁止使用区"
            )
        else:
            parts.append("在禁止使用区外")
        if not in_force[i]:
            parts.append(f"使用日期早于通告施行之日 {start}")
        if banned[i]:
            parts.append("由生态环境部门依法予以处罚")
        out_rows.append("；".join(parts))
    return out_rows


def _report(result: Result, registry: Registry) -> Iterator[list[str]]:
    rows = registry.rows
    lines = _lines(result)
    high, zone, ban = lines["high"], lines["zone"], lines["ban"]
    start = str(result.context.params[f"{DOC_ID}.ban.effective_from"].values[-1].value)
    reasons = _reasons(lines, start)
    yes_no = np.where
    for i, row in enumerate(rows):
        yield [
            str(registry.numbers[i]), row.get("id", ""), str(high.steps["type"].values[i]), row.get("rated_power_kw", ""),
            row.get("absorption_m1", ""), row.get("ringelmann", ""), row.get("lon", ""), row.get("lat", ""),
            row.get("used_on", ""), row.get("owner_uscc", ""), row.get("registration_no", ""),
            str(yes_no(high.eligible[i], "是", "否")), str(high.steps["absorption_limit"].values[i]),
            str(yes_no(zone.steps["inside_polygon"].values[i], "是", "否")), str(zone.steps["distance_m"].values[i]),
            str(yes_no(zone.steps["on_boundary_road"].values[i], "是", "否")), str(zone.steps["zone"].values[i]),
            str(yes_no(zone.eligible[i], "是", "否")),
            "禁止使用" if ban.eligible[i] else "不在禁止之列", reasons[i],
        ]  # fmt: skip


def _write_atomically(path: Path, rows: Iterator[list[str]], total: int, progress: Progress) -> None:
    """Write the report beside its destination, then move it into place: never a half-written report."""
    task = progress.add_task("写入核查报告", total=total)
    directory = path.resolve().parent
    if not directory.is_dir():
        raise InputError("--out", f"目录不存在：{directory}")
    fd, tmp = tempfile.mkstemp(prefix=".duixian-", suffix=".csv", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(REPORT_COLUMNS)
            for row in rows:
                writer.writerow(row)
                progress.advance(task)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command()
@user_errors
def bulk(
    registry: Annotated[Path, typer.Argument(help="非道路移动机械登记表 CSV（列见下文）")],
    zone: Annotated[Path, typer.Option("--zone", help="禁止使用区多边形 GeoJSON 文件")],
    out_path: Annotated[Path, typer.Option("--out", help="核查报告 CSV（.xlsx 暂不支持）")],
    half_width: Annotated[
        str | None, typer.Option("--half-width", help="边界道路半宽（米）；缺省取区域文件的 half_width_m")
    ] = None,
    reading: Annotated[list[str] | None, typer.Option("--reading", help="解释口径 开关=选项，可重复")] = None,
) -> None:
    """核查登记表 CSV 中的每台机械：每台写一行核查报告，并输出汇总。

    \b
    CSV（UTF-8，首行为表头）列：
      id 机械编号（必填，唯一）；type 机械类型（必填，代码或中文名，如 挖掘机）；
      rated_power_kw 额定净功率 kW（必填）；absorption_m1 光吸收系数 m⁻¹、ringelmann 林格曼黑度级数（至少一项）；
      lon、lat 使用地点经纬度（必填）；used_on 使用日期 YYYY-MM-DD（必填）；
      owner_uscc 所有人统一社会信用代码、registration_no 登记编码（选填）。
    任何一行有错即报告行号与列名，不写报告；报告为 CSV（.xlsx 暂不支持）。
    """
    if out_path.suffix.lower() != ".csv":
        raise InputError("--out", "报告只能写为 .csv（.xlsx 输出尚不可用）")
    zone_entry, sample = _zone(zone, half_width)
    table = _rows(registry)
    rows = table.rows
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=len(rows) < PROGRESS_FROM_ROWS,
    )  # fmt: skip
    with progress:
        case = {
            "readings": _readings(reading),
            "zones": [zone_entry],
            "machines": list(_machines(rows, progress)),
        }
        task = progress.add_task("核查（向量化计算）", total=1)
        try:
            result = _calculate(case)
        except (InputError, InputErrors) as exc:
            raise table.renamed(exc) from None
        progress.advance(task)
        _write_atomically(out_path, _report(result, table), len(rows), progress)
    lines = _lines(result)
    summary = Table("项目", "台数", title=f"通告〔2019〕5号 禁止使用区核查：{registry.name}")
    summary.add_row("登记机械", str(len(rows)))
    summary.add_row("高排放（未达到Ⅲ类限值）", str(int(lines["high"].eligible.sum())))
    summary.add_row("在禁止使用区内（不含边界道路）", str(int(lines["zone"].eligible.sum())))
    summary.add_row("位于边界道路上", str(int(lines["zone"].steps["on_boundary_road"].values.sum())))
    summary.add_row("禁止使用", str(int(lines["ban"].eligible.sum())))
    _sample_notice(sample)
    out.print(summary)
    out.print(f"核查报告已写入 {out_path}（CSV，UTF-8）", highlight=False)


__all__ = ["app"]
