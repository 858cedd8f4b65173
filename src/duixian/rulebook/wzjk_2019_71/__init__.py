"""温浙集（开）管〔2019〕71号: e-sports, culture-sports and digital industry. Importing registers every rule."""

from duixian.rulebook.wzjk_2019_71 import rules  # noqa: F401  (registers the rules)
from duixian.rulebook.wzjk_2019_71.document import DOC

__all__ = ["DOC"]
