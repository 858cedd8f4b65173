"""温政办〔2019〕72号: each c3 line shows only its own route's conditions, and the input errors of
every clause of a case are reported at once."""

from __future__ import annotations

import pytest

from duixian.calculator import calculate_case
from duixian.engine.explain import explain
from duixian.errors import InputErrors


def test_each_c3_line_shows_only_its_own_route() -> None:
    case = {
        "document": "wzb-2019-72",
        "year": 2021,
        "readings": {"wzb-2019-72.c3.project_type": "comprehensive_only"},
        "land_projects": [{"id": "L", "transfer_years": 5, "witnessed": True, "contract_signed": True,
                           "area_mu": 100, "land_consolidation": False}],
    }  # fmt: skip
    lines = {e["subject"]: e for e in explain(calculate_case(case), include_ineligible=True)}
    shown = {s: [c["condition"] for c in e["conditions"]] for s, e in lines.items()}
    assert shown == {
        "land:附属设施用地:L": [
            "土地承包经营权流转期限5年以上（含本数）",
            "经合法见证",
            "签订流转合同",
            "经营面积100亩以上（含本数）",
        ],
        "land:一事一议（投资额）:L": ["投资额3亿元以上（含本数）", "属田园综合体等综合性项目"],
        "land:一事一议（全域土地综合整治）:L": ["依托于全域土地综合整治与生态修复", "存在用地指标缺口"],
    }
    ancillary = lines["land:附属设施用地:L"]
    assert ancillary["eligible"] and all(c["met"] for c in ancillary["conditions"])
    assert ancillary["readings"] == []  # c3.project_type concerns the investment route only
    assert [p["name"] for p in ancillary["parameters"]] == [
        "wzb-2019-72.c3.transfer_years",
        "wzb-2019-72.c3.area",
    ]
    assert [r["switch"] for r in lines["land:一事一议（投资额）:L"]["readings"]] == [
        "wzb-2019-72.c3.project_type"
    ]


def test_input_errors_of_every_clause_are_reported_together() -> None:
    case = {
        "document": "wzb-2019-72",
        "year": 2021,
        "readings": {"wzb-2019-72.c6a.unlisted_place": "error"},
        "priority_projects": [{"id": "Q", "place": "市本级", "actual_investment": 1, "meets_project_conditions": True}],
        "financial_institutions": [{"id": "F", "qualified": True, "average_balance": 2, "average_balance_last_year": 1,
                                    "decided_rate": 2.5}],
        "monitors": [{"id": "WZ", "observations": [
            {"indicator": "tech_contribution", "year": 2025, "value": 150},
            {"indicator": "custody_loan_balance", "year": 2021, "value": 1},
        ], "bases": [{"indicator": "agritech_bases", "year": 2022, "value": 1}]}],
    }  # fmt: skip
    with pytest.raises(InputErrors) as caught:
        calculate_case(case)
    assert sorted(e.field for e in caught.value.errors) == [
        "financial_institutions[0].decided_rate",
        "monitors[0].bases[0].year",
        "monitors[0].observations",  # the 2020 custody balance the 2021 target grows from
        "monitors[0].observations[0].value",
        "monitors[0].observations[0].year",
        "priority_projects[0].place",
    ]
