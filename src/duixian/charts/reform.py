"""A reform at a glance (PNG for the CLI, SVG or PNG for the web page): cash cost by rule, baseline
beside reform; and how the gains are spread over the beneficiaries who gain (with how many lose, said in
the title). Drawn from the simulation's per-beneficiary comparison, never recomputed here. A synthetic
population says so across the page.

One drawing (``figure``) for both: ``draw`` writes it to a file, ``render`` to bytes. The figure is a
plain ``matplotlib.figure.Figure``, not pyplot's, so the web server may draw in any thread.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from duixian.charts.fonts import use_cjk_font
from duixian.engine.money import format_fen
from duixian.reform.simulate import Simulation

SIZE_INCHES, DPI = (16.0, 7.5), 100
BASELINE, REFORM, GAIN, SYNTHETIC = "#9e9e9e", "#1565c0", "#2e7d32", "#c62828"
FEN_PER_WAN = 1_000_000  # 1 万元 = 10^6 fen
SYNTHETIC_WORDS = "合成数据 SYNTHETIC — 非真实企业"
ImageFormat = Literal["png", "svg"]


def draw(sim: Simulation, path: Path) -> Path:
    """The chart as a PNG file (``duixian reform --chart``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    figure(sim).savefig(path, format="png")
    return path


def render(sim: Simulation, image_format: ImageFormat = "svg") -> bytes:
    """The same chart as bytes (the web page's image)."""
    buffer = io.BytesIO()
    figure(sim).savefig(buffer, format=image_format)
    return buffer.getvalue()


def figure(sim: Simulation) -> Figure:
    use_cjk_font()
    fig = Figure(figsize=SIZE_INCHES, dpi=DPI)
    costs, gains = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    counts = sim.counts()
    fig.suptitle(
        f"改革方案 {sim.reform.name}：{sim.reform.description}\n"
        f"{sim.reform.document.number}，{sim.population.year} 年；新增财政现金支出 {_signed(sim.cost)} 元；"
        f"增加 {counts['gainers']} 户，减少 {counts['losers']} 户，不变 {counts['unchanged']} 户",
        fontsize=12,
    )
    _cost_by_rule(costs, sim)
    _gains(gains, sim, counts["losers"])
    if sim.population.meta.synthetic:
        fig.text(0.99, 0.01, SYNTHETIC_WORDS, ha="right", va="bottom", fontsize=13, color=SYNTHETIC)
        fig.text(0.5, 0.45, "SYNTHETIC", ha="center", va="center", fontsize=90, color=SYNTHETIC,
                 alpha=0.08, rotation=20, zorder=0)  # fmt: skip
    fig.tight_layout(rect=(0, 0.03, 1, 0.92))
    return fig


def _cost_by_rule(ax: Axes, sim: Simulation) -> None:
    rows = [r for r in sim.by_rule() if r["kind"] == "cash"][::-1]  # first rule on top
    ax.set_title("现金支出按条款（万元）：基线与改革后", fontsize=11)
    if not rows:
        ax.text(0.5, 0.5, "无现金支出", transform=ax.transAxes, ha="center", va="center")
        return
    document = sim.reform.document
    y = np.arange(len(rows))
    base = np.array([r["baseline"] for r in rows], dtype=float) / FEN_PER_WAN
    new = np.array([r["reform"] for r in rows], dtype=float) / FEN_PER_WAN
    ax.barh(y + 0.2, base, height=0.4, color=BASELINE, label="基线")
    ax.barh(y - 0.2, new, height=0.4, color=REFORM, label="改革后")
    labels = [f"{r['rule'].rsplit('.', 1)[1]} {document.rules[r['rule']].title}" for r in rows]
    ax.set_yticks(y, labels, fontsize=8)
    for k, r in enumerate(rows):
        if r["difference"]:
            ax.text(new[k], y[k] - 0.2, f"  {_signed(r['difference'])} 元", va="center", fontsize=8,
                    color=REFORM)  # fmt: skip
    ax.set_xlim(0, max(float(base.max()), float(new.max())) * 1.3 or 1.0)
    ax.legend(loc="lower right", fontsize=9)
    ax.grid(axis="x", alpha=0.3)


def _gains(ax: Axes, sim: Simulation, losers: int) -> None:
    people = sim.per_beneficiary()
    diff = people["difference"].to_numpy()
    gained = diff[diff > 0].astype(float) / 100  # yuan
    ax.set_title(f"受益增加者的增加额分布（元）；另有 {losers} 户减少", fontsize=11)
    ax.set_ylabel("户数")
    if not len(gained):
        ax.text(0.5, 0.5, "没有受益增加的对象", transform=ax.transAxes, ha="center", va="center", fontsize=12)
        ax.set_xticks([])
        ax.set_yticks([])
        return
    low, high = float(gained.min()), float(gained.max())
    if high / low > 100:  # gains over several orders of magnitude: bins even on a log scale
        bins = np.geomspace(low, high * 1.0001, 30)
        ax.set_xscale("log")
    else:
        bins = np.linspace(low * 0.999, high * 1.001 + 0.01, min(30, max(5, len(gained))))
    ax.hist(gained, bins=bins.tolist(), color=GAIN, edgecolor="white")
    ax.set_xlabel(f"增加额（元）；{len(gained)} 户，合计 {format_fen(int(diff[diff > 0].sum()))} 元")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of beneficiaries
    ax.grid(axis="y", alpha=0.3)


def _signed(fen: int) -> str:
    return ("+" if fen > 0 else "") + format_fen(fen)
