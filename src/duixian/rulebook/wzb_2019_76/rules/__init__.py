"""The rules of 温政办〔2019〕76号, one module per clause (g1–g4 general, c1–c11 the articles).

Importing this package imports each module in the document's order, which registers its rules; a
module starting with "_" holds helpers shared by several rules.
"""

import importlib

for _module in (
    "g1",
    "g2",
    "g3",
    "g4",
    "c1",
    "c2",
    "c3",
    "c4",
    "c5",
    "c6",
    "c7",
    "c8",
    "c9",
    "c10",
    "c11",
):
    importlib.import_module(f"{__name__}.{_module}")
