"""The interpretations register: every ambiguity of the gazette, the reading chosen and why.

Each entry is a switch. A calculation may choose another option of a switch;
its explanation names every reading it used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

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
        raw = [
            item
            for path in paths
            if path.exists()
            for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []
        ]
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

    def choose(self, overrides: Mapping[str, str] | None = None, field: str = "readings") -> Readings:
        chosen = {name: e.default for name, e in self.entries.items()}
        for name, option in (overrides or {}).items():
            if name not in self.entries:
                raise InputError(f"{field}.{name}", "no such switch in the interpretations register")
            if option not in self.entries[name].options:
                allowed = ", ".join(self.entries[name].options)
                raise InputError(f"{field}.{name}", f"{option!r} is not an option (choose one of: {allowed})")
            chosen[name] = option
        return Readings(self, chosen)


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
