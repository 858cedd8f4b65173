"""温政办〔2019〕72号: 温州市人民政府办公室关于推进乡村振兴“两进两回”的实施意见."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from duixian.engine.document import Document
from duixian.rulebook.wzb_2019_72.case import Case

DOC = Document(
    id="wzb-2019-72",
    number="温政办〔2019〕72号",
    title="温州市人民政府办公室关于推进乡村振兴“两进两回”的实施意见",
    # 末段: "本意见自发文之日起施行，有效期暂至2022年12月31日"; 发文 2019年12月17日.
    applies_from=dt.date(2019, 12, 17),
    applies_to=dt.date(2022, 12, 31),
    folder=Path(__file__).parent,
    case_model=Case,
)
