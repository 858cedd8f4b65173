"""g3 numbers beneficiaries and projects without building their strings; the numbers must tell keys
apart exactly as the strings would (equal keys, equal numbers; different keys, different numbers)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from duixian import rulebook
from duixian.engine.rules import Context, KeyColumn, Keys, Lines, key_numbers
from duixian.engine.tables import Column, Table
from duixian.rulebook.wzb_2019_76.rules import g3


def _same_partition(strings: list[object], numbers: list[int]) -> None:
    """Two rows share a number exactly when they share a string."""
    assert len(strings) == len(numbers)
    by_string: dict[object, int] = {}
    by_number: dict[int, object] = {}
    for s, n in zip(strings, numbers, strict=True):
        assert by_string.setdefault(s, n) == n, (s, n)
        assert by_number.setdefault(n, s) == s, (s, n)


def _strings(column: KeyColumn, rows: npt.NDArray[np.intp]) -> list[object]:
    return list(np.asarray(column[rows], dtype=object).tolist())


def _check(
    columns: list[KeyColumn],
    rows: list[npt.NDArray[np.intp]],
    texts: list[str],
    distinct: Callable[[Column], bool] = lambda ids: False,
) -> int:
    found = key_numbers(columns, rows, np.asarray(texts, dtype=object), distinct)
    assert found is not None
    codes, text_codes, width = found
    strings = [s for c, r in zip(columns, rows, strict=True) for s in _strings(c, r)] + list(texts)
    numbers = [int(n) for n in np.concatenate([*codes, text_codes])]
    assert all(0 <= n < width for n in numbers)
    _same_partition(strings, numbers)
    return width


def test_keys_numbered_as_their_strings() -> None:
    rng = np.random.default_rng(3)
    vocabulary = np.asarray(["1", "2", "a:b", "b", "", "a", "2:1"], dtype=object)
    loan = rng.choice(vocabulary, 40)
    fee = rng.choice(vocabulary, 30)
    columns: list[KeyColumn] = [
        Keys("loan", loan),
        Keys("guarantee-fee", fee),
        Keys("loan", rng.choice(vocabulary, 25)),  # another array, same prefix
        Keys("guarantee-fee", fee),  # the same array again
        np.asarray(
            ["loan:1", "loan:a:b", "guarantee-fee:2", "loan", "loan:", "other:1", ":1", "x"], dtype=object
        ),
    ]
    rows = [
        rng.choice(40, 30).astype(np.intp),
        rng.choice(30, 20).astype(np.intp),
        np.arange(25, dtype=np.intp),
        rng.choice(30, 10).astype(np.intp),
        np.arange(8, dtype=np.intp),
    ]
    texts = ["loan:2", "guarantee-fee:a:b", "loan:zz", "other:1", "x", "y"]
    _check(columns, rows, texts)


def test_distinct_ids_numbered_by_position() -> None:
    ids = np.asarray([f"L{i}" for i in range(50)], dtype=object)
    columns: list[KeyColumn] = [Keys("loan-interest", ids), Keys("loan-interest", ids), Keys("other", ids)]
    rows = [
        np.arange(0, 50, 2, dtype=np.intp),
        np.arange(0, 50, 3, dtype=np.intp),
        np.arange(7, dtype=np.intp),
    ]
    width = _check(columns, rows, [], lambda a: a is ids)
    assert width == 50 + 50  # each prefix: one number per row of ids, not hashed
    # A text that spells one of these keys is numbered with them (by hashing, then).
    _check(columns, rows, ["loan-interest:L4", "loan-interest:L99"], lambda a: a is ids)


def test_nesting_prefixes_fall_back_to_strings() -> None:
    ids = np.asarray(["b:c", "c"], dtype=object)
    columns: list[KeyColumn] = [Keys("a", ids), Keys("a:b", ids)]
    rows = [np.arange(2, dtype=np.intp), np.arange(2, dtype=np.intp)]
    assert key_numbers(columns, rows, np.empty(0, dtype=object)) is None  # "a:b:c" is spelt both ways


def _context(tables: dict[str, Table]) -> Context:
    rulebook.register()
    return Context(2020, tables, rulebook.parameters(), rulebook.register().choose())


def test_beneficiaries_outside_parties_numbered_by_name() -> None:
    parties = Table("parties", {"id": np.asarray(["E1", "E2", "E3"], dtype=object)})
    names = np.asarray(["E1", "X9", "E2", "E1", "X9", "Z", "E3"], dtype=object)
    lines = [
        Lines("wzb-2019-76.c1", names, names, names, np.ones(len(names), dtype=np.int64)),
        Lines("wzb-2019-76.c8a", names[::-1].copy(), names, names, np.ones(len(names), dtype=np.int64)),
    ]
    live = [np.arange(len(names)), np.asarray([0, 1, 3, 6])]
    prior = ["X9", "E3", "Y"]
    for tables in ({"parties": parties}, {}):
        who, prior_who, count = g3._beneficiary_numbers(_context(tables), lines, live, prior)
        strings = [s for ln, r in zip(lines, live, strict=True) for s in ln.beneficiary[r].tolist()] + prior
        numbers = [int(n) for n in np.concatenate([*who, prior_who])]
        assert all(0 <= n < count for n in numbers)
        _same_partition(strings, numbers)


def test_project_numbers_fall_back_to_strings() -> None:
    ids = np.asarray(["b:c", "c", "d"], dtype=object)
    lines = [
        Lines("wzb-2019-76.c1", ids, ids, Keys("a", ids), np.ones(3, dtype=np.int64)),
        Lines("wzb-2019-76.c8a", ids, ids, Keys("a:b", ids), np.ones(3, dtype=np.int64)),
    ]
    live = [np.arange(3), np.arange(3)]
    what, prior_what, count = g3._project_numbers(_context({}), lines, live, ["a:b:c", "a:d"])
    strings = [s for ln, r in zip(lines, live, strict=True) for s in ln.project[r].tolist()] + [
        "a:b:c",
        "a:d",
    ]
    numbers = [int(n) for n in np.concatenate([*what, prior_what])]
    assert all(0 <= n < count for n in numbers)
    _same_partition(strings, numbers)
