"""Dated parameters: every value has a start date and a source; lookups pick the one in force."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np
import pytest

from duixian import rulebook
from duixian.engine.parameters import Source


def test_every_parameter_value_cites_its_source() -> None:
    for name, p in rulebook.parameters().parameters.items():
        for v in p.values:
            assert v.source.document and v.source.quote, name


def test_lpr_lookup_picks_the_value_published_on_or_before_the_date() -> None:
    lpr = rulebook.parameters()["lpr.one_year"]
    assert lpr.at(dt.date(2019, 8, 19)).value == Fraction(431, 10000)  # old LPR, before the reform
    assert lpr.at(dt.date(2019, 8, 20)).value == Fraction(425, 10000)
    assert lpr.at(dt.date(2020, 4, 19)).value == Fraction(405, 10000)
    assert lpr.at(dt.date(2020, 4, 20)).value == Fraction(385, 10000)
    dates = np.array(["2019-12-31", "2021-12-20"], dtype="datetime64[D]")
    bp, starts = lpr.scaled_at_many(dates, 10_000)
    assert bp.tolist() == [415, 380]
    assert [str(s) for s in starts] == ["2019-12-20", "2021-12-20"]


def test_no_value_before_the_first_is_an_error() -> None:
    with pytest.raises(LookupError):
        rulebook.parameters()["lpr.five_year"].at(dt.date(2019, 8, 19))


def test_overrides_take_effect_from_their_date_and_keep_history() -> None:
    src = Source("reform", "test", "raise the cap")
    ps = rulebook.parameters().with_overrides({"wzb-2019-76.c1.cap": 300000}, dt.date(2021, 1, 1), src)
    assert ps["wzb-2019-76.c1.cap"].at(dt.date(2020, 6, 1)).value == 20_000_000
    assert ps["wzb-2019-76.c1.cap"].at(dt.date(2021, 6, 1)).value == 30_000_000
    assert rulebook.parameters()["wzb-2019-76.c1.cap"].at(dt.date(2021, 6, 1)).value == 20_000_000


def test_the_rulebook_yaml_reads_as_pyyaml_safe_load_reads_it() -> None:
    """The parameters and registers are parsed by libyaml (``read_yaml``): the same values as
    PyYAML's pure-Python safe loader gives, file by file (dates, numbers, quotes, nested lists)."""
    import yaml

    from duixian.engine.yaml_files import read_yaml

    files = sorted((rulebook.HERE / "common" / "parameters").glob("*.yaml"))
    for doc in rulebook.documents().values():
        files += [*doc.parameter_files, doc.folder / "interpretations.yaml"]
    read = [f for f in files if f.exists()]
    assert len(read) > 20  # every document's parameters and register
    for path in read:
        assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path
