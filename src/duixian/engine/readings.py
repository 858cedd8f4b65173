"""The interpretations register: every ambiguity of the gazette, the reading chosen and why.

Each entry is a switch. A calculation may choose another option of a switch;
its explanation names every reading it used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from duixian.engine.yaml_files import read_yaml
from duixian.errors import InputError


@dataclass(frozen=True)
class Interpretation:
    switch: str
    provisions: tuple[str, ...]
    question: str
    options: Mapping[str, str]
    default: str
    reason: str


@dataclass(frozen=True)
class Register:
    entries: Mapping[str, Interpretation]

    @classmethod
    def load(cls, *paths: Path) -> Register:
        """One register from several files (one per document); a missing file holds no entries."""
        raw = [item for path in paths if path.exists() for item in read_yaml(path) or []]
        entries: dict[str, Interpretation] = {}
        for item in raw:
            entry = Interpretation(
                switch=item["switch"],
                provisions=tuple(item["provisions"]),
                question=item["question"],
                options=dict(item["options"]),
                default=item["default"],
                reason=item["reason"],
            )
            if entry.default not in entry.options:
                raise ValueError(f"{entry.switch}: default {entry.default!r} is not one of its options")
            if entry.switch in entries:
                raise ValueError(f"switch {entry.switch} registered twice")
            entries[entry.switch] = entry
        return cls(entries)

    def problems(
        self, overrides: Mapping[str, str] | None = None, field: str = "readings"
    ) -> list[InputError]:
        """Every reading ``choose`` refuses, each naming its switch: not in the register, or not an option."""
        found: list[InputError] = []
        for name, option in (overrides or {}).items():
            entry = self.entries.get(name)
            if entry is None:
                found.append(InputError(f"{field}.{name}", "解释登记册中没有这个开关"))
            elif option not in entry.options:
                allowed = "、".join(entry.options)
                found.append(InputError(f"{field}.{name}", f"“{option}”不是可选项（可选：{allowed}）"))
        return found

    def choose(self, overrides: Mapping[str, str] | None = None, field: str = "readings") -> Readings:
        problems = self.problems(overrides, field)
        if problems:
            raise problems[0]
        return Readings(self, {name: e.default for name, e in self.entries.items()} | dict(overrides or {}))


@dataclass(frozen=True)
class Readings:
    register: Register
    chosen: Mapping[str, str]

    def __getitem__(self, switch: str) -> str:
        return self.chosen[switch]

    def describe(self, switch: str) -> str:
        entry = self.register.entries[switch]
        option = self.chosen[switch]
        return f"{switch} = {option}：{entry.options[option]}"
