"""71号 附则1: an other-zone award's project key must name a row of the case owned by its enterprise.

The check runs once per kind of project (a city has thousands of awards); each bad award is still
named by its own row, in row order.
"""

from __future__ import annotations

from typing import Any

import pytest

from duixian.calculator import calculate_case
from duixian.errors import InputErrors


def _case(awards: list[dict[str, Any]]) -> dict[str, Any]:
    enterprise = {
        "registered_area": "瓯飞",
        "fiscal_area": "瓯飞",
        "business": "game_software",
        "recognised_on": "2020-03-01",
    }
    return {
        "document": "wzjk-2019-71",
        "year": 2020,
        "enterprises": [{"id": "E1", "name": "甲", **enterprise}, {"id": "E2", "name": "乙", **enterprise}],
        "broadband_costs": [{"id": "K1", "enterprise": "E1", "incurred_on": "2020-12-31", "cost": 100000}],
        "dev_projects": [
            {
                "id": "D1",
                "enterprise": "E1",
                "title": "原创休闲游戏",
                "kind": "game",
                "completed_on": "2020-06-30",
                "investment": 2000000,
            }
        ],
        "other_zone_awards": awards,
    }


def test_good_keys_are_accepted() -> None:
    awards = [
        {"enterprise": "E1", "project": "dev:D1", "amount": 100000},
        {"enterprise": "E1", "project": "broadband:E1", "amount": 1000},
    ]
    assert calculate_case(_case(awards)).lines


def test_each_bad_key_is_named_by_its_row() -> None:
    awards = [
        {"enterprise": "E1", "project": "dev:D1", "amount": 1},  # fine
        {"enterprise": "E2", "project": "dev:D1", "amount": 1},  # D1 is E1's
        {"enterprise": "E1", "project": "ip:W9", "amount": 1},  # no such work
        {"enterprise": "E2", "project": "broadband:E1", "amount": 1},  # not E2's own
        {"enterprise": "E1", "project": "dev:D2", "amount": 1},  # no such project
    ]
    with pytest.raises(InputErrors) as caught:
        calculate_case(_case(awards))
    got = [(e.field, e.reason) for e in caught.value.errors]
    assert got == [
        ("other_zone_awards[1].project", "dev:D1 属于企业 'E1'，不属于 'E2'"),
        ("other_zone_awards[2].project", "ip_works 中没有 id 为 'W9' 的记录"),
        (
            "other_zone_awards[3].project",
            "宽带项目是企业自身的项目：应写作“broadband:E2”",
        ),
        ("other_zone_awards[4].project", "dev_projects 中没有 id 为 'D2' 的记录"),
    ]
