"""pydantic's validation errors in Chinese: one translation for the CLI, the population loader and the web.

pydantic words its errors in English (``Input should be greater than or equal to 0``). ``reason_of``
says each kind our input models produce in Chinese, with the value given and what was expected (the
bound, the allowed values, the format); our own validators' words (``value_error``) pass as they are.
A kind not listed keeps pydantic's text, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

_DATE_FORMAT = "格式 YYYY-MM-DD，如 2020-10-01"
_DATETIME_FORMAT = "格式 YYYY-MM-DDTHH:MM:SS，如 2020-10-01T09:30:00"
# speedate's reasons for a date it cannot read (pydantic passes them in ctx["error"])
_DATE_TROUBLE = {
    "day value is outside expected range": "该月没有这一天",
    "month value is outside expected range": "月份应在 1–12",
    "input is too short": "不是完整的日期",
    "input is too long": "日期后有多余字符",
    "invalid character in year": "年份有非数字字符",
    "invalid character in month": "月份有非数字字符",
    "invalid character in day": "日有非数字字符",
    "invalid date separator, expected `-`": "年月日之间应以 - 分隔",
}


def shown(value: Any) -> str:
    """A value as the message quotes it: text in quotes (so that '' and ' ' are visible), numbers as written."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return str(value)
    return repr(value)


def _choices(expected: object) -> str:
    """pydantic's "'a', 'b' or 'c'" → "'a'、'b'、'c'"."""
    return "、".join(part for chunk in str(expected).split(" or ") for part in chunk.split(", ") if part)


def _date(given: Any, ctx: Mapping[str, Any]) -> str:
    trouble = _DATE_TROUBLE.get(str(ctx.get("error", "")), "")
    return f"{shown(given)} 不是有效日期（{trouble + '；' if trouble else ''}{_DATE_FORMAT}）"


def _bounded(expected: str, bound: str) -> Callable[[Any, Mapping[str, Any]], str]:
    """``expected`` holds {} where the bound goes: 应不小于 0，此处为 -5."""
    return lambda given, ctx: f"{expected.format(ctx.get(bound))}，此处为 {shown(given)}"


def _text_length(given: Any, ctx: Mapping[str, Any]) -> str:
    least = ctx.get("min_length")
    if least == 1:
        return "不能为空"
    return f"过短：至少 {least} 个字符，此处 {len(str(given))} 个"


def _items(word: str, bound: str) -> Callable[[Any, Mapping[str, Any]], str]:
    return lambda given, ctx: f"{word} {ctx.get(bound)} 项，此处 {ctx.get('actual_length')} 项"


_REASONS: dict[str, Callable[[Any, Mapping[str, Any]], str]] = {
    "missing": lambda given, ctx: "必填，此处未给出",
    "extra_forbidden": lambda given, ctx: "没有这个字段（拼写有误或多余；不会被忽略）",
    "greater_than_equal": _bounded("应不小于 {}", "ge"),
    "greater_than": _bounded("应大于 {}", "gt"),
    "less_than_equal": _bounded("应不大于 {}", "le"),
    "less_than": _bounded("应小于 {}", "lt"),
    "multiple_of": _bounded("应为 {} 的整数倍", "multiple_of"),
    # not "精确到分": a width in metres has two places too
    "decimal_max_places": lambda given, ctx: f"{shown(given)} 的小数超过 {ctx.get('decimal_places')} 位",
    "decimal_max_digits": lambda given, ctx: f"{shown(given)} 的数字超过 {ctx.get('max_digits')} 位",
    "decimal_whole_digits": lambda given, ctx: (
        f"{shown(given)} 过大：整数部分至多 {ctx.get('whole_digits')} 位"
    ),
    "decimal_parsing": lambda given, ctx: f"{shown(given)} 不是数字",
    "decimal_type": lambda given, ctx: f"应为数字，此处为 {shown(given)}",
    "decimal_finite_number": lambda given, ctx: f"应为有限的数，此处为 {shown(given)}",
    "finite_number": lambda given, ctx: f"应为有限的数，此处为 {shown(given)}",
    "float_parsing": lambda given, ctx: f"{shown(given)} 不是数字",
    "float_type": lambda given, ctx: f"应为数字，此处为 {shown(given)}",
    "int_parsing": lambda given, ctx: f"{shown(given)} 不是整数",
    "int_from_float": lambda given, ctx: f"{shown(given)} 不是整数（有小数部分）",
    "int_type": lambda given, ctx: f"应为整数，此处为 {shown(given)}",
    "int_parsing_size": lambda given, ctx: f"{shown(given)} 超出整数的范围",
    "bool_parsing": lambda given, ctx: f"{shown(given)} 不是是非值（应为 true 或 false）",
    "bool_type": lambda given, ctx: f"应为是非值（true 或 false），此处为 {shown(given)}",
    "string_type": lambda given, ctx: f"应为文字，此处为 {shown(given)}",
    "string_pattern_mismatch": lambda given, ctx: f"{shown(given)} 不符合格式 {ctx.get('pattern')}",
    "string_too_short": _text_length,
    "string_too_long": lambda given, ctx: (
        f"过长：至多 {ctx.get('max_length')} 个字符，此处 {len(str(given))} 个"
    ),
    "too_short": _items("过少：至少", "min_length"),
    "too_long": _items("过多：至多", "max_length"),
    "list_type": lambda given, ctx: f"应为列表，此处为 {shown(given)}",
    "tuple_type": lambda given, ctx: f"应为列表，此处为 {shown(given)}",
    "set_type": lambda given, ctx: f"应为列表，此处为 {shown(given)}",
    "dict_type": lambda given, ctx: "应为字段映射（JSON 对象或 YAML 映射）",
    "model_type": lambda given, ctx: "应为字段映射（JSON 对象或 YAML 映射）",
    "model_attributes_type": lambda given, ctx: "应为字段映射（JSON 对象或 YAML 映射）",
    "literal_error": lambda given, ctx: f"{shown(given)} 不是可选项（可选：{_choices(ctx.get('expected'))}）",
    "enum": lambda given, ctx: f"{shown(given)} 不是可选项（可选：{_choices(ctx.get('expected'))}）",
    "date_parsing": _date,
    "date_from_datetime_parsing": _date,
    "date_type": _date,
    "date_from_datetime_inexact": lambda given, ctx: f"{shown(given)} 带有时刻：应为日期（{_DATE_FORMAT}）",
    "datetime_parsing": lambda given, ctx: f"{shown(given)} 不是有效时间（{_DATETIME_FORMAT}）",
    "datetime_from_date_parsing": lambda given, ctx: f"{shown(given)} 不是有效时间（{_DATETIME_FORMAT}）",
    "datetime_type": lambda given, ctx: f"{shown(given)} 不是有效时间（{_DATETIME_FORMAT}）",
    "json_invalid": lambda given, ctx: f"不是有效的 JSON（{ctx.get('error', '')}）",
    "json_type": lambda given, ctx: "不是有效的 JSON",
}


def reason_of(error: Mapping[str, Any]) -> str:
    """One pydantic error (a dict of ``ValidationError.errors()``) in Chinese."""
    kind = str(error.get("type", ""))
    message = str(error.get("msg", kind))
    if kind == "value_error":  # our own validators' words, without pydantic's prefix
        return message.removeprefix("Value error, ")
    if kind == "assertion_error":
        return message.removeprefix("Assertion failed, ")
    say = _REASONS.get(kind)
    if say is None:
        return f"输入无效（{message}）"
    return say(error.get("input"), error.get("ctx") or {})
