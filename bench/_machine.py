"""What this machine charges for memory a process touches for the first time, printed beside a bench.

On the reference VM memory the guest has not touched since it booted is backed by the host on first
touch: 8 GB took 12.6 s (1.6 ms per MB), 70 MB of candidates' text 0.16 s, against 0.13–0.15 ms per MB
once the host had backed the pages (and 0.04 ms per MB to write them again). A city's batch writes a
gigabyte or more of fresh pages, so its timings move with this figure from one machine state to
another; printed, it tells a slow state of the machine from a slow change of the code.
"""

from __future__ import annotations

import subprocess
import sys

_PROBE = """
import time, numpy as np
n = 256 * 2**20
t0 = time.perf_counter(); a = np.ones(n // 8); t1 = time.perf_counter(); a[:] = 2; t2 = time.perf_counter()
print((t1 - t0) * 1000 / 256, (t2 - t1) * 1000 / 256)
"""


def fresh_memory_line() -> str:
    """One line: ms per MB to touch fresh memory in a new process, and to write it again."""
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    first, again = (float(x) for x in done.stdout.split())
    return (
        f"machine: fresh memory {first:.2f} ms/MB on first touch, {again:.3f} ms/MB written again "
        "(256 MB in a new process; first touch is part of every timing below)"
    )
