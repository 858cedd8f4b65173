"""The rules of 温浙集（开）管〔2019〕71号, one module per article (a1 scope … a9 附则).

Importing this package imports each module in the document's order, which registers its rules; a
module starting with "_" holds helpers shared by several rules.
"""

import importlib

for _module in (
    "a1",
    "a2",
    "a3",
    "a4",
    "a5",
    "a6",
    "a7",
    "a9",
):
    importlib.import_module(f"{__name__}.{_module}")
