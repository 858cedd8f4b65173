"""Spark (local[2]) evaluates a population exactly as the local engine does: line by line, to the fen.

The population is the seeded synthetic one (300 enterprises) plus what the generator leaves out,
so that every distributed rule pays something: securitisations (c5a, c5b), bonds with lead
underwriters (c6a, c6b), bank assessments and leaders (c2), deposit assessments (c9), and prior
awards (g3 c–e) on enterprises' loans and on an underwriter's bond. One Spark session per module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from duixian import rulebook
from duixian.distributed.spark import canonical_order, collect, java_available, run, session
from duixian.errors import InputErrors
from duixian.population import open_population
from duixian.population.batch import run_batch
from duixian.population.synthetic import generate_76
from duixian.population.write import write_population

pytestmark = pytest.mark.skipif(
    not java_available(), reason="Spark needs Java 17+: no java on PATH and no JAVA_HOME"
)

ENTITIES, SEED, YEAR = 300, 11, 2020


def _rows(table: pa.Table, rows: list[dict[str, Any]]) -> pa.Table:
    return pa.concat_tables([table, pa.Table.from_pylist(rows, schema=table.schema)])


def _extra_tables(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    rng = np.random.default_rng(SEED)
    parties = tables["parties"]
    ids, kinds = parties["id"].to_pylist(), parties["kind"].to_pylist()
    enterprises = [i for i, k in zip(ids, kinds, strict=True) if k == "enterprise"]
    banks = [i for i, k in zip(ids, kinds, strict=True) if k == "bank" and i != "B-OUT"]
    out = dict(tables)
    out["parties"] = _rows(
        parties,
        [
            {
                "id": "F0001",
                "name": "合成证券0001",
                "kind": "securities_firm",
                "district": "鹿城区",
                "government_guarantor": False,
                "ownership": "state",
                "legal_form": "company",
                "size_class": "large",
                "registered_capital": Decimal(0),
                "real_estate": False,
                "major_accident_years": [],
                "mass_incident_years": [],
            }
        ],
    )
    day = dt.date(YEAR, 6, 30)
    out["securitisations"] = pa.Table.from_pylist(
        [
            {
                "id": f"S{k:04d}",
                "enterprise": e,
                "issuer": "F0001",
                "interest_paid": Decimal(int(rng.integers(10_000, 3_000_000))) / 100,
                "issuer_fees": Decimal(int(rng.integers(10_000, 500_000))) / 100,
                "paid_on": day,
            }
            for k, e in enumerate(rng.choice(enterprises, 20, replace=False))
        ]
    )
    bonds = [f"D{k:04d}" for k in range(8)]
    out["bond_issues"] = pa.Table.from_pylist(
        [
            {
                "id": b,
                "issuer": str(e),
                "listing_date": dt.date(YEAR, 3 + k, 10),
                "amount": Decimal(int(rng.integers(1, 40)) * 10_000_000),
                "rating_fee": Decimal(int(rng.integers(100_000, 1_500_000))),
            }
            for k, (b, e) in enumerate(zip(bonds, rng.choice(enterprises, 8, replace=False), strict=True))
        ]
    )
    out["bond_issues.lead_underwriters"] = pa.Table.from_pylist(
        [
            {"parent": b, "institution": banks[k % len(banks)], "share": Decimal(60)}
            for k, b in enumerate(bonds)
        ]
        + [{"parent": b, "institution": "F0001", "share": Decimal(40)} for b in bonds]
    )
    out["bank_leaders"] = pa.Table.from_pylist(
        [
            {"id": f"BL{k}", "bank": b, "name": f"合成{k}", "local_contribution": Decimal(50_000 + 1000 * k)}
            for k, b in enumerate(banks)
        ]
    )
    indicators = [
        "first_loan", "average_rate", "ip_pledge", "renewal_without_repayment",
        "credit_loan", "receivables_pledge", "farmer_asset_custody",
    ]  # fmt: skip
    out["bank_assessments"] = pa.Table.from_pylist(
        [
            {"indicator": i, "bank": b, "value": Decimal(int(rng.integers(100, 2000))) / 100}
            for i in indicators
            for b in banks
        ]
    )
    out["deposit_assessments"] = pa.Table.from_pylist(
        [
            {"indicator": i, "bank": b, "amount": Decimal(int(rng.integers(1, 90)) * 1_000_000)}
            for i in ("cdm_fund", "private_tech_renovation", "ip_pledge")
            for b in banks
        ]
    )
    out["insurance_policies"] = _rows(
        tables["insurance_policies"],
        [
            {
                "id": f"IPX{k}",
                "borrower": str(e),
                "insurer": "I0001",
                "premium_rate": Decimal("1.5"),
                "premium_paid": Decimal(3000 + k),
                "paid_on": day,
                "first_time": k == 0,
            }
            for k, e in enumerate(rng.choice(enterprises, 3, replace=False))
        ],
    )
    guarantees = tables["guarantees"].to_pylist()
    for g in guarantees[-3:-1]:
        g["cdm_fund"] = True  # c8e, against c8a/c8b/c8c on the same fee (g3: the highest)
    out["guarantees"] = pa.Table.from_pylist(guarantees, schema=tables["guarantees"].schema)
    claim = {"loan": None, "confirmed_on": day, "court_final_ruling": False, "first_loan": False}
    out["loss_claims"] = _rows(
        tables["loss_claims"],
        [
            claim
            | {
                "id": "KX1",
                "claimant": banks[0],
                "kind": "ip_pledge_loan",
                "counterparty": enterprises[5],
                "principal_loss": Decimal(400_000),
                "small_micro_or_agri": False,
            },
            claim
            | {
                "id": "KX2",
                "claimant": "G0001",
                "kind": "guarantee",
                "counterparty": enterprises[6],
                "principal_loss": Decimal(900_000),
                "small_micro_or_agri": True,
            },
        ],
    )
    loans = tables["loans"]
    picked = rng.choice(loans.num_rows, 40, replace=False)
    sources = ["lower_level", "lower_grade", "other_city_policy"]
    out["prior_awards"] = pa.Table.from_pylist(
        [
            {
                "beneficiary": loans["borrower"][int(r)].as_py(),
                "project": f"loan-interest:{loans['id'][int(r)].as_py()}",
                "level": "county",
                "source": sources[k % 3],
                "amount": Decimal(int(rng.integers(100, 5000))),
                "paid": bool(k % 4),
            }
            for k, r in enumerate(picked)
        ]
        + [
            {
                "beneficiary": banks[0],
                "project": f"bond-underwriting:{bonds[0]}",
                "level": "county",
                "source": "other_city_policy",
                "amount": Decimal(1000),
                "paid": True,
            }
        ]
    )
    return out


def _write(path: Path, tables: dict[str, pa.Table]) -> Path:
    document = rulebook.documents()["wzb-2019-76"]
    return write_population(path, document, YEAR, tables, synthetic=True, seed=SEED, entities=ENTITIES)


@pytest.fixture(scope="module")
def tables() -> dict[str, pa.Table]:
    return _extra_tables(generate_76(ENTITIES, SEED, YEAR).tables)


@pytest.fixture(scope="module")
def population_dir(tmp_path_factory: pytest.TempPathFactory, tables: dict[str, pa.Table]) -> Path:
    return _write(tmp_path_factory.mktemp("spark") / "pop", tables)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    s = session(
        "local[2]", "duixian-tests", {"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "4"}
    )
    yield s
    s.stop()


def test_spark_equals_the_local_engine_line_by_line(spark: Any, population_dir: Path) -> None:
    pop = open_population(population_dir)
    local = canonical_order(run_batch(pop).candidates, pop.document)
    distributed = run(spark, str(population_dir), partitions=3)
    try:
        got = collect(distributed)
    finally:
        distributed.close()
    assert got.schema == local.schema
    assert got.num_rows == local.num_rows > 100
    paid_rules = set(local["rule"].to_pylist())
    formulas = {s.id for s in pop.document.rules.values() if s.formula is not None and s.kind != "condition"}
    # Every money rule the Spark plan distributes pays something here (c2, c5, c6, c9 included)…
    unpaid = {"wzb-2019-76." + r for r in ("c5c", "c7", "c10b", "c10c", "c11")}  # no such rows here
    assert formulas - paid_rules == unpaid
    # … and g3 really deducted prior awards.
    assert any("g3" in r for r in local["reason"].to_pylist())
    assert got.to_pylist() == local.to_pylist()  # every column, readings and reasons included


def test_a_subset_of_rules(spark: Any, population_dir: Path) -> None:
    wanted = ["wzb-2019-76.c1", "wzb-2019-76.c6a"]
    pop = open_population(population_dir)
    local = canonical_order(run_batch(pop, wanted).candidates, pop.document)
    distributed = run(spark, str(population_dir), rule_ids=wanted)
    got = collect(distributed)
    distributed.close()
    assert set(got["rule"].to_pylist()) == set(wanted)
    assert got["amount_fen"].to_pylist() == local["amount_fen"].to_pylist()
    assert got["subject"].to_pylist() == local["subject"].to_pylist()


def test_input_errors_name_the_row_in_the_whole_population(
    spark: Any, tmp_path: Path, tables: dict[str, pa.Table]
) -> None:
    loans = tables["loans"].to_pylist()
    assert loans[200]["borrower"] != loans[3]["borrower"]
    loans[200]["id"] = loans[3]["id"]  # another borrower's loan id: two partitions, one duplicate
    path = _write(
        tmp_path / "dup", tables | {"loans": pa.Table.from_pylist(loans, schema=tables["loans"].schema)}
    )
    with pytest.raises(InputErrors) as local:
        open_population(path)
    with pytest.raises(InputErrors) as spark_error:
        run(spark, str(path))
    duplicate = [e for e in spark_error.value.errors if e.field == "loans[200].id"]
    assert duplicate and "duplicate id" in duplicate[0].reason and "loans[3]" in duplicate[0].reason
    assert "loans[200].id" in [e.field for e in local.value.errors]

    parties = tables["parties"].to_pylist()
    row = len(parties) - 7  # an enterprise near the end: whichever partition has it names its global row
    parties[row]["district"] = "火星"
    bad = tables | {"parties": pa.Table.from_pylist(parties, schema=tables["parties"].schema)}
    path = _write(tmp_path / "district", bad)
    with pytest.raises(InputErrors) as local:
        open_population(path)
    with pytest.raises(InputErrors) as spark_error:
        run(spark, str(path))
    assert [str(e) for e in spark_error.value.errors] == [str(e) for e in local.value.errors]
    assert spark_error.value.errors[0].field == f"parties[{row}].district"


def test_only_parquet_tables(spark: Any, tmp_path: Path, population_dir: Path) -> None:
    path = tmp_path / "csv"
    path.mkdir()
    for file in population_dir.iterdir():
        (path / file.name).write_bytes(file.read_bytes())
    pa_csv.write_csv(pq.read_table(path / "guarantees.parquet"), path / "guarantees.csv")
    with pytest.raises(InputErrors) as error:
        run(spark, str(path))
    assert [e.field for e in error.value.errors] == ["guarantees.csv"]
    assert "Parquet" in error.value.errors[0].reason


def test_cli_spark_batch(spark: Any, tmp_path: Path, population_dir: Path) -> None:
    from typer.testing import CliRunner

    from duixian.cli import app

    out = tmp_path / "candidates"
    result = CliRunner().invoke(
        app, ["spark", "batch", str(population_dir), "--out", str(out), "--partitions", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    local = run_batch(open_population(population_dir)).candidates
    written = pq.read_table(out)
    assert written.num_rows == local.num_rows
    assert sum(written["amount_fen"].to_pylist()) == sum(local["amount_fen"].to_pylist())
    assert f'"candidates": {local.num_rows}' in result.output
