"""Sorting what a parent says into DESIGN.md's comment kinds, with cues loaded from YAML.

The cues live in `comments/<lang>.yaml` (the file's header explains how a sentence is read); this
module holds no word of any language. A sentence is cut into clauses, each clause is decided by
the first rule whose cue matches it (the rules are in DPICS priority order, so criticism beats a
command and a command beats praise), and the clauses are combined: any directive clause makes
the sentence directive. The same file holds what the coach says (`CoachWords`), so a parent or
OT tunes the coach in one place.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from .datafile import Checker, UnreadableData, read_yaml
from .errors import AssistantError
from .paths import PROJECT_ROOT
from .text import normalise

log = logging.getLogger(__name__)

# Beside `intents/` in the source tree, like the other shipped data.
SHIPPED_COMMENTS = PROJECT_ROOT / "comments"

# A typed "?" is kept as this word so that cues can ask for it; normalise() drops punctuation.
QUESTION_MARK = "?"
_PIECE = re.compile(r"[^.!?;]+[.!?;]*")
_WORD_LIST = re.compile(r"^[a-z][a-z_]*$")
# A parent repeating one of the step's example comments (perhaps as the coach just offered it)
# said something descriptive, whatever the cues make of it: the playbook vouches for it.
EXAMPLE_SIMILARITY = 85.0
"""rapidfuzz ratio, 0..100, from which an utterance counts as the example."""
EXAMPLE_CONFIDENCE = 0.9
EXAMPLE_CUE = "one of the step's example comments"


class CommentKind(StrEnum):
    """DESIGN.md's comment kinds (a fixed contract: outside scripts rely on these values)."""

    DESCRIPTIVE = "descriptive"
    """Describes or praises what the child does, reflects what they said, wonders aloud."""
    DIRECTIVE = "directive"
    """A command (direct or as a question), a correction or criticism."""
    OTHER = "other"
    """Talk to someone else, chit-chat, acknowledgements, questions that are neither."""


class CommentsError(AssistantError):
    """A comments file is missing or invalid."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems
        """Every problem found, each prefixed with file and field path."""


@dataclass(frozen=True, slots=True)
class Classification:
    """The kind of one utterance and how clearly the cues decided it."""

    kind: CommentKind
    confidence: float
    """0..1: the deciding rule's confidence, lowered a little when the clauses disagree."""
    cue: str = ""
    """The deciding rule's `cue` (its description in the YAML); "" when no rule matched."""


@dataclass(frozen=True, slots=True)
class CueRule:
    """One rule: when any of its cues matches a clause, the clause is of `kind`."""

    cue: str
    """What the rule recognises, in words (shown by tests and the benchmark)."""
    kind: CommentKind
    confidence: float
    """0..1."""
    whole: tuple[str, ...] = ()
    """Cue templates that must be the whole clause."""
    starts: tuple[str, ...] = ()
    """Cue templates that must begin the clause."""
    contains: tuple[str, ...] = ()
    """Cue templates that may be anywhere in the clause."""


@dataclass(frozen=True, slots=True)
class CommentCues:
    """The classifier's data for one language, as validated from the YAML."""

    language: str
    rules: tuple[CueRule, ...]
    """Highest priority first."""
    words: Mapping[str, tuple[str, ...]]
    """Word list name -> normalised entries, used as {name} in cue templates."""
    fallback: CommentKind = CommentKind.OTHER
    fallback_confidence: float = 0.5
    aliases: Mapping[str, str] | None = None
    """Normalised word -> the recogniser's spelling of it ("youre" -> "you're")."""
    clause_breaks: tuple[str, ...] = ()
    fillers: tuple[str, ...] = ()
    vocatives: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CoachWords:
    """What the coach says; the placeholders are checked when the file is loaded."""

    praise: tuple[str, ...]
    """Responsive lines praising the parent's comments; {child}."""
    example: str
    """Offers one example comment; {child}, {example}."""
    hint: str
    """The same without an example, for a step that has none; {child}."""
    ratio: str
    """The running console display; {descriptive}, {directive}."""
    summary_none: str
    """End of session, nothing counted; {child}, {descriptive}, {directive} as below."""
    summary_met: str
    summary_almost: str
    summary_below: str


@dataclass(frozen=True, slots=True)
class CommentsData:
    """A whole `comments/<lang>.yaml`."""

    cues: CommentCues
    coach: CoachWords
    source: Path | None = None


def comments_file(language: str) -> Path:
    """The shipped comments file of `language`."""
    return SHIPPED_COMMENTS / f"{language}.yaml"


class CommentClassifier:
    """Classifies utterances with the cues of one language. Pure: no I/O after construction."""

    def __init__(self, cues: CommentCues) -> None:
        self.cues = cues
        self._aliases = dict(cues.aliases or {})
        self._breaks = _phrases(cues.clause_breaks, anchor="any")
        self._lead = _phrases((*cues.fillers, *cues.vocatives), anchor="lead")
        self._rules = tuple((rule, _rule_pattern(rule, cues.words)) for rule in cues.rules)
        self._lead_with: dict[str, re.Pattern[str] | None] = {}
        """Child's name -> the leading-words pattern that includes it (a session has one)."""

    @classmethod
    def for_language(cls, language: str) -> CommentClassifier:
        """The classifier of a shipped language; CommentsError when its file is invalid."""
        return cls(load_comments(comments_file(language)).cues)

    def classify(
        self, text: str, child: str | None = None, examples: Sequence[str] = ()
    ) -> Classification:
        """The kind of `text` (recogniser output or typed).

        `child`'s name is read as a pet name ("sam put it back" is a command). `examples` are
        the current step's example comments (with or without {child} filled in): an utterance
        the cues would call other but that is one of them, nearly word for word, is descriptive.
        Never raises: text with no words left is the fallback kind.
        """
        found = self._classify(text, child)
        if found.kind is CommentKind.OTHER and examples and self._is_example(text, child, examples):
            return Classification(CommentKind.DESCRIPTIVE, EXAMPLE_CONFIDENCE, EXAMPLE_CUE)
        return found

    def _is_example(self, text: str, child: str | None, examples: Sequence[str]) -> bool:
        heard = normalise(text)
        name = child or ""
        return any(
            fuzz.ratio(heard, normalise(example.replace("{child}", name))) >= EXAMPLE_SIMILARITY
            for example in examples
        )

    def _classify(self, text: str, child: str | None) -> Classification:
        lead = self._lead
        if child and normalise(child):
            if child not in self._lead_with:
                if len(self._lead_with) >= 32:  # bounded: a session asks about one child
                    self._lead_with.clear()
                names = (*self.cues.fillers, *self.cues.vocatives, child)
                self._lead_with[child] = _phrases(names, anchor="lead")
            lead = self._lead_with[child]
        decided = [self._clause(clause) for clause in self._clauses(text, lead)]
        if not decided:
            return Classification(self.cues.fallback, self.cues.fallback_confidence)
        # A command or correction anywhere in the turn is what the parent is counting; then
        # praise or description; talk about anything else only when there is nothing else.
        for kind in (CommentKind.DIRECTIVE, CommentKind.DESCRIPTIVE, CommentKind.OTHER):
            hits = [c for c in decided if c.kind is kind]
            if hits:
                best = max(hits, key=lambda c: c.confidence)
                break
        mixed = {c.kind for c in decided} >= {CommentKind.DIRECTIVE, CommentKind.DESCRIPTIVE}
        if mixed:  # "good job, now put it back": DPICS would code two things; say so.
            best = Classification(best.kind, round(best.confidence * 0.9, 3), best.cue)
        return best

    def _clauses(self, text: str, lead: re.Pattern[str] | None) -> list[str]:
        clauses: list[str] = []
        for match in _PIECE.finditer(text):
            piece = match.group()
            words = [self._aliases.get(w, w) for w in normalise(piece).split()]
            if QUESTION_MARK in piece:
                words.append(QUESTION_MARK)
            joined = " ".join(" ".join(words).split())  # aliases may hold two words
            parts = self._breaks.split(joined) if self._breaks is not None else [joined]
            for part in parts:
                part = part.strip()
                if lead is not None:
                    part = lead.sub("", part, count=1).strip()
                if part and part != QUESTION_MARK:
                    clauses.append(part)
        return clauses

    def _clause(self, clause: str) -> Classification:
        for rule, pattern in self._rules:
            if pattern is not None and pattern.search(clause):
                return Classification(rule.kind, rule.confidence, rule.cue)
        return Classification(self.cues.fallback, self.cues.fallback_confidence)


# -- cue templates -> regular expressions ----------------------------------------------------


def _alternation(phrases: Iterable[str]) -> str:
    # Longest first, so "you are" is tried before "you".
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "(?:" + "|".join(re.escape(p) for p in unique) + ")"


def _phrases(phrases: Iterable[str], anchor: str) -> re.Pattern[str] | None:
    """A pattern for whole-word `phrases`: anywhere ("any"), or a run of them at the start."""
    normal = [n for n in (normalise(p) for p in phrases) if n]
    if not normal:
        return None
    alt = _alternation(normal)
    if anchor == "lead":
        return re.compile(rf"^(?:{alt}(?: |$))+")
    return re.compile(rf"(?:^| ){alt}(?= |$)")


def _template(template: str, words: Mapping[str, tuple[str, ...]]) -> str:
    """One cue template as a regular expression over a normalised clause."""
    parts: list[str] = []
    for token in template.split():
        if token.startswith("{") and token.endswith("}"):
            parts.append(_alternation(words[token[1:-1]]))
        elif token == "*":
            parts.append(r"[^ ]+")
        elif token == QUESTION_MARK:
            parts.append(re.escape(QUESTION_MARK))
        else:
            parts.append(re.escape(normalise(token)))
    return " ".join(parts)


def _rule_pattern(rule: CueRule, words: Mapping[str, tuple[str, ...]]) -> re.Pattern[str] | None:
    forms: list[str] = []
    if rule.whole:
        forms.append("^(?:" + "|".join(_template(t, words) for t in rule.whole) + ")$")
    if rule.starts:
        forms.append("^(?:" + "|".join(_template(t, words) for t in rule.starts) + ")(?= |$)")
    if rule.contains:
        forms.append(
            "(?:^| )(?:" + "|".join(_template(t, words) for t in rule.contains) + ")(?= |$)"
        )
    return re.compile("|".join(forms)) if forms else None


# -- loading and validation --------------------------------------------------------------------

_TOP_REQUIRED = frozenset({"language", "words", "rules", "fallback", "coach"})
_TOP_OPTIONAL = frozenset({"aliases", "clause_breaks", "fillers", "vocatives"})
_RULE_CUES = ("whole", "starts", "contains")
_KINDS = ", ".join(k.value for k in CommentKind)
_CHILD = frozenset({"child"})
_COUNTS = frozenset({"child", "descriptive", "directive"})


def load_comments(path: Path) -> CommentsData:
    """The cues and coach words in `path`; CommentsError listing every problem when invalid."""
    try:
        data = read_yaml(path)
    except UnreadableData as exc:
        raise CommentsError(f"The comments {exc}.", (str(exc),)) from exc
    check = Checker(path)
    parsed = _parse(data, check)
    if parsed is None or check.problems:
        raise CommentsError(f"{check.summary('comments file')}.", tuple(check.problems))
    cues, coach = parsed
    return CommentsData(cues, coach, source=path)


def _parse(data: object, check: Checker) -> tuple[CommentCues, CoachWords] | None:
    top = check.mapping(data, "", required=_TOP_REQUIRED, optional=_TOP_OPTIONAL)
    if top is None:
        return None
    language = check.text(top.get("language"), "language") or ""
    words = _words(top.get("words"), check)
    rules = tuple(
        rule
        for i, raw in enumerate(check.items(top.get("rules"), "rules", 1, 100))
        if (rule := _rule(raw, f"rules[{i}]", words, check)) is not None
    )
    fallback = check.mapping(top.get("fallback"), "fallback", required={"kind", "confidence"})
    fallback_kind = CommentKind.OTHER
    fallback_confidence = 0.5
    if fallback is not None:
        fallback_kind = _kind(fallback.get("kind"), "fallback.kind", check) or fallback_kind
        confidence = _confidence(fallback.get("confidence"), "fallback.confidence", check)
        fallback_confidence = confidence if confidence is not None else fallback_confidence
    cues = CommentCues(
        language=language,
        rules=rules,
        words=words,
        fallback=fallback_kind,
        fallback_confidence=fallback_confidence,
        aliases=_aliases(top.get("aliases", {}), check),
        clause_breaks=_texts(top.get("clause_breaks", []), "clause_breaks", check),
        fillers=_texts(top.get("fillers", []), "fillers", check),
        vocatives=_texts(top.get("vocatives", []), "vocatives", check),
    )
    coach = _coach(top.get("coach"), check)
    if coach is None:
        return None
    return cues, coach


def _texts(
    value: object, where: str, check: Checker, placeholders: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    items = check.items(value, where, 0, 500)
    texts = (check.text(item, f"{where}[{i}]", placeholders) for i, item in enumerate(items))
    return tuple(t for t in texts if t)


def _words(value: object, check: Checker) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        check.mapping(value, "words", required=set())  # reports the wrong type
        return {}
    words: dict[str, tuple[str, ...]] = {}
    for name, raw in value.items():
        where = f"words.{name}"
        if not isinstance(name, str) or not _WORD_LIST.match(name):
            check.add(where, "a word list name should be lowercase letters and underscores")
            continue
        entries = _texts(raw, where, check)
        if isinstance(raw, list) and not raw:
            check.add(where, "should have at least one entry")
        normal = tuple(n for n in (normalise(e) for e in entries) if n)
        if len(normal) < len(entries):
            check.add(where, "has an entry with no words in it")
        words[name] = normal
    return words


def _aliases(value: object, check: Checker) -> dict[str, str]:
    if not isinstance(value, Mapping):
        check.mapping(value, "aliases", required=set())  # reports the wrong type
        return {}
    aliases: dict[str, str] = {}
    for key, raw in value.items():
        where = f"aliases.{key}"
        heard = normalise(str(key))
        if " " in heard or not heard:
            check.add(where, "an alias should be one word as the recogniser might print it")
            continue
        text = check.text(raw, where)
        if text:
            aliases[heard] = normalise(text)
    return aliases


def _kind(value: object, where: str, check: Checker) -> CommentKind | None:
    if check.absent(value, where):
        return None
    try:
        return CommentKind(str(value))
    except ValueError:
        check.add(where, f"should be one of {_KINDS}, not {value!r}")
        return None


def _confidence(value: object, where: str, check: Checker) -> float | None:
    if check.absent(value, where):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        check.add(where, f"should be a number from 0 to 1, not {value!r}")
        return None
    if not 0 < value <= 1:
        check.add(where, f"should be above 0 and at most 1, not {value}")
        return None
    return float(value)


def _rule(
    value: object, where: str, words: Mapping[str, tuple[str, ...]], check: Checker
) -> CueRule | None:
    raw = check.mapping(
        value, where, required={"cue", "kind", "confidence"}, optional=set(_RULE_CUES)
    )
    if raw is None:
        return None
    cue = check.text(raw.get("cue"), f"{where}.cue")
    kind = _kind(raw.get("kind"), f"{where}.kind", check)
    confidence = _confidence(raw.get("confidence"), f"{where}.confidence", check)
    templates: dict[str, tuple[str, ...]] = {}
    for key in _RULE_CUES:
        templates[key] = _texts(raw.get(key, []), f"{where}.{key}", check, frozenset(words))
    if not any(key in raw for key in _RULE_CUES):
        check.add(where, "needs at least one of whole, starts or contains")
    if cue is None or kind is None or confidence is None:
        return None
    return CueRule(cue, kind, confidence, **templates)


def _coach(value: object, check: Checker) -> CoachWords | None:
    raw = check.mapping(value, "coach", required={"praise", "example", "hint", "ratio", "summary"})
    if raw is None:
        return None
    praise = _texts(raw.get("praise"), "coach.praise", check, _CHILD)
    if not praise and not check.absent(raw.get("praise"), "coach.praise"):
        check.add("coach.praise", "should have at least one line")
    example = check.text(raw.get("example"), "coach.example", _CHILD | {"example"})
    if example is not None and "{example}" not in example:
        check.add("coach.example", "should say the example: put {example} where it goes")
    hint = check.text(raw.get("hint"), "coach.hint", _CHILD)
    ratio = check.text(raw.get("ratio"), "coach.ratio", _COUNTS - _CHILD)
    lines = _summary(raw.get("summary"), check)
    if example is None or hint is None or ratio is None or lines is None or not praise:
        return None
    return CoachWords(praise, example, hint, ratio, *lines)


def _summary(value: object, check: Checker) -> tuple[str, str, str, str] | None:
    names = ("none", "met", "almost", "below")
    raw: Mapping[str, Any] | None = check.mapping(value, "coach.summary", required=set(names))
    if raw is None:
        return None
    texts = [check.text(raw.get(n), f"coach.summary.{n}", _COUNTS) for n in names]
    none, met, almost, below = texts
    if none is None or met is None or almost is None or below is None:
        return None
    return none, met, almost, below
