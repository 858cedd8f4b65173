"""g4 — definitions: 民营企业, 小微企业 (工信部联企业〔2011〕300号), the qualification lists.

附则4：“‘小微企业’包括小型企业、微型企业、个体工商户、小微企业主，其中小型企业、微型企业根据
《关于印发中小企业划型标准规定的通知》（工信部联企业〔2011〕300号）划型标准确定。”
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from duixian.engine.rules import Context, RuleSpec
from duixian.rulebook.wzb_2019_76.document import DOC

QUOTE = (
    "“民营企业”指中国境内除国有资产控股企业、港澳台控股企业、外商控股企业之外的企业。"
    "“小微企业”包括小型企业、微型企业、个体工商户、小微企业主，其中小型企业、微型企业根据"
    "《关于印发中小企业划型标准规定的通知》（工信部联企业〔2011〕300号）划型标准确定。"
)
DOC.add(RuleSpec("wzb-2019-76.g4", "名词界定（民营企业、小微企业、资格名单）", "附件附则4", QUOTE, "definition"))


def size_classes(ctx: Context) -> npt.NDArray[np.object_]:
    """Each party's size class: as recorded (size_class), else '' (not determinable)."""
    p = ctx.table("parties")
    return np.asarray(p["size_class"], dtype=object)
