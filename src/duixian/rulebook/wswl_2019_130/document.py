"""温商务联发〔2019〕130号: 2019年境外外经贸综合服务体系建设试点资金管理办法."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from duixian.engine.document import Document
from duixian.rulebook.wswl_2019_130.case import Case

DOC = Document(
    id="wswl-2019-130",
    number="温商务联发〔2019〕130号",
    title="2019年境外外经贸综合服务体系建设试点资金管理办法",
    # 一（一）：“试点资金……在省商务促进专项资金中安排，实施时间为2018-2020年。”
    # (The 办法 is dated 2019-12-18, “自印发之日起实施”, and governs the pilot funds of those years.)
    applies_from=dt.date(2018, 1, 1),
    applies_to=dt.date(2020, 12, 31),
    folder=Path(__file__).parent,
    case_model=Case,
    references={
        "projects.implementer": "implementers",
        "projects.host_zone": "projects",
        "fraud_findings.implementer": "implementers",
    },
)
