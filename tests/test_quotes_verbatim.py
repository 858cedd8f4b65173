"""Every rule sits next to the gazette's own words: each rule's quote, and each parameter's source quote
that cites a document of this gazette, is found verbatim in the gazette text (line breaks and the
running page headers of the PDF extraction aside; "……" marks words left out, the pieces in order)."""

from __future__ import annotations

import re

import pytest

from duixian import gazette, rulebook

# Running headers and footers the PDF extraction left inside sentences.
PAGE_FURNITURE = (
    r"·\d+·",
    r"温州市人民政府公报（总第208期）",
    r"文件发布",
    r"ZJCC\d{2}-2019-\d{4}",
    "温政办〔2019〕75号温州市人民政府办公室关于加快未来社区规划建设的实施意见",
    "关于支持电竞文体数字产业发展的若干意见（试行）",
    "附件温州市财政支持深化民营和小微企业金融服务综合改革十二条政策",
)


def _normal(words: str) -> str:
    text = gazette.compact(words)
    for pattern in PAGE_FURNITURE:
        text = re.sub(pattern, "", text)
    return text


def _quotes() -> list[tuple[str, str]]:
    numbers = {doc.number for doc in rulebook.documents().values()}
    found = [(spec.id, spec.quote) for spec in rulebook.all_rules()]
    for name, parameter in rulebook.parameters().parameters.items():
        for value in parameter.values:
            if value.source.document in numbers:
                found.append((f"{name}@{value.start}", value.source.quote))
    return sorted(set(found))


@pytest.fixture(scope="module")
def text() -> str:
    return _normal(gazette.text())


@pytest.mark.parametrize(("where", "quote"), _quotes(), ids=[w for w, _ in _quotes()])
def test_quote_is_the_gazettes_own_words(text: str, where: str, quote: str) -> None:
    position = 0
    for piece in filter(None, (_normal(p) for p in re.split(r"……|…", quote))):
        found = text.find(piece, position)
        if found < 0:
            found = text.find(piece)  # a quote may join passages out of order (a table row, then its note)
        assert found >= 0, f"{where}: not in the gazette: {piece}"
        position = found + len(piece)
