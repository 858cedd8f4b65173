"""Registry import: files → checked records → one transaction, or a row-by-row error report.

Every cell of every row is checked first; any problem (row number, column as written, Chinese message)
and nothing is stored. Otherwise all records are saved in one transaction with their audit entries
and one ``registry.imported`` entry naming the files and their SHA-256.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from duixian.domain import audit
from duixian.domain import registry_cells as cells
from duixian.domain import registry_tables as tables
from duixian.domain.registry import SaveResult, parties_by_uscc, save
from duixian.domain.registry_files import Sheet, read_sheets, sha256_of
from duixian.errors import InputError
from duixian.storage.db import Database
from duixian.storage.timestamps import SHANGHAI, utc_now

# '“名称”（主体）、“资质”（资质）…': the column that identifies each table, and the table.
MARKER_HEADERS = "、".join(
    f"“{tables.column_names(t)[tables.MARKERS[t]].header}”（{tables.TABLES[t][0]}）" for t in tables.TABLES
)


@dataclass(frozen=True)
class ImportProblem:
    source: str
    row: int  # as the spreadsheet numbers it (header = 1); 0 = the file as a whole
    column: str  # as the file's header writes it; '' = the whole row or file
    message: str


@dataclass
class ParsedSheet:
    sheet: Sheet
    table: str
    records: list[tables.Record] = field(default_factory=list)


@dataclass
class ImportReport:
    problems: list[ImportProblem] = field(default_factory=list)
    files: list[dict[str, object]] = field(default_factory=list)
    saved: SaveResult | None = None
    import_id: str | None = None
    audit_entries: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def import_files(db: Database, paths: Sequence[Path], actor: str) -> ImportReport:
    actor = audit.check_actor(actor)
    report = ImportReport()
    parsed: list[ParsedSheet] = []
    for path in paths:
        try:
            sheets = read_sheets(path)
        except InputError as exc:
            report.problems.append(ImportProblem(path.name, 0, "", exc.reason))
            continue
        if not sheets:
            report.problems.append(ImportProblem(path.name, 0, "", "文件中没有数据"))
        found = [p for sheet in sheets if (p := _parse_sheet(sheet, report.problems)) is not None]
        parsed += found
        counts: dict[str, int] = {}
        for p in found:  # a workbook may split one table over several sheets
            counts[p.table] = counts.get(p.table, 0) + len(p.records)
        report.files.append({"name": path.name, "sha256": sha256_of(path), "rows": counts})
    _check_duplicates(parsed, report.problems)
    if report.problems:
        return report
    with audit.writing(db) as session:
        _check_references(session, parsed, report.problems)
        if report.problems:
            return report
        _store(session, parsed, actor, report)
    return report


def _parse_sheet(sheet: Sheet, problems: list[ImportProblem]) -> ParsedSheet | None:
    table = tables.detect_table(sheet.headers)
    if table is None:
        message = f"无法识别这张表：表头须含 {MARKER_HEADERS} 之一"
        problems.append(ImportProblem(sheet.source, 1, "", message))
        return None
    names = tables.column_names(table)
    positions: dict[str, tuple[int, str]] = {}  # column key → (position, header as written)
    before = len(problems)
    for i, header in enumerate(sheet.headers):
        if not header:
            if any(i < len(row) and row[i] not in (None, "") for _, row in sheet.rows):
                problems.append(ImportProblem(sheet.source, 1, f"第{i + 1}列", "该列有数据但没有表头"))
            continue
        column = names.get(tables.normalise_header(header))
        if column is None:
            problems.append(ImportProblem(sheet.source, 1, header, "无法识别的列名"))
        elif column.key in positions:
            problems.append(ImportProblem(sheet.source, 1, header, f"与“{positions[column.key][1]}”是同一列"))
        else:
            positions[column.key] = (i, header)
    for column in tables.TABLES[table][1]:
        if column.required and column.key not in positions:
            problems.append(ImportProblem(sheet.source, 1, column.header, "缺少必填列"))
    if len(problems) > before:
        return None
    parsed = ParsedSheet(sheet, table)
    for number, row_cells in sheet.rows:
        record = _parse_row(sheet, table, positions, number, row_cells, problems)
        if record is not None:
            parsed.records.append(record)
    return parsed


def _parse_row(
    sheet: Sheet,
    table: str,
    positions: dict[str, tuple[int, str]],
    number: int,
    row: list[cells.Cell],
    problems: list[ImportProblem],
) -> tables.Record | None:
    values: dict[str, object] = {}
    ok = True
    for column in tables.TABLES[table][1]:
        position, header = positions.get(column.key, (-1, column.header))
        cell = row[position] if 0 <= position < len(row) else None
        if cells.text(cell) is None:
            if column.required:
                problems.append(ImportProblem(sheet.source, number, header, "必填，不能为空"))
                ok = False
            values[column.key] = column.default
            continue
        try:
            values[column.key] = column.parse(cell)
        except ValueError as exc:
            problems.append(ImportProblem(sheet.source, number, header, str(exc)))
            ok = False
    if not ok:
        return None
    record, row_problems = tables.build(table, tables.Located(sheet.source, number), values)
    for key, message in row_problems:
        header = positions.get(key, (-1, _header_of(table, key)))[1]
        problems.append(ImportProblem(sheet.source, number, header, message))
    return record


def _header_of(table: str, key: str) -> str:
    return next(c.header for c in tables.TABLES[table][1] if c.key == key)


def _key(record: tables.Record) -> tuple[object, ...]:
    if isinstance(record, tables.PartyRecord):
        return ("主体", record.uscc)
    if isinstance(record, tables.QualificationRecord):
        return ("资质", record.uscc, record.kind, record.valid_from)
    if isinstance(record, tables.MujunRecord):
        return ("亩均评价", record.uscc, record.year)
    return ("事故事件", record.uscc, record.kind, record.year, record.area)


def _check_duplicates(parsed: list[ParsedSheet], problems: list[ImportProblem]) -> None:
    """One row per key in one import: a second row for the same key would silently overwrite."""
    first: dict[tuple[object, ...], tables.Located] = {}
    for p in parsed:
        for record in p.records:
            key = _key(record)
            if key in first:
                where = first[key]
                place = (
                    f"第 {where.row} 行"
                    if where.source == record.at.source
                    else f"{where.source} 第 {where.row} 行"
                )
                header = tables.USCC.header
                problems.append(
                    ImportProblem(record.at.source, record.at.row, header, f"与{place}重复（{key[0]}）")
                )
            else:
                first[key] = record.at


def _check_references(session: Session, parsed: list[ParsedSheet], problems: list[ImportProblem]) -> None:
    """A qualification, rating or incident must belong to a party: in this import or already stored."""
    imported = {r.uscc for p in parsed for r in p.records if isinstance(r, tables.PartyRecord)}
    children = [r for p in parsed for r in p.records if not isinstance(r, tables.PartyRecord)]
    stored = parties_by_uscc(session, {r.uscc for r in children} - imported)
    for record in children:
        if record.uscc not in imported and record.uscc not in stored:
            message = f"统一社会信用代码 {record.uscc} 不在登记库中，也不在本次导入的主体表中"
            problems.append(ImportProblem(record.at.source, record.at.row, tables.USCC.header, message))


def _store(session: Session, parsed: list[ParsedSheet], actor: str, report: ImportReport) -> None:
    records = [r for p in parsed for r in p.records]
    saved = save(
        session,
        [r for r in records if isinstance(r, tables.PartyRecord)],
        [r for r in records if isinstance(r, tables.QualificationRecord)],
        [r for r in records if isinstance(r, tables.MujunRecord)],
        [r for r in records if isinstance(r, tables.IncidentRecord)],
        today=_today(),
    )
    report.import_id = uuid.uuid4().hex
    summary = audit.Change(
        "registry.imported",
        "registry_import",
        report.import_id,
        {
            "files": report.files,
            "parties": vars(saved.parties),
            "qualifications": vars(saved.qualifications),
            "mujun": vars(saved.mujun),
            "incidents": vars(saved.incidents),
        },
    )
    report.audit_entries = len(audit.append(session, actor, [*saved.changes, summary]))
    report.saved = saved


def _today() -> dt.date:
    return utc_now().astimezone(SHANGHAI).date()
