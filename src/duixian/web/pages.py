"""The HTML pages, rendered on the server (Jinja2), with plain forms that POST and redirect.

    /                          首页：申请按状态、资金科目
    /applications              申请列表（按状态筛选）
    /applications/{number}     申请详情；审核中的申请可受理、通过、退回、不予支持
    /funds/{code}              资金明细（逐笔余额）
    /audit                     审计日志校验与最新记录
    /rules                     政策库（按文字筛选）
    /reforms                   政策模拟：选人群与改革方案，后台测算
    /reforms/{id}              测算进度（页面轮询 /api/reforms/{id}），完成后显示结果与图表

There is no login yet: the 操作人 is typed in each form and recorded in the audit log as given.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from duixian.calculator import rule_library
from duixian.domain import workflow
from duixian.errors import InputError, InputErrors
from duixian.web import reads, reforms
from duixian.web.actions import Refusal, act, web_field
from duixian.web.api import Bench, Db
from duixian.web.errors import input_status, validation_problems
from duixian.web.schemas import ActionBody, Problem, ReformRequest, ReviewAction

# the reviewer's forms on the detail page, in the order a reviewer meets them
REVIEW_ACTIONS: tuple[ReviewAction, ...] = ("start_review", "approve", "return", "reject")


def pages(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    def home(request: Request, db: Db) -> Response:
        with db.snapshot() as session:
            context = {"states": reads.state_counts(session), "funds": reads.fund_summaries(session)}
        return templates.TemplateResponse(request, "home.html", context)

    @router.get("/applications")
    def application_list(request: Request, db: Db, state: Annotated[str | None, Query()] = None) -> Response:
        with db.snapshot() as session:
            rows = reads.application_rows(session, state=state or None)
        context = {"rows": rows, "state": state or "", "state_names": workflow.STATE_NAMES}
        return templates.TemplateResponse(request, "applications.html", context)

    @router.get("/applications/{number}")
    def application_page(request: Request, db: Db, number: str, done: str | None = None) -> Response:
        done_name = next((name for a, name in workflow.ACTION_NAMES.items() if a == done), None)
        return _detail(request, db, number, {"done": done_name})

    @router.post("/applications/{number}/{action}")
    def decide(
        request: Request,
        db: Db,
        number: str,
        action: ReviewAction,
        actor: Annotated[str, Form()] = "",
        reason: Annotated[str, Form()] = "",
        on: Annotated[str, Form()] = "",
    ) -> Response:
        entered = {"actor": actor, "reason": reason, "on": on}
        try:
            body = ActionBody.model_validate({"actor": actor.strip(), "reason": reason, "on": on or None})
            act(db, number, action, body)
        except ValidationError as exc:
            return _detail(
                request, db, number, {"problems": validation_problems(exc.errors()), "entered": entered}, 422
            )
        except Refusal as exc:
            problems = [Problem(field=web_field(e.field), reason=e.reason) for e in exc.errors]
            return _detail(request, db, number, {"problems": problems, "entered": entered}, 409)
        except InputError as exc:
            problem = Problem(field=web_field(exc.field), reason=exc.reason)
            return _detail(
                request, db, number, {"problems": [problem], "entered": entered}, input_status(exc)
            )
        return RedirectResponse(f"/applications/{number}?done={action}", status_code=303)

    def _detail(request: Request, db: Db, number: str, extra: dict[str, Any], status: int = 200) -> Response:
        with db.snapshot() as session:
            detail = reads.application_detail(session, number)
        state = workflow.check_state(detail.state)
        allowed = [a for a in REVIEW_ACTIONS if state in workflow.TRANSITIONS[a][0]]
        context = {
            "a": detail,
            "actions": [(a, workflow.ACTION_NAMES[a], a in workflow.NEEDS_REASON) for a in allowed],
            "problems": [],
            "entered": {},
        } | extra
        return templates.TemplateResponse(request, "application.html", context, status_code=status)

    @router.get("/funds/{code}")
    def fund_page(request: Request, db: Db, code: str) -> Response:
        with db.snapshot() as session:
            statement = reads.fund_statement(session, code)
        return templates.TemplateResponse(request, "fund.html", {"f": statement})

    @router.get("/audit")
    def audit_page(request: Request, db: Db) -> Response:
        with db.snapshot() as session:
            context = {"v": reads.verification(session), "entries": reads.latest_entries(session, 50)}
            return templates.TemplateResponse(request, "audit.html", context)

    @router.get("/rules")
    def rules_page(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> Response:
        rules = [r for r in rule_library() if matches(r, q)]
        return templates.TemplateResponse(request, "rules.html", {"rules": rules, "q": q})

    @router.get("/reforms")
    def reforms_page(request: Request, bench: Bench) -> Response:
        return _reform_form(request, bench, {})

    @router.post("/reforms")
    def submit_reform(
        request: Request,
        bench: Bench,
        population: Annotated[str, Form()] = "",
        example: Annotated[str, Form()] = "",
        reform: Annotated[str, Form()] = "",
    ) -> Response:
        entered = {"population": population, "example": example, "reform": reform}
        try:
            job = bench.submit(ReformRequest.model_validate(entered))
        except ValidationError as exc:
            return _reform_form(
                request, bench, {"problems": validation_problems(exc.errors()), "entered": entered}, 422
            )
        except (InputError, InputErrors) as exc:
            context = {"problems": reforms.problems_of(exc), "entered": entered}
            return _reform_form(request, bench, context, 422)
        return RedirectResponse(f"/reforms/{job.id}", status_code=303)

    def _reform_form(request: Request, bench: Bench, extra: dict[str, Any], status: int = 200) -> Response:
        context = {
            "populations": bench.populations(),
            "examples": bench.examples(),
            "jobs": [reforms.describe(j, with_summary=False) for j in bench.jobs()],
            "problems": [],
            "entered": {},
        } | extra
        return templates.TemplateResponse(request, "reforms.html", context, status_code=status)

    @router.get("/reforms/{job_id}")
    def reform_page(request: Request, bench: Bench, job_id: str) -> Response:
        return templates.TemplateResponse(request, "reform.html", {"j": reforms.describe(bench.job(job_id))})

    return router


def matches(rule: dict[str, Any], query: str) -> bool:
    """Every word of the query appears in the rule's id, title, document, clause or the gazette's words."""
    text = " ".join(str(rule[k]) for k in ("id", "title", "document", "clause", "quote")).casefold()
    return all(word in text for word in query.casefold().split())
