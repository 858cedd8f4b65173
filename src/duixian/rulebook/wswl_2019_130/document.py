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
    # 一（一）：“试点资金……在省商务促进专项资金中安排，实施时间为2018-2020年。” A case is the allocation
    # of one of those years' funds. The 办法 itself (落款 2019年12月18日) is “自印发之日起实施”: by the
    # reading wswl-2019-130.pay.in_force (default from_issue) an allocation publicised before
    # 2019-12-18 is refused (rules/_common.py); the other option applies it to the whole pilot.
    applies_from=dt.date(2018, 1, 1),
    applies_to=dt.date(2020, 12, 31),
    folder=Path(__file__).parent,
    case_model=Case,
    references={
        "projects.implementer": "implementers",
        "projects.host_zone": "projects",
        "fraud_findings.implementer": "implementers",
        # under every reading of alloc.carry_in: a carry-over named for a project names one of this year's
        "carried_in.for_project": "projects",
    },
)
