"""温浙集（开）管〔2019〕71号: every quote is the gazette's own words; the 36-month window's edges."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from duixian import rulebook
from duixian.rulebook.wzjk_2019_71.rules.a3 import window_end

GAZETTE = Path("/work/shared/gazette/wenzhou-gazette-2019-12.txt")
DOC_ID = "wzjk-2019-71"


def _document_text() -> str:
    """The document's lines (2930–3170), whitespace and the running page header removed."""
    lines = GAZETTE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "温浙集（开）管〔2019〕71号" in line)
    end = next(i for i, line in enumerate(lines) if "有效期" in line and i > start)
    text = re.sub(r"\s+", "", "".join(lines[start : end + 2]))
    return text.replace("较强关于支持电竞文体数字产业发展的若干意见（试行）的市场", "较强的市场")


@pytest.mark.skipif(not GAZETTE.exists(), reason="the gazette text is not available")
def test_every_rule_and_parameter_quote_is_verbatim() -> None:
    text = _document_text()
    doc = rulebook.documents()[DOC_ID]
    quotes = [(spec.id, spec.quote) for spec in doc.rules.values()]
    quotes += [
        (name, value.source.quote)
        for name, p in rulebook.parameters().parameters.items()
        if name.startswith(DOC_ID)
        for value in p.values
    ]
    assert len(quotes) > 20
    for name, quote in quotes:
        for part in quote.split("……"):  # an elision joins two separate passages
            assert re.sub(r"\s+", "", part) in text, f"{name}: {part!r}"


def test_every_policy_id_exists() -> None:
    rules = rulebook.documents()[DOC_ID].rules
    for local in ("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a9"):
        assert f"{DOC_ID}.{local}" in rules


@pytest.mark.parametrize(
    ("recognised", "calendar", "months"),
    [
        ("2018-06-01", "2020-12-31", "2021-06-01"),
        ("2019-12-24", "2021-12-31", "2022-12-24"),
        ("2018-01-31", "2020-12-31", "2021-01-31"),
        ("2016-02-29", "2018-12-31", "2019-02-28"),  # no 29 February in 2019: the month's last day
        ("2020-02-29", "2022-12-31", "2023-02-28"),
    ],
)
def test_window_end(recognised: str, calendar: str, months: str) -> None:
    start = np.asarray([recognised], dtype="datetime64[D]")
    assert str(window_end(start, 3, "calendar_years")[0]) == calendar
    assert str(window_end(start, 3, "months_36")[0]) == months


def test_window_end_of_no_recognition_is_no_date() -> None:
    start = np.asarray(["NaT"], dtype="datetime64[D]")
    assert np.isnat(window_end(start, 3, "calendar_years")[0])
    assert np.isnat(window_end(start, 3, "months_36")[0])
