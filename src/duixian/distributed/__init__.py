"""Beyond one machine: the population evaluation on Apache Spark (see docs/spark.md).

``plan``      which rows go to which task and which rules each task runs (per document);
``partition`` one task's work, Arrow in → ``evaluate`` → Arrow out (no Spark import: testable alone);
``spark``     the driver: read the population, check what no partition can, build the keyed frame,
              ``repartition`` by enterprise, ``mapInArrow``; the design is argued in its docstring;
``submit``    the spark-submit entry script.

Only ``spark`` and ``submit`` import pyspark (a dev/optional dependency).
"""
