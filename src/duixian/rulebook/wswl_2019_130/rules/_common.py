"""What every rule of 130号 reads: the projects and their implementers, checks across tables, the
basic conditions of 三 and the bar of 五（二）."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from duixian.engine.money import IntArray, format_fen
from duixian.engine.rules import Context, prefixed
from duixian.engine.tables import BoolArray, Column, gather
from duixian.errors import InputError, InputErrors
from duixian.rulebook.wswl_2019_130.case import ACCEPTANCE_GRADES, SCORE_PLACES
from duixian.rulebook.wswl_2019_130.document import DOC

P = "wswl-2019-130."
BAR_FROM = P + "pay.bar_from"
IN_FORCE = P + "pay.in_force"
DISTRICT_ROUTE = P + "pay.district_route"
# The day the 办法 was issued (落款“2019年 12月18日”), from which it applies: “自印发之日起实施”.
ISSUED_ON = dt.date(2019, 12, 18)
# The districts the notice is addressed to: “鹿城区、龙湾区、瓯海区商务局、财政局，有关企业”.
ADDRESSED_DISTRICTS = ("鹿城区", "龙湾区", "瓯海区")
IN_ADDRESSED_DISTRICT = "区属企业属通知主送的鹿城区、龙湾区、瓯海区（pay.district_route）"
ZONE_NAMES = {"zone": "境外经贸合作区", "centre": "海外营运中心", "other": "其他"}


def check(ctx: Context) -> None:
    """Checks the model and the references cannot make; run once per case (every rule calls it)."""
    if ctx.extras.get(P + "checked"):
        return
    ctx.extras[P + "checked"] = True
    errors: list[InputError] = []
    projects = ctx.table("projects")
    hosts = projects["host_zone"]
    host_rows = projects.rows_of(hosts)
    for row in np.flatnonzero(hosts != ""):
        field = f"projects[{row}].host_zone"
        if projects["kind"][row] != "centre":
            errors.append(InputError(field, "只有海外营运中心（kind: centre）才位于合作区内"))
        elif host_rows[row] == row:
            errors.append(InputError(field, "海外营运中心不能以自身为所在合作区"))
        elif host_rows[row] >= 0 and projects["kind"][host_rows[row]] != "zone":
            errors.append(InputError(field, f"项目 {hosts[row]!r} 不是境外经贸合作区（kind: zone）"))
    errors.extend(_publicity_errors(ctx))
    if ctx.year == DOC.applies_from.year and len(ctx.table("carried_in")):
        errors.append(
            InputError(
                "carried_in[0]",
                f"{ctx.year} 年是试点的第一年（一（一）“实施时间为2018-2020年”）：没有可结转至该年度的资金",
            )
        )
    if errors:
        raise InputErrors(errors)


def publicity_start(ctx: Context) -> dt.date | None:
    """The first day the allocation was publicised (publicity_starts_on), if the case gives it."""
    start = getattr(ctx.extras.get("case"), "publicity_starts_on", None)
    return start if isinstance(start, dt.date) else None


def _publicity_errors(ctx: Context) -> list[InputError]:
    """The publicity of a year's allocation cannot precede that year, nor (reading pay.in_force =
    from_issue) the day the 办法 took effect."""
    start = publicity_start(ctx)
    if start is None:
        return []
    field = "publicity_starts_on"
    if start.year < ctx.year:
        return [
            InputError(
                field,
                f"{start} 早于所属年度 {ctx.year} 年：{ctx.year} 年度的分配"
                "（按照年度试点实施方案……按分值在专项资金总额内按比例予以分配）不能在该年度之前公示",
            )
        ]
    if ctx.reading(IN_FORCE) == "from_issue" and start < ISSUED_ON:
        return [
            InputError(
                field,
                f"{start} 早于办法的施行日期 {ISSUED_ON}（“自印发之日起实施”）；"
                "如需适用于此前的公示，请选择解释口径 wswl-2019-130.pay.in_force = pilot_years",
            )
        ]
    return []


def project_keys(ctx: Context) -> Column:
    return prefixed("project", ctx.table("projects")["id"])


def implementer_rows(ctx: Context) -> npt.NDArray[np.intp]:
    return ctx.table("implementers").rows_of(ctx.table("projects")["implementer"])


def implementer_column(ctx: Context, column: str, missing: object) -> Column:
    """An implementer's field for each project (references are checked, so none is missing)."""
    return gather(ctx.table("implementers")[column], implementer_rows(ctx), missing)


def scaled_scores(ctx: Context) -> npt.NDArray[np.object_]:
    """Scores × 10^4 as exact Python integers (shares are score / total score, exactly)."""
    scale = Decimal(10) ** SCORE_PLACES
    scores = ctx.table("projects")["score"]
    out = np.empty(len(scores), dtype=object)
    out[:] = [int(Decimal(s) * scale) for s in scores]
    return out


def first_barred_year(ctx: Context) -> IntArray:
    """五（二）: per project, the first year its implementer may no longer apply (a large year: never).

    Reading pay.bar_from: “以后年度” are the years after the year the fraud was found (default), or
    that year too.
    """
    findings = ctx.table("fraud_findings")
    implementers = ctx.table("implementers")
    never = np.iinfo(np.int64).max
    first = np.full(len(implementers), never, dtype=np.int64)
    if len(findings):
        offset = 1 if ctx.reading(BAR_FROM) == "after_finding_year" else 0
        years = findings["found_on"].astype("datetime64[Y]").astype(np.int64) + 1970 + offset
        np.minimum.at(first, implementers.rows_of(findings["implementer"]), years)
    return np.asarray(gather(first, implementer_rows(ctx), never), dtype=np.int64)


def acceptance_passed(ctx: Context) -> BoolArray:
    lowest = str(ctx.param(P + "e.lowest_acceptance_grade").value)
    passing = ACCEPTANCE_GRADES[: ACCEPTANCE_GRADES.index(lowest) + 1]
    return np.isin(ctx.table("projects")["acceptance"], passing)


def conditions(ctx: Context) -> dict[str, BoolArray]:
    """三1–5 (each check on its own, in the clause's words) and the bar of 五（二）."""
    projects = ctx.table("projects")
    barred_from = first_barred_year(ctx)
    checks: dict[str, BoolArray] = {
        "申请单位为境外经贸合作区或海外营运中心实施企业": np.isin(projects["kind"], ["zone", "centre"]),
        "在温州市内依法注册": implementer_column(ctx, "district", "市外") != "市外",
        "具有独立法人资格": np.asarray(
            implementer_column(ctx, "independent_legal_person", False), dtype=bool
        ),
        "在境内已完成商务部对外投资备案手续": np.asarray(projects["mofcom_filed"], dtype=bool),
        "取得《企业境外投资证书》": np.asarray(projects["investment_certificate"], dtype=bool),
        "在境外完成相关登记手续": np.asarray(projects["registered_abroad"], dtype=bool),
        "按规定报送项目进展情况和相关统计资料": np.asarray(projects["reports_progress"], dtype=bool),
        "资信良好": np.asarray(implementer_column(ctx, "good_credit", False), dtype=bool),
        "财会制度健全": np.asarray(implementer_column(ctx, "sound_accounts", False), dtype=bool),
        "未因进行非法经营活动或违反国家关规定受过处罚": ~np.asarray(
            implementer_column(ctx, "penalised", True), dtype=bool
        ),
        "境外外经贸综合服务体系试点项目验收在合格档及以上": acceptance_passed(ctx),
        "未因骗取、截留、挪用试点资金被取消以后年度申请资格（五（二））": barred_from > ctx.year,
    }
    if ctx.reading(DISTRICT_ROUTE) == "three_districts_only":
        district = implementer_column(ctx, "district", "")
        district_owned = implementer_column(ctx, "affiliation", "") == "区属"
        checks[IN_ADDRESSED_DISTRICT] = ~district_owned | np.isin(district, ADDRESSED_DISTRICTS)
    return checks


def eligible(ctx: Context) -> BoolArray:
    ok = np.ones(len(ctx.table("projects")), dtype=bool)
    for passed in conditions(ctx).values():
        ok &= passed
    return ok


def fraud_notes(ctx: Context) -> dict[int, list[str]]:
    """Per project row: the fraud findings against its implementer that do not bar it this year.

    Under pay.bar_from = after_finding_year a finding of the allocation year itself (or a later one)
    leaves the year's project eligible while the pay rule recovers funds from the same enterprise:
    every line of such a project names the finding, so that no one pays it unawares.
    """
    findings = ctx.table("fraud_findings")
    notes: dict[int, list[str]] = {}
    if not len(findings):
        return notes
    option = ctx.reading(BAR_FROM)
    offset = 1 if option == "after_finding_year" else 0
    implementers = ctx.table("projects")["implementer"]
    found_years = findings["found_on"].astype("datetime64[Y]").astype(np.int64) + 1970
    for f in np.flatnonzero(found_years + offset > ctx.year):
        barred_from = int(found_years[f]) + offset
        text = (
            f"注意：实施企业 {findings['implementer'][f]} 有违规查实记录 fraud:{findings['id'][f]}"
            f"（{findings['found_on'][f]} 查实{findings['conduct'][f]}试点资金，视情收回 "
            f"{format_fen(int(findings['recover'][f]))} 元，五（二））；按 pay.bar_from = {option}，"
            f"自 {barred_from} 年度起取消申请资格，{ctx.year} 年度不在取消之列——拨付前应核对收回与本年度拨付"
        )
        for row in np.flatnonzero(implementers == findings["implementer"][f]):
            notes.setdefault(int(row), []).append(text)
    return notes
