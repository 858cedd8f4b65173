"""Random unified social credit codes for tests: mostly valid (their check character computed), the
rest with a random last character (valid by chance one time in 31)."""

from __future__ import annotations

import random

from duixian.engine.identifiers import _ALPHABET, with_check_character


def random_code(rng: random.Random, first: str, second: str, digits: str, valid_share: float) -> str:
    """A code whose 1st character is one of ``first``, 2nd of ``second``, 3rd–8th of ``digits``."""
    body = rng.choice(first) + rng.choice(second)
    body += "".join(rng.choice(digits) for _ in range(6))
    body += "".join(rng.choice(_ALPHABET) for _ in range(9))
    return with_check_character(body) if rng.random() < valid_share else body + rng.choice(_ALPHABET)
