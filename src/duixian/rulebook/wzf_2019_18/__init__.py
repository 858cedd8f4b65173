"""温政发〔2019〕18号 annex 1: the near-term target system of the Wenzhou metropolitan area (22 indicators).

Importing this package registers the rule; ``indicators`` reads the table (for the rule and for charts).
"""

from duixian.rulebook.wzf_2019_18 import rules  # noqa: F401  (registers the rules)
from duixian.rulebook.wzf_2019_18.document import DOC
from duixian.rulebook.wzf_2019_18.table import Indicator, indicators

__all__ = ["DOC", "Indicator", "indicators"]
