"""The spark-submit entry script: the master, executors and Python come from spark-submit.

spark-submit --master yarn --deploy-mode cluster … submit.py hdfs:///pop --out hdfs:///candidates

Same options as `duixian spark batch` except --master (see docs/spark.md); prints the JSON summary.
"""

from __future__ import annotations

import argparse
import json
import sys

from duixian.cli.spark import evaluate_and_write
from duixian.errors import InputError, InputErrors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="duixian-spark-submit", description=__doc__)
    parser.add_argument("population", help="population directory (hdfs://, s3a://, file://)")
    parser.add_argument("--out", required=True, help="output directory for the candidates (Parquet)")
    parser.add_argument("--partitions", type=int, default=None)
    parser.add_argument("--rule", action="append", default=None, help="only these rule ids")
    parser.add_argument("--conf", action="append", default=None, help="Spark setting key=value")
    args = parser.parse_args(argv)
    try:
        payload = evaluate_and_write(args.population, args.out, None, args.partitions, args.rule, args.conf)
    except InputErrors as exc:
        for e in exc.errors:
            sys.stderr.write(f"输入错误 {e.field}: {e.reason}\n")
        return 2
    except InputError as exc:
        sys.stderr.write(f"输入错误 {exc.field}: {exc.reason}\n")
        return 2
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
