"""The rules of 温商务联发〔2019〕130号, in the order of the 办法: e (三、基本条件), alloc (四（一）扶持标准),
pay (四（二）拨付程序 and 五（二）监督管理). Importing this package registers them, in that order."""

import importlib

for _module in ("e", "alloc", "pay"):
    importlib.import_module(f"{__name__}.{_module}")
