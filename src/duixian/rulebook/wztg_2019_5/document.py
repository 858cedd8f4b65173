"""通告〔2019〕5号: 温州市人民政府关于划定高排放非道路移动机械禁止使用区的通告 (2019-12-27)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from duixian.engine.document import Document
from duixian.rulebook.wztg_2019_5.case import Case

DOC = Document(
    id="wztg-2019-5",
    number="通告〔2019〕5号",
    title="温州市人民政府关于划定高排放非道路移动机械禁止使用区的通告",
    # "本通告自2020年3月1日起施行。" The notice sets no end date.
    applies_from=dt.date(2020, 3, 1),
    applies_to=dt.date(9999, 12, 31),
    folder=Path(__file__).parent,
    case_model=Case,
    references={"machines.ban_zone": "zones"},
)
