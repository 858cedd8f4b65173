"""温商务联发〔2019〕130号: the overseas economic and trade service system pilot fund. Importing this
package registers every rule."""

from duixian.rulebook.wswl_2019_130 import rules  # noqa: F401  (registers the rules)
from duixian.rulebook.wswl_2019_130.document import DOC

__all__ = ["DOC"]
