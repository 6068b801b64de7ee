"""Text normalisation shared by the matchers: recogniser-style lowercase words."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_NOT_WORD = re.compile(r"[^\w']+")
_PLACEHOLDER = re.compile(r"(\{\w+\})")


def normalise(text: str) -> str:
    """Lowercase words separated by single spaces, punctuation removed (apostrophes kept)."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    words = (w.strip("'") for w in _NOT_WORD.sub(" ", text).split())
    return " ".join(w for w in words if w)


def normalise_phrase(text: str) -> str:
    """`normalise`, keeping `{name}` placeholders as words of their own.

    Phrases may say where a slot goes ("start a {duration} timer"); recogniser text never
    contains braces, so a placeholder can never collide with what was heard.
    """
    parts = (
        part if _PLACEHOLDER.fullmatch(part) else normalise(part)
        for part in _PLACEHOLDER.split(text)
    )
    return " ".join(part for part in parts if part)


MAX_EXPANSIONS = 1000
"""More sentences than this from one template is a typo, not a phrase list."""


def expand(template: str) -> list[str]:
    """The sentences a hassil-style template stands for, in order, without repeats.

    `(a|b)` is a choice and `[a]` is optional, nested freely: "(she|he) did it [all] by
    (herself|himself)". Text without brackets is one sentence. ValueError when the brackets
    do not pair up or the template means more than MAX_EXPANSIONS sentences.
    """
    options, end = _sequence(template, 0)
    if end != len(template):
        where = "outside brackets" if template[end] == "|" else "that was never opened"
        raise ValueError(f"has a {template[end]!r} {where}")
    seen: dict[str, None] = {}
    for option in options:
        seen.setdefault(" ".join(option.split()), None)
    return list(seen)


def _sequence(text: str, i: int) -> tuple[list[str], int]:
    """Expansions of text from `i` up to an unopened `|`, `)` or `]` (or the end)."""
    results = [""]
    while i < len(text) and text[i] not in "|)]":
        if text[i] in "([":
            closer = ")" if text[i] == "(" else "]"
            choices, i = _choices(text, i + 1, closer)
            if closer == "]":
                choices = [*choices, ""]
        else:
            j = i
            while j < len(text) and text[j] not in "([|)]":
                j += 1
            choices, i = [text[i:j]], j
        results = [r + c for r in results for c in choices]
        if len(results) > MAX_EXPANSIONS:
            raise ValueError(f"means more than {MAX_EXPANSIONS} sentences")
    return results, i


def _choices(text: str, i: int, closer: str) -> tuple[list[str], int]:
    choices: list[str] = []
    while True:
        options, i = _sequence(text, i)
        choices.extend(options)
        if i >= len(text):
            raise ValueError(f"is missing a {closer!r}")
        if text[i] == "|":
            i += 1
            continue
        if text[i] != closer:
            raise ValueError(f"closes with {text[i]!r} where {closer!r} belongs")
        return choices, i + 1
