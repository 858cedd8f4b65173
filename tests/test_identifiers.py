"""USCC (GB 32100-2015): layout and check character, including letter authorities."""

from __future__ import annotations

import pytest

from duixian.engine.identifiers import check_uscc, with_check_character


@pytest.mark.parametrize(
    "body", ["91330300MA285ABC1", "N2330302MF1234567", "Y1330300MA0000001", "52330000MJ0000001"]
)
def test_valid_codes_pass(body: str) -> None:
    code = with_check_character(body)
    assert check_uscc(code) == code
    assert check_uscc(code.lower()) == code


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91330300MA285ABC1X", "校验码（第18位）为“X”，按 GB 32100-2015 应为“L”"),
        ("91330300MA285ABC1", "应为18位，此处为17位"),
        ("91330300MA285OBC1L", "第14位字符“O”不能出现在统一社会信用代码中"),
        ("B1330300MA285ABC1L", "第1位（登记管理部门代码）应为 .* 之一，此处为“B”"),
        ("95330300MA285ABC1L", "第2位（机构类别代码）“5”不属于登记管理部门“9”"),
        ("913303X0MA285ABC1L", "第3–8位应为登记管理机关的行政区划码.*此处为“3303X0”"),
    ],
)
def test_invalid_codes_say_why(code: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_uscc(code)
