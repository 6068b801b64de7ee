"""The intent matcher: recogniser text -> one canonical intent, or nothing.

Every phrase of every intent is scored against the whole utterance with rapidfuzz's
`ratio` (normalised Indel similarity), so extra words lower the score: "are you done"
is far from "done". An intent is taken only when its best phrase clears a floor *and*
beats the best phrase of any other intent by a margin (hassil's fuzzy matcher rejects
within 0.2 of a rival for the same reason). Below the floor but near it, the reading is
*unsure*: the session asks rather than guesses.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .intents import IntentPhrases
from .text import normalise

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Intent:
    """A recognised command."""

    name: str
    """A canonical intent name (see `intents.CANONICAL`)."""
    slots: dict[str, int] = field(default_factory=dict)
    """E.g. {"seconds": 300} for timer_start; empty when nothing was said."""
    score: float = 1.0
    """Similarity of the best phrase, 0..1."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """The best phrase of one intent for an utterance."""

    name: str
    phrase: str
    score: float
    """0..1."""


@dataclass(frozen=True, slots=True)
class Reading:
    """What the matcher made of one utterance."""

    text: str
    """The normalised utterance."""
    intent: Intent | None
    """The accepted intent, or None."""
    candidates: tuple[Candidate, ...]
    """Best phrase per allowed intent, best first."""
    unsure: Candidate | None = None
    """Set when the best candidate was close but not accepted: worth asking about."""

    @property
    def score(self) -> float:
        """Score of the accepted intent, else of the best candidate, else 0."""
        if self.intent is not None:
            return self.intent.score
        return self.candidates[0].score if self.candidates else 0.0


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Acceptance rules, as similarities 0..1."""

    floor: float = 0.84
    """The best phrase must score at least this."""
    margin: float = 0.08
    """... and beat the best phrase of every other intent by this much."""
    ask_floor: float = 0.70
    """Between this and `floor` (or inside the margin) the reading is unsure."""


class IntentMatcher:
    """Matches utterances against one language's intent phrases."""

    def __init__(self, phrases: IntentPhrases, thresholds: Thresholds = Thresholds()) -> None:
        self.language = phrases.language
        self.thresholds = thresholds
        self._choices: list[str] = []
        self._owners: list[str] = []
        self._exact: dict[str, str] = {}
        # Longest first, so "thank you" goes before "thank".
        fillers = sorted(phrases.fillers, key=len, reverse=True)
        self._fillers = (
            re.compile(r"\b(?:" + "|".join(re.escape(f) for f in fillers) + r")\b")
            if fillers
            else None
        )
        for name, texts in phrases.phrases.items():
            for text in texts:
                self._choices.append(text)
                self._owners.append(name)
                self._exact.setdefault(text, name)

    def read(
        self,
        text: str,
        allowed: AbstractSet[str] | None = None,
        *,
        confidence: float = 1.0,
        alternatives: Sequence[str] = (),
    ) -> Reading:
        """Score `text` against the intents in `allowed` (all when None).

        `confidence` and `alternatives` come from the recogniser when it has them (typed text:
        1.0 and none).
        """
        norm = self._strip_fillers(normalise(text))
        if not norm:
            return Reading(norm, None, ())
        exact = self._exact.get(norm)
        if exact is not None and (allowed is None or exact in allowed):
            hit = Candidate(exact, norm, 1.0)
            return Reading(norm, Intent(exact, {}, 1.0), (hit,))
        candidates = self._rank(norm, allowed)
        return self._decide(norm, candidates)

    def match(self, text: str, allowed: AbstractSet[str] | None = None) -> Intent | None:
        """The accepted intent of `text`, or None."""
        return self.read(text, allowed).intent

    def _strip_fillers(self, norm: str) -> str:
        if self._fillers is None:
            return norm
        stripped = " ".join(self._fillers.sub(" ", norm).split())
        return stripped or norm  # "okay" alone still reaches the phrases

    def _rank(self, norm: str, allowed: AbstractSet[str] | None) -> tuple[Candidate, ...]:
        best: dict[str, Candidate] = {}
        cutoff = self.thresholds.ask_floor * 100 - 20  # rivals below this cannot matter
        for phrase, score, index in process.extract(
            norm, self._choices, scorer=fuzz.ratio, limit=None, score_cutoff=max(cutoff, 0)
        ):
            name = self._owners[index]
            if allowed is not None and name not in allowed:
                continue
            if name not in best:  # results come best first
                best[name] = Candidate(name, phrase, score / 100)
        return tuple(sorted(best.values(), key=lambda c: -c.score))

    def _decide(self, norm: str, candidates: tuple[Candidate, ...]) -> Reading:
        if not candidates:
            return Reading(norm, None, ())
        top = candidates[0]
        rival = candidates[1].score if len(candidates) > 1 else 0.0
        t = self.thresholds
        if top.score >= t.floor and top.score - rival >= t.margin:
            return Reading(norm, Intent(top.name, {}, top.score), candidates)
        unsure = top if top.score >= t.ask_floor else None
        return Reading(norm, None, candidates, unsure)
