"""The rules of 温政办〔2019〕72号, one module per provision (c2, c3, c6a and c6b; t the targets).

Importing this package imports each module in the document's order, which registers its rules; a
module starting with "_" holds helpers shared by several rules.
"""

import importlib

for _module in (
    "c2",
    "c3",
    "c6",
    "t",
):
    importlib.import_module(f"{__name__}.{_module}")
