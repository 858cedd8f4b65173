"""Errors a user can cause and fix; the CLI prints them without a traceback."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: names the field (a dotted path such as ``loans[2].principal``) and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class InputErrors(ValueError):
    """Several input errors found at once, reported together."""

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors
