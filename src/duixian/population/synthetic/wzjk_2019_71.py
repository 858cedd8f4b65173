"""The synthetic population of 温浙集（开）管〔2019〕71号 (e-sports, culture-sports and digital industry).

The population's entities are ALL enterprises of a city: every one is a row of ``enterprises``, and
most have nothing to do with the zone or with e-sports. Only the e-sports enterprises registered in
the zone's areas (a stated share, ``FACT_HOLDERS``) hold 71号 facts: yearly figures, broadband bills,
fund financings, IP works, development projects, competitions and other zone awards. Every table is
built by numpy over arrays whose length is the entity count or that share of it, so the cost is
linear in the entities; the enterprise table's text columns are made from bytes (no Python object per
row), so 10^7 enterprises fit in a few GB.

The gazette gives no count of e-sports enterprises, no revenues and no events: it gives the rules'
thresholds and the period. The distributions below are the generator's ASSUMPTIONS, chosen so that
every money rule has paying lines at 10^4 entities, and listed as such in the calibration text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import get_args

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from duixian import rulebook
from duixian.errors import InputError
from duixian.population.synthetic._common import (
    DIVISIONS,
    REGISTERED_ENTERPRISES,
    Generated,
    IntArray,
    dates,
    labels,
    money,
    numbered_strings,
    optional_dates,
    uscc_strings,
)
from duixian.rulebook.wzjk_2019_71.case import Business, DevKind, IpKind, Tier
from duixian.rulebook.wzjk_2019_71.document import DOC
from duixian.rulebook.wzjk_2019_71.rules.a7 import TIER_NAMES

P = "wzjk-2019-71."
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

# --- where enterprises are (assumptions) -----------------------------------------------------------
# The areas of 第一条2 (the zone; 状蒲园区 is excluded by the text) and outside them.
AREAS = ["浙南产业集聚区", "经济技术开发区", "瓯飞", "状蒲园区", "区外"]
OUTSIDE = AREAS.index("区外")
ZONE_SHARE = 0.06  # enterprises registered in one of the four areas
ZONE_AREA_WEIGHTS = [0.40, 0.35, 0.15, 0.10]  # 浙南产业集聚区, 经济技术开发区, 瓯飞, 状蒲园区
FISCAL_ELSEWHERE = 0.03  # registered in an area, revenue (财政收入) paid outside the zone
ZONE_DIVISION = "龙湾区"  # the zone's registration authority's division (the zone lies in 龙湾区)
RELATED_IN_ZONE = 0.40  # of zone enterprises: e-sports / game / “文化体育+互联网” business — the fact holders
RELATED_OUTSIDE = 0.02  # of the others: such a business, but outside the zone (no 71号 facts)
FACT_HOLDERS = ZONE_SHARE * RELATED_IN_ZONE  # share of all enterprises holding 71号 facts

# 第一条1's businesses among the related enterprises (assumed weights; the list is the case model's).
BUSINESS_WEIGHTS = {
    "original_game_development": 8, "game_publishing": 4, "event_operation_platform": 3,
    "event_streaming_platform": 4, "e_commerce": 25, "game_software": 8, "smart_hardware": 10,
    "esports_public_service": 1, "online_audiovisual": 6, "online_animation": 4, "esports_education": 4,
    "esports_brokerage": 2, "esports_media": 3, "big_data": 8, "esports_venues": 3, "blockchain": 3,
    "other_related": 4,
}  # fmt: skip
BUSINESSES = list(get_args(Business))
RELATED = [b for b in BUSINESSES if b != "unrelated"]

# 第一条2 (1)(2): the share of enterprises failing each test (assumed).
NO_MODERN_GOVERNANCE = 0.04
BAD_CREDIT = 0.02
MAJOR_ACCIDENT = 0.003
BAD_CONDUCT = 0.01

# --- recognition and yearly figures (assumptions) --------------------------------------------------
RECOGNISED = 0.80  # fact holders the expert committee recognises during the validity
FIRST_BATCH = (
    0.60  # of those, recognised in a first batch (施行日 – 3月31日); the rest uniform over the validity
)
FIRST_BATCH_END = dt.date(2020, 3, 31)
REVENUE_MEDIAN_YUAN = 8_000_000  # operating revenue of the first year (2018), lognormal
REVENUE_SIGMA = 1.2
GROWTH_MEAN, GROWTH_SIGMA = 0.10, 0.25  # yearly log-growth of revenue
CONTRIBUTION_SHARE = (0.01, 0.05)  # 地方综合贡献 ÷ 营业收入, uniform per enterprise
BROADBAND_SHARE_MEDIAN, BROADBAND_SIGMA = 0.008, 0.7  # yearly broadband charges ÷ revenue, lognormal

# --- what the fact holders do in the year (assumptions); recognised enterprises are the active ones ---
FINANCING = (0.15, 0.06)  # share with a financing round (recognised, not recognised)
SECOND_ROUND = 0.15
FINANCING_MEDIAN_YUAN, FINANCING_SIGMA = 15_000_000, 1.0
FUND_APPROVED = 0.60
IP_AUTHORS = (0.35, 0.05)  # share putting IPs forward; 1 + Poisson(0.8) IPs each
IPS_EXTRA = 0.8
IP_KIND_WEIGHTS = [35, 10, 12, 10, 5, 12, 6, 10]  # in the order of the case model's IpKind
IP_AMOUNTS_WAN = [5, 8, 10, 12, 15, 18, 20]  # the committee's amounts (万元), never above the ceiling
ORIGINAL_IP = 0.95
DEVELOPERS = (0.40, 0.05)  # share completing development projects; 1 + Poisson(0.4) each
DEV_EXTRA = 0.4
DEV_KIND_WEIGHTS = [60, 25, 15]  # game, operating_platform, other_software
ORIGINAL_GAME = 0.92
DEV_MEDIAN_YUAN, DEV_SIGMA, DEV_MIN_YUAN = 3_000_000, 1.0, 100_000
ORGANISERS = (0.35, 0.03)  # share hosting competitions; 1 + Poisson(0.2) each
EVENTS_EXTRA = 0.2
# 第七条's tiers (as the case model names them): assumed share of events and median total cost (yuan).
TIER_PROFILE = {
    "top_international_pro": (1, 30_000_000),
    "top_national_pro": (3, 12_000_000),
    "secondary_international_pro": (3, 10_000_000),
    "secondary_national_pro": (8, 5_000_000),
    "other_international": (10, 2_000_000),
    "other_national": (25, 1_200_000),
    "other_regional": (50, 400_000),
}
EVENT_COST_SIGMA = 0.5
CONTRACTS_FROM = (
    10,
    1,
)  # contracts are signed from this day (month, day) of the previous year to the year's end
START_AFTER_DAYS = (20, 240)  # contract → start
DURATION_DAYS = (0, 14)  # start → end
IN_ZONE_EVENT = 0.90
COMMITTEE_REVIEWED = 0.85
# 附则1: share of projects that another zone policy or an investment agreement also rewarded, and what
# it gave, as a share of the project's base (investment, total cost, committee amount, yearly broadband).
OTHER_AWARD_SHARE = {"dev": 0.05, "competition": 0.05, "ip": 0.03, "broadband": 0.03}
OTHER_AWARD_OF_BASE = {
    "dev": (0.02, 0.30),
    "competition": (0.05, 0.60),
    "ip": (0.3, 1.5),
    "broadband": (0.1, 0.8),
}
INVESTMENT_AGREEMENT = 0.30  # of other awards: from an investment agreement (else another zone policy)


def _parameter_fen(name: str) -> int:
    return int(rulebook.parameters()[P + name].at(DOC.applies_from).value)


def _cite(name: str) -> str:
    return rulebook.parameters()[P + name].at(DOC.applies_from).source.cite()


def _yuan_to_fen(yuan: FloatArray, step_yuan: int = 1) -> IntArray:
    """Amounts in yuan rounded to ``step_yuan`` yuan, in fen."""
    return (np.round(np.asarray(yuan) / step_yuan).astype(np.int64) * step_yuan * 100).astype(np.int64)


def _uniform_days(
    rng: np.random.Generator, first: np.datetime64, last: np.datetime64, n: int
) -> npt.NDArray[np.datetime64]:
    span = int((last - first).astype(np.int64)) + 1
    return first + rng.integers(0, span, size=n).astype("timedelta64[D]")


def _per_holder(
    rng: np.random.Generator, rates: tuple[float, float], recognised: BoolArray, extra: float
) -> IntArray:
    """How many items each fact holder has: none, or 1 + Poisson(extra) for a share of them."""
    rate = np.where(recognised, rates[0], rates[1])
    active = rng.random(len(recognised)) < rate
    return np.where(active, 1 + rng.poisson(extra, size=len(recognised)), 0).astype(np.int64)


def _ids(prefix: str, n: int) -> pa.Array:
    return numbered_strings(prefix, np.arange(1, n + 1), max(6, len(str(n))))


@dataclass(frozen=True)
class _Holders:
    """The enterprises holding 71号 facts: their rows among all enterprises, and their recognition day."""

    rows: IntArray
    width: int  # of the enterprise ids' number
    recognised_on: npt.NDArray[np.datetime64]  # NaT: not recognised

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def recognised(self) -> BoolArray:
        return ~np.isnat(self.recognised_on)

    def ids(self, which: IntArray) -> pa.Array:
        """The enterprise ids of the holders ``which`` (indices into the holders)."""
        return numbered_strings("E", self.rows[which] + 1, self.width)


def _recognition_days(rng: np.random.Generator, h: int) -> npt.NDArray[np.datetime64]:
    """The committee recognises a share of the holders during the validity, many in a first batch."""
    recognised = rng.random(h) < RECOGNISED
    first_batch = _uniform_days(rng, np.datetime64(DOC.applies_from), np.datetime64(FIRST_BATCH_END), h)
    later = _uniform_days(rng, np.datetime64(FIRST_BATCH_END) + 1, np.datetime64(DOC.applies_to), h)
    days = np.where(rng.random(h) < FIRST_BATCH, first_batch, later)
    return np.where(recognised, days, np.datetime64("NaT")).astype("datetime64[D]")


def _enterprises(rng: np.random.Generator, n: int) -> tuple[pa.Table, _Holders]:
    """Every enterprise, and which of them hold 71号 facts."""
    width = max(6, len(str(n)))
    in_zone = rng.random(n) < ZONE_SHARE
    registered = np.full(n, OUTSIDE, dtype=np.int64)
    zone_rows = np.flatnonzero(in_zone)
    registered[zone_rows] = rng.choice(len(ZONE_AREA_WEIGHTS), size=len(zone_rows), p=ZONE_AREA_WEIGHTS)
    fiscal = np.where(rng.random(n) < FISCAL_ELSEWHERE, OUTSIDE, registered)
    related = rng.random(n) < np.where(in_zone, RELATED_IN_ZONE, RELATED_OUTSIDE)
    business = np.full(n, BUSINESSES.index("unrelated"), dtype=np.int64)
    related_rows = np.flatnonzero(related)
    weights = np.asarray([BUSINESS_WEIGHTS[b] for b in RELATED], dtype=np.float64)
    picked = rng.choice(len(RELATED), size=len(related_rows), p=weights / weights.sum())
    business[related_rows] = np.asarray([BUSINESSES.index(b) for b in RELATED])[picked]
    governance = rng.random(n) >= NO_MODERN_GOVERNANCE
    credit, accident, conduct = (rng.random(n) < share for share in (BAD_CREDIT, MAJOR_ACCIDENT, BAD_CONDUCT))
    districts = list(DIVISIONS)
    division = np.where(in_zone, districts.index(ZONE_DIVISION), rng.integers(0, len(districts), size=n))

    holder_rows = np.flatnonzero(in_zone & related)
    recognised_on = _recognition_days(rng, len(holder_rows))
    all_recognised = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    all_recognised[holder_rows] = recognised_on

    numbers = np.arange(1, n + 1)
    table = pa.table(
        {
            "id": numbered_strings("E", numbers, width),
            "name": numbered_strings("合成企业", numbers, width),
            "uscc": uscc_strings(rng, [DIVISIONS[d] for d in districts], division, "1"),
            "registered_area": labels(AREAS, registered),
            "fiscal_area": labels(AREAS, fiscal),
            "business": labels(BUSINESSES, business),
            "modern_governance": pa.array(governance),
            "bad_credit_record": pa.array(credit),
            "major_safety_accident": pa.array(accident),
            "bad_business_conduct": pa.array(conduct),
            "recognised_on": optional_dates(all_recognised, ~np.isnat(all_recognised)),
        }
    )
    return table, _Holders(holder_rows, width, recognised_on)


def _annual(rng: np.random.Generator, holders: _Holders, year: int) -> tuple[pa.Table, FloatArray]:
    """Operating revenue and local contribution of each holder, from the year before the policy to the
    year before the year concerned (what grading and 附则3 read); the last year's revenue (yuan)."""
    years = np.arange(DOC.applies_from.year - 1, max(year, DOC.applies_from.year))
    h, k = len(holders), len(years)
    first_revenue = rng.lognormal(np.log(REVENUE_MEDIAN_YUAN), REVENUE_SIGMA, size=h)
    growth = np.cumsum(rng.normal(GROWTH_MEAN, GROWTH_SIGMA, size=(h, k)), axis=1)
    growth[:, 0] = 0.0
    revenue = first_revenue[:, None] * np.exp(growth)
    ratio = rng.uniform(*CONTRIBUTION_SHARE, size=h)
    contribution = revenue * ratio[:, None] * rng.uniform(0.8, 1.2, size=(h, k))
    table = pa.table(
        {
            "year": pa.array(np.tile(years, h), pa.int64()),
            "operating_revenue": money(_yuan_to_fen(revenue.reshape(-1))),
            "local_contribution": money(_yuan_to_fen(contribution.reshape(-1))),
            "parent": holders.ids(np.repeat(np.arange(h), k)),
        }
    )
    return table, revenue[:, -1]


def _broadband(
    rng: np.random.Generator, holders: _Holders, revenue: FloatArray, year: int
) -> tuple[pa.Table, IntArray]:
    """Twelve monthly bills of the year for every holder (billed on the month's last day); the yearly
    total per holder (fen)."""
    h = len(holders)
    yearly = revenue * rng.lognormal(np.log(BROADBAND_SHARE_MEDIAN), BROADBAND_SIGMA, size=h)
    monthly = yearly[:, None] / 12 * rng.uniform(0.85, 1.15, size=(h, 12))
    cost = np.maximum(np.round(monthly * 100).astype(np.int64), 100)  # fen; at least 1 yuan
    months = np.arange(np.datetime64(f"{year}-01"), np.datetime64(f"{year + 1}-01"))
    billed = (months + 1).astype("datetime64[D]") - 1
    table = pa.table(
        {
            "id": _ids("BB", h * 12),
            "enterprise": holders.ids(np.repeat(np.arange(h), 12)),
            "incurred_on": dates(np.tile(billed, h)),
            "cost": money(cost.reshape(-1)),
        }
    )
    return table, cost.sum(axis=1)


def _financings(rng: np.random.Generator, holders: _Holders, year: int) -> pa.Table:
    counts = _per_holder(rng, FINANCING, holders.recognised, 0.0)
    counts += (counts > 0) & (rng.random(len(holders)) < SECOND_ROUND)
    owner = np.repeat(np.arange(len(holders)), counts)
    m = len(owner)
    received = rng.lognormal(np.log(FINANCING_MEDIAN_YUAN), FINANCING_SIGMA, size=m)
    return pa.table(
        {
            "id": _ids("FF", m),
            "enterprise": holders.ids(owner),
            "received_on": dates(_uniform_days(rng, *_year_bounds(year), m)),
            "received": money(_yuan_to_fen(received, 10_000)),
            "fund_committee_approved": pa.array(rng.random(m) < FUND_APPROVED),
        }
    )


def _year_bounds(year: int) -> tuple[np.datetime64, np.datetime64]:
    return np.datetime64(f"{year}-01-01"), np.datetime64(f"{year}-12-31")


def _ip_works(rng: np.random.Generator, holders: _Holders, year: int) -> tuple[pa.Table, IntArray, IntArray]:
    """IPs put forward in the year; the committee ranks all of them (one ranking for the whole zone)."""
    owner = np.repeat(np.arange(len(holders)), _per_holder(rng, IP_AUTHORS, holders.recognised, IPS_EXTRA))
    m = len(owner)
    kinds = list(get_args(IpKind))
    kind_p = np.asarray(IP_KIND_WEIGHTS, dtype=np.float64)
    ceiling = _parameter_fen("a5.cap")
    amounts = np.minimum(np.asarray(IP_AMOUNTS_WAN, dtype=np.int64) * 1_000_000, ceiling)
    decided = amounts[rng.integers(0, len(amounts), size=m)]
    table = pa.table(
        {
            "id": _ids("IP", m),
            "enterprise": holders.ids(owner),
            "kind": labels(kinds, rng.choice(len(kinds), size=m, p=kind_p / kind_p.sum())),
            "original": pa.array(rng.random(m) < ORIGINAL_IP),
            "released_on": dates(_uniform_days(rng, *_year_bounds(year), m)),
            "amount_decided": money(decided),
            "review_rank": pa.array(rng.permutation(m) + 1, pa.int64()),
        }
    )
    return table, owner, decided


def _dev_projects(
    rng: np.random.Generator, holders: _Holders, year: int
) -> tuple[pa.Table, IntArray, IntArray]:
    owner = np.repeat(np.arange(len(holders)), _per_holder(rng, DEVELOPERS, holders.recognised, DEV_EXTRA))
    m = len(owner)
    kinds = list(get_args(DevKind))
    kind_p = np.asarray(DEV_KIND_WEIGHTS, dtype=np.float64)
    kind = rng.choice(len(kinds), size=m, p=kind_p / kind_p.sum())
    is_game = kind == kinds.index("game")
    investment = np.maximum(rng.lognormal(np.log(DEV_MEDIAN_YUAN), DEV_SIGMA, size=m), DEV_MIN_YUAN)
    investment_fen = _yuan_to_fen(investment, 1000)
    table = pa.table(
        {
            "id": _ids("DP", m),
            "enterprise": holders.ids(owner),
            "kind": labels(kinds, kind),
            "original": pa.array(~is_game | (rng.random(m) < ORIGINAL_GAME)),
            "completed_on": dates(_uniform_days(rng, *_year_bounds(year), m)),
            "investment": money(investment_fen),
        }
    )
    return table, owner, investment_fen


def _competitions(
    rng: np.random.Generator, holders: _Holders, year: int
) -> tuple[pa.Table, IntArray, IntArray]:
    """Events with their milestones; a milestone after the year's end has not happened yet (null)."""
    owner = np.repeat(np.arange(len(holders)), _per_holder(rng, ORGANISERS, holders.recognised, EVENTS_EXTRA))
    m = len(owner)
    tiers = list(get_args(Tier))
    share = np.asarray([TIER_PROFILE[t][0] for t in tiers], dtype=np.float64)
    tier = rng.choice(len(tiers), size=m, p=share / share.sum())
    median = np.asarray([TIER_PROFILE[t][1] for t in tiers], dtype=np.float64)[tier]
    cost = _yuan_to_fen(rng.lognormal(np.log(median), EVENT_COST_SIGMA))
    year_end = _year_bounds(year)[1]
    contract = _uniform_days(rng, np.datetime64(dt.date(year - 1, *CONTRACTS_FROM)), year_end, m)
    started = contract + rng.integers(*START_AFTER_DAYS, size=m, endpoint=True).astype("timedelta64[D]")
    ended = started + rng.integers(*DURATION_DAYS, size=m, endpoint=True).astype("timedelta64[D]")
    table = pa.table(
        {
            "id": _ids("CP", m),
            "enterprise": holders.ids(owner),
            "tier": labels(tiers, tier),
            "in_zone": pa.array(rng.random(m) < IN_ZONE_EVENT),
            "committee_reviewed": pa.array(rng.random(m) < COMMITTEE_REVIEWED),
            "total_cost": money(cost),
            "contract_signed_on": dates(contract),
            "started_on": optional_dates(started, started <= year_end),
            "ended_on": optional_dates(ended, ended <= year_end),
        }
    )
    return table, owner, cost


def _other_awards(
    rng: np.random.Generator, holders: _Holders, projects: dict[str, tuple[pa.Array, IntArray, IntArray]]
) -> pa.Table:
    """附则1: awards of another zone policy (or an investment agreement) for a share of the projects.

    ``projects``: kind → (project ids, owning holder, base amount in fen) — broadband's id is the enterprise.
    """
    enterprise, project, amount = [], [], []
    for kind, (ids, owner, base) in projects.items():
        chosen = np.flatnonzero(rng.random(len(owner)) < OTHER_AWARD_SHARE[kind])
        low, high = OTHER_AWARD_OF_BASE[kind]
        given = base[chosen] * rng.uniform(low, high, size=len(chosen))
        enterprise.append(holders.ids(owner[chosen]))
        project.append(pc.binary_join_element_wise(f"{kind}:", ids.take(pa.array(chosen)), ""))
        amount.append(np.maximum(np.round(given / 10_000).astype(np.int64), 10) * 10_000)  # whole 100 yuan
    m = sum(len(a) for a in amount)
    source = np.where(rng.random(m) < INVESTMENT_AGREEMENT, 1, 0)
    return pa.table(
        {
            "enterprise": pa.concat_arrays(enterprise),
            "project": pa.concat_arrays(project),
            "source": labels(["other_zone_policy", "investment_agreement"], source),
            "amount": money(np.concatenate(amount)),
        }
    )


def generate_71(entities: int, seed: int, year: int) -> Generated:
    """温浙集（开）管〔2019〕71号: all enterprises, and the e-sports facts of the zone's e-sports enterprises."""
    first_year, last_year = DOC.years
    if not first_year <= year <= last_year:
        raise InputError("year", f"{year} 年不在{DOC.number}可计算的年度（{first_year}—{last_year}）内")
    rng = np.random.default_rng(seed)
    enterprises, holders = _enterprises(rng, entities)
    annual, revenue = _annual(rng, holders, year)
    broadband, broadband_yearly = _broadband(rng, holders, revenue, year)
    financings = _financings(rng, holders, year)
    ips, ip_owner, ip_amount = _ip_works(rng, holders, year)
    devs, dev_owner, dev_investment = _dev_projects(rng, holders, year)
    events, event_owner, event_cost = _competitions(rng, holders, year)
    h = np.arange(len(holders))
    others = _other_awards(
        rng,
        holders,
        {
            "broadband": (holders.ids(h), h, broadband_yearly),
            "ip": (ips.column("id").combine_chunks(), ip_owner, ip_amount),
            "dev": (devs.column("id").combine_chunks(), dev_owner, dev_investment),
            "competition": (events.column("id").combine_chunks(), event_owner, event_cost),
        },
    )
    tables = {
        "enterprises": enterprises,
        "enterprises.annual": annual,
        "broadband_costs": broadband,
        "fund_financings": financings,
        "ip_works": ips,
        "dev_projects": devs,
        "competitions": events,
        "other_zone_awards": others,
    }
    return Generated(tables, calibration(entities, len(holders)))


def calibration(entities: int, holders: int) -> str:
    """Where the figures come from: the gazette's (quoted) and the generator's assumptions (stated)."""
    tiers = "；".join(
        f"{TIER_NAMES[t]} {share}%、{cost // 10_000}万元" for t, (share, cost) in TIER_PROFILE.items()
    )
    areas = "、".join(f"{a} {w:.0%}" for a, w in zip(AREAS, ZONE_AREA_WEIGHTS, strict=False))
    both = "（已认定/未认定企业）"
    return f"""\
合成数据（SYNTHETIC）：不是真实企业。由 duixian population generate 按种子生成；{entities} 户企业中 {holders} 户持有71号事实。
取自公报的数字（温州市人民政府公报2019年第12期，温浙集（开）管〔2019〕71号）：
- 附则5“本意见自2019年12月24日起施行，有效期2年”：认定日落在 {DOC.applies_from} 至 {DOC.applies_to}；年度数据自施行前一年（{DOC.applies_from.year - 1}年）起。
- 第一条2 的区域（“不包括状蒲园区”）、第一条1 所列业务、第五条的IP类别、第六条的软件类别、第七条的赛事等级，作为字段取值。
- IP奖励金额不超过上限：{_cite("a5.cap")}。
- 定级门槛只由规则使用（{_cite("a2.grade_a_min")}；{_cite("a2.grade_b_min")}；{_cite("a2.grade_c_min")}）：生成器不按等级配额，营业收入按下述假设分布，由规则定级。
公报未给出电竞企业数、营业收入、宽带费用、融资、IP、开发项目、赛事的任何统计数字；以下全部是生成器的假设（无官方依据）：
- 人群是全部企业，大多数与本意见无关。{ZONE_SHARE:.0%} 的企业注册在四个区域（{areas}），其中 {RELATED_IN_ZONE:.0%} 从事电竞、游戏、“文化体育+互联网”业务，只有这些企业持有71号事实（全部企业的 {FACT_HOLDERS:.1%}）；区域外企业 {RELATED_OUTSIDE:.0%} 从事相关业务但无71号事实。
  这一份额刻意取高，使1万户规模即可覆盖每一条兑现规则：以全市在册企业 {REGISTERED_ENTERPRISES} 户（中国网·温州 2020-07-21“在册企业数达30.7万户”）计约 {round(REGISTERED_ENTERPRISES * FACT_HOLDERS)} 户，不代表真实的电竞企业数。
- {FISCAL_ELSEWHERE:.0%} 的企业财政收入不在注册区域；不符合现代企业制度 {NO_MODERN_GOVERNANCE:.0%}，有不良信用记录 {BAD_CREDIT:.0%}、重大安全事故 {MAJOR_ACCIDENT:.1%}、不良经营行为 {BAD_CONDUCT:.0%}；区域内企业的统一社会信用代码按{ZONE_DIVISION}编码。
- 持有事实的企业 {RECOGNISED:.0%} 在有效期内经认定，其中 {FIRST_BATCH:.0%} 为首批（至 {FIRST_BATCH_END}），其余在有效期内均匀分布。
- {DOC.applies_from.year - 1}年营业收入对数正态（中位数 {REVENUE_MEDIAN_YUAN // 10_000} 万元，σ={REVENUE_SIGMA}），此后每年对数增长 N({GROWTH_MEAN}, {GROWTH_SIGMA}²)；地方综合贡献为营业收入的 {CONTRIBUTION_SHARE[0]:.0%}–{CONTRIBUTION_SHARE[1]:.0%}（每户均匀抽取，逐年 ±20%）。
- 宽带：每户每月一张账单（月末），全年费用为上年营业收入的对数正态比例（中位数 {BROADBAND_SHARE_MEDIAN:.1%}，σ={BROADBAND_SIGMA}），各月 ±15%。
- 当年有融资{both} {FINANCING[0]:.0%}/{FINANCING[1]:.0%}（其中 {SECOND_ROUND:.0%} 有第二轮），金额对数正态（中位数 {FINANCING_MEDIAN_YUAN // 10_000} 万元，σ={FINANCING_SIGMA}），基金决策委员会审核通过 {FUND_APPROVED:.0%}。
- 申报IP{both} {IP_AUTHORS[0]:.0%}/{IP_AUTHORS[1]:.0%}，每户 1+泊松({IPS_EXTRA}) 个，原创 {ORIGINAL_IP:.0%}；评定金额取 {"、".join(map(str, IP_AMOUNTS_WAN))} 万元之一；专家评审排名是当年全部IP的随机排列（无并列）。
- 完成开发项目{both} {DEVELOPERS[0]:.0%}/{DEVELOPERS[1]:.0%}，每户 1+泊松({DEV_EXTRA}) 个，游戏原创 {ORIGINAL_GAME:.0%}；投资额对数正态（中位数 {DEV_MEDIAN_YUAN // 10_000} 万元，σ={DEV_SIGMA}，不低于 {DEV_MIN_YUAN // 10_000} 万元）。
- 承办赛事{both} {ORGANISERS[0]:.0%}/{ORGANISERS[1]:.0%}，每户 1+泊松({EVENTS_EXTRA}) 场；各等级占比与总费用中位数（对数正态 σ={EVENT_COST_SIGMA}）：{tiers}。
  合同签订于上年{CONTRACTS_FROM[0]}月{CONTRACTS_FROM[1]}日至当年末，签约后 {START_AFTER_DAYS[0]}–{START_AFTER_DAYS[1]} 天开赛，赛期 {DURATION_DAYS[0]}–{DURATION_DAYS[1]} 天；当年末以后的节点尚未发生（空）；在区内举办 {IN_ZONE_EVENT:.0%}，经专家咨询委员会评审 {COMMITTEE_REVIEWED:.0%}。
- 附则1：开发项目、赛事、IP、宽带分别有 {OTHER_AWARD_SHARE["dev"]:.0%}、{OTHER_AWARD_SHARE["competition"]:.0%}、{OTHER_AWARD_SHARE["ip"]:.0%}、{OTHER_AWARD_SHARE["broadband"]:.0%} 另获我区其他政策或招商引资协议（占 {INVESTMENT_AGREEMENT:.0%}）奖励，金额为投资额、赛事总费用、评定金额或全年宽带费用的一定比例（均匀抽取）。"""
