"""The source text: the December 2019 Wenzhou government gazette (温州市人民政府公报 2019年第12期,
总第208期), as extracted from the published PDF. Rules quote it; the policy library will serve it."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

GAZETTE_FILE = Path(__file__).with_name("wenzhou-gazette-2019-12.txt")


@cache
def text() -> str:
    return GAZETTE_FILE.read_text(encoding="utf-8")


def compact(words: str) -> str:
    """Words without whitespace: the PDF extraction breaks lines anywhere, quotes do not."""
    return re.sub(r"\s+", "", words)
