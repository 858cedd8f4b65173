"""Nested lists (a pilot's land sales): ids unique within their parent, errors named by the path the case wrote."""

from __future__ import annotations

from typing import Any

import pytest

from duixian.calculator import calculate_case
from duixian.errors import InputErrors


def _sale(sale_id: str, received_on: str = "2021-06-18") -> dict[str, Any]:
    return {
        "id": sale_id,
        "received_on": received_on,
        "revenue": 100000000,
        "levy_social_security": 3000000,
        "levy_farmland_water": 5000000,
        "levy_low_rent_housing": 2000000,
    }


def _case(*pilots: dict[str, Any]) -> dict[str, Any]:
    return {"document": "wzb-2019-75", "year": 2021, "pilots": list(pilots)}


def _pilot(pilot_id: str, *sales: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": pilot_id,
        "name": pilot_id,
        "district": "鹿城区",
        "category": "renewal",
        "land_sales": list(sales),
    }


def test_one_sale_id_twice_in_one_pilot_is_refused_naming_both_rows() -> None:
    with pytest.raises(InputErrors) as caught:
        calculate_case(_case(_pilot("P1"), _pilot("P2", _sale("S1"), _sale("S1"))))
    (error,) = caught.value.errors
    assert error.field == "pilots[1].land_sales[1].id"
    assert "pilots[1].land_sales[0]" in error.reason


def test_the_same_sale_id_under_two_pilots_is_two_sales() -> None:
    result = calculate_case(_case(_pilot("P1", _sale("S1")), _pilot("P2", _sale("S1"))))
    assert result.total("cash") > 0


def test_a_child_row_outside_the_year_is_named_by_its_parent_row() -> None:
    with pytest.raises(InputErrors) as caught:
        calculate_case(_case(_pilot("P1", _sale("S1")), _pilot("P2", _sale("S1"), _sale("S2", "2020-12-31"))))
    assert [e.field for e in caught.value.errors] == ["pilots[1].land_sales[1].received_on"]
