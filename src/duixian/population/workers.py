"""How a batch starts its worker processes: forked from the driver where that is safe, else spawned.

A spawned worker starts a new interpreter: it imports numpy, pyarrow and duixian, parses the rulebook
and, on its first conversion to numpy, pyarrow's pandas (about 0.5–0.7 s on the reference machine). That
time sat on the critical path: at 10^6 the second document's worker started its population when the
driver was nearly done with the first, and at 10^7 the two importing workers took CPU from the
driver's plan and shuffle. A forked worker starts with all of that done, and with the driver's
memory settings (``memory.reuse_freed_memory``).

A fork copies only the thread that calls it. It is used only when the driver runs no other Python
thread (a progress bar's refresh thread, a web server's request threads could hold a lock the child
would then find held for ever), on Linux, where the native threads present are numpy's OpenBLAS and
Arrow's (thread pools, jemalloc), which reset themselves in the child (``pthread_atfork``).
Otherwise the workers are spawned.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext

import pyarrow as pa  # type: ignore[import-untyped]

from duixian import rulebook


def can_fork() -> bool:
    """True where a forked worker is safe (see the module docstring)."""
    return sys.platform == "linux" and threading.active_count() == 1


def worker_pool(workers: int, initializer: Callable[[], object] | None = None) -> ProcessPoolExecutor:
    """``workers`` processes, started now: forked from a driver that has imported and parsed what
    every task needs, or spawned (then ``initializer`` does that in each, while the driver works on)."""
    forked = can_fork()
    if forked:
        prepare_for_work()
    context: BaseContext = multiprocessing.get_context("fork" if forked else "spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=initializer)
    with warnings.catch_warnings():
        # Python 3.12 warns on any fork of a process with threads; those here are the native ones the
        # module docstring names, which are fork-safe.
        warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*fork.*")
        for _ in range(workers):  # a fork pool starts every process on the first submission
            pool.submit(_nothing)
    return pool


def prepare_for_work() -> None:
    """What every worker needs before its first task, done once (in the driver before a fork, or in
    each spawned worker): the rulebook parsed; pandas imported, which pyarrow loads on the first
    conversion to numpy (0.13–0.6 s)."""
    rulebook.load()
    pa.array([0]).to_numpy()


def _nothing() -> None:
    return None
