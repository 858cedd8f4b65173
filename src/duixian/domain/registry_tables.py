"""The four tables a registry file may hold, their columns, and one row → one typed record.

A table is recognised by its header: 主体 (parties) by 名称, 资质 (qualifications) by 资质, 亩均评价
by 亩均等级, 事故事件 by 事件类别. Each column is known by its English key or its Chinese header
(``COLUMNS``); errors name the column as the file writes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from duixian.domain import registry_cells as cells
from duixian.domain.registry_terms import (
    DISTRICTS,
    INCIDENTS,
    KINDS,
    LEGAL_FORMS,
    MUJUN_CLASSES,
    OWNERSHIP,
    QUALIFICATIONS,
    SECTORS,
    SIZES,
)
from duixian.rulebook.wzb_2019_76.case import MEASURE_NAMES, SIZE_MEASURES

Parser = Callable[[cells.Cell], object]


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header of the template
    parse: Parser
    required: bool = False
    default: object = None


def _mujun(cell: cells.Cell) -> str:
    value = (cells.text(cell) or "").upper().removesuffix("类")
    return cells.one_of(value, MUJUN_CLASSES)


def _size(cell: cells.Cell) -> str:
    aliases = {f"{name}企业": code for code, name in SIZES.items()}
    return cells.choice(cell, SIZES, aliases)


def _qualification(cell: cells.Cell) -> str:
    aliases = {
        "市级小微成长之星企业": "small_micro_star_city",
        "省级小微成长之星": "small_micro_star_provincial",
    }
    return cells.choice(cell, QUALIFICATIONS, aliases)


USCC = Column("uscc", "统一社会信用代码", cells.uscc, required=True)
# Qualification, rating and incident sheets may name the party for the reader; the USCC is what counts.
READER_NAME = Column("name", "名称", partial(cells.bounded_text, limit=200))
TABLES: dict[str, tuple[str, tuple[Column, ...]]] = {
    "parties": (
        "主体",
        (
            USCC,
            Column("name", "名称", partial(cells.bounded_text, limit=200), required=True),
            Column("kind", "主体类型", partial(cells.choice, names=KINDS), default="enterprise"),
            Column("government_guarantor", "政府性融资担保机构", cells.yes_no, default=False),
            Column("district", "所在区县", partial(cells.one_of, allowed=DISTRICTS), required=True),
            Column("ownership", "所有制", partial(cells.choice, names=OWNERSHIP), required=True),
            Column("legal_form", "组织形式", partial(cells.choice, names=LEGAL_FORMS), default="company"),
            Column("industry", "行业", partial(cells.choice, names=SECTORS)),
            Column("employees", "从业人员", cells.count),
            Column("revenue", "营业收入（元）", cells.yuan),
            Column("total_assets", "资产总额（元）", cells.yuan),
            Column("size_class", "企业规模", _size),
        ),
    ),
    "qualifications": (
        "资质",
        (
            USCC,
            READER_NAME,
            Column("qualification", "资质", _qualification, required=True),
            Column("valid_from", "有效期起", cells.date, required=True),
            Column("valid_to", "有效期止", cells.date, required=True),
        ),
    ),
    "mujun": (
        "亩均评价",
        (
            USCC,
            READER_NAME,
            Column("year", "年度", cells.year, required=True),
            Column("mujun_class", "亩均等级", _mujun, required=True),
        ),
    ),
    "incidents": (
        "事故事件",
        (
            USCC,
            READER_NAME,
            Column("year", "年度", cells.year, required=True),
            Column("incident", "事件类别", partial(cells.choice, names=INCIDENTS), required=True),
            Column("area", "领域", partial(cells.bounded_text, limit=16), default=""),
            Column("occurred_on", "发生日期", cells.date),
            Column("description", "说明", partial(cells.bounded_text, limit=2000), default=""),
        ),
    ),
}
# The column that tells which table a header belongs to; the parties' 名称 is tried last, as the other
# sheets may carry a name column for the reader.
MARKERS = {
    "qualifications": "qualification",
    "mujun": "mujun_class",
    "incidents": "incident",
    "parties": "name",
}


def normalise_header(header: str) -> str:
    return "".join(header.split()).replace("(", "（").replace(")", "）").lower()


def column_names(table: str) -> dict[str, Column]:
    """Every way a header may name a column of ``table`` (key or Chinese header), normalised."""
    names: dict[str, Column] = {}
    for column in TABLES[table][1]:
        names[normalise_header(column.key)] = column
        names[normalise_header(column.header)] = column
        # 营业收入（元） may be written 营业收入
        names[normalise_header(column.header.split("（")[0])] = column
    return names


def detect_table(headers: list[str]) -> str | None:
    written = {normalise_header(h) for h in headers}
    for table, marker in MARKERS.items():
        names = {key for key, column in column_names(table).items() if column.key == marker}
        if written & names:
            return table
    return None


@dataclass(frozen=True)
class Located:
    """Where a record came from: 'file.xlsx 工作表 主体' and the row number as the user sees it."""

    source: str
    row: int


@dataclass(frozen=True)
class PartyRecord:
    at: Located
    uscc: str
    name: str
    kind: str
    government_guarantor: bool
    district: str
    ownership: str
    legal_form: str
    industry: str | None
    employees: int | None
    revenue_fen: int | None
    total_assets_fen: int | None
    size_class: str | None  # as registered; else classified later (registry_import)


@dataclass(frozen=True)
class QualificationRecord:
    at: Located
    uscc: str
    kind: str
    valid_from: dt.date
    valid_to: dt.date


@dataclass(frozen=True)
class MujunRecord:
    at: Located
    uscc: str
    year: int
    mujun_class: str


@dataclass(frozen=True)
class IncidentRecord:
    at: Located
    uscc: str
    kind: str
    year: int
    area: str
    occurred_on: dt.date | None
    description: str


Record = PartyRecord | QualificationRecord | MujunRecord | IncidentRecord
RowCheck = tuple[str, str]  # (column key, Chinese message)


def build(table: str, at: Located, v: Mapping[str, object]) -> tuple[Record | None, list[RowCheck]]:
    """The record of one row whose cells parsed, or the row-level problems (column key, message)."""
    if table == "parties":
        return _party(at, v)
    if table == "qualifications":
        valid_from, valid_to = _date(v["valid_from"]), _date(v["valid_to"])
        if valid_to < valid_from:
            return None, [("valid_to", f"有效期止（{valid_to}）早于有效期起（{valid_from}）")]
        return QualificationRecord(at, str(v["uscc"]), str(v["qualification"]), valid_from, valid_to), []
    if table == "mujun":
        return MujunRecord(at, str(v["uscc"]), _int(v["year"]), str(v["mujun_class"])), []
    occurred_on = v["occurred_on"]
    year = _int(v["year"])
    if isinstance(occurred_on, dt.date) and occurred_on.year != year:
        return None, [("occurred_on", f"发生日期 {occurred_on} 不在所填年度 {year} 内")]
    record = IncidentRecord(
        at,
        str(v["uscc"]),
        str(v["incident"]),
        year,
        str(v["area"]),
        occurred_on if isinstance(occurred_on, dt.date) else None,
        str(v["description"]),
    )
    return record, []


def _party(at: Located, v: Mapping[str, object]) -> tuple[PartyRecord | None, list[RowCheck]]:
    problems: list[RowCheck] = []
    if v["government_guarantor"] and v["kind"] != "guarantor":
        problems.append(("government_guarantor", "只有融资担保机构才能是政府性融资担保机构"))
    industry = v["industry"]
    if v["size_class"] is None and isinstance(industry, str):
        # 76号 附则4: without a registered size, 300号 classifies by the sector's own measures.
        for measure in SIZE_MEASURES[industry]:
            if v[measure] is None:
                needed = "、".join(MEASURE_NAMES[m] for m in SIZE_MEASURES[industry])
                problems.append(
                    (
                        measure,
                        f"未填企业规模时，按工信部联企业〔2011〕300号为“{SECTORS[industry]}”划型需要{needed}",
                    )
                )
    if problems:
        return None, problems
    record = PartyRecord(
        at,
        str(v["uscc"]),
        str(v["name"]),
        str(v["kind"]),
        bool(v["government_guarantor"]),
        str(v["district"]),
        str(v["ownership"]),
        str(v["legal_form"]),
        industry if isinstance(industry, str) else None,
        _opt_int(v["employees"]),
        _opt_int(v["revenue"]),
        _opt_int(v["total_assets"]),
        _opt_str(v["size_class"]),
    )
    return record, []


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


def _opt_int(value: object) -> int | None:
    return None if value is None else _int(value)


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _date(value: object) -> dt.date:
    assert isinstance(value, dt.date)
    return value
