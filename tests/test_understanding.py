"""What the matcher understands, sentence by sentence (tests/data/understanding-en.yaml).

The data file is the specification: each labelled sentence is one test whose id and failure
message name the sentence. A false *done* fails on any part of the set; every `tune`
sentence must be right (or a known miss, with its reason); the held-out parts (`PARTS`, written
by helpers who never saw the data or the code, never tuned on, measured once at the end of a
round) must stay above the floors they reached. The property tests then cover what no list of
sentences can.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assistant.durations import MAX_SECONDS, Duration, find_duration, parse_duration
from assistant.intents import CANONICAL, intents_file, load_intents
from assistant.matcher import IntentMatcher, Reading
from assistant.session import ALLOWED, ALLOWED_PAUSED, RESUMING, Phase
from assistant.text import normalise

DATA = Path(__file__).parent / "data" / "understanding-en.yaml"
PARTS: tuple[str, ...] = ("tune", "held_out_33", "plain_33", "held_out_34", "plain_34")
HELD_OUT = PARTS[1:]
TUNE_FLOOR = 0.97
HELD_OUT_FLOORS: dict[str, float] = {
    "held_out_33": 0.96,
    "plain_33": 0.94,
    "held_out_34": 0.0,
    "plain_34": 0.0,
}
"""Held-out floors, set just under a part's measure once it is taken: round 32 measured
held_out_33 (eight regional households' voices: Waterford, Donegal, St Vincent, Abuja, Pune,
Port Moresby, Mississippi, Hamilton ON) 97.0% and plain_33 (plain voices) 94.4%, the round-31
matcher the same sentences. held_out_34 (Sligo, Grenada, Freetown, Ibadan, Thiruvananthapuram,
Suva, Dunedin, Pittsburgh) and plain_34 are unread, to be measured once at the end of the next
round. Round 31 measured held_out_32 92.3% and plain_32 100.0%. Those before, held_out to
held_out_32, plain_16 to plain_32 and dev_9 to dev_27d were seen, so they live in tune (see
the README's understanding section)."""

# The session's own contexts, so the data says "child_step" and means what the engine allows.
CONTEXTS: Mapping[str, frozenset[str]] = {
    "parent_step": ALLOWED[Phase.PARENT_STEP],
    "child_step": ALLOWED[Phase.CHILD_STEP],
    "support": ALLOWED[Phase.SUPPORT],
    "paused": ALLOWED_PAUSED,
}
_GROUP_KEYS = {
    "sentences",
    "intent",
    "slots",
    "context",
    "confidence",
    "alternatives",
    "unsure",
    "known_miss",
    "child",
}


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled sentence."""

    part: str
    """One of PARTS."""
    sentence: str
    intent: str | None
    slots: dict[str, int] = field(default_factory=dict)
    context: str | None = None
    """A key of CONTEXTS, or None for every intent."""
    confidence: float = 1.0
    alternatives: tuple[str, ...] = ()
    unsure: str | None = None
    """The outcome the reading must ask about, when given."""
    known_miss: str | None = None
    """Why this tune sentence is still read wrong (an expected failure), when it is."""
    child: str = ""
    """The child's name, as the session knows it ("kofi has finished it" speaks of the child)."""

    @property
    def allowed(self) -> frozenset[str] | None:
        return CONTEXTS[self.context] if self.context is not None else None

    @property
    def label(self) -> str:
        extra = [f"in {self.context}"] if self.context else []
        if self.confidence != 1.0:
            extra.append(f"confidence {self.confidence}")
        if self.alternatives:
            extra.append(f"alternatives {list(self.alternatives)}")
        return f"{self.sentence!r}" + (f" ({', '.join(extra)})" if extra else "")


@dataclass(frozen=True, slots=True)
class Verdict:
    """How the matcher did on one case."""

    case: Case
    reading: Reading

    @property
    def got(self) -> str | None:
        return self.reading.intent.name if self.reading.intent is not None else None

    @property
    def slots(self) -> dict[str, int]:
        return dict(self.reading.intent.slots) if self.reading.intent is not None else {}

    @property
    def correct(self) -> bool:
        asked = self.reading.unsure.name if self.reading.unsure is not None else None
        return (
            (self.got == self.case.intent or self._same_when_paused)
            and self.slots == self.case.slots
            and (self.case.unsure is None or asked == self.case.unsure)
        )

    @property
    def _same_when_paused(self) -> bool:
        # While paused the session does the same for "next" and "resume" (`RESUMING`), so
        # "carry on" read as either is right there.
        return self.case.context == "paused" and {self.got, self.case.intent} <= RESUMING

    @property
    def false_done(self) -> bool:
        return self.got == "done" and self.case.intent != "done"

    def explain(self) -> str:
        want = self.case.intent or "no intent"
        if self.case.slots:
            want += f" {self.case.slots}"
        if self.case.unsure:
            want += f", asking about {self.case.unsure}"
        got = self.got or "no intent"
        if self.slots:
            got += f" {self.slots}"
        if self.reading.unsure is not None:
            got += f", asking about {self.reading.unsure.name}"
        if self.reading.rejected is not None:
            got += f" ({self.reading.rejected})"
        best = ", ".join(
            f"{c.name} {c.phrase!r} {c.score:.2f}" for c in self.reading.candidates[:3]
        )
        return f"{self.case.label}: expected {want}, got {got}; best: {best or 'none'}"


def load_cases(path: Path = DATA) -> list[Case]:
    """Every labelled sentence of the data file, tune part first."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases: list[Case] = []
    for part in PARTS:
        for group in data[part]:
            cases.extend(_group(part, group))
    return cases


def _group(part: str, group: Mapping[str, Any]) -> list[Case]:
    unknown = set(group) - _GROUP_KEYS
    assert not unknown, f"{part}: unknown keys {unknown} in {group}"
    return [
        Case(
            part=part,
            sentence=sentence,
            intent=group["intent"],
            slots=dict(group.get("slots") or {}),
            context=group.get("context"),
            confidence=float(group.get("confidence", 1.0)),
            alternatives=tuple(group.get("alternatives", ())),
            unsure=group.get("unsure"),
            known_miss=group.get("known_miss"),
            child=str(group.get("child", "")),
        )
        for sentence in group["sentences"]
    ]


def judge(matcher: IntentMatcher, case: Case) -> Verdict:
    reading = matcher.read(
        case.sentence,
        case.allowed,
        confidence=case.confidence,
        alternatives=case.alternatives,
        child=case.child,
    )
    return Verdict(case, reading)


def accuracy(verdicts: Sequence[Verdict]) -> float:
    return sum(v.correct for v in verdicts) / len(verdicts)


CASES = load_cases()


@pytest.fixture(scope="module")
def matcher() -> IntentMatcher:
    return IntentMatcher(load_intents(intents_file("en")))


# -- the data ---------------------------------------------------------------------------------


def test_the_data_covers_every_intent_and_enough_sentences() -> None:
    held_out = [c for c in CASES if c.part in HELD_OUT]
    assert len(CASES) >= 300 and (not HELD_OUT or len(held_out) >= 100)
    named = {c.intent for c in CASES}
    assert named - {None} == set(CANONICAL), "every intent needs test sentences"
    assert named <= {*CANONICAL, None}
    assert {c.context for c in CASES} - {None} <= set(CONTEXTS)
    assert all(c.unsure in (None, "done", "not_yet") for c in CASES)


def _param(case: Case) -> Any:
    # A known miss must fail: the day it is read right, strict xfail fails the suite so that
    # its mark is taken off.
    marks = [pytest.mark.xfail(reason=case.known_miss, strict=True)] if case.known_miss else []
    return pytest.param(case, marks=marks, id=f"{case.part}:{case.label}")


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_sentence(matcher: IntentMatcher, case: Case) -> None:
    verdict = judge(matcher, case)
    assert not verdict.false_done, f"FALSE DONE: {verdict.explain()}"
    if case.part == "tune":
        assert verdict.correct, verdict.explain()


def test_accuracy_on_both_parts(matcher: IntentMatcher) -> None:
    verdicts = [judge(matcher, c) for c in CASES]
    scores = {}
    for part in PARTS:
        mine = [v for v in verdicts if v.case.part == part]
        scores[part] = accuracy(mine)
        print(f"{part}: {scores[part]:.1%} of {len(mine)}")  # shown with -s / -rA
    # Only the score of a held-out part is shown here: reading its misses is how one starts
    # tuning on it. benchmarks/bench_understanding.py lists them when that is the point.
    assert scores["tune"] >= TUNE_FLOOR
    for part in HELD_OUT:
        floor = HELD_OUT_FLOORS[part]
        assert scores[part] >= floor, f"{part} accuracy fell to {scores[part]:.1%} (< {floor})"


def test_word_lists_do_not_undo_each_other() -> None:
    phrases = load_intents(intents_file("en"))
    words = phrases.words
    meaning = {*words.negations, *words.addressee, *words.praise, *words.questions}
    # A filler is dropped before anything else: one that also carries meaning would hide it
    # ("well" would turn "well done" into "done").
    assert not set(phrases.fillers) & meaning
    assert not {w for f in phrases.fillers for w in f.split()} & {
        w for p in words.praise for w in p.split()
    }
    # An outcome phrase that speaks to the child would be thrown out by its own words.
    to_child = {*words.addressee, *words.praise}
    for name in ("done", "not_yet"):
        for phrase in phrases.phrases[name]:
            said = f" {phrase} "
            assert not any(f" {w} " in said for w in to_child), phrase
    # done phrases must not be negated: a negated done reads as not yet.
    for phrase in phrases.phrases["done"]:
        assert not set(phrase.split()) & set(words.negations), phrase


# -- durations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("five minutes", 300),
        ("ninety seconds", 90),
        ("two and a half minutes", 150),
        ("a minute and a half", 90),
        ("an hour and a half", 5400),
        ("two minutes thirty", 150),
        ("one minute fifteen", 75),
        ("two minutes and thirty seconds", 150),
        ("2 minutes 30 seconds", 150),
        ("1 hour 15 minutes", 4500),
        ("half a minute", 30),
        ("half an hour", 1800),
        ("twenty five minutes", 1500),
        ("5 minutes", 300),
        ("seven minute", 420),
        ("one and a half minutes", 90),
        ("a minute", 60),
        ("ten secs", 10),
        ("a couple of minutes", 120),
        ("couple of minutes", 120),
        ("a couple minutes", 120),
        ("a quarter of an hour", 900),  # not "an hour"
        ("quarter of an hour", 900),
        ("three quarters of an hour", 2700),
        ("minute and a half", 90),  # the article left out
        ("hour and a half", 5400),
        ("two point five minutes", 150),
        ("zero five minutes", 300),  # as a clock is read
        ("one and half minute", 90),
        ("a minute and half", 90),
        ("to minutes", 120),  # a word heard for a number, right before a unit
        ("tree minutes", 180),
        ("fine minute", 300),
        ("for minute", 240),
        ("fife minutes", 300),
        ("tin minutes", 600),  # Boston, New Zealand
        ("dirty seconds", 30),
        ("a wee minute", 60),
        ("a quick second", 1),
    ],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ten",
        "minutes",
        "five",
        "zero minutes",
        "five more minutes",
        "set a timer for ten",
        "a hundred thousand hours",
        "99999 hours",
        "half a",
        "and a half",
        "a couple",
        "a couple of",
        "a quarter of a minute",
        "quarter",
        "zero zero minutes",
        "two point minutes",
        "two point five",
        "a wee minutes",
        "for minutes",  # said of time ("she brushed for minutes"), never four
        "to",
        "fine",
    ],
)
def test_not_durations(text: str) -> None:
    assert parse_duration(text) is None


def test_a_duration_inside_a_sentence_is_found_with_its_span() -> None:
    words = ["start", "a", "7", "minute", "timer"]
    assert find_duration(words) == Duration(2, 4, 420)
    words = ["set", "a", "timer", "for", "a", "minute", "and", "a", "half", "please"]
    assert find_duration(words) == Duration(4, 9, 90)
    # Parts only run from larger to smaller units: a repeat is not added up.
    assert find_duration(["five", "minutes", "and", "five", "minutes"]) == Duration(0, 2, 300)
    assert find_duration(["wait", "for", "me"]) is None


# -- properties -------------------------------------------------------------------------------

_CONTEXT_CHOICES = st.sampled_from([None, *CONTEXTS.values()])


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=80),
    allowed=_CONTEXT_CHOICES,
    confidence=st.floats(min_value=0.0, max_value=1.0),
    alternatives=st.lists(st.text(max_size=30), max_size=3),
)
def test_any_text_reads_without_error(
    matcher: IntentMatcher,
    text: str,
    allowed: frozenset[str] | None,
    confidence: float,
    alternatives: list[str],
) -> None:
    reading = matcher.read(text, allowed, confidence=confidence, alternatives=alternatives)
    assert 0.0 <= reading.score <= 1.0
    if reading.intent is not None:
        assert allowed is None or reading.intent.name in allowed
        assert all(isinstance(v, int) for v in reading.intent.slots.values())
        assert reading.unsure is None
    if reading.unsure is not None:
        assert reading.unsure.name in ("done", "not_yet")
        assert allowed is None or reading.unsure.name in allowed


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=12))
def test_any_words_parse_as_a_duration_or_not_without_error(words: list[str]) -> None:
    found = find_duration(words)
    if found is not None:
        assert 0 <= found.start < found.end <= len(words)
        assert 0 < found.seconds <= MAX_SECONDS
    parse_duration(" ".join(words))


def _done_words() -> frozenset[str]:
    """Every word of a done phrase, every word a done frame may read (round 6), and every
    local word read as one of them (round 22)."""
    loaded = load_intents(intents_file("en"))
    words = {w for p in loaded.phrases["done"] for w in p.split()}
    classes = loaded.frames.classes
    for frame in loaded.frames.frames:
        if frame.intent != "done":
            continue
        for pattern in frame.patterns:
            for token in pattern.split():
                if token.startswith("<") and token.endswith(">"):
                    words.update(w for m in classes[token[1:-1]] for w in m.split())
                else:
                    words.add(token)
    # A household's word read as one of those ("sakyo" is "done") is one of them too.
    for heard, meant in loaded.local_words:
        if words.intersection(meant.split()):
            words.update(heard.split())
    return frozenset(words)


DONE_WORDS = _done_words()
_OTHER_WORDS = sorted(
    {
        w
        for name, texts in load_intents(intents_file("en")).phrases.items()
        for t in texts
        for w in t.split()
        if name != "done" and "{" not in w
    }
    - DONE_WORDS
)
_made_up = st.text(alphabet=string.ascii_lowercase + "'", min_size=1, max_size=9)


@settings(max_examples=500, deadline=None)
@given(
    words=st.lists(st.one_of(st.sampled_from(_OTHER_WORDS), _made_up), min_size=1, max_size=7),
    allowed=_CONTEXT_CHOICES,
    alternatives=st.lists(st.sampled_from(["done", "all done", "she did it", "dun"]), max_size=2),
)
def test_text_sharing_no_word_with_a_done_phrase_is_never_done(
    matcher: IntentMatcher,
    words: list[str],
    allowed: frozenset[str] | None,
    alternatives: list[str],
) -> None:
    text = " ".join(words)
    assume(not set(normalise(text).split()) & DONE_WORDS)
    # Near-misses ("donee", "finishd") and alternatives that do say done must not make it done.
    reading = matcher.read(text, allowed, alternatives=alternatives)
    assert reading.intent is None or reading.intent.name != "done", reading


def test_known_misses_are_only_in_tune_and_say_why() -> None:
    marked = [c for c in CASES if c.known_miss is not None]
    assert all(c.part == "tune" and (c.known_miss or "").strip() for c in marked)
    assert len(marked) <= 0.01 * len(CASES), "a known miss is an exception, not a way out"


def test_a_done_frame_says_not_only_to_say_no_help_was_needed() -> None:
    # A done frame that fits words with a "not" in them is read as done (matcher._report_of):
    # that is only right for "he didn't need me at all" or "i didn't lift a finger", so no
    # other done frame may have one.
    loaded = load_intents(intents_file("en"))
    negations = {w for n in loaded.words.negations for w in n.split()}
    classes = loaded.frames.classes
    for frame in loaded.frames.frames:
        if frame.intent != "done":
            continue
        for pattern in frame.patterns:
            words = set()
            for token in pattern.split():
                name = token.strip("<>*")
                members = classes.get(name, ()) if token.startswith("<") else (token,)
                if name == "self":  # "with no help" is taken out before frames read the words
                    members = tuple(m for m in members if not set(m.split()) & negations)
                words |= {w for m in members for w in m.split()}
            if words & negations:
                assert {"need", "needed"} & words or "<hands_off>" in pattern, pattern
