"""The rules of 温政发〔2019〕16号: the standards (std) and the household allowance they set (allowance).

Importing this package imports each module in the document's order, which registers its rules; a
module starting with "_" holds helpers shared by several rules.
"""

import importlib

for _module in (
    "std",
    "allowance",
):
    importlib.import_module(f"{__name__}.{_module}")
