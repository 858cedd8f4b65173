"""温政办〔2019〕75号: 温州市人民政府办公室关于加快未来社区规划建设的实施意见."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from duixian.engine.document import Document
from duixian.rulebook.wzb_2019_75.case import Case

DOC = Document(
    id="wzb-2019-75",
    number="温政办〔2019〕75号",
    title="温州市人民政府办公室关于加快未来社区规划建设的实施意见",
    # Issued 2019年12月27日; the text states no date of effect or expiry. The only period it gives is
    # the fund's 执行期为2020年至2022年 (reading wzb-2019-75.period).
    applies_from=dt.date(2019, 12, 27),
    applies_to=dt.date(2022, 12, 31),
    folder=Path(__file__).parent,
    case_model=Case,
    dated_in_year=("pilots.land_sales.received_on",),
)
