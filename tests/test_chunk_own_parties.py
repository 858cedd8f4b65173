"""A chunk's lines pay its own parties: the check by the party rows the engine found for the lines'
beneficiaries (``_pays_own_parties``) says what the check by the beneficiaries' text (``_check_keys``)
says, and a line paid to a party not of the chunk is still refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pytest

from chunk_scratch import split
from duixian import rulebook
from duixian.distributed import chunks, partition
from duixian.distributed.chunks import SCRATCH, _columns, _Cut, evaluate_chunk
from duixian.distributed.partition import Job, OwnParties, _check_keys, _pays_own_parties
from duixian.distributed.plan import ENTERPRISE, INSTITUTION, plan_for
from duixian.population.load import read_meta
from duixian.population.schema import population_schema
from rich_population import rich_tables, rich_tables_71, write, write_71


def _scratch(path: Path, chunk: int, scratch: Path) -> tuple[Job, _Cut]:
    """The population cut into chunks in ``scratch``, and the job its tasks are given (as ``run_chunked``)."""
    cut, plan, files = split(path, chunk, scratch)
    meta = read_meta(path)
    case_model = rulebook.documents()[meta.document].case_model
    assert case_model is not None
    job = Job(
        meta=meta.model_dump(mode="json"),
        rule_ids={side: tuple(sorted(plan.rules(side))) for side in (ENTERPRISE, INSTITUTION)},
        present={name: tuple(_columns(files.get(name))) for name in population_schema(case_model).tables},
    )
    return job, cut


@pytest.fixture(scope="module", params=["wzb-2019-76", "wzjk-2019-71"])
def cut_population(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Job, _Cut, Path]:
    base = tmp_path_factory.mktemp("own")
    path = (
        write(base / "pop", rich_tables())
        if request.param == "wzb-2019-76"
        else write_71(base / "pop", rich_tables_71())
    )
    job, cut = _scratch(path, 70 if request.param == "wzb-2019-76" else 700, base / "scratch")
    return job, cut, base / "scratch"


def _seen(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What each evaluated chunk's check is given: its result, party table, own parties, candidates."""
    seen: list[dict[str, Any]] = []
    candidate_table = partition.candidate_table
    pays = partition._pays_own_parties

    def keep_candidates(population: Any, result: Any) -> pa.Table:
        candidates = candidate_table(population, result)
        seen.append({"candidates": candidates})
        return candidates

    def keep_check(result: Any, parties: Any, own: np.ndarray) -> bool:
        seen[-1] |= {"result": result, "parties": parties, "own": own}
        return pays(result, parties, own)

    monkeypatch.setattr(partition, "candidate_table", keep_candidates)
    monkeypatch.setattr(partition, "_pays_own_parties", keep_check)
    return seen


def _plain(candidates: pa.Table, ids: pa.ChunkedArray, own: np.ndarray) -> bool:
    try:
        _check_keys(candidates, ids.filter(own))
    except RuntimeError:
        return False
    return True


def test_the_rows_check_says_what_the_text_check_says(
    cut_population: tuple[Job, _Cut, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every chunk, with its own parties as they are, less one paid party, less one unpaid one, and a
    random half: the rows check passes exactly where the text check does (never where it refuses)."""
    job, cut, scratch = cut_population
    party = plan_for(job.document).party_table
    seen = _seen(monkeypatch)
    random = np.random.default_rng(3)
    verdicts = []
    for number in range(cut.chunks):
        evaluate_chunk(job, ENTERPRISE, number, scratch)
        checked = seen[-1]
        assert "own" in checked, number  # every chunk's lines checked by rows first
        ids = chunks.read_scratch(scratch / f"chunk-{number}.{party}{SCRATCH}")["id"]
        own = checked["own"]
        paid = set(checked["candidates"]["beneficiary"].to_pylist())
        is_paid = np.array([i in paid for i in ids.to_pylist()], dtype=bool)
        masks = [own, random.random(len(own)) < 0.5]
        for chosen in (own & is_paid, own & ~is_paid):
            if chosen.any():
                less = own.copy()
                less[np.flatnonzero(chosen)[0]] = False
                masks.append(less)
        for mask in masks:
            fast = _pays_own_parties(checked["result"], checked["parties"], mask)
            assert fast == _plain(checked["candidates"], ids, mask), number
            verdicts.append(fast)
    assert True in verdicts and False in verdicts


def test_a_line_paid_to_a_party_not_of_its_chunk_is_refused(
    cut_population: tuple[Job, _Cut, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paid enterprise taken for a shared party (as a wrong plan would leave it): the chunk refuses."""
    job, _, scratch = cut_population
    party = plan_for(job.document).party_table
    paid = evaluate_chunk(job, ENTERPRISE, 0, scratch)["beneficiary"].to_pylist()
    assert paid
    ids = chunks.read_scratch(scratch / f"chunk-0.{party}{SCRATCH}")["id"].to_pylist()
    own_parties = chunks._own_parties

    def without_the_first_paid(table: str, rows: np.ndarray, shared: Path) -> OwnParties | None:
        found = own_parties(table, rows, shared)
        assert found is not None
        own = found.own.copy()
        own[ids.index(paid[0])] = False
        return OwnParties(table, own)

    monkeypatch.setattr(chunks, "_own_parties", without_the_first_paid)
    with pytest.raises(RuntimeError, match=f"paid to '{paid[0]}'"):
        evaluate_chunk(job, ENTERPRISE, 0, scratch)


def test_a_party_table_of_other_length_is_left_to_the_text_check(
    cut_population: tuple[Job, _Cut, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    job, _, scratch = cut_population
    seen = _seen(monkeypatch)
    evaluate_chunk(job, ENTERPRISE, 0, scratch)
    checked = seen[-1]
    assert _pays_own_parties(checked["result"], checked["parties"], checked["own"])
    assert not _pays_own_parties(checked["result"], checked["parties"], checked["own"][:-1])
