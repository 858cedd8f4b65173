"""温商务联发〔2019〕130号 四（一）: the pro-rata allocation conserves money to the fen, and the worked
examples in examples/wswl-2019-130 compute what their comments say."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from duixian.calculator import calculate_case
from duixian.engine.case import read_document
from duixian.engine.explain import explain
from duixian.rulebook.wswl_2019_130.rules._allocation import allocate, pro_rata

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "wswl-2019-130"

weights_st = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12)


@given(pool=st.integers(min_value=0, max_value=10**12), weights=weights_st)
def test_largest_remainder_shares_sum_to_the_pool_each_within_a_fen(pool: int, weights: list[int]) -> None:
    w = np.asarray(weights, dtype=object)
    shares = pro_rata(pool, w, "largest_remainder")
    total = sum(weights)
    if total == 0:
        assert not shares.any()
        return
    assert int(shares.sum()) == pool
    for share, weight in zip(shares, weights, strict=True):
        assert abs(Fraction(int(share)) - Fraction(pool * weight, total)) < 1


@given(
    pool=st.integers(min_value=0, max_value=10**10),
    rows=st.lists(
        st.tuples(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=10**9)),
        min_size=1,
        max_size=8,
    ),
    excess=st.sampled_from(["carry_over", "redistribute"]),
    rounding=st.sampled_from(["largest_remainder", "floor"]),
)
def test_paid_plus_carried_is_the_pool_and_no_cap_is_exceeded(
    pool: int, rows: list[tuple[int, int]], excess: str, rounding: str
) -> None:
    weights = np.asarray([w for w, _ in rows], dtype=object)
    caps = np.asarray([c for _, c in rows], dtype=np.int64)
    result = allocate(pool, weights, caps, np.zeros(len(rows), dtype=np.int64), excess, rounding)
    assert (result.paid <= caps).all() and (result.paid >= 0).all()
    assert int(result.paid.sum()) + int(result.carried.sum()) + result.unallocated == pool
    if excess == "carry_over":  # a project's share never depends on whether another is capped
        assert (result.paid == np.minimum(pro_rata(pool, weights, rounding), caps)).all()


def _amounts(example: str, rule: str) -> dict[str, str]:
    result = calculate_case(read_document(EXAMPLES / example))
    return {
        line["subject"]: line["amount"]["yuan"] if line["kind"] == "cash" else line["verdict"]
        for line in explain(result, include_ineligible=True)
        if line["rule"] == rule
    }


def test_allocation_example() -> None:
    assert _amounts("alloc-pro-rata.yaml", "wswl-2019-130.alloc") == {
        "project:Z1": "937,500.00",
        "project:C1": "0.00",  # 885,416.67 gives way to its zone (孰高原则), carried over
        "project:Z2": "600,000.00",  # capped at 50% of 1,200,000.01, rounded down
        "project:C2": "520,833.33",
    }


def test_eligibility_example() -> None:
    assert _amounts("e-eligibility.yaml", "wswl-2019-130.e") == {
        "project:Z1": "符合申请条件",
        "project:C1": "不符合申请条件",  # 基本合格 is below 合格档
    }


def test_payment_example() -> None:
    result = calculate_case(read_document(EXAMPLES / "pay-publicity.yaml"))
    lines = {
        line["subject"]: {s["name"]: s["value"] for s in line["steps"]}
        for line in explain(result, include_ineligible=True)
        if line["rule"] == "wswl-2019-130.pay"
    }
    assert lines["project:Z1"]["publicity_end"] == "2021-01-04"  # 01-02 falls in the New Year holiday
    assert lines["project:C1"]["payer"] == "鹿城区财政局"
    assert lines["fraud:X1"]["recover"]["yuan"] == "50,000.00"
    assert lines["project:Z2"]["allocated"]["yuan"] == "0.00"  # E3 barred from 2020


def test_district_and_fraud_in_year_example() -> None:
    """A 瑞安市 enterprise is paid through 瑞安市财政局; an enterprise found to have diverted funds in the
    allocation year keeps its 2020 share (以后年度 = from 2021) and its lines name the finding."""
    result = calculate_case(read_document(EXAMPLES / "pay-district-fraud.yaml"))
    lines = {(line["rule"], line["subject"]): line for line in explain(result, include_ineligible=True)}
    assert _amounts("pay-district-fraud.yaml", "wswl-2019-130.alloc") == {
        "project:Z1": "300,000.00",
        "project:C1": "150,000.00",
        "project:C2": "150,000.00",
    }
    steps = {s["name"]: s["value"] for s in lines[("wswl-2019-130.pay", "project:C1")]["steps"]}
    assert steps["payer"] == "瑞安市财政局"
    for rule in ("wswl-2019-130.e", "wswl-2019-130.alloc", "wswl-2019-130.pay"):
        assert any(
            "fraud:X1" in note and "30,000.00" in note for note in lines[(rule, "project:C2")]["notes"]
        )
        assert not lines[(rule, "project:C1")]["notes"]
