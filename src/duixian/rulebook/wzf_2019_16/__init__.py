"""温政发〔2019〕16号: minimum living allowance standards from 2019-10-01. Importing registers the rules."""

from duixian.rulebook.wzf_2019_16 import rules  # noqa: F401  (registers the rules)
from duixian.rulebook.wzf_2019_16.document import DOC

__all__ = ["DOC"]
