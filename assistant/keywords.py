"""Keyword readings: a command said in words of its own, in any order (OVOS Adapt style).

Phrases and frames fix the order of the words; people do not. "let's move along", "on we go"
and "next step then" are all *next*, and "forget the timer", "don't need the timer any more"
both cancel it. A keyword rule names the word groups an intent needs (each must be said, in
any order) and the words it may come with; the utterance is read as the intent only when
*every* word of it is one of those or a glue word ("the", "please"). One word beyond the
rule's vocabulary ("stop splashing", "go on then sweetie") and the rule does not fit, so
content beyond a command is never taken, as with phrases and frames.

Rules are tried in order and the first that fits, among the intents the session takes now,
wins. Outcomes are never read this way: *done* and *not yet* are logged, so they come only
from phrases and frames, which fix who did what.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import pairwise

SLOT = "#"
"""Stands for a spoken duration in the words read (`{duration}` in the file)."""


@dataclass(frozen=True, slots=True)
class KeywordRule:
    """One intent's keywords: every group of `need` said, nothing beyond `need` and `may`."""

    intent: str
    need: tuple[tuple[str, ...], ...]
    """Groups of normalised entries (words or word sequences); one of each group must be said."""
    may: tuple[str, ...] = ()
    """Entries that may come with the needed ones."""

    @property
    def slotted(self) -> bool:
        """Whether the rule reads a spoken duration (`SLOT` among its entries)."""
        return any(SLOT in group for group in self.need) or SLOT in self.may


@dataclass(frozen=True, slots=True)
class Keywords:
    """Keyword rules and the glue words every rule allows (optional in an intents file)."""

    glue: tuple[str, ...] = ()
    rules: tuple[KeywordRule, ...] = ()


class KeywordReader:
    """Reads utterances with `Keywords`; pure and fast enough for every utterance (~µs).

    A rule is only tried when every word of the utterance is in its vocabulary (one set
    lookup per word and rule, as bit masks), so most talk is turned down at its first word.
    """

    def __init__(self, keywords: Keywords) -> None:
        self._rules = keywords.rules
        self._slotted = tuple(rule.slotted for rule in self._rules)
        self._entries: list[dict[tuple[str, ...], int]] = []
        """Per rule: entry -> bit mask of the need groups it satisfies (0 for may and glue)."""
        self._longest: list[int] = []
        self._mask_of: dict[str, int] = {}
        """Word -> bit mask of the rules whose vocabulary has it."""
        glue = [tuple(g.split()) for g in keywords.glue]
        for i, rule in enumerate(self._rules):
            entries: dict[tuple[str, ...], int] = {e: 0 for e in glue}
            for e in rule.may:
                entries.setdefault(tuple(e.split()), 0)
            for bit, group in enumerate(rule.need):
                for e in group:
                    key = tuple(e.split())
                    entries[key] = entries.get(key, 0) | (1 << bit)
            self._entries.append(entries)
            self._longest.append(max(len(e) for e in entries))
            for word in {w for e in entries for w in e}:
                self._mask_of[word] = self._mask_of.get(word, 0) | (1 << i)

    def read(
        self,
        words: Sequence[str],
        slotted: Sequence[str] | None = None,
        allowed: AbstractSet[str] | None = None,
    ) -> str | None:
        """The intent of the first rule that `words` fit whole, among `allowed` (all if None).

        `slotted` is the same utterance with its spoken duration as one `SLOT` word, when it
        has one: rules that read a duration read it, the others read `words`.
        """
        if not words or any(a == b for a, b in pairwise(words)):
            return None  # "again again", "wait wait": said to the child, not to the assistant
        if _said_thrice(words):
            return None  # "let's go let's go let's go": urging, not a command
        plain = self._candidates(words)
        timed = self._candidates(slotted) if slotted is not None else 0
        if not plain and not timed:
            return None
        either = plain | timed
        while either:  # the rules some reading may fit, in order
            low = either & -either
            either ^= low
            i = low.bit_length() - 1
            rule = self._rules[i]
            if allowed is not None and rule.intent not in allowed:
                continue
            if self._slotted[i] and slotted is not None:
                said, fits = slotted, timed & low
            else:
                said, fits = words, plain & low
            if fits and self._covers(i, tuple(said), len(rule.need)):
                return rule.intent
        return None

    def _candidates(self, words: Iterable[str]) -> int:
        mask = -1
        for word in words:
            mask &= self._mask_of.get(word, 0)
            if not mask:
                return 0
        return mask

    def _covers(self, i: int, words: tuple[str, ...], needs: int) -> bool:
        """Whether rule `i`'s entries cover `words` end to end with every need group said."""
        entries, longest, full = self._entries[i], self._longest[i], (1 << needs) - 1
        return _walk(entries, longest, full, words, 0, 0, set())


def _walk(
    entries: dict[tuple[str, ...], int],
    longest: int,
    full: int,
    words: tuple[str, ...],
    at: int,
    said: int,
    failed: set[tuple[int, int]],
) -> bool:
    """Whether `words[at:]` are entries end to end and, with `said`, every need group is said.

    A function of the module rather than a closure: a closure that calls itself is a reference
    cycle, left for the garbage collector on every read.
    """
    if at == len(words):
        return said == full
    if (at, said) in failed:
        return False
    for size in range(min(longest, len(words) - at), 0, -1):
        groups = entries.get(words[at : at + size])
        if groups is None:
            continue
        # A word said once stands for one need group: "stop" alone is no "stop" and "timer"
        # both.
        for bit in _bits(groups) or (0,):
            if _walk(entries, longest, full, words, at + size, said | bit, failed):
                return True
    failed.add((at, said))
    return False


def _bits(mask: int) -> tuple[int, ...]:
    """The single bits set in `mask`."""
    return tuple(1 << b for b in range(mask.bit_length()) if mask >> b & 1)


def _said_thrice(words: Sequence[str]) -> bool:
    """Whether `words` are the same words said three times or more."""
    said, size = list(words), len(words)
    return any(
        size % part == 0 and said == said[:part] * (size // part)
        for part in range(1, size // 3 + 1)
    )
