"""A population cut into chunks and its rows written to a scratch directory, as ``run_chunked`` does
before its workers evaluate (tests of the cut and of a chunk's evaluation start from it)."""

from __future__ import annotations

from pathlib import Path

from duixian import rulebook
from duixian.distributed.chunks import _Cut, _split, _table_files
from duixian.distributed.plan import Plan, plan_for
from duixian.population.load import read_meta
from duixian.population.schema import population_schema


def split(path: Path, chunk: int, scratch: Path) -> tuple[_Cut, Plan, dict[str, Path]]:
    """The cut (``chunk`` enterprises a chunk), the plan and the table files; the chunks' files in
    ``scratch`` (made here)."""
    document = rulebook.documents()[read_meta(path).document]
    assert document.case_model is not None
    plan, specs = plan_for(document), population_schema(document.case_model).tables
    files = _table_files(path, document)
    cut = _Cut.of(plan, specs, files, document.references, chunk)
    scratch.mkdir()
    _split(cut, plan, specs, files, document.references, scratch)
    return cut, plan, files
