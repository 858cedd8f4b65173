"""Reading registry files: a CSV is one table; an Excel workbook (.xlsx) holds one table per sheet.

Row numbers are those a user sees when opening the file in a spreadsheet: the header is row 1. CSV is
read as UTF-8 (with or without BOM) and, failing that, as GB18030, the encoding a Chinese Excel saves.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from duixian.domain.registry_cells import Cell
from duixian.errors import InputError


@dataclass(frozen=True)
class Sheet:
    source: str  # 'parties.csv' or 'registry.xlsx 工作表“主体”'
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number, cells), blank rows left out


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_sheets(path: Path) -> list[Sheet]:
    if not path.is_file():
        raise InputError(str(path), "文件不存在")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sheet = _csv(path)
        return [sheet] if sheet.headers else []
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path)
    raise InputError(str(path), "只能导入 .xlsx 或 .csv 文件（.xls 请在 Excel 中另存为 .xlsx）")


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(str(path), "无法识别文件编码（应为 UTF-8 或 GB18030/GBK）")  # pragma: no cover


def _blank(cells: Sequence[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _csv(path: Path) -> Sheet:
    try:
        records = list(csv.reader(io.StringIO(_decode(path), newline="")))
    except csv.Error as exc:
        raise InputError(str(path), f"CSV 格式错误：{exc}") from exc
    headers = [h.strip() for h in records[0]] if records else []
    rows: list[tuple[int, list[Cell]]] = [
        (number, list(values))
        for number, values in enumerate(records[1:], start=2)
        if not _blank(list(values))
    ]
    return Sheet(path.name, headers, rows)


def _xlsx(path: Path) -> list[Sheet]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a damaged or foreign file
        raise InputError(str(path), f"无法作为 Excel 工作簿打开：{exc}") from exc
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            values = [list(row) for row in worksheet.iter_rows(values_only=True)]
            if not values or _blank(values[0]):
                continue  # an empty sheet holds no table
            headers = ["" if h is None else str(h).strip() for h in values[0]]
            rows: list[tuple[int, list[Cell]]] = [
                (number, [_cell(c) for c in row])
                for number, row in enumerate(values[1:], start=2)
                if not _blank([_cell(c) for c in row])
            ]
            sheets.append(Sheet(f"{path.name} 工作表“{worksheet.title}”", headers, rows))
    finally:
        workbook.close()
    return sheets


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value
    return str(value)
