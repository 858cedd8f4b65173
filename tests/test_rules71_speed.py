"""71号's fast paths give what the plain computations give: facts per enterprise computed for the few
it concerns (the recognised, the related, those paying taxes elsewhere), a year's figures gathered
from one table, enterprises' rows as group numbers, and 附则3's notes worded once per enterprise."""

from __future__ import annotations

import numpy as np
import pytest

from duixian import rulebook
from duixian.engine.money import format_fen
from duixian.engine.rules import Context
from duixian.engine.tables import Table, cumulative_cap
from duixian.population import open_population
from duixian.population.batch import run_batch
from duixian.population.load import Population
from duixian.population.synthetic import generate
from duixian.rulebook.wzjk_2019_71.case import BUSINESS_NAMES, ZONE_AREAS
from duixian.rulebook.wzjk_2019_71.rules import _caps, _enterprises, a2, a9

DOCUMENT = "wzjk-2019-71"
P = "wzjk-2019-71."


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Population:
    rulebook.register()
    return open_population(generate(DOCUMENT, 5000, 5, 2020, tmp_path_factory.mktemp("pop71") / "p"))


def _context(population: Population, year: int = 2020, **readings: str) -> Context:
    return Context(
        year=year,
        tables=population.tables,
        params=rulebook.parameters(),
        readings=rulebook.register().choose(readings),
        in_force_from=population.document.applies_from,
    )


def test_business_names_look_up_only_the_related(population: Population) -> None:
    values = population.tables["enterprises"]["business"]
    related = values != "unrelated"
    assert related.any() and not related.all()
    plain = [BUSINESS_NAMES[str(v)] for v in values]
    for table in (population.tables["enterprises"], Table("enterprises", {"business": values.copy()})):
        names = _enterprises.business_names(table, related)  # by the loader's codes, then by a dict's
        assert names.tolist() == plain
        assert len({id(n) for n in names[~related]}) == 1  # one text, not one per enterprise
    shown = Table("enterprises", {"business": np.asarray(["no_such", "big_data", "unrelated"], dtype=object)})
    only = np.asarray([False, True, False])  # an unknown business not shown is not looked up
    unrelated = BUSINESS_NAMES["unrelated"]
    assert _enterprises.business_names(shown, only).tolist() == [
        unrelated,
        BUSINESS_NAMES["big_data"],
        unrelated,
    ]
    with pytest.raises(KeyError):
        _enterprises.business_names(shown, np.asarray([True, True, False]))


def test_areas_compared_by_code_as_plainly(population: Population) -> None:
    e = population.tables["enterprises"]
    for column in ("fiscal_area", "registered_area"):
        areas = e[column]
        assert (e["fiscal_area"] != e["registered_area"]).any()
        assert e.isin(column, ZONE_AREAS).tolist() == np.isin(areas, ZONE_AREAS).tolist()
    hand = Table(
        "e", {"a": np.asarray(["瓯飞", "状蒲园区", "瓯飞", "其他", "经济技术开发区", ""], dtype=object)}
    )
    assert hand.isin("a", ZONE_AREAS).tolist() == [True, False, True, False, True, False]


def _plain_grading(ctx: Context, basis: str) -> tuple[list[bool], list[int], list[int], list[int]]:
    """第二条 for every enterprise, each computed for all (the plain path)."""
    e = ctx.table("enterprises")
    recognised_on = e["recognised_on"].astype("datetime64[D]")
    recognised = ~np.isnat(recognised_on) & (recognised_on <= np.datetime64(ctx.year_end))
    if basis == "at_recognition":
        basis_year = np.where(
            recognised, recognised_on.astype("datetime64[Y]").astype(np.int64) + 1970 - 1, -1
        )
    else:
        basis_year = np.where(recognised, ctx.year - 1, -1)
    revenue = _enterprises.figure_at(ctx, "operating_revenue", _enterprises.rows(ctx, e["id"]), basis_year)
    revenue = np.where(recognised, revenue, -1)
    mins = [ctx.amount(P + f"a2.grade_{g.lower()}_min") for g in _enterprises.GRADES]
    level = np.select([revenue >= m for m in mins], [0, 1, 2], 3)
    return recognised.tolist(), basis_year.tolist(), revenue.tolist(), level.tolist()


@pytest.mark.parametrize("basis", ["at_recognition", "each_year"])
@pytest.mark.parametrize("year", [2020, 2021])
def test_grading_computed_for_the_recognised_only(population: Population, basis: str, year: int) -> None:
    ctx = _context(population, year, **{P + "a2.grading_basis": basis})
    g = _enterprises.grading(ctx)
    recognised, basis_year, revenue, level = _plain_grading(ctx, basis)
    assert 0 < sum(recognised) < len(recognised)
    if year == 2020:  # the population's figures end in 2019: a year later, none grades each year
        assert len(set(level)) == 4  # every grade and none
    assert g.recognised.tolist() == recognised
    assert g.basis_year.tolist() == basis_year
    assert g.revenue.tolist() == revenue
    assert g.level.tolist() == level
    assert g.grade.tolist() == [("A", "B", "C", "")[v] for v in level]


def test_figure_of_one_year_equals_the_search_per_line(population: Population) -> None:
    ctx = _context(population)
    e = population.tables["enterprises"]
    rows = np.concatenate([np.arange(len(e)), np.arange(len(e))[::-3], [-1, -1]]).astype(np.intp)
    found = {}
    for year in (2018, 2019, 2020, 2030):
        for name in ("operating_revenue", "local_contribution"):
            fast = _enterprises.figure_in(ctx, name, rows, year)
            plain = _enterprises.figure_at(ctx, name, rows, np.full(len(rows), year))
            assert fast.tolist() == plain.tolist()
            found[year] = int((fast >= 0).sum())
    assert found[2030] == 0 and 0 < found[2019] < len(rows)


def test_figure_of_one_year_takes_the_first_row_of_a_year() -> None:
    """A table may name an enterprise's year twice (the case model refuses it; a table need not)."""
    enterprises = Table("enterprises", {"id": np.asarray(["E0", "E1", "E2"], dtype=object)})
    annual = Table(
        "enterprises.annual",
        {
            "parent_row": np.asarray([1, 0, 1, 1, 0], dtype=np.int64),
            "year": np.asarray([2019, 2019, 2019, 2018, 2020], dtype=np.int64),
            "local_contribution": np.asarray([10, 20, 30, 40, 50], dtype=np.int64),
        },
    )
    ctx = Context(
        year=2020,
        tables={"enterprises": enterprises, "enterprises.annual": annual},
        params=rulebook.parameters(),
        readings=rulebook.register().choose({}),
    )
    rows = np.asarray([0, 1, 2, -1, 1, 0], dtype=np.intp)
    plain = _enterprises.figure_at(ctx, "local_contribution", rows, np.full(len(rows), 2019))
    assert plain.tolist() == [20, 10, -1, -1, 10, 20]
    assert _enterprises.figure_in(ctx, "local_contribution", rows, 2019).tolist() == plain.tolist()


def _lines(seed: int, n: int = 3000) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lines of a few hundred enterprises (rows; as ids too), in no order, with limits that bind for
    some enterprises only."""
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, 400, n).astype(np.intp) * 7  # rows with gaps, as a city's are
    ids = np.asarray([f"E{r}" for r in rows.tolist()], dtype=object)
    amounts = rng.integers(0, 50_000, n).astype(np.int64)
    limit_per_row = rng.integers(0, 600_000, rows.max() + 1).astype(np.int64)
    return rows, ids, amounts, limit_per_row[rows]


@pytest.mark.parametrize("seed", [1, 2])
def test_rows_as_group_numbers_equal_the_ids_numbered(seed: int) -> None:
    rows, ids, amounts, limits = _lines(seed)
    by_row = _caps.groups_of(rows, ids)
    by_id = _caps.groups_of(np.full(len(rows), -1, dtype=np.intp), ids)  # an enterprise not in the case
    assert by_row.dtype == np.intp and by_id.dtype == np.object_
    totals = _caps.group_total(by_id, amounts)
    assert (totals > limits).any() and (totals <= limits).any()
    assert _caps.group_total(by_row, amounts).tolist() == totals.tolist()
    assert _caps.share(by_row, amounts, limits).tolist() == _caps.share(by_id, amounts, limits).tolist()
    allowed, _ = cumulative_cap(by_id, amounts, limits)
    assert _caps._used_before(by_row, allowed).tolist() == _caps._used_before(by_id, allowed).tolist()
    # The plain totals: one sum per id.
    sums: dict[str, int] = {}
    for key, amount in zip(ids.tolist(), amounts.tolist(), strict=True):
        sums[key] = sums.get(key, 0) + amount
    assert totals.tolist() == [sums[k] for k in ids.tolist()]


def test_limit_notes_worded_once_per_enterprise_equal_each_line_worded() -> None:
    rng = np.random.default_rng(3)
    totals = rng.choice([123_456_789, 500_000, 99], 40).astype(np.int64)
    limits = totals // 3
    cuts = rng.integers(0, 10**7, 40).astype(np.int64)
    cuts[:3] = 0
    for way in ("按比例核减", "按条款顺序（后列条款先减）核减"):
        plain = [
            f"附则3：本企业本年度补助合计 {format_fen(t)} 元（不含竞赛补助），超过2019年度地方综合贡献 "
            f"{format_fen(m)} 元，{way}；本笔核减 {format_fen(c)} 元"
            for t, m, c in zip(totals.tolist(), limits.tolist(), cuts.tolist(), strict=True)
        ]
        assert a9._limit_notes(totals, limits, cuts, 2019, way) == plain
    assert a9._limit_notes(totals[:0], limits[:0], cuts[:0], 2019, "按比例核减") == []


def test_population_notes_and_steps_as_before(population: Population) -> None:
    """The fast paths meet in a city: 附则3 binds for some enterprises, grades and businesses vary."""
    run = run_batch(population)
    by_rule = {ln.rule_id: ln for ln in run.result.lines}
    a1 = by_rule[P + "a1"]
    e = population.tables["enterprises"]
    assert a1.steps["business"].values.tolist() == [BUSINESS_NAMES[str(v)] for v in e["business"]]
    notes = [
        t for ln in run.result.lines for texts in ln.notes.values() for t in texts if t.startswith("附则3")
    ]
    assert notes
    a3 = by_rule[P + "a3"]
    assert set(a3.steps["rate"].values.tolist()) == {"50%"}


@pytest.mark.parametrize(
    "years",
    [
        [-1, 2019, -1, 2020, 2018, -1],
        [-1, -1],
        [2019, 1, 30_000, -1],  # years far apart: written one by one
        [],
    ],
)
def test_basis_years_worded_for_the_dated_only(years: list[int]) -> None:
    values = np.asarray(years, dtype=np.int64)
    assert a2._years(values).tolist() == [a2._year_text(y) for y in years]


def test_grade_names_set_for_the_graded_only() -> None:
    levels = np.asarray([3, 0, 3, 1, 2, 3, 3], dtype=np.int64)
    assert a2._grade_names(levels).tolist() == [
        a2.GRADE_NAMES[("A", "B", "C", "")[v]] for v in levels.tolist()
    ]
    assert a2._grade_names(levels[:0]).tolist() == []
