"""温政办〔2019〕76号: the twelve financing policies. Importing this package registers every rule."""

from duixian.rulebook.wzb_2019_76 import rules  # noqa: F401  (registers the rules)
from duixian.rulebook.wzb_2019_76.document import DOC

__all__ = ["DOC"]
