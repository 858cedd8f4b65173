"""温政发〔2019〕16号: 温州市人民政府关于调整全市城乡居民最低生活保障标准的通知 (2019-12-09)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from duixian.engine.document import Document
from duixian.rulebook.wzf_2019_16.case import Case

DOC = Document(
    id="wzf-2019-16",
    number="温政发〔2019〕16号",
    title="温州市人民政府关于调整全市城乡居民最低生活保障标准的通知",
    # “调整后的城乡居民最低生活保障标准从2019年10月1日起执行。” No end is set: the standards stand
    # until a later notice replaces them (none is in this gazette).
    applies_from=dt.date(2019, 10, 1),
    applies_to=dt.date.max,
    folder=Path(__file__).parent,
    case_model=Case,
    dated_in_year=("lookups.month", "households.month"),
)
