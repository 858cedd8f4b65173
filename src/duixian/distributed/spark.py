"""The population evaluation on Apache Spark: the same rules, one ``evaluate`` per partition.

Why this partitioning (温政办〔2019〕76号; see ``plan.WZB_2019_76``)
---------------------------------------------------------------------
What makes a line's amount exact is that the task computing it sees every row the rules read for
that line's beneficiary — no more (no other beneficiary's lines must change it) and no less:

* Enterprise beneficiaries (c1, c4a, c4b, c5a, c6b, c8a–c8e) read the enterprise's own rows —
  party row and qualifications, loans, guarantees, insurance policies, securitisations, bonds,
  prior awards — and the institutions those rows name (lender, guarantor, insurer, issuer). Each
  row is keyed by its enterprise and the frame is ``repartition``-ed by that key, so an
  enterprise's rows all land in one partition. The institutions named (and every party that is
  not an enterprise: a few hundred rows at city scale) are broadcast to every task. g3 (same
  project under two clauses, prior awards) and the yearly caps per beneficiary (c1, c4a, c5a)
  work over one beneficiary's lines only, so they are exact inside the partition; the lines keep
  the population's row order (``_row``), which is the order the caps fill in.
* Institution beneficiaries (c2, c3a, c3b, c4c, c5b, c5c, c6a, c7, c9, c10a–c10c, c11) add up many
  enterprises' rows per institution (claims, guarantor months, bond underwritings), and c2 and c9
  (``population=True``) rank every bank against the others. Grouping by institution would break
  the rankings; so they run ONCE, in a single task (one partition key), over the institution-side
  tables read whole — small next to the loans: a row per claim, per guarantor-month, per bank
  indicator, per bond — with the loans, parties and prior awards those rows name. Not on the
  driver: the driver stays a coordinator (it holds no population rows but the broadcast ones), and
  error rows come back the same way from both sides.
* Their project keys (``loan-interest:…``, ``guarantee-fee:…`` vs ``loss:…``, ``bond-underwriting:…``)
  and their caps (per rule) never meet, so g3 cannot tie an enterprise-side line to an
  institution-side one. A beneficiary paid on both sides (an institution that also borrows) would
  be settled by g3 twice, once per side; the run refuses such a population rather than risk a
  difference in wording or amount, and says to use ``duixian batch``.

Pooled enterprises (温浙集（开）管〔2019〕71号; see ``plan.WZJK_2019_71``)
--------------------------------------------------------------------
71号 pays enterprises only: every row is keyed by its enterprise, as above. a5 awards 30 IPs a year out
of every IP put forward (``population=True``), and 附则3 caps an enterprise's a3 + a5 + a6 together:
so the enterprises ``ip_works`` names (``plan.ranked_tables``) get one partition key between them
(``POOL_KEY``, ``with_task_key``) and are evaluated in ONE task with all their rows, where the quota
sees every IP and each one's caps see all its lines. They are few (~0.7% of the synthetic city).

Rows → tables → ``evaluate`` is ``partition.evaluate_partition``: the loader's own
``arrow_to_tables`` (every check of the case model), ``check_tables``, ``evaluate``, and
``batch.candidate_table``. No formula is written here. What a partition cannot see is checked on
the driver first: ids unique over the whole population, and a guarantee's loan being its own
borrower's (else it would sit in another partition).

Reading: ``population.yaml`` and one Parquet file (or directory of part files) per table, from any
file system Spark reads (local, ``hdfs://``, ``s3a://``). CSV/Arrow tables: convert them to Parquet.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from duixian import rulebook
from duixian.distributed.partition import (
    ERROR_FIELD,
    ERROR_REASON,
    INSTITUTION_KEY,
    KEY,
    OUTPUT_DDL,
    ROW,
    SIDE,
    TABLE,
    Job,
    evaluate_partition,
    wide_name,
)
from duixian.distributed.plan import BROADCAST, ENTERPRISE, INSTITUTION, Plan, plan_for
from duixian.engine.case import parse
from duixian.engine.document import Document
from duixian.errors import InputError, InputErrors
from duixian.population.batch import CANDIDATE_SCHEMA, canonical_order
from duixian.population.load import META_FILE, SHOWN_ERRORS, PopulationMeta, parse_meta
from duixian.population.schema import TableSpec, population_schema

OTHER_TABLE_FILES = (".csv", ".arrow", ".feather")
TASK = "_task"  # the partition key: ``_key``, or POOL_KEY for a pooled enterprise's rows
POOL_KEY = "\x00pool"  # no enterprise id is this: the pooled enterprises' one partition key


def java_available() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and os.path.exists(os.path.join(home, "bin", "java"))))


def session(
    master: str | None = "local[2]", app_name: str = "duixian", conf: Mapping[str, str] | None = None
) -> SparkSession:
    """A Spark session. ``master=None`` keeps what spark-submit set. In local mode the Python
    workers are this interpreter (the executors must import duixian, numpy, pyarrow …)."""
    if not java_available():
        raise RuntimeError("Spark needs Java 17+: put java on PATH or set JAVA_HOME")
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    if master and master.startswith("local"):
        # PySpark starts its workers with $PYSPARK_PYTHON (default python3), read when the context starts.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings = {"spark.ui.showConsoleProgress": "false", "spark.sql.session.timeZone": "UTC"}
    for key, value in (settings | dict(conf or {})).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --- reading --------------------------------------------------------------------------------------


@dataclass
class SparkPopulation:
    path: str
    document: Document
    plan: Plan
    meta: PopulationMeta
    specs: dict[str, TableSpec]
    frames: dict[str, DataFrame]  # table → its rows with _row (tables without a file are absent)
    present: dict[str, tuple[str, ...]]  # table → the model's columns its file has


def _listing(spark: SparkSession, path: str) -> list[str]:
    """The file names in a directory of any file system Spark reads (Hadoop FileSystem API)."""
    sc = spark.sparkContext
    jvm = sc._jvm
    assert jvm is not None, "a classic (JVM) Spark session, not Spark Connect"
    directory = jvm.org.apache.hadoop.fs.Path(path)
    fs = directory.getFileSystem(sc._jsc.hadoopConfiguration())
    if not fs.exists(directory) or not fs.getFileStatus(directory).isDirectory():
        raise InputError(path, "不是人群目录：人群目录应有 population.yaml 及每个表一个 Parquet 文件")
    return sorted(str(status.getPath().getName()) for status in fs.listStatus(directory))


def _meta(spark: SparkSession, path: str) -> PopulationMeta:
    row = spark.read.text(f"{path}/{META_FILE}", wholetext=True).first()
    return parse_meta("" if row is None else str(row[0]))


def _with_row(frame: DataFrame) -> DataFrame:
    """Each row's position in its table: file order, part files in path order (as pyarrow reads a
    directory), from Parquet's own row index — not the order a shuffle happens to leave."""
    frame = frame.select(
        "*", F.col("_metadata.file_path").alias("_file"), F.col("_metadata.row_index").alias("_index")
    )
    if len(frame.inputFiles()) <= 1:
        return frame.withColumn(ROW, F.col("_index")).drop("_file", "_index")
    counts = sorted((str(r[0]), int(r[1])) for r in frame.groupBy("_file").count().collect())
    starts, total = [], 0
    for name, count in counts:
        starts.append((name, total))
        total += count
    offsets = frame.sparkSession.createDataFrame(starts, "_file string, _start bigint")
    return (
        frame.join(F.broadcast(offsets), "_file")
        .withColumn(ROW, F.col("_start") + F.col("_index"))
        .drop("_file", "_index", "_start")
    )


def read_population(spark: SparkSession, path: str) -> SparkPopulation:
    """population.yaml and the Parquet tables of a population directory, as Spark frames."""
    path = path.rstrip("/")
    names = _listing(spark, path)
    if META_FILE not in names:
        raise InputError(f"{path}/{META_FILE}", "缺少此文件：人群目录应有 population.yaml 及各表的文件")
    meta = _meta(spark, path)
    documents = rulebook.documents()
    if meta.document not in documents:
        raise InputError(
            f"{META_FILE}.document", f"没有文件“{meta.document}”（可选：{'、'.join(documents)}）"
        )
    document = documents[meta.document]
    assert document.case_model is not None
    plan = plan_for(document)
    rulebook.register().choose(meta.readings, field=f"{META_FILE}.readings")
    try:
        parse(document.case_model, {"year": meta.year, "readings": meta.readings, **meta.case})
    except InputErrors as exc:
        raise InputErrors([InputError(f"{META_FILE}.case.{e.field}", e.reason) for e in exc.errors]) from None
    specs = population_schema(document.case_model).tables
    errors: list[InputError] = []
    frames: dict[str, DataFrame] = {}
    present: dict[str, tuple[str, ...]] = {}
    for name in names:
        if name == META_FILE or name.startswith((".", "_")):
            continue
        stem, _, suffix = name.rpartition(".")
        if f".{suffix}" in OTHER_TABLE_FILES:
            errors.append(InputError(name, "Spark 引擎只读 Parquet 表：请另存为 .parquet"))
        elif suffix != "parquet":
            errors.append(InputError(name, "不是表文件（应为 .parquet）"))
        elif stem not in specs:
            errors.append(
                InputError(name, f"{document.id} 没有列表 {stem!r}（可有的表：{'、'.join(specs)}）")
            )
        else:
            frame = spark.read.parquet(f"{path}/{name}")
            columns = specs[stem].columns
            errors += [
                InputError(f"{stem}.{c}", f"没有这个字段（可有的字段：{'、'.join(columns)}）")
                for c in frame.columns
                if c not in columns
            ]
            frames[stem] = _with_row(frame)
            present[stem] = tuple(c for c in columns if c in frame.columns)
    if errors:
        raise InputErrors(errors)
    return SparkPopulation(path, document, plan, meta, dict(specs), frames, present)


# --- what a partition cannot check ----------------------------------------------------------------


def global_errors(pop: SparkPopulation) -> list[InputError]:
    """Ids unique over the whole population; references that must stay inside one partition."""
    errors: list[InputError] = []
    ids = [
        frame.select(F.lit(name).alias("t"), F.col("id"), F.col(ROW))
        for name, frame in pop.frames.items()
        if "id" in pop.present[name] and pop.specs[name].parent is None
    ]
    if ids:
        union = functools.reduce(DataFrame.unionByName, ids)
        twice = (
            union.where(F.col("id").isNotNull())
            .groupBy("t", "id")
            .agg(F.count("*").alias("n"), F.min(ROW).alias("first"), F.max(ROW).alias("last"))
            .where(F.col("n") > 1)
            .orderBy("t", "last")
            .limit(SHOWN_ERRORS)
            .collect()
        )
        errors += [
            InputError(
                f"{r['t']}[{r['last']}].id", f"重复的 id {r['id']!r}（与 {r['t']}[{r['first']}] 相同）"
            )
            for r in twice
        ]
    keys = pop.plan.enterprise_keys
    for ref, target in pop.document.references.items():
        table, column = ref.rsplit(".", 1)
        if target == pop.plan.party_table or table not in keys or target not in keys:
            continue
        if table not in pop.frames or target not in pop.frames or column not in pop.present[table]:
            continue
        rows = pop.frames[table].select(
            F.col(column).alias("_ref"), F.col(keys[table]).alias("_mine"), F.col(ROW).alias("_r")
        )
        named = pop.frames[target].select(F.col("id").alias("_ref"), F.col(keys[target]).alias("_theirs"))
        for r in (
            (rows.join(named, "_ref").where(~F.col("_mine").eqNullSafe(F.col("_theirs"))).orderBy("_r"))
            .limit(SHOWN_ERRORS)
            .collect()
        ):
            errors.append(
                InputError(
                    f"{table}[{r['_r']}].{column}",
                    f"所指 {target} 中的 {r['_ref']!r} 属于 {r['_theirs']!r}，不属于 {r['_mine']!r}："
                    "Spark 引擎把每家企业的行放在一起（这样的数据请用 `duixian batch`）",
                )
            )
    return errors


# --- the wide frame -------------------------------------------------------------------------------


def _column(pop: SparkPopulation, table: str, column: str) -> Column:
    if column in pop.present[table]:
        return F.col(column)
    default = pop.specs[table].fields[column].default if column in pop.specs[table].fields else None
    return F.lit(default).cast("string")


def _ids(frames: Iterable[DataFrame]) -> DataFrame:
    return functools.reduce(DataFrame.unionByName, frames).where(F.col("_id").isNotNull()).distinct()


def _semi(frame: DataFrame, column: str, ids: DataFrame, how: str = "left_semi") -> DataFrame:
    return frame.join(ids.withColumnRenamed("_id", "_match"), F.col(column) == F.col("_match"), how)


def wide_frame(pop: SparkPopulation) -> DataFrame:
    """Every row the tasks need, in one frame: each side's rows with their partition key, and the
    broadcast rows (side ``broadcast``, sent to every task)."""
    plan, refs = pop.plan, pop.document.references
    party, index = plan.party_table, {name: i for i, name in enumerate(pop.specs)}
    if party not in pop.frames:
        raise InputError(f"{party}.parquet", "缺少此文件：Spark 引擎需要 parties 表")
    parties = pop.frames[party]
    spark = parties.sparkSession
    children = [n for n, s in pop.specs.items() if s.parent == party and n in pop.frames]
    parts: list[DataFrame] = []

    def add(name: str, frame: DataFrame, key: Column, side: str) -> None:
        columns = [F.col(c).alias(wide_name(index[name], c)) for c in pop.present[name]]
        parts.append(
            frame.select(
                F.lit(name).alias(TABLE),
                F.col(ROW).cast("long").alias(ROW),
                key.cast("string").alias(KEY),
                F.lit(side).alias(SIDE),
                *columns,
            )
        )

    # Broadcast: every party that is not an enterprise, and the parties enterprise-side rows name in
    # a role other than their key (lender, guarantor, insurer, issuer).
    named = [
        parties.where(F.coalesce(_column(pop, party, "kind"), F.lit("enterprise")) != "enterprise").select(
            F.col("id").alias("_id")
        )
    ]
    for ref, target in refs.items():
        table, column = ref.rsplit(".", 1)
        other_role = table in plan.enterprise_keys and column != plan.enterprise_keys[table]
        if target == party and other_role and table in pop.frames and column in pop.present[table]:
            named.append(pop.frames[table].select(F.col(column).alias("_id")))
    shared_ids = [r[0] for r in _ids(named).collect()]
    shared = spark.createDataFrame([(i,) for i in shared_ids], "_id string")
    add(party, _semi(parties, "id", F.broadcast(shared)), F.lit(None), BROADCAST)
    for child in children:
        add(child, _semi(pop.frames[child], "parent", F.broadcast(shared)), F.lit(None), BROADCAST)

    # Enterprise side: each row keyed by its enterprise (broadcast parties are everywhere already).
    for table, key in plan.enterprise_keys.items():
        if table not in pop.frames:
            continue
        frame = pop.frames[table]
        if table == party:
            frame = _semi(frame, "id", F.broadcast(shared), "left_anti")
        elif table in children:
            frame = _semi(frame, "parent", F.broadcast(shared), "left_anti")
        add(table, frame, _column(pop, table, key), ENTERPRISE)

    # Institution side: its tables whole, the rows they name (claimed loans, parties), and the
    # prior awards of those parties; one key, so one task.
    selected = {t: pop.frames[t] for t in plan.institution_tables if t in pop.frames}
    done: set[str] = set()
    while True:
        todo = [
            (ref, target)
            for ref, target in refs.items()
            if ref not in done
            and ref.rsplit(".", 1)[0] in selected
            and target not in (party, *plan.institution_tables)
            and target in pop.frames
        ]
        if not todo:
            break
        done.update(ref for ref, _ in todo)
        for target in {t for _, t in todo}:
            sources = [
                selected[r.rsplit(".", 1)[0]].select(F.col(r.rsplit(".", 1)[1]).alias("_id"))
                for r, t in refs.items()
                if t == target and r in done and r.rsplit(".", 1)[1] in pop.present[r.rsplit(".", 1)[0]]
            ]
            if sources:
                selected[target] = _semi(pop.frames[target], "id", _ids(sources))
    party_refs = [
        selected[table].select(F.col(column).alias("_id"))
        for table, column in (ref.rsplit(".", 1) for ref, target in refs.items() if target == party)
        if table in selected and column in pop.present[table]
    ]
    own = None
    if party_refs:  # the parties the institution side names, less those broadcast anyway
        own = _ids(party_refs).join(
            F.broadcast(shared.withColumnRenamed("_id", "_shared")),
            F.col("_id") == F.col("_shared"),
            "left_anti",
        )
    for table, frame in selected.items():
        add(table, frame, F.lit(INSTITUTION_KEY), INSTITUTION)
    if own is not None:
        add(party, _semi(parties, "id", own), F.lit(INSTITUTION_KEY), INSTITUTION)
        for child in children:
            add(child, _semi(pop.frames[child], "parent", own), F.lit(INSTITUTION_KEY), INSTITUTION)
    present_ids = own.unionByName(shared) if own is not None else shared
    for table, column in plan.follow_party.items():
        if table in pop.frames and column in pop.present[table]:
            add(table, _semi(pop.frames[table], column, present_ids), F.lit(INSTITUTION_KEY), INSTITUTION)
    return functools.reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), parts)


def with_task_key(pop: SparkPopulation, rows: DataFrame) -> DataFrame:
    """``rows`` with the partition key of each (``TASK``): its ``_key``, but one key for every row of
    the enterprises the plan's ranked tables name (a population rule ranks their rows in one task)."""
    keys = pop.plan.enterprise_keys
    named = [
        pop.frames[t].select(F.col(keys[t]).alias("_id"))
        for t in sorted(pop.plan.ranked_tables)
        if t in pop.frames and keys[t] in pop.present[t]
    ]
    if not named:
        return rows.withColumn(TASK, F.col(KEY))
    pooled = F.broadcast(_ids(named).withColumn("_pooled", F.lit(True)))
    return (
        rows.join(pooled, (F.col(KEY) == F.col("_id")) & (F.col(SIDE) == ENTERPRISE), "left")
        .withColumn(TASK, F.when(F.col("_pooled"), F.lit(POOL_KEY)).otherwise(F.col(KEY)))
        .drop("_id", "_pooled")
    )


# --- running --------------------------------------------------------------------------------------


def _task(batches: Iterator[pa.RecordBatch], job: Job, shared: Any) -> Iterator[pa.RecordBatch]:
    return evaluate_partition(batches, job, shared.value)


@dataclass
class SparkRun:
    population: SparkPopulation
    candidates: DataFrame  # CANDIDATE_SCHEMA's columns, texts plain (batch.PLAIN_SCHEMA); persisted
    partitions: int
    broadcast_rows: int
    seconds: dict[str, float] = field(default_factory=dict)
    _output: DataFrame | None = None

    def close(self) -> None:
        if self._output is not None:
            self._output.unpersist()


def run(
    spark: SparkSession, path: str, partitions: int | None = None, rule_ids: Iterable[str] | None = None
) -> SparkRun:
    """Evaluate every rule of the population's document on Spark; the candidates stay in Spark."""
    t0 = time.perf_counter()
    pop = read_population(spark, path)
    wanted = None if rule_ids is None else set(rule_ids)
    if wanted is not None and (unknown := sorted(wanted - set(pop.document.rules))):
        raise InputError("rule", f"{pop.document.id} 没有这些规则：{'、'.join(unknown)}")
    errors = global_errors(pop)
    if errors:
        raise InputErrors(errors)
    t1 = time.perf_counter()
    job = Job(
        meta=pop.meta.model_dump(mode="json"),
        rule_ids={
            side: tuple(sorted(r for r in pop.plan.rules(side) if wanted is None or r in wanted))
            for side in (ENTERPRISE, INSTITUTION)
        },
        present=pop.present,
    )
    rows = wide_frame(pop)
    shared_rows = rows.where(F.col(SIDE) == BROADCAST).toArrow()
    shared = spark.sparkContext.broadcast(shared_rows)
    n = partitions or spark.sparkContext.defaultParallelism
    output = (
        with_task_key(pop, rows.where(F.col(SIDE) != BROADCAST))
        .repartition(n, TASK)
        .drop(TASK)
        .mapInArrow(functools.partial(_task, job=job, shared=shared), OUTPUT_DDL)
        .persist()
    )
    t2 = time.perf_counter()
    count = output.where(F.col(ERROR_FIELD).isNotNull()).count()  # computes (and keeps) every partition
    t3 = time.perf_counter()
    if count:
        # A party row may sit in two tasks (its own partition and the institution task): same error.
        failed = output.where(F.col(ERROR_FIELD).isNotNull()).select(ERROR_FIELD, ERROR_REASON).distinct()
        count = failed.count()
        shown = failed.limit(SHOWN_ERRORS).collect()
        found = [InputError(r[0], r[1]) for r in shown]
        if count > len(found):
            found.append(InputError("population", f"共 {count} 处错误，以上列出前 {len(found)} 处"))
        output.unpersist()
        raise InputErrors(found)
    candidates = output.drop(SIDE, ERROR_FIELD, ERROR_REASON)
    both = (
        output.groupBy("beneficiary")
        .agg(F.countDistinct(SIDE).alias("sides"))
        .where(F.col("sides") > 1)
        .limit(5)
        .collect()
    )
    if both:
        output.unpersist()
        who = ", ".join(str(r[0]) for r in both)
        raise InputError(
            "population",
            f"paid by both enterprise-side and institution-side rules: {who}; g3 settles a beneficiary "
            "over all its lines at once, which the Spark plan does not do for these: use `duixian batch`",
        )
    return SparkRun(
        pop,
        candidates,
        n,
        shared_rows.num_rows,
        {"read_and_check": t1 - t0, "plan": t2 - t1, "evaluate": t3 - t2},
        output,
    )


def collect(run: SparkRun) -> pa.Table:
    """The candidates on the driver, as ``population.batch`` builds them (readings and reasons made
    dictionaries again), in canonical order."""
    table = run.candidates.toArrow().select(CANDIDATE_SCHEMA.names).cast(CANDIDATE_SCHEMA)
    return canonical_order(table, run.population.document)


def totals(candidates: pa.Table) -> dict[str, int]:
    """Fen per rule (for quick comparisons)."""
    grouped = candidates.group_by("rule").aggregate([("amount_fen", "sum")])
    return {
        str(r): int(t)
        for r, t in zip(grouped["rule"].to_pylist(), grouped["amount_fen_sum"].to_pylist(), strict=True)
    }


__all__ = [
    "SparkPopulation",
    "SparkRun",
    "canonical_order",
    "collect",
    "global_errors",
    "java_available",
    "read_population",
    "run",
    "session",
    "totals",
    "wide_frame",
    "with_task_key",
]
