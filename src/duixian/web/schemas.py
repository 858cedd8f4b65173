"""The JSON API's shapes (pydantic): what each endpoint answers and what an action's body holds.

Money is integer fen with its yuan text, as everywhere in duixian. An application's detail is the
domain's ``applications.describe`` dict; its explanation and facts stay free-form JSON because their
shape is each document's own (the rulebook's case models and ``engine.explain``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ReviewAction = Literal["start_review", "approve", "reject", "return"]


class Money(BaseModel):
    fen: int
    yuan: str


class Problem(BaseModel):
    """One refusal or bad input: the field (request field, or the application number) and why."""

    field: str
    reason: str


class ErrorBody(BaseModel):
    detail: list[Problem]


class ActionBody(BaseModel):
    """A reviewer's decision. ``on`` is the business date (default: today, Beijing time)."""

    model_config = ConfigDict(extra="forbid")

    actor: str = Field(min_length=1, max_length=100, description="操作人（记入审计日志）")
    reason: str = Field(
        default="", max_length=2000, description="理由（退回、不予支持必填；通过时为审核意见）"
    )
    on: dt.date | None = Field(default=None, description="业务日期 YYYY-MM-DD")


# --- applications -------------------------------------------------------------------------------------


class Party(BaseModel):
    uscc: str
    name: str


class ApplicationRow(BaseModel):
    number: str
    party: Party
    document: str
    provision: str
    year: int
    state: str
    state_name: str
    granted: Money | None


class AttachmentInfo(BaseModel):
    filename: str
    media_type: str
    size: int
    sha256: str


class Decision(BaseModel):
    computed: Money | None
    granted: Money | None
    decided_on: str | None
    decided_by: str | None
    rulebook_version: str | None
    fund_id: int | None
    quota_units: int
    pay_from: str | None
    pay_by: str | None


class HistoryEntry(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    action: str
    action_name: str
    from_state: str | None = Field(alias="from")
    to_state: str = Field(alias="to")
    from_name: str | None
    to_name: str
    actor: str
    reason: str
    effective_on: str


class ObjectionInfo(BaseModel):
    raised_by: str
    raised_on: str
    grounds: str
    outcome: str | None
    resolution: str | None
    resolved_by: str | None
    resolved_on: str | None


class ApplicationDetail(BaseModel):
    number: str
    party: Party
    document: str
    document_number: str
    provision: str
    provision_title: str
    year: int
    state: str
    state_name: str
    submitted_on: str | None
    facts_sha256: str
    facts: dict[str, Any]
    attachments: list[AttachmentInfo]
    decision: Decision
    summary: list[str]
    explanation: dict[str, Any] | None
    objections: list[ObjectionInfo]
    history: list[HistoryEntry]


# --- funds, audit, rules, calc ----------------------------------------------------------------------


class FundSummary(BaseModel):
    code: str
    name: str
    kind: str
    kind_name: str
    source: str
    year: int | None
    basis: str
    balance: Money
    committed: Money
    available: Money | None = Field(description="限额资金的可用余额；开放科目不设上限（null）")


class StatementEntry(BaseModel):
    entry: int
    effective_on: str
    kind: str
    kind_name: str
    amount: Money
    running_balance: Money
    application: str | None
    note: str
    at: str


class FundStatement(FundSummary):
    entries: list[StatementEntry]


class AuditProblem(BaseModel):
    seq: int
    fault: str
    fault_name: str
    message: str


class AuditVerification(BaseModel):
    ok: bool
    checked: int
    last_seq: int
    problem: AuditProblem | None


class Applies(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str | None


class Rule(BaseModel):
    id: str
    title: str
    kind: str
    document: str
    clause: str
    citation: str
    quote: str
    applies: Applies


class CalcResult(BaseModel):
    """What `duixian calc --json` prints: totals and every line with its explanation."""

    document: str
    year: int | None
    total: Money
    deposit_quota_total: Money
    lines: list[dict[str, Any]]
    timing: dict[str, Any] | None = None


# --- reforms (政策模拟) ----------------------------------------------------------------------------------

ReformStatus = Literal["queued", "running", "done", "failed"]


class ReformRequest(BaseModel):
    """A reform to simulate on one of the server's populations: its YAML text, or an example's name."""

    model_config = ConfigDict(extra="forbid")

    population: str = Field(
        min_length=1, max_length=200, description="人群目录名（见 /api/reforms/populations）"
    )
    reform: str = Field(
        default="", max_length=100_000, description="改革方案 YAML 文本（格式见 examples/reforms/）"
    )
    example: str = Field(
        default="", max_length=200, description="示例方案名（reform 为空时使用，见 /api/reforms/examples）"
    )


class PopulationInfo(BaseModel):
    name: str
    document: str
    document_number: str
    year: int
    synthetic: bool
    entities: int | None


class ReformExample(BaseModel):
    name: str
    description: str
    text: str


class ReformProgress(BaseModel):
    done: int = Field(description="已完成的步骤（基线与改革各按规则逐条计）")
    total: int
    step: str = Field(description="正在做什么")


class RuleCost(BaseModel):
    rule: str
    title: str
    kind: str
    baseline: Money
    reform: Money
    difference: Money
    gainers: int
    losers: int


class DistrictCost(BaseModel):
    district: str | None
    baseline: Money
    reform: Money
    difference: Money
    gainers: int
    losers: int


class BeneficiaryGain(BaseModel):
    beneficiary: str
    district: str | None
    baseline: Money
    reform: Money
    difference: Money


class ParameterChange(BaseModel):
    parameter: str
    description: str
    baseline: str
    reform: str


class ReadingChange(BaseModel):
    switch: str
    baseline: str
    reform: str


class Beneficiaries(BaseModel):
    gainers: int
    losers: int
    unchanged: int


class ReformSummary(BaseModel):
    """What `duixian reform --json` prints, money as fen with its yuan text."""

    model_config = ConfigDict(populate_by_name=True)

    reform: str
    description: str
    document: str
    document_number: str
    from_: str = Field(alias="from")
    mid_year: bool = Field(description="改革晚于参数取值日生效：按年取值的参数本年度仍按原值")
    reference_date: str
    year: int
    synthetic: bool
    entities: int | None
    parameters: list[ParameterChange]
    readings: list[ReadingChange]
    cost: Money = Field(description="新增财政现金支出（负数为节省）")
    baseline_total: Money
    reform_total: Money
    beneficiaries: Beneficiaries
    by_rule: list[RuleCost]
    by_district: list[DistrictCost]
    largest_gains: list[BeneficiaryGain]
    seconds: dict[str, float]


class ReformJob(BaseModel):
    """A simulation running in the background; ``summary`` once done, ``problems`` if it failed."""

    id: str
    status: ReformStatus
    status_name: str
    population: str
    reform: str
    submitted_at: str
    progress: ReformProgress
    problems: list[Problem]
    summary: ReformSummary | None
    chart_svg: str | None = Field(description="图表（SVG）地址，完成后可用")
    chart_png: str | None
    excel: str | None = Field(description="结果 Excel 下载地址，完成后可用")
