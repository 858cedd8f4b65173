"""通告〔2019〕5号: the ban zone for high-emission non-road mobile machinery. Importing this package
registers every rule."""

from duixian.rulebook.wztg_2019_5 import rules  # noqa: F401  (registers the rules)
from duixian.rulebook.wztg_2019_5.document import DOC

__all__ = ["DOC"]
