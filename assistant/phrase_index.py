"""Which phrases an utterance's words could match well enough to be worth scoring.

The matcher scores an utterance against thousands of phrases word by word (Indel similarity of
word lists: 2 * LCS / (len(a) + len(b))). The longest common subsequence is at most the words
the two share, so counting, for every phrase, how many of the utterance's content words it has
rules out almost all of them before any scoring: most share one common word ("done", "timer")
and are far too long or too short for one word to carry them to the floor.

One bit per phrase: a word's phrases are one Python int, and the count of shared words is kept
bit-sliced (`_LEVELS` ints: "at least 1", "at least 2", ...), so an utterance costs a few
big-int operations per word instead of a Python step per phrase. Nothing that could reach the
floor is left out, so every score, and so every reading, is what scoring them all would give.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence

_LEVELS = 3
"""Shared words are counted up to this many; a phrase sharing more is always scored (few do)."""
_SLACK = 1e-9  # a bound equal to the floor must not lose to rounding
_MAX_BOUNDS = 4096  # cached bound masks; utterance shapes are few, hostile input must not grow it
_ONE = re.compile("1")


class PhraseIndex:
    """Phrases by the words they have, their length in characters and their word counts."""

    def __init__(
        self,
        texts: Sequence[str],
        words: Sequence[list[str]],
        minor: Collection[str],
        floor: float,
    ) -> None:
        """`floor`: the lowest word score that counts; a phrase that cannot reach it is out."""
        self._floor = floor - _SLACK
        masks: dict[str, int] = {}
        by_size: dict[int, int] = {}
        shapes: dict[tuple[int, int], int] = {}
        for i, phrase_words in enumerate(words):
            bit = 1 << i
            for word in set(phrase_words):
                masks[word] = masks.get(word, 0) | bit
            size = len(texts[i])
            by_size[size] = by_size.get(size, 0) | bit
            shape = (len(phrase_words), sum(w in minor for w in phrase_words))
            shapes[shape] = shapes.get(shape, 0) | bit
        self._masks = masks
        self._shapes = shapes
        """(words, minor words) -> phrases: what a word-count bound needs of a phrase."""
        self._up_to: list[int] = []
        """Phrases of at most n characters, by n."""
        below = 0
        for size in range(max(by_size, default=-1) + 1):
            below |= by_size.get(size, 0)
            self._up_to.append(below)
        self._bounds: dict[tuple[int, int, int], int] = {}

    def candidates(
        self, words: list[str], content: list[str], shortest: float, longest: float
    ) -> list[int]:
        """Indices, in order, of the phrases of `shortest` to `longest` characters that share a
        content word with the utterance and could reach the floor, by `words` or by `content`
        (the utterance's words without the minor ones, or all of them when all are minor)."""
        at_least = [0] * _LEVELS  # at_least[k]: phrases sharing more than k of the words
        for word in content:  # a repeated word counts twice: it may match twice
            mask = self._masks.get(word)
            if mask is not None:
                for k in range(_LEVELS - 1, 0, -1):
                    at_least[k] |= at_least[k - 1] & mask
                at_least[0] |= mask
        if not at_least[0]:
            return []
        top = min(math.floor(longest), len(self._up_to) - 1)
        bottom = math.ceil(shortest) - 1
        if top < 0 or bottom >= top:
            return []
        window = self._up_to[top] & ~(self._up_to[bottom] if bottom >= 0 else 0)
        keep = at_least[-1]
        for k in range(1, _LEVELS):
            keep |= at_least[k - 1] & self._bound(words, content, k)
        keep &= window
        if not keep:
            return []
        bits = bin(keep)[:1:-1]  # bit i is character i
        return [found.start() for found in _ONE.finditer(bits)]

    def _bound(self, words: list[str], content: list[str], shared: int) -> int:
        """The phrases that could reach the floor sharing just `shared` content words."""
        said, kept = len(words), len(content)
        minor = said - kept  # 0 when all are minor: `content` is then all the words
        key = (said, kept, shared)
        mask = self._bounds.get(key)
        if mask is None:
            if len(self._bounds) >= _MAX_BOUNDS:
                self._bounds.clear()
            mask = 0
            for (size, its_minor), phrases in self._shapes.items():
                # Minor words can match minor words; content words only the shared ones.
                by_words = 2 * (shared + min(minor, its_minor)) / (said + size)
                its_content = size - its_minor or size
                by_content = 2 * shared / (kept + its_content) if minor else 0.0
                if max(by_words, by_content) >= self._floor:
                    mask |= phrases
            self._bounds[key] = mask
        return mask
