"""The 10^6 fast paths of a 76号 batch give what the plain computations give: parameters and shifted
dates read by day number, products rounded in place, years listed found by comparison, g3's zeros
made on first write, caps filled by integer groups, candidates' districts taken by category code."""

from __future__ import annotations

import copy
import datetime as dt
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pytest

from duixian.engine.money import mul_div_round
from duixian.engine.parameters import DatedValue, Parameter, Source
from duixian.engine.rules import Lines, keys
from duixian.engine.tables import Table, cumulative_cap
from duixian.population import batch, open_population
from duixian.population.synthetic import generate
from duixian.rulebook.wzb_2019_76.rules import _loans, _local, _parties, c1, g1, g3
from rich_population import rich_tables, write
from unsettled_lines import unsettled

SOURCE = Source("test", "1", "quote")


def _lpr() -> Parameter:
    starts = ("2019-01-01", "2019-08-20", "2020-04-20")
    values = [
        DatedValue(dt.date.fromisoformat(s), Fraction(415 - i, 10_000), SOURCE) for i, s in enumerate(starts)
    ]
    return Parameter("lpr", "test", "ratio", tuple(values))


def _plainly(p: Parameter, dates: np.ndarray) -> tuple[list[int], list[str]]:
    starts = np.asarray([v.start for v in p.values], dtype="datetime64[D]")
    idx = np.searchsorted(starts, dates, side="right") - 1
    assert (idx >= 0).all()
    return [int(p.values[i].value * 10_000) for i in idx], [str(starts[i]) for i in idx]


@pytest.mark.parametrize("count", [3, 2_000, 25_000])  # searched per row; a span table; a table from day 0
def test_parameter_per_row_by_day_number_equals_a_search_per_row(count: int) -> None:
    rng = np.random.default_rng(count)
    dates = (np.datetime64("2019-01-01") + rng.integers(0, 700, count)).astype("datetime64[D]")
    p = _lpr()
    scaled, starts = p.scaled_at_many(dates, 10_000)
    assert (scaled.tolist(), starts.astype(str).tolist()) == _plainly(p, dates)
    assert scaled.dtype == np.int64 and starts.dtype == np.dtype("datetime64[D]")
    early = dates.copy()
    early[count // 2] = np.datetime64("2018-12-31")
    with pytest.raises(LookupError):
        p.scaled_at_many(early, 10_000)


def test_adding_years_from_day_zero_equals_calendar_arithmetic() -> None:
    rng = np.random.default_rng(2)
    dates = (np.datetime64("2015-01-01") + rng.integers(0, 3000, 25_000)).astype("datetime64[D]")
    dates[:2] = np.asarray(["2016-02-29", "2020-02-29"], dtype="datetime64[D]")
    shifted = c1._add_years(dates, 5)  # fewer days since 1970 than rows: the table from day 0
    assert (shifted == c1._shift_years(dates, 5)).all()
    assert shifted[:2].astype(str).tolist() == ["2021-02-28", "2025-02-28"]


def test_interest_days_in_place_equal_the_plain_expressions() -> None:
    rng = np.random.default_rng(3)
    start = (np.datetime64("2017-06-01") + rng.integers(0, 1200, 3000)).astype("datetime64[D]")
    end = start + rng.integers(-5, 900, 3000)
    end[:2] = np.datetime64("NaT")
    ctx = type("Ctx", (), {"year_start": dt.date(2019, 1, 1), "year_end": dt.date(2019, 12, 31)})()
    days, first, last = _loans.interest_days(ctx, start, end)  # type: ignore[arg-type]
    plain_first = np.maximum(start, np.datetime64("2019-01-01"))
    plain_last = np.minimum(end - np.timedelta64(1, "D"), np.datetime64("2019-12-31"))
    plain_days = np.maximum((plain_last - plain_first).astype(np.int64) + 1, 0)
    assert days.tolist() == plain_days.tolist() and days.dtype == np.int64
    assert first.astype(str).tolist() == plain_first.astype(str).tolist()
    assert last.astype(str).tolist() == plain_last.astype(str).tolist()


@pytest.mark.parametrize("count", [5, 5_000])  # the plain expressions; in place
def test_products_rounded_in_place_equal_python_integers(count: int) -> None:
    rng = np.random.default_rng(count)
    principal = rng.integers(0, 10**11, count)
    days = rng.integers(0, 366, count)
    per_row = rng.integers(1, 10**6, count)
    before = principal.copy(), days.copy(), per_row.copy()
    for den in (3_650_000, per_row):
        got = mul_div_round([principal, days, 3], den)
        dens = np.broadcast_to(den, (count,))
        expected = [
            (2 * int(p) * int(d) * 3 + int(q)) // (2 * int(q))
            for p, d, q in zip(principal, days, dens, strict=True)
        ]
        assert got.tolist() == expected and got.dtype == np.int64
    assert all(
        (a == b).all() for a, b in zip((principal, days, per_row), before, strict=True)
    )  # inputs unchanged
    shifted = principal - 5 * 10**10  # some negative: rounded half away from zero, not in place
    products = [3 * int(p) for p in shifted]
    expected = [(1 if n >= 0 else -1) * ((2 * abs(n) + 7) // 14) for n in products]
    assert mul_div_round([shifted, 3], 7).tolist() == expected


def test_years_listed_by_comparison_with_the_empty_tuple() -> None:
    years = np.empty(7, dtype=object)
    years[:] = [(), (2018,), (2019, 2020), [], [2019], None, ()]
    assert g1._year_listed(years, 2019).tolist() == [bool(y) and 2019 in y for y in years]


def test_cumulative_cap_of_whole_numbers_equals_that_of_their_texts() -> None:
    rng = np.random.default_rng(4)
    groups = rng.integers(0, 50, 4000)
    amounts = rng.integers(0, 10_000, 4000)
    caps = np.full(4000, 60_000, dtype=np.int64)
    by_number = cumulative_cap(groups, amounts, caps)
    by_text = cumulative_cap(np.asarray([f"E{g}" for g in groups], dtype=object), amounts, caps)
    assert by_number[0].tolist() == by_text[0].tolist() and by_number[1].tolist() == by_text[1].tolist()
    assert by_number[1].any()


def _settled(path: Path, monkeypatch: pytest.MonkeyPatch, few_lines: int) -> list[Any]:
    raw = unsettled(path)
    lines = copy.deepcopy(raw.lines)
    monkeypatch.setattr(g3, "_FEW_LINES", few_lines)
    g3.settle(raw.context, lines)
    return lines


@pytest.mark.parametrize("population", ["synthetic", "rich"])
def test_g3_zeros_made_on_first_write_settle_the_same(
    population: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if population == "synthetic":
        path = generate("wzb-2019-76", 20_000, 5, 2020, tmp_path / "pop")
    else:
        path = write(tmp_path / "rich", rich_tables())
    viewed = _settled(path, monkeypatch, 0)  # every line's zeros a view until written
    plain = _settled(path, monkeypatch, 10**9)  # every line's zeros an array at once
    assert any(not v.flags.writeable for ln in viewed for v in ln.adjustments.values())  # some never written
    assert any(v.flags.writeable for ln in viewed for v in ln.adjustments.values() if len(v))  # some written
    for x, y in zip(viewed, plain, strict=True):
        assert x.rule_id == y.rule_id and np.array_equal(x.final(), y.final())
        assert x.adjustments.keys() == y.adjustments.keys() and x.caps.keys() == y.caps.keys()
        for label in x.adjustments:
            assert x.adjustments[label].tolist() == y.adjustments[label].tolist(), (x.rule_id, label)
        for label in x.caps:
            assert x.caps[label].tolist() == y.caps[label].tolist(), (x.rule_id, label)
        assert x.notes == y.notes


def test_candidates_districts_by_category_code_equal_the_gathered_districts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = generate("wzb-2019-76", 3_000, 6, 2020, tmp_path / "pop")
    run = batch.run_batch(open_population(path))
    coded = batch.candidate_table(run.population, run.result)
    monkeypatch.setattr(batch, "_FEW_PARTIES", 10**9)  # the districts gathered per line
    gathered = batch.candidate_table(run.population, run.result)
    assert len(run.population.tables["parties"]) >= 3_000 and coded.num_rows > 0
    assert coded["district"].null_count < coded.num_rows
    assert coded.equals(gathered)


def test_keys_sharing_ids_are_made_text_once_with_the_same_text() -> None:
    ids = np.asarray([f"L{i}" for i in range(10)], dtype=object)
    rows = np.asarray([1, 4, 9])
    memo: dict[int, pa.Array | None] = {}
    subject = batch._text(keys("loan", ids), rows, memo)
    project = batch._text(keys("loan-interest", ids), rows, memo)
    assert len(memo) == 1
    assert subject.to_pylist() == ["loan:L1", "loan:L4", "loan:L9"]
    assert project.to_pylist() == batch._text(keys("loan-interest", ids), rows).to_pylist()


def test_loan_keys_read_by_rows_give_the_candidates_of_keys_built_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = generate("wzb-2019-76", 3_000, 8, 2020, tmp_path / "pop")
    by_rows = batch.run_batch(open_population(path))
    assert "id" not in by_rows.population.tables["loans"]._columns  # no text made of every loan's id
    monkeypatch.setattr(Table, "view", lambda table, column: table[column])
    whole = batch.run_batch(open_population(path))
    assert by_rows.candidates.num_rows > 0 and by_rows.candidates.equals(whole.candidates)
    assert by_rows.result.total("cash") == whole.result.total("cash")


def test_party_facts_combined_per_party_equal_those_gathered_one_by_one(tmp_path: Path) -> None:
    path = generate("wzb-2019-76", 2_000, 7, 2020, tmp_path / "pop")
    pop = open_population(path)
    run = batch.run_batch(pop)
    ctx = run.result.context
    ids = np.concatenate([pop.tables["loans"]["lender"], pop.tables["loans"]["borrower"], ["nobody"]])
    ids = np.asarray(ids, dtype=object)
    bank = _parties.is_kind(ctx, ids, "bank") & _local.located(ctx, ids)
    assert _local.local_bank(ctx, ids).tolist() == bank.tolist() and bank.any()
    private = _parties.is_kind(ctx, ids, "enterprise") & _parties.at(ctx, _parties.private(ctx), ids)
    assert _local.private_enterprise(ctx, ids).tolist() == private.tolist() and private.any()
    per_party = g1._per_party(ctx)
    for found in (_parties.rows(ctx, ids), _parties.rows(ctx, ids[:-1])):  # one missing; all found
        checks = g1._checks_at(ctx, per_party, found)
        for label, passed in per_party.items():
            assert checks[label].tolist() == _parties.take(passed, found, False).tolist()


@pytest.mark.parametrize("few_lines", [0, 10**9])  # zeros viewed until written; arrays at once
def test_caps_written_where_they_cut_equal_the_whole_rows_written(
    few_lines: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(g3, "_FEW_LINES", few_lines)
    rng = np.random.default_rng(8)
    n = 3000
    amount = rng.integers(0, 80_000, n)
    ln = Lines(
        "wzb-2019-76.c1",
        np.asarray(["x"] * n, dtype=object),
        np.asarray([""] * n),
        np.asarray([""] * n),
        amount,
    )
    label = g3._cap_label(ln)
    ln.payable = amount.copy()
    ln.adjustments[label] = g3._zeros(n, np.int64)
    ln.caps[label] = g3._zeros(n, bool)
    rows = np.flatnonzero(amount > 1000)
    who = rng.integers(0, 40, len(rows))
    caps = np.full(n, 500_000, dtype=np.int64)
    g3._cap_vectorised(ln, rows, who, caps)
    allowed, cut = cumulative_cap(who, amount[rows], caps[rows])
    payable, deducted, capped = amount.copy(), np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    payable[rows], deducted[rows], capped[rows] = allowed, amount[rows] - allowed, cut
    assert cut.any() and not cut.all()
    assert ln.payable.tolist() == payable.tolist()
    assert ln.adjustments[label].tolist() == deducted.tolist()
    assert ln.caps[label].tolist() == capped.tolist()
