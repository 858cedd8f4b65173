"""温政办〔2019〕72号: rural revitalisation 两进两回. Importing this package registers every rule."""

from duixian.rulebook.wzb_2019_72 import rules  # noqa: F401  (registers the rules)
from duixian.rulebook.wzb_2019_72.document import DOC

__all__ = ["DOC"]
