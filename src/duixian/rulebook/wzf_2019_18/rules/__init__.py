"""The rule of 温政发〔2019〕18号 附件1: tracking the 22 targets."""

from duixian.rulebook.wzf_2019_18.rules import targets  # noqa: F401  (registers the rule)
