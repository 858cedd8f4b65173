"""附则1 就高不重复: what another zone policy or an investment agreement already gave for a project.

``other_zone_awards`` name a project by key (broadband:<enterprise>, ip:<id>, dev:<id>,
competition:<id>); a key naming nothing of the case is refused, naming the field. Per project,
only the difference between this document's amount and the other award is paid. Where that
deduction stands relative to a yearly cap across projects (第六条) or to instalments (第七条)
is decided by the rule that owns the cap or the instalments; plain lines (第三条, 第五条) are
settled in the final pass of a9.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from duixian.engine.money import IntArray, format_fen
from duixian.engine.rules import Context
from duixian.engine.tables import Column, gather, group_sum, index_of
from duixian.errors import InputError, InputErrors

# The table each kind of project key names (broadband keys name the enterprise itself).
TABLES = {"ip": "ip_works", "dev": "dev_projects", "competition": "competitions"}
SOURCE_NAMES = {"other_zone_policy": "我区其他优惠政策", "investment_agreement": "项目招商引资协议"}


@dataclass(frozen=True)
class OtherAwards:
    keys: Column  # enterprise \x1f project, sorted
    amounts: IntArray  # fen, summed per key
    sources: dict[str, str]  # key → which kinds of award (for notes)


def _keys(enterprise: Column, project: Column) -> Column:
    joined = np.asarray(enterprise, dtype=object) + "\x1f" + np.asarray(project, dtype=object)
    return np.asarray(joined, dtype=object)


def check(ctx: Context) -> None:
    """Every award's project key names a row of this case that belongs to the award's enterprise
    (checked once per evaluation: the rules that deduct the awards and the final pass all ask)."""
    if ctx.extras.get("a9.other_awards_checked"):
        return
    awards = ctx.table("other_zone_awards")
    enterprises = awards["enterprise"].tolist()
    projects = awards["project"].tolist()
    kinds, refs = [], []
    for project in projects:
        kind, _, ref = str(project).partition(":")
        kinds.append(kind)
        refs.append(ref)
    # One lookup per kind of project, not one per award (a city has thousands of awards).
    found: dict[int, tuple[str, int]] = {}
    for kind, table_name in TABLES.items():
        mine = [row for row, k in enumerate(kinds) if k == kind]
        keys = np.empty(len(mine), dtype=object)
        keys[:] = [refs[row] for row in mine]
        positions = index_of(keys, ctx.table(table_name)["id"]).tolist() if mine else []
        found.update((row, (table_name, at)) for row, at in zip(mine, positions, strict=True))
    errors: list[InputError] = []
    for row, (kind, ref, enterprise) in enumerate(zip(kinds, refs, enterprises, strict=True)):
        field = f"other_zone_awards[{row}].project"
        if kind == "broadband":
            if ref != enterprise:
                errors.append(
                    InputError(
                        field,
                        f"宽带项目是企业自身的项目：应写作“broadband:{enterprise}”",
                    )
                )
            continue
        table_name, at = found[row]
        owner = ctx.table(table_name)["enterprise"][at] if at >= 0 else None
        if at < 0:
            errors.append(InputError(field, f"{table_name} 中没有 id 为 {ref!r} 的记录"))
        elif owner != enterprise:
            errors.append(InputError(field, f"{projects[row]} 属于企业 {owner!r}，不属于 {enterprise!r}"))
    if errors:
        raise InputErrors(errors)
    ctx.extras["a9.other_awards_checked"] = True


def awards(ctx: Context) -> OtherAwards:
    cached = ctx.extras.get("a9.other_awards")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    check(ctx)
    table = ctx.table("other_zone_awards")
    keys = _keys(table["enterprise"], table["project"])
    uniq, amounts = group_sum(keys, table["amount"])
    found: dict[str, set[str]] = {}
    for key, source in zip(keys, table["source"], strict=True):
        found.setdefault(str(key), set()).add(SOURCE_NAMES[str(source)])
    result = OtherAwards(uniq, amounts.astype(np.int64), {k: "、".join(sorted(v)) for k, v in found.items()})
    ctx.extras["a9.other_awards"] = result
    return result


def per_line(ctx: Context, enterprise: Column, project: Column) -> IntArray:
    """For each line, what other awards gave for its project (fen; 0 where none)."""
    other = awards(ctx)
    positions = _arrow_positions(enterprise, project, other.keys)
    if positions is None:
        positions = index_of(_keys(enterprise, project), other.keys)
    return np.asarray(gather(other.amounts, positions, 0), dtype=np.int64)


def _arrow_positions(enterprise: Column, project: Column, keys: Column) -> npt.NDArray[np.intp] | None:
    """``index_of(_keys(enterprise, project), keys)`` joined and looked up in Arrow (a city's lines:
    no Python string per line); None where a value is not text."""
    try:
        parts = [
            pa.array(np.asarray(c, dtype=object), type=pa.string(), from_pandas=False)
            for c in (enterprise, project)
        ]
        wanted = pa.array(np.asarray(keys, dtype=object), type=pa.string(), from_pandas=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if any(c.null_count for c in (*parts, wanted)):
        return None
    found = pc.index_in(pc.binary_join_element_wise(*parts, "\x1f"), value_set=wanted)
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.intp)


def note(
    ctx: Context, enterprise: str, project: str, other: int, own: int, deducted: int, payable: int
) -> str:
    """The explanation of one line's deduction: the project's two amounts, the higher kept."""
    source = awards(ctx).sources.get(f"{enterprise}\x1f{project}", "其他政策")
    if other >= own:
        outcome = "其他政策金额较高（或相等），执行较高者，本意见不再兑现"
    else:
        outcome = f"本意见金额较高，补足差额 {format_fen(own - other)} 元"
    tail = "，本笔不予兑现" if payable == 0 else ""
    return (
        f"附则1 就高不重复：同一项目（{project}）{source}已给予 {format_fen(other)} 元，"
        f"本意见为 {format_fen(own)} 元；{outcome}（本笔扣减 {format_fen(deducted)} 元{tail}）"
    )
