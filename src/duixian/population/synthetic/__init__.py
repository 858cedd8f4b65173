"""SYNTHETIC populations for trying 免申即享 at city scale. Nothing here describes a real enterprise.

Every party is named 合成企业…/合成银行…; population.yaml says ``synthetic: true`` and lists, in its
``calibration`` text, which figures come from the gazette (quoted) and which are assumptions of the
generator. Seeded: the same (document, entities, seed, year) always gives the same files.

One module per document (``wzb_2019_76``, ``wzjk_2019_71``); ``_common`` holds what they share.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from duixian import rulebook
from duixian.population.synthetic._common import DIVISIONS, Generated
from duixian.population.synthetic.wzb_2019_76 import CALIBRATION_76, generate_76
from duixian.population.synthetic.wzjk_2019_71 import generate_71
from duixian.population.write import FileFormat, write_population

GENERATORS: dict[str, Callable[[int, int, int], Generated]] = {
    "wzb-2019-76": generate_76,
    "wzjk-2019-71": generate_71,
}


def generate(
    document_id: str,
    entities: int,
    seed: int,
    year: int,
    out: Path | str,
    file_format: FileFormat = "parquet",
) -> Path:
    if document_id not in GENERATORS:
        raise KeyError(f"no synthetic generator for {document_id} (have: {', '.join(GENERATORS)})")
    made = GENERATORS[document_id](entities, seed, year)
    return write_population(
        out,
        rulebook.documents()[document_id],
        year,
        made.tables,
        synthetic=True,
        seed=seed,
        entities=entities,
        calibration=made.calibration,
        file_format=file_format,
    )


__all__ = ["CALIBRATION_76", "DIVISIONS", "GENERATORS", "Generated", "generate", "generate_71", "generate_76"]
