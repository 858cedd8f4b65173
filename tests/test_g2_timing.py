"""g2 (附则2): the application period and the payment window; 附则1/附则5: when applications are accepted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from duixian import rulebook
from duixian.calculator import calculate_case
from duixian.errors import InputError
from duixian.rulebook.wzb_2019_76.rules.g2 import PaymentWindow, payment_window

D = dt.date


def _window(applied_on: dt.date) -> PaymentWindow:
    return payment_window(applied_on, rulebook.parameters())


def test_rule_is_registered_as_timing() -> None:
    spec = rulebook.documents()["wzb-2019-76"].rules["wzb-2019-76.g2"]
    assert spec.kind == "timing"
    assert "每年度申报期为1－10月份" in spec.quote
    assert "10月以后申报的项目原则上安排在次年1－3月兑付" in spec.quote


@pytest.mark.parametrize("applied_on", [D(2020, 1, 1), D(2020, 10, 1), D(2020, 10, 31), D(2021, 1, 1)])
def test_in_application_period(applied_on: dt.date) -> None:
    w = _window(applied_on)
    assert w.in_application_period
    assert w.pay_from is None and w.pay_to is None
    assert "申报期" in w.explanation


@pytest.mark.parametrize(
    ("applied_on", "pay_from", "pay_to"),
    [
        (D(2020, 11, 1), D(2021, 1, 1), D(2021, 3, 31)),  # the day after October: next year 1－3月
        (D(2020, 12, 31), D(2021, 1, 1), D(2021, 3, 31)),
        (D(2021, 11, 30), D(2022, 1, 1), D(2022, 3, 31)),  # paid after the policy expired: 附则2 says so
    ],
)
def test_after_october_paid_next_january_to_march(
    applied_on: dt.date, pay_from: dt.date, pay_to: dt.date
) -> None:
    w = _window(applied_on)
    assert not w.in_application_period
    assert (w.pay_from, w.pay_to) == (pay_from, pay_to)
    assert "次年" in w.explanation and "原则上" in w.explanation


def _calc(year: int, applied_on: str | None, readings: dict[str, str] | None = None) -> Any:
    data: dict[str, Any] = {"document": "wzb-2019-76", "year": year, "readings": readings or {}}
    if applied_on is not None:
        data["applied_on"] = applied_on
    return calculate_case(data, ["wzb-2019-76.c1"])


def test_no_application_date_no_timing() -> None:
    assert _calc(2020, None).timing is None


@pytest.mark.parametrize(
    ("year", "applied_on"),
    [
        (2019, "2020-02-01"),  # a 2019 award object, applied for on the day the policy came into force
        (2019, "2020-10-31"),
        (2020, "2020-02-01"),
        (2021, "2021-12-31"),  # the last day in force (paid 2022 1－3月)
    ],
)
def test_applied_while_in_force(year: int, applied_on: str) -> None:
    timing = _calc(year, applied_on).timing
    assert timing["applied_on"] == applied_on
    assert timing["rule"] == "wzb-2019-76.g2"
    assert timing["readings"][0]["option"] == "in_force_period"


def test_timing_of_a_late_application() -> None:
    timing = _calc(2021, "2021-12-31").timing
    assert timing["in_application_period"] is False
    assert (timing["pay_from"], timing["pay_to"]) == ("2022-01-01", "2022-03-31")


@pytest.mark.parametrize(
    ("year", "applied_on", "reason"),
    [
        (
            2019,
            "2020-01-31",
            "早于温政办〔2019〕76号的施行日期 2020-02-01",
        ),  # the day before 附则5's 2020-02-01
        (2019, "2019-12-31", "早于温政办〔2019〕76号的施行日期"),
        (2021, "2022-01-01", "晚于受理申请的最后一天 2021-12-31"),  # the day after it expired
        (2021, "2020-06-01", "早于所属年度 2021 年的开始"),  # cannot apply for 2021 in 2020
    ],
)
def test_applied_outside_the_policy_is_an_input_error(year: int, applied_on: str, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        _calc(year, applied_on)
    assert caught.value.field == "applied_on"
    assert reason in caught.value.reason


def test_award_period_next_year_reading() -> None:
    readings = {"wzb-2019-76.g2.application_dates": "award_period_next_year"}
    timing = _calc(2021, "2022-10-31", readings).timing
    assert timing["in_application_period"] is True
    with pytest.raises(InputError) as caught:
        _calc(2021, "2022-11-01", readings)
    assert caught.value.field == "applied_on"
