"""g4: size classes under 工信部联企业〔2011〕300号 第四条, computed directly on a small parties table."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from duixian import rulebook
from duixian.calculator import calculate_case
from duixian.engine.case import models_to_tables, parse
from duixian.engine.rules import Context
from duixian.errors import InputErrors
from duixian.rulebook.wzb_2019_76.case import SIZE_MEASURES, Case, Party
from duixian.rulebook.wzb_2019_76.rules.g4 import classify, size_classes, size_labels

WAN = 10_000 * 100  # 1 万元 in fen


def _context(parties: list[dict[str, Any]], readings: dict[str, str] | None = None) -> Context:
    case = parse(Case, {"year": 2020, "parties": parties})
    tables = models_to_tables("parties", Party, list(case.parties))
    return Context(
        year=2020,
        tables=tables,
        params=rulebook.parameters(),
        readings=rulebook.register().choose(readings or {}),
    )


def _fen(wan: int) -> int:
    return -1 if wan < 0 else wan * WAN


def _classify(industry: str, employees: int = -1, revenue_wan: int = -1, assets_wan: int = -1) -> str:
    ctx = _context([])
    fen = _fen
    out = classify(
        ctx,
        np.asarray([industry], dtype=object),
        np.asarray([employees], dtype=np.int64),
        np.asarray([fen(revenue_wan)], dtype=np.int64),
        np.asarray([fen(assets_wan)], dtype=np.int64),
    )
    return str(out[0])


# (industry, employees, 营业收入 万元, 资产总额 万元, expected) — each band at, below and above its bound.
CASES = [
    # 工业：1000人以下或40000万元以下为中小微；300人及以上且2000万元及以上中型；20人及以上且300万元及以上小型
    ("industry", 1000, 40000, -1, "large"),  # neither “以下” holds: large
    ("industry", 999, 40000, -1, "medium"),  # 999 < 1000: SME; 999 ≥ 300 and 40000 ≥ 2000
    ("industry", 1000, 39999, -1, "medium"),
    ("industry", 300, 2000, -1, "medium"),  # 及以上 includes the bound
    ("industry", 299, 2000, -1, "small"),
    ("industry", 300, 1999, -1, "small"),
    ("industry", 20, 300, -1, "small"),
    ("industry", 19, 300, -1, "micro"),  # 20人以下
    ("industry", 20, 299, -1, "micro"),  # 300万元以下
    ("industry", 5000, 500, -1, "small"),  # SME by revenue alone (或); not medium: 500 < 2000
    ("industry", 5000, 100, -1, "micro"),  # 或: 300万元以下 alone makes it micro
    # 农、林、牧、渔业：营业收入 only
    ("agriculture", -1, 20000, -1, "large"),
    ("agriculture", -1, 19999, -1, "medium"),
    ("agriculture", -1, 500, -1, "medium"),
    ("agriculture", -1, 499, -1, "small"),
    ("agriculture", -1, 50, -1, "small"),
    ("agriculture", -1, 49, -1, "micro"),
    # 建筑业：营业收入和资产总额
    ("construction", -1, 80000, 80000, "large"),
    ("construction", -1, 80000, 79999, "medium"),
    ("construction", -1, 6000, 5000, "medium"),
    ("construction", -1, 6000, 4999, "small"),
    ("construction", -1, 300, 300, "small"),
    ("construction", -1, 300, 299, "micro"),
    ("construction", -1, 299, 300, "micro"),
    # 批发业
    ("wholesale", 200, 40000, -1, "large"),
    ("wholesale", 20, 5000, -1, "medium"),
    ("wholesale", 19, 5000, -1, "small"),
    ("wholesale", 5, 1000, -1, "small"),
    ("wholesale", 4, 1000, -1, "micro"),
    # 零售业
    ("retail", 50, 500, -1, "medium"),
    ("retail", 10, 100, -1, "small"),
    ("retail", 9, 100, -1, "micro"),
    # 交通运输业、仓储业、邮政业
    ("transport", 300, 3000, -1, "medium"),
    ("transport", 20, 200, -1, "small"),
    ("transport", 20, 199, -1, "micro"),
    ("warehousing", 200, 30000, -1, "large"),
    ("warehousing", 100, 1000, -1, "medium"),
    ("warehousing", 20, 100, -1, "small"),
    ("postal", 300, 2000, -1, "medium"),
    ("postal", 300, 1999, -1, "small"),
    # 住宿业、餐饮业
    ("accommodation", 100, 2000, -1, "medium"),
    ("catering", 10, 100, -1, "small"),
    ("catering", 10, 99, -1, "micro"),
    # 信息传输业、软件和信息技术服务业
    ("information_transmission", 2000, 100000, -1, "large"),
    ("information_transmission", 1999, 100000, -1, "medium"),
    ("software_it", 10, 50, -1, "small"),
    ("software_it", 10, 49, -1, "micro"),
    # 房地产开发经营：营业收入和资产总额
    ("real_estate_development", -1, 200000, 10000, "large"),
    ("real_estate_development", -1, 200000, 9999, "medium"),
    ("real_estate_development", -1, 1000, 5000, "medium"),
    ("real_estate_development", -1, 100, 2000, "small"),
    ("real_estate_development", -1, 100, 1999, "micro"),
    # 物业管理
    ("property_management", 300, 1000, -1, "medium"),
    ("property_management", 100, 500, -1, "small"),
    ("property_management", 99, 500, -1, "micro"),
    # 租赁和商务服务业：从业人员和资产总额
    ("leasing_business_services", 300, -1, 120000, "large"),
    ("leasing_business_services", 100, -1, 8000, "medium"),
    ("leasing_business_services", 10, -1, 100, "small"),
    ("leasing_business_services", 10, -1, 99, "micro"),
    # 其他未列明行业：从业人员 only
    ("other", 300, -1, -1, "large"),
    ("other", 299, -1, -1, "medium"),
    ("other", 100, -1, -1, "medium"),
    ("other", 99, -1, -1, "small"),
    ("other", 10, -1, -1, "small"),
    ("other", 9, -1, -1, "micro"),
]


@pytest.mark.parametrize(("industry", "employees", "revenue", "assets", "expected"), CASES)
def test_thresholds(industry: str, employees: int, revenue: int, assets: int, expected: str) -> None:
    assert _classify(industry, employees, revenue, assets) == expected


def test_missing_figure_or_unknown_sector_is_unclassified() -> None:
    assert _classify("industry", 10, -1) == ""
    assert _classify("", 10, 10) == ""


def test_every_sector_has_its_thresholds() -> None:
    params = rulebook.parameters()
    for sector, measures in SIZE_MEASURES.items():
        for measure in ("employees", "revenue", "total_assets"):
            for tier in ("sme", "medium", "small"):
                name = f"wzb-2019-76.g4.{sector}.{measure}_{tier}"
                assert (name in params) == (measure in measures), name
                if name in params:
                    assert params[name].values[0].source.document.startswith("工信部联企业〔2011〕300号")


def test_table_keeps_registry_class_and_classifies_the_rest() -> None:
    ctx = _context(
        [
            {"id": "R", "size_class": "medium", "industry": "industry", "employees": 5, "revenue": 10},
            {"id": "S", "industry": "industry", "employees": 299, "revenue": 20_000_000},
            {"id": "M", "industry": "industry", "employees": 300, "revenue": 20_000_000},
            {"id": "C", "industry": "construction", "revenue": 3_000_000, "total_assets": 2_990_000},
            {"id": "N"},
            {"id": "I", "legal_form": "individual_business"},
        ]
    )
    assert list(size_classes(ctx)) == ["medium", "small", "medium", "micro", "", ""]
    assert ctx.readings["wzb-2019-76.g4.size_class"] == "registry_then_figures"
    labels = list(size_labels(ctx))
    assert labels[0] == "中型企业（登记的划型结果）"
    assert "300号" in labels[1] and labels[1].startswith("小型企业")
    assert labels[4].startswith("未划型")
    assert labels[5].startswith("个体工商户")


def test_registry_only_reading_ignores_figures() -> None:
    ctx = _context(
        [{"id": "S", "industry": "industry", "employees": 10, "revenue": 1_000_000}],
        {"wzb-2019-76.g4.size_class": "registry_only"},
    )
    assert list(size_classes(ctx)) == [""]


@pytest.mark.parametrize(
    ("party", "field"),
    [
        ({"industry": "industry", "revenue": 100}, "parties[0].employees"),
        ({"industry": "industry", "employees": 10}, "parties[0].revenue"),
        ({"industry": "construction", "revenue": 100}, "parties[0].total_assets"),
        ({"industry": "leasing_business_services", "employees": 10}, "parties[0].total_assets"),
        ({"industry": "agriculture"}, "parties[0].revenue"),
        ({"industry": "other"}, "parties[0].employees"),
    ],
)
def test_missing_figure_is_an_input_error(party: dict[str, Any], field: str) -> None:
    with pytest.raises(InputErrors) as caught:
        calculate_case({"document": "wzb-2019-76", "year": 2020, "parties": [{"id": "E", **party}]})
    assert field in [e.field for e in caught.value.errors]


def test_figures_not_needed_with_size_class_or_unused_measure() -> None:
    parse(Case, {"year": 2020, "parties": [{"id": "E", "industry": "construction", "size_class": "small"}]})
    parse(Case, {"year": 2020, "parties": [{"id": "E", "industry": "other", "employees": 3}]})
