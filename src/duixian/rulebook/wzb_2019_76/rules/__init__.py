"""The rules of 温政办〔2019〕76号, one module per clause; importing registers them in order."""

from duixian.rulebook.wzb_2019_76.rules import g1, g4, c1, c8, g3  # noqa: F401
