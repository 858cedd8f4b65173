"""The rules of 通告〔2019〕5号, one module per article: a1 the zone, a2 high-emission, a3 the ban.

Importing this package imports every module in article order, which registers its rules.
"""

import importlib
import pkgutil
import re


def _article_order(name: str) -> int:
    number = re.search(r"\d+", name)
    return int(number.group()) if number else 0


for _module in sorted(
    (m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")), key=_article_order
):
    importlib.import_module(f"{__name__}.{_module}")
