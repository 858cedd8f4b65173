"""温政发〔2019〕18号: 温州市人民政府 丽水市人民政府关于印发温州都市区建设行动方案的通知 (2019-12-12)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from duixian.engine.document import Document
from duixian.rulebook.wzf_2019_18.case import Case

DOC = Document(
    id="wzf-2019-18",
    number="温政发〔2019〕18号",
    title="温州都市区建设行动方案（附件1 温州都市区（核心区）近期建设目标体系）",
    # Signed 2019-12-12; the targets are for 2022 (“2022年目标值”): observations are tracked 2019–2022.
    applies_from=dt.date(2019, 12, 12),
    applies_to=dt.date(2022, 12, 31),
    folder=Path(__file__).parent,
    case_model=Case,
)
