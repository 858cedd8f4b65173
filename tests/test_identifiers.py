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
        ("91330300MA285ABC1X", "check character"),
        ("91330300MA285ABC1", "18 characters"),
        ("91330300MA285OBC1L", "not allowed"),
        ("B1330300MA285ABC1L", "registration authority"),
        ("95330300MA285ABC1L", "category"),
        ("913303X0MA285ABC1L", "administrative division"),
    ],
)
def test_invalid_codes_say_why(code: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_uscc(code)
