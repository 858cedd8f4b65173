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
    base: Decimal | None  # the 2018 value as printed (Decimal("2.0") shows “2.0”); None for “-”
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
    def lower_is_better(self) -> bool:
        """A ceiling (“<32”): the lower the value, the better."""
        return not Target.parse(self.printed_target).rising

    @property
    def label(self) -> str:
        return f"第{self.number}项 {self.name}"


def _printed_base(quote: str, number: int, name: str, unit: str, attribute: str, target: str) -> str:
    """The 2018 value exactly as the row prints it: what lies between the attribute and the target."""
    head, tail = f"{number} {name} {unit} {attribute} ", f" {target}"
    if not (quote.startswith(head) and quote.endswith(tail)):
        raise ValueError(f"第{number}项：引用的原表行不是“{head}… {target}”：{quote}")
    return quote[len(head) : -len(tail)].strip()


def _base(value: Fraction | None, printed: str, number: int) -> Decimal | None:
    """The 2018 value, keeping the printed decimals (“2.0”, not 2); checked against the parameter."""
    if value is None:
        if printed != "-":
            raise ValueError(f"第{number}项：原表印有 {printed!r}，但没有给出基期参数")
        return None
    shown = Decimal(printed)
    if Fraction(shown) != value:
        raise ValueError(f"第{number}项：基期参数 {value} 与原表印的 {printed!r} 不同")
    return shown


def indicators(params: ParameterSet) -> list[Indicator]:
    """All 22 rows, in the table's order."""
    out = []
    for number in range(1, INDICATOR_COUNT + 1):
        key = f"{P}t{number:02d}"
        target = params[f"{key}.target"]
        (printed,) = target.values
        (attribute,) = params[f"{key}.attribute"].values
        base = params[f"{key}.base"].values[0].value if f"{key}.base" in params else None
        assert base is None or isinstance(base, Fraction)
        name, unit, shown_target = target.description, target.measure, str(printed.value)
        text = _printed_base(printed.source.quote, number, name, unit, str(attribute.value), shown_target)
        out.append(
            Indicator(
                number=number,
                name=name,
                unit=unit,
                attribute=str(attribute.value),
                base=_base(base, text, number),
                printed_target=shown_target,
                source=printed.source,
            )
        )
    return out
