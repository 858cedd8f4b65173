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
    # Obligations created inside the validity fall due after it: an enterprise recognised on the last
    # day (2021-12-23) has 第三条's “连续三年” of broadband bills, to 2023-12-31 under the default reading
    # wzjk-2019-71.a3.window (calendar years) and to 2024-12-23 under months_36; a contract signed in
    # the validity pays its later instalments (第七条) when they fall due. The year check cannot know the
    # reading, so it admits the later end (2024); under the default a 2024 case finds every bill past
    # the window. The rules refuse what must lie inside the validity (附则5, reading wzjk-2019-71.a1.validity).
    last_year=2024,
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
