"""Shared by the three articles: who a machine line concerns, whether it is high-emission, where it is.

Every function works on whole columns (one row per machine); the zone is located one zone at a time,
all of its machines at once (shapely's vectorised predicates).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from duixian.engine.rules import Context, Step, prefixed
from duixian.engine.tables import BoolArray, Column
from duixian.rulebook.wztg_2019_5.case import MACHINE_TYPES
from duixian.rulebook.wztg_2019_5.geometry import locate

P = "wztg-2019-5."
MILLI = 1000  # measured values and limits compared exactly as integers × 1000 (inputs have ≤ 3 decimals)
NO_LIMIT = -1
Ints = npt.NDArray[np.int64]


def milli(values: Column) -> tuple[Ints, BoolArray]:
    """A Decimal column (\"\" where not given) as integers × 1000, and where a value was given."""
    given = np.asarray(values != "", dtype=bool)
    out = np.zeros(len(values), dtype=np.int64)
    out[given] = (values[given] * MILLI).astype(np.int64)
    return out, given


def limit_milli(value: Fraction) -> int:
    scaled = value * MILLI
    if scaled.denominator != 1:
        raise ValueError(f"限值 {value} 的小数超过三位")
    return int(scaled)


def show_milli(values: Ints) -> Column:
    """Integers × 1000 shown as decimals with at least two places (500 → 0.50, 1610 → 1.61)."""
    if len(values) == 0:  # a registry without machines: numpy's text functions refuse empty arrays
        return np.zeros(0, dtype=object)
    whole, frac = np.divmod(values, MILLI)
    text = np.char.add(np.char.add(whole.astype(str), "."), np.char.zfill(frac.astype(str), 3))
    return np.asarray([t[:-1] if t.endswith("0") else t for t in text.tolist()], dtype=object)


def keys(ctx: Context) -> tuple[Column, Column]:
    """(beneficiary, subject) of a machine's line: its owner (USCC) if known, else the machine itself."""
    machines = ctx.table("machines")
    subject = prefixed("machine", machines["id"])
    owner = machines["owner_uscc"]
    return np.where(owner != "", owner, subject).astype(object), subject


# The high line's verdict where no Class III limit applied to a measured value (else the rule's own pair).
RINGELMANN_ONLY = "非高排放（该功率段无Ⅲ类光吸收系数限值，只按林格曼黑度判断：未超过限值）"
NOTHING_TO_FAIL = "非高排放（已测项目在该功率段无Ⅲ类限值，无从认定未达到限值）"


@dataclass
class HighEmission:
    high: BoolArray
    steps: dict[str, Step]
    verdicts: Column  # "" where the rule's verdict pair says it, else RINGELMANN_ONLY / NOTHING_TO_FAIL


def high_emission(ctx: Context) -> HighEmission:
    """第二条: the smoke test does not meet the Class III limits of GB 36886-2018 表1."""
    machines = ctx.table("machines")
    n = len(machines)
    power, _ = milli(machines["rated_power_kw"])
    absorption, absorption_given = milli(machines["absorption_m1"])
    ringelmann = np.asarray(machines["ringelmann"], dtype=np.int64)
    ringelmann_given = ringelmann >= 0
    ctx.reading(P + "high.bounds")  # equal_meets: only a value above the limit fails it (see below)
    ctx.reading(P + "high.missing_measure")  # judge_given: only a measured item can fail

    lower = limit_milli(ctx.number(P + "gb36886.band.lower_kw"))
    middle = limit_milli(ctx.number(P + "gb36886.band.middle_kw"))
    upper = limit_milli(ctx.number(P + "gb36886.band.upper_kw"))
    class3 = limit_milli(ctx.number(P + "gb36886.class3.absorption.from_37"))
    ringelmann_limit = limit_milli(ctx.number(P + "gb36886.ringelmann")) // MILLI
    below_37 = power < middle
    above_560 = power > upper

    absorption_limit = np.full(n, class3, dtype=np.int64)
    ringelmann_limits = np.full(n, ringelmann_limit, dtype=np.int64)
    small = ctx.reading(P + "high.below_37kw")
    if small == "ringelmann_only":
        absorption_limit[below_37] = NO_LIMIT
    elif small == "class2_band":
        below_19 = limit_milli(ctx.number(P + "gb36886.class2.absorption.below_19"))
        band_19_37 = limit_milli(ctx.number(P + "gb36886.class2.absorption.from_19_below_37"))
        absorption_limit = np.where(below_37, np.where(power < lower, below_19, band_19_37), absorption_limit)
    elif small == "not_applicable":
        absorption_limit[below_37] = NO_LIMIT
        ringelmann_limits[below_37] = NO_LIMIT
    if ctx.reading(P + "high.above_560kw") == "not_covered":
        absorption_limit[above_560] = NO_LIMIT
        ringelmann_limits[above_560] = NO_LIMIT

    # 未达到限值 = above it: a measured value equal to the limit meets it (reading high.bounds).
    absorption_fails = absorption_given & (absorption_limit != NO_LIMIT) & (absorption > absorption_limit)
    ringelmann_fails = ringelmann_given & (ringelmann_limits != NO_LIMIT) & (ringelmann > ringelmann_limits)

    band = np.where(
        power < lower,
        "Pmax＜19 kW",
        np.where(below_37, "19≤Pmax＜37 kW", np.where(above_560, "Pmax＞560 kW", "37≤Pmax≤560 kW")),
    ).astype(object)
    no_limit = "无（该功率段无Ⅲ类限值，见解释口径）"
    steps = {
        "type": Step("机械类型", np.vectorize(MACHINE_TYPES.get, otypes=[object])(machines["type"]), "text"),
        "power": Step("额定净功率 Pmax（kW）", machines["rated_power_kw"], "number"),
        "band": Step("功率段（GB 36886-2018 表1）", band, "text"),
        "absorption": Step(
            "实测光吸收系数（m⁻¹）", np.where(absorption_given, machines["absorption_m1"], "未检测"), "text"
        ),
        "absorption_limit": Step(
            "适用的光吸收系数限值（m⁻¹）",
            np.where(absorption_limit == NO_LIMIT, no_limit, show_milli(absorption_limit)).astype(object),
            "text",
        ),
        "absorption_exceeds": Step("光吸收系数超过限值", absorption_fails, "bool"),
        "ringelmann": Step(
            "实测林格曼黑度（级）",
            np.where(ringelmann_given, ringelmann.astype(str), "未检测").astype(object),
            "text",
        ),
        "ringelmann_limit": Step(
            "林格曼黑度限值（级）",
            np.where(ringelmann_limits == NO_LIMIT, no_limit, ringelmann_limits.astype(str)).astype(object),
            "text",
        ),
        "ringelmann_exceeds": Step("林格曼黑度超过限值", ringelmann_fails, "bool"),
    }
    high = absorption_fails | ringelmann_fails
    # Which reading left a band without a Class III limit: below 37 kW high.below_37kw, above 560 high.above_560kw.
    why = np.where(below_37, f"{P}high.below_37kw = {small}", f"{P}high.above_560kw = not_covered")

    def unlimited(measure: str) -> npt.NDArray[np.str_]:
        return _text("不据以判断：该功率段（", band, "）无Ⅲ类", measure, "限值（解释口径 ", why, "）")

    absorption_basis = np.where(
        ~absorption_given,
        "光吸收系数未检测",
        np.where(
            absorption_limit == NO_LIMIT,
            _text("光吸收系数 ", machines["absorption_m1"], " m⁻¹ ", unlimited("光吸收系数")),
            _text(
                "光吸收系数 ", machines["absorption_m1"], np.where(absorption_fails, " ＞ ", " ≤ "), "限值 ",
                show_milli(absorption_limit), " m⁻¹",
            ),
        ),
    )  # fmt: skip
    ringelmann_basis = np.where(
        ~ringelmann_given,
        "林格曼黑度未检测",
        np.where(
            ringelmann_limits == NO_LIMIT,
            _text("林格曼黑度 ", ringelmann, " 级 ", unlimited("林格曼黑度")),
            _text(
                "林格曼黑度 ", ringelmann, " 级", np.where(ringelmann_fails, " ＞ ", " ≤ "), "限值 ",
                ringelmann_limits, " 级",
            ),
        ),
    )  # fmt: skip
    steps["basis"] = Step("判定依据", _text(absorption_basis, "；", ringelmann_basis).astype(object), "text")
    # Not high because a measured value had no Class III limit to fail: say so, not "达到Ⅲ类限值".
    judged = (absorption_given & (absorption_limit != NO_LIMIT)) | (
        ringelmann_given & (ringelmann_limits != NO_LIMIT)
    )
    unjudged_absorption = absorption_given & (absorption_limit == NO_LIMIT)
    verdicts = np.where(
        high | (judged & ~unjudged_absorption),
        "",
        np.where(judged, RINGELMANN_ONLY, NOTHING_TO_FAIL),
    ).astype(object)
    return HighEmission(high, steps, verdicts)


def _text(*parts: object) -> npt.NDArray[np.str_]:
    """Column-wise concatenation of text (scalars broadcast): the explanation of every row at once."""
    out = np.asarray("", dtype=str)
    if any(isinstance(part, np.ndarray) and part.size == 0 for part in parts):
        return np.zeros(0, dtype=str)  # no machines (numpy's text functions refuse empty arrays)
    for part in parts:
        out = np.char.add(out, np.asarray(part).astype(str))
    return out


@dataclass
class ZonePosition:
    in_zone: BoolArray
    inside_polygon: BoolArray
    on_boundary_road: BoolArray
    steps: dict[str, Step]


def zone_position(ctx: Context) -> ZonePosition:
    """第一条: inside the polygon and farther from its line than the boundary roads' half-width."""
    machines, zones = ctx.table("machines"), ctx.table("zones")
    n = len(machines)
    lon = np.asarray(machines["lon"], dtype=float)
    lat = np.asarray(machines["lat"], dtype=float)
    zone_row = zones.rows_of(machines["ban_zone"])  # every machine's zone exists (Document.references)
    inside = np.zeros(n, dtype=bool)
    distance = np.zeros(n, dtype=float)
    projection = np.full(n, "", dtype=object)
    for row in np.unique(zone_row):
        chosen = zone_row == row
        inside[chosen], distance[chosen], epsg = locate(str(zones["geojson"][row]), lon[chosen], lat[chosen])
        projection[chosen] = f"EPSG:{epsg}（CGCS2000 3度带高斯-克吕格）"
    half_width = np.asarray(zones["half_width_m"], dtype=float)[zone_row]
    if ctx.reading(P + "zone.boundary_roads") == "inner_edge":
        half_width = np.zeros(n, dtype=float)
    # 不含边界道路: within the half-width of the line (inside or outside) is on a boundary road.
    on_road = distance <= half_width
    zone_names = np.asarray(zones["name"], dtype=object)[zone_row]
    zone_ids = np.asarray(zones["id"], dtype=object)[zone_row]
    label = np.where(
        zone_names != "",
        np.char.add(np.char.add(zone_ids.astype(str), " "), zone_names.astype(str)),
        zone_ids,
    )
    steps = {
        "zone": Step("禁止使用区（用户提供的多边形）", label.astype(object), "text"),
        "position": Step(
            "使用地点（经度, 纬度）",
            np.char.add(np.char.add(machines["lon"].astype(str), ", "), machines["lat"].astype(str)).astype(
                object
            ),
            "text",
        ),
        "inside_polygon": Step("位于多边形内", inside, "bool"),
        "distance_m": Step("距多边形边界线（米）", np.char.mod("%.2f", distance).astype(object), "number"),
        "half_width_m": Step(
            "边界道路半宽（米，用户输入）", np.char.mod("%g", half_width).astype(object), "number"
        ),
        "on_boundary_road": Step("位于边界道路上", on_road, "bool"),
        "projection": Step("测距投影", projection, "text"),
    }
    return ZonePosition(inside & ~on_road, inside, on_road, steps)


def used_from(ctx: Context) -> tuple[BoolArray, str]:
    """The use is on or after the day the notice takes effect (2020-03-01)."""
    start = str(ctx.param(P + "ban.effective_from").value)
    used_on = ctx.table("machines")["used_on"].astype("datetime64[D]")
    return np.asarray(used_on >= np.datetime64(start), dtype=bool), start
