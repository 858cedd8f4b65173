"""76号's fast paths give what the plain computations give: facts per party gathered per row, labels
worded per party named, day tables for calendar arithmetic, qualifications searched for holders only,
the ids of guarantors and loss counterparties looked up as they were found when checked."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import numpy as np
import pytest

from duixian import rulebook
from duixian.engine.evaluate import case_tables
from duixian.engine.parameters import _latest_start
from duixian.engine.rules import Context
from duixian.engine.tables import gather, index_of
from duixian.rulebook.wzb_2019_76.document import DOC
from duixian.rulebook.wzb_2019_76.rules import _claims, _guarantors, _parties, c1, g1
from duixian.rulebook.wzb_2019_76.rules.g4 import (
    FORM_NAMES,
    SECTOR_NAMES,
    SIZE_NAMES,
    UNCLASSIFIED,
    size_classes,
    size_labels,
    size_labels_at,
    sizes_at,
)

KINDS = ("national_high_tech", "high_growth", "leading", "provincial_tech_sme")


def _context(data: dict[str, Any], readings: dict[str, str] | None = None) -> Context:
    """A 2019 76号 case's tables in an evaluation context (the readings chosen, or the defaults)."""
    _, tables = case_tables(DOC, {"year": 2019, **data})
    return Context(
        year=2019,
        tables=tables,
        params=rulebook.parameters(),
        readings=rulebook.register().choose(readings or {}),
    )


def _random_case(seed: int, party_count: int = 60) -> dict[str, Any]:
    rng = random.Random(seed)
    day = dt.date(2017, 1, 1)
    parties: list[dict[str, Any]] = []
    for i in range(party_count):
        quals = []
        for _ in range(rng.choice((0, 0, 1, 2, 4))):
            start = day + dt.timedelta(days=rng.randrange(0, 1400))
            quals.append(
                {
                    "kind": rng.choice(KINDS),
                    "valid_from": str(start),
                    "valid_to": str(start + dt.timedelta(days=rng.randrange(0, 500))),
                }
            )
        parties.append(
            {
                "id": f"P{i}",
                "kind": rng.choice(("enterprise", "enterprise", "bank", "guarantor")),
                "legal_form": rng.choice(("company", "company", "individual_business", "small_micro_owner")),
                "size_class": rng.choice((None, "micro", "small", "medium", "large")),
                "industry": rng.choice((None, "industry", "retail")),
                "employees": rng.randrange(1, 400),
                "revenue": str(rng.randrange(0, 10**6)),
                "qualifications": quals,
            }
        )
    loans = []
    for i in range(200):
        start = day + dt.timedelta(days=rng.randrange(0, 1000))
        loans.append(
            {
                "id": f"L{i}",
                "borrower": f"P{rng.randrange(60)}",
                "lender": f"P{rng.randrange(60)}",
                "principal": "1000.00",
                "start_date": str(start),
                "end_date": str(start + dt.timedelta(days=rng.randrange(1, 3000))),
            }
        )
    return {"parties": parties, "loans": loans}


def _qualified_plainly(ctx: Context, kinds: tuple[str, ...], ids: np.ndarray, lo: Any, hi: Any) -> list[bool]:
    q = ctx.table("parties.qualifications")
    owner = ctx.table("parties")["id"][q["parent_row"]]
    out = []
    for i, party in enumerate(ids):
        first = lo[i] if lo is not None else np.datetime64(ctx.year_start)
        last = hi[i] if hi is not None else np.datetime64(ctx.year_end)
        out.append(
            any(
                owner[r] == party
                and q["kind"][r] in kinds
                and q["valid_from"][r] <= last
                and q["valid_to"][r] >= first
                for r in range(len(owner))
            )
        )
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_qualified_searches_holders_only_with_the_same_answer(seed: int) -> None:
    ctx = _context(_random_case(seed))
    loans = ctx.table("loans")
    ids = np.concatenate([loans["borrower"], np.asarray(["nobody"], dtype=object)])
    first = np.concatenate([loans["start_date"], np.asarray(["2019-01-01"], dtype="datetime64[D]")])
    last = np.concatenate([loans["end_date"], np.asarray(["2019-12-31"], dtype="datetime64[D]")])
    for kinds in (_parties.TECH_AND_GROWTH, _parties.GROWTH_OR_LEADING):
        got = _parties.qualified(ctx, kinds, ids, first, last).tolist()
        assert got == _qualified_plainly(ctx, kinds, ids, first, last)
        assert _parties.qualified(ctx, kinds, ids).tolist() == _qualified_plainly(ctx, kinds, ids, None, None)
    assert _parties.qualified(ctx, KINDS, ids[:0]).tolist() == []


@pytest.mark.parametrize("party_count", [60, 1200])  # a case's few rows, and a table compared by words
def test_size_labels_by_the_registry_words_equal_the_plain_wording(party_count: int) -> None:
    ctx = _context(_random_case(5, party_count))
    p = ctx.table("parties")
    classes = size_classes(ctx)
    plain, small = [], []
    for i in range(len(p)):
        form, registered, size = p["legal_form"][i], p["size_class"][i], classes[i]
        if form in FORM_NAMES:
            plain.append(f"{FORM_NAMES[form]}（附则4：属小微企业）")
        elif registered in SIZE_NAMES:
            plain.append(f"{SIZE_NAMES[registered]}企业（登记的划型结果）")
        elif size in SIZE_NAMES:
            sector = SECTOR_NAMES[p["industry"][i]]
            plain.append(f"{SIZE_NAMES[size]}企业（按工信部联企业〔2011〕300号第四条划型：{sector}）")
        else:
            plain.append(UNCLASSIFIED)
        small.append(form in FORM_NAMES or size in ("small", "micro"))
    assert len(set(plain)) >= 8  # every kind of wording is met: registered, classified, forms, none
    rows = np.asarray([3, -1, 0, len(p) - 1, 3], dtype=np.intp)
    labels, small_micro = sizes_at(ctx, rows)
    assert labels.tolist() == [plain[r] if r >= 0 else "" for r in rows]
    assert small_micro.tolist() == [small[r] if r >= 0 else False for r in rows]
    assert size_labels(ctx).tolist() == plain
    assert sizes_at(ctx, np.arange(len(p)))[1].tolist() == small


def test_party_facts_gathered_per_row_equal_the_plain_lookups() -> None:
    ctx = _context(_random_case(4))
    p = ctx.table("parties")
    ids = np.asarray(["P3", "nobody", "P0", "P59", ""], dtype=object)
    rows = index_of(ids, p["id"])
    assert _parties.is_kind(ctx, ids, "bank").tolist() == (gather(p["kind"], rows, "") == "bank").tolist()
    sizes = np.asarray(["small", "micro"], dtype=object)
    forms = np.asarray(["individual_business", "small_micro_owner"], dtype=object)
    per_party = np.isin(size_classes(ctx), sizes) | np.isin(p["legal_form"], forms)
    assert _parties.small_micro(ctx, ids).tolist() == gather(per_party, rows, False).tolist()
    labels = size_labels(ctx)
    assert size_labels_at(ctx, rows).tolist() == gather(labels, rows, "").tolist()
    assert size_labels_at(ctx, np.arange(len(p))).tolist() == labels.tolist()
    for values, missing in ((p["kind"], ""), (p["employees"], -1), (p["real_estate"], False), (p["kind"], 0)):
        for found in (rows, np.arange(len(p))[::-1]):
            plain = gather(values, found, missing)
            fast = _parties.take(values, found, missing)
            assert fast.dtype == plain.dtype and fast.tolist() == plain.tolist()
    options = ("bank", "guarantor", "insurer")
    assert p.isin("kind", options).tolist() == np.isin(p["kind"], options).tolist()


def test_years_listed_per_party() -> None:
    years = np.empty(5, dtype=object)
    years[:] = [(), (2018,), (2019, 2020), [], [2019]]
    assert g1._year_listed(years, 2019).tolist() == [2019 in y for y in years]
    assert g1._year_listed(years[:0], 2019).tolist() == []


def test_adding_years_by_day_table_equals_calendar_arithmetic() -> None:
    rng = np.random.default_rng(0)
    dates = (np.datetime64("2015-01-01") + rng.integers(0, 3000, 5000)).astype("datetime64[D]")
    dates[:3] = np.asarray(["2016-02-29", "2020-02-29", "2019-12-31"], dtype="datetime64[D]")
    shifted = c1._add_years(dates, 5)  # a day table: fewer distinct days than rows
    assert (shifted == c1._shift_years(dates, 5)).all()
    assert shifted[:3].astype(str).tolist() == ["2021-02-28", "2025-02-28", "2024-12-31"]
    few = np.asarray(["2016-02-29", "NaT"], dtype="datetime64[D]")  # the direct path
    assert c1._add_years(few, 5).astype(str).tolist() == ["2021-02-28", "NaT"]


def test_latest_start_by_day_table_equals_searchsorted() -> None:
    starts = np.asarray(["2019-01-01", "2019-08-20", "2020-04-20"], dtype="datetime64[D]")
    rng = np.random.default_rng(1)
    days = (np.datetime64("2018-06-01") + rng.integers(0, 900, 4000)).astype("datetime64[D]")
    expected = np.searchsorted(starts, days, side="right") - 1
    assert (_latest_start(starts, days) == expected).all()  # by day table
    some = days[:3]
    assert (_latest_start(starts, some) == expected[:3]).all()  # searched
    assert _latest_start(starts, days[:0]).tolist() == []


def test_remembered_rows_of_guarantors_and_counterparties_are_their_rows() -> None:
    ctx = _context(
        {
            "parties": [
                {"id": "E1"},
                {"id": "G1", "kind": "guarantor"},
                {"id": "B1", "kind": "bank"},
                {"id": "E2"},
            ],
            "loans": [
                {
                    "id": "L1",
                    "borrower": "E2",
                    "lender": "B1",
                    "principal": "100.00",
                    "start_date": "2019-01-01",
                    "end_date": "2020-01-01",
                }
            ],
            "guarantor_months": [
                {"guarantor": "G1", "month": "2019-01", "clients": 1, "balance": "1.00"},
                {"guarantor": "B1", "month": "2019-02", "clients": 1, "balance": "1.00"},
                {"guarantor": "G1", "month": "2018-12", "clients": 1, "balance": "1.00"},
            ],
            "loss_claims": [
                {
                    "id": "C1",
                    "claimant": "B1",
                    "kind": "ip_pledge_loan",
                    "loan": "L1",
                    "principal_loss": "5.00",
                    "confirmed_on": "2019-05-01",
                },
                {
                    "id": "C2",
                    "claimant": "B1",
                    "kind": "ip_pledge_loan",
                    "counterparty": "E1",
                    "principal_loss": "5.00",
                    "confirmed_on": "2019-05-01",
                },
                {
                    "id": "C3",
                    "claimant": "B1",
                    "kind": "ip_pledge_loan",
                    "principal_loss": "5.00",
                    "confirmed_on": "2019-05-01",
                },
            ],
        }
    )
    parties = ctx.table("parties")
    years = _guarantors.guarantor_years(ctx)
    assert _guarantors.guarantor_years(ctx) is years  # once per evaluation
    assert parties.rows_of(years.ids).tolist() == index_of(years.ids, parties["id"]).tolist() == [2, 1]
    other = _claims.counterparty(ctx)
    assert other.tolist() == ["E2", "E1", ""]
    assert parties.rows_of(other).tolist() == index_of(other, parties["id"]).tolist() == [3, 0, -1]
