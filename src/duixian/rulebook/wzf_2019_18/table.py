"""The annex table as data: the 22 indicators read from parameters/targets.yaml (each row quoted there)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from duixian.engine.indicators import Target
from duixian.engine.parameters import ParameterSet, Source
from duixian.rulebook.wzf_2019_18.case import INDICATOR_COUNT

P = "wzf-2019-18."
BINDING = "约束型"


@dataclass(frozen=True)
class Indicator:
    number: int
    name: str
    unit: str
    attribute: str  # 引导型 or 约束型, as printed
    base: Decimal | None  # the 2018 value; None where the table prints “-”
    printed_target: str  # as printed: “7800”, “＞72”, “<32”
    source: Source  # the table row, quoted

    @property
    def binding(self) -> bool:
        return self.attribute == BINDING

    @property
    def bare(self) -> bool:
        """A target printed as a bare number, with no comparison: its sense is a reading."""
        return self.printed_target.strip()[0].isdigit()

    def target(self, bare_reading: str) -> Target:
        """The target as a comparison; a bare number is ≥ (at_least) or ＞ (strictly_above) by reading."""
        parsed = Target.parse(self.printed_target)
        if self.bare and bare_reading == "strictly_above":
            return Target(">", parsed.value)
        return parsed

    @property
    def label(self) -> str:
        return f"第{self.number}项 {self.name}"


def _decimal(value: object) -> Decimal:
    assert isinstance(value, Fraction)
    return Decimal(value.numerator) / Decimal(value.denominator)


def indicators(params: ParameterSet) -> list[Indicator]:
    """All 22 rows, in the table's order."""
    out = []
    for number in range(1, INDICATOR_COUNT + 1):
        key = f"{P}t{number:02d}"
        target = params[f"{key}.target"]
        (printed,) = target.values
        (attribute,) = params[f"{key}.attribute"].values
        base = params[f"{key}.base"].values[0].value if f"{key}.base" in params else None
        out.append(
            Indicator(
                number=number,
                name=target.description,
                unit=target.measure,
                attribute=str(attribute.value),
                base=None if base is None else _decimal(base),
                printed_target=str(printed.value),
                source=printed.source,
            )
        )
    return out
