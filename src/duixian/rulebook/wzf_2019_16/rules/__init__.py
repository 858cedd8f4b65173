"""The rules of 温政发〔2019〕16号: the standards (std) and the household allowance they set (allowance)."""

from duixian.rulebook.wzf_2019_16.rules import allowance, std  # noqa: F401  (registers the rules)
