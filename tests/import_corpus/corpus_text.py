"""How texts are compared: the same after NFKC, without whitespace and thousands separators."""

from __future__ import annotations

import re
import unicodedata

_SEPARATOR = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Full-width forms folded (NFKC: １２３ → 123, （ → (, ％ → %), spaces and digit separators dropped."""
    folded = unicodedata.normalize("NFKC", str(text))
    return _SEPARATOR.sub("", _SPACE.sub("", folded))
