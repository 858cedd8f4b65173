"""Registry import on SQLite and PostgreSQL: good files stored with audit entries, any bad row → nothing
stored and a report naming row and column, re-import updates rather than duplicates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from registry_samples import (
    ALL_TABLES,
    BANK,
    ENTERPRISE,
    GUARANTOR,
    MUJUN_HEADER,
    OTHER,
    PARTIES,
    PARTY_HEADER,
    QUALIFICATION_HEADER,
    QUALIFICATIONS,
    VILLAGE,
    with_cell,
    write_csv,
    write_xlsx,
)
from sqlalchemy import func, select

from duixian.domain import audit, registry
from duixian.domain.registry_import import ImportReport, import_files
from duixian.engine.identifiers import with_check_character
from duixian.errors import InputError
from duixian.storage.db import Database
from duixian.storage.models import AuditEntry, Party, Qualification


def _rows(db: Database, model: type[object]) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _nothing_stored(db: Database) -> None:
    assert _rows(db, Party) == 0
    assert _rows(db, Qualification) == 0
    assert _rows(db, AuditEntry) == 0


def _problems(report: ImportReport) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in report.problems]


def test_workbook_with_four_sheets_is_stored_with_audit_entries(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "registry.xlsx", ALL_TABLES)
    report = import_files(db, [path], "tester")
    assert report.ok, report.problems
    assert report.saved is not None
    assert vars(report.saved.parties) == {"created": 5, "updated": 0, "unchanged": 0}
    assert report.saved.qualifications.created == 2
    assert report.saved.mujun.created == 2
    assert report.saved.incidents.created == 1
    # one entry per created record, and one for the import itself
    assert report.audit_entries == 5 + 2 + 2 + 1 + 1
    with db.transaction() as session:
        assert audit.verify(session).ok
        last = audit.entries(session, limit=1)[0]
        assert last.action == "registry.imported"
        assert json.loads(last.payload)["files"][0]["name"] == "registry.xlsx"
        enterprise = registry.describe(session, ENTERPRISE)
        village = registry.describe(session, VILLAGE)
        other = registry.describe(session, OTHER)
        guarantor = registry.describe(session, GUARANTOR)
    assert enterprise is not None and village is not None and other is not None and guarantor is not None
    # 300号 第四条（二）工业: 120 staff (20–299) and 2,500万元 (≥ 300万元) → 小型, classified, not registered
    assert enterprise["size_class"] == "小型"
    assert "300号" in str(enterprise["size_class_basis"])
    assert enterprise["revenue_yuan"] == "25,000,000.00"
    assert enterprise["qualifications"] == [
        {"qualification": "国家高新技术企业", "valid_from": "2019-12-04", "valid_to": "2022-12-03"}
    ]
    assert enterprise["mujun"] == [{"year": 2019, "class": "B"}, {"year": 2020, "class": "A"}]
    # （十二）软件和信息技术服务业: fewer than 10 staff → 微型; 4,000,000.50 yuan kept to the fen
    assert other["size_class"] == "微型"
    assert other["revenue_yuan"] == "4,000,000.50"
    assert other["incidents"][0]["occurred_on"] == "2020-05-06"  # type: ignore[index]
    assert village["size_class"] == "微型" and village["size_class_basis"] == registry.REGISTERED
    assert guarantor["government_guarantor"] is True and guarantor["size_class"] is None


def test_codes_whose_first_character_is_a_letter_are_accepted(db: Database, tmp_path: Path) -> None:
    assert VILLAGE[0] == "N" and OTHER[0] == "Y"
    path = write_csv(tmp_path / "p.csv", PARTY_HEADER, [PARTIES[3], PARTIES[4]])
    assert import_files(db, [path], "tester").ok
    with db.transaction() as session:
        assert set(registry.parties_by_uscc(session, [VILLAGE, OTHER])) == {VILLAGE, OTHER}


def test_wrong_check_character_names_row_and_column_and_stores_nothing(db: Database, tmp_path: Path) -> None:
    good = ENTERPRISE[-1]
    wrong = "0" if good != "0" else "1"
    rows = with_cell(PARTIES, 2, 0, ENTERPRISE[:-1] + wrong)  # the third data row: spreadsheet row 4
    path = write_xlsx(tmp_path / "bad.xlsx", [("主体", PARTY_HEADER, rows), *ALL_TABLES[1:]])
    report = import_files(db, [path], "tester")
    assert not report.ok
    (row, column, message), *_ = _problems(report)
    assert (row, column) == (4, "统一社会信用代码")
    assert f"校验码（第18位）为“{wrong}”" in message and f"应为“{good}”" in message
    assert report.problems[0].source == "bad.xlsx 工作表“主体”"
    _nothing_stored(db)


def test_one_bad_row_in_any_sheet_stores_nothing_from_every_sheet(db: Database, tmp_path: Path) -> None:
    qualifications = with_cell(QUALIFICATIONS, 1, 3, "2019-12-31")  # ends before it starts
    tables = [ALL_TABLES[0], ("资质", QUALIFICATION_HEADER, qualifications), *ALL_TABLES[2:]]
    report = import_files(db, [write_xlsx(tmp_path / "r.xlsx", tables)], "tester")
    assert _problems(report) == [(3, "有效期止", "有效期止（2019-12-31）早于有效期起（2020-01-01）")]
    _nothing_stored(db)


def test_every_problem_is_reported_with_its_cell(db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [ENTERPRISE, "", "企业", "否", "鹿城区", "民营", "", "", None, None, None, "特大型"],
        [BANK, "某银行", "银行", "是", "温州", "民营", "", "", None, None, None, ""],
        [GUARANTOR, "某担保", "融资担保机构", "否", "瑞安市", "民营", "", "工业", 50, "12.345", None, ""],
        [VILLAGE, "某合作社", "企业", "否", "永嘉县", "民营", "", "建筑业", None, 5_000_000, None, ""],
    ]
    report = import_files(db, [write_csv(tmp_path / "p.csv", PARTY_HEADER, rows)], "tester")
    got = _problems(report)
    assert (2, "名称", "必填，不能为空") in got
    assert any(r == 2 and c == "企业规模" and "特大型" in m for r, c, m in got)
    assert any(r == 3 and c == "所在区县" and "温州" in m for r, c, m in got)
    assert any(r == 4 and c == "营业收入（元）" and "两位" in m for r, c, m in got)
    # 建筑业 is measured by 营业收入 and 资产总额 (300号 第四条（三）): the missing one is named
    assert any(r == 5 and c == "资产总额（元）" and "300号" in m for r, c, m in got)
    assert all(p.source == "p.csv" for p in report.problems)
    _nothing_stored(db)


def test_government_guarantor_only_for_guarantors(db: Database, tmp_path: Path) -> None:
    rows = with_cell(PARTIES[:2], 1, 3, "是")  # a bank marked 政府性融资担保机构
    report = import_files(db, [write_csv(tmp_path / "p.csv", PARTY_HEADER, rows)], "tester")
    assert [(r, c) for r, c, _ in _problems(report)] == [(3, "政府性融资担保机构")]


def test_duplicate_rows_and_unknown_parties_are_refused(db: Database, tmp_path: Path) -> None:
    parties = write_csv(tmp_path / "p.csv", PARTY_HEADER, [PARTIES[0], PARTIES[1], PARTIES[0]])
    report = import_files(db, [parties], "tester")
    assert _problems(report) == [(4, "统一社会信用代码", "与第 2 行重复（主体）")]
    stranger = with_check_character("91330304MA2F00006")
    mujun = write_csv(tmp_path / "m.csv", MUJUN_HEADER, [[stranger, 2020, "C"]])
    report = import_files(db, [write_csv(tmp_path / "p1.csv", PARTY_HEADER, PARTIES[:1]), mujun], "tester")
    assert [(p.source, p.row, p.column) for p in report.problems] == [("m.csv", 2, "统一社会信用代码")]
    assert stranger in report.problems[0].message
    _nothing_stored(db)


def test_headers_are_checked(db: Database, tmp_path: Path) -> None:
    header = [*PARTY_HEADER[:4], "所在区具", *PARTY_HEADER[5:]]  # a typo in 所在区县
    report = import_files(db, [write_csv(tmp_path / "p.csv", header, PARTIES)], "tester")
    assert (1, "所在区具", "无法识别的列名") in _problems(report)
    assert (1, "所在区县", "缺少必填列") in _problems(report)
    unknown = import_files(db, [write_csv(tmp_path / "x.csv", ["a", "b"], [[1, 2]])], "tester")
    assert unknown.problems[0].row == 1 and "无法识别这张表" in unknown.problems[0].message
    assert "“亩均等级”（亩均评价）" in unknown.problems[0].message
    _nothing_stored(db)


def test_child_sheets_may_name_the_party_for_the_reader(db: Database, tmp_path: Path) -> None:
    header = ["统一社会信用代码", "名称", "年度", "亩均等级"]
    mujun = write_csv(tmp_path / "m.csv", header, [[ENTERPRISE, "温州某电子有限公司", 2021, "C"]])
    report = import_files(db, [write_csv(tmp_path / "p.csv", PARTY_HEADER, PARTIES[:1]), mujun], "tester")
    assert report.ok, report.problems
    assert report.saved is not None and report.saved.mujun.created == 1


def test_uscc_stored_as_an_excel_number_is_refused(db: Database, tmp_path: Path) -> None:
    rows = with_cell(PARTIES[:1], 0, 0, 913303021234567890)
    report = import_files(db, [write_xlsx(tmp_path / "n.xlsx", [("主体", PARTY_HEADER, rows)])], "tester")
    assert [(r, c) for r, c, _ in _problems(report)] == [(2, "统一社会信用代码")]
    assert "文本" in report.problems[0].message


def test_english_headers_gb18030_csv_and_dates_from_excel(db: Database, tmp_path: Path) -> None:
    keys = ["uscc", "name", "kind", "government_guarantor", "district", "ownership", "legal_form",
            "industry", "employees", "revenue", "total_assets", "size_class"]  # fmt: skip
    parties = write_csv(tmp_path / "gbk.csv", keys, PARTIES[:1], encoding="gb18030")
    when = [[ENTERPRISE, "省科技型中小企业", dt.datetime(2020, 3, 1), dt.datetime(2023, 2, 28)]]
    qualifications = write_xlsx(tmp_path / "q.xlsx", [("资质", QUALIFICATION_HEADER, when)])
    report = import_files(db, [parties, qualifications], "tester")
    assert report.ok, report.problems
    with db.transaction() as session:
        described = registry.describe(session, ENTERPRISE)
    assert described is not None and described["name"] == "温州某电子有限公司"
    assert described["qualifications"] == [
        {"qualification": "省科技型中小企业", "valid_from": "2020-03-01", "valid_to": "2023-02-28"}
    ]


def test_reimport_updates_the_party_instead_of_duplicating(db: Database, tmp_path: Path) -> None:
    assert import_files(db, [write_xlsx(tmp_path / "a.xlsx", ALL_TABLES)], "first").ok
    renamed = with_cell(PARTIES, 0, 1, "温州某电子股份有限公司")
    renamed = with_cell(renamed, 0, 9, None)  # revenue now blank …
    renamed = with_cell(renamed, 0, 11, "中型")  # … and the size registered instead
    extended = with_cell(QUALIFICATIONS, 0, 3, "2023-12-03")
    tables = [("主体", PARTY_HEADER, renamed), ("资质", QUALIFICATION_HEADER, extended)]
    report = import_files(db, [write_xlsx(tmp_path / "b.xlsx", tables)], "second")
    assert report.ok and report.saved is not None
    assert vars(report.saved.parties) == {"created": 0, "updated": 1, "unchanged": 4}
    assert vars(report.saved.qualifications) == {"created": 0, "updated": 1, "unchanged": 1}
    assert _rows(db, Party) == 5
    with db.transaction() as session:
        described = registry.describe(session, ENTERPRISE)
        assert described is not None
        assert described["name"] == "温州某电子股份有限公司"
        assert described["revenue_yuan"] is None
        assert (described["size_class"], described["size_class_basis"]) == ("中型", registry.REGISTERED)
        assert described["mujun"] == [{"year": 2019, "class": "B"}, {"year": 2020, "class": "A"}]  # kept
        updated = [e for e in audit.entries(session, 100) if e.action == "party.updated"]
        assert len(updated) == 1 and updated[0].actor == "second"
        changed = json.loads(updated[0].payload)["changed"]
        assert changed["name"] == {"from": "温州某电子有限公司", "to": "温州某电子股份有限公司"}
        assert changed["revenue_fen"] == {"from": 2_500_000_000, "to": None}
        assert audit.verify(session).ok


def test_import_without_changes_writes_only_the_import_entry(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", ALL_TABLES)
    assert import_files(db, [path], "tester").ok
    before = _rows(db, AuditEntry)
    again = import_files(db, [path], "tester")
    assert again.saved is not None and again.saved.parties.unchanged == 5
    assert _rows(db, AuditEntry) == before + 1


@pytest.mark.parametrize("actor", ["", "   ", "x" * 101])
def test_an_actor_is_required(db: Database, tmp_path: Path, actor: str) -> None:
    with pytest.raises(InputError) as raised:
        import_files(db, [write_csv(tmp_path / "p.csv", PARTY_HEADER, PARTIES)], actor)
    assert raised.value.field == "--actor"
    _nothing_stored(db)


def test_unreadable_files_are_reported_and_nothing_is_stored(db: Database, tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    good = write_csv(tmp_path / "p.csv", PARTY_HEADER, PARTIES)
    names = ["empty.csv", "old.xls", "broken.xlsx", "missing.csv"]
    report = import_files(db, [good, *(tmp_path / n for n in names)], "tester")
    messages = {p.source: p.message for p in report.problems}
    assert set(messages) == set(names)
    assert "没有数据" in messages["empty.csv"]
    assert ".xlsx" in messages["old.xls"]
    assert "Excel" in messages["broken.xlsx"]
    assert "不存在" in messages["missing.csv"]
    _nothing_stored(db)
