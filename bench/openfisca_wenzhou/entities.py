"""The one entity: an enterprise (its loan, guarantee and insurance policy are its own variables)."""

from __future__ import annotations

from openfisca_core.entities import build_entity

Enterprise = build_entity(key="enterprise", plural="enterprises", label="企业", is_person=True)
ENTITIES = [Enterprise]
