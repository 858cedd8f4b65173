"""The JSON API under /api: applications and the reviewer's decisions, funds, the audit log's check,
the policy library, the calculator and reform simulations (政策模拟, run in the background: POST, then
poll). Errors: see ``web.errors`` (404 unknown, 409 refusal, 422 bad input)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response

from duixian.calculator import calculate_case, case_payload, rule_library
from duixian.charts.reform import ImageFormat
from duixian.storage.db import Database
from duixian.web import reads, reform_excel, reforms
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
    PopulationInfo,
    ReformExample,
    ReformJob,
    ReformRequest,
    ReviewAction,
    Rule,
)


def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


def workbench(request: Request) -> reforms.Workbench:
    bench: reforms.Workbench = request.app.state.reforms
    return bench


Db = Annotated[Database, Depends(database)]
Bench = Annotated[reforms.Workbench, Depends(workbench)]
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "没有该申请、资金科目或测算任务"},
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


# --- reforms (政策模拟) ----------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/reforms/populations", response_model=list[PopulationInfo], summary="政策模拟：可选的人群")
def list_populations(bench: Bench) -> list[PopulationInfo]:
    return bench.populations()


@router.get("/reforms/examples", response_model=list[ReformExample], summary="政策模拟：示例改革方案")
def list_reform_examples(bench: Bench) -> list[ReformExample]:
    return bench.examples()


@router.post(
    "/reforms", response_model=ReformJob, status_code=202, summary="政策模拟：提交改革方案（后台测算）"
)
def submit_reform(bench: Bench, body: ReformRequest) -> ReformJob:
    """Checks the reform at once (422 naming the field), then simulates it in the background: poll
    GET /api/reforms/{id} until ``status`` is ``done`` (or ``failed``, with ``problems``)."""
    return reforms.describe(bench.submit(body))


@router.get("/reforms/{job_id}", response_model=ReformJob, summary="政策模拟：进度与结果")
def show_reform(bench: Bench, job_id: str) -> ReformJob:
    return reforms.describe(bench.job(job_id))


@router.get(
    "/reforms/{job_id}/chart.{image_format}",
    response_class=Response,
    summary="政策模拟：图表（svg 或 png，同 duixian reform --chart）",
)
def reform_chart(bench: Bench, job_id: str, image_format: ImageFormat) -> Response:
    media = "image/svg+xml" if image_format == "svg" else "image/png"
    return Response(bench.chart(bench.job(job_id), image_format), media_type=media)


@router.get("/reforms/{job_id}/results.xlsx", response_class=Response, summary="政策模拟：结果 Excel")
def reform_excel_download(bench: Bench, job_id: str) -> Response:
    job = bench.job(job_id)
    content = reform_excel.workbook(reforms.finished(job))
    filename = f"reform-{job.reform.name}-{job.id}.xlsx"
    return Response(
        content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
