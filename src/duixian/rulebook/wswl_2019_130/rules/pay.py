"""pay — 四（二）拨付程序 and 五（二）: publicity, who pays each project, recovery from fraud.

One line per project (its allocation, the publicity period, the payer) and one line per fraud
finding (the funds to recover and the years barred). Amounts stay 0: this rule says when and by whom
the alloc amounts are paid, it pays nothing itself.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from duixian.engine.money import IntArray
from duixian.engine.rules import Context, Lines, Step, make_lines, prefixed
from duixian.engine.tables import BoolArray, Column
from duixian.rulebook.wswl_2019_130.document import DOC
from duixian.rulebook.wswl_2019_130.rules import _calendar, _common
from duixian.rulebook.wswl_2019_130.rules.alloc import allocation

P = _common.P
NO_FRAUD = "未骗取、截留、挪用试点资金（五（二））"


@DOC.rule(
    "pay",
    title="资金分配公示、拨付和违规收回",
    clause="四（二）；五（二）",
    quote=(
        "资金分配结果在市商务局网站上公示5日，市属企业由市财政直接拨付至企业帐户，"
        "区属企业由市财政局下达至区属财政局，再由区财政拨付给企业。……"
        "任何单位不得以任何形式骗取、截留、挪用试点资金，对违反本办法规定的，市商务局、财政局将视情收回资金，"
        "取消以后年度申请资格，并按照《财政违法行为处罚处分条例》（国务院令第427号）处理。"
    ),
    kind="timing",
    # Whether a project is paid follows from alloc, a shared pool; the publicity date is the year's.
    population=True,
    verdict=("按程序拨付", "不拨付"),
)
def payment(ctx: Context) -> Lines:
    _common.check(ctx)
    projects, findings = ctx.table("projects"), ctx.table("fraud_findings")
    n, m = len(projects), len(findings)
    allocated = allocation(ctx).final()
    start = _common.publicity_start(ctx)
    publicised = start is not None
    if publicised:
        ctx.reading(_common.IN_FORCE)  # decided whether this publicity date is accepted (_common.check)
    end = _calendar.publicity_end(ctx, start) if start is not None else None
    payer, route, addressed = _payers(ctx)
    found_year = findings["found_on"].astype("datetime64[Y]").astype(np.int64) + 1970
    barred_from = found_year + (1 if ctx.reading(_common.BAR_FROM) == "after_finding_year" else 0)
    fraud_keys = prefixed("fraud", findings["id"])
    conditions: dict[str, BoolArray] = {
        "分配到试点资金（wswl-2019-130.alloc）": np.r_[allocated > 0, np.ones(m, dtype=bool)],
        "资金分配结果已在市商务局网站上公示（publicity_starts_on）": np.r_[
            np.full(n, publicised), np.ones(m, bool)
        ],
        NO_FRAUD: np.r_[np.ones(n, dtype=bool), np.zeros(m, dtype=bool)],
    }
    if addressed is not None:
        conditions[_common.IN_ADDRESSED_DISTRICT] = np.r_[addressed, np.ones(m, dtype=bool)]
    nat = np.datetime64("NaT")
    steps = {
        "allocated": Step("分配金额", _cat(allocated, np.zeros(m, dtype=np.int64)), "fen"),
        "publicity_start": Step("公示起始日", _dates(n, m, start), "date"),
        "publicity_end": Step("公示截止日（公示5日）", _dates(n, m, end), "date"),
        "payer": Step("拨付单位", _cat(payer, np.full(m, "", dtype=object)), "text"),
        "route": Step("拨付路径", _cat(route, np.full(m, "", dtype=object)), "text"),
        "found_on": Step("查实日期", np.r_[np.full(n, nat, "datetime64[D]"), findings["found_on"]], "date"),
        "conduct": Step("违规情形", _cat(np.full(n, "", dtype=object), findings["conduct"]), "text"),
        "recover": Step("收回资金", _cat(np.zeros(n, dtype=np.int64), findings["recover"]), "fen"),
        "barred_from": Step(
            "取消申请资格（自该年度起）",
            _cat(np.full(n, "", dtype=object), np.asarray([f"{y} 年度" for y in barred_from], dtype=object)),
            "text",
        ),
    }
    keys = _common.project_keys(ctx)
    lines = make_lines(
        P + "pay",
        beneficiary=_cat(projects["implementer"], findings["implementer"]),
        subject=_cat(keys, fraud_keys),
        project=_cat(keys, fraud_keys),
        raw_amount=np.zeros(n + m, dtype=np.int64),
        conditions=conditions,
        steps=steps,
    )
    for row, texts in _common.fraud_notes(ctx).items():
        for text in texts:
            lines.note(row, text)
    return lines


def _payers(ctx: Context) -> tuple[Column, Column, BoolArray | None]:
    """Who pays each project and how (四（二）), under reading pay.district_route; and, where that
    reading limits the 区属 route to the districts addressed, whether each project is within them."""
    district = _common.implementer_column(ctx, "district", "")
    city = _common.implementer_column(ctx, "affiliation", "") == "市属"
    option = ctx.reading(_common.DISTRICT_ROUTE)
    addressed = city | np.isin(district, _common.ADDRESSED_DISTRICTS)
    payer, route = [], []
    for by_city, named, d in zip(city, addressed, district, strict=True):
        if by_city:
            payer.append("市财政局")
            route.append("市财政直接拨付至企业帐户")
        elif named or option == "own_bureau":
            payer.append(f"{d}财政局")
            route.append(f"市财政局下达至{d}财政局，再由{d}财政拨付给企业")
        elif option == "city_pays_others":
            payer.append("市财政局")
            route.append(f"市财政直接拨付至企业帐户（通知未主送{d}，不经{d}财政局）")
        else:
            payer.append("")
            route.append(f"无拨付路径：通知未主送{d}")
    as_objects = (np.asarray(payer, dtype=object), np.asarray(route, dtype=object))
    return (*as_objects, addressed if option == "three_districts_only" else None)


def _cat(a: Column | IntArray, b: Column | IntArray) -> Column:
    return np.concatenate([np.asarray(a), np.asarray(b)])


def _dates(n: int, m: int, day: dt.date | None) -> Column:
    """The day on the n project lines, nothing on the m fraud lines."""
    value = np.datetime64("NaT") if day is None else np.datetime64(day, "D")
    return np.concatenate(
        [np.full(n, value, dtype="datetime64[D]"), np.full(m, np.datetime64("NaT"), "datetime64[D]")]
    )
