"""Straight-path target tracking (温政发〔2019〕18号 annex 1, 温政办〔2019〕72号 targets)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from duixian.engine.indicators import Target, expected_on_path, on_track, progress


@pytest.mark.parametrize(
    ("text", "comparison", "value"),
    [
        ("＞72", ">", "72"),
        ("<32", "<", "32"),
        ("≥100", ">=", "100"),
        ("7800", ">=", "7800"),
        ("＜0.5", "<", "0.5"),
    ],
)
def test_targets_parse_full_and_half_width_signs(text: str, comparison: str, value: str) -> None:
    target = Target.parse(text)
    assert (target.comparison, target.value) == (comparison, Decimal(value))


def test_a_target_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match="not a target"):
        Target.parse("约80")


def test_strict_and_inclusive_targets_differ_exactly_at_the_bound() -> None:
    assert not Target.parse("＞72").met(Decimal("72"))
    assert Target.parse("＞72").met(Decimal("72.01"))
    assert Target.parse("72").met(Decimal("72"))
    assert not Target.parse("<32").met(Decimal("32"))
    assert Target.parse("<32").met(Decimal("31.9"))


def test_the_straight_path_from_2018_to_2022_is_exact() -> None:
    # GDP 5810 (2018) → 7800 (2022): 497.5 a year.
    assert expected_on_path(2018, Decimal(5810), 2022, Decimal(7800), 2020) == Fraction(6805)
    assert expected_on_path(2018, Decimal("94.59"), 2022, Decimal(95), 2019) == Fraction("94.6925")
    with pytest.raises(ValueError):
        expected_on_path(2022, Decimal(1), 2018, Decimal(2), 2020)


def test_on_track_depends_on_the_direction_of_the_target() -> None:
    rising, falling = Target.parse("7800"), Target.parse("<32")
    assert on_track(rising, Fraction(6805), Decimal(6805))
    assert not on_track(rising, Fraction(6805), Decimal("6804.99"))
    assert on_track(falling, Fraction(31), Decimal(31))
    assert not on_track(falling, Fraction(31), Decimal("31.01"))


def test_progress_is_the_share_of_the_distance_covered() -> None:
    assert progress(Decimal(5810), Decimal(7800), Decimal(6805)) == Fraction(1, 2)
    assert progress(Decimal(30), Decimal(30), Decimal(29)) is None
