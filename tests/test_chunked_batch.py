"""Chunked batch (memory bounded by the chunk) equals the whole population evaluated at once, line by
line, every column; errors name rows by their position in the whole population, as the loader does."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from typer.testing import CliRunner

from chunk_scratch import split
from duixian.cli import app
from duixian.distributed import chunks
from duixian.distributed.chunks import (
    SCRATCH,
    _by_chunk,
    _Cut,
    _filter_file,
    _ids_at,
    _own_parties,
    _table_files,
    _text_hash,
    _unscaled_decimals,
    paid_on_both_sides,
    read_scratch,
    run_chunked,
)
from duixian.distributed.partition import _check_keys
from duixian.distributed.plan import plan_for
from duixian.errors import InputError, InputErrors
from duixian.population import open_population
from duixian.population.batch import canonical_order, run_batch
from duixian.population.schema import population_schema
from rich_population import ENTITIES_71, rich_tables, rich_tables_71, write, write_71


@pytest.fixture(scope="module")
def tables() -> dict[str, pa.Table]:
    return rich_tables()


@pytest.fixture(scope="module")
def population_dir(tmp_path_factory: pytest.TempPathFactory, tables: dict[str, pa.Table]) -> Path:
    return write(tmp_path_factory.mktemp("chunks") / "pop", tables)


@pytest.fixture(scope="module")
def whole(population_dir: Path) -> pa.Table:
    pop = open_population(population_dir)
    return canonical_order(run_batch(pop).candidates, pop.document)


@pytest.mark.parametrize(("chunk", "workers"), [(70, 1), (1000, 1), (45, 2)])
def test_chunks_equal_the_whole_population(
    population_dir: Path, whole: pa.Table, tmp_path: Path, chunk: int, workers: int
) -> None:
    out = tmp_path / "candidates.parquet"
    run = run_chunked(population_dir, out, chunk_entities=chunk, workers=workers)
    got = pq.read_table(out)
    document = open_population(population_dir).document
    assert run.chunks == -(-300 // chunk)  # the 300 enterprises, in chunks of at most `chunk`
    assert run.candidates == got.num_rows == whole.num_rows > 100
    assert any("g3" in r for r in whole["reason"].to_pylist())  # prior awards were deducted
    assert canonical_order(got, document).to_pylist() == whole.to_pylist()
    assert got.schema.remove_metadata() == whole.schema.remove_metadata()  # non-null as batch's
    assert got.schema.metadata[b"document"] == b"wzb-2019-76"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("duixian-chunks-")]  # scratch removed


def test_a_subset_of_rules(population_dir: Path, tmp_path: Path) -> None:
    wanted = ["wzb-2019-76.c1", "wzb-2019-76.c6a"]
    pop = open_population(population_dir)
    local = canonical_order(run_batch(pop, wanted).candidates, pop.document)
    run_chunked(population_dir, tmp_path / "c.parquet", chunk_entities=100, rule_ids=wanted)
    got = canonical_order(pq.read_table(tmp_path / "c.parquet"), pop.document)
    assert set(got["rule"].to_pylist()) == set(wanted)
    assert got.to_pylist() == local.to_pylist()
    with pytest.raises(InputError, match=r"wzb-2019-76\.c99"):
        run_chunked(population_dir, tmp_path / "d.parquet", chunk_entities=100, rule_ids=["wzb-2019-76.c99"])


def test_errors_name_the_row_in_the_whole_population(tmp_path: Path, tables: dict[str, pa.Table]) -> None:
    loans = tables["loans"].to_pylist()
    loans[200]["borrower"] = "NO-SUCH-PARTY"
    path = write(
        tmp_path / "pop", tables | {"loans": pa.Table.from_pylist(loans, schema=tables["loans"].schema)}
    )
    with pytest.raises(InputErrors) as local:
        open_population(path)
    out = tmp_path / "c.parquet"
    with pytest.raises(InputErrors) as chunked:
        run_chunked(path, out, chunk_entities=50, workers=1)
    assert [str(e) for e in chunked.value.errors] == [str(e) for e in local.value.errors]
    assert chunked.value.errors[0].field == "loans[200].borrower"
    assert not out.exists()  # nothing half-written


def test_cli_batch_in_chunks(population_dir: Path, whole: pa.Table, tmp_path: Path) -> None:
    out = tmp_path / "c.parquet"
    result = CliRunner().invoke(
        app, ["batch", str(population_dir), "--out", str(out), "--chunk", "100", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output[result.output.index("{") :])
    assert payload["chunks"] == 3
    by_rule: dict[str, int] = {}
    for rule, amount in zip(whole["rule"].to_pylist(), whole["amount_fen"].to_pylist(), strict=True):
        by_rule[rule] = by_rule.get(rule, 0) + amount
    assert {r["rule"]: r["total_fen"] for r in payload["by_rule"]} == by_rule


# --- 温浙集（开）管〔2019〕71号: the IP authors pooled in one chunk (第五条's 30 awards a year) ------------


@pytest.fixture(scope="module")
def population_71(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_71(tmp_path_factory.mktemp("chunks71") / "pop", rich_tables_71())


@pytest.fixture(scope="module")
def whole_71(population_71: Path) -> pa.Table:
    pop = open_population(population_71)
    run = run_batch(pop)
    a5 = next(ln for ln in run.result.lines if ln.rule_id == "wzjk-2019-71.a5")
    quota = next(v for k, v in a5.conditions.items() if k.startswith("第五条 列入当年"))
    assert int(np.count_nonzero(~quota)) > 0  # IPs that qualify but lose on the quota: it binds
    return canonical_order(run.candidates, pop.document)


@pytest.mark.parametrize("chunk", [400, 1100, 5000])
def test_71_chunks_equal_the_whole_population(
    population_71: Path, whole_71: pa.Table, tmp_path: Path, chunk: int
) -> None:
    out = tmp_path / "candidates.parquet"
    run = run_chunked(population_71, out, chunk_entities=chunk, workers=2)
    got = pq.read_table(out)
    authors = len(set(pq.read_table(population_71 / "ip_works.parquet")["enterprise"].to_pylist()))
    assert run.chunks == -(-(ENTITIES_71 - authors) // chunk) + 1  # the IP authors: one chunk of their own
    rules = whole_71["rule"].to_pylist()
    assert rules.count("wzjk-2019-71.a5") == 30  # the year's 30 IP awards, all in the pooled chunk
    assert {"wzjk-2019-71." + r for r in ("a3", "a4", "a6", "a7")} <= set(rules)
    reasons = whole_71["reason"].to_pylist()
    assert any("附则1" in r for r in reasons) and any("附则3" in r for r in reasons)
    assert run.candidates == got.num_rows == whole_71.num_rows
    assert canonical_order(got, open_population(population_71).document).to_pylist() == whole_71.to_pylist()
    assert got.schema.metadata[b"document"] == b"wzjk-2019-71"


def test_71_errors_name_the_ip_in_the_whole_population(tmp_path: Path) -> None:
    tables = rich_tables_71()
    ips = tables["ip_works"].to_pylist()
    for ip in ips[-12:]:
        ip["review_rank"] = None  # the quota binds: the committee's rank is required of every candidate
    path = write_71(
        tmp_path / "pop", tables | {"ip_works": pa.Table.from_pylist(ips, schema=tables["ip_works"].schema)}
    )
    with pytest.raises(InputErrors) as local:
        run_batch(open_population(path))
    out = tmp_path / "c.parquet"
    with pytest.raises(InputErrors) as chunked:
        run_chunked(path, out, chunk_entities=500, workers=1)
    assert [str(e) for e in chunked.value.errors] == [str(e) for e in local.value.errors]
    unranked = {f"ip_works[{r}].review_rank" for r in range(len(ips) - 12, len(ips))}
    assert local.value.errors and {e.field for e in local.value.errors} <= unranked
    assert not out.exists()


# --- the driver's cut: each row in its chunk, each table read once ----------------------------------


def _fnv(text: str) -> int:
    """The chunk hash, byte by byte: FNV-1a over the length and the last 16 bytes (0 past the start)."""
    data = text.encode()
    digest = 14695981039346656037 ^ len(data)
    for back in range(1, 17):
        digest = ((digest ^ (data[-back] if back <= len(data) else 0)) * 1099511628211) % 2**64
    return digest ^ (digest >> 29)


def test_the_chunk_hash_is_fnv_over_the_last_16_bytes() -> None:
    texts = ["", "E1", "91330302MA2AB3CD4X", "温州市鹿城区某某有限公司", "x" * 40, "0123456789abcdef", "é"]
    rng = np.random.default_rng(3)
    texts += ["".join(map(chr, rng.integers(32, 0x4E50, int(rng.integers(0, 24))))) for _ in range(300)]
    keys = pa.array(texts, pa.string())
    assert _text_hash(keys).tolist() == [_fnv(t) for t in texts]
    sliced = keys.slice(7, 50)  # its offsets start inside the buffers
    assert _text_hash(sliced).tolist() == [_fnv(t) for t in texts[7:57]]
    assert _text_hash(pa.array(["", ""], pa.string())).tolist() == [_fnv("")] * 2  # no data at all


@pytest.mark.parametrize("width", [0, 1, 5, 9, 16, 18, 40])
def test_ids_of_one_length_hash_as_any_text(width: int) -> None:
    """Texts of one length are hashed as the rows of a byte matrix: the same FNV as byte by byte."""
    rng = np.random.default_rng(width)
    texts = ["".join(rng.choice(list("0123456789ABCDEFGHJKLMNPQRTUWXY"), width)) for _ in range(200)]
    texts += ["温" * (width // 3) + "x" * (width % 3)] * 3  # as many bytes, fewer characters
    keys = pa.array(texts, pa.string())
    assert len({len(t.encode()) for t in texts}) == 1
    assert _text_hash(keys).tolist() == [_fnv(t) for t in texts]
    assert _text_hash(keys.slice(11, 60)).tolist() == [_fnv(t) for t in texts[11:71]]
    mixed = pa.array([*texts[:5], "E1"], pa.string())  # one other length: byte by byte
    assert _text_hash(mixed).tolist() == [_fnv(t) for t in [*texts[:5], "E1"]]


def test_money_crosses_the_scratch_as_unscaled_integers(tmp_path: Path) -> None:
    """A decimal of at most 18 digits is written as its unscaled int64 and read back as the same
    decimal: nulls, signs, the widest values, a slice; a wider decimal as it is."""
    money = pa.decimal128(16, 2)
    values = [Decimal("0.01"), None, Decimal("-12345.67"), Decimal("99999999999999.99"), Decimal(0)]
    values += [Decimal("-99999999999999.99"), Decimal("3.5")]
    wide = pa.array([Decimal(10) ** 30, None, Decimal(-1), Decimal(2), Decimal(3), Decimal(4), Decimal(5)])
    batch = pa.RecordBatch.from_pydict({"amount": pa.array(values, money), "wide": wide, "n": list(range(7))})
    for number, part in enumerate((batch, batch.slice(1, 5), batch.slice(2, 0))):
        narrowed = _unscaled_decimals(part)
        assert narrowed.schema.field("amount").type == pa.int64()
        assert narrowed.schema.field("wide").type == wide.type  # 31 digits: not in 64 bits
        assert narrowed["amount"].to_pylist() == [
            None if v is None else int(v * 100) for v in part["amount"].to_pylist()
        ]
        file = tmp_path / f"part-{number}{SCRATCH}"
        with pa.ipc.new_stream(file, narrowed.schema) as writer:
            writer.write_batch(narrowed)
            writer.write_batch(narrowed.slice(1))  # a batch whose arrays start inside their buffers
        read = read_scratch(file)
        assert read.schema.field("amount").type == money
        assert read.to_pylist() == [*part.to_pylist(), *part.to_pylist()[1:]]
    assert _unscaled_decimals(batch.select(["n"])) is not None
    assert _unscaled_decimals(batch.select(["n", "wide"])).schema == batch.select(["n", "wide"]).schema


def _in_row_groups(path: Path, rows: int) -> Path:
    """The population's Parquet files rewritten in row groups of ``rows``: the cut reads them at once."""
    for file in path.glob("*.parquet"):
        pq.write_table(pq.read_table(file), file, row_group_size=rows)
    return path


@pytest.mark.parametrize("document", ["wzb-2019-76", "wzjk-2019-71"])
def test_the_cut_reads_only_the_row_groups_of_the_set_aside_parties_ids(
    tmp_path: Path, document: str
) -> None:
    """The ids of the parties at some rows, from their row groups only, are the column's at those rows;
    and the plan's count of hashed parties (each shared or pooled id taken to name one) is the count of
    the parties neither shared nor pooled."""
    if document == "wzb-2019-76":
        path, party = _in_row_groups(write(tmp_path / "pop", rich_tables()), 7), "parties"
    else:
        path, party = _in_row_groups(write_71(tmp_path / "pop", rich_tables_71()), 7), "enterprises"
    file = path / f"{party}.parquet"
    ids = pq.read_table(file)["id"].combine_chunks()
    assert pq.ParquetFile(file).metadata.num_row_groups > 2
    rng = np.random.default_rng(1)
    for rows in (
        np.array([], dtype=np.intp),
        np.array([0, len(ids) - 1]),
        np.sort(rng.choice(len(ids), 9, False)),
    ):
        assert _ids_at(file, rows).to_pylist() == ids.take(pa.array(rows, pa.int64())).to_pylist()
    pop = open_population(path)
    assert pop.document.case_model is not None
    specs = population_schema(pop.document.case_model).tables
    cut = _Cut.of(plan_for(pop.document), specs, _table_files(path, pop.document), pop.document.references, 5)
    set_aside = pc.is_in(ids, value_set=pa.concat_arrays([cut.shared, cut.pooled]))
    assert cut.enterprises == len(ids) - pc.sum(set_aside).as_py() > 0


def _split_files(path: Path, chunk: int, scratch: Path) -> tuple[_Cut, dict[str, pa.Table]]:
    cut, _, _ = split(path, chunk, scratch)
    return cut, {f.name.removesuffix(SCRATCH): read_scratch(f) for f in sorted(scratch.iterdir())}


@pytest.mark.parametrize("document", ["wzb-2019-76", "wzjk-2019-71"])
def test_every_row_goes_to_the_chunk_its_key_names(
    tmp_path: Path, tables: dict[str, pa.Table], document: str
) -> None:
    """Shared parties (every non-enterprise, every party named in another role) and their rows in
    ``shared`` and in every chunk, a row keyed by a shared party in the stray chunk, the ranked table's enterprises pooled
    in the last chunk, every other row in its key's hash chunk; rows in file order, columns as read."""
    if document == "wzb-2019-76":
        loans = tables["loans"].to_pylist()
        loans[5]["borrower"] = loans[6]["lender"]  # a bank borrows: a row keyed by a shared party
        given = tables | {"loans": pa.Table.from_pylist(loans, schema=tables["loans"].schema)}
        path = _in_row_groups(write(tmp_path / "pop", given), 64)
    else:
        path = _in_row_groups(write_71(tmp_path / "pop", rich_tables_71()), 500)
    cut, written = _split_files(path, 40, tmp_path / "scratch")
    pop = open_population(path).document
    plan = plan_for(pop)
    party = plan.party_table
    read = {
        name: pq.read_table(path / f"{name}.parquet")
        for name in plan.enterprise_keys
        if (path / f"{name}.parquet").exists()
    }
    ids = read[party]["id"].to_pylist()
    kinds = (
        read[party]["kind"].to_pylist() if "kind" in read[party].column_names else ["enterprise"] * len(ids)
    )
    shared = {i for i, k in zip(ids, kinds, strict=True) if k != "enterprise"}
    for ref, target in pop.references.items():
        table, column = ref.rsplit(".", 1)
        if target == party and table in read and column != plan.enterprise_keys[table]:
            shared |= set(read[table][column].to_pylist()) - {None, ""}
    pooled = {e for t in plan.ranked_tables for e in read[t][plan.enterprise_keys[t]].to_pylist()} - shared
    assert set(cut.shared.to_pylist()) == shared and set(cut.pooled.to_pylist()) == pooled
    assert len(pooled) > 10 if document == "wzjk-2019-71" else len(shared) > 3 and not pooled
    for name, table in read.items():
        by_party = name == party or name.startswith(f"{party}.")  # the parties and their own lists
        key = "parent" if name.startswith(f"{party}.") else plan.enterprise_keys[name]
        expected: dict[int, list[int]] = {}
        for row, value in enumerate(table[key].to_pylist()):
            if value in shared:
                number = -1 if by_party else cut.stray
            else:
                number = cut.hashed if value in pooled else _fnv(value or "") % cut.hashed
            expected.setdefault(number, []).append(row)
        if by_party and -1 in expected:  # the shared rows in every chunk's file too, in their places
            for number in range(cut.chunks):
                expected[number] = sorted(expected.get(number, []) + expected[-1])
        got = {
            -1 if file.startswith("shared") else int(file.split(".")[0].removeprefix("chunk-")): part
            for file, part in written.items()
            if file.split(".", 1)[1] == f"{name}" and not file.startswith("institution")
        }
        assert {n: part["_row"].to_pylist() for n, part in got.items()} == expected, name
        for number, part in got.items():
            assert part.drop_columns(["_row"]).to_pylist() == table.take(expected[number]).to_pylist()
    if document == "wzb-2019-76":
        assert written[f"shared.{party}"].num_rows == len(shared & set(ids)) > 3
        assert 5 in written[f"chunk-{cut.stray}.loans"]["_row"].to_pylist()


@pytest.mark.parametrize(
    ("chunk", "everywhere"),
    [
        ([-1, 0, 2, -1, 0, 1, 2, -1], 4),  # chunk 3 has no row of its own here: the shared ones alone
        ([-1, 0, 2, -1, 0, 1, 2, -1], 0),
        ([1, 0, 1, 1], 3),  # no shared row: as without ``everywhere``
        ([-1, -1, -1], 2),  # shared rows only
        ([2, 2], 3),
    ],
)
def test_the_shared_rows_go_to_every_chunk_in_their_places(chunk: list[int], everywhere: int) -> None:
    batch = pa.RecordBatch.from_pydict(
        {"_row": list(range(len(chunk))), "k": [f"r{i}" for i in range(len(chunk))]}
    )
    got = {n: piece.to_pydict() for n, piece in _by_chunk(batch, np.array(chunk), everywhere)}
    expected: dict[int, dict[str, list[Any]]] = {}
    for number in sorted(set(chunk) | set(range(everywhere) if -1 in chunk else ())):
        mine = [i for i, c in enumerate(chunk) if c == number or (c == -1 and 0 <= number < everywhere)]
        expected[number] = batch.take(mine).to_pydict()
    assert got == expected
    assert not list(_by_chunk(batch.slice(0, 0), np.array([], np.int64), everywhere))


def test_a_chunk_checks_its_lines_against_its_own_parties_not_the_shared(
    tmp_path: Path, tables: dict[str, pa.Table]
) -> None:
    """A chunk's parties file holds the shared parties too; the enterprises its lines must pay are its own."""
    cut, written = _split_files(write(tmp_path / "pop", tables), 70, tmp_path / "scratch")
    shared = set(cut.shared.to_pylist())
    assert shared and written["shared.parties"].num_rows == len(
        shared & set(tables["parties"]["id"].to_pylist())
    )
    shared_file = tmp_path / "scratch" / f"shared.parties{SCRATCH}"
    for number in range(cut.chunks):
        parties = written[f"chunk-{number}.parties"]
        own = _own_parties("parties", _rows(parties), shared_file)
        assert own is not None and own.table == "parties"
        assert set(parties["id"].filter(own.own).to_pylist()) == set(parties["id"].to_pylist()) - shared
        assert own.own.sum() == parties.num_rows - written["shared.parties"].num_rows
    assert _own_parties("parties", _rows(written["shared.parties"]), shared_file) is None
    everyone = _own_parties("parties", _rows(parties), tmp_path / "scratch" / f"none{SCRATCH}")
    assert everyone is not None and everyone.own.all() and len(everyone.own) == parties.num_rows


def _rows(table: pa.Table) -> np.ndarray:
    return np.asarray(table["_row"].to_numpy(), dtype=np.int64)


def test_the_institution_rows_taken_on_the_way_equal_a_read_of_their_own(
    tables: dict[str, pa.Table], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The institution task's claimed loans, parties, qualifications and prior awards, taken as the
    shuffle reads those tables, equal each table read again and filtered (as before)."""
    claims = tables["loss_claims"].to_pylist()
    for claim, loan in zip(claims, tables["loans"]["id"].to_pylist()[10::50], strict=False):
        claim["loan"] = loan  # claimed loans: rows of an enterprise-side table the institution task needs
    given = tables | {"loss_claims": pa.Table.from_pylist(claims, schema=tables["loss_claims"].schema)}
    path = _in_row_groups(write(tmp_path / "pop", given), 50)
    _, on_the_way = _split_files(path, 70, tmp_path / "a")
    shuffle = chunks._shuffle_table

    def shuffle_then_read(
        cut: _Cut, plan: Any, specs: Any, files: Any, scratch: Path, name: str, capture: Any = None
    ) -> pa.Table | None:
        shuffle(cut, plan, specs, files, scratch, name)
        return None if capture is None else _filter_file(files[name], *capture)

    monkeypatch.setattr(chunks, "_shuffle_table", shuffle_then_read)
    _, read_again = _split_files(path, 70, tmp_path / "b")
    assert on_the_way.keys() == read_again.keys()
    for name in ("loans", "parties", "parties.qualifications", "prior_awards"):
        assert on_the_way[f"institution.{name}"].num_rows > 0, name
    for name, table in on_the_way.items():
        assert table.equals(read_again[name]), name


def test_a_line_paid_outside_its_chunk_is_refused() -> None:
    """The safety net behind the plan: an enterprise-side line pays one of its chunk's enterprises."""
    candidates = pa.table({"beneficiary": ["E1", "E2", "E8", "E1", "E9"]})
    _check_keys(candidates, pa.chunked_array([["E1", "E8"], ["E2", "E3", "E9"]]))
    with pytest.raises(RuntimeError, match="paid to 'E8'"):  # the first stray line's beneficiary
        _check_keys(candidates, pa.chunked_array([["E1", "E2", "E3"]]))


def test_beneficiaries_paid_by_both_sides_are_found_among_the_tasks_answers() -> None:
    """Enterprise-side tasks' beneficiaries against the institution task's: those in both, once each."""
    chunks = [pa.array(["E1", "B2", "E3"]), pa.array(["E4", "G1"]), pa.array([], pa.string())]
    assert paid_on_both_sides(chunks, [pa.array(["B2", "G1", "B9"])]) == ["B2", "G1"]
    assert paid_on_both_sides(chunks, []) == paid_on_both_sides([], [pa.array(["B2"])]) == []
    assert paid_on_both_sides(chunks, [pa.array(["E9"])]) == []
