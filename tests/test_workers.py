"""A batch's worker processes: forked with the rulebook parsed when the driver runs no other thread,
spawned otherwise (population.workers)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest

from duixian import rulebook
from duixian.population.workers import can_fork, worker_pool


def _state() -> dict[str, Any]:
    """What a worker finds as it starts its first task."""
    return {
        "parsed": rulebook.documents.cache_info().currsize,
        "pandas": "pandas" in sys.modules,
    }


_DRIVER = """
import json
from duixian.population.workers import worker_pool
def state():
    from duixian import rulebook
    import sys
    return {"parsed": rulebook.documents.cache_info().currsize, "pandas": "pandas" in sys.modules}
if __name__ == "__main__":
    pool = worker_pool(2)
    found = pool.submit(state).result()
    print(json.dumps({**found, "context": pool._mp_context.get_start_method()}))
    pool.shutdown()
"""


@pytest.mark.skipif(sys.platform != "linux", reason="fork is used on Linux only")
def test_a_driver_without_threads_forks_its_workers_ready_to_work(tmp_path: Any) -> None:
    script = tmp_path / "driver.py"
    script.write_text(_DRIVER)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    found = json.loads(done.stdout)
    # The worker parsed nothing and imported nothing itself: it is a copy of the driver, which did both.
    assert found == {"parsed": 1, "pandas": True, "context": "fork"}


def _first_task_beside_a_thread(initializer: Callable[[], object] | None) -> tuple[dict[str, Any], str]:
    """What a pool's worker finds at its first task, and the pool's start method, the driver running
    a second Python thread meanwhile."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert not can_fork()
        pool = worker_pool(1, initializer=initializer)
        try:
            return pool.submit(_state).result(), pool._mp_context.get_start_method()
        finally:
            pool.shutdown()
    finally:
        stop.set()
        thread.join()


def test_a_driver_running_a_thread_spawns_its_workers() -> None:
    found, method = _first_task_beside_a_thread(None)
    # A new interpreter: nothing parsed before its task (no initializer was given).
    assert found["parsed"] == 0
    assert method == "spawn"


def test_a_spawned_worker_runs_its_initializer_first() -> None:
    found, method = _first_task_beside_a_thread(rulebook.load)
    assert found["parsed"] == 1
    assert method == "spawn"


@pytest.mark.parametrize("auto_refresh, threads_added", [(False, 0), (True, 1)])
def test_the_chunked_and_several_commands_progress_bar_starts_no_thread(
    auto_refresh: bool, threads_added: int
) -> None:
    from duixian.cli._common import progress_bar

    before = threading.active_count()
    with progress_bar(auto_refresh=auto_refresh):
        during = threading.active_count()
    assert during - before == threads_added
