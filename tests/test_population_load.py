"""The population loader: the same tables as a case, and the same refusals, naming the field."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
import yaml

from duixian import rulebook
from duixian.engine.case import read_document
from duixian.engine.evaluate import case_tables
from duixian.engine.identifiers import check_uscc, with_check_character
from duixian.errors import InputError, InputErrors
from duixian.population.checks import invalid_uscc, uscc_check_characters
from duixian.population.load import open_population, tables_equal
from duixian.population.write import case_to_arrow, convert_population, write_population

EXAMPLES = Path(__file__).parents[1] / "examples"
# wztg-2019-5 zones: a validator turns a file path or GeoJSON mapping into text, and the text it
# stores is not valid input to it again; a population must hold what a case would write.
NOT_ROUND_TRIPPED = {"wztg-2019-5"}


def _cases() -> list[Any]:
    docs = rulebook.documents()
    params = []
    for doc in docs.values():
        if doc.id in NOT_ROUND_TRIPPED:
            continue
        for path in doc.test_files:
            for i, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
                if "expect_error" not in entry:
                    params.append(pytest.param(doc.id, entry["case"], id=f"{doc.id}/{path.stem}[{i}]"))
    for path in sorted(
        p for p in EXAMPLES.glob("*/*.yaml") if p.parent.name != "reforms"
    ):  # reforms are not cases
        data = dict(read_document(path))
        doc_id = data.pop("document")
        if doc_id not in NOT_ROUND_TRIPPED:
            params.append(pytest.param(doc_id, data, id=f"examples/{path.parent.name}/{path.name}"))
    return params


def _write(tmp: Path, document_id: str, data: dict[str, Any]) -> Path:
    doc = rulebook.documents()[document_id]
    case, arrow = case_to_arrow(doc, data)
    case_fields = {k: v for k, v in data.items() if k not in set(arrow) | {"year", "readings"}}
    return write_population(
        tmp, doc, case.year, arrow, synthetic=False, readings=case.readings, case=case_fields
    )


@pytest.mark.parametrize(("document", "data"), _cases())
def test_round_trip_gives_the_tables_of_the_case(tmp_path: Path, document: str, data: dict[str, Any]) -> None:
    _, expected = case_tables(rulebook.documents()[document], data)
    loaded = open_population(_write(tmp_path, document, data)).tables
    assert tables_equal(expected, loaded) == []


def test_csv_and_arrow_files_load_like_parquet(tmp_path: Path) -> None:
    data = dict(read_document(EXAMPLES / "wzb-2019-76" / "c1-loan-subsidy.yaml"))
    data.pop("document")
    path = _write(tmp_path / "p", "wzb-2019-76", data)
    parquet = open_population(path).tables
    for file in path.glob("*.parquet"):
        table = pq.read_table(file)
        if file.stem == "parties":  # CSV: every column text, a list "2019;2020"
            text = {
                c: pa.array(
                    [
                        ";".join(map(str, v))
                        if isinstance(v, list)
                        else (None if v is None else str(v).lower() if isinstance(v, bool) else str(v))
                        for v in table.column(c).to_pylist()
                    ],
                    pa.string(),
                )
                for c in table.column_names
            }
            pa_csv.write_csv(pa.table(text), file.with_suffix(".csv"))
        else:
            pa.feather.write_feather(table, file.with_suffix(".arrow"))
        file.unlink()
    assert tables_equal(parquet, open_population(path).tables) == []
    # and converted back (CSV text typed as the loader types it), the same tables again
    converted = convert_population(path, tmp_path / "converted", "parquet")
    assert tables_equal(parquet, open_population(converted).tables) == []


def test_an_uncompressed_arrow_file_is_read_in_place_not_copied(tmp_path: Path) -> None:
    """Its columns are the mapped file's pages: reading allocates nothing the size of the table."""
    from duixian.population.load import read_arrow_tables
    from duixian.population.memory import reuse_freed_memory
    from duixian.population.synthetic import generate

    reuse_freed_memory()  # the loader's memory pool, whose allocations are counted below
    path = generate("wzb-2019-76", 3000, 1, 2020, tmp_path / "p", "arrow")
    document = rulebook.documents()["wzb-2019-76"]
    before = pa.total_allocated_bytes()
    tables = read_arrow_tables(path, document)
    size = sum(t.nbytes for t in tables.values())
    assert size > 5 * 10**5
    assert pa.total_allocated_bytes() - before < size / 100
    parquet = generate("wzb-2019-76", 3000, 1, 2020, tmp_path / "q")
    assert tables_equal(open_population(parquet).tables, open_population(path).tables) == []


# --- refusals -------------------------------------------------------------------------------------

BASE = {
    "year": 2020,
    "parties": [
        {"id": "E1", "size_class": "micro", "uscc": with_check_character("91330302MA2AB1234"),
         "qualifications": [{"kind": "high_growth", "valid_from": "2020-01-01", "valid_to": "2020-12-31"}]},
        {"id": "B1", "kind": "bank"},
    ],
    "loans": [
        {"id": "L1", "borrower": "E1", "lender": "B1", "principal": "1000000", "start_date": "2020-01-01",
         "end_date": "2021-01-01"},
        {"id": "L2", "borrower": "E1", "lender": "B1", "principal": "2000000", "start_date": "2020-03-01",
         "end_date": "2021-03-01"},
    ],
    "guarantees": [
        {"id": "G1", "borrower": "E1", "guarantor": "B1", "fee_rate": "1", "fee_paid": "100",
         "paid_on": "2020-05-01"},
    ],
}  # fmt: skip


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return _write(tmp_path / "good", "wzb-2019-76", BASE)


def _edit(path: Path, table: str, change: Any) -> None:
    file = path / f"{table}.parquet"
    pq.write_table(change(pq.read_table(file)), file)


def _set(column: str, values: list[Any], type_: pa.DataType | None = None) -> Any:
    def change(t: pa.Table) -> pa.Table:
        array = pa.array(values, type=type_ or t.schema.field(column).type)
        if column in t.column_names:
            return t.set_column(t.column_names.index(column), column, array)
        return t.append_column(column, array)

    return change


def _fields(path: Path) -> list[str]:
    with pytest.raises((InputError, InputErrors)) as caught:
        open_population(path)
    return [e.field for e in getattr(caught.value, "errors", [caught.value])]


def test_the_good_population_loads(good: Path) -> None:
    assert len(open_population(good).tables["loans"]) == 2


@pytest.mark.parametrize(
    ("table", "change", "field"),
    [
        ("loans", _set("principal", [Decimal("-1.00"), Decimal("1.00")]), "loans[0].principal"),
        (
            "loans",
            _set("principal", [Decimal("1.005"), Decimal("1")], pa.decimal128(16, 3)),
            "loans[0].principal",
        ),
        ("loans", _set("lender", ["B1", None]), "loans[1].lender"),
        ("loans", _set("end_date", [dt.date.fromisoformat("2019-12-31"), None]), "loans[0].end_date"),
        ("loans", _set("colour", ["red", "blue"], pa.string()), "loans.colour"),
        ("loans", lambda t: t.drop_columns(["borrower"]), "loans.borrower"),
        ("loans", _set("borrower", [1, 2], pa.int64()), "loans.borrower"),
        ("loans", _set("lender", ["B1", "B9"]), "loans[1].lender"),
        ("parties", _set("kind", ["enterprise", "castle"]), "parties[1].kind"),
        ("parties", _set("uscc", ["91330302MA2AB12340", None]), "parties[0].uscc"),
        ("parties.qualifications", _set("parent", ["E9"]), "parties.qualifications[0].parent"),
        (
            "parties.qualifications",
            _set("valid_to", [dt.date.fromisoformat("2019-01-01")]),
            "parties[0].qualifications[0].valid_to",
        ),
        ("guarantees", _set("fee_rate", [Decimal("101")]), "guarantees[0].fee_rate"),
        ("guarantees", _set("paid_on", [dt.date.fromisoformat("2021-01-01")]), "guarantees[0].paid_on"),
    ],
)
def test_refusals_name_the_field(good: Path, table: str, change: Any, field: str) -> None:
    _edit(good, table, change)
    assert field in _fields(good)


def test_unknown_table_and_bad_meta(good: Path) -> None:
    shutil.copy(good / "loans.parquet", good / "lones.parquet")
    assert _fields(good) == ["lones.parquet"]
    (good / "lones.parquet").unlink()
    meta = yaml.safe_load((good / "population.yaml").read_text(encoding="utf-8"))
    (good / "population.yaml").write_text(yaml.safe_dump(meta | {"synthetic": "maybe"}), encoding="utf-8")
    assert _fields(good) == ["population.yaml.synthetic"]
    (good / "population.yaml").write_text(yaml.safe_dump(meta | {"readings": {"x.y": "z"}}), encoding="utf-8")
    assert _fields(good) == ["population.yaml.readings.x.y"]


def test_many_errors_are_counted_and_the_first_shown(good: Path) -> None:
    n = 1000
    _edit(good, "loans", lambda t: pa.concat_tables([t] * (n // 2)))
    _edit(good, "loans", _set("principal", [Decimal("-1")] * n))
    _edit(good, "loans", _set("id", [f"L{i}" for i in range(n)]))
    with pytest.raises(InputErrors) as caught:
        open_population(good)
    errors = caught.value.errors
    assert len(errors) == 21 and errors[0].field == "loans[0].principal"
    assert errors[-1].reason.startswith(f"共 {n} 处错误")


def test_vectorised_uscc_check_agrees_with_check_uscc() -> None:
    rng = np.random.default_rng(1)
    alphabet = np.asarray(list("0123456789ABCDEFGHJKLMNPQRTUWXYZIOSV "), dtype=object)
    codes = ["".join(rng.choice(alphabet, 18)) for _ in range(3000)]
    bodies = [
        "9" + str(rng.integers(1, 4)) + "330302" + "".join(rng.choice(alphabet[:31], 9)) for _ in range(3000)
    ]
    codes += [b + with_check_character(b)[-1] for b in bodies]
    codes += [b + "0" for b in bodies] + ["91330302MA2AB1234", "913303026398025328"]
    expected = []
    for code in codes:
        try:
            check_uscc(code)
            expected.append(False)
        except ValueError:
            expected.append(True)
    assert invalid_uscc(np.asarray(codes, dtype=object)).tolist() == expected
    assert list(uscc_check_characters(np.asarray(bodies, dtype=object))) == [
        with_check_character(b)[-1] for b in bodies
    ]
