"""The Spark partition plan and the per-partition function, without a JVM.

The partition function is plain Arrow in, Arrow out: fed every row of a population as one task
(here without Spark), it must give exactly the local engine's candidates.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pytest

from duixian import rulebook
from duixian.distributed.partition import (
    INSTITUTION_KEY,
    KEY,
    ROW,
    SIDE,
    SPARK_OUTPUT_SCHEMA,
    TABLE,
    Job,
    evaluate_partition,
    global_field,
    wide_name,
)
from duixian.distributed.plan import ENTERPRISE, INSTITUTION, WZB_2019_76, WZJK_2019_71, plan_for
from duixian.population import open_population
from duixian.population.batch import PLAIN_SCHEMA, run_batch
from duixian.population.load import read_arrow_tables
from duixian.population.schema import population_schema
from duixian.population.synthetic import generate

DOC = rulebook.documents()["wzb-2019-76"]
DOC_71 = rulebook.documents()["wzjk-2019-71"]


def test_every_rule_and_table_has_a_place() -> None:
    assert WZB_2019_76.problems(DOC) == []
    assert plan_for(DOC) is WZB_2019_76
    population_rules = {s.id for s in DOC.rules.values() if s.population}
    assert population_rules <= WZB_2019_76.institution_rules  # c2, c9 rank every bank: one task


def test_a_plan_missing_a_rule_is_refused() -> None:
    import dataclasses

    partial = dataclasses.replace(
        WZB_2019_76, enterprise_rules=WZB_2019_76.enterprise_rules - {"wzb-2019-76.c1"}
    )
    assert partial.problems(DOC) == ["rule wzb-2019-76.c1 on no side"]


def test_error_fields_are_renamed_to_population_rows() -> None:
    positions = {"loans": np.array([4, 90, 1234]), "parties": np.array([7, 8])}
    assert global_field("loans[2].principal", positions) == "loans[1234].principal"
    assert global_field("parties[1].qualifications[0].kind", positions) == "parties[8].qualifications[0].kind"
    assert global_field("loans.principal", positions) == "loans.principal"
    assert global_field("population", positions) == "population"


@pytest.fixture(scope="module")
def population_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate("wzb-2019-76", 200, 5, 2020, tmp_path_factory.mktemp("wide") / "p")


def _one_task(path: Path, key_of: Callable[[str, pa.Table], Any], side: str) -> tuple[pa.Table, Any, Any]:
    """Every row of the population in one task's wide table (keyed by ``key_of``, on ``side``)."""
    pop = open_population(path)
    raw = read_arrow_tables(path, pop.document)
    assert pop.document.case_model is not None
    specs = population_schema(pop.document.case_model).tables
    pieces = []
    for index, (name, table) in enumerate(raw.items()):
        n = table.num_rows
        if not n:
            continue
        columns = {
            TABLE: pa.array([name] * n, pa.string()),
            ROW: pa.array(np.arange(n), pa.int64()),
            KEY: key_of(name, table),
            SIDE: pa.array([side] * n, pa.string()),
        }
        columns |= {wide_name(index, c): table[c] for c in specs[name].columns}
        pieces.append(pa.table(columns))
    present = {name: tuple(specs[name].columns) for name in raw}
    return pa.concat_tables(pieces, promote_options="default"), pop, present


def _evaluated(rows: pa.Table, job: Job, seed: int, batch_rows: int) -> pa.Table:
    """The task's rows in any order, in batches, through ``evaluate_partition``."""
    shuffled = rows.take(pa.array(np.random.default_rng(seed).permutation(rows.num_rows)))
    return pa.Table.from_batches(
        list(evaluate_partition(shuffled.to_batches(max_chunksize=batch_rows), job, rows.slice(0, 0))),
        schema=SPARK_OUTPUT_SCHEMA,  # plain texts: Spark's Arrow takes no dictionary
    )


def test_one_task_over_everything_equals_the_local_engine(population_dir: Path) -> None:
    rows, pop, present = _one_task(
        population_dir,
        lambda _, table: pa.array([INSTITUTION_KEY] * table.num_rows, pa.string()),
        INSTITUTION,
    )
    all_rules = tuple(s.id for s in DOC.rules.values() if s.formula is not None)
    job = Job(meta=pop.meta.model_dump(mode="json"), rule_ids={INSTITUTION: all_rules}, present=present)
    out = _evaluated(rows, job, seed=0, batch_rows=500)
    local = run_batch(pop).candidates
    assert out.num_rows == local.num_rows > 20
    assert out.select(local.column_names).cast(PLAIN_SCHEMA).equals(local.cast(PLAIN_SCHEMA))


def test_71_every_rule_and_table_has_a_place() -> None:
    assert WZJK_2019_71.problems(DOC_71) == []
    assert plan_for(DOC_71) is WZJK_2019_71
    ranking = [s for s in DOC_71.rules.values() if s.population]
    assert [s.id for s in ranking] == ["wzjk-2019-71.a5"]  # 30 IPs a year out of all put forward
    assert all(
        s.id in WZJK_2019_71.enterprise_rules and s.lines_from in WZJK_2019_71.ranked_tables for s in ranking
    )


def test_a_ranking_split_between_tasks_is_refused() -> None:
    import dataclasses

    unpooled = dataclasses.replace(WZJK_2019_71, ranked_tables=frozenset())
    assert unpooled.problems(DOC_71) == [
        "population rule wzjk-2019-71.a5 ranks ip_works, which no one task reads whole"
    ]
    scattered = dataclasses.replace(
        WZB_2019_76,
        enterprise_rules=WZB_2019_76.enterprise_rules | {"wzb-2019-76.c9"},
        institution_rules=WZB_2019_76.institution_rules - {"wzb-2019-76.c9"},
    )
    assert scattered.problems(DOC) == [
        "population rule wzb-2019-76.c9 ranks deposit_assessments, which no one task reads whole"
    ]


def test_71_one_enterprise_side_task_equals_the_local_engine(tmp_path: Path) -> None:
    """Every row keyed by its enterprise, as the plan says, in one enterprise-side task (a5's quota and
    附则3's limit see everything); every line pays an enterprise its rows were keyed by."""
    path = generate("wzjk-2019-71", 2000, 5, 2020, tmp_path / "p")
    rows, pop, present = _one_task(
        # (text, as Spark's plan casts it: the loader may read a key column of few values encoded)
        path,
        lambda name, table: table[WZJK_2019_71.enterprise_keys[name]].cast(pa.string()),
        ENTERPRISE,
    )
    job = Job(
        meta=pop.meta.model_dump(mode="json"),
        rule_ids={ENTERPRISE: tuple(sorted(WZJK_2019_71.enterprise_rules)), INSTITUTION: ()},
        present=present,
    )
    out = _evaluated(rows, job, seed=1, batch_rows=700)
    local = run_batch(pop).candidates
    assert out.num_rows == local.num_rows > 100
    assert out.select(local.column_names).cast(PLAIN_SCHEMA).equals(local.cast(PLAIN_SCHEMA))
