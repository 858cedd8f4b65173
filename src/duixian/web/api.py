"""The JSON API under /api: applications and the reviewer's decisions, funds, the audit log's check,
the policy library and the calculator. Errors: see ``web.errors`` (409 refusal, 422 bad input)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request

from duixian.calculator import calculate_case, case_payload, rule_library
from duixian.storage.db import Database
from duixian.web import reads
from duixian.web.actions import act
from duixian.web.schemas import (
    ActionBody,
    ApplicationDetail,
    ApplicationRow,
    AuditVerification,
    CalcResult,
    ErrorBody,
    FundStatement,
    FundSummary,
    ReviewAction,
    Rule,
)


def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


Db = Annotated[Database, Depends(database)]
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "没有该申请或资金科目"},
    409: {"model": ErrorBody, "description": "规则不允许该操作（理由与字段）"},
    422: {"model": ErrorBody, "description": "输入错误（字段与理由）"},
}

router = APIRouter(prefix="/api", responses=ERRORS)


@router.get("/applications", response_model=list[ApplicationRow], summary="申请列表（最新在前）")
def list_applications(
    db: Db,
    state: Annotated[str | None, Query(description="状态，如 under_review")] = None,
    document: Annotated[str | None, Query(description="文件，如 wzb-2019-76")] = None,
    provision: Annotated[str | None, Query(description="条款，如 wzb-2019-76.c1")] = None,
) -> list[ApplicationRow]:
    with db.snapshot() as session:
        return reads.application_rows(session, state=state, document=document, provision=provision)


@router.get("/applications/{number}", response_model=ApplicationDetail, summary="一件申请的全部情况")
def show_application(db: Db, number: str) -> ApplicationDetail:
    with db.snapshot() as session:
        return reads.application_detail(session, number)


@router.post(
    "/applications/{number}/{action}",
    response_model=ApplicationDetail,
    summary="审核：受理、通过、不予支持、退回",
)
def decide(db: Db, number: str, action: ReviewAction, body: ActionBody) -> ApplicationDetail:
    """Take the decision in one transaction, then answer with the application as it now stands."""
    act(db, number, action, body)
    with db.snapshot() as session:
        return reads.application_detail(session, number)


@router.get("/funds", response_model=list[FundSummary], summary="资金科目：余额、已核定未拨付、可用")
def list_funds(db: Db) -> list[FundSummary]:
    with db.snapshot() as session:
        return reads.fund_summaries(session)


@router.get("/funds/{code}", response_model=FundStatement, summary="资金明细（逐笔余额）")
def show_fund(db: Db, code: str) -> FundStatement:
    with db.snapshot() as session:
        return reads.fund_statement(session, code)


@router.get("/audit/verify", response_model=AuditVerification, summary="审计日志哈希链校验")
def verify_audit(db: Db) -> AuditVerification:
    with db.snapshot() as session:
        return reads.verification(session)


@router.get("/rules", response_model=list[Rule], summary="政策库：每条规则、条款与公报原文")
def list_rules() -> list[dict[str, Any]]:
    return rule_library()


@router.post("/calc", response_model=CalcResult, summary="计算一个案例（同 duixian calc --json）")
def calc(
    case: Annotated[
        dict[str, Any], Body(description="案例：document 与该文件的案例字段（见 duixian schema）")
    ],
    rule: Annotated[list[str] | None, Query(description="只计算这些规则")] = None,
    all_lines: Annotated[bool, Query(alias="all", description="也解释不符合条件的行")] = False,
) -> dict[str, Any]:
    return case_payload(calculate_case(case, rule), include_ineligible=all_lines)
