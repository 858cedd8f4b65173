"""A minimal OpenFisca tax-benefit system for 温政办〔2019〕76号 clauses 1 and 8 — for the benchmark only.

An independent encoding of the same arithmetic duixian's rules c1 and c8a–c8e compute, in the shape
OpenFisca models: one entity (Enterprise), one loan, one guarantee and one insurance policy per
enterprise, money as OpenFisca's float (float32) in yuan. It is not part of duixian; duixian's rules
live once, in src/duixian/rulebook/wzb_2019_76.
"""

from __future__ import annotations

from pathlib import Path

from openfisca_core.taxbenefitsystems import TaxBenefitSystem  # type: ignore[import-untyped]

from openfisca_wenzhou.entities import ENTITIES
from openfisca_wenzhou.variables import VARIABLES

PARAMETERS = Path(__file__).parent / "parameters"


class WenzhouSystem(TaxBenefitSystem):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(ENTITIES)
        self.add_variables(*VARIABLES)
        self.load_parameters(str(PARAMETERS))
