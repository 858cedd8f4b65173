"""The amount of an application: computed by the rulebook (one encoding: the engine, never a formula of
our own) against the ledger of what the same party was already granted.

Facts. An application carries a case body in its document's format (what ``duixian calc`` reads,
without ``document``). The applicant cannot choose a reading: ``readings`` are dropped and the register's
defaults apply. Where a document's case has an application date (76号 ``applied_on``), it is the business
date the application was (last) submitted, whatever was typed. In a 76号 case every party row whose USCC
is in the registry — the applicant's row must be there — takes the registry's fields (name, kind,
district, ownership, legal form, industry, size and its figures, qualifications, the latest 亩均 result
not after the assessment date, the years of incidents): the registry wins over what was typed, and the
explanation says so. Fields the registry does not hold (independent_legal_person, registered_capital,
real_estate) stay as typed. Other documents' facts are taken as given.

Combination. The combined case is the facts of every application of the same party, document and year
that is granted (``workflow.GRANTED``) plus this one's: lists concatenated, identical rows kept once;
two different rows with the same id, or one USCC under two party ids, are a conflict refused naming
both applications and the row. The rules evaluated are those applications' provisions, so the caps per
party per year (76号 c1's 200,000, 71号 a6's yearly total, a9's total ≤ contribution) and g3 (the highest
amount for one project across clauses, the top-up and the difference) hold across applications by the
rulebook's own finalisers. A line of a provision counts only if an application for that provision
brought its subject (a loan listed in a c8a application for its guarantee does not earn c1 unasked):
other lines get the unmet condition ``CLAIMED`` before the finalisers run, so they take no cap and win
no g3 comparison. Nor does a line that pays someone else: a case names several parties (a guarantee's
guarantor, 130号's whole round of projects), and an application is granted what its applicant is owed —
the lines whose beneficiary is the applicant's row (``APPLICANT_ROWS``, found by USCC).

    granted  = max(0, combined cash total − Σ granted_fen of those earlier applications)
    computed = this application's facts alone

The rulebook version is the SHA-256 over the rulebook's files (sorted paths and contents).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, get_args

import numpy as np
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from duixian import rulebook
from duixian.domain import audit, registry, workflow
from duixian.engine.case import parse
from duixian.engine.document import Document
from duixian.engine.evaluate import Result, calculate, case_tables, evaluate
from duixian.engine.explain import explain
from duixian.engine.money import format_fen
from duixian.errors import InputError, InputErrors
from duixian.storage.models import Party
from duixian.storage.redemption import Application

# Documents whose cases carry a list of parties the registry describes (76号 Party = storage Party).
REGISTRY_PARTIES: dict[str, str] = {"wzb-2019-76": "parties"}
# The list in which an application's facts must name the applicant by USCC; only lines whose beneficiary
# is that row count. Documents not listed grant every line of their facts (their cases concern one party).
APPLICANT_ROWS: dict[str, str] = REGISTRY_PARTIES | {
    "wzjk-2019-71": "enterprises",
    "wswl-2019-130": "implementers",
}
# Fields of a case the system sets: never combined, never typed by the applicant.
SYSTEM_FIELDS = frozenset({"year", "readings", "applied_on"})
APPLIED_ON = "applied_on"
CLAIMED = "申请人就本事项申报了本条（未申报的事项、受益人非申请人的事项不计入）"
REGISTRY_WINS = (
    "名称、主体类型、所在区县、政府性融资担保机构、所有制、组织形式、行业、从业人员、营业收入、资产总额、企业规模、"
    "资质、亩均评价（评价日前最近一年）、重大责任事故和较大群体性事件年度"
)


# --- the rulebook -----------------------------------------------------------------------------------


@cache
def rulebook_version() -> str:
    """SHA-256 over the rulebook's files: each relative path, NUL, its bytes, NUL, in path order."""
    root = Path(rulebook.__file__).parent
    digest = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def document_of_provision(provision: str) -> Document:
    """The document whose rule ``provision`` is; refused unless it is a cash rule."""
    for document in rulebook.documents().values():
        spec = document.rules.get(provision)
        if spec is None:
            continue
        if spec.kind != "cash":
            raise InputError(
                "--provision",
                f"{provision}（{spec.title}）不是现金奖补条款，不能申请兑现（类型 {spec.kind}）",
            )
        return document
    raise InputError("--provision", f"规则库中没有条款 {provision}（`duixian rules` 列出全部条款）")


def check_year(document: Document, year: int) -> None:
    first, last = document.years
    if not first <= year <= last:
        raise InputError(
            "--year", f"{document.number} 适用于 {first}–{last} 年度的奖补对象，不含 {year} 年度"
        )


# --- facts ------------------------------------------------------------------------------------------


def facts_json(facts: Mapping[str, Any]) -> str:
    """The facts as canonical JSON (sorted keys, no spaces): what is stored and hashed."""
    try:
        return json.dumps(
            facts, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False, default=_plain
        )
    except (TypeError, ValueError) as exc:
        raise InputError("facts", f"含有无法保存的值：{exc}") from None


def _plain(value: object) -> str:
    if isinstance(value, dt.date | Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} 不是事实可用的类型")


@dataclass(frozen=True)
class CheckedFacts:
    body: dict[str, Any]  # what is stored: the facts without document and readings, year set
    dropped_readings: list[str]  # switches the applicant typed, not applied


def check_facts(document: Document, facts: object, year: int, applicant_uscc: str) -> CheckedFacts:
    """Validate the facts with the document's case model (and its cross-table checks); every error
    names its field under ``facts.``. Raises InputErrors."""
    if not isinstance(facts, Mapping):
        raise InputError("facts", "事实须为字段映射（与 duixian calc 读取的案例格式相同，不含 document）")
    errors: list[InputError] = []
    named = facts.get("document")
    if named is not None and named != document.id:
        errors.append(InputError("facts.document", f"为 {named!r}，而所申请条款属于 {document.id}"))
    typed_year = facts.get("year")
    if typed_year is not None and typed_year != year:
        errors.append(InputError("facts.year", f"为 {typed_year!r}，与申请年度 {year} 不一致"))
    if errors:
        raise InputErrors(errors)
    readings = facts.get("readings") or {}
    body = {k: v for k, v in facts.items() if k not in ("document", "readings")} | {"year": year}
    try:
        case_tables(document, body)
    except InputErrors as exc:
        raise InputErrors([_in_facts(e) for e in exc.errors]) from None
    except InputError as exc:
        raise _in_facts(exc) from None
    party_list = APPLICANT_ROWS.get(document.id)
    if party_list is not None:
        _check_party_rows(body.get(party_list) or [], party_list, applicant_uscc)
    return CheckedFacts(body, sorted(readings) if isinstance(readings, Mapping) else [])


def _in_facts(error: InputError) -> InputError:
    field = "facts" if error.field in ("", "case") else f"facts.{error.field}"
    return InputError(field, f"不符合案例格式：{error.reason}")


def _check_party_rows(rows: Sequence[Any], party_list: str, applicant_uscc: str) -> None:
    """The applicant is one of the parties (by USCC), and no USCC appears under two rows."""
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        uscc = row.get("uscc") if isinstance(row, Mapping) else None
        if not uscc:
            continue
        if uscc in seen:
            raise InputError(
                f"facts.{party_list}[{i}].uscc",
                f"{uscc} 已见于 {party_list}[{seen[uscc]}]：同一主体只能列一行",
            )
        seen[uscc] = i
    if applicant_uscc not in seen:
        raise InputError(
            f"facts.{party_list}",
            f"须列出申请人（uscc: {applicant_uscc}），其金额按该行的 id 计算；主体信息以登记库为准",
        )


# --- one application's case -------------------------------------------------------------------------


@dataclass
class Prepared:
    """One application's case as it is evaluated: JSON-mode values, registry rows, system fields."""

    application: Application
    data: dict[str, Any]
    notes: list[str]


def prepare(session: Session, document: Document, application: Application, on: dt.date) -> Prepared:
    stored: dict[str, Any] = json.loads(application.facts)
    checked = check_facts(document, stored, application.year, application.party.uscc)
    assert document.case_model is not None
    data = parse(document.case_model, checked.body).model_dump(mode="json")
    data["readings"] = {}
    notes: list[str] = []
    if checked.dropped_readings:
        notes.append(
            f"申请人所填解释口径（{'、'.join(checked.dropped_readings)}）不予采用：按解释口径登记簿的默认口径计算"
        )
    if APPLIED_ON in data:
        typed = data[APPLIED_ON]
        applied = application.submitted_on
        data[APPLIED_ON] = None if applied is None else applied.isoformat()
        if typed not in (None, data[APPLIED_ON]):
            notes.append(f"申报日按提交日 {applied} 计，不采用所填 applied_on {typed}")
    party_list = REGISTRY_PARTIES.get(document.id)
    if party_list is not None:
        # 附则1: the 亩均 result "published at application time": as of the submission, else today.
        notes += _registry_rows(session, document, data, party_list, application.submitted_on or on)
    return Prepared(application, data, notes)


def _registry_rows(
    session: Session, document: Document, data: dict[str, Any], party_list: str, on: dt.date
) -> list[str]:
    """Replace each party row the registry knows by the registry's fields (re-validated)."""
    assert document.case_model is not None
    model = get_args(document.case_model.model_fields[party_list].annotation)[0]
    rows: list[dict[str, Any]] = data[party_list]
    known = registry.parties_by_uscc(session, [r["uscc"] for r in rows if r.get("uscc")])
    replaced = []
    for i, row in enumerate(rows):
        party = known.get(row.get("uscc") or "")
        if party is not None:
            rows[i] = _registry_row(model, row, party, on)
            replaced.append(f"{row['id']}（{party.uscc} {party.name}）")
    if not replaced:
        return []
    return [f"主体 {'、'.join(replaced)} 的{REGISTRY_WINS}按主体登记库的记录计算（登记库优先于申报所填）"]


def _registry_row(model: type[BaseModel], row: dict[str, Any], party: Party, on: dt.date) -> dict[str, Any]:
    try:
        return parse(model, row | registry_fields(party, on)).model_dump(mode="json")
    except InputErrors as exc:  # the registry holds what the case model refuses (e.g. figures missing)
        reasons = "；".join(f"{e.field}: {e.reason}" for e in exc.errors)
        raise InputError(f"登记库 {party.uscc}", f"登记记录不能用于计算：{reasons}") from None


def registry_fields(party: Party, on: dt.date) -> dict[str, Any]:
    """A 76号 party row's fields as the registry holds them (money in yuan, as the case writes it)."""
    ratings = [m for m in party.mujun_ratings if m.year <= on.year]
    latest = max(ratings, key=lambda m: m.year).mujun_class if ratings else None
    return {
        "name": party.name,
        "uscc": party.uscc,
        "kind": party.kind,
        "district": party.district,
        "government_guarantor": party.government_guarantor,
        "ownership": party.ownership,
        "legal_form": party.legal_form,
        "industry": party.industry,
        "size_class": party.size_class,
        "employees": party.employees,
        "revenue": _yuan(party.revenue_fen),
        "total_assets": _yuan(party.total_assets_fen),
        "mujun_class": latest,
        "major_accident_years": sorted({i.year for i in party.incidents if i.kind == "major_accident"}),
        "mass_incident_years": sorted({i.year for i in party.incidents if i.kind == "mass_incident"}),
        "qualifications": [
            {"kind": q.kind, "valid_from": q.valid_from.isoformat(), "valid_to": q.valid_to.isoformat()}
            for q in party.qualifications
        ],
    }


def _yuan(fen: int | None) -> str | None:
    return None if fen is None else str(Decimal(fen).scaleb(-2))


# --- combining applications -------------------------------------------------------------------------


def combine(document: Document, cases: Sequence[Prepared]) -> dict[str, Any]:
    """One case from several applications' cases (earlier ones first; the last is the one assessed)."""
    current = cases[-1].data
    combined: dict[str, Any] = {"year": current["year"], "readings": {}}
    if APPLIED_ON in current:
        combined[APPLIED_ON] = current[APPLIED_ON]
    party_list = REGISTRY_PARTIES.get(document.id)
    for name in current:
        if name in SYSTEM_FIELDS:
            continue
        if isinstance(current[name], list):
            combined[name] = _combine_rows(name, cases, uscc_unique=name == party_list)
        else:
            combined[name] = _combine_scalar(name, cases)
    return combined


def _combine_rows(name: str, cases: Sequence[Prepared], uscc_unique: bool) -> list[Any]:
    out: list[Any] = []
    seen: set[str] = set()
    by_id: dict[object, tuple[str, int, str]] = {}  # id → (canonical row, index, application)
    by_uscc: dict[str, tuple[object, str]] = {}
    for case in cases:
        number = case.application.number
        for index, row in enumerate(case.data[name]):
            text = audit.canonical_json(row)
            if text in seen:
                continue
            row_id = row.get("id") if isinstance(row, dict) else None
            if row_id is not None and row_id in by_id:
                _, other_index, other = by_id[row_id]
                raise InputError(
                    f"facts.{name}[{index}]",
                    f"与申请 {other} 的 {name}[{other_index}] 同为 id {row_id!r} 而内容不同："
                    "同一 id 须指同一事项（同一事项须内容一致，不同事项请换用不同的 id）",
                )
            uscc = row.get("uscc") if uscc_unique and isinstance(row, dict) else None
            if uscc and uscc in by_uscc and by_uscc[uscc][0] != row_id:
                other_id, other = by_uscc[uscc]
                raise InputError(
                    f"facts.{name}[{index}].id",
                    f"主体 {uscc} 在申请 {other} 中的 id 为 {other_id!r}，本申请为 {row_id!r}："
                    "同一主体须用同一 id（否则单户上限按两户计算）",
                )
            seen.add(text)
            out.append(row)
            if row_id is not None:
                by_id[row_id] = (text, index, number)
            if uscc:
                by_uscc[uscc] = (row_id, number)
    return out


def _combine_scalar(name: str, cases: Sequence[Prepared]) -> Any:
    chosen: Any = None
    source = ""
    for case in cases:
        value = case.data.get(name)
        if value is None:
            continue
        if chosen is not None and value != chosen:
            raise InputError(
                f"facts.{name}", f"为 {value!r}，而申请 {source} 为 {chosen!r}：同一主体同一年度须一致"
            )
        chosen, source = value, case.application.number
    return chosen


# --- evaluation -------------------------------------------------------------------------------------


def evaluate_alone(document: Document, prepared: Prepared) -> Result:
    """This application's facts alone, its provision only: the lines that pay its applicant."""
    provision = prepared.application.provision
    every = calculate(document, prepared.data, rulebook.parameters(), rulebook.register(), [provision])
    mine = applicant_ids(document, prepared.data, prepared.application.party.uscc)
    if mine is None:
        return every
    return evaluate_claimed(document, prepared.data, {provision: subjects(every, provision, mine)})


def applicant_ids(document: Document, data: Mapping[str, Any], uscc: str) -> set[str] | None:
    """The ids of the applicant's row in the case (None: the document's cases name no parties by USCC)."""
    party_list = APPLICANT_ROWS.get(document.id)
    if party_list is None:
        return None
    return {str(row["id"]) for row in data.get(party_list) or [] if row.get("uscc") == uscc}


def evaluate_claimed(document: Document, data: Mapping[str, Any], claims: Mapping[str, set[str]]) -> Result:
    """The engine's single-case path (validate, tabulate, evaluate, finalise, timing), with one step
    between the rules and the document's finalisers: a line of a provision whose subject no application
    for that provision brought fails ``CLAIMED`` and pays nothing, so it takes no cap and no g3 place."""
    case, tables = case_tables(document, data)
    readings = rulebook.register().choose({})
    without_finalisers = dataclasses.replace(document, finalisers=[])
    result = evaluate(
        without_finalisers, tables, case.year, rulebook.parameters(), readings, sorted(claims), {"case": case}
    )
    result.document = document
    for lines in result.lines:
        if document.rules[lines.rule_id].kind != "cash" or not len(lines):
            continue
        mine = claims.get(lines.rule_id, set())
        claimed = np.fromiter((str(s) in mine for s in lines.subject.tolist()), dtype=bool, count=len(lines))
        if not claimed.all():
            lines.conditions[CLAIMED] = claimed
            lines.amount = np.where(claimed, lines.amount, 0).astype(np.int64)
    for finalise in document.finalisers:
        finalise(result.context, result.lines)
    if document.timing is not None:
        result.timing = document.timing(result.context)
    return result


def subjects(result: Result, rule_id: str, beneficiaries: set[str] | None = None) -> set[str]:
    """The subjects of a rule's lines (only those paying one of ``beneficiaries``, where given)."""
    found: set[str] = set()
    for lines in result.lines:
        if lines.rule_id != rule_id:
            continue
        for subject, beneficiary in zip(lines.subject.tolist(), lines.beneficiary.tolist(), strict=True):
            if beneficiaries is None or str(beneficiary) in beneficiaries:
                found.add(str(subject))
    return found


# --- the assessment ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    computed_fen: int  # this application's facts alone
    granted_fen: int  # the combined total less what earlier applications were granted (before the ledger)
    explanation: dict[str, Any]  # JSON-able; frozen by review as canonical JSON
    timing: dict[str, Any] | None  # the document's timing hook (76号 g2: pay_from, pay_to)
    alone: Result  # the lines of this application's own facts (reasons for a zero)


def earlier_grants(session: Session, application: Application) -> list[Application]:
    """The same party's granted applications of the same document and year, in order of creation."""
    query = (
        select(Application)
        .where(
            Application.party_id == application.party_id,
            Application.document == application.document,
            Application.year == application.year,
            Application.state.in_(workflow.GRANTED),
            Application.id != application.id,
        )
        .order_by(Application.id)
    )
    return list(session.scalars(query))


def assess(session: Session, application: Application, on: dt.date) -> Assessment:
    """Compute the amount of ``application`` on business date ``on`` (nothing is written)."""
    document = rulebook.documents()[application.document]
    earlier = earlier_grants(session, application)
    cases = [prepare(session, document, a, on) for a in [*earlier, application]]
    alone = evaluate_alone(document, cases[-1])
    claims: dict[str, set[str]] = {}
    for case in cases:
        own = alone if case is cases[-1] else evaluate_alone(document, case)
        mine = applicant_ids(document, case.data, application.party.uscc)
        claims.setdefault(case.application.provision, set()).update(
            subjects(own, case.application.provision, mine)
        )
    combined = evaluate_claimed(document, combine(document, cases), claims)
    total = combined.total("cash")
    already = sum(a.granted_fen or 0 for a in earlier)
    granted = max(0, total - already)
    computed = alone.total("cash")
    explanation = {
        "application": application.number,
        "party": {"uscc": application.party.uscc, "name": application.party.name},
        "document": document.id,
        "document_number": document.number,
        "provision": application.provision,
        "provision_title": document.rules[application.provision].title,
        "year": application.year,
        "applied_on": None if application.submitted_on is None else application.submitted_on.isoformat(),
        "assessed_on": on.isoformat(),
        "rulebook_version": rulebook_version(),
        "readings": "解释口径登记簿的默认口径（申请人不能选择口径）",
        "computed": _money(computed),
        "combined_with": [
            {"application": a.number, "provision": a.provision, "granted": _money(a.granted_fen or 0)}
            for a in earlier
        ],
        "combined_total": _money(total),
        "already_granted": _money(already),
        "granted": _money(granted),
        "summary": _summary(computed, total, already, granted, earlier),
        "notes": list(dict.fromkeys(n for case in cases for n in case.notes)),
        "lines": explain(combined, include_ineligible=True),
        "timing": combined.timing,
    }
    return Assessment(computed, granted, explanation, combined.timing, alone)


def _money(fen: int) -> dict[str, Any]:
    return {"fen": fen, "yuan": format_fen(fen)}


def _summary(
    computed: int,
    total: int,
    already: int,
    granted: int,
    earlier: list[Application],
) -> str:
    own = f"本申请事实单独计算 {format_fen(computed)} 元"
    if not earlier:
        return f"{own}；同一主体本年度本文件无已核定申请，可核定 {format_fen(granted)} 元"
    listed = "、".join(f"{a.number}（{a.provision}）{format_fen(a.granted_fen or 0)} 元" for a in earlier)
    return (
        f"{own}；与同一主体本年度已核定的申请 {listed} 合并计算（单户上限、同一项目执行最高额等跨申请适用）"
        f"共 {format_fen(total)} 元，减去已核定 {format_fen(already)} 元，本申请可核定 {format_fen(granted)} 元"
    )


def zero_reasons(result: Result) -> list[str]:
    """Why each line of a result pays nothing: its unmet conditions, or its deductions and notes."""
    reasons = []
    for item in explain(result, include_ineligible=True):
        if item["kind"] != "cash" or item["amount"]["fen"] > 0:
            continue
        unmet = [c["condition"] for c in item["conditions"] if not c["met"]]
        why = "；".join(unmet) if unmet else "；".join(item["notes"] + item["caps_bound"]) or "金额为 0"
        reasons.append(f"{item['rule']} {item['subject']}：{'不符合 ' if unmet else ''}{why}")
    return reasons
