"""温政发〔2019〕18号 附件1: one small panel per indicator — the straight path from the 2018 value to the
2022 target, the target, and the observed points, filled by their 进度判断 (green: on track, red: behind,
hollow grey: no 2018 value, not judgeable). Each series has its own marker shape. Binding (约束型)
indicators carry the label 约束型 and a heavy dark frame — red means “behind” only. Drawn from the
computed lines, never recomputed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from duixian.charts.fonts import use_cjk_font
from duixian.engine.evaluate import Result
from duixian.engine.tables import Table
from duixian.rulebook.wzf_2019_18 import Indicator, indicators
from duixian.rulebook.wzf_2019_18.case import BASE_YEAR, TARGET_YEAR
from duixian.rulebook.wzf_2019_18.rules.targets import BEHIND as BEHIND_WORDS
from duixian.rulebook.wzf_2019_18.rules.targets import UNJUDGED

RULE = "wzf-2019-18.targets"
COLUMNS, ROWS = 4, 6
SIZE_INCHES, DPI = (16.0, 20.0), 100  # 1600 × 2000 pixels
# Words in a series' source that mark its values as invented: the chart then says so across the page.
ILLUSTRATIVE = ("示意", "虚构", "illustrative", "invented")
OK, BEHIND, UNJUDGED_GREY, PATH, TARGET, BINDING = (
    "#2e7d32", "#c62828", "#9e9e9e", "#757575", "#1565c0", "#212121",
)  # fmt: skip
# Series are told apart by marker shape and line colour (fill stays the verdict's).
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")
SERIES_LINES = ("#616161", "#6a1b9a", "#00838f", "#8d6e63", "#283593", "#558b2f", "#ad1457", "#4e342e")
Status = Literal["ok", "behind", "unjudged"]


@dataclass
class Point:
    year: int
    value: float
    status: Status

    @property
    def ok(self) -> bool:
        """Not behind (on track, or not judgeable): the line's eligibility."""
        return self.status != "behind"


@dataclass
class Panel:
    indicator: Indicator
    ceiling: bool  # PM2.5-like: judged against the target each year, no path (reading met_base)
    points: dict[str, list[Point]] = field(default_factory=dict)  # per series


def panels(result: Result) -> list[Panel]:
    """Every indicator of the table, with the observations the case gave and their 进度判断."""
    ceiling_reading = result.context.readings["wzf-2019-18.targets.met_base"] == "ceiling"
    out = {}
    for i in indicators(result.context.params):
        base_meets = i.base is not None and i.lower_is_better and i.target("at_least").met(i.base)
        out[i.number] = Panel(i, ceiling=ceiling_reading and base_meets)
    for lines in result.lines:
        if lines.rule_id != RULE:
            continue
        steps = lines.steps
        for row in range(len(lines)):
            number = int(str(lines.project[row]).rsplit(":", 1)[1])
            judgement = str(steps["judgement"].values[row])
            status: Status = (
                "unjudged" if judgement == UNJUDGED else "behind" if judgement == BEHIND_WORDS else "ok"
            )
            point = Point(
                int(steps["year"].values[row]), float(Decimal(str(steps["observed"].values[row]))), status
            )
            out[number].points.setdefault(str(lines.beneficiary[row]), []).append(point)
    return [out[n] for n in sorted(out)]


def draw(result: Result, out: Path) -> Path:
    """Write the chart as a PNG of SIZE_INCHES × DPI pixels; returns the path."""
    use_cjk_font()
    fig, axes = plt.subplots(ROWS, COLUMNS, figsize=SIZE_INCHES, dpi=DPI)
    all_panels = panels(result)
    series = result.context.tables["series"]
    styles = {str(s): k % len(MARKERS) for k, s in enumerate(series["id"])}
    not_judged = result.context.readings["wzf-2019-18.targets.no_base"] == "not_judged"
    flat = list(axes.flat)
    for ax, panel in zip(flat, all_panels, strict=False):
        _panel(ax, panel, styles, not_judged)
    _legend(flat[len(all_panels)])
    _series_legend(flat[len(all_panels) + 1], series)
    for ax in flat[len(all_panels) + 2 :]:
        ax.axis("off")
    sources = "；".join(f"{s}：{src}" for s, src in zip(series["id"], series["source"], strict=True))
    fig.suptitle(
        f"温政发〔2019〕18号 附件1 温州都市区（核心区）近期建设目标 — 进度（截至{result.context.year}年）",
        fontsize=16,
    )
    fig.text(0.01, 0.005, f"观测值来源 — {sources or '（无观测值）'}", fontsize=9, color="#424242")
    if any(word in str(src) for src in series["source"] for word in ILLUSTRATIVE):
        fig.text(0.5, 0.5, "示意数据 · 非官方统计", fontsize=60, color="#9e9e9e", alpha=0.25,
                 ha="center", va="center", rotation=30)  # fmt: skip
    fig.subplots_adjust(left=0.05, right=0.98, top=0.95, bottom=0.04, hspace=0.55, wspace=0.3)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=DPI, format="png")
    plt.close(fig)
    return out


def _panel(ax: Axes, panel: Panel, styles: dict[str, int], not_judged: bool) -> None:
    i = panel.indicator
    target = float(i.target("at_least").value)
    years = list(range(BASE_YEAR, TARGET_YEAR + 1))
    ax.set_xlim(BASE_YEAR - 0.35, TARGET_YEAR + 0.35)
    ax.set_xticks(years, [str(y) for y in years], fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    title = f"{i.number}. {i.name}" + ("【约束型】" if i.binding else "")
    ax.set_title(_wrap(title), fontsize=9, color="black")  # CJK fonts here have no bold: the frame marks it
    ax.set_ylabel(i.unit, fontsize=7)
    ax.axhline(target, color=TARGET, lw=0.8, ls=":", zorder=1)
    ax.plot([TARGET_YEAR], [target], marker="*", ms=11, color=TARGET, zorder=3)
    label = i.printed_target + ("  ↓越低越好" if i.lower_is_better else "")
    ax.annotate(
        label, (TARGET_YEAR, target), textcoords="offset points", xytext=(-8, 6),
        ha="right", fontsize=8, color=TARGET, zorder=6,
    )  # fmt: skip
    if i.base is not None:
        base = float(i.base)
        ax.plot([BASE_YEAR], [base], marker="o", ms=5, color=PATH, zorder=3)
        ax.annotate(
            str(i.base), (BASE_YEAR, base), textcoords="offset points", xytext=(6, -3),
            ha="left", va="top", fontsize=7, color=PATH,
        )  # fmt: skip
        if panel.ceiling:
            _corner_note(ax, "基期已达标：逐年判定是否仍在目标以内")
        else:
            ax.plot([BASE_YEAR, TARGET_YEAR], [base, target], ls="--", lw=1, color=PATH, zorder=2)
    elif not_judged:
        _corner_note(ax, "无基期值：2022年前无法判断进度，2022年判定是否达标")
    else:
        _corner_note(ax, "无基期值：逐年对照目标值判定")
    for k, (series, points) in enumerate(panel.points.items()):
        style = styles.get(series, 0)
        # Several series side by side within a year, so equal values do not hide one another.
        dodge = (k - (len(panel.points) - 1) / 2) * 0.12
        points = sorted(points, key=lambda p: p.year)
        xs = [p.year + dodge for p in points]
        ax.plot(xs, [p.value for p in points], lw=0.9, zorder=4,
                color=SERIES_LINES[style % len(SERIES_LINES)])  # fmt: skip
        for x, p in zip(xs, points, strict=True):  # above the target's star: a value at the target shows
            colour = {"ok": OK, "behind": BEHIND, "unjudged": UNJUDGED_GREY}[p.status]
            ax.plot([x], [p.value], marker=MARKERS[style], ms=6, color=colour, zorder=5,
                    mfc="white" if p.status == "unjudged" else colour, mew=1.5)  # fmt: skip
    if not panel.points:
        ax.text(0.5, 0.5, "无观测值", transform=ax.transAxes, ha="center", va="center",
                fontsize=10, color=UNJUDGED_GREY)  # fmt: skip
    if i.binding:
        for spine in ax.spines.values():
            spine.set_edgecolor(BINDING)
            spine.set_linewidth(2.5)
    _limits(ax, panel, target)


def _corner_note(ax: Axes, text: str) -> None:
    # Under the x axis, where no point can hide it.
    ax.set_xlabel(text, fontsize=7, color=PATH, labelpad=2)


def _limits(ax: Axes, panel: Panel, target: float) -> None:
    """A y range holding the target, the 2018 value and every point, padded by 12% of the spread but
    at least 2% of the largest value (so a 0.4-point move on 95% is not drawn as a cliff); never below
    0 for these non-negative quantities."""
    values = [target] + ([float(panel.indicator.base)] if panel.indicator.base is not None else [])
    values += [p.value for points in panel.points.values() for p in points]
    low, high = min(values), max(values)
    pad = max((high - low) * 0.12, max(abs(low), abs(high)) * 0.02) or 1.0
    bottom = low - pad
    if low >= 0 and bottom < 0:
        bottom = 0.0 if low >= pad / 2 else low - pad / 2  # a point on or near 0 keeps a little room
    ax.set_ylim(bottom, high + pad * 1.6)  # more room above, for the target's label


def _legend(ax: Axes) -> None:
    ax.axis("off")
    ax.set_title("图例", fontsize=10)
    items: list[tuple[str, str, str, str]] = [
        ("--", PATH, PATH, "2018→2022 直线路径（灰点：2018年现状值）"),
        ("*", TARGET, TARGET, "2022年目标值（原表写法；“↓越低越好”为上限型）"),
        ("o", OK, OK, "观测值：符合进度要求"),
        ("o", BEHIND, BEHIND, "观测值：落后于进度要求（仅此用红色）"),
        ("o", UNJUDGED_GREY, "white", "观测值：无基期值，无法判断进度（非预警）"),
        ("s", BINDING, "none", "粗黑框、标题“【约束型】”：约束型指标"),
    ]
    for k, (marker, colour, face, text) in enumerate(items):
        y = 0.9 - k * 0.15
        if marker == "--":
            ax.plot([0.02, 0.14], [y, y], ls="--", color=colour, transform=ax.transAxes)
        else:
            ax.plot([0.08], [y], marker=marker, ms=10, color=colour, mfc=face, transform=ax.transAxes,
                    mew=2.5 if marker == "s" else 1.5)  # fmt: skip
        ax.text(0.2, y, text, transform=ax.transAxes, va="center", fontsize=9)


def _series_legend(ax: Axes, series: Table) -> None:
    """Which marker shape is which series (the fill is the verdict's colour)."""
    ax.axis("off")
    ax.set_title("观测序列（形状区分序列，填色为进度判断）", fontsize=10)
    ids = [str(s) for s in series["id"]] if "id" in series else []
    labels = [str(s) for s in series["label"]] if "label" in series else [""] * len(ids)
    if not ids:
        ax.text(0.02, 0.85, "（无观测序列）", transform=ax.transAxes, fontsize=9)
    for k, (sid, label) in enumerate(zip(ids, labels, strict=True)):
        y = 0.85 - k * 0.12
        style = k % len(MARKERS)
        colour = SERIES_LINES[style % len(SERIES_LINES)]
        ax.plot([0.02, 0.14], [y, y], color=colour, lw=0.9, transform=ax.transAxes)
        ax.plot([0.08], [y], marker=MARKERS[style], ms=9, color=colour, mfc="white", mew=1.5,
                transform=ax.transAxes)  # fmt: skip
        ax.text(0.2, y, f"{sid}" + (f"（{label}）" if label else ""), transform=ax.transAxes,
                va="center", fontsize=9)  # fmt: skip


def _wrap(text: str, width: int = 18) -> str:
    return "\n".join(text[k : k + width] for k in range(0, len(text), width))
