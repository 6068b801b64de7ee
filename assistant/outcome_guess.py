"""A second opinion that only ever asks: is something the rules could not read a report?

The matcher's phrases, frames and keywords reach a new household only as far as it speaks like
the households they were written for (README, "How well it does"). What they cannot read is
then heard as talk, and a report said in a household's own words ("em pinis she did it
herself") is lost. A multinomial naive Bayes over labelled sentences (word unigrams and
bigrams and letter 4-grams, which carry "himsel", "hersel", "pinis" close to what they mean)
says how much an utterance looks like a *done* or a *not yet*; when it is sure, the session
asks "Did Sam do it on their own?". It never logs anything: a guess is no report.

Pure: trained once from the examples (0.2 to 0.4 s for 19,000), then each guess is a few hundred
dictionary lookups (about 20 µs).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

LABELS = ("done", "not_yet", "command", "chatter")
"""What an example is: one of the two outcomes, another command, or talk that is no command."""
OUTCOME_LABELS = ("done", "not_yet")
_SMOOTHING = 0.1  # Lidstone: an unseen feature costs much, but not everything


def features(text: str) -> list[str]:
    """Words, pairs of words and letter 4-grams of normalised `text`."""
    words = text.split()
    found = [f"w {w}" for w in words]
    found += [f"b {a} {b}" for a, b in itertools.pairwise(words)]
    padded = f" {text} "
    found += [f"c{padded[i : i + 4]}" for i in range(len(padded) - 3)]
    return found


@dataclass(frozen=True, slots=True)
class OutcomeGuesser:
    """Log-probabilities of each label and of each feature given the label."""

    log_prior: dict[str, float]
    log_given: dict[str, dict[str, float]]
    log_unseen: dict[str, float]
    """The log-probability of a feature never seen with the label."""

    @classmethod
    def train(cls, examples: Iterable[tuple[str, str]]) -> OutcomeGuesser:
        """From (label, normalised sentence) pairs; every label of `LABELS` must occur."""
        counts = {label: Counter[str]() for label in LABELS}
        sentences = Counter[str]()
        for label, text in examples:
            counts[label].update(features(text))
            sentences[label] += 1
        total = sum(sentences.values())
        vocabulary = len({f for found in counts.values() for f in found})
        log_prior, log_given, log_unseen = {}, {}, {}
        for label, found in counts.items():
            if not sentences[label]:
                raise ValueError(f"no example of {label!r}")
            denominator = math.log(found.total() + _SMOOTHING * vocabulary)
            log_prior[label] = math.log(sentences[label] / total)
            log_given[label] = {f: math.log(n + _SMOOTHING) - denominator for f, n in found.items()}
            log_unseen[label] = math.log(_SMOOTHING) - denominator
        return cls(log_prior, log_given, log_unseen)

    def posterior(self, text: str) -> dict[str, float]:
        """How likely each label is for normalised `text` (they sum to 1)."""
        found = features(text)
        unseen = itertools.repeat
        scores = {
            label: prior
            + sum(map(self.log_given[label].get, found, unseen(self.log_unseen[label])))
            for label, prior in self.log_prior.items()
        }
        top = max(scores.values())
        weights = {label: math.exp(score - top) for label, score in scores.items()}
        whole = sum(weights.values())
        return {label: weight / whole for label, weight in weights.items()}

    def guess(self, text: str, floor: float) -> tuple[str, float] | None:
        """The outcome `text` most likely reports and its probability, if at least `floor`."""
        chances = self.posterior(text)
        best = max(OUTCOME_LABELS, key=chances.__getitem__)
        return (best, chances[best]) if chances[best] >= floor else None
