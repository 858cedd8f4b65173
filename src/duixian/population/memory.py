"""Keep freed heap memory for reuse while a population is evaluated (glibc's malloc only).

Evaluating a city allocates and frees thousands of columns of a few megabytes. By default glibc
hands each large block back to the kernel when it is freed (mmap'd blocks, and the top of the heap
above 128 KiB), so the next column of the same size faults every page in again: on the reference
machine a third of the batch's time was page faults. Raising the mmap threshold to its maximum
(32 MiB) and the trim threshold keeps the blocks in the heap, where the next column reuses them.
The process's peak memory is unchanged; memory freed below the peak is kept until the process ends,
which suits a batch command. Arrow's buffers then come from the same malloc (its default pool,
mimalloc, hands freed pages back at once: at 10^6 enterprises the load spent 2–3 s of system time
faulting them in again, 1 s with the system pool, and peaked lower). Elsewhere (macOS, musl) this
does nothing.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import pyarrow as pa  # type: ignore[import-untyped]

# mallopt parameters of glibc's malloc.h
_M_TRIM_THRESHOLD = -1
_M_TOP_PAD = -2
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD_MAX = 32 * 2**20  # glibc refuses more on 64-bit (HEAP_MAX_SIZE / 2)
_KEEP = 2**31 - 1  # mallopt takes an int: keep up to 2 GiB of free heap
_TOP_PAD = 64 * 2**20  # grow the heap 64 MiB at a time (fewer brk calls)


@cache
def reuse_freed_memory() -> bool:
    """Tune malloc once per process; True when it took effect."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    settings = ((_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX), (_M_TRIM_THRESHOLD, _KEEP), (_M_TOP_PAD, _TOP_PAD))
    if not all(mallopt(option, value) == 1 for option, value in settings):
        return False
    pa.set_memory_pool(pa.system_memory_pool())
    return True


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector off while a population is loaded or evaluated, as it was after.

    A city's columns make millions of objects (texts, tuples, lists from ``tolist``) that are freed by
    reference counting, not by the collector; yet each allocation burst triggers collections, and the
    oldest generation walks every live object: 0.13 s of a 76号 run at 10^6 (1.5 s), for no garbage.
    Nested uses keep the collector off until the outermost ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
