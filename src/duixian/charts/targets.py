"""温政发〔2019〕18号 附件1: one small panel per indicator — the straight path from the 2018 value to the
2022 target, the target, and the observed points (green: meets the requirement, red: behind);
binding (约束型) indicators are framed in red. Drawn from the computed lines, never recomputed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from duixian.charts.fonts import use_cjk_font
from duixian.engine.evaluate import Result
from duixian.rulebook.wzf_2019_18 import Indicator, indicators
from duixian.rulebook.wzf_2019_18.case import BASE_YEAR, TARGET_YEAR

RULE = "wzf-2019-18.targets"
COLUMNS, ROWS = 4, 6
SIZE_INCHES, DPI = (16.0, 20.0), 100  # 1600 × 2000 pixels
# Words in a series' source that mark its values as invented: the chart then says so across the page.
ILLUSTRATIVE = ("示意", "虚构", "illustrative", "invented")
OK, BEHIND, PATH, TARGET, BINDING = "#2e7d32", "#c62828", "#757575", "#1565c0", "#c62828"


@dataclass
class Point:
    year: int
    value: float
    ok: bool


@dataclass
class Panel:
    indicator: Indicator
    ceiling: bool  # PM2.5-like: judged against the target each year, no path (reading met_base)
    points: dict[str, list[Point]] = field(default_factory=dict)  # per series


def panels(result: Result) -> list[Panel]:
    """Every indicator of the table, with the observations the case gave and their verdicts."""
    ceiling_reading = result.context.readings["wzf-2019-18.targets.met_base"] == "ceiling"
    out = {}
    for i in indicators(result.context.params):
        base_meets = (
            i.base is not None and not i.target("at_least").rising and i.target("at_least").met(i.base)
        )
        out[i.number] = Panel(i, ceiling=ceiling_reading and base_meets)
    obs = result.context.tables["series.observations"]
    for lines in result.lines:
        if lines.rule_id != RULE:
            continue
        ok = lines.eligible
        for row in range(len(lines)):
            panel = out[int(obs["indicator"][row])]
            point = Point(int(obs["year"][row]), float(Decimal(obs["value"][row])), bool(ok[row]))
            panel.points.setdefault(str(lines.beneficiary[row]), []).append(point)
    return [out[n] for n in sorted(out)]


def draw(result: Result, out: Path) -> Path:
    """Write the chart as a PNG of SIZE_INCHES × DPI pixels; returns the path."""
    use_cjk_font()
    fig, axes = plt.subplots(ROWS, COLUMNS, figsize=SIZE_INCHES, dpi=DPI)
    all_panels = panels(result)
    flat = list(axes.flat)
    for ax, panel in zip(flat, all_panels, strict=False):
        _panel(ax, panel)
    _legend(flat[len(all_panels)])
    for ax in flat[len(all_panels) + 1 :]:
        ax.axis("off")
    series = result.context.tables["series"]
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


def _panel(ax: Axes, panel: Panel) -> None:
    i = panel.indicator
    target = float(i.target("at_least").value)
    years = list(range(BASE_YEAR, TARGET_YEAR + 1))
    ax.set_xlim(BASE_YEAR - 0.3, TARGET_YEAR + 0.3)
    ax.set_xticks(years, [str(y) for y in years], fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    title = f"{i.number}. {i.name}" + ("（约束型）" if i.binding else "")
    ax.set_title(_wrap(title), fontsize=9, color=BINDING if i.binding else "black")
    ax.set_ylabel(i.unit, fontsize=7)
    ax.axhline(target, color=TARGET, lw=0.8, ls=":")
    ax.plot([TARGET_YEAR], [target], marker="*", ms=11, color=TARGET, zorder=3)
    ax.annotate(
        i.printed_target, (TARGET_YEAR, target), textcoords="offset points", xytext=(-6, 6),
        ha="right", fontsize=8, color=TARGET,
    )  # fmt: skip
    if i.base is not None:
        base = float(i.base)
        ax.plot([BASE_YEAR], [base], marker="o", ms=5, color=PATH, zorder=3)
        if panel.ceiling:
            ax.text(
                0.03,
                0.05,
                "基期已达标：逐年判定是否仍在目标以内",
                transform=ax.transAxes,
                fontsize=7,
                color=PATH,
            )
        else:
            ax.plot([BASE_YEAR, TARGET_YEAR], [base, target], ls="--", lw=1, color=PATH)
    else:
        ax.text(0.03, 0.05, "无基期值，仅判定是否达标", transform=ax.transAxes, fontsize=7, color=PATH)
    for points in panel.points.values():
        points = sorted(points, key=lambda p: p.year)
        ax.plot([p.year for p in points], [p.value for p in points], lw=0.8, color="#9e9e9e", zorder=2)
        for p in points:
            ax.plot([p.year], [p.value], marker="o", ms=6, color=OK if p.ok else BEHIND, zorder=4)
    if i.binding:
        for spine in ax.spines.values():
            spine.set_edgecolor(BINDING)
            spine.set_linewidth(2)
    _margins(ax, panel, target)


def _margins(ax: Axes, panel: Panel, target: float) -> None:
    """Room above and below every value so the target's label stays inside the panel."""
    values = [target] + ([float(panel.indicator.base)] if panel.indicator.base is not None else [])
    values += [p.value for points in panel.points.values() for p in points]
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or abs(high) * 0.05 or 1.0
    ax.set_ylim(low - pad, high + pad)


def _legend(ax: Axes) -> None:
    ax.axis("off")
    items = [
        ("--", PATH, "2018→2022 直线路径"),
        ("*", TARGET, "2022年目标值（原表写法）"),
        ("o", OK, "观测值：符合进度要求"),
        ("o", BEHIND, "观测值：落后于进度要求"),
        ("s", BINDING, "红框：约束型指标"),
    ]
    for k, (marker, color, text) in enumerate(items):
        y = 0.85 - k * 0.17
        if marker == "--":
            ax.plot([0.02, 0.14], [y, y], ls="--", color=color, transform=ax.transAxes)
        else:
            hollow = marker == "s"  # the frame of a binding panel: an outline, not a dot
            ax.plot(
                [0.08], [y], marker=marker, ms=10, color=color, transform=ax.transAxes,
                mfc="none" if hollow else color, mew=2 if hollow else 1,
            )  # fmt: skip
        ax.text(0.2, y, text, transform=ax.transAxes, va="center", fontsize=10)


def _wrap(text: str, width: int = 18) -> str:
    return "\n".join(text[k : k + width] for k in range(0, len(text), width))
