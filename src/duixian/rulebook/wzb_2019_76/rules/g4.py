"""g4 — definitions: 民营企业, 小微企业 (工信部联企业〔2011〕300号), the qualification lists.

附则4：“‘小微企业’包括小型企业、微型企业、个体工商户、小微企业主，其中小型企业、微型企业根据
《关于印发中小企业划型标准规定的通知》（工信部联企业〔2011〕300号）划型标准确定。”
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from duixian.engine.money import IntArray
from duixian.engine.rules import Context, RuleSpec
from duixian.engine.tables import BoolArray, Column
from duixian.rulebook.wzb_2019_76.case import SIZE_MEASURES
from duixian.rulebook.wzb_2019_76.document import DOC

P = "wzb-2019-76."

QUOTE = (
    "“民营企业”指中国境内除国有资产控股企业、港澳台控股企业、外商控股企业之外的企业。"
    "“小微企业”包括小型企业、微型企业、个体工商户、小微企业主，其中小型企业、微型企业根据"
    "《关于印发中小企业划型标准规定的通知》（工信部联企业〔2011〕300号）划型标准确定。"
)
DOC.add(
    RuleSpec("wzb-2019-76.g4", "名词界定（民营企业、小微企业、资格名单）", "附件附则4", QUOTE, "definition")
)


SIZE_BASIS = "wzb-2019-76.g4.size_class"
SIZE_NAMES = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
UNCLASSIFIED = "未划型：无登记的企业规模（size_class），也无可据以划型的行业及数据（industry 等）"
SECTOR_NAMES = {
    "agriculture": "农、林、牧、渔业",
    "industry": "工业",
    "construction": "建筑业",
    "wholesale": "批发业",
    "retail": "零售业",
    "transport": "交通运输业",
    "warehousing": "仓储业",
    "postal": "邮政业",
    "accommodation": "住宿业",
    "catering": "餐饮业",
    "information_transmission": "信息传输业",
    "software_it": "软件和信息技术服务业",
    "real_estate_development": "房地产开发经营",
    "property_management": "物业管理",
    "leasing_business_services": "租赁和商务服务业",
    "other": "其他未列明行业",
}
FORM_NAMES = {"individual_business": "个体工商户", "small_micro_owner": "小微企业主"}
SMALL_MICRO_SIZES = ("small", "micro")


def classify(
    ctx: Context, industry: Column, employees: IntArray, revenue: IntArray, total_assets: IntArray
) -> npt.NDArray[np.object_]:
    """工信部联企业〔2011〕300号 第四条, vectorised: 'large', 'medium', 'small', 'micro', or '' per row.

    A row is 中小微型 if ANY of its sector's measures is below the ``_sme`` bound (“……以下或……以下”,
    bound excluded: 第七条 “中型企业标准上限即为大型企业标准的下限”), else large. Within it, medium
    if ALL measures are at or above the ``_medium`` bounds (“……及以上，且……及以上”), else small if
    ALL are at or above the ``_small`` bounds, else micro. '' where the sector is unknown or a
    figure it needs is missing (-1, as the case columns store an absent figure).
    """
    figures = {"employees": employees, "revenue": revenue, "total_assets": total_assets}
    out = np.full(len(industry), "", dtype=object)
    for sector in np.unique(industry[industry != ""]):
        rows = industry == sector
        measures = SIZE_MEASURES.get(str(sector), ())
        if not measures:
            continue
        complete = rows.copy()
        sme = np.zeros(len(industry), dtype=bool)
        medium = np.ones(len(industry), dtype=bool)
        small = np.ones(len(industry), dtype=bool)
        for m in measures:
            value = np.asarray(figures[m], dtype=np.int64)
            bound = {t: int(ctx.param(f"{P}g4.{sector}.{m}_{t}").value) for t in ("sme", "medium", "small")}
            complete &= value >= 0
            sme |= value < bound["sme"]
            medium &= value >= bound["medium"]
            small &= value >= bound["small"]
        size = np.where(~sme, "large", np.where(medium, "medium", np.where(small, "small", "micro")))
        out[complete] = size[complete]
    return out


def size_classes(ctx: Context) -> npt.NDArray[np.object_]:
    """Each party's size class under 300号: the registry's ``size_class`` where given, else classified
    from ``industry`` and its figures (:func:`classify`), else '' (not determinable: not small/micro).
    """
    return ctx.once("g4.size_classes", lambda: _size_classes(ctx))


def _size_classes(ctx: Context) -> npt.NDArray[np.object_]:
    p = ctx.table("parties")
    recorded = np.asarray(p["size_class"], dtype=object)
    pending = p.equals("size_class", "") & ~p.equals("industry", "")  # by code: see Table.equals
    if not pending.any():
        return recorded
    if ctx.reading(SIZE_BASIS) == "registry_only":
        return recorded
    rows = np.flatnonzero(pending)
    computed = classify(
        ctx,
        p["industry"][rows],
        p["employees"][rows],
        p["revenue"][rows],
        p["total_assets"][rows],
    )
    out = recorded.copy()
    out[rows] = computed
    return out


def size_labels(ctx: Context) -> npt.NDArray[np.object_]:
    """Per party, in words, what 附则4 makes of it: the size class and where it came from.

    Shown in the explanation of every rule that asks 小微企业, so that a party left unclassified
    (no size_class, no sector figures) is visibly so rather than silently 'not small/micro'.
    """
    return ctx.once("g4.size_labels", lambda: _size_labels(ctx, np.arange(len(ctx.table("parties"))))[0])


def size_labels_at(ctx: Context, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.object_]:
    """:func:`size_labels` of the parties at ``rows`` only ('' where a row is -1: no such party).

    A rule shows the labels of the parties its lines name (a city's guarantees name a few thousand
    borrowers among a million parties): worded for those, not for every party."""
    return sizes_at(ctx, rows)[0]


def sizes_at(ctx: Context, rows: npt.NDArray[np.intp]) -> tuple[npt.NDArray[np.object_], BoolArray]:
    """:func:`size_labels_at` and, from the same pass, whether each party is 小微企业 (as
    ``_parties.small_micro`` says; False where a row is -1): a rule asking both reads each party once."""
    if len(ctx.table("parties")) == 0:
        return np.full(len(rows), "", dtype=object), np.zeros(len(rows), dtype=bool)
    labels, small_micro = _size_labels(ctx, np.maximum(rows, 0))
    found = rows >= 0
    return np.asarray(np.where(found, labels, ""), dtype=object), small_micro & found


def _size_labels(ctx: Context, rows: npt.NDArray[np.intp]) -> tuple[npt.NDArray[np.object_], BoolArray]:
    p = ctx.table("parties")
    # Each row gets the number of its words; the words are written once each, not once per row, and
    # found by the registry's few values (its categories), not by comparing a text per row.
    words = [UNCLASSIFIED]
    small_micro = [False]  # per word: whether the party it names is 小微企业

    def word(text: str, small: bool) -> int:
        words.append(text)
        small_micro.append(small)
        return len(words) - 1

    size_codes, registered = p.categories_at("size_class", rows)
    # A class is recorded wherever the registry has one; where it has none, size_classes may have
    # classified the party from its sector's figures (300号 第四条).
    of_registered = [
        word(f"{SIZE_NAMES[w]}企业（登记的划型结果）", w in SMALL_MICRO_SIZES) if w in SIZE_NAMES else 0
        for w in registered.tolist()
    ]
    code = np.asarray(of_registered, dtype=np.intp)[size_codes]
    unrecorded = np.flatnonzero((registered == "")[size_codes])
    if len(unrecorded):
        sizes = size_classes(ctx)[rows[unrecorded]]
        for size, name in SIZE_NAMES.items():
            classified = unrecorded[sizes == size]
            sectors = p["industry"][rows[classified]]  # only the classified rows' sectors are worded
            for sector in np.unique(sectors):
                label = f"{name}企业（按工信部联企业〔2011〕300号第四条划型：{SECTOR_NAMES.get(str(sector), sector)}）"
                code[classified[sectors == sector]] = word(label, size in SMALL_MICRO_SIZES)
    form_codes, forms = p.categories_at("legal_form", rows)
    # 个体工商户 and 小微企业主 are 小微企业 whatever their size class (附则4).
    of_form = [
        word(f"{FORM_NAMES[f]}（附则4：属小微企业）", True) if f in FORM_NAMES else -1 for f in forms.tolist()
    ]
    by_form = np.asarray(of_form, dtype=np.intp)[form_codes]
    code = np.where(by_form >= 0, by_form, code)
    return np.asarray(words, dtype=object)[code], np.asarray(small_micro, dtype=bool)[code]
