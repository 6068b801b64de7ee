"""The intent matcher: recogniser text -> one canonical intent, or nothing.

A parent at the sink talks all the time, mostly to the child. The matcher takes a command
only when the whole utterance is one, and never takes *done* from a guess:

1. **Normalise** (lowercase words), drop filler words ("please", "um") and a polite opening
   ("can you ..."). A spoken duration ("two and a half minutes") is cut out and kept for the
   `seconds` slot of timer_start; phrases mark where it goes with `{duration}`.
2. **Score** every phrase of every intent against the whole utterance, twice, and keep the
   lower score: rapidfuzz's `ratio` (normalised Indel similarity) over the *characters*, which
   forgives small mishearings ("knot yet"), and the same over the *words*, after snapping each
   unknown word to the nearest phrase word within one or two letters ("neck" -> "next"). In
   the word score an extra or swapped word costs a whole word, as an unmatched word costs in
   Rhasspy's fsticuffs (confidence = 1 - cost / words): "stop the water" is far from "stop the
   timer" though their letters are close, and "she did it at school" is far from "she did it".
   A loose reading forgives one added or left-out minor word ("unpause it", "end timer"),
   less 0.04, except for done and stop and never down to one word ("stop it" is to the child).
   For speed, only phrases sharing a content word with the utterance are scored (their word
   scores in one C call, words coded as characters): any other phrase scores too low by words
   to matter. A listed phrase said exactly is taken at once, with or without its fillers.
3. **Read the words that change meaning** (lists per language in `intents/<lang>.yaml`):
   a negation turns a *done* reading into *not yet* ("she isn't finished" scores as "she
   finished", negated) and removes *done* altogether; words aimed at the child ("you",
   praise such as "well done" unless the child is spoken of: "well done she did it" is a
   report) or a request remove both outcomes; a yes/no question ("are you done", "did she
   do it", "finished yet") is no command at all.
4. **Decide** as hassil's fuzzy matcher does: the best intent must clear a floor *and* beat
   every other intent by a margin (hassil rejects within 0.2 of a rival in log-prob space;
   here 0.08 in ratio space, 0.15 for *done*, whose floor is higher too; harmless intents such
   as repeat or help have a lower floor). Content beyond the phrase ("just a minute ago")
   is never taken. The best intent
   overall must be one the session allows now; otherwise the matcher says nothing, so "not
   yet" at a parent step never turns into "next".
5. **Sound-alikes** (English word lists): a word that is no phrase word, but sounds like one
   (`_sound_key`, a small Metaphone: voiced and unvoiced consonants alike, vowels dropped), is
   read as that word, and two such words may join into one: "paws" -> "pause", "go bag" -> "go
   back", "un pause" -> "unpause". Never towards *done*: a word of a done phrase is never the
   sound-alike of anything, and an utterance read through a sound-alike has no done reading.
   Those misheard as done must be listed as phrases ("dun", "she's dun").
6. **Ask instead of guessing**: a weak or close outcome reading is `unsure`, not taken; so is
   an outcome heard with low recogniser confidence, or one that an alternative reading
   contradicts. The session asks "Did Sam do it on their own?".
7. **Frames** (`frames` in `intents/<lang>.yaml`, as Snips/Rhasspy slot grammars generalise):
   word classes in order ("<subject> <finish> [<object>] [<self>]" -> done, "<cancel> [the]
   <timer>" -> timer_cancel), read only when no phrase gave an intent and only when the whole
   utterance (fillers dropped) fits one frame: nothing beyond it. The word rules still hold: a
   question is never read, talk to the child or a request is never an outcome, a negated
   done frame is not yet and any other negated frame nothing, and the session's context
   applies. A self-phrase with a negation word in it ("with no help", "without any help") is
   no negation: it is taken out before anything is read ("he did it with no help" -> "he did
   it"). Outcome reports are frames too: the parent did it or part of it ("i had to do it
   for him", "i helped him with the last bit"), the child gave up ("he gave up") or did only
   part ("she only managed part of it") -> not yet; "that's him done" -> done. A "no" before
   a not-yet frame agrees with it ("no she needed a hand").
"""

from __future__ import annotations

import functools
import logging
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from operator import itemgetter

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from .durations import ARTICLES, COUNTS, NUMBER_WORDS, Duration, find_duration
from .intents import SLOT_PLACEHOLDERS, Frames, IntentPhrases
from .keywords import SLOT, KeywordReader
from .outcome_guess import OutcomeGuesser
from .phrase_index import PhraseIndex
from .text import normalise

log = logging.getLogger(__name__)

OUTCOMES = frozenset({"done", "not_yet"})
"""The intents that log what the child did: the costly ones to get wrong."""
_NOT_LOOSE = frozenset({"done", "stop"})
"""Intents read only from their phrases as listed (or misheard), never one minor word away:
a false done logs a lie, a false stop ends the session ("stop there" said to the child)."""
_NEGATED = "not: "  # opens the phrase of a not_yet read as a negated done phrase
_SLOT = SLOT  # stands for the duration in phrases and utterances; normalise() never emits it
_MAX_ALTERNATIVES = 5  # Vosk n-best lists are short; this bounds the cost of hostile input
_SAME_WORD = 75  # rapidfuzz ratio at which a heard word counts as a phrase word ("neck"/"next")
_CUTOFF = 65  # below this (of 100) a phrase can matter to no decision: rivals count from 0.69
_LIGHT_COST = 0.04  # what one added or left-out minor word costs in a loose reading
_NEAR_WORD = 50  # rapidfuzz ratio at which a heard word may stand for a missing phrase word
_LOOSE_MIN = 0.92  # a loose reading must otherwise be (nearly) the phrase itself
_MAX_LOOSE = 3  # minor words of an utterance tried one by one as the added word (bounds cost)
_SOUND_MIN = 3  # a heard word shorter than this is never read as a sound-alike
# "add another minute", "extra minute on the timer": read as "a" for the duration, kept as a word.
_ANOTHER = ("another", "extra")
_MORE = "more"  # "add two more minutes": a word said inside a duration, kept after the slot
_MIN_TIMER_SECONDS = 5  # "a sec", "two seconds" say a short while: no timer is that short
_MAX_REASON_WORDS = 24  # a command with a reason is said in fewer words (bounds the cost)
_MAX_REASON_TRIES = 2  # places a reason may start, the latest first
_LONG_REPORT = 8  # words from which a report no frame holds is read by its parts
_MAX_VERDICT = 5  # words of a closing verdict ("that counts as done")
_TIMER = "timer"
_NO = "no"
_PLEASE = "please"
_NEXT = "next"
_THING = "thing"
_TO_CHILDREN_TOO = frozenset({"stop", "repeat", "next"})  # one word of these is often to a child
_TO_THE_ASSISTANT = frozenset({"pause", "skip", "resume"})  # ...and of these, hardly ever
# Why a parent ends, skips, pauses or goes back may be a not yet ("end it please he's had
# enough", "back one step she missed the rinse"): the command is what they ask for.
_WHY_NOT_YET = frozenset({"stop", "skip", "pause", "previous"})
# ...and a reason may read as a resume or a repeat when it says how things stand ("we're back",
# "i missed the instructions").
_STATED = frozenset({"resume", "repeat"})
_ENDS_OBJECT = frozenset({"it", "that", "this", "them", "up"})  # "...finish it | her arms..."
_IS = "'s"  # "the tap's broken": a reason that says what is going on
_SO = "so"  # "step back so i can see": what for, not why
_SORRY = "sorry"
_NOT_YET = "not yet"
_NOW = "now"  # "i've done it now": a closing "now" changes nothing
_STILL = "still"  # "not yet she's still at it": the step goes on
_MIN_AFTER_SORRY = 2  # words after the "sorry": one word alone ("sorry next") is read as said
_MAX_OWN_WORDS = 3  # words of a household's own language before a command read as listed
_MAX_AROUND = 4  # words of the longest command said again around a word to a child
_MAX_CLOSER = 2  # words of the longest of `next_closers`
_LEARNER_MIN = 4  # "is done" + a report of two words or more
_IT = "it"
_CLOSING_NO = 0.8  # below the floor, above `ask_floor`: a report closed by "no" is asked about
_AND = "and"  # "she did it herself and she was quick": a detail added
_BUT = "but"  # "took her time but she got there": what closes a report after it decides
_SOUND_PAIRS = (("ph", "f"), ("ck", "k"), ("sh", "x"), ("ch", "x"), ("th", "0"), ("qu", "k"))
_SOUND_SILENT = ("kn", "gn", "wr", "pn")  # the first letter of these openings is not heard
_SOUND_VOICED = str.maketrans("bdgvzqx", "ptkfsks")  # voiced and unvoiced sound alike to Vosk
_CODE_FROM = 0xE000  # phrase words as private-use characters (`_Phrases._encode`)
_UNKNOWN_FROM = 0xF0000  # other words of an utterance, likewise
_FRAME_SCORE = 0.9  # the score of an intent read from a frame (the whole utterance fits it)
_MAX_CLAUSES = 3  # reports in one utterance read apart, at most
_UNAIDED = "unaided"  # how a no-help phrase taken off is read by the frames (a self word)
_REPORTS = frozenset({*OUTCOMES, "initiated"})  # what report words (openers, tails...) go around
_NOT_REQUESTED = frozenset({"help"})  # "can you help me" is asked of a person, not of us
_MAX_SNAPS = 4096  # unknown words whose nearest phrase word is remembered
_MAX_REPEAT = 8  # words a `<class>*` of a frame stands for at most
_MIN_GUESSED = 3  # words of the shortest utterance the outcome guesser is asked about
_KEYWORD_SCORE = 0.86  # ... and from keywords (every word is the intent's, in any order)


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
    """The phrase as normalised; a negated done phrase reads "not: she did it"."""
    score: float
    """0..1."""


class Rejection(StrEnum):
    """Why an utterance that looked like a command was not taken."""

    QUESTION = "question"
    """A yes/no question ("are you done"): talk to the child."""
    TO_CHILD = "to_child"
    """Outcome words said to the child ("you did it", "well done")."""
    REQUEST = "request"
    """A polite request ("could you finish") is never an outcome report."""
    CONTEXT = "context"
    """The best reading is an intent the session does not take now."""
    WEAK = "weak"
    """The best reading is below the floor."""
    CLOSE = "close"
    """Two intents read too much alike."""
    CONFIDENCE = "confidence"
    """The recogniser was not sure enough of the words."""
    ALTERNATIVES = "alternatives"
    """Another reading of the recogniser means something else."""


@dataclass(frozen=True, slots=True)
class Reading:
    """What the matcher made of one utterance."""

    text: str
    """The normalised utterance."""
    intent: Intent | None
    """The accepted intent, or None."""
    candidates: tuple[Candidate, ...]
    """Best phrase per allowed intent, best first (outcomes ruled out by the words are left
    out: "are you done" has no done candidate)."""
    unsure: Candidate | None = None
    """Set when an outcome (done / not_yet) was heard but not taken: ask, don't guess."""
    rejected: Rejection | None = None
    """Why a command-like utterance was not taken; None when taken or plainly not a command."""

    @property
    def score(self) -> float:
        """Score of the accepted intent, else of the best candidate, else 0."""
        if self.intent is not None:
            return self.intent.score
        return self.candidates[0].score if self.candidates else 0.0


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Acceptance rules, as similarities 0..1 (and recogniser confidences 0..1)."""

    floor: float = 0.84
    """The best phrase must score at least this."""
    light_floor: float = 0.78
    """... or this for an intent that costs nothing when wrong (you say it again, or undo it
    with one word): see `light_intents`."""
    light_intents: frozenset[str] = frozenset(
        {"repeat", "help", "timer_status", "pause", "resume", "timer_pause", "timer_resume"}
    )
    margin: float = 0.08
    """... and beat the best phrase of every other intent by this much."""
    ask_floor: float = 0.70
    """An outcome reading between this and its floor (or inside the margin) is unsure."""
    done_floor: float = 0.88
    """*done* is the costly mistake: its best phrase must score at least this ..."""
    done_margin: float = 0.15
    """... and beat every other intent by this much."""
    outcome_confidence: float = 0.75
    """An outcome heard with lower recogniser confidence is asked about, not taken."""
    command_confidence: float = 0.40
    """Any other command heard with lower recogniser confidence is not taken."""
    guess_floor: float = 0.95
    """What nothing else read at a child's step is asked about when the outcome guesser
    (`outcome_guess`) gives an outcome at least this probability."""


@dataclass(frozen=True, slots=True)
class _Analysis:
    """One utterance read against every intent, before the session's context applies."""

    text: str
    ranked: tuple[Candidate, ...]
    """Best phrase per intent, best first."""
    slots: dict[str, int]
    """Slots of the best timer_start phrase (when it used the duration)."""
    exact: bool = False
    rejected: Rejection | None = None
    blocked: Candidate | None = None
    """The outcome the words ruled out (question, talk to the child, request), if any."""
    heard: str = ""
    """The words as said (fillers and a polite opening dropped, no sound-alikes): the frames
    read these."""
    no_outcome: bool = False
    """Talk to the child or a request: no outcome, from phrases or frames."""
    asks: bool = False
    """It closes with a question ending that was dropped as a filler ("finished already ah"):
    no done, from phrases or frames."""
    unaided: str = ""
    """`heard` with the no-help phrase that was taken off read as "unaided", when there was
    one: the frames read it when `heard` fits none ("she did the buttons no help at all")."""


class _Words:
    """A list of words or word sequences, found on word boundaries.

    Indexed by first word: text is read word by word and, where a word opens entries, the
    longest entry that fits is taken (a set lookup per word; one regex alternation of every
    entry cost more as the lists grew).
    """

    def __init__(self, entries: Iterable[str]) -> None:
        ordered = sorted({e for e in entries if e}, key=len, reverse=True)  # longest first
        self._opening: dict[str, list[tuple[str, ...]]] = {}
        for entry in ordered:
            words = tuple(entry.split())
            self._opening.setdefault(words[0], []).append(words)
        self._whole = frozenset(w for options in self._opening.values() for w in options)
        self._sizes = sorted({len(w) for w in self._whole}, reverse=True)
        self._firsts = frozenset(self._opening)  # most texts have none: one set test says so

    def _fits(self, words: list[str], i: int) -> int:
        """How many words the longest entry that opens at `words[i]` has (0: none does)."""
        for entry in self._opening.get(words[i], ()):
            if tuple(words[i : i + len(entry)]) == entry:
                return len(entry)
        return 0

    def _spans(self, words: list[str]) -> Iterator[tuple[int, int]]:
        """(start, end) of each entry in `words`, left to right, none overlapping."""
        i = 0
        while i < len(words):
            size = self._fits(words, i) if words[i] in self._opening else 0
            if size:
                yield i, i + size
                i += size
            else:
                i += 1

    def spans(self, words: list[str]) -> list[tuple[int, int]]:
        """(start, end) of each entry in `words`, left to right, none overlapping."""
        return list(self._spans(words)) if not self._firsts.isdisjoint(words) else []

    def opening_size(self, words: list[str]) -> int:
        """How many words the longest entry that opens `words` has (0: none does)."""
        return self._fits(words, 0) if words and words[0] in self._opening else 0

    def found_in(self, text: str) -> bool:
        words = text.split()
        return not self._firsts.isdisjoint(words) and next(self._spans(words), None) is not None

    def opens(self, text: str) -> bool:
        return self.opening_size(text.split()) > 0

    def _closing(self, words: list[str]) -> int:
        """How many words the longest entry that closes `words` has (0: none does)."""
        for size in self._sizes:
            if size <= len(words) and tuple(words[-size:]) in self._whole:
                return size
        return 0

    def closes(self, text: str) -> bool:
        return self._closing(text.split()) > 0

    def remove(self, text: str) -> str:
        return self.replace(text, "")

    def replace(self, text: str, word: str) -> str:
        return self.rewrite(text, lambda _: word)

    def rewrite(self, text: str, meaning: Callable[[tuple[str, ...]], str]) -> str:
        """`text` with each entry in it replaced by `meaning(entry)` (words; "" drops it)."""
        words = text.split()
        if self._firsts.isdisjoint(words):
            return " ".join(words)
        out: list[str] = []
        done = 0
        for start, end in self._spans(words):
            out.extend(words[done:start])
            out.extend(meaning(tuple(words[start:end])).split())
            done = end
        out.extend(words[done:])
        return " ".join(out)

    def remove_opening(self, text: str) -> str:
        words = text.split()
        return " ".join(words[self.opening_size(words) :])

    def remove_closing(self, text: str) -> str:
        words = text.split()
        return " ".join(words[: len(words) - self._closing(words)])

    def after_last(self, text: str) -> str:
        """The words of `text` after its last entry ("" when it ends with one; all of `text`
        when it has none)."""
        words = text.split()
        ends = [end for _, end in self._spans(words)]
        return " ".join(words[ends[-1] :]) if ends else text


class _LocalWords:
    """Words of a household's own English or language, each read as the English it means."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._meant = {tuple(heard.split()): meant for heard, meant in pairs}
        self._heard = _Words(" ".join(h) for h in self._meant)

    def translate(self, text: str) -> str:
        return self._heard.rewrite(text, self._meant.__getitem__)


class IntentMatcher:
    """Matches utterances against one language's intent phrases."""

    def __init__(self, phrases: IntentPhrases, thresholds: Thresholds = Thresholds()) -> None:
        self.language = phrases.language
        self.thresholds = thresholds
        rules = phrases.words
        self._local = _LocalWords(phrases.local_words)
        self._examples = phrases.examples
        self._guesser: OutcomeGuesser | None = None  # trained when first needed (`_trained`)
        self._fillers = _Words(phrases.fillers)
        self._negations = _Words(rules.negations)
        self._questions = _Words(rules.questions)
        self._question_ends = _Words(rules.question_ends)
        self._addressee = _Words(rules.addressee)
        self._praise = _Words(rules.praise)
        self._not_to_child = _Words(rules.not_to_child)
        self._vocatives = _Words(rules.vocatives)
        self._third_person = _Words(rules.third_person)
        self._also_yes = frozenset(rules.also_yes)
        self._spoken_of = frozenset(w for w in rules.third_person if " " not in w)  # not "the"
        self._requests = _Words(rules.requests)
        self._request_ends = _Words(rules.request_ends)
        self._log_requests = _Words(rules.log_requests)
        self._corrections = _Words(rules.corrections)
        # Durations are read in English only for now; other languages get timer_start
        # without a `seconds` slot until they have a parser.
        self._durations = self.language == "en"
        minor = frozenset(rules.minor)
        self._plain = _Phrases(minor)
        self._slotted = _Phrases(minor)
        self._done = _Phrases(minor)
        # Loose readings, as fsticuffs charges a stop word less than a word: a command of two
        # or more words with one minor word added ("let's end the session", "unpause it") or
        # left out ("end timer") still reads, a little lower. Never for done, and never
        # down to one word: "stop it" is said to the child, "stop" to the assistant.
        self._minor = minor
        self._negated_extra = minor | {
            w for e in (*rules.questions, *rules.question_ends) for w in e.split()
        }
        self._multi = _Phrases(minor)
        self._trimmed = _Phrases(minor)
        self._exact: dict[str, str] = {}
        self._said: dict[str, str] = {}
        """Phrases that fillers would cut, as written: looked up before fillers are dropped."""
        for name, texts in phrases.phrases.items():
            for text in texts:
                # Phrases go through the same filler removal as utterances, so "pause
                # please" in the file and "pause please" said both read "pause".
                said = " ".join(text.replace("{duration}", _SLOT).split())
                phrase = self._strip_fillers(said)
                if phrase != said and _SLOT not in said:
                    self._said.setdefault(said, name)
                    if len(phrase.split()) < 2:
                        # "not yep" (a mishearing of "not yet") is no "not": taken only whole.
                        continue
                if _SLOT in phrase.split():
                    self._slotted.add(name, phrase)
                    continue
                self._plain.add(name, phrase)
                self._exact.setdefault(phrase, name)
                if name == "done":
                    self._done.add(name, phrase)
                if name in _NOT_LOOSE:
                    continue
                words = phrase.split()
                if len(words) >= 2:
                    self._multi.add(name, phrase)
                for i, word in enumerate(words):
                    if word in minor and len(words) >= 3:
                        self._trimmed.add(name, " ".join(words[:i] + words[i + 1 :]))
        self._reason_starts = frozenset(rules.reason_starts)
        self._not_yet_reason_starts = frozenset(rules.not_yet_reason_starts)
        self._statement_starts = frozenset(rules.statement_starts)
        classes = phrases.frames.classes
        self._helping = _Words((*classes.get("helper", ()), *classes.get("help", ())))
        self._helper = _Words(classes.get("helper", ()))
        self._parent_did = frozenset(classes.get("parent_did", ()))
        self._help = _Words(classes.get("help", ()))
        self._self_words = _Words(classes.get("self", ()))
        self._actions = _Words(classes.get("action", ()))
        self._verdicts = frozenset(self._without_fillers(phrases.frames.verdicts))
        self._concessions = _Words(phrases.frames.concessions)
        self._elsewhen = _Words(rules.elsewhen)
        self._today = _Words(rules.today)
        self._pause_named = _Words(rules.pause_named)
        self._asks_child = _Words(rules.asks_child)
        self._answers = _Words(rules.answers)
        self._next_closers = frozenset(rules.next_closers)
        self._own_step = _Words(rules.own_step)
        self._own_step_done = frozenset(self._without_fillers(rules.own_step_done))
        self._meanwhile = frozenset(rules.meanwhile)
        self._sarcasm = _Words(rules.sarcasm)
        self._detail_starts = frozenset(rules.detail_starts)
        self._not_details = frozenset(rules.not_details)
        self._exceptions = _Words(rules.exceptions)
        self._names = frozenset(rules.names)
        self._asides = _Words(rules.asides)
        self._talk_openers = _Words(rules.talk_openers)
        self._sayings = _Words(rules.sayings)
        self._reason_commands = frozenset(rules.reason_commands)
        self._hedges = frozenset(rules.hedges)
        self._child_objects = frozenset(rules.child_objects)
        self._partial = frozenset(rules.partial)
        self._parents = frozenset(rules.parents)
        self._learner_is = frozenset(rules.learner_is)
        self._missed_past = frozenset(rules.missed_past)
        self._repeat_joins = frozenset(rules.repeat_joins)
        self._dangling = frozenset(rules.dangling)
        phrase_words = {w for p in (*self._plain.texts, *self._slotted.texts) for w in p.split()}
        everyday = {w for e in rules.everyday for w in e.split()} - phrase_words
        self._everyday = frozenset(everyday)
        self._vocabulary = sorted(phrase_words | everyday)
        self._known = frozenset(self._vocabulary)
        self._lexicon = _lexicon(phrases)
        self._snaps: dict[str, str] = {}
        # Sound-alikes lead to any phrase word except those of done phrases (and never from a
        # number word: "ten" must stay a number). See `_sound_alike`.
        # Nor to a word that changes meaning: "dune" must not be heard as "didnae".
        done_words = {w for p in self._done.texts for w in p.split()}
        meaning = {w for e in (*rules.negations, *rules.questions) for w in e.split()}
        self._sounds: dict[str, str] = {}
        for word in self._vocabulary:
            key = _sound_key(word)
            if word in done_words or word in meaning or word in everyday:
                continue
            if len(key) < 2 or len(word) < _SOUND_MIN:
                continue
            self._sounds.setdefault(key, word)  # vocabulary is sorted: a stable choice
        self._sound_from = self._durations  # English only, as the key is English spelling
        # Frames (`intents.Frames`): word classes in order, read only when no phrase gave an
        # intent. A self-phrase with a negation word in it ("with no help") negates nothing:
        # it is taken out before the words are read ("he did it with no help" -> "he did it").
        self._frames = _FrameSet(phrases.frames) if phrases.frames.frames else None
        # Report words are read after fillers are dropped, so they drop them too ("ever so
        # nicely" is heard as "ever nicely").
        frames = phrases.frames
        self._report_openers = _Words(self._without_fillers(frames.openers))
        self._report_tails = _Words(self._without_fillers(frames.tails))
        self._report_asides = _Words(self._without_fillers(frames.asides))
        self._joins = frozenset(frames.joins)
        self._clause_starts = frozenset(frames.clause_starts)
        # Keywords read fillers as glue: "let's stop for today" keeps the "today" it needs.
        keywords = phrases.keywords
        self._keywords = KeywordReader(replace(keywords, glue=keywords.glue + phrases.fillers))
        # Fillers that also say "not" between the child and the verb, as in the Black Country
        # ("he ay done it", "she eh do it"): a report with one inside is read as said.
        negated_class = {w for w in phrases.frames.classes.get("negated", ()) if " " not in w}
        self._negating_fillers = frozenset(set(phrases.fillers) & negated_class)
        negating = set(rules.negations) | {"without"}
        self._no_help = _Words(
            s for s in phrases.frames.classes.get("self", ()) if negating & set(s.split())
        )

    # -- public ------------------------------------------------------------------------------

    def read(
        self,
        text: str,
        allowed: AbstractSet[str] | None = None,
        *,
        confidence: float = 1.0,
        alternatives: Sequence[str] = (),
        child: str = "",
    ) -> Reading:
        """Read `text` in a context that takes the intents in `allowed` (all when None).

        `confidence` (the recogniser's mean word confidence, 0..1) and `alternatives` (its
        other readings, best first) only ever hold an intent back, never add one: typed text
        (1.0 and none) stands on its own. `child` is the child's name: said, it reads as "the
        child" ("sam did it herself" is "the child did it herself").
        """
        # Once: the phrases, frames and keywords all read these words, in the English meant.
        said = self._local.translate(normalise(text))
        if child:
            said = _as_child(said, child)
            alternatives = tuple(_as_child(normalise(a), child) for a in alternatives)
        # Taken back: "next no wait go back" is go back, "she needed help no wait yeah she
        # needed help" a not yet. Nothing after it, and nothing was said.
        said = self._corrections.after_last(said)
        said = self._yes_before_report(said)
        said = self._learners_it_is(said)
        reading = self._read_said(said, allowed)
        if reading.intent is None and reading.rejected is not Rejection.CONTEXT:
            # Said twice, as to a device that did not answer: "next next", "skip skip this
            # step", "next step i said next step", "no no he couldn't do it i helped". Or
            # started again after a "no": "she needed a no she did it herself", "a five no a
            # four minute timer". Or a "no" closing a no: "he didn't manage that one no".
            once = _said_once(said)
            for restated in self._restatements(once):
                if restated == said:
                    continue
                again = self._read_said(restated, allowed)
                if again.intent is not None:
                    reading = again
                    break
            else:
                # A "no" closing a not yet says it again ("he didn't manage that one no", "he
                # got upset and gave up so no"); closing a report of doing it, it asks.
                head = self._without_closing_no(once)
                if head != once:
                    again = self._read_said(head, allowed)
                    if again.intent is not None and again.intent.name == "not_yet":
                        reading = again
        if reading.intent is None and reading.rejected is not Rejection.CONTEXT:
            # Said again after a word to a child: "next please sorry jacob not you next please".
            around = self._command_around_aside(said, allowed)
            if around is not None:
                reading = around
        if reading.intent is None and reading.rejected is not Rejection.CONTEXT:
            turned = (
                self._after_sorry(said, allowed)
                or self._after_own_words(said, allowed)
                or self._after_aside(said, allowed)
            )
            if turned is not None:
                reading = turned
        if (
            reading.intent is None
            and reading.unsure is None
            and reading.rejected is None
            and (allowed is None or allowed >= OUTCOMES)
        ):
            asked = self._report_amid_talk(said, allowed)
            if asked is None and allowed is not None:
                asked = self._guessed(said)  # in a session only: `parse` asks no one
            if asked is not None:
                reading = replace(reading, unsure=asked, rejected=Rejection.WEAK)
        if self._is_saying(said, reading):
            reading = Reading(said, None, reading.candidates)
        if self._said_to_child_by_name(said, reading):
            reading = Reading(said, None, reading.candidates, rejected=Rejection.TO_CHILD)
        if reading.intent is not None and self._sarcasm.opens(said):
            reading = self._doubted(reading)
        return self._weigh(reading, confidence, alternatives)

    def _doubted(self, reading: Reading) -> Reading:
        """After a mocking opening ("yeah right he's done"): an outcome is asked about."""
        intent = reading.intent
        if intent is None or intent.name not in OUTCOMES:
            return reading
        return _asked_instead(reading, intent, Rejection.WEAK)

    def _after_sorry(self, said: str, allowed: AbstractSet[str] | None) -> Reading | None:
        """What the words after the last "sorry" read as, two words or more, when they read as
        an intent: "biscuit quiet sorry she's done it" is a word to the dog, then a report."""
        words = said.split()
        at = _last_at(words, _SORRY)
        if at < 1 or len(words) - at <= _MIN_AFTER_SORRY:
            return None
        turned = self._read_said(" ".join(words[at + 1 :]), allowed)
        return turned if turned.intent is not None else None

    def _after_aside(self, said: str, allowed: AbstractSet[str] | None) -> Reading | None:
        """What follows a word to someone else: an opening of `asides`, one word that calls
        someone (a name the child is called by, a grown-up of the household, a name of `names`
        or one the file does not know), then two words or more that read as an intent alone
        ("hang on mum | yeah she's done it", "one sec babe | he did it on his own"). An outcome
        only after someone the file knows and as a report that speaks of the child: "hang on
        love | done" may answer the one called."""
        words = said.split()
        size = self._asides.opening_size(words)
        if not size or len(words) - size - 1 < 2:
            return None
        who = words[size]
        known = self._vocatives.found_in(who) or self._helper.found_in(who) or who in self._names
        if not (known or who not in self._lexicon):
            return None
        rest = " ".join(words[size + 1 :])
        if self._requests.opens(rest):
            return None  # "sorry hon | can you repeat that ...": asked of the one called
        turned = self._read_said(rest, allowed)
        if turned.intent is None:
            return None
        if turned.intent.name in OUTCOMES and not (known and self._third_person.found_in(rest)):
            return None  # a word no one here knows may not call anyone (step 11)
        return turned

    def _report_amid_talk(self, said: str, allowed: AbstractSet[str] | None) -> Candidate | None:
        """An outcome said of the child before or after words to someone else, to be asked
        about: "she did it herself | love can you grab the post", "sorry i'm on the phone | she
        did it though". Never taken: where one part ends is a guess, and "she did | it you
        helped" would cut a sentence in two. So the other part must open as talk to someone
        (`talk_openers`, a name, a name the child is called by, an aside or a request), and
        nothing is said of another time ("when we were in durban | she did it")."""
        words = said.split()
        if len(words) < 4 or self._elsewhen.found_in(said) or self._today.found_in(said):
            return None
        # The longest part first: the report before the talk, then after it.
        pieces = [
            words[:k] for k in range(len(words) - 2, 1, -1) if self._talk_to_someone(words[k:])
        ]
        if self._talk_to_someone(words):
            pieces += [words[k:] for k in range(1, len(words) - 1) if self._opens_report(words[k:])]
        for piece in pieces:
            text = " ".join(piece)
            if not self._third_person.found_in(text):
                continue
            heard = self._read_said(text, allowed)
            if heard.intent is not None and heard.intent.name in OUTCOMES:
                return Candidate(heard.intent.name, heard.text, heard.intent.score)
        return None

    def prepare(self) -> None:
        """Train the outcome guesser now (a fraction of a second), not at the first utterance
        it is needed for: a session calls this before it listens."""
        self._trained()

    def _trained(self) -> OutcomeGuesser | None:
        """The outcome guesser, trained on first use; None with no examples (Korean)."""
        if self._guesser is None and self._examples:
            self._guesser = OutcomeGuesser.train(self._examples)
        return self._guesser

    def _guessed(self, said: str) -> Candidate | None:
        """The outcome the guesser is sure `said` reports, to be asked about (never taken): an
        utterance of three words or more that speaks of the child or of what a parent did, and
        of no other time or place ("she did it last night")."""
        words = said.split()
        if len(words) < _MIN_GUESSED or not self._speaks_of_child(said, words):
            return None
        guesser = self._trained()
        if guesser is None or self._elsewhen.found_in(said):
            return None
        found = guesser.guess(said, self.thresholds.guess_floor)
        return Candidate(found[0], said, found[1]) if found is not None else None

    def _speaks_of_child(self, said: str, words: list[str]) -> bool:
        """Whether `said` (as `words`) speaks of the child ("she", "him") or of what a parent
        did ("i ...")."""
        return self._third_person.found_in(said) or words[0] in self._parents

    def _opens_report(self, words: list[str]) -> bool:
        """Whether `words` open as a report of the child: "she ...", "nah she ..."."""
        said_first = self._negations.opening_size(words) or self._answers.opening_size(words)
        return self._third_person.opening_size(words[said_first:]) > 0

    def _talk_to_someone(self, words: list[str]) -> bool:
        """Whether `words` open as said to someone: "love can you ...", "hang on ruby ..."."""
        return words[0] in self._names or any(
            opening.opening_size(words)
            for opening in (self._talk_openers, self._vocatives, self._asides, self._requests)
        )

    def _after_own_words(self, said: str, allowed: AbstractSet[str] | None) -> Reading | None:
        """A command or a report said after words of the household's own language ("pomin
        skip this one", "chua she didn't do it"): up to three words the file has nowhere open
        it, none an English contraction ("who's next" is a quiz).

        Such a word may as well be a name ("ruby next" is said to Ruby, "kofi needed help" may
        be of a brother), so a command must be two words or more, and a report must open as
        one ("she", "i", "not"). A name of `names` is a word the file has (`_lexicon`), so it
        opens no such reading: "tom skip it" is said to Tom. Never a done: words no one here
        knows may say "supposedly", so a report after them is asked about.
        """
        words = said.split()
        own = 0
        while own < len(words) and words[own] not in self._lexicon:
            if words[own].endswith("'s"):
                return None
            own += 1
        if not 0 < own <= _MAX_OWN_WORDS or len(words) - own < 2:
            return None
        rest = self._read_said(" ".join(words[own:]), allowed)
        intent = rest.intent
        if intent is None or intent.name == "done" or intent.score < _FRAME_SCORE:
            return None
        if intent.name in _REPORTS and words[own] not in self._clause_starts:
            return None
        return rest

    def _is_saying(self, said: str, reading: Reading) -> bool:
        """Whether the command read is a saying that fits it word for word, with no duration
        or timer said ("give me a break"; "give me a break timer" is a command)."""
        return (
            reading.intent is not None
            and "seconds" not in reading.intent.slots
            and self._sayings.found_in(said)
            and _TIMER not in said.split()
        )

    def _said_to_child_by_name(self, said: str, reading: Reading) -> bool:
        """Whether a pause or a next is said to the child, by a name the child is called by: a
        wait that names no pause ("one sec love"; "pause it love" is a pause), or asking what
        comes next ("what's next buddy" quizzes the child; "next one mate" is a command)."""
        if reading.intent is None or reading.intent.name not in ("pause", "next"):
            return False
        if not self._vocatives.found_in(said) or self._third_person.found_in(said):
            return False
        if reading.intent.name == "pause":
            return not self._pause_named.found_in(said)
        return self._asks_child.found_in(said)

    def _command_around_aside(self, said: str, allowed: AbstractSet[str] | None) -> Reading | None:
        """The command said at both ends of `said`, two words or more, around a word to a child
        (one spoken to, or a "sorry"): "five minute break sorry ella put that down five minute
        break". An outcome only around a "sorry" and with no negation anywhere ("he did it
        sorry the baby's got my hair he did it"): a report said twice around other talk to the
        child is not read apart from it."""
        words = said.split()
        for size in range(min(_MAX_AROUND, (len(words) - 1) // 2), 1, -1):
            if words[:size] != words[-size:]:
                continue
            between = words[size:-size]
            if between[0] != _SORRY and not self._to_child_in(" ".join(between)):
                return None
            head = self._read_said(" ".join(words[:size]), allowed, reasons=False)
            if head.intent is None:
                return None
            if head.intent.name in OUTCOMES and (
                between[0] != _SORRY or self._negations.found_in(said)
            ):
                return None
            return head
        return None

    def _learners_it_is(self, said: str) -> str:
        """`said` with a learner's "is done" / "is finish" / "is not done" opening it (after
        fillers) read as "it's": followed by a report ("okay is done she make it all alone"), it
        tells; alone it may ask ("is done?"), and is left as said."""
        words = said.split()
        if "is" not in words:
            return said
        at = words.index("is")
        core = self._fillers.remove(" ".join(words[:at]))
        if core or len(words) - at < _LEARNER_MIN or words[at + 1] not in self._learner_is:
            return said
        return " ".join([*words[:at], "it's", *words[at + 1 :]])

    def _restatements(self, once: str) -> Iterator[str]:
        """`once` (said with no repeat), then each way the speaker put it right that changes it,
        made only when the one before read as nothing (`_command_taken_back` reads words)."""
        yield once
        plain = self._fillers.remove(once)  # "uh she needed a um no she did it herself"
        for restart in (_repaired, _stutter_free, self._command_taken_back):
            restated = restart(plain)
            if restated != plain:
                yield restated

    def _command_taken_back(self, said: str) -> str:
        """What follows the last "no" after a command of a word or two, which it takes back:
        "next no no go back", "done no not yet". Otherwise `said`: "oh no she did it" takes
        nothing back."""
        words = said.split()
        at = _last_at(words, _NO)
        if at < 1:
            return said
        first = words[:at]
        while first and first[-1] == _NO:
            first.pop()
        if not 1 <= len(first) <= 2 or len(words) - at <= 2:
            return said
        taken_back = self._read_said(" ".join(first), None, reasons=False)
        return " ".join(words[at + 1 :]) if taken_back.intent is not None else said

    def _helped_outside_self(self, words: list[str]) -> bool:
        """Whether a help word of `words` stands outside every self-phrase: "no help at all" and
        "without any help" say there was none."""
        return self._outside_self(words, self._help.spans(words))

    def _outside_self(self, words: list[str], spans: Iterable[tuple[int, int]]) -> bool:
        """Whether one of `spans` of `words` stands outside every self-phrase of them."""
        alone = self._self_words.spans(words)
        return any(not any(a <= start and end <= b for a, b in alone) for start, end in spans)

    def _without_closing_no(self, said: str) -> str:
        """`said` without a closing "no" (or "so no"): "he got upset and gave up so no"."""
        words = said.split()
        if len(words) < 3 or words[-1] != _NO:
            return said
        words.pop()
        if words[-1] == _SO:
            words.pop()
        return " ".join(words)

    def _yes_before_report(self, said: str) -> str:
        """`said` with a word of `also_yes` right before one of `third_person` read as "yeah"
        ("ya he did it", "done ya she did it on her own")."""
        words = said.split()
        if self._also_yes.isdisjoint(words):
            return said
        return " ".join(
            "yeah" if w in self._also_yes and nxt in self._spoken_of else w
            for w, nxt in zip(words, [*words[1:], ""], strict=True)
        )

    def _read_said(
        self, said: str, allowed: AbstractSet[str] | None, *, reasons: bool = True
    ) -> Reading:
        """`read` of normalised words, before the recogniser's doubts are weighed; with
        `reasons`, a command may have a reason after it (never within one: no recursion)."""
        # Dropping a filler that says "not" would make "he ay done it" a done: the words as
        # said decide, and only ever as a not yet.
        if (
            self._frames is not None
            and self._negating_fillers.intersection(said.split()[1:-1])
            and (allowed is None or "not_yet" in allowed)
            and self._report_of(said) == "not_yet"
        ):
            return Reading(said, Intent("not_yet", {}, _FRAME_SCORE), ())
        heard = self._analyse(said)
        reading = self._decide(heard, allowed)
        if reading.intent is None and reading.rejected not in (
            Rejection.QUESTION,
            Rejection.CONTEXT,
        ):
            framed = self._framed(heard)
            if framed is not None and (allowed is None or framed in allowed):
                intent = Intent(framed, {}, _FRAME_SCORE)
                reading = replace(reading, intent=intent, unsure=None, rejected=None)
        elif reading.intent is not None and reading.intent.name in OUTCOMES:
            # Every word fits a frame: that outweighs an outcome heard only by its letters
            # ("she did it on her own i didn't even touch it" is no "not: she did it on her own").
            framed = self._framed(heard) if reading.intent.score < 1.0 else None
            if framed in OUTCOMES and framed != reading.intent.name:
                intent = Intent(framed, {}, _FRAME_SCORE)
                reading = replace(reading, intent=intent, unsure=None, rejected=None)
        if reading.intent is None and reading.rejected is not Rejection.CONTEXT:
            # Every word fits the rule, so a keyword reading outweighs an outcome heard only
            # by its letters ("she did it without me asking" is no weak "she did it all").
            keyword = self._by_keywords(said, allowed)
            if keyword is not None:
                reading = replace(reading, intent=keyword, unsure=None, rejected=None)
        if (
            reasons
            and reading.intent is None
            and reading.rejected in (None, Rejection.WEAK, Rejection.QUESTION)
        ):
            # A weak reading of the whole is no verdict on its parts ("move on to the next step
            # he's waiting" reads weakly as a next only because of its reason), nor is a
            # question ("can we go back a step he wasn't ready" asks with a reason). A whole
            # asked about settles only as what it was asked about ("she needed help | she's
            # tired" asked about a not yet).
            command = self._command_with_reason(said, allowed)
            if command is not None and (
                reading.unsure is None or reading.unsure.name == command.name
            ):
                reading = replace(reading, intent=command, rejected=None, unsure=None)
        if reasons and reading.intent is None and reading.unsure is None:
            asked_again = self._repeat_with_reason(said, allowed)
            if asked_again is not None:
                reading = replace(reading, intent=asked_again, rejected=None)
        if reasons and reading.intent is None and self._next_after_own_step(said, allowed):
            reading = replace(reading, intent=Intent("next", {}, _FRAME_SCORE), unsure=None)
        if reasons and reading.intent is None and self._own_step_finished(said, allowed):
            reading = replace(reading, intent=Intent("done", {}, _FRAME_SCORE), unsure=None)
        if (
            reasons
            and reading.intent is None
            and (reading.unsure is None or reading.unsure.name == "done")
            and self._done_with_detail(said, allowed)
        ):
            intent = Intent("done", {}, _FRAME_SCORE)
            reading = replace(reading, intent=intent, unsure=None, rejected=None)
        if (
            reasons
            and reading.intent is None
            and reading.rejected is not Rejection.CONTEXT
            and self._not_yet_told(said, allowed)
        ):
            intent = Intent("not_yet", {}, _FRAME_SCORE)
            reading = replace(reading, intent=intent, unsure=None, rejected=None)
        return reading

    def _not_yet_told(self, said: str, allowed: AbstractSet[str] | None) -> bool:
        """Whether `said` is a not yet with the story of it: a listed not yet opening a report
        of help or of the parent doing some of it ("not yet he put it on back to front and i
        fixed it"), or closing a report of the step after "so" ("he did it with my hands on his
        so not yet"). Never to anyone, never a question, never of another time."""
        if allowed is not None and "not_yet" not in allowed:
            return False
        words = said.split()
        if not 4 <= len(words) <= _MAX_REASON_WORDS:
            return False
        if (
            self._addressee.found_in(said)
            or self._questions.opens(said)
            or self._elsewhen.found_in(said)
        ):
            return False
        for size in range(1, _MAX_VERDICT + 1):
            if self._exact.get(" ".join(words[:size])) == "not_yet":
                rest = words[size:]
                told = " ".join(rest)
                if self._parent_did_in(rest, meanwhile=False) or (
                    self._help.found_in(told) and not self._negations.found_in(told)
                ):
                    return True
            closing = words[-size:]
            before = words[: -size - 1]
            if (
                len(before) >= 2
                and words[-size - 1] == _SO
                and self._exact.get(" ".join(closing)) == "not_yet"
                and (
                    self._third_person.found_in(" ".join(before))
                    or not self._parents.isdisjoint(before)
                )
            ):
                return True
        return False

    def _done_with_detail(self, said: str, allowed: AbstractSet[str] | None) -> bool:
        """Whether `said` is a done report with a detail of how it went after it: "she did it
        on her own while i was loading the dishwasher", "yep he did it that time didn't need me
        at all". Only at a child's step; the detail opens with a word of `detail_starts`,
        reads as nothing or as done, and says nothing of help, of a part left out, of another
        time or to anyone."""
        if allowed is not None and ("done" not in allowed or "not_yet" not in allowed):
            return False
        words = said.split()
        if not 3 <= len(words) <= _MAX_REASON_WORDS or not self._self_words.found_in(said):
            return False  # most talk is turned down here: a done with a detail says who did it
        if (
            self._exceptions.found_in(said)
            or self._elsewhen.found_in(said)
            or self._today.found_in(said)
            or not self._partial.isdisjoint(words)
            or self._questions.opens(said)
            or self._parent_did_in(words, meanwhile=False)
            or self._helped_outside_self(words)
        ):
            return False
        # "...on her own | in the end took her ages": right after who did it alone, any word
        # may open the detail.
        after_self = {
            end
            for _, end in self._self_words.spans(words)
            if 3 <= end <= len(words) - 2 and words[end] not in self._not_details
        }
        # "...herself | the sock's on the right way round": "the" opens a detail that says
        # what is so, as after a request (`_command_with_reason`).
        starts = [
            i
            for i in range(len(words) - 1, 0, -1)
            if words[i] in self._detail_starts or self._states_at(words, i) or i in after_self
        ]
        for i in starts[:_MAX_REASON_TRIES]:
            # "she did that step herself | and she was really quick": "and" adds the detail.
            head_words = words[: i - 1] if words[i - 1] == _AND else words[:i]
            said_first = " ".join(head_words)
            head = self._read_said(said_first, allowed, reasons=False)
            if head.intent is None or head.intent.name != "done":
                continue
            detail = " ".join(words[i:])
            if self._to_child_in(detail) or not self._names.isdisjoint(words[i:]):
                return False
            if self._others_in(words[i:]):
                return False  # "...no help from her brother": asked
            if _STILL in words[i:]:
                return False  # "...the top's still dirty" may leave something to do: asked
            rest = self._read_said(detail, allowed, reasons=False)
            if rest.intent is not None:
                return rest.intent.name == "done"
            # A bare "she's done" may be done with something else ("she's done a wee"): the
            # report says who did it alone, or the detail says so.
            told_alone = (
                self._self_words.found_in(said_first)
                # "on his own | he can finish a whole packet": no report, only how
                and self._self_words.opening_size(head_words) < len(head_words)
            ) or (
                # "done | he found the armholes himself": the detail is the child's report of
                # what they did, not of what they can or want to do
                self._self_words.found_in(detail) and self._did_at(words, i)
            )
            return (
                rest.unsure is None
                # "...but no help at all" negates nothing of what the child did
                and not self._outside_self(words[i:], self._negations.spans(words[i:]))
                and told_alone
            )
        return False

    def _did_at(self, words: list[str], i: int) -> bool:
        """Whether a report of what the child did opens at `words[i]` ("he found ...")."""
        who = self._third_person.opening_size(words[i:])
        return who > 0 and self._actions.opening_size(words[i + who :]) > 0

    def _states_at(self, words: list[str], i: int) -> bool:
        """Whether a statement of what is so opens at `words[i]` ("the tap's broken")."""
        return words[i] in self._statement_starts and any(
            w.endswith(_IS) for w in words[i + 1 : i + 3]
        )

    def _own_step_finished(self, said: str, allowed: AbstractSet[str] | None) -> bool:
        """Whether `said` is the parent's report of their own step as done ("i've done it now",
        "finished my part"), at a parent's step only: at the child's, "i've done it" says the
        parent did the child's part."""
        if allowed is None or "done" not in allowed or "not_yet" in allowed:
            return False
        words = self._fillers.remove(said).split()
        if words and words[-1] == _NOW:
            words = words[:-1]
        return " ".join(words) in self._own_step_done

    def _repeat_with_reason(self, said: str, allowed: AbstractSet[str] | None) -> Intent | None:
        """The repeat of "can you say it again the baby was crying" or "the dog was barking say
        it again": a request to repeat, and before or after it why it was missed, told in the
        past ("was", "were") and reading as nothing. Only a repeat: a wrong one costs the
        parent nothing but hearing the step again."""
        if allowed is not None and "repeat" not in allowed:
            return None
        words = said.split()
        if len(words) > _MAX_REASON_WORDS or self._missed_past.isdisjoint(words):
            return None
        for at in range(2, len(words) - 1):
            if words[at] not in self._repeat_joins:
                continue
            for asked, why in ((words[:at], words[at:]), (words[at:], words[:at])):
                if self._missed_past.isdisjoint(why) or self._vocatives.found_in(" ".join(asked)):
                    continue  # "sorry hon can you repeat that" asks a partner
                head = self._read_said(" ".join(asked), allowed, reasons=False)
                if head.intent is not None:
                    intent = head.intent
                elif (
                    # "one more time please | i was in the other room": a weak request, asked
                    # politely, is a repeat when why it was missed follows.
                    head.rejected is Rejection.WEAK
                    and head.candidates
                    and head.candidates[0].name == "repeat"
                    and asked[-1] == _PLEASE
                ):
                    intent = Intent("repeat", {}, head.candidates[0].score)
                else:
                    continue
                if intent.name != "repeat":
                    continue
                rest = self._read_said(" ".join(why), None, reasons=False)
                # "...he didn't hear" may be asked about as a not yet alone: after a request
                # to repeat it says why it was missed.
                if rest.intent is None and (rest.unsure is None or rest.unsure.name != "done"):
                    return intent
        return None

    def _next_after_own_step(self, said: str, allowed: AbstractSet[str] | None) -> bool:
        """Whether `said` is the parent's report of their own step closed (or opened) by a next
        ("i've put the toothpaste on next", "next one i've put the toothpaste on"): only where
        no outcome of the child is at stake (a parent's step, where moving on is right even if
        "next" was said to the child), with a word of `own_step` ("i've", "is on"), not opening
        with the child ("she goes next" is turn-taking) and with no one spoken to, no negation
        and no question."""
        if allowed is None or "next" not in allowed or "not_yet" in allowed:
            return False
        # "that's my part move on please", "next please the bread's ready"
        words = [w for w in said.split() if w != _PLEASE]
        for size in range(_MAX_CLOSER, 0, -1):
            if len(words) <= size:
                continue
            if " ".join(words[-size:]) in self._next_closers:
                head_words = words[:-size]
            elif " ".join(words[:size]) in self._next_closers:
                head_words = words[size:]  # "next one i've put the toothpaste on"
            else:
                continue
            head = " ".join(head_words)
            # "next step the bread's buttered" tells what is so, as "i've" does.
            told = self._own_step.found_in(head) or self._states_at(head_words, 0)
            return told and not (
                self._addressee.found_in(head)
                or self._third_person.opens(head)
                or self._negations.found_in(head)
                or self._questions.opens(head)
                or self._read_said(head, allowed, reasons=False).intent is not None
            )
        return False

    def _command_with_reason(self, said: str, allowed: AbstractSet[str] | None) -> Intent | None:
        """The command of "skip that one he's too tired", or the not yet of "she didn't do it
        she's tired": two words or more, a command with a word of `reason_commands` in it or a
        not yet that speaks of the child (never a done), then a reason opening with a word of
        `reason_starts` that reads as nothing at all and speaks to no one. The longest command
        decides."""
        words = said.split()
        if not 3 <= len(words) <= _MAX_REASON_WORDS:
            return None
        # A duration names a timer as surely as a word of `reason_commands` ("two minute break
        # please he's getting overwhelmed"); "break" alone is too often talk to the child.
        command = not self._reason_commands.isdisjoint(words) or find_duration(words) is not None
        if (
            not command
            and not self._negations.found_in(said)
            and not self._parent_did_in(words)
            and not self._help.found_in(said)  # "she needed a lot of help | she's poorly"
        ):
            return None  # most chatter is turned down here, before any reading
        # "step back so i can see" says what for, to someone in the way: no reason after "so".
        # After a request, a reason may open with "the" after a command of two words or more,
        # when it says what is going on ("can you skip it | the tap's broken"); right after the
        # verb, "the" opens its object ("can you stop the washing machine"), and with no "'s"
        # a place ("can you go back to the shop for milk").
        request = self._requests.opening_size(words)  # words of "can you", 0 if none
        any_head = {
            i
            for i in range(len(words) - 2, 0, -1)
            if (words[i] in self._reason_starts and words[i - 1] != _SO)
            or words[i - 1] == _PLEASE
            or (request and i - request >= 2 and self._states_at(words, i))
        }
        # "she didn't finish it | her arms got tired", never "she's not done | her homework":
        # only after a not yet of the child that ends with its object.
        after_not_yet = {
            i
            for i in range(len(words) - 2, 0, -1)
            if words[i] in self._not_yet_reason_starts and words[i - 1] in _ENDS_OBJECT
        }
        starts = sorted(any_head | after_not_yet, reverse=True)
        for i in starts[:_MAX_REASON_TRIES]:  # the longest command first
            said_first = " ".join(words[:i])
            if self._vocatives.found_in(said_first):
                return None  # "sorry hon can you repeat that i was helping the baby"
            head = self._read_said(said_first, allowed, reasons=False)
            if head.intent is None:
                continue
            if head.intent.name == _NEXT and (
                head.intent.score < 1.0 or said_first.split()[-1] == _THING
            ):
                # Only a next as listed, and not "next thing": "next thing you know we'll be
                # late", "next thing we pack the lunch" tell what comes, to anyone.
                continue
            if head.intent.name != "not_yet" and i not in any_head:
                continue  # "skip it her teeth are done": not of the child's not yet
            if head.intent.name == "not_yet":
                # Of the child, not a bare "not yet" ("not yet he's asleep" answers anyone), and
                # over: "she's not done yet she's still going" is a wait.
                # ...unless the reason says the child is still at it, at a step that waits for
                # an outcome ("not yet she's still faffing about").
                still_at_it = (
                    allowed is not None
                    and "done" in allowed
                    and said_first == _NOT_YET
                    and words[i] in self._spoken_of
                    and _STILL in words[i + 1 : i + 3]
                )
                # A parent's report of doing it is of the child too ("i ended up doing it
                # myself we're running late").
                of_child = self._third_person.found_in(said_first) or self._parent_did_in(words[:i])
                if not still_at_it and (not of_child or "yet" in words[:i]):
                    return None
            elif head.intent.name in _REPORTS or (
                self._reason_commands.isdisjoint(words[:i])
                and (
                    "seconds" not in head.intent.slots
                    or not (words[i] in self._spoken_of or (words[i - 1] == _PLEASE and i >= 4))
                )
            ):
                # A duration names a timer with a reason of the child ("two minute break please
                # he's getting overwhelmed") or in a request of three words or more before the
                # reason ("half a minute break please just to shake it off"); "one minute i am
                # talking to papa" asks someone to wait.
                return None
            if (
                len(self._fillers.remove(said_first).split()) < 2
                and head.intent.name not in _TO_THE_ASSISTANT
                and (
                    words[i - 1] != _PLEASE
                    or not (words[i] in self._reason_starts or self._states_at(words, i))
                    or (
                        head.intent.name in _TO_CHILDREN_TOO
                        # "continue please the call's finished": a next said as "continue"
                        and (head.intent.name != _NEXT or _NEXT in words[:i])
                    )
                )
            ):
                # "next we're gonna do the shoes", "hang on he's still going", "again please
                # with the soap", "stop please i said no"; but "pause please i need to grab a
                # towel" and "pause she's spilt her water" ask the assistant.
                return None
            reason = " ".join(words[i:])
            if self._to_child_in(reason):
                return None  # "stop it you're hurting him" is said to the child
            rest = self._read_said(reason, None, reasons=False)
            return head.intent if _is_reason(head.intent.name, rest, said_first) else None
        return None

    def match(self, text: str, allowed: AbstractSet[str] | None = None) -> Intent | None:
        """The accepted intent of `text`, or None."""
        return self.read(text, allowed).intent

    # -- reading the words -------------------------------------------------------------------

    def _without_fillers(self, entries: Iterable[str]) -> list[str]:
        return [e for e in (self._fillers.remove(e) for e in entries) if e]

    def _strip_fillers(self, norm: str) -> str:
        stripped = self._fillers.remove(norm)
        return stripped or norm  # "okay" alone still reaches the phrases

    def _analyse(self, said: str) -> _Analysis:
        """`said` (normalised words) read against every intent."""
        owner = self._said.get(said)
        if owner is not None:
            return self._as_listed(owner, said)
        core = self._strip_fillers(said)
        asked = self._asks_by_filler(said, core)  # "finished ah" asks: no listed done
        owner = self._exact.get(core)
        if owner is not None and not (asked and owner == "done"):
            return self._as_listed(owner, core)  # a listed phrase is trusted whole
        unaided = ""
        if self._no_help.found_in(core) and not self._double_negative(core):
            # "with no help" negates nothing
            unaided = self._no_help.replace(core, _UNAIDED)
            core = self._no_help.remove(core) or core
        if not core:
            return _Analysis(core, (), {})
        owner = self._exact.get(core)
        if owner is not None and not (asked and owner == "done"):
            return self._as_listed(owner, core)
        asked_after = self._request_ends.closes(core)
        bare, request = self._unrequested(core)  # "can you say that again" -> "say that again"
        if request:
            core = bare or core
            request = not self._log_requests.opens(core)  # "could you mark that as done"
            owner = self._exact.get(core)
            # One word with a request after it ("stop would ya") is asked of a person: a
            # command to us names what it is for ("stop the session would ya").
            if owner is not None and owner not in OUTCOMES and owner not in _NOT_REQUESTED:
                if asked_after and len(core.split()) == 1:
                    return _Analysis(core, (), {})
                return self._as_listed(owner, core)
        plain = core
        sounded = self._sound_alike(core)
        if sounded != core:
            core = sounded
        best, slots = self._rank(core)
        if sounded is not core:
            best.pop("done", None)  # a done is never read through a sound-alike
        negated = self._negations.found_in(core)
        if not negated and _negates(self._negations, best.get("not_yet")):
            # Letters alone make "yep all by herself" look like "not all by herself": a
            # phrase that says "not" is only read when a negation was heard.
            best.pop("not_yet")
        blocked: Candidate | None = None
        rejected: Rejection | None = None
        if negated:
            # A negated done is a not yet ("she isn't finished" ~ not "she finished"), and
            # never a done: even "not done at all" must not log done.
            flipped = self._flip(core)
            if flipped is not None and flipped.score > _score(best, "not_yet"):
                best["not_yet"] = flipped
            best.pop("done", None)
        floor = self.thresholds.ask_floor
        if request:
            for name in _NOT_REQUESTED:
                best.pop(name, None)
        # On the words as said too: a sound-alike must not hide praise ("well" -> "we'll"),
        # nor break a saying that is not to the child ("super proud" -> "super part").
        to_child = self._to_child_in(plain) or (
            self._to_child_in(core) and not self._not_to_child.found_in(plain)
        )
        no_outcome = bool(request or to_child)
        if no_outcome:
            blocked = _best_outcome(best, floor)
            best.pop("done", None)
            best.pop("not_yet", None)
            rejected = Rejection.REQUEST if request else Rejection.TO_CHILD
        ranked = tuple(sorted(best.values(), key=lambda c: -c.score))
        answered = self._answers_with_report(said, plain)
        if not request and not answered and self._is_question(core, plain, ranked, negated, asked):
            return _Analysis(
                core,
                (),
                {},
                rejected=Rejection.QUESTION,
                blocked=blocked or _best_outcome(best, floor),
                heard=plain,
            )
        if rejected is not None and blocked is None:
            rejected = None  # nothing was held back: plain chatter, not a rejected command
        return _Analysis(
            core,
            ranked,
            slots,
            rejected=rejected,
            blocked=blocked,
            heard=plain,
            no_outcome=no_outcome,
            asks=asked,
            unaided=unaided,
        )

    def _double_negative(self, text: str) -> bool:
        """Whether a no-help phrase follows a negation ("he ain't need no help"): the two say one
        "not", and the frames read the words whole."""
        words = text.split()
        ends = {end for _, end in self._negations.spans(words)}
        return any(start in ends for start, _ in self._no_help.spans(words))

    def _unrequested(self, text: str) -> tuple[str, bool]:
        """`text` without its polite opening or closing ("can you …", "… would ya"), and
        whether it had one."""
        if self._requests.opens(text):
            return self._requests.remove_opening(text), True
        if self._request_ends.closes(text):
            return self._request_ends.remove_closing(text), True
        return text, False

    def _asks_by_filler(self, said: str, core: str) -> bool:
        """Whether `said` closes with a question ending that dropping fillers took off
        ("finished ah" asks whether it is finished)."""
        return self._question_ends.closes(said) and not self._question_ends.closes(core)

    def _to_child_in(self, text: str) -> bool:
        """Whether `text` is said to the child: "you", or praise or a name the child is called
        by when the child is not spoken of ("well done mate"). A report of the child is a
        report, praise or not ("well done she did it", "she's done mate")."""
        text = self._not_to_child.remove(text)
        if self._addressee.found_in(text):
            return True
        if self._third_person.found_in(text):
            return False
        return self._praise.found_in(text) or self._vocatives.found_in(text)

    def _framed(self, heard: _Analysis) -> str | None:
        """The intent a frame reads in `heard`, under the same word rules as the phrases.

        The whole utterance must fit one frame (nothing beyond it). A negated done frame is
        a not yet ("he didn't get there on his own"); any other negated frame is nothing
        ("don't cancel the timer"). Talk to the child and requests are never an outcome.
        """
        if self._frames is None or not heard.heard:
            return None
        name = self._report_of(heard.heard)
        if name is None and not heard.no_outcome:
            name = self._clauses(heard.heard)
        if name is None and heard.unaided and not heard.no_outcome:
            name = self._report_of(heard.unaided)
        if name is None and not heard.no_outcome:
            name = self._done_after_but(heard.heard) or self._not_yet_after_but(heard.heard)
        if name is None and not heard.no_outcome:
            name = self._conceded(heard.heard)
        if name is None and not heard.no_outcome:
            name = self._long_report(heard.unaided or heard.heard)
        if name is None or (name in OUTCOMES and heard.no_outcome):
            return None
        if name == "done" and heard.asks:
            return None
        return name

    def _done_after_but(self, text: str) -> str | None:
        """*done* when a report of the child doing it all closes what was said after "but",
        and what came before says how it went, not who helped: "took her time but she got
        there", "the zip was a bit fiddly but he sorted it himself". Before "but" no negation,
        no one spoken to and no word of help or of a helper ("i helped a bit but he did it")."""
        words = text.split()
        at = _but_between(words)
        if at < 0:
            return None
        before = " ".join(words[:at])
        if (
            self._negated_report(words[:at])
            or self._addressee.found_in(before)
            or self._helped_in(words[:at])
        ):
            return None
        after = " ".join(words[at + 1 :])
        return "done" if self._report_of(after, listed=True) == "done" else None

    def _not_yet_after_but(self, text: str) -> str | None:
        """*not yet* when a report of help or of the parent doing it closes what was said after
        "but": "she tried but her sister had to help her with the zip", "she almost had it but
        i had to pull it up for her". Whatever came before, a not yet after "but" stands; not
        when another time is told of (talk to the child is turned down before any frame)."""
        words = text.split()
        at = _but_between(words)
        if at < 0 or self._elsewhen.found_in(text):
            return None
        # A parent who did some of it is a helper too ("i had to pull it up for her").
        if not self._helped_in(words[at + 1 :]):
            return None
        after = " ".join(words[at + 1 :])
        return "not_yet" if self._report_of(after, listed=True) == "not_yet" else None

    def _conceded(self, text: str) -> str | None:
        """The outcome of a report closed by a concession (`concessions`): "she did the
        buttering herself even if it's a bit lumpy" is a done, "he couldn't do it even though
        he tried" a not yet. The report is read whole or as two (`_clauses`); the concession
        has no negation, help or helper in it and speaks to no one."""
        words = text.split()
        spans = self._concessions.spans(words)
        if not spans or spans[0][0] < 2:
            return None
        at = spans[0][0]
        conceded = " ".join(words[at:])
        if (
            self._negations.found_in(conceded)
            or self._helping.found_in(conceded)
            or self._addressee.found_in(conceded)
        ):
            return None
        head = " ".join(words[:at])
        name = self._report_of(head) or self._clauses(head)
        return name if name in OUTCOMES else None

    def _negated_report(self, words: list[str]) -> bool:
        """Whether a negation in `words` may be of the child's doing: one not right after a word
        of `hedges` ("he couldn't do the zip"), or with the child after it ("it wasn't all
        her"); "it wasn't pretty" and "i wasn't sure she would" are not."""
        return any(
            start == 0
            or words[start - 1] not in self._hedges
            or not self._child_objects.isdisjoint(words[end:])
            for start, end in self._negations.spans(words)
        )

    def _others_in(self, words: list[str]) -> bool:
        """Whether `words` name someone other than the parent who may have helped ("her
        brother", "dad"), outside a phrase that says no one did ("nobody helped her")."""
        others = [
            (start, end)
            for start, end in self._helper.spans(words)
            if " ".join(words[start:end]) not in self._parents
        ]
        return self._outside_self(words, others)

    def _helped_in(self, words: list[str]) -> bool:
        """Whether `words` name help or a helper ("i helped a bit", "mum did the top"), not a
        helper who then says what they did not do or think ("i wasn't sure she would")."""
        negated = {start for start, _ in self._negations.spans(words)}
        return any(end not in negated for _, end in self._helping.spans(words))

    def _long_report(self, text: str) -> str | None:
        """*not yet* for a long report of the child that no frame holds whole, when the parent
        says they did something of it ("he got one arm in and got stuck so i pulled it down for
        him"), of no other time or place and to no one. Never *done*: a long report that says
        the child did it alone was tried on the tune part and took talk about the child ("she
        can do it on her own when she wants to")."""
        words = text.split()
        if len(words) < _LONG_REPORT or not self._third_person.found_in(text):
            return None
        if self._addressee.found_in(text) or self._elsewhen.found_in(text):
            return None
        if self._parent_did_in(words):
            return "not_yet"
        return self._done_by_verdict(words)

    def _done_by_verdict(self, words: list[str]) -> str | None:
        """*done* for a long report that closes with a verdict ("... and did the velcro herself
        so mark it done", "... so tick that one off"): a listed done phrase of `verdicts`
        at the end, and before it a report of the child alone (a word of `self`) with no
        negation, no help, no part of the step and no parent doing any of it."""
        for size in range(1, min(_MAX_VERDICT, len(words) - 1) + 1):
            if " ".join(words[-size:]) not in self._verdicts:
                continue
            before = " ".join(words[:-size])
            if (
                self._self_words.found_in(before)
                and not self._negations.found_in(before)
                and not self._help.found_in(before)
                and self._partial.isdisjoint(words[:-size])
            ):
                return "done"
            return None
        return None

    def _parent_did_in(self, words: list[str], *, meanwhile: bool = True) -> bool:
        """Whether "i" or "we" is followed by a word of what a parent does for the child ("so i
        pulled it down for him", "i had to do the rest"); unless `meanwhile` is False, not
        after a word of `meanwhile` ("while i made the toast" is no help, but no proof of
        none either: "while i held the bottle")."""
        for at, word in enumerate(words):
            if word not in self._parents:
                continue
            if at > 0 and self._questions.opens(words[at - 1]):
                continue  # "will i give him more" asks
            if meanwhile and at > 0 and words[at - 1] in self._meanwhile:
                continue  # "he did it himself while i made the toast": no help
            after = words[at + 1 : at + 5]
            if self._negations.found_in(" ".join(after)):
                continue  # "i did not tell her", "i didn't have to do a thing"
            if any(" ".join(after[:n]) in self._parent_did for n in range(1, len(after) + 1)):
                return True
        return False

    def _report_of(self, text: str, *, listed: bool = False) -> str | None:
        """The intent the frames read in one report (`_framed`), negation applied; with
        `listed`, a listed phrase is one report too (a part of `_clauses`: "not quite")."""
        negated = self._negations.found_in(text)  # of the words as said, report words too
        name = (self._exact.get(text) if listed else None) or self._frame_of(text)
        if name is None:
            # "aye he did that himself", "she's only gone and done it", "he did it first go":
            # the same report with words around it that change nothing; "not yet la", "not
            # quite i'm afraid": a listed phrase with them.
            for trimmed in self._trimmings(text):
                name = self._exact.get(trimmed) or self._frame_of(trimmed)
                if name is not None:
                    text = trimmed
                    break
            if name not in _REPORTS and len(text.split()) < 2:
                name = None  # one command word among report words: "again properly" is to the child
        if name == "done" and negated:
            # A done frame that fits the words, their "not" included (report words never have
            # one), is meant so: "he didn't need me at all", "i didn't even touch it"
            # (tests/test_understanding.py keeps such frames few).
            return name
        if name == "not_yet":
            return name  # a frame of its own: "he couldn't quite manage it"
        if negated:
            if name is None:
                if self._closed_by_negation(text):
                    return None  # "she did it by herself no": asked (`_flip`)
                name = self._frame_of(self._negations.remove(text))
            return "not_yet" if name == "done" else None
        return name

    def _closed_by_negation(self, text: str) -> bool:
        """Whether the only negation closes `text` ("she did it by herself no"): a tag in
        Indian and Sri Lankan English ("didn't she"), or the answer to a question no one
        heard. A done report so closed is asked about, never logged either way."""
        head, _, last = text.rpartition(" ")
        return bool(head) and last == _NO and not self._negations.found_in(head)

    def _clauses(self, text: str, depth: int = 1) -> str | None:
        """An outcome told in two or three reports ("he didn't do it i did it", "she couldn't
        get it so i helped her", "not yet she's not done i helped her"): all must read as
        outcomes; *not yet* if any is, *done* only if all are. Split where a report opens or
        after a joining word (`intents.Frames`); `depth` counts the reports split off."""
        words = text.split()
        for at in range(1, len(words)):
            if words[at] not in self._clause_starts and words[at - 1] not in self._joins:
                continue
            left = words[:at]
            right = words[at:]
            while left and left[-1] in self._joins:
                left = left[:-1]
            while right and right[0] in self._joins:
                right = right[1:]
            if not left or not right:
                continue
            first = self._report_of(" ".join(left), listed=True)
            if first not in OUTCOMES:
                continue
            second = self._report_of(" ".join(right), listed=True)
            if second not in OUTCOMES and depth < _MAX_CLAUSES:
                second = self._clauses(" ".join(right), depth + 1)  # a third report
            if second in OUTCOMES:
                return "not_yet" if "not_yet" in (first, second) else "done"
        return None

    def _by_keywords(self, said: str, allowed: AbstractSet[str] | None) -> Intent | None:
        """The intent keyword rules read in `said` (normalised words), never an outcome.

        Read on the words as said, fillers as glue ("for today" keeps its "today"), a polite
        opening dropped, never through sound-alikes (every word must be a keyword: "bed" is
        no "bit"). A yes/no question may still be a request ("can we go back a step"): only
        rules whose words include its opening can take it.
        """
        while self._fillers.opens(said):  # "hey could you skip this step"
            said = self._fillers.remove_opening(said)
        said, request = self._unrequested(said)
        words = said.split()
        if words and words[-1] in self._dangling:
            return None  # cut off mid-sentence: "the timer for the"
        kept, found, after = self._duration(words)
        slotted = None
        if found is not None:
            slotted = [*kept[: found.start], _SLOT, *after, *kept[found.end :]]
        name = self._keywords.read(words, slotted, allowed)
        if name is None or (request and name in _NOT_REQUESTED and name in words):
            return None  # "can you help me" is asked of a person; "could you explain ..." of us
        slots = {"seconds": found.seconds} if found and name in SLOT_PLACEHOLDERS else {}
        return Intent(name, slots, _KEYWORD_SCORE)

    def _trimmings(self, text: str) -> Iterator[str]:
        """`text` with the asides, openers and tails of the frames (`intents.Frames`) taken
        off one at a time, least first: the first that reads is the one meant, so an opener
        never eats into a report that already fits ("she did it herself")."""
        trimmed = text
        while trimmed:
            before = trimmed
            for take in (
                self._report_openers.remove_opening,  # before asides: "proper job"
                self._report_tails.remove_closing,
                self._report_asides.remove,
            ):
                less = take(trimmed)
                if less != trimmed:
                    trimmed = less
                    if trimmed:
                        yield trimmed
            if trimmed == before:
                return

    def _frame_of(self, text: str) -> str | None:
        """The intent of the first frame that `text` fits whole, if any."""
        return self._frames.intent_of(text) if self._frames is not None else None

    def _rank(self, core: str) -> tuple[dict[str, Candidate], dict[str, int]]:
        """Best candidate per intent over all phrases, and the duration slot when one was used."""
        best: dict[str, Candidate] = {}
        self._plain.collect(best, core, self._snap(core))
        self._loose(best, core)
        slots: dict[str, int] = {}
        words, found, after = self._duration(core.split())
        if found is not None:
            slotted = " ".join([*words[: found.start], _SLOT, *after, *words[found.end :]])
            before = {name: _score(best, name) for name in SLOT_PLACEHOLDERS}
            self._slotted.collect(best, slotted, self._snap(slotted))
            if any(_score(best, name) > score for name, score in before.items()):
                slots = {"seconds": found.seconds}  # a duration phrase won: keep the duration
        said_everyday = self._everyday.intersection(core.split())
        if said_everyday:
            # An everyday word stands for no phrase word: "how many minutes are left on the
            # dinner" is no "... on the timer", however close the rest.
            best = {
                name: c
                for name, c in best.items()
                if said_everyday <= set(c.phrase.removeprefix(_NEGATED).split())
            }
        return best, slots

    def _duration(self, words: list[str]) -> tuple[list[str], Duration | None, list[str]]:
        """The duration said in `words`: the words it was found in, where, and what follows.

        "add two more minutes" is read without "more" (kept after the slot); "add another
        minute" ("extra minute") as "add a minute", the slot placed after "another".
        """
        if not self._durations:
            return words, None, []
        found = find_duration(words)
        for word in _ANOTHER if found is None else ():
            if word in words:
                at = words.index(word)
                hit = find_duration([*words[:at], "a", *words[at + 1 :]])
                if hit is not None and hit.start == at:
                    found = Duration(at + 1, hit.end, hit.seconds)
                    break
        more = found is None and _MORE in words
        if more:
            found = _more_duration(words)
        if found is None or found.seconds < _MIN_TIMER_SECONDS:
            return words, None, []  # "for a sec", "two seconds": a short while, never a timer
        if more:
            return [w for w in words if w != _MORE], found, [_MORE]
        return words, found, []

    def _as_listed(self, owner: str, text: str) -> _Analysis:
        """A listed phrase said as listed; a duration in it still fills the slot ("add a
        minute" is 60 seconds)."""
        slots: dict[str, int] = {}
        if owner in SLOT_PLACEHOLDERS:
            found = self._duration(text.split())[1]
            if found is not None:
                slots = {"seconds": found.seconds}
        return _Analysis(text, (Candidate(owner, text, 1.0),), slots, exact=True)

    def _loose(self, best: dict[str, Candidate], core: str) -> None:
        """Raise `best` with readings one minor word away, less `_LIGHT_COST`."""
        snapped = self._snap(core)
        unknown = sum(word not in self._known for word in snapped)
        if _beyond_loose(unknown, len(snapped)):
            return
        found: dict[str, Candidate] = {}
        self._trimmed.collect(found, core, snapped, _LOOSE_MIN)  # a minor word left out
        words = core.split()
        if len(words) >= 3:
            tried = 0
            for i, word in enumerate(words):  # a minor word added
                if word not in self._minor or tried >= _MAX_LOOSE:
                    continue
                tried += 1
                reduced = " ".join(words[:i] + words[i + 1 :])
                self._multi.collect(found, reduced, self._snap(reduced), _LOOSE_MIN)
        for name, candidate in found.items():
            if candidate.score < _LOOSE_MIN:
                continue  # one word away, not one word and a mishearing away
            score = candidate.score - _LIGHT_COST
            if score > _score(best, name):
                best[name] = Candidate(name, candidate.phrase, score)

    def _beyond(self, text: str, phrase: str) -> bool:
        """Whether `text` says more than `phrase`: a word of weight the phrase does not have.

        "just a minute ago" is not "just a minute", "what was that for" not "what was that":
        content beyond a command makes it talk, however close the letters are. Words of the
        phrase may be misheard (the text is no longer than the phrase, or its words snap to
        phrase words); minor words and negations may be added.
        """
        allowed = self._minor
        if phrase.startswith(_NEGATED):  # "she isn't finished" read as a negated "she finished"
            text, phrase = self._negations.remove(text), phrase[len(_NEGATED) :]
            allowed = self._negated_extra  # "she didn't do it yet": "do", "yet" come with "not"
        # Counted, not just looked up: "dog she can't do it" snaps "dog" to a second "do".
        extra = Counter(self._snap(text))
        missing = Counter(phrase.split())
        common = extra & missing
        extra -= common
        missing -= common
        unpaired = [missing[w] * [w] for w in missing if w not in self._minor]
        free = [w for ws in unpaired for w in ws]
        for word in extra.elements():
            if word in allowed or self._negations.found_in(word):
                continue
            # A misheard phrase word stands in its place ("its" for "it's"); any other word is
            # content beyond the command ("sweetie go on to the next one").
            near = process.extractOne(word, free, scorer=fuzz.ratio, score_cutoff=_NEAR_WORD)
            if near is None:
                return True
            free.pop(near[2])
        return False

    def _snap(self, text: str) -> list[str]:
        """The words of `text`, each unknown one replaced by the nearest phrase word, if close."""
        return [self._snapped(word) if word not in self._known else word for word in text.split()]

    def _snapped(self, word: str) -> str:
        """The phrase word nearest to an unknown `word`, or `word`; remembered, as a parent
        says the same words again and again (and one read snaps the same words twice)."""
        found = self._snaps.get(word)
        if found is None and _negating_prefix(word, self._known):
            found = word  # "discontinue" is no "continue", "unready" no "ready"
        if found is None:
            hit = process.extractOne(
                word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=_SAME_WORD
            )
            found = hit[0] if hit is not None else word
            if len(self._snaps) >= _MAX_SNAPS:
                self._snaps.clear()  # bounded: hostile input cannot grow it without end
            self._snaps[word] = found
        return found

    def _sound_alike(self, core: str) -> str:
        """`core` with unknown words read as the phrase words they sound like (or `core`).

        One unknown word ("paws" -> "pause"), or two words of which one is unknown joined
        into one ("un pause" -> "unpause", "re zoom" -> "resume"). Returns `core` itself
        (the same object) when nothing changed.
        """
        if not self._sound_from:
            return core
        words = core.split()
        if all(w in self._known for w in words):
            return core
        out: list[str] = []
        changed = False
        i = 0
        while i < len(words):
            word = words[i]
            pair = words[i : i + 2]
            unknown = sum(w not in self._known for w in pair)
            if len(pair) == 2 and unknown and not NUMBER_WORDS.intersection(pair):
                # Spelled as one phrase word ("un pause"), or both unheard and sounding as one.
                joined = self._sound_of("".join(pair), exact=unknown < 2)
                if joined is not None:
                    out.append(joined)
                    changed = True
                    i += 2
                    continue
            if word not in self._known:
                alike = self._sound_of(word)
                if alike is not None:
                    word, changed = alike, True
            out.append(word)
            i += 1
        return " ".join(out) if changed else core

    def _sound_of(self, word: str, *, exact: bool = False) -> str | None:
        """The phrase word `word` sounds like, if any; with `exact`, only `word` itself."""
        if len(word) < _SOUND_MIN or word in NUMBER_WORDS or not word.isalpha():
            return None
        alike = self._sounds.get(_sound_key(word))
        if exact and alike != word:
            return None
        return alike

    def _flip(self, core: str) -> Candidate | None:
        positive = self._negations.remove(core)
        if not positive:
            return None
        found: dict[str, Candidate] = {}
        # Letters only: taking the negation out leaves broken grammar ("he isn't done" -> "he
        # done") that the word score would punish, and a flip can only ever give not yet.
        self._done.collect(found, positive, None)
        done = found.get("done")
        if done is None or not _heard_words(positive, done.phrase):
            return None  # "not that one" is not a negated "that's done": no word of it was said
        score = min(done.score, _CLOSING_NO) if self._closed_by_negation(core) else done.score
        return Candidate("not_yet", f"{_NEGATED}{done.phrase}", score)

    def _answers_with_report(self, said: str, plain: str) -> bool:
        """Whether a yes opens what was said before a report with no one in it: "yep did it
        solo" answers ("did she do it?"), where "did it solo" alone may ask. Never with someone
        after the question word: "yeah did she do it" asks."""
        words = plain.split()
        return (
            len(words) > 2
            and self._answers.opens(said)
            and not self._answers.opens(plain)
            and self._questions.opens(plain)
            and words[1] == _IT
        )

    def _is_question(
        self, core: str, plain: str, ranked: tuple[Candidate, ...], negated: bool, asked: bool
    ) -> bool:
        # The phrases decide which openings are commands: "did it by herself" is a listed
        # report, "did she do it" is a question. Same for endings: "not yet" is a command,
        # "finished yet" asks whether done. The opening as said: a sound-alike makes no
        # question ("too easy she did it" is no "do ...").
        top = ranked[0].phrase if ranked else ""
        if plain.split()[1:2] == ["to"]:
            return False  # "had to help him out": no question opens "had to"
        if self._questions.opens(plain) and top.split()[:1] != core.split()[:1]:
            return True
        # An ending may be a filler too, dropped before matching (`asked`: "finished ah" asks
        # in Singapore English).
        closes = self._question_ends.closes(core)
        if negated or not (closes or asked):
            return False
        stem = self._question_ends.remove_closing(core) if closes else core
        if not stem:
            return False
        stem_best, _ = self._rank(stem)
        outcome = _best_outcome(stem_best, self.thresholds.ask_floor)
        return outcome is not None and outcome.name == "done"

    # -- deciding ----------------------------------------------------------------------------

    def _decide(self, heard: _Analysis, allowed: AbstractSet[str] | None) -> Reading:
        t = self.thresholds
        visible = tuple(c for c in heard.ranked if allowed is None or c.name in allowed)
        if not heard.ranked:
            return Reading(heard.text, None, (), rejected=heard.rejected)
        top = heard.ranked[0]
        if allowed is not None and top.name not in allowed:
            # Outside what the session takes now, say nothing at all: no intent and nothing
            # to ask about, even if a lesser reading would fit ("not yet" at a parent step).
            why = Rejection.CONTEXT if top.score >= t.ask_floor else heard.rejected
            return Reading(heard.text, None, visible, rejected=why)
        slots = heard.slots if top.name in SLOT_PLACEHOLDERS else {}
        if heard.exact:
            return Reading(heard.text, Intent(top.name, slots, 1.0), visible)
        rival = heard.ranked[1].score if len(heard.ranked) > 1 else 0.0
        floor, margin = (t.done_floor, t.done_margin) if top.name == "done" else (t.floor, t.margin)
        if top.name in t.light_intents and not self._questions.opens(heard.text):
            floor = t.light_floor  # a yes/no question ("is that finished") gets no leeway
        heard_it = top.name != "done" or _heard_words(heard.text, top.phrase)
        # A duration is many words for one slot: those phrases are not checked word by word.
        beyond = _SLOT not in top.phrase.split() and self._beyond(heard.text, top.phrase)
        if top.score >= floor and top.score - rival >= margin and heard_it and not beyond:
            return Reading(heard.text, Intent(top.name, dict(slots), top.score), visible)
        unsure = next(
            (
                c
                for c in visible
                if c.name in OUTCOMES and c.score >= t.ask_floor and top.score - c.score < t.margin
            ),
            None,
        )
        why = Rejection.WEAK if top.score < floor else Rejection.CLOSE
        if unsure is None and top.score < t.ask_floor:
            why = heard.rejected  # far from every phrase: chatter, unless the words held it
        return Reading(heard.text, None, visible, unsure, why)

    def _weigh(self, reading: Reading, confidence: float, alternatives: Sequence[str]) -> Reading:
        """Hold back what the recogniser itself doubts."""
        intent = reading.intent
        if intent is None:
            return reading
        t = self.thresholds
        if intent.name not in OUTCOMES:
            if confidence < t.command_confidence:
                return replace(reading, intent=None, rejected=Rejection.CONFIDENCE)
            return reading
        if confidence < t.outcome_confidence:
            return _asked_instead(reading, intent, Rejection.CONFIDENCE)
        if any(self._contradicts(intent.name, alt) for alt in alternatives[:_MAX_ALTERNATIVES]):
            return _asked_instead(reading, intent, Rejection.ALTERNATIVES)
        return reading

    def _contradicts(self, outcome: str, alternative: str) -> bool:
        """Whether another reading of the same sound means something else than `outcome`."""
        other = self._analyse(self._local.translate(normalise(alternative)))
        if outcome == "done" and (other.blocked is not None or other.rejected is not None):
            return True  # "done" might have been "are you done": not worth a false done
        read = self._decide(other, None)
        said = read.intent.name if read.intent is not None else None
        asked = read.unsure.name if read.unsure is not None else None
        if outcome == "done":
            return (said is not None and said != "done") or asked == "not_yet"
        return "done" in (said, asked)


class _Phrases:
    """Phrases with their intents, scored against an utterance by characters and by words."""

    def __init__(self, minor: frozenset[str]) -> None:
        self.minor = minor
        self.texts: list[str] = []
        self.owners: list[str] = []
        self.words: list[list[str]] = []
        self.content: list[list[str]] = []
        """Each phrase's words without the minor ones."""
        self._by_length: list[int] = []
        """Phrase indices, shortest phrase first (built on first use), and their lengths: a
        high cutoff rules out phrases of very different length before any scoring."""
        self._lengths: list[int] = []
        self._codes: dict[str, str] = {}
        """One character per phrase word: a word list compares as a short string, so the
        word score of every phrase is computed in one C call (`_by_words`)."""
        self._coded: list[str] = []
        self._coded_content: list[str] = []
        self._index: PhraseIndex | None = None
        """Which phrases could reach a word score (built on first use)."""
        self._windows: dict[tuple[int, int], tuple[list[str], list[int]]] = {}
        """`_window`'s phrases by the bounds of their lengths (built on first use)."""

    def add(self, name: str, phrase: str) -> None:
        words = phrase.split()
        content = [w for w in words if w not in self.minor] or words
        self.texts.append(phrase)
        self.owners.append(name)
        self.words.append(words)
        self.content.append(content)
        self._coded.append(self._encode(words))
        self._coded_content.append(self._encode(content))
        self._by_length = []
        self._index = None
        self._windows = {}

    def _encode(self, words: list[str], unknown: dict[str, str] | None = None) -> str:
        """`words` as one character each; with `unknown`, words no phrase has get fresh ones."""
        out = []
        for word in words:
            code = self._codes.get(word)
            if code is None:
                if unknown is None:
                    code = self._codes[word] = chr(_CODE_FROM + len(self._codes))
                else:
                    code = unknown.setdefault(word, chr(_UNKNOWN_FROM + len(unknown)))
            out.append(code)
        return "".join(out)

    def _by_words(self, words: list[str], content: list[str], cutoff: float) -> dict[int, float]:
        """Phrase index -> word score, for the phrases that share a content word with `words`.

        Only those are scored at all: a phrase that shares no content word scores below
        `_CUTOFF` by words (or little above it, on minor words alone) and so can lift no
        intent near a floor or a margin. Phrases of very different length are left out too,
        as in `_window`, and those too few shared words keep below `_CUTOFF` (`PhraseIndex`).
        """
        if self._index is None:
            self._index = PhraseIndex(self.texts, self.words, self.minor, _CUTOFF / 100)
        size = len(" ".join(words))
        shortest = size * cutoff / (2 - cutoff) - 1e-9
        longest = size * (2 - cutoff) / cutoff + 1e-9
        indices = self._index.candidates(words, content, shortest, longest)
        if not indices:
            return {}
        unknown: dict[str, str] = {}
        pick = itemgetter(*indices) if len(indices) > 1 else lambda codes: [codes[indices[0]]]
        coded = pick(self._coded)
        found = {
            indices[i]: s
            for _, s, i in process.extract(
                self._encode(words, unknown),
                coded,
                scorer=Indel.normalized_similarity,
                limit=None,
                score_cutoff=_CUTOFF / 100,
            )
        }
        if content != words:
            for _, s, i in process.extract(
                self._encode(content, unknown),
                pick(self._coded_content),
                scorer=Indel.normalized_similarity,
                limit=None,
                score_cutoff=_CUTOFF / 100,
            ):
                if s > found.get(indices[i], 0.0):
                    found[indices[i]] = s
        return found

    def _window(self, text: str, cutoff: float) -> tuple[list[str], list[int]]:
        """The phrases whose length lets them reach `cutoff` against `text`, with indices.

        ratio = 2 * matched / (len(a) + len(b)) <= 2 * min / (sum): the shorter must be at
        least cutoff / (2 - cutoff) of the longer.
        """
        if not self._by_length:
            self._by_length = sorted(range(len(self.texts)), key=lambda i: len(self.texts[i]))
            self._lengths = [len(self.texts[i]) for i in self._by_length]
        size = len(text)
        lo = bisect_left(self._lengths, math.ceil(size * cutoff / (2 - cutoff) - 1e-9))
        hi = bisect_right(self._lengths, math.floor(size * (2 - cutoff) / cutoff + 1e-9))
        window = self._windows.get((lo, hi))
        if window is None:  # one per text length: a few hundred, built once each
            indices = sorted(self._by_length[lo:hi])  # phrase order: ties break as before
            window = self._windows[(lo, hi)] = ([self.texts[i] for i in indices], indices)
        return window

    def collect(
        self,
        best: dict[str, Candidate],
        text: str,
        words: list[str] | None,
        cutoff: float = _CUTOFF / 100,
    ) -> None:
        """Keep in `best` the better of what it has and `text`'s best phrase per intent.

        Scores by letters, and also by `words` (the snapped words of `text`) when given.
        """
        if not text or not self.texts:
            return
        if words is not None:
            self._collect_by_words(best, text, words, cutoff)
            return
        texts, indices = self._window(text, cutoff)  # by letters alone
        for phrase, score, at in process.extract(
            text, texts, scorer=fuzz.ratio, limit=None, score_cutoff=cutoff * 100
        ):
            name = self.owners[indices[at]]
            current = best.get(name)
            if current is None or score / 100 > current.score:
                best[name] = Candidate(name, phrase, score / 100)

    def _collect_by_words(
        self, best: dict[str, Candidate], text: str, words: list[str], cutoff: float
    ) -> None:
        """`collect` with words: only phrases sharing a word are scored by letters.

        A phrase whose word score is below `_CUTOFF` scores 0 overall, so it can raise no
        intent above anything: leaving it out changes no decision. Per intent the best phrase
        wins, ties going to more similar letters, then to the phrase listed first.
        """
        content = [w for w in words if w not in self.minor] or words
        chosen: dict[str, tuple[float, float, int]] = {}
        scored = self._by_words(words, content, cutoff)
        if not scored:
            return
        indices = list(scored)
        texts = itemgetter(*indices)(self.texts) if len(indices) > 1 else [self.texts[indices[0]]]
        # Letters of every phrase in one C call; those below the cutoff are left out.
        floor = cutoff * 100
        hits = process.extract(text, texts, scorer=fuzz.ratio, limit=None, score_cutoff=floor)
        for _, letters, at in hits:  # any order: ties go to the phrase listed first (-index)
            index = indices[at]
            letters /= 100
            key = (min(letters, scored[index]), letters, -index)
            name = self.owners[index]
            held = chosen.get(name)
            if held is None or key > held:
                chosen[name] = key
        for name, (combined, _, index) in chosen.items():
            current = best.get(name)
            if current is None or combined > current.score:
                best[name] = Candidate(name, self.texts[-index], combined)


_Trie = dict[str, "_Trie"]
"""Words of frame variants by their openings; "" marks where a variant ends."""


class _FrameSet:
    """Frames compiled one pattern each, indexed by the words they may open with: a text is
    tried only against the frames its first word can open, in order (the first that fits
    wins, as in one alternation of them all, which made every text try every frame)."""

    def __init__(self, frames: Frames) -> None:
        classes = {
            name: "(?:"
            + "|".join(re.escape(m) for m in sorted(set(ms), key=len, reverse=True))
            + ")"
            for name, ms in frames.classes.items()
        }
        self.intents = tuple(frame.intent for frame in frames.frames)
        self._patterns: list[re.Pattern[str]] = []
        # Words every variant of a frame has (not classes): a text without one of them cannot
        # fit, and a set test is far cheaper than trying the pattern.
        word_needs = tuple(
            frozenset.intersection(
                *(frozenset(w for w in p.split() if not w.startswith("<")) for p in frame.patterns)
            )
            for frame in frames.frames
        )
        # Likewise the classes every variant has (not "<class>*", which may be no word): a text
        # with no word a member of one opens with cannot fit. Words and classes are bits of one
        # mask, so a frame is ruled out by one integer test (`intent_of`).
        class_needs = [
            frozenset.intersection(
                *(
                    frozenset(w for w in p.split() if w.startswith("<") and w.endswith(">"))
                    for p in frame.patterns
                )
            )
            for frame in frames.frames
        ]
        bits: dict[str, int] = {}
        self._bit: dict[str, int] = {}
        """Word -> the bits it sets: its own, and those of the classes with a member it opens."""
        for needs, classes_needed in zip(word_needs, class_needs, strict=True):
            for key in (*needs, *classes_needed):
                bits.setdefault(key, 1 << len(bits))
        for key, bit in bits.items():
            if key.startswith("<"):
                for member in frames.classes[key[1:-1]]:
                    if member:
                        first = member.split()[0]
                        self._bit[first] = self._bit.get(first, 0) | bit
            else:
                self._bit[key] = self._bit.get(key, 0) | bit
        self._masks = tuple(
            sum(bits[k] for k in (*needs, *classes_needed))
            for needs, classes_needed in zip(word_needs, class_needs, strict=True)
        )
        by_opening: dict[str, list[int]] = {}
        for i, frame in enumerate(frames.frames):
            # A frame's variants (its template expanded) share their openings, so they are
            # merged into a word trie: the pattern fails at the first word that fits no
            # variant instead of trying every variant in turn (a frame may expand to hundreds).
            trie: _Trie = {}
            for pattern in frame.patterns:
                node = trie
                for word in pattern.split():
                    node = node.setdefault(word, {})
                node[""] = {}  # the end of a variant
            regex = "|".join(
                _merged((_word_regex(w, classes), _follows(c, classes)) for w, c in trie.items())
            )
            self._patterns.append(re.compile(regex))
            for word in trie:
                if word.endswith(">*"):  # "<class>*" may be no word: any opening may fit
                    by_opening.setdefault("", []).append(i)
                    continue
                members = frames.classes[word[1:-1]] if word.startswith("<") else (word,)
                for member in members:
                    by_opening.setdefault(member.split()[0], []).append(i)
        anywhere = by_opening.pop("", [])
        self._anywhere = tuple(sorted(set(anywhere)))
        self._by_opening = {w: tuple(sorted({*f, *anywhere})) for w, f in by_opening.items()}

    def intent_of(self, text: str) -> str | None:
        """The intent of the first frame that `text` fits whole, if any."""
        words = text.split(" ")
        present = 0
        for word in words:
            present |= self._bit.get(word, 0)
        masks = self._masks
        for i in self._by_opening.get(words[0], self._anywhere):
            need = masks[i]
            if need & present == need and self._patterns[i].fullmatch(text):
                return self.intents[i]
        return None


def _word_regex(word: str, classes: dict[str, str]) -> str:
    if word.startswith("<") and word.endswith(">"):
        return classes[word[1:-1]]
    return re.escape(word)


def _follows(node: _Trie, classes: dict[str, str]) -> str:
    """What may follow a word of a trie (`_FrameSet`): each next word after a space,
    optional where a variant may end there. `<class>*` is up to `_MAX_REPEAT` words of the
    class ("he brushed <thing>* himself": "them", "his teeth all")."""
    branches = _merged(
        (
            f"(?: {classes[w[1:-2]]}){{0,{_MAX_REPEAT}}}"
            if w.endswith(">*")
            else " " + _word_regex(w, classes),
            _follows(c, classes),
        )
        for w, c in node.items()
        if w
    )
    if not branches:
        return ""
    either = "(?:" + "|".join(branches) + ")"
    return either + "?" if "" in node else either


def _merged(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """(head, tail) regex pairs with heads of the same tail joined, so a long tail (a class
    of a hundred words) is written once, not once per head: "(?:finish|done) all <self>"
    rather than "finish all <self>|done all <self>". Only whether a frame fits is asked, so
    the order of alternatives does not matter."""
    heads: dict[str, list[str]] = {}
    for head, tail in pairs:
        heads.setdefault(tail, []).append(head)
    return [
        (found[0] if len(found) == 1 else "(?:" + "|".join(found) + ")") + tail
        for tail, found in heads.items()
    ]


def _heard_words(text: str, phrase: str) -> bool:
    """Whether a reading of a *done* phrase rests on words really heard, not on letters alone.

    Character similarity forgives "its done" for "it's done", but it would also take a
    made-up "donee" for "done", or "not that one" for a negated "that's done". *done* (and a
    negated done) is only read when at least half of the phrase's words are in the utterance
    as they are; other intents cost less when wrong and need no such proof.
    """
    said = set(text.split())
    words = phrase.split()
    return 2 * sum(word in said for word in words) >= len(words)


@functools.lru_cache(maxsize=8192)  # pure, and the same few hundred words come again and again
def _sound_key(word: str) -> str:
    """A rough key of how an English word sounds: "paws" and "pause" both read "ps".

    A simplified Metaphone: silent first letters dropped, ph/ck/sh/ch/th/qu as one sound,
    a soft c as s, voiced consonants as their unvoiced pair (b/p, d/t, g/k, v/f, z/s), vowels
    and w/h/y after the first letter dropped (a first vowel reads "a"), repeats merged.
    """
    w = "".join(c for c in word.lower() if "a" <= c <= "z")
    if w[:2] in _SOUND_SILENT:
        w = w[1:]
    for pair, sound in _SOUND_PAIRS:
        w = w.replace(pair, sound)
    out: list[str] = []
    for i, c in enumerate(w):
        if c == "c":
            c = "s" if w[i + 1 : i + 2] in ("e", "i", "y") else "k"
        c = c.translate(_SOUND_VOICED)
        if c in "aeiou":
            c = "" if i else "a"
        elif c in "why" and i:
            c = ""
        if c and (not out or out[-1] != c):
            out.append(c)
    return "".join(out)


def _more_duration(words: list[str]) -> Duration | None:
    """The duration of `words` once "more" is taken out of it ("two more minutes"), if any.

    Positions count in `words` without "more". Only a "more" inside the duration counts:
    "five more minutes" to the child has no command around it and matches no phrase.
    """
    at = words.index(_MORE)
    rest = [w for w in words if w != _MORE]
    found = find_duration(rest)
    if found is None or not found.start < at < found.end:
        return None
    return found


_NEGATING_PREFIXES = ("dis", "un", "non", "in", "im")


def _negating_prefix(word: str, known: AbstractSet[str]) -> bool:
    """Whether `word` is a known word with a prefix that turns its meaning around."""
    return any(
        word.startswith(prefix) and word[len(prefix) :] in known for prefix in _NEGATING_PREFIXES
    )


def _beyond_loose(unknown: int, size: int) -> bool:
    """Whether `size` words, `unknown` of them in no phrase, can reach no loose reading.

    A loose reading needs a word score of `_LOOSE_MIN` (0.92): 2 * common / (size + phrase
    words), where an unknown word is common to nothing. With k words read and u unknown, the
    best is 2(k - u) / (2k - u) >= 0.92, so k >= 6.75 for one unknown word and k >= 13.5 for
    two: shorter utterances with them are not scored loosely at all (the same readings).
    """
    return (unknown >= 1 and size <= 6) or (unknown >= 2 and size <= 13)


_BEFORE_A_NAME = frozenset({"our", "my", "little", "wee", "young"})


def _as_child(said: str, child: str) -> str:
    """`said` (normalised words) with the child's name (and "name's") as "the child"
    ("the child's")."""
    name = normalise(child).split()
    if not name:
        return said
    words = said.split()
    out: list[str] = []
    at, size = 0, len(name)
    while at < len(words):
        if words[at : at + size - 1] == name[:-1] and at + size - 1 < len(words):
            last = words[at + size - 1]
            child_word = {name[-1]: "child", name[-1] + "'s": "child's"}.get(last)
            if child_word is not None:
                while out and out[-1] in _BEFORE_A_NAME:  # "our lily" is the child too
                    out.pop()
                out += ["the", child_word]
                at += size
                continue
        out.append(words[at])
        at += 1
    return " ".join(out)


def _lexicon(phrases: IntentPhrases) -> frozenset[str]:
    """Every word the intents file reads: phrases, fillers, word lists, frames, keywords and
    what local words mean."""
    entries: list[str] = [*phrases.fillers]
    for texts in phrases.phrases.values():
        entries.extend(texts)
    for rule in fields(phrases.words):
        entries.extend(getattr(phrases.words, rule.name))
    frames = phrases.frames
    for members in frames.classes.values():
        entries.extend(members)
    for frame in frames.frames:
        entries.extend(frame.patterns)
    entries.extend((*frames.openers, *frames.tails, *frames.asides, *frames.joins))
    entries.extend((*frames.verdicts, *frames.clause_starts, *phrases.keywords.glue))
    for keyword_rule in phrases.keywords.rules:
        entries.extend(keyword_rule.may)
        for group in keyword_rule.need:
            entries.extend(group)
    # Only what a local word means: what is heard is read in it before anything looks here
    # ("mou" of "mou chotto" said alone is still a word no one here knows).
    entries.extend(meant for _, meant in phrases.local_words)
    return frozenset(w for e in entries for w in e.split())


def _is_reason(command: str, rest: Reading, said_first: str) -> bool:
    """Whether `rest`, read alone, is a reason after the command or not yet `command` (said
    as `said_first`) rather than something more said."""
    if rest.intent is None:
        return (
            (rest.unsure is None and rest.rejected is None)
            # After a command, a reason that only may be a not yet is still a reason ("stop the
            # routine he's not in the mood")...
            or (command not in _REPORTS and rest.rejected is Rejection.WEAK)
            # ...and after a not yet, one that only may be a not yet agrees with it ("not yet |
            # she is still trying").
            or (command == "not_yet" and rest.unsure is not None and rest.unsure.name == command)
        )
    if rest.intent.name == command:
        return True  # said again in other words: "shut it off | we're through for the day"
    if rest.intent.name == "not_yet":
        # Why a parent ends, skips, pauses or goes back ("end it please | he's had enough").
        return command in _WHY_NOT_YET and len(said_first.split()) >= 2
    # "resume the timer | we're back", "go back one step | i missed the instructions": a reason
    # opening with "we're" or "i" that reads as a command says how things stand.
    return rest.intent.name in _STATED and command not in _REPORTS


def _but_between(words: list[str]) -> int:
    """Where the last "but" of `words` stands with words before and after it, or -1."""
    at = _last_at(words, _BUT)
    return at if 0 < at < len(words) - 1 else -1


def _last_at(words: list[str], word: str) -> int:
    """Where `word` stands last in `words`, or -1."""
    return len(words) - 1 - words[::-1].index(word) if word in words else -1


def _said_once(said: str) -> str:
    """`said` (normalised words) with a repeat taken out: the same words twice, or with "i
    said" between them, or a first or last word said twice ("skip skip this step"). One word said
    twice is no repeat of a command ("again again" is the child asking): listed if it is."""
    words = said.split()
    half, odd = divmod(len(words), 2)
    if half >= 2 and not odd and words[:half] == words[half:]:
        return " ".join(words[:half])
    if not odd and half >= 2 and words[half - 1 : half + 1] == ["i", "said"]:
        first, second = words[: half - 1], words[half + 1 :]
        if first == second:
            return " ".join(first)
    if len(words) >= 3 and words[0] == words[1]:
        return " ".join(words[1:])
    if len(words) >= 3 and words[-1] == words[-2]:  # "wait pause pause"
        return " ".join(words[:-1])
    return said


def _repaired(said: str) -> str:
    """`said` (normalised words) as the speaker put it right after the last "no": "she needed
    a no she did it herself" started again ("she" twice) and "set a timer two minutes no three
    minutes" or "a five no a four minute timer" said another number. Otherwise `said`."""
    words = said.split()
    at = _last_at(words, _NO)
    if at < 1 or at == len(words) - 1:
        return said
    before, after = words[:at], words[at + 1 :]
    if len(before) >= 2 and len(after) >= 2 and after[0] == before[0]:
        return " ".join(after)
    said_number = 1 if after[0] in ARTICLES else 0
    if said_number >= len(after) or after[said_number] not in COUNTS:
        return said
    numbers = [i for i, w in enumerate(before) if w in COUNTS]
    if not numbers:
        return said
    start = end = numbers[-1]
    while start > 0 and before[start - 1] in COUNTS:
        start -= 1
    if said_number and start > 0 and before[start - 1] in ARTICLES:
        start -= 1
    while end < len(before) and before[end] in COUNTS:
        end += 1
    rest = before[end:] if all(w in COUNTS or w in ARTICLES for w in after) else []
    return " ".join([*before[:start], *after, *rest])


def _stutter_free(said: str) -> str:
    """`said` (normalised words) with words said twice in a row once, mid-sentence too: "she
    couldn't couldn't quite do it", "ten minute ten minute break". Three words are left at
    least: "again again" is the child asking, "skip skip" is listed. Said three times, it is
    hurrying someone ("let's go let's go let's go"), no stutter."""
    words = said.split()
    for size in (3, 2, 1):
        if len(words) - size < 3:
            continue
        pairs = [
            at
            for at in range(len(words) - 2 * size + 1)
            if words[at : at + size] == words[at + size : at + 2 * size]
        ]
        if pairs and not any(at + size in pairs for at in pairs):  # not three times
            at = pairs[0]
            return " ".join(words[: at + size] + words[at + 2 * size :])
    return said


def _asked_instead(reading: Reading, outcome: Intent, why: Rejection) -> Reading:
    """`reading` with its `outcome` asked about rather than taken."""
    heard = Candidate(outcome.name, reading.text, outcome.score)
    return replace(reading, intent=None, unsure=heard, rejected=why)


def _negates(negations: _Words, candidate: Candidate | None) -> bool:
    return candidate is not None and negations.found_in(candidate.phrase)


def _score(best: dict[str, Candidate], name: str) -> float:
    found = best.get(name)
    return found.score if found is not None else 0.0


def _best_outcome(best: dict[str, Candidate], floor: float) -> Candidate | None:
    """The best-scoring outcome candidate at or above `floor`."""
    outcomes = [c for c in best.values() if c.name in OUTCOMES and c.score >= floor]
    return max(outcomes, key=lambda c: c.score) if outcomes else None
