"""The rules of 温政办〔2019〕72号, one module per provision (c2, c3, c6a, c6b; t the targets).

Importing this package imports every module in clause order, which registers its rules.
"""

import importlib
import pkgutil
import re


def _clause_order(name: str) -> tuple[int, int]:
    number = re.search(r"\d+", name)
    return (0 if name.startswith("g") else 1, int(number.group()) if number else 0)


for _module in sorted(
    (m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")), key=_clause_order
):
    importlib.import_module(f"{__name__}.{_module}")
