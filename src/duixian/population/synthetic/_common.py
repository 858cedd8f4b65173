"""What the synthetic generators share: the Generated bundle, Wenzhou's division codes, valid USCCs and
the Arrow encodings of money, percents and dates. Nothing here describes a real enterprise."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]

from duixian.engine.identifiers import _ALPHABET
from duixian.population.checks import uscc_check_characters
from duixian.population.schema import MONEY_TYPE, PERCENT_TYPE, decimal_array

IntArray = npt.NDArray[np.int64]

# GB/T 2260 county-level division codes of Wenzhou (龙港市 330383 since 2019-09); the USCC's
# characters 3–8 hold the registration authority's division code.
DIVISIONS = {
    "鹿城区": "330302", "龙湾区": "330303", "瓯海区": "330304", "洞头区": "330305",
    "永嘉县": "330324", "平阳县": "330326", "苍南县": "330327", "文成县": "330328",
    "泰顺县": "330329", "瑞安市": "330381", "乐清市": "330382", "龙港市": "330383",
}  # fmt: skip

# Outside source (not the gazette), for the order of magnitude only: 中国网·温州 2020-07-21,
# “在册企业数达30.7万户” (registered enterprises, end of June 2020),
# http://wz.china.com.cn/2020-07/21/content_41227905.html
REGISTERED_ENTERPRISES = 307_000


@dataclass
class Generated:
    tables: dict[str, pa.Table]
    calibration: str


def choice(rng: np.random.Generator, options: list[str], p: list[float], n: int) -> npt.NDArray[np.object_]:
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=np.asarray(p) / sum(p))]


def numbered_ids(prefix: str, n: int, width: int) -> npt.NDArray[np.object_]:
    return np.char.mod(f"{prefix}%0{width}d", np.arange(1, n + 1)).astype(object)


def usccs(
    rng: np.random.Generator, districts: npt.NDArray[np.object_], category: str
) -> npt.NDArray[np.object_]:
    """Valid codes: 9 (工商) + category + the district's division code + 9 random digits + check."""
    codes = np.vectorize(DIVISIONS.__getitem__, otypes=[object])(districts) if len(districts) else districts
    serial = np.char.mod("%09d", rng.integers(0, 10**9, size=len(districts))).astype(object)
    bodies = ("9" + category + codes + serial).astype(object)
    codes_out: npt.NDArray[np.object_] = (bodies + uscc_check_characters(bodies)).astype(object)
    return codes_out


def money(fen: IntArray) -> pa.Array:
    return decimal_array(fen, MONEY_TYPE)


def percent(hundredths: IntArray) -> pa.Array:
    """A percent given in hundredths of a percent (150 → 1.50%)."""
    return decimal_array(np.asarray(hundredths, dtype=np.int64) * 10_000, PERCENT_TYPE)


def dates(days: npt.NDArray[np.datetime64]) -> pa.Array:
    return pa.array(np.asarray(days, dtype="datetime64[D]"), type=pa.date32())


def days_in_year(rng: np.random.Generator, year: int, n: int) -> npt.NDArray[np.datetime64]:
    start = np.datetime64(f"{year}-01-01")
    length = int((np.datetime64(f"{year + 1}-01-01") - start).astype(int))
    return start + rng.integers(0, length, size=n).astype("timedelta64[D]")


# --- columns for large populations: Arrow arrays built from bytes, no Python object per row -------

# GB 32100-2015: the weight of the i-th character (from 0) of the body is 3^i mod 31.
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_USCC_ALPHABET = np.frombuffer(_ALPHABET.encode(), dtype=np.uint8)


def fixed_width_strings(matrix: npt.NDArray[np.uint8]) -> pa.Array:
    """Each row of a byte matrix (UTF-8, every row the same length) as one value of a string array."""
    n, width = matrix.shape
    if (n + 1) * width >= 2**31:
        raise ValueError(f"{n} strings of {width} bytes exceed one Arrow string array")
    offsets = np.arange(n + 1, dtype=np.int64).astype(np.int32) * np.int32(width)
    data = np.ascontiguousarray(matrix, dtype=np.uint8)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def digit_matrix(numbers: IntArray, width: int) -> npt.NDArray[np.uint8]:
    """Non-negative numbers as zero-padded ASCII digits, one row each."""
    values = np.asarray(numbers, dtype=np.int64)
    out = np.empty((len(values), width), dtype=np.uint8)
    for place in range(width):
        out[:, width - 1 - place] = ord("0") + (values // 10**place) % 10
    return out


def numbered_strings(prefix: str, numbers: IntArray, width: int) -> pa.Array:
    """prefix + number zero-padded to ``width`` digits (E000001, 合成企业000001)."""
    head = np.frombuffer(prefix.encode(), dtype=np.uint8)
    matrix = np.empty((len(numbers), len(head) + width), dtype=np.uint8)
    matrix[:, : len(head)] = head
    matrix[:, len(head) :] = digit_matrix(numbers, width)
    return fixed_width_strings(matrix)


def uscc_strings(rng: np.random.Generator, divisions: list[str], which: IntArray, category: str) -> pa.Array:
    """Valid codes: 9 (工商) + category + the division code ``divisions[which]`` + 9 random digits + check."""
    n = len(which)
    code = np.empty((n, 18), dtype=np.uint8)
    code[:, 0] = ord("9")
    code[:, 1] = ord(category)
    code[:, 2:8] = np.frombuffer("".join(divisions).encode(), dtype=np.uint8).reshape(-1, 6)[which]
    code[:, 8:17] = digit_matrix(rng.integers(0, 10**9, size=n), 9)
    total = np.zeros(n, dtype=np.int64)
    for i, weight in enumerate(_USCC_WEIGHTS):  # the body is all digits: a digit's value is itself
        total += (code[:, i].astype(np.int64) - ord("0")) * weight
    code[:, 17] = _USCC_ALPHABET[(31 - total % 31) % 31]
    return fixed_width_strings(code)


def labels(options: list[str], which: IntArray) -> pa.Array:
    """``options[which]`` as a string array (built by Arrow, not row by row)."""
    return pa.array(options, type=pa.string()).take(pa.array(np.asarray(which, dtype=np.int64)))


def optional_dates(days: npt.NDArray[np.datetime64], given: npt.NDArray[np.bool_]) -> pa.Array:
    """Dates where ``given``, null elsewhere."""
    return pa.array(np.asarray(days, dtype="datetime64[D]"), type=pa.date32(), mask=~np.asarray(given))
