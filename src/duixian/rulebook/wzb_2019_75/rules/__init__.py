"""The rules of 温政办〔2019〕75号, one module per provision, in the order of POLICIES.md D5.

Importing this package imports each module in the document's order, which registers its rules; a
module starting with "_" holds helpers shared by several rules.
"""

import importlib

for _module in (
    "site",
    "flow",
    "fund",
):
    importlib.import_module(f"{__name__}.{_module}")
