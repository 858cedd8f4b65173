"""c2 — 第2条 简化项目审批程序: which route a contract of a rural project that must be tendered may take.

One line per contract. The line holds when the contract may leave open tendering for the township's
own route: survey, design and supervision up to 1,000,000 entrusted directly; goods up to 2,000,000
and works (项目, reading wzb-2019-72.c2.project_meaning) up to 4,000,000 by a government procurement
method the township chooses. 以下 includes the bound. The step ``route`` names the route per line.
"""

from __future__ import annotations

import numpy as np

from duixian.engine.money import format_fen
from duixian.engine.rules import Context, Lines, Step, keys, make_lines
from duixian.rulebook.wzb_2019_72.case import CONTRACT_KIND_NAMES
from duixian.rulebook.wzb_2019_72.document import DOC
from duixian.rulebook.wzb_2019_72.rules._checks import check_case

P = "wzb-2019-72."
SERVICE_KINDS = ("survey", "design", "supervision")
ENTRUST = "由乡镇政府（街道办事处）依法委托有资质的勘察、设计或监理单位"
PROCURE = "由乡镇政府（街道办事处）依法选择政府采购方式"
TENDER = "依法招投标（超出本条限额或本条未列的合同类别）"
OUTSIDE = "不属本条范围（非必须招投标的乡村振兴建设项目）"


@DOC.rule(
    "c2",
    title="乡村振兴建设项目简易采购程序",
    clause="二、第2条",
    quote=(
        "必须招投标的乡村振兴建设项目，单项合同估算价100万元以下的勘察、设计或监理费用，"
        "由乡镇政府（街道办事处）依法委托有资质的勘察单位、设计单位或监理单位；"
        "单项合同估算价200万元以下的重要设备、材料等货物采购，以及单项合同估算价400万元以下的项目，"
        "由乡镇政府（街道办事处）依法选择政府采购方式，具体管理办法由各县（市、区）制定。"
    ),
    kind="condition",
    verdict=("可适用本条简易程序", "不适用本条简易程序"),
)
def procurement_route(ctx: Context) -> Lines:
    check_case(ctx)
    contracts = ctx.table("contracts")
    kind, price = contracts["kind"], np.asarray(contracts["estimated_price"], dtype=np.int64)
    service = np.isin(kind, SERVICE_KINDS)
    goods = kind == "goods"
    project = kind == "works"
    if ctx.reading(P + "c2.project_meaning") == "any_other_contract":
        project = project | (kind == "services")
    covered = service | goods | project
    limits = [
        ctx.amount(P + "c2.service_limit"),
        ctx.amount(P + "c2.goods_limit"),
        ctx.amount(P + "c2.project_limit"),
    ]
    limit = np.select([service, goods, project], limits, default=0).astype(np.int64)
    limit_shown = np.select(
        [service, goods, project], [f"{format_fen(v)} 元" for v in limits], default="本条未规定该类别"
    ).astype(object)
    must_tender = np.asarray(contracts["must_tender"], dtype=bool)
    within = covered & (price <= limit)
    route = np.where(
        ~must_tender, OUTSIDE, np.where(within, np.where(service, ENTRUST, PROCURE), TENDER)
    ).astype(object)
    return make_lines(
        P + "c2",
        beneficiary=contracts["township"],
        subject=keys("contract", contracts["id"]),
        project=keys("project", contracts["project"]),
        raw_amount=np.zeros(len(price), dtype=np.int64),
        conditions={
            "属必须招投标的乡村振兴建设项目": must_tender,
            "合同类别为本条所列（勘察、设计、监理；重要设备、材料等货物；项目）": covered,
            "单项合同估算价在该类别限额以下（含本数）": within,
        },
        steps={
            "kind": Step("合同类别", np.vectorize(CONTRACT_KIND_NAMES.get, otypes=[object])(kind), "text"),
            "price": Step("单项合同估算价", price, "fen"),
            "limit": Step("该类别限额（以下，含本数）", limit_shown, "text"),
            "route": Step("可采取的方式", route, "text"),
        },
    )
