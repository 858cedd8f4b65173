"""温政办〔2019〕72号 and 75号: every rule's quote and every parameter's source quote is the gazette's
own words (whitespace, line breaks and the page headers of the PDF extraction aside)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import yaml

GAZETTE = Path("/work/shared/gazette/wenzhou-gazette-2019-12.txt")
# Page headers the PDF extraction put in the middle of the two documents' text.
HEADERS = (
    "ZJCC01-2019-0009温政办〔2019〕72号温州市人民政府办公室关于推进乡村振兴“两进两回”的实施意见",
    "ZJCC01-2019-0010温政办〔2019〕75号温州市人民政府办公室关于加快未来社区规划建设的实施意见",
)
PACKAGES = ("wzb_2019_72", "wzb_2019_75")


def _normal(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    for header in HEADERS:
        text = text.replace(header, "")
    return text


@pytest.fixture(scope="module")
def gazette() -> str:
    if not GAZETTE.exists():
        pytest.skip(f"gazette text not found at {GAZETTE}")
    return _normal(GAZETTE.read_text(encoding="utf-8"))


def _quotes() -> list[tuple[str, str]]:
    out = []
    for package in PACKAGES:
        doc = importlib.import_module(f"duixian.rulebook.{package}").DOC
        for spec in doc.rules.values():
            out.append((spec.id, spec.quote))
        for path in doc.parameter_files:
            for name, raw in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
                out.append((f"{doc.id}.{name}", str(raw["source"]["quote"])))
    return out


@pytest.mark.parametrize(("where", "quote"), _quotes(), ids=[w for w, _ in _quotes()])
def test_quote_is_verbatim(gazette: str, where: str, quote: str) -> None:
    # "……" marks words left out: each piece must be in the gazette, in order.
    position = 0
    for piece in filter(None, (_normal(p) for p in quote.split("……"))):
        found = gazette.find(piece, position)
        assert found >= 0, f"{where}: not in the gazette (after position {position}): {piece}"
        position = found + len(piece)


def test_every_policies_id_exists() -> None:
    """The IDs POLICIES.md lists for D4 and D5."""
    wanted = {
        "wzb-2019-72": {"c2", "c3", "c6a", "c6b", "t"},
        "wzb-2019-75": {"site", "flow", "fund"},
    }
    for package in PACKAGES:
        doc = importlib.import_module(f"duixian.rulebook.{package}").DOC
        assert {rid.rsplit(".", 1)[1] for rid in doc.rules} == wanted[doc.id]
