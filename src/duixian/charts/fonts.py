"""A CJK font for Chinese labels: the first one installed, or a warning (labels then show as boxes).

scripts/setup installs Debian's fonts-wqy-microhei when no CJK font is present.
"""

from __future__ import annotations

import warnings
from functools import cache

from matplotlib import font_manager, rcParams

# Families that cover simplified Chinese, best first (Debian packages, then common desktop fonts).
CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
_FILE_HINTS = ("wqy", "notosanscjk", "noto-cjk", "sourcehansans", "droidsansfallback", "uming")


@cache
def cjk_family() -> str | None:
    """The family name of an installed CJK font, or None."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    # matplotlib's font cache may predate a font installed since: look on disk once.
    for path in font_manager.findSystemFonts():
        if any(hint in path.lower().replace(" ", "") for hint in _FILE_HINTS):
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None


def use_cjk_font() -> str | None:
    """Make matplotlib draw Chinese with a CJK font; warn (and go on) when there is none."""
    family = cjk_family()
    if family is None:
        warnings.warn(
            "no CJK font found (fc-list :lang=zh is empty): Chinese labels will not render; "
            "install fonts-wqy-microhei or fonts-noto-cjk (scripts/setup does)",
            stacklevel=2,
        )
        return None
    rcParams["font.sans-serif"] = [family, *[f for f in rcParams["font.sans-serif"] if f != family]]
    rcParams["font.family"] = "sans-serif"
    rcParams["axes.unicode_minus"] = False  # CJK fonts often lack U+2212
    return family
