"""The rules of 通告〔2019〕5号, one module per article: a1 the zone, a2 high-emission, a3 the ban.

Importing this package imports each module in the document's order, which registers its rules; a
module starting with "_" holds helpers shared by several rules.
"""

import importlib

for _module in (
    "a1_zone",
    "a2_high",
    "a3_ban",
):
    importlib.import_module(f"{__name__}.{_module}")
