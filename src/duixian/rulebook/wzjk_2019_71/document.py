"""温浙集（开）管〔2019〕71号: 关于支持电竞文体数字产业发展的若干意见（试行）."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from duixian.engine.document import Document
from duixian.rulebook.wzjk_2019_71.case import Case

DOC = Document(
    id="wzjk-2019-71",
    number="温浙集（开）管〔2019〕71号",
    title="关于支持电竞文体数字产业发展的若干意见（试行）",
    # 第九条附则5: "本意见自2019年12月24日起施行，有效期2年。" Two years counted from the first day
    # (2019-12-24) end on 2021-12-23.
    applies_from=dt.date(2019, 12, 24),
    applies_to=dt.date(2021, 12, 23),
    folder=Path(__file__).parent,
    case_model=Case,
    references={
        "broadband_costs.enterprise": "enterprises",
        "fund_financings.enterprise": "enterprises",
        "ip_works.enterprise": "enterprises",
        "dev_projects.enterprise": "enterprises",
        "competitions.enterprise": "enterprises",
        "other_zone_awards.enterprise": "enterprises",
    },
    dated_in_year=("broadband_costs.incurred_on", "fund_financings.received_on"),
)
