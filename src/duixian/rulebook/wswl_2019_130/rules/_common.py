"""What every rule of 130号 reads: the projects and their implementers, checks across tables, the
basic conditions of 三 and the bar of 五（二）."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt

from duixian.engine.money import IntArray
from duixian.engine.rules import Context, prefixed
from duixian.engine.tables import BoolArray, Column, gather
from duixian.errors import InputError, InputErrors
from duixian.rulebook.wswl_2019_130.case import ACCEPTANCE_GRADES, SCORE_PLACES
from duixian.rulebook.wswl_2019_130.document import DOC

P = "wswl-2019-130."
BAR_FROM = P + "pay.bar_from"
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
            errors.append(InputError(field, "only a 海外营运中心 (kind: centre) lies inside a zone"))
        elif host_rows[row] == row:
            errors.append(InputError(field, "a centre cannot be its own zone"))
        elif host_rows[row] >= 0 and projects["kind"][host_rows[row]] != "zone":
            errors.append(InputError(field, f"project {hosts[row]!r} is not a 境外经贸合作区 (kind: zone)"))
    if ctx.year == DOC.applies_from.year and len(ctx.table("carried_in")):
        errors.append(
            InputError(
                "carried_in[0]",
                f"{ctx.year} is the first year of the pilot (一（一）“实施时间为2018-2020年”): "
                "nothing can be carried over into it",
            )
        )
    if errors:
        raise InputErrors(errors)


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
    return {
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


def eligible(ctx: Context) -> BoolArray:
    ok = np.ones(len(ctx.table("projects")), dtype=bool)
    for passed in conditions(ctx).values():
        ok &= passed
    return ok
