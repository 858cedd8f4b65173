"""温政办〔2019〕75号: future communities. Importing this package registers every rule."""

from duixian.rulebook.wzb_2019_75 import rules  # noqa: F401  (registers the rules)
from duixian.rulebook.wzb_2019_75.document import DOC

__all__ = ["DOC"]
