"""Text normalisation shared by the matchers: recogniser-style lowercase words."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_NOT_WORD = re.compile(r"[^\w']+")


def normalise(text: str) -> str:
    """Lowercase words separated by single spaces, punctuation removed (apostrophes kept)."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    words = (w.strip("'") for w in _NOT_WORD.sub(" ", text).split())
    return " ".join(w for w in words if w)
