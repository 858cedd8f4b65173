"""`duixian spark batch`: the population evaluation on Apache Spark (see docs/spark.md).

duixian spark batch DIR --out OUT_DIR [--master local[4]] [--partitions 8] [--conf k=v] [--json]
DIR and OUT_DIR may be any path Spark reads and writes (hdfs://…, s3a://…). Under spark-submit,
run src/duixian/distributed/submit.py instead (it leaves the master to spark-submit).
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer
from rich.table import Table

from duixian.cli._common import out, print_json, user_errors
from duixian.engine.money import format_fen
from duixian.errors import InputError

app: typer.Typer = typer.Typer(
    help="在 Apache Spark 上批量兑现（免申即享）：按企业分区，每个分区运行同一套规则",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def evaluate_and_write(
    population: str,
    out_dir: str,
    master: str | None,
    partitions: int | None,
    rules: list[str] | None,
    conf: list[str] | None,
) -> dict[str, Any]:
    """Run, write the candidates as Parquet (a Spark output directory), return the summary."""
    from duixian.distributed import spark as distributed  # pyspark is a dev/optional dependency
    from duixian.population.batch import summary

    settings: dict[str, str] = {}
    for item in conf or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError("conf", f"{item!r}：应写作 key=value")
        settings[key] = value
    t0 = time.perf_counter()
    spark = distributed.session(master, conf=settings)
    started = time.perf_counter() - t0
    run = distributed.run(spark, population, partitions, rules)
    try:
        t1 = time.perf_counter()
        run.candidates.write.mode("overwrite").parquet(out_dir)
        candidates = distributed.collect(run)
        written = time.perf_counter() - t1
    finally:
        run.close()
    seconds = {"session": started} | run.seconds | {"write_and_collect": written}
    return {
        "document": run.population.document.id,
        "year": run.population.meta.year,
        "synthetic": run.population.meta.synthetic,
        "entities": run.population.meta.entities,
        "partitions": run.partitions,
        "broadcast_rows": run.broadcast_rows,
        "candidates": candidates.num_rows,
        "total_fen": int(sum(candidates["amount_fen"].to_pylist())),
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "out": out_dir,
        **summary(candidates),
    }


@app.command("batch")
@user_errors
def batch(
    population: Annotated[str, typer.Argument(help="人群目录（本地路径、hdfs://、s3a://）")],
    out_dir: Annotated[str, typer.Option("--out", help="候选名单的输出目录（Parquet）")],
    master: Annotated[str, typer.Option(help="Spark master；'' 表示沿用 spark-submit 的设置")] = "local[2]",
    partitions: Annotated[int | None, typer.Option(help="分区数（默认：Spark 的并行度）", min=1)] = None,
    rule: Annotated[list[str] | None, typer.Option("--rule", help="只计算这些规则（规则 id）")] = None,
    conf: Annotated[list[str] | None, typer.Option("--conf", help="Spark 设置 key=value")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出汇总")] = False,
) -> None:
    """在 Spark 上对人群计算全部规则；结果与 `duixian batch` 逐行一致。"""
    payload = evaluate_and_write(population, out_dir, master or None, partitions, rule, conf)
    if as_json:
        print_json(payload)
        return
    label = "合成数据（SYNTHETIC，非真实企业）" if payload["synthetic"] else "真实数据"
    out.print(
        f"{payload['document']} {payload['year']} 年 — {label}；{payload['partitions']} 个分区，"
        f"广播 {payload['broadcast_rows']} 行；可兑现 {payload['candidates']} 笔 → {payload['out']}",
        highlight=False,
    )
    out.print("耗时（秒）：" + "，".join(f"{k} {v}" for k, v in payload["seconds"].items()), highlight=False)
    table = Table("规则", "类型", "笔数", "金额（元）")
    for item in payload["by_rule"]:
        table.add_row(item["rule"], item["kind"], str(item["count"]), format_fen(item["total_fen"]))
    out.print(table)
