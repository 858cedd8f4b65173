"""One spreadsheet cell → one value, or a ValueError whose message (Chinese) says what is wrong.

Cells come from CSV (text) or Excel (text, numbers, dates). A blank cell is ``None``; whether a blank
is allowed is the column's business (registry_tables).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from duixian.engine.identifiers import check_uscc
from duixian.engine.money import yuan_to_fen

Cell = str | int | float | dt.date | dt.datetime | None


def text(cell: Cell) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    value = str(cell).strip()
    return value or None


def plain(cell: Cell) -> str:
    """Text of a code, number or date, full-width characters read as ASCII (７５ → 75, ２０２０年 → 2020年)."""
    return unicodedata.normalize("NFKC", text(cell) or "")


def uscc(cell: Cell) -> str:
    if isinstance(cell, int | float):
        # Excel turns an all-digit code into a number and loses its last digits: ask for text.
        raise ValueError("统一社会信用代码被存成了数字，请把该列设为文本格式后重新填写")
    return check_uscc(plain(cell))  # its ValueError already says, in Chinese, which character is wrong


def bounded_text(cell: Cell, limit: int) -> str:
    value = text(cell) or ""
    if len(value) > limit:
        raise ValueError(f"不超过{limit}个字符，此处为{len(value)}个")
    return value


def choice(cell: Cell, names: dict[str, str], aliases: dict[str, str] | None = None) -> str:
    """A code ('private') or its Chinese name ('民营'); returns the code."""
    value = text(cell) or ""
    if value.lower() in names:
        return value.lower()
    by_name = {name: code for code, name in names.items()} | (aliases or {})
    if value in by_name:
        return by_name[value]
    allowed = "、".join(names.values())
    raise ValueError(f"“{value}”不是可选值（可填：{allowed}，或其英文代码）")


def one_of(cell: Cell, allowed: tuple[str, ...]) -> str:
    value = text(cell) or ""
    if value not in allowed:
        raise ValueError(f"“{value}”不是可选值（可填：{'、'.join(allowed)}）")
    return value


_YES = {"是", "yes", "y", "true", "1"}
_NO = {"否", "no", "n", "false", "0"}


def yes_no(cell: Cell) -> bool:
    value = (text(cell) or "").lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(f"“{value}”应填“是”或“否”")


def _decimal(cell: Cell) -> Decimal:
    if isinstance(cell, bool | dt.date):
        raise ValueError(f"“{cell}”不是数字")
    # A float from Excel goes through its shortest repr: 12345.67 stays 12345.67.
    raw = repr(cell) if isinstance(cell, float) else plain(cell)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"“{raw}”不是数字") from None
    if not value.is_finite():
        raise ValueError(f"“{raw}”不是数字")
    return value


def count(cell: Cell) -> int:
    value = _decimal(cell)
    if value != value.to_integral_value() or value < 0:
        raise ValueError(f"“{text(cell)}”应为非负整数")
    return int(value)


def yuan(cell: Cell) -> int:
    """An amount in yuan with at most two decimals → fen."""
    value = _decimal(cell)
    if value < 0:
        raise ValueError(f"“{text(cell)}”不能为负数")
    try:
        return yuan_to_fen(value)
    except ValueError:
        raise ValueError(f"“{text(cell)}”元的小数超过两位（精确到分）") from None


_DATE_FORMS = (
    r"(\d{4})-(\d{1,2})-(\d{1,2})",
    r"(\d{4})/(\d{1,2})/(\d{1,2})",
    r"(\d{4})年(\d{1,2})月(\d{1,2})日",
)


def date(cell: Cell) -> dt.date:
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time(0):
            raise ValueError(f"“{cell}”应为日期，不含时刻")
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    value = plain(cell)
    for form in _DATE_FORMS:
        if found := re.fullmatch(form, value):
            try:
                return dt.date(*(int(g) for g in found.groups()))
            except ValueError:
                raise ValueError(f"“{value}”不是存在的日期") from None
    raise ValueError(f"“{value}”不是日期（请写作 2020-01-31）")


def year(cell: Cell) -> int:
    value = count(cell)
    if not 1990 <= value <= 2100:
        raise ValueError(f"年度“{value}”不在 1990–2100 之间")
    return value
