"""A reform simulation as an Excel workbook (the 政策模拟 page's download): 概要, 按条款, 按县市区, 逐户.

Amounts are yuan written exactly (fen / 100 as a decimal, never a float), shown with two decimals.
逐户 lists every beneficiary paid cash in either run, up to Excel's row limit (the API and
``duixian reform``'s results.parquet have them all, per rule, in fen).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from duixian.reform import Simulation

YUAN_FORMAT = "#,##0.00"
MAX_ROWS = 1_048_575  # Excel's sheet holds 1,048,576 rows, one of them the header
MONEY = ("baseline", "reform", "difference")
MONEY_HEADERS = ["基线（元）", "改革后（元）", "差额（元）"]


def workbook(sim: Simulation) -> bytes:
    book = Workbook(write_only=True)
    _overview(book.create_sheet("概要"), sim)
    rules = sim.reform.document.rules
    _table(
        book.create_sheet("按条款"),
        ["规则", "名称", "类型", *MONEY_HEADERS, "增加（户）", "减少（户）"],
        ([r["rule"], rules[r["rule"]].title, r["kind"], *_yuan(r), r["gainers"], r["losers"]]
         for r in sim.by_rule()),
    )  # fmt: skip
    _table(
        book.create_sheet("按县市区"),
        ["县（市、区）", *MONEY_HEADERS, "增加（户）", "减少（户）"],
        ([d["district"] or "（未知）", *_yuan(d), d["gainers"], d["losers"]] for d in sim.by_district()),
    )
    people = sim.per_beneficiary().sort_by([("difference", "descending"), ("beneficiary", "ascending")])
    _table(
        book.create_sheet("逐户"),
        ["受益对象", "县（市、区）", *MONEY_HEADERS],
        (
            [p["beneficiary"], p["district"] or "（未知）", *_yuan(p)]
            for p in people.slice(0, MAX_ROWS).to_pylist()
        ),
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _overview(sheet: WriteOnlyWorksheet, sim: Simulation) -> None:
    counts = sim.counts()
    meta = sim.population.meta
    rows: list[tuple[str, Any]] = [
        ("改革方案", sim.reform.name),
        ("说明", sim.reform.description),
        ("文件", f"{sim.reform.document.number}（{sim.reform.document.id}）"),
        ("生效日期", str(sim.reform.start)),
        ("年度", sim.population.year),
        ("数据", "合成数据（SYNTHETIC，非真实企业）" if meta.synthetic else "真实数据"),
        ("企业数", meta.entities if meta.entities is not None else "—"),
        ("新增财政现金支出（元）", _money(sim.cost)),
        ("基线现金支出（元）", _money(sim.totals["baseline"])),
        ("改革后现金支出（元）", _money(sim.totals["reform"])),
        ("增加（户）", counts["gainers"]),
        ("减少（户）", counts["losers"]),
        ("不变（户）", counts["unchanged"]),
    ]
    rows += [(f"参数 {c['parameter']}", f"{c['baseline']} → {c['reform']}") for c in sim.changes()]
    rows += [(f"解释口径 {s}", f"{sim.population.readings[s]} → {o}") for s, o in sim.reform.readings.items()]
    for label, value in rows:
        sheet.append([label, _cell(sheet, value)])


def _table(sheet: WriteOnlyWorksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])


def _yuan(row: dict[str, Any]) -> list[Decimal]:
    return [_money(int(row[c])) for c in MONEY]


def _money(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)  # exact: 12345 fen → 123.45


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet)
        cell.value = value  # the cell's setter takes a Decimal (written exactly); the factory's stub does not
        cell.number_format = YUAN_FORMAT
        return cell
    return value
