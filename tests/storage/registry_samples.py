"""Registry files for the tests: codes completed with their GB 32100-2015 check character, workbooks
written with openpyxl, CSVs in UTF-8 or GB18030."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from duixian.engine.identifiers import with_check_character

# Registration authority 9 (工商), category 1 (企业), division 330302 (鹿城区) …
ENTERPRISE = with_check_character("91330302MA2A00001")
BANK = with_check_character("91330300MA2B00002")
GUARANTOR = with_check_character("91330381MA2C00003")
# … and codes whose first character is a letter: N (农业, 集体经济组织) and Y (其他).
VILLAGE = with_check_character("N2330324MA0D00004")
OTHER = with_check_character("Y1330300MA0E00005")

PARTY_HEADER = [
    "统一社会信用代码", "名称", "主体类型", "政府性融资担保机构", "所在区县", "所有制", "组织形式",
    "行业", "从业人员", "营业收入（元）", "资产总额（元）", "企业规模",
]  # fmt: skip
PARTIES: list[list[object]] = [
    [ENTERPRISE, "温州某电子有限公司", "企业", "否", "鹿城区", "民营", "企业法人", "工业", 120, 25_000_000, None, None],
    [BANK, "某银行温州分行", "银行", "否", "鹿城区", "国有控股", "", "", None, None, None, "大型"],
    [GUARANTOR, "瑞安市某融资担保有限公司", "融资担保机构", "是", "瑞安市", "国有控股", "", "", None, None, None, ""],
    [VILLAGE, "永嘉县某村股份经济合作社", "企业", "否", "永嘉县", "民营", "其他", "", None, None, None, "微型"],
    [OTHER, "温州某软件有限公司", "企业", "", "龙港市", "民营", "", "软件和信息技术服务业", 9, 4_000_000.5, None, ""],
]  # fmt: skip
QUALIFICATION_HEADER = ["统一社会信用代码", "资质", "有效期起", "有效期止"]
QUALIFICATIONS: list[list[object]] = [
    [ENTERPRISE, "国家高新技术企业", "2019-12-04", "2022-12-03"],
    [OTHER, "市级小微成长之星", "2020-01-01", "2021-12-31"],
]
MUJUN_HEADER = ["统一社会信用代码", "年度", "亩均等级"]
MUJUN: list[list[object]] = [[ENTERPRISE, 2019, "B"], [ENTERPRISE, 2020, "A类"]]
INCIDENT_HEADER = ["统一社会信用代码", "年度", "事件类别", "领域", "发生日期", "说明"]
INCIDENTS: list[list[object]] = [[OTHER, 2020, "重大责任事故", "安全生产", "2020-05-06", "车间火灾"]]

Table = tuple[str, list[str], Sequence[Sequence[object]]]
ALL_TABLES: list[Table] = [
    ("主体", PARTY_HEADER, PARTIES),
    ("资质", QUALIFICATION_HEADER, QUALIFICATIONS),
    ("亩均评价", MUJUN_HEADER, MUJUN),
    ("事故事件", INCIDENT_HEADER, INCIDENTS),
]


def write_xlsx(path: Path, tables: Sequence[Table]) -> Path:
    workbook = Workbook()
    for default_sheet in list(workbook.worksheets):
        workbook.remove(default_sheet)
    for title, header, rows in tables:
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(
    path: Path, header: list[str], rows: Sequence[Sequence[object]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return path


def with_cell(rows: Sequence[Sequence[object]], row: int, column: int, value: object) -> list[list[object]]:
    """A copy of ``rows`` with one cell changed (row and column 0-based within the data)."""
    copied = [list(r) for r in rows]
    copied[row][column] = value
    return copied
