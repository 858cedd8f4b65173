"""Spark local mode vs the local engine on SYNTHETIC 76号 populations (figures for docs/spark.md).

For each size: generate the population (Parquet), then
  local  — open_population (load + checks) and run_batch (evaluate + candidates), one process;
  spark  — duixian.distributed.spark.run + collect on local[N] (session start-up timed apart),
and check both give the same candidates, line by line (amounts, subjects, beneficiaries).

Run: .venv/bin/python bench/spark_local.py [--sizes 10000 100000] [--master local[2]] [--partitions 4]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from duixian import rulebook
    from duixian.distributed import spark as distributed
    from duixian.population import open_population
    from duixian.population.batch import PLAIN_SCHEMA, run_batch
    from duixian.population.synthetic import generate

    rulebook.parameters()
    rulebook.register()
    t0 = time.perf_counter()
    spark = distributed.session(args.master, "duixian-bench", {"spark.ui.enabled": "false"})
    print(f"Spark {spark.version} {args.master}: session start-up {time.perf_counter() - t0:.1f} s")
    header = (
        f"{'entities':>9} {'rows':>9} {'local load':>10} {'local eval':>10} {'local all':>9} "
        f"{'spark all':>9} {'(check':>7} {'eval)':>6} {'parts':>5} {'cands':>6} equal"
    )
    print(header)
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = generate("wzb-2019-76", size, args.seed, 2020, Path(tmp) / "pop")
            t1 = time.perf_counter()
            pop = open_population(path)
            t2 = time.perf_counter()
            local = distributed.canonical_order(run_batch(pop).candidates, pop.document)
            t3 = time.perf_counter()
            result = distributed.run(spark, str(path), args.partitions)
            got = distributed.collect(result)
            t4 = time.perf_counter()
            result.close()
        keys = ["beneficiary", "rule", "subject", "project", "amount_fen", "reason"]
        # As text: the reason column is dictionary-encoded, and Spark's side rebuilt its dictionary.
        plain = PLAIN_SCHEMA.select(keys)
        equal = got.select(keys).cast(plain).equals(local.select(keys).cast(plain))
        rows = sum(len(t) for t in pop.tables.values())
        print(
            f"{size:>9} {rows:>9} {t2 - t1:>10.2f} {t3 - t2:>10.2f} {t3 - t1:>9.2f} {t4 - t3:>9.2f} "
            f"{result.seconds['read_and_check']:>7.2f} {result.seconds['evaluate']:>6.2f} "
            f"{result.partitions:>5} {got.num_rows:>6} {equal}"
        )
    spark.stop()


if __name__ == "__main__":
    main()
