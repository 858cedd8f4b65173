"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

python-stdnum computes the check character over the full alphabet, but its
``validate`` insists that the first eight characters are digits, which
rejects valid codes whose registration authority is a letter (A, N, Y). So we
check the layout of GB 32100-2015 here and leave the check character to stdnum.
"""

from __future__ import annotations

from stdnum.cn import uscc as stdnum_uscc

# GB 32100-2015 表1: 登记管理部门代码 (1–9, A, N, Y) with their 机构类别代码.
_ANY = "123456789"  # authorities whose category codes we do not restrict
_AUTHORITY_CATEGORIES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 群众团体, 其他
    "2": _ANY,  # 外交
    "3": _ANY,  # 宗教
    "4": _ANY,  # 司法行政
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": _ANY,  # 文化
    "7": _ANY,  # 其他（中华全国总工会等）
    "8": _ANY,  # 其他
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": _ANY,  # 中央军委改革和编制办公室
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": _ANY,  # 其他
}
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def check_uscc(code: str) -> str:
    """Return the code (upper-cased, spaces removed) or raise ValueError saying, in Chinese, what is wrong."""
    number = "".join(code.split()).upper()
    if len(number) != 18:
        raise ValueError(f"统一社会信用代码应为18位，此处为{len(number)}位")
    for position, character in enumerate(number, start=1):
        if character not in _ALPHABET:
            raise ValueError(
                f"第{position}位字符“{character}”不能出现在统一社会信用代码中"
                "（只用数字和大写字母，不用 I、O、S、V、Z）"
            )
    authority, category = number[0], number[1]
    if authority not in _AUTHORITY_CATEGORIES:
        allowed = "、".join(_AUTHORITY_CATEGORIES)
        raise ValueError(f"第1位（登记管理部门代码）应为 {allowed} 之一，此处为“{authority}”")
    if category not in _AUTHORITY_CATEGORIES[authority]:
        allowed = "、".join(_AUTHORITY_CATEGORIES[authority])
        raise ValueError(
            f"第2位（机构类别代码）“{category}”不属于登记管理部门“{authority}”（可为 {allowed}）"
        )
    division = number[2:8]
    if not division.isdigit():
        raise ValueError(f"第3–8位应为登记管理机关的行政区划码（6位数字），此处为“{division}”")
    expected = stdnum_uscc.calc_check_digit(number[:17])
    if number[17] != expected:
        raise ValueError(f"校验码（第18位）为“{number[17]}”，按 GB 32100-2015 应为“{expected}”")
    return number


def with_check_character(first17: str) -> str:
    """Complete a 17-character body with its check character (for test data and the demo)."""
    return first17 + stdnum_uscc.calc_check_digit(first17)
