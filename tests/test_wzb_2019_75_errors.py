"""温政办〔2019〕75号: every input error of a case is reported at once, and the flat-10% reading notes
only the levies actually entered."""

from __future__ import annotations

from typing import Any

import pytest

from duixian.calculator import calculate_case
from duixian.engine.explain import explain
from duixian.errors import InputErrors


def _sale(sale_id: str, **levies: float) -> dict[str, Any]:
    return {"id": sale_id, "received_on": "2021-05-01", "revenue": 10000000, **levies}


def test_every_cross_field_error_is_reported_together() -> None:
    case = {
        "document": "wzb-2019-75",
        "year": 2021,
        "pilots": [
            {"id": "A", "district": "鹿城区", "category": "renewal", "planning_unit_ha": 50,
             "implementation_unit_ha": 51},
            {"id": "B", "district": "鹿城区", "category": "renewal",
             "stages": [{"stage": "planning", "date": "2019-12-01"},
                        {"stage": "reserve", "date": "2023-02-01"}],
             "land_sales": [_sale("S1", levy_social_security=0, levy_low_rent_housing=0),
                            _sale("S2", levy_social_security=6000000, levy_farmland_water=3000000,
                                  levy_low_rent_housing=1000000, levy_other=0.01)]},
        ],
    }  # fmt: skip
    with pytest.raises(InputErrors) as caught:
        calculate_case(case)
    assert sorted(e.field for e in caught.value.errors) == [
        "pilots[0].implementation_unit_ha",
        "pilots[1].land_sales[0].levy_farmland_water",
        "pilots[1].land_sales[1].revenue",
        "pilots[1].stages[0].date",
        "pilots[1].stages[1].date",
    ]


def test_flat_rate_notes_only_lines_whose_levies_were_entered() -> None:
    case = {
        "document": "wzb-2019-75",
        "year": 2021,
        "readings": {"wzb-2019-75.fund.levies": "flat_10_percent"},
        "pilots": [
            {"id": "P", "district": "龙湾区", "category": "renewal",
             "land_sales": [_sale("S1", levy_farmland_water=0), _sale("S2")]},
        ],
    }  # fmt: skip
    notes = {e["subject"]: e["notes"] for e in explain(calculate_case(case), include_ineligible=True)}
    assert notes["land-sale:建设补助:P/S1"] == [
        "已输入实际计提规费（农林水利建设 0.00 元），按读法 wzb-2019-75.fund.levies = flat_10_percent "
        "未使用：规费按出让金的10%计"
    ]
    assert notes["land-sale:建设补助:P/S2"] == []
    assert notes["land-sale:考核奖励:P/S2"] == []


def test_the_default_reading_of_the_recipient_is_shown_on_every_fund_line() -> None:
    case = {
        "document": "wzb-2019-75",
        "year": 2021,
        "pilots": [
            {"id": "Y", "district": "永嘉县", "category": "renewal",
             "land_sales": [_sale("S1", levy_social_security=0, levy_farmland_water=0, levy_low_rent_housing=0)]},
        ],
    }  # fmt: skip
    for line in explain(calculate_case(case), include_ineligible=True):
        if line["rule"] == "wzb-2019-75.fund":
            assert {"switch": "wzb-2019-75.fund.recipient", "option": "districts"} in [
                {k: r[k] for k in ("switch", "option")} for r in line["readings"]
            ]
            assert line["amount"]["fen"] == 0
