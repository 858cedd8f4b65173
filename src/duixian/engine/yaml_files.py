"""The rulebook's YAML (parameters, interpretation registers), parsed by libyaml where PyYAML has it.

Every process that evaluates parses the whole rulebook once: a ``duixian calc`` or ``batch`` call,
each worker of a chunked run. PyYAML's pure-Python parser took about 0.3 s of that; its C binding
(the same safe constructor and resolver, so the same values) takes a tenth.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # CSafeLoader: only where libyaml is built in


def read_yaml(path: Path) -> Any:
    """The document in the UTF-8 file, as ``yaml.safe_load`` reads it."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
