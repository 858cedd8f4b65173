"""The cycle collector is paused while a population is loaded or evaluated, and left as it was."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from duixian.population.memory import cyclic_gc_paused


@pytest.fixture(autouse=True)
def _collector_enabled() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_restored_after() -> None:
    with cyclic_gc_paused():
        assert not gc.isenabled()
        with cyclic_gc_paused():  # nested: the inner end does not turn it back on
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    with cyclic_gc_paused():
        pass
    assert not gc.isenabled()


def test_restored_after_an_error_in_a_decorated_function() -> None:
    @cyclic_gc_paused()
    def failing() -> None:
        assert not gc.isenabled()
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        failing()
    assert gc.isenabled()
