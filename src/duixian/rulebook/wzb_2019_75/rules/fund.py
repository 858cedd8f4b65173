"""fund — 五、（五）加强资金保障: the city's share of a renewal-type pilot's land-transfer revenue.

Per land sale, two lines:
  建设补助 — 50% of the city's 12% share, to the district finance (属地财政) for the pilot's construction;
  考核奖励 — the other 50%, a reward on assessment for the nine scenarios and operation (the line is
  the most the text allows; an ``assessed_reward`` decided lower is paid instead, never more).
Steps: revenue − levies (actual amounts, or a flat 10%: reading wzb-2019-75.fund.levies) = the base
(reading wzb-2019-75.fund.share_base); × 12% = the city's share, rounded to the fen; × 50% = the
district half, rounded half up; the reward half is the rest of the share (wzb-2019-75.fund.rounding).
Execution period 2020–2022 (the year the revenue is received). The 12% share comes from the
city–district split of land revenue, so by default only pilots in the city's districts have it
(reading wzb-2019-75.fund.recipient). Under the flat 10% the levies entered are noted as unused.
"""

from __future__ import annotations

import numpy as np

from duixian.engine.money import IntArray, apply_rate, cap, format_fen
from duixian.engine.rules import Context, Lines, Step, make_lines
from duixian.engine.tables import BoolArray, Column, gather, index_of
from duixian.rulebook.wzb_2019_75.case import CITY_DISTRICTS, FUNCTIONAL_ZONES, STAGES
from duixian.rulebook.wzb_2019_75.document import DOC
from duixian.rulebook.wzb_2019_75.rules._checks import check_case

P = "wzb-2019-75."
LEVIES = {
    "levy_social_security": "社保基金",
    "levy_farmland_water": "农林水利建设",
    "levy_low_rent_housing": "廉租房建设基金",
    "levy_other": "其他应计提规费",
}


def _levies(ctx: Context) -> tuple[IntArray, dict[str, Step]]:
    """The levies deducted before the split (the entries were checked by check_case)."""
    sales = ctx.table("pilots.land_sales")
    revenue = np.asarray(sales["revenue"], dtype=np.int64)
    if ctx.reading(P + "fund.levies") == "flat_10_percent":
        levies = apply_rate(revenue, ctx.rate(P + "fund.levy_rate"))
        return levies, {"levies": Step("应计提规费（按出让金的10%计，四舍五入到分）", levies, "fen")}
    # levy_other is optional (absent: none); the named levies are required (check_case).
    columns = {name: np.maximum(np.asarray(sales[name], dtype=np.int64), 0) for name in LEVIES}
    levies = np.sum(np.vstack(list(columns.values())), axis=0).astype(np.int64) if len(revenue) else revenue
    steps = {
        name: Step(f"应计提规费：{LEVIES[name]}（实际计提）", col, "fen") for name, col in columns.items()
    }
    steps["levies"] = Step("应计提规费合计", levies, "fen")
    return levies, steps


def _unused_levies(ctx: Context) -> list[str]:
    """Per land sale under the flat 10%: the levies entered but not used ('' if none were entered)."""
    sales = ctx.table("pilots.land_sales")
    entered = [
        [f"{label} {format_fen(int(v))} 元" for v in np.asarray(sales[name], dtype=np.int64)]
        for name, label in LEVIES.items()
    ]
    given = [np.asarray(sales[name], dtype=np.int64) >= 0 for name in LEVIES]
    out = []
    for row in range(len(sales["id"])):
        shown = [entered[k][row] for k in range(len(LEVIES)) if given[k][row]]
        out.append(
            "已输入实际计提规费（"
            + "、".join(shown)
            + "），按读法 wzb-2019-75.fund.levies = flat_10_percent "
            "未使用：规费按出让金的10%计"
            if shown
            else ""
        )
    return out


def _place_condition(ctx: Context, place: Column) -> dict[str, BoolArray]:
    """Whose finance the 50% goes to, and so which pilots the city's 12% share exists for at all
    (reading wzb-2019-75.fund.recipient)."""
    recipient = ctx.reading(P + "fund.recipient")
    if recipient == "any_county":
        return {}
    places = CITY_DISTRICTS + (FUNCTIONAL_ZONES if recipient == "districts_and_zones" else ())
    label = (
        "试点位于市辖区（鹿城区、龙湾区、瓯海区、洞头区）"
        if recipient == "districts"
        else "试点位于市辖区（鹿城区、龙湾区、瓯海区、洞头区）或市级功能区"
    ) + "：“市计提12%部分”“补助区财政”只适用于市区土地出让金分成体制"
    return {label: np.isin(place, places)}


def _listed_before(ctx: Context, pilot_row: Column, received: Column) -> BoolArray:
    """The pilot's recorded history reached 落地实施 (省试点名单明确后) on or before the revenue date."""
    pilots, records = ctx.table("pilots"), ctx.table("pilots.stages")
    listed_at = np.full(len(pilots["id"]), np.datetime64("NaT"), dtype="datetime64[D]")
    reached = np.isin(records["stage"], STAGES[STAGES.index("implementation") :])
    rows = index_of(records["parent"][reached], pilots["id"])
    dates = records["date"][reached]
    for p, d in zip(rows, dates, strict=True):  # earliest date per pilot
        if np.isnat(listed_at[p]) or d < listed_at[p]:
            listed_at[p] = d
    at = listed_at[pilot_row]
    return np.asarray(~np.isnat(at) & (at <= received), dtype=bool)


@DOC.rule(
    "fund",
    title="改造更新类试点土地出让金市计提部分补助与奖励",
    clause="五、（五）",
    quote=(
        "明确改造更新类试点对应的土地出让金收益，剔除上缴国家部分，原则全部用于支持试点建设。具体操作上，"
        "在原土地出让金分成体制基础上，扣除应计提规费后（含社保基金、农林水利建设、廉租房建设基金等合计约10%），"
        "剩余市计提12%部分，50%补助区财政专项用于试点项目建设，50%视考核情况奖励试点项目九大场景配套建设及"
        "后续运营管理等，执行期为2020年至2022年。"
    ),
)
def land_revenue_share(ctx: Context) -> Lines:
    check_case(ctx)
    ctx.reading(P + "period")
    pilots, sales = ctx.table("pilots"), ctx.table("pilots.land_sales")
    n = len(sales["id"])
    pilot_row = index_of(sales["parent"], pilots["id"])
    revenue = np.asarray(sales["revenue"], dtype=np.int64)
    levies, levy_steps = _levies(ctx)
    net = revenue - levies
    base = net if ctx.reading(P + "fund.share_base") == "net_of_levies" else revenue
    city_rate = ctx.rate(P + "fund.city_share")
    district_rate, reward_rate = (
        ctx.rate(P + "fund.district_share"),
        ctx.rate(P + "fund.reward_share"),
    )
    split_after_rounding = ctx.reading(P + "fund.rounding") == "share_then_split"
    if split_after_rounding:
        share = apply_rate(base, city_rate)
        district = apply_rate(share, district_rate)
        reward_pool = share - district if district_rate + reward_rate == 1 else apply_rate(share, reward_rate)
    else:
        district = apply_rate(base, city_rate * district_rate)
        reward_pool = apply_rate(base, city_rate * reward_rate)
        share = district + reward_pool
    assessed = np.asarray(sales["assessed_reward"], dtype=np.int64)
    reward, over_pool = cap(np.where(assessed >= 0, assessed, reward_pool).astype(np.int64), reward_pool)
    ctx.reading(P + "fund.assessment")

    category = gather(pilots["category"], pilot_row, "")
    district_names = gather(pilots["district"], pilot_row, "").astype(str)
    conditions: dict[str, BoolArray] = {
        "试点为改造更新类": np.asarray(category == "renewal", dtype=bool),
        **_place_condition(ctx, district_names),
        "出让金收入年度在执行期2020年至2022年内": np.full(
            n,
            ctx.count(P + "fund.first_year") <= ctx.year <= ctx.count(P + "fund.last_year"),
            dtype=bool,
        ),
    }
    if ctx.reading(P + "fund.pilot_status") == "provincial_list":
        received = sales["received_on"].astype("datetime64[D]")
        conditions["出让金收入时试点已列入省试点名单（阶段记录已进入落地实施）"] = _listed_before(
            ctx, pilot_row, received
        )

    def both(column: Column) -> Column:
        return np.concatenate([column, column])

    ids = sales["parent"].astype(str)
    sale_key = np.char.add(np.char.add(ids, "/"), sales["id"].astype(str))
    steps = {
        "revenue": Step("土地出让金", revenue, "fen"),
        **levy_steps,
        "net": Step("扣除应计提规费后的出让金", net, "fen"),
        "base": Step("市计提的计算基数", base, "fen"),
        "share": Step(
            "市计提12%部分（四舍五入到分）" if split_after_rounding else "市计提12%部分（两半之和）",
            share,
            "fen",
        ),
        "district_half": Step(
            "其中50%补助区财政（四舍五入到分）"
            if split_after_rounding
            else "基数 × 12% × 50% 补助区财政（四舍五入到分）",
            district,
            "fen",
        ),
        "reward_pool": Step(
            "其中50%视考核情况奖励（市计提部分减补助区财政部分）"
            if split_after_rounding
            else "基数 × 12% × 50% 视考核情况奖励（四舍五入到分）",
            reward_pool,
            "fen",
        ),
        "assessed": Step(
            "考核确定的奖励",
            np.asarray(
                [f"{format_fen(a)} 元" if a >= 0 else "未提供（按最高额）" for a in assessed], dtype=object
            ),
            "text",
        ),
    }
    lines = make_lines(
        P + "fund",
        beneficiary=np.concatenate([np.char.add(district_names, "财政").astype(object), sales["parent"]]),
        subject=np.concatenate(
            [np.char.add("land-sale:建设补助:", sale_key), np.char.add("land-sale:考核奖励:", sale_key)]
        ).astype(object),
        project=both(np.char.add("pilot:", ids).astype(object)),
        raw_amount=np.concatenate([district, reward]).astype(np.int64),
        conditions={label: both(passed) for label, passed in conditions.items()},
        steps={
            "half": Step(
                "本行",
                np.repeat(
                    np.asarray(
                        ["补助区财政，专项用于试点项目建设", "考核奖励（九大场景配套建设及后续运营管理）"],
                        dtype=object,
                    ),
                    n,
                ),
                "text",
            ),
            **{k: Step(s.label, both(s.values), s.unit) for k, s in steps.items()},
        },
        caps={"考核奖励不超过市计提部分的50%": np.concatenate([np.zeros(n, dtype=bool), over_pool])},
    )
    if ctx.reading(P + "fund.levies") == "flat_10_percent":
        for row, note in enumerate(_unused_levies(ctx)):
            if note:
                lines.note(row, note)
                lines.note(row + n, note)
    return lines
