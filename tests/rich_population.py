"""A synthetic 76号 population that pays under every distributed rule (tests of Spark and of chunks).

The seeded synthetic population (300 enterprises) plus what the generator leaves out, so that every
distributed rule pays something: securitisations (c5a, c5b), bonds with lead underwriters (c6a, c6b),
bank assessments and leaders (c2), deposit assessments (c9), and prior awards (g3 c–e) on
enterprises' loans and on an underwriter's bond.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]

from duixian import rulebook
from duixian.population.synthetic import generate_76
from duixian.population.write import write_population

ENTITIES, SEED, YEAR = 300, 11, 2020


def rows(table: pa.Table, rows: list[dict[str, Any]]) -> pa.Table:
    return pa.concat_tables([table, pa.Table.from_pylist(rows, schema=table.schema)])


def extra_tables(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    rng = np.random.default_rng(SEED)
    parties = tables["parties"]
    ids, kinds = parties["id"].to_pylist(), parties["kind"].to_pylist()
    enterprises = [i for i, k in zip(ids, kinds, strict=True) if k == "enterprise"]
    banks = [i for i, k in zip(ids, kinds, strict=True) if k == "bank" and i != "B-OUT"]
    out = dict(tables)
    out["parties"] = rows(
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
    out["insurance_policies"] = rows(
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
    out["loss_claims"] = rows(
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


def write(path: Path, tables: dict[str, pa.Table]) -> Path:
    document = rulebook.documents()["wzb-2019-76"]
    return write_population(path, document, YEAR, tables, synthetic=True, seed=SEED, entities=ENTITIES)


def rich_tables() -> dict[str, pa.Table]:
    return extra_tables(generate_76(ENTITIES, SEED, YEAR).tables)


# --- 温浙集（开）管〔2019〕71号 -------------------------------------------------------------------------

DOCUMENT_71, ENTITIES_71, SEED_71 = "wzjk-2019-71", 3000, 5
IPS_PER_AUTHOR = 3


def rich_tables_71() -> dict[str, pa.Table]:
    """The seeded synthetic 71号 population (3000 enterprises) plus IPs of recognised enterprises, so
    that 第五条's 30 awards a year bind (the generator needs ~10^4 enterprises for that), a few of
    them also rewarded by another zone policy (附则1 on a5 lines)."""
    from duixian.population.synthetic import generate_71

    tables = dict(generate_71(ENTITIES_71, SEED_71, YEAR).tables)
    enterprises = tables["enterprises"].to_pylist()
    holders = set(tables["enterprises.annual"]["parent"].to_pylist())  # with yearly figures (附则3)
    authors = [
        e
        for e in enterprises
        if e["id"] in holders
        and e["recognised_on"] is not None
        and e["recognised_on"] <= dt.date(YEAR, 6, 30)
        and e["registered_area"] == e["fiscal_area"] != "区外"
    ] * IPS_PER_AUTHOR
    ips = tables["ip_works"]
    first_rank = max(ips["review_rank"].to_pylist(), default=0) + 1
    ranks = np.random.default_rng(SEED_71).permutation(len(authors))  # not in the authors' order
    added = [
        {
            "id": f"IPX{k:04d}",
            "enterprise": e["id"],
            "kind": "game",
            "original": True,
            "released_on": dt.date(YEAR, 7, 1) + dt.timedelta(days=k % 180),
            "amount_decided": Decimal(50_000 + 1_000 * k),
            "review_rank": first_rank + int(ranks[k]),
        }
        for k, e in enumerate(authors)
    ]
    tables["ip_works"] = rows(ips, added)
    awards = tables["other_zone_awards"]
    tables["other_zone_awards"] = rows(
        awards,
        [
            {
                "enterprise": ip["enterprise"],
                "project": f"ip:{ip['id']}",
                "source": "investment_agreement",
                "amount": Decimal(20_000),
            }
            for ip in added[::9]
        ],
    )
    return tables


def write_71(path: Path, tables: dict[str, pa.Table]) -> Path:
    document = rulebook.documents()[DOCUMENT_71]
    return write_population(path, document, YEAR, tables, synthetic=True, seed=SEED_71, entities=ENTITIES_71)
