"""duixian against OpenFisca on 76号 clauses 1 and 8, one population, one run.

A SYNTHETIC population (seeded, bench-only generator) of enterprises, each with one loan, one
guarantee and one small-loan insurance policy, is written once as numpy arrays, and from them, once,
as duixian's population directory. Each side then runs in its own fresh process (its peak RSS is
its own) from its input as stored:

- duixian: the population directory (uncompressed Arrow IPC files, as a city would keep them) →
  ``population.load.read_arrow_tables`` (memory-mapped) → ``arrow_to_tables`` (the population
  loader's conversion and checks) → ``engine.evaluate.check_tables`` → ``engine.evaluate.evaluate``
  with rule_ids c1, c8a–c8e. The document's g1 scope (附则1 exclusions) applies to every line and its g3
  finaliser settles the lines (c8a/b/c/e of one guarantee: the highest; c1: the 20万 cap per
  enterprise). Money is int64 fen, rates exact fractions.
- OpenFisca (bench/openfisca_wenzhou): ``SimulationBuilder.build_default_simulation`` +
  ``set_input`` of each input, then ``calculate`` of c1_subsidy, c8_guarantee_subsidy, c8d_subsidy.
  Money is OpenFisca's float (float32) in yuan.

Build + calculate is timed on each side, from its input as it is stored (OpenFisca's: the arrays;
duixian's: the population files; parameter loading, imports and the per-enterprise summing of
duixian's lines are outside it); throughput = enterprises ÷ that time. Per enterprise the three
amounts are compared to the fen. Then, in a process of its own, the join that every engine reading
the population as stored must make (``run_join``) is timed and printed beside the time the 5× goal
leaves duixian. ``--profile`` adds cProfile's top entries of the duixian side.

Run: .venv/bin/python bench/openfisca_c1_c8.py [--enterprises 1000000] [--seed 7] [--profile]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from _machine import fresh_memory_line

YEAR = 2020
DISTRICTS = [
    "鹿城区", "龙湾区", "瓯海区", "洞头区", "永嘉县", "平阳县", "苍南县",
    "文成县", "泰顺县", "瑞安市", "乐清市", "龙港市", "市外",
]  # fmt: skip
OUTSIDE = len(DISTRICTS) - 1
LEGAL_FORMS = ["company", "individual_business", "small_micro_owner"]  # = OpenFisca LegalForm order
SIZES = ["micro", "small", "medium", "large"]  # = OpenFisca SizeClass order
MUJUN = ["", "A", "B", "C", "D"]  # = OpenFisca MujunClass order ("" = not rated)
QUALIFICATIONS = [
    "",
    "national_high_tech",
    "provincial_tech_sme",
    "high_growth",
    "leading",  # not among c1's kinds
    "small_micro_star_city",
    "small_micro_star_provincial",
]
BANKS, GUARANTORS = 50, 20  # lender code BANKS = the bank outside Wenzhou; even guarantors are governmental
RULES = ["c1", "c8a", "c8b", "c8c", "c8d", "c8e"]
MEASURES = ["c1", "c8 guarantee (a/b/c/e, highest)", "c8d insurance"]
CONTROL = "openfisca-float64"  # not a timing contender: checks that the two encodings agree
MEASURE_OF = {"c1": 0, "c8a": 1, "c8b": 1, "c8c": 1, "c8e": 1, "c8d": 2}

Arrays = dict[str, npt.NDArray[Any]]


def generate(n: int, seed: int) -> Arrays:
    """The shared population: one value per enterprise (codes for categories, fen, hundredths of %)."""
    rng = np.random.default_rng(seed)

    def pick(p: list[float]) -> npt.NDArray[np.int64]:
        return rng.choice(len(p), size=n, p=np.asarray(p) / sum(p)).astype(np.int64)

    width = max(7, len(str(n)))
    principal_yuan = np.clip(np.round(rng.lognormal(np.log(1_500_000), 1.3, size=n)), 10_000, 10**9)
    principal = principal_yuan.astype(np.int64) * 100
    start = np.datetime64("2018-06-01") + rng.integers(0, 940, size=n).astype("timedelta64[D]")
    term_days = rng.choice([365, 730, 1095], size=n, p=[0.6, 0.25, 0.15])
    guarantor = rng.integers(0, GUARANTORS, size=n)
    government = guarantor % 2 == 0
    fee = np.where(
        government, rng.choice([80, 100, 120, 150, 180], size=n), rng.choice([150, 200, 250], size=n)
    ).astype(np.int64)
    year_start = np.datetime64(f"{YEAR}-01-01")
    return {
        "id": np.char.mod(f"E%0{width}d", np.arange(1, n + 1)),
        "district": pick([1.0] * OUTSIDE + [0.4]),
        "independent_legal_person": rng.random(n) < 0.97,
        "legal_form": pick([0.9, 0.07, 0.03]),
        "size": pick([0.72, 0.20, 0.07, 0.01]),
        "real_estate": rng.random(n) < 0.02,
        "mujun": pick([0.6, 0.08, 0.2, 0.09, 0.03]),
        "accident": rng.random(n) < 0.002,
        "incident": rng.random(n) < 0.001,
        "qualification": pick([0.85, 0.04, 0.05, 0.03, 0.01, 0.015, 0.005]),
        "principal_fen": principal,
        "loan_start": start,
        "loan_end": start + term_days.astype("timedelta64[D]"),
        "lender": np.where(rng.random(n) < 0.05, BANKS, rng.integers(0, BANKS, size=n)),
        "guarantor": guarantor,
        "fee_hundredths": fee,  # 150 = 1.50%
        "fee_paid_fen": principal * fee // 10_000,
        "guarantee_paid_on": year_start + rng.integers(0, 366, size=n).astype("timedelta64[D]"),
        "first_guarantee": rng.random(n) < 0.1,
        "cdm_fund": rng.random(n) < 0.01,
        "premium_hundredths": rng.choice([100, 150, 200, 250], size=n).astype(np.int64),
        "premium_paid_fen": rng.integers(100_000, 2_000_000, size=n).astype(np.int64),
        "insurance_paid_on": year_start + rng.integers(0, 366, size=n).astype("timedelta64[D]"),
        "insurance_first_time": rng.random(n) < 0.3,
    }


def _rss_mb() -> float:
    import psutil  # type: ignore[import-untyped]

    return float(psutil.Process().memory_info().rss / 2**20)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- duixian --------------------------------------------------------------------------------------


def duixian_tables(a: Arrays) -> dict[str, Any]:
    """The Arrow tables of a population directory, from the shared arrays."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    from duixian.population.schema import MONEY_TYPE, PERCENT_TYPE, decimal_array

    n = len(a["id"])
    bank_ids = [f"B{i + 1:04d}" for i in range(BANKS)] + ["B-OUT"]
    guarantor_ids = [f"G{i + 1:04d}" for i in range(GUARANTORS)]
    m = BANKS + 1 + GUARANTORS + 1
    inst: dict[str, list[Any]] = {
        "id": [*bank_ids, *guarantor_ids, "I0001"],
        "kind": ["bank"] * (BANKS + 1) + ["guarantor"] * GUARANTORS + ["insurer"],
        "district": ["鹿城区"] * BANKS + ["市外"] + ["鹿城区"] * (GUARANTORS + 1),
        "government_guarantor": [False] * (BANKS + 1) + [i % 2 == 0 for i in range(GUARANTORS)] + [False],
    }
    accident_years = pa.ListArray.from_arrays(
        np.concatenate([[0], np.cumsum(np.concatenate([np.zeros(m, bool), a["accident"]]))]).astype(np.int32),
        pa.array(np.full(int(a["accident"].sum()), YEAR, dtype=np.int64)),
    )
    incident_years = pa.ListArray.from_arrays(
        np.concatenate([[0], np.cumsum(np.concatenate([np.zeros(m, bool), a["incident"]]))]).astype(np.int32),
        pa.array(np.full(int(a["incident"].sum()), YEAR, dtype=np.int64)),
    )

    def text(codes: npt.NDArray[Any], words: list[str]) -> Any:
        """words[codes] as a dictionary-encoded text column, as the loader reads a category column of
        Parquet (a district, a kind, a lender)."""
        return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(words))

    def parties_text(head: list[str | None], codes: npt.NDArray[Any], words: list[str]) -> Any:
        """A parties column: the institutions' values (``head``; None: not given), then words[codes] of
        the enterprises, dictionary-encoded over both."""
        vocabulary = list(dict.fromkeys([*words, *(h for h in head if h is not None)]))
        number = {w: i for i, w in enumerate(vocabulary)}
        first = np.array([number.get(h, -1) if h is not None else -1 for h in head], dtype=np.int32)
        rest = np.array([number[w] if w != "" else -1 for w in words], dtype=np.int32)[codes]
        indices = np.concatenate([first, rest])
        return pa.DictionaryArray.from_arrays(
            pa.array(indices, mask=indices < 0), pa.array(vocabulary, type=pa.string())
        )

    ids = pa.array(a["id"])
    parties = pa.table(
        {
            "id": pa.concat_arrays([pa.array(inst["id"]), ids]),
            "kind": parties_text(inst["kind"], np.zeros(n, np.int32), ["enterprise"]),
            "district": parties_text(inst["district"], a["district"], DISTRICTS),
            "independent_legal_person": pa.array(
                np.concatenate([np.ones(m, bool), a["independent_legal_person"]])
            ),
            "government_guarantor": pa.array(
                np.concatenate([inst["government_guarantor"], np.zeros(n, bool)])
            ),
            "legal_form": parties_text(["company"] * m, a["legal_form"], LEGAL_FORMS),
            "size_class": parties_text(["large"] * m, a["size"], SIZES),
            "real_estate": pa.array(np.concatenate([np.zeros(m, bool), a["real_estate"]])),
            "mujun_class": parties_text([None] * m, a["mujun"], MUJUN),  # "" = not rated: null
            "major_accident_years": accident_years,
            "mass_incident_years": incident_years,
        }
    )
    held = np.flatnonzero(a["qualification"] > 0)
    qualifications = pa.table(
        {
            "kind": text(a["qualification"][held], QUALIFICATIONS),
            "valid_from": pa.array(np.full(len(held), np.datetime64(f"{YEAR - 1}-01-01")), pa.date32()),
            "valid_to": pa.array(np.full(len(held), np.datetime64(f"{YEAR + 1}-12-31")), pa.date32()),
            "parent": ids.take(pa.array(held)),
        }
    )
    borrower = ids
    loan_ids = pc.replace_substring(ids, "E", "L")
    loans = pa.table(
        {
            "id": loan_ids,
            "borrower": borrower,
            "lender": text(a["lender"], bank_ids),
            "principal": decimal_array(a["principal_fen"], MONEY_TYPE),
            "start_date": pa.array(a["loan_start"], pa.date32()),
            "end_date": pa.array(a["loan_end"], pa.date32()),
        }
    )
    guarantees = pa.table(
        {
            "id": pc.replace_substring(ids, "E", "GT"),
            "borrower": borrower,
            "guarantor": text(a["guarantor"], guarantor_ids),
            "loan": loan_ids,
            "fee_rate": decimal_array(a["fee_hundredths"] * 10_000, PERCENT_TYPE),
            "fee_paid": decimal_array(a["fee_paid_fen"], MONEY_TYPE),
            "paid_on": pa.array(a["guarantee_paid_on"], pa.date32()),
            "first_guarantee": pa.array(a["first_guarantee"]),
            "cdm_fund": pa.array(a["cdm_fund"]),
        }
    )
    insurance = pa.table(
        {
            "id": pc.replace_substring(ids, "E", "IP"),
            "borrower": borrower,
            "insurer": text(np.zeros(n, np.int32), ["I0001"]),
            "premium_rate": decimal_array(a["premium_hundredths"] * 10_000, PERCENT_TYPE),
            "premium_paid": decimal_array(a["premium_paid_fen"], MONEY_TYPE),
            "paid_on": pa.array(a["insurance_paid_on"], pa.date32()),
            "first_time": pa.array(a["insurance_first_time"]),
        }
    )
    return {
        "parties": parties,
        "parties.qualifications": qualifications,
        "loans": loans,
        "guarantees": guarantees,
        "insurance_policies": insurance,
    }


def write_population_files(a: Arrays, path: Path) -> None:
    """duixian's input: the arrays as a population directory of uncompressed Arrow IPC files."""
    from duixian import rulebook
    from duixian.population.write import write_population

    document = rulebook.documents()["wzb-2019-76"]
    write_population(path, document, YEAR, duixian_tables(a), synthetic=True, file_format="arrow")


def run_duixian(a: Arrays, population: Path, profile: bool) -> tuple[dict[str, Any], npt.NDArray[np.int64]]:
    import dataclasses

    from duixian import rulebook
    from duixian.engine.evaluate import check_tables, evaluate
    from duixian.population.load import arrow_to_tables, read_arrow_tables
    from duixian.population.workers import prepare_for_work

    document = rulebook.documents()["wzb-2019-76"]
    params, readings = rulebook.parameters(), rulebook.register().choose()
    prepare_for_work()  # pandas imported, as pyarrow does on its first conversion (OpenFisca's imports: untimed too)
    marks: dict[str, float] = {}

    def timed(finalise: Any) -> Any:
        def run(ctx: Any, lines: Any) -> None:
            marks.setdefault("formulas_done", time.perf_counter())
            finalise(ctx, lines)

        return run

    document = dataclasses.replace(document, finalisers=[timed(f) for f in document.finalisers])
    rule_ids = [f"{document.id}.{r}" for r in RULES]
    baseline = _rss_mb()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0 = time.perf_counter()
    raw = read_arrow_tables(population, document)
    t1 = time.perf_counter()
    tables = arrow_to_tables(document, raw)
    t2 = time.perf_counter()
    check_tables(document, tables, YEAR)
    t3 = time.perf_counter()
    result = evaluate(document, tables, YEAR, params, readings, rule_ids)
    t4 = time.perf_counter()
    if profiler is not None:
        profiler.disable()
    peak = _peak_mb()
    n = len(a["id"])
    out = np.zeros((len(MEASURES), n), dtype=np.int64)
    offset = len(tables["parties"]) - n  # institutions come first
    for ln in result.lines:
        rows = tables["parties"].rows_of(ln.beneficiary) - offset
        np.add.at(out[MEASURE_OF[ln.rule_id.rsplit(".", 1)[1]]], rows, ln.final())
    figures: dict[str, Any] = {
        "read_s": t1 - t0,
        "convert_s": t2 - t1,
        "check_s": t3 - t2,
        "formulas_s": marks.get("formulas_done", t4) - t3,
        "g3_s": t4 - marks.get("formulas_done", t4),
        "build_s": t3 - t0,
        "calc_s": t4 - t3,
        "baseline_mb": baseline,
        "peak_mb": peak,
        "lines": sum(len(ln) for ln in result.lines),
    }
    if profiler is not None:
        import io
        import pstats

        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("tottime").print_stats(12)
        stats.sort_stats("cumulative").print_stats(r"duixian", 25)
        figures["profile"] = text.getvalue()
    return figures, out


JOINED = ("loans", "guarantees", "insurance_policies")  # each row names its enterprise: ``borrower``


def run_join(population: Path, repeat: int = 5) -> dict[str, Any]:
    """The floor under any engine that reads the population as a city stores it: each loan, guarantee
    and policy found among the enterprises by its borrower's id. Median seconds of a hash join (the
    ids and every key numbered in one pass of Arrow's dictionary encoding: ``_hashed_positions``) and
    of the join duixian's loader makes of these ids (``_key_positions``: searched as numbers, as they
    are ascending), after one run that pages the files in; both must find the same rows."""
    from duixian import rulebook
    from duixian.population.load import (
        _hashed_positions,
        _Ids,
        _key_positions,
        _keys,
        _text,
        read_arrow_tables,
    )
    from duixian.population.workers import prepare_for_work

    prepare_for_work()
    raw = read_arrow_tables(population, rulebook.documents()["wzb-2019-76"])

    def hash_join() -> list[npt.NDArray[Any]]:
        keys = [_text(raw[t].column("borrower")) for t in JOINED]
        return _hashed_positions(_text(raw["parties"].column("id")), keys)[0]

    def loader_join() -> list[npt.NDArray[Any]]:
        ids = _Ids(_text(raw["parties"].column("id")))
        return _key_positions(ids, [_keys(raw[t].column("borrower")) for t in JOINED])[0]

    figures: dict[str, Any] = {"references": sum(raw[t].num_rows for t in JOINED)}
    answers = []
    for name, join in (("hash_join_s", hash_join), ("loader_join_s", loader_join)):
        answers.append(join())
        seconds = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            join()
            seconds.append(time.perf_counter() - t0)
        figures[name] = float(np.median(seconds))
    if not all(np.array_equal(a, b) for a, b in zip(*answers, strict=True)):
        sys.exit("the two joins found different rows")
    return figures


# --- OpenFisca ------------------------------------------------------------------------------------


def openfisca_inputs(a: Arrays, dtype: type[np.floating[Any]]) -> dict[str, npt.NDArray[Any]]:
    """OpenFisca's inputs from the shared arrays: money in yuan and rates as floats, enums as codes."""

    def yuan(fen: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
        return (fen / 100).astype(dtype)

    def ratio(hundredths: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
        return (hundredths / 10_000).astype(dtype)

    qualified = np.isin(
        a["qualification"], [i for i, q in enumerate(QUALIFICATIONS) if q not in ("", "leading")]
    )
    return {
        "registered_in_wenzhou": a["district"] != OUTSIDE,
        "independent_legal_person": a["independent_legal_person"],
        "legal_form": a["legal_form"],
        "size_class": a["size"],
        "real_estate": a["real_estate"],
        "mujun_class": a["mujun"],
        "major_accident": a["accident"],
        "mass_incident": a["incident"],
        "tech_or_growth_qualified": qualified,
        "loan_principal": yuan(a["principal_fen"]),
        "loan_start": a["loan_start"],
        "loan_end": a["loan_end"],
        "lender_is_local_bank": a["lender"] != BANKS,
        "guarantor_is_government": a["guarantor"] % 2 == 0,
        "guarantee_fee_rate": ratio(a["fee_hundredths"]),
        "guarantee_fee_paid": yuan(a["fee_paid_fen"]),
        "first_guarantee": a["first_guarantee"],
        "cdm_fund": a["cdm_fund"],
        "insurance_premium_rate": ratio(a["premium_hundredths"]),
        "insurance_premium_paid": yuan(a["premium_paid_fen"]),
        "insurance_first_time": a["insurance_first_time"],
    }


def run_openfisca(a: Arrays, dtype: type[np.floating[Any]]) -> tuple[dict[str, Any], npt.NDArray[Any]]:
    """OpenFisca as installed (float32), or, as a control of the encoding, with its floats made float64."""
    sys.path.insert(0, str(Path(__file__).parent))
    from openfisca_core.simulations import SimulationBuilder  # type: ignore[import-untyped]
    from openfisca_core.variables.config import VALUE_TYPES  # type: ignore[import-untyped]

    VALUE_TYPES[float]["dtype"] = dtype
    from openfisca_wenzhou import WenzhouSystem
    from openfisca_wenzhou.variables import OUTPUTS

    t = time.perf_counter()
    system = WenzhouSystem()
    system_s = time.perf_counter() - t
    baseline = _rss_mb()
    t0 = time.perf_counter()
    inputs = openfisca_inputs(a, dtype)
    simulation = SimulationBuilder().build_default_simulation(system, len(a["id"]))
    for name, values in inputs.items():
        simulation.set_input(name, str(YEAR), values)
    t1 = time.perf_counter()
    out = np.stack([simulation.calculate(v, str(YEAR)) for v in OUTPUTS])
    t2 = time.perf_counter()
    figures = {
        "system_s": system_s,
        "build_s": t1 - t0,
        "calc_s": t2 - t1,
        "baseline_mb": baseline,
        "peak_mb": _peak_mb(),
    }
    return figures, out


# --- driver ---------------------------------------------------------------------------------------


def side(name: str, data: Path, out: Path, profile: bool) -> None:
    """One side run in this fresh process, ``data`` the arrays (duixian's population beside them); or,
    as side "files", duixian's population written to ``out`` from the arrays."""
    with np.load(data) as npz:
        a = {k: npz[k] for k in npz.files}
    figures: dict[str, Any]
    amounts: npt.NDArray[Any]
    if name == "files":
        write_population_files(a, out)
        return
    if name == "join":
        sys.stdout.write(json.dumps(run_join(data.parent / "population")) + "\n")
        return
    if name == "duixian":
        figures, amounts = run_duixian(a, data.parent / "population", profile)
    else:
        figures, amounts = run_openfisca(a, np.float64 if name == CONTROL else np.float32)
    np.save(out, amounts)
    sys.stdout.write(json.dumps(figures) + "\n")


def compare(fen: npt.NDArray[np.int64], yuan: npt.NDArray[Any]) -> list[str]:
    of_fen = np.rint(yuan.astype(np.float64) * 100).astype(np.int64)
    diff = np.abs(fen - of_fen)
    lines = []
    for k, label in enumerate(MEASURES):
        paid = int((fen[k] > 0).sum())
        differ = int((diff[k] > 0).sum())
        lines.append(
            f"  {label:34} paid to {paid:>9,} | differ {differ:>7,} | max |diff| {int(diff[k].max()):>6,} fen"
            f" | total duixian {fen[k].sum() / 100:,.2f} 元, OpenFisca {of_fen[k].sum() / 100:,.2f} 元"
        )
    any_diff = int((diff > 0).any(axis=0).sum())
    lines.append(f"  enterprises with any amount differing: {any_diff:,} of {fen.shape[1]:,}")
    return lines


def _side_figures(name: str, data: Path, options: list[str]) -> dict[str, Any]:
    """Run one side (``side``) in a fresh process; its figures, the JSON of its last line."""
    command = [sys.executable, __file__, "--side", name, "--data", str(data), *options]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{name} failed:\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="cProfile the duixian side (slower)")
    parser.add_argument(
        "--side", choices=["files", "join", "duixian", "openfisca", CONTROL], help=argparse.SUPPRESS
    )
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        side(args.side, args.data, args.out, args.profile)
        return
    n = args.enterprises
    print(
        f"SYNTHETIC population (合成数据): {n:,} enterprises, each 1 loan + 1 guarantee + 1 insurance policy; "
        f"seed {args.seed}, year {YEAR}; 76号 c1 + c8a–c8e, default readings, g1 scope + g3 settle"
    )
    print(fresh_memory_line())
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "population.npz"
        np.savez(data, **generate(n, args.seed))  # type: ignore[arg-type]
        # In a process of its own: one started from a process that held the tables would begin with
        # that memory in its peak (fork/exec), and so would both sides.
        command = [sys.executable, __file__, "--side", "files", "--data", str(data)]
        subprocess.run([*command, "--out", str(Path(tmp) / "population")], check=True)
        figures, amounts = {}, {}
        for name in ("openfisca", "duixian", CONTROL):
            out = Path(tmp) / f"{name}.npy"
            figures[name] = _side_figures(
                name, data, ["--out", str(out)] + (["--profile"] if args.profile else [])
            )
            amounts[name] = np.load(out)
        floor = _side_figures("join", data, [])
    print(
        f"{'side':10} {'build s':>8} {'calc s':>8} {'total s':>8} {'enterprises/s':>14} {'peak RSS MB':>12} {'Δ RSS MB':>9}"
    )
    rate = {}
    for name, f in figures.items():
        if name == CONTROL:
            continue
        total = f["build_s"] + f["calc_s"]
        rate[name] = n / total
        print(
            f"{name:10} {f['build_s']:8.3f} {f['calc_s']:8.3f} {total:8.3f} {rate[name]:14,.0f}"
            f" {f['peak_mb']:12,.0f} {f['peak_mb'] - f['baseline_mb']:9,.0f}"
        )
    d, o = figures["duixian"], figures["openfisca"]
    ratio = rate["duixian"] / rate["openfisca"]
    verdict = (
        f"duixian {ratio:.2f}× OpenFisca" if ratio >= 1 else f"duixian {1 / ratio:.1f}× SLOWER than OpenFisca"
    )
    print(f"throughput ratio (build+calculate): {verdict}")
    print(
        f"duixian split: read files {d['read_s']:.3f} s, convert+check columns {d['convert_s']:.3f} s, "
        f"check_tables {d['check_s']:.3f} s, formulas {d['formulas_s']:.3f} s, g3 settle {d['g3_s']:.3f} s; "
        f"{d['lines']:,} lines"
    )
    budget = o["build_s"] + o["calc_s"]
    print(f"the goal, 5× OpenFisca's throughput, leaves duixian {budget / 5:.3f} s for all of the above")
    print(
        f"the floor under it: joining the population's {floor['references']:,} references to the "
        f"enterprises takes {floor['hash_join_s']:.3f} s hashed, {floor['loader_join_s']:.3f} s as "
        "duixian's loader does (ids searched as numbers), median of 5; OpenFisca's arrays come joined"
    )
    print(
        f"duixian formulas alone: {n / d['formulas_s']:,.0f} enterprises/s; "
        f"OpenFisca calculate alone: {n / o['calc_s']:,.0f} enterprises/s; "
        f"OpenFisca system (parameters, variables) built once in {o['system_s']:.3f} s, not counted"
    )
    print("per-enterprise amounts, duixian (int64 fen) vs OpenFisca (float32 yuan, ×100 rounded):")
    print("\n".join(compare(amounts["duixian"], amounts["openfisca"])))
    print("control: the same OpenFisca encoding with float64 money (timings above exclude it):")
    print("\n".join(compare(amounts["duixian"], amounts[CONTROL])))
    if "profile" in d:
        print("duixian cProfile (by own time, top 12; then duixian functions by cumulative time, top 25):")
        print(d["profile"])


if __name__ == "__main__":
    main()
