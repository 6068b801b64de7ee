"""The canonical intents and the phrases that express them, loaded from `intents/<lang>.yaml`."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

from .datafile import Checker, UnreadableData, read_yaml
from .errors import IntentsError
from .keywords import SLOT, KeywordRule, Keywords
from .outcome_guess import LABELS
from .paths import SHIPPED_INTENTS
from .text import expand, normalise, normalise_phrase

log = logging.getLogger(__name__)

# Fixed by DESIGN.md: outside scripts rely on these names.
CANONICAL = (
    "done",
    "not_yet",
    "next",
    "repeat",
    "previous",
    "skip",
    "pause",
    "resume",
    "stop",
    "help",
    "timer_start",
    "timer_status",
    "timer_cancel",
    # Added for sensory breaks (DESIGN.md: add to the contract freely).
    "timer_pause",
    "timer_resume",
    "timer_add",
    # The child started a step or the routine without being asked (function at 8 weeks).
    "initiated",
)


# Where a phrase may say "a value goes here"; the matcher fills the slot of the same name.
SLOT_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "timer_start": frozenset({"duration"}),
    "timer_add": frozenset({"duration"}),
}


@dataclass(frozen=True, slots=True)
class WordRules:
    """Words that change what an utterance means, per language (every list may be empty)."""

    negations: tuple[str, ...] = ()
    """Words that negate ("not", "didn't"): a negated *done* reads as *not yet*, never as done."""
    questions: tuple[str, ...] = ()
    """An utterance opening with one of these ("are", "did") is a yes/no question: talk to the
    child ("are you done"), never a command."""
    question_ends: tuple[str, ...] = ()
    """An utterance closing with one of these ("done yet") is a question too, unless negated."""
    addressee: tuple[str, ...] = ()
    """Words that show the child is spoken to ("you", "your"): never an outcome."""
    vocatives: tuple[str, ...] = ()
    """Names a parent calls someone by ("sweetie", "mate"): talk to the child, never an
    outcome, unless a word of `third_person` speaks of the child ("she's done mate")."""
    also_yes: tuple[str, ...] = ()
    """Words of `addressee` that also mean yes ("ya"): right before a word of `third_person`
    they are a yes ("ya he did it"), as no one is spoken to there."""
    third_person: tuple[str, ...] = ()
    """Words that speak of the child rather than to them ("she", "he", "the child")."""
    praise: tuple[str, ...] = ()
    """Praise ("well done", "good job"): said to the child, never an outcome, unless a word of
    `third_person` speaks of the child ("good girl she did it" is a report)."""
    not_to_child: tuple[str, ...] = ()
    """Sayings with a word of `addressee` or `praise` in them that are not said to the child
    ("all good", "you know", "fair play"): read as neither."""
    requests: tuple[str, ...] = ()
    """Polite openings ("can you") dropped before matching; a request is never an outcome."""
    request_ends: tuple[str, ...] = ()
    """Polite closings of a command ("would ya"), dropped like `requests`: "skip that one
    would ya" is a request to skip, never an outcome."""
    log_requests: tuple[str, ...] = ()
    """Verbs that make a request a report ("could you mark that one as done"): asking the
    assistant to log is telling it the outcome."""
    corrections: tuple[str, ...] = ()
    """What a speaker says to take back what came before ("no wait", "i mean"): only the
    words after the last one are read ("next no wait go back" is go back)."""
    everyday: tuple[str, ...] = ()
    """Everyday words, read as themselves: an utterance with one is never read as a phrase
    without it, whether the word is close by letters to a phrase word ("time for brekkie" is no
    "time for break") or stands where a phrase word would ("how many minutes are left on the
    dinner" is no "... on the timer")."""
    hedges: tuple[str, ...] = ()
    """Who a negation is of when it tells how it went or what the parent thought ("it wasn't
    pretty", "i wasn't sure she would"): before "but" and a report of the child doing it all,
    such a negation is no not yet ("i wasn't sure she would but she packed it all herself")."""
    child_objects: tuple[str, ...] = ()
    """The child as object ("her", "himself"): a negation after a word of `hedges` with one of
    these after it is of what the child did ("it wasn't all her")."""
    partial: tuple[str, ...] = ()
    """Words of a part of the step ("half", "most", "rest"): a long report with one is never
    a done by its closing verdict."""
    parents: tuple[str, ...] = ()
    """Who says they did some of it ("i", "we"): before what a parent does for the child
    (`frames.classes.parent_did`), a long report is a not yet ("so i pulled it down for him")."""
    learner_is: tuple[str, ...] = ()
    """What follows a learner's "is" opening a report ("is done he make it himself"): read as
    "it's" when a report follows."""
    missed_past: tuple[str, ...] = ()
    """Words that tell why a step was missed ("was", "didn't"): a request to repeat takes a
    reason before or after it only with one ("say it again the baby was crying")."""
    repeat_joins: tuple[str, ...] = ()
    """Where a request to repeat and its reason meet ("...again | the baby was crying",
    "sorry | she was talking over you | can you repeat it")."""
    names: tuple[str, ...] = ()
    """Names a parent calls someone else by ("tom", "ella") and other voice assistants'
    ("alexa"): a command after one of them is said to them, never to the assistant ("tom skip
    it", "alexa stop the timer"). A household adds its own; the child's name is known anyway."""
    dangling: tuple[str, ...] = ()
    """Words no command ends with ("the", "for"): keywords read nothing in an utterance cut off
    after one ("the timer for the")."""
    reason_starts: tuple[str, ...] = ()
    """Words a reason after a command opens with ("skip that one he's too tired", "pause the
    doorbell's gone"): a command followed by a reason that reads as nothing is the command."""
    not_yet_reason_starts: tuple[str, ...] = ()
    """Words that open a reason after a not yet of the child that ends with its object ("she
    didn't finish it | her arms got tired"), and only there: elsewhere they open an object
    ("skip her teeth", "she's not done her homework")."""
    reason_commands: tuple[str, ...] = ()
    """Words a command must have to take a reason after it (`reason_starts`)."""
    statement_starts: tuple[str, ...] = ()
    """Words that open a statement of what is so when a word with "'s" follows within two
    words ("the tap's broken"): a reason after a polite request or "please" ("can you pause the
    timer | the phone's going"), or a done's detail ("she did it herself | the sock's on")."""
    asks_child: tuple[str, ...] = ()
    """How a parent quizzes the child on the routine ("what's next"): with a word of
    `vocatives` ("what's next buddy") it is said to the child, not a command."""
    answers: tuple[str, ...] = ()
    """Words that say yes ("yep"): before "did it ..." they answer, and nothing is asked
    ("yep did it solo")."""
    next_closers: tuple[str, ...] = ()
    """What closes a parent's report of their own step to move on ("i've put the toothpaste on
    next"): read as next at a parent's step (two words at most)."""
    own_step: tuple[str, ...] = ()
    """Words of a parent's report of their own step ("i've", "is on"): one must be in what
    comes before a word of `next_closers`."""
    detail_starts: tuple[str, ...] = ()
    """Words a detail of how a done went opens with ("she did it herself | while i was loading
    the dishwasher", "he did it | i kept my hands in my pockets"): a done report with a detail
    that says no help is done."""
    not_details: tuple[str, ...] = ()
    """Words that never open a detail right after who did it alone ("at", "on", "only"): "she
    did it on her own | at granny's" is of another place, "| only at five" of another time."""
    exceptions: tuple[str, ...] = ()
    """Words that leave a part out ("except", "apart from"): a report with one is never a done
    by its detail."""
    meanwhile: tuple[str, ...] = ()
    """Words that open what the parent did at the same time ("while"): what a parent did after
    one is no help ("he did it himself while i made the toast")."""
    sarcasm: tuple[str, ...] = ()
    """Openings that may mock what follows ("yeah right he's done", "as if she did it"): an
    outcome after one is asked about, never logged."""
    own_step_done: tuple[str, ...] = ()
    """A parent's report of their own step as done ("i've done it", "that's my bit finished"):
    at a parent's step, said whole (fillers and a closing "now" aside), it is done."""
    asides: tuple[str, ...] = ()
    """Openings of a word to someone else ("hang on", "one sec", "bye"): after one and a word
    that calls someone ("mum", "babe", "jack"), what follows is read alone ("hang on mum | yeah
    she's done it")."""
    talk_openers: tuple[str, ...] = ()
    """Words that open talk to someone, not to the assistant ("who", "what"): a report before
    or after words that open with one (or with a name, a name the child is called by, an
    aside or a request) is asked about ("she did it | who let the dog in")."""
    sayings: tuple[str, ...] = ()
    """Sayings that fit a command word for word ("give me a break"): an utterance with one and
    no duration or "timer" in it is read as nothing."""
    pause_named: tuple[str, ...] = ()
    """Words that name a pause ("pause", "freeze"): a pause read without one ("one sec",
    "give me a minute") and with a word of `vocatives` is said to the child ("one sec love")."""
    elsewhen: tuple[str, ...] = ()
    """Words of another time or place ("yesterday", "at school"): a long report with one is no
    report of this step."""
    today: tuple[str, ...] = ()
    """Words of today ("this morning"): a report with one is of this step, but told with a detail
    after it it may be the story of earlier today ("she did it all herself this morning | i was so
    proud"), so it is asked about."""
    minor: tuple[str, ...] = ()
    """Small words ("the", "it", "my") that cost little when added or left out: "say it again"
    reads as "say again" (fsticuffs charges stop words 0.1 instead of a whole word)."""


_WORD_LISTS = frozenset(f.name for f in fields(WordRules))
_CLASS_REF = re.compile(r"<([a-z_]+)>")


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame: word classes and words in order, read as one intent (Snips/Rhasspy style)."""

    intent: str
    """A canonical intent name."""
    patterns: tuple[str, ...]
    """The frame's template expanded: words and `<class>` references, one sequence each."""


@dataclass(frozen=True, slots=True)
class Frames:
    """Word classes and the frames built from them (optional in the file)."""

    classes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Class name -> normalised words or word sequences ("finish": "did", "got there")."""
    frames: tuple[Frame, ...] = ()
    openers: tuple[str, ...] = ()
    """Words that open a report and change nothing in it ("aye", "righto", "lovely"): taken
    off the front when the words as said fit no frame."""
    tails: tuple[str, ...] = ()
    """... and that close one ("so she did", "first go", "already"), taken off the end."""
    asides: tuple[str, ...] = ()
    """... and that may stand anywhere in one ("gone and", "entirely"), taken out."""
    joins: tuple[str, ...] = ()
    """Words that join two reports ("and", "so", "but"): an utterance may be split after them."""
    verdicts: tuple[str, ...] = ()
    """What closes a long report with its outcome ("so mark it done", "so that's a yes")."""
    concessions: tuple[str, ...] = ()
    """Words that open a concession closing a report ("even if it's a bit lumpy"): the report
    before it decides when the concession has no negation, help or helper in it and speaks
    to no one."""
    clause_starts: tuple[str, ...] = ()
    """Words a report opens with ("she", "i", "no"): an utterance may be split before them."""


@dataclass(frozen=True, slots=True)
class IntentPhrases:
    """The phrases of one language, by intent."""

    language: str
    """ISO code, e.g. "en"."""
    phrases: dict[str, tuple[str, ...]]
    """Intent name -> normalised phrases, templates expanded; `{duration}` marks a slot."""
    fillers: tuple[str, ...] = ()
    """Normalised words or word sequences that carry no meaning for a command ("please")."""
    source: Path | None = None
    local_words: tuple[tuple[str, str], ...] = ()
    """Normalised words of a household's own English or language and the English they mean
    ("staat" -> "start", "todavia no" -> "not yet"): what is heard is read in those words."""
    words: WordRules = WordRules()
    """The language's negations, question openings, praise and so on (optional in the file)."""
    distractors: tuple[str, ...] = ()
    """Normalised everyday words and short phrases that are no command, added to the
    recogniser's grammar only (`recognizer.grammar_phrases`), so chatter decoded with a
    grammar lands on them instead of on command words. The matcher never reads them: an
    utterance with one of them matches no phrase as a whole."""
    frames: Frames = Frames()
    """Word classes and frames, read only when no phrase gave an intent (`matcher`)."""
    keywords: Keywords = field(default_factory=Keywords)
    """Keyword rules, read only when neither a phrase nor a frame gave an intent (`keywords`)."""
    examples: tuple[tuple[str, str], ...] = ()
    """(label, normalised sentence) pairs the outcome guesser learns from (`outcome_guess`),
    from the file beside the intents file (`examples_file`); none when there is no such file."""


def intents_file(language: str) -> Path:
    """The shipped intents file of `language`."""
    return SHIPPED_INTENTS / f"{language}.yaml"


def examples_file(intents: Path) -> Path:
    """The labelled examples beside an intents file: en.yaml -> en.examples.tsv."""
    return intents.with_suffix(".examples.tsv")


def load_examples(path: Path) -> tuple[tuple[str, str], ...]:
    """The (label, sentence) lines of an examples file (none when there is no file); lines
    opening with "#" are comments. IntentsError naming the file and line when one is bad."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as exc:
        raise IntentsError(f"The examples file {path} cannot be read: {exc}.") from exc
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, tab, sentence = line.partition("\t")
        words = normalise(sentence)
        if not tab or label not in LABELS or not words:
            problem = f"{path}: line {number}: should be one of {', '.join(LABELS)}, a tab, words"
            raise IntentsError(f"The examples file {problem}.", (problem,))
        pairs.append((label, words))
    return tuple(pairs)


def load_intents(path: Path) -> IntentPhrases:
    """The intents in `path`; IntentsError listing every problem when invalid."""
    try:
        data = read_yaml(path)
    except UnreadableData as exc:
        raise IntentsError(f"The intents {exc}.", (str(exc),)) from exc
    check = Checker(path)
    top = check.mapping(
        data,
        "",
        required={"language", "intents"},
        optional={"fillers", "local_words", "words", "distractors", "frames", "keywords"},
    )
    phrases: dict[str, tuple[str, ...]] = {}
    fillers: tuple[str, ...] = ()
    local_words: tuple[tuple[str, str], ...] = ()
    words = WordRules()
    distractors: tuple[str, ...] = ()
    frames = Frames()
    keywords = Keywords()
    language = ""
    if top is not None:
        language = check.text(top.get("language"), "language") or ""
        fillers = word_list_of(top.get("fillers", []), "fillers", check)
        local_words = local_words_of(top.get("local_words", {}), check)
        words = _word_rules(top.get("words", {}), check)
        section = check.mapping(
            top.get("intents"), "intents", required=set(), optional=set(CANONICAL)
        )
        for name, raw in (section or {}).items():
            if name not in CANONICAL:
                continue
            entry = check.mapping(raw, f"intents.{name}", required={"phrases"})
            if entry is None:
                continue
            items = check.items(entry.get("phrases"), f"intents.{name}.phrases", 1, 500)
            phrases[name] = _phrases(name, items, check)
        _check_unique(phrases, check)
        distractors = _distractors(top.get("distractors", []), phrases, fillers, check)
        negations = frozenset(w for n in words.negations for w in n.split())
        frames = _frames(top.get("frames", {}), check, negations)
        keywords = _keywords(top.get("keywords", {}), frames.classes, check)
    if check.problems or top is None:
        raise IntentsError(f"{check.summary('intents file')}.", tuple(check.problems))
    return IntentPhrases(
        language,
        phrases,
        fillers,
        source=path,
        local_words=local_words,
        words=words,
        distractors=distractors,
        frames=frames,
        keywords=keywords,
        examples=load_examples(examples_file(path)),
    )


def _phrases(name: str, items: list[object], check: Checker) -> tuple[str, ...]:
    """The normalised sentences of one intent's phrase templates, without repeats."""
    slots = SLOT_PLACEHOLDERS.get(name, frozenset())
    found: dict[str, None] = {}
    for i, item in enumerate(items):
        where = f"intents.{name}.phrases[{i}]"
        text = check.text(item, where, slots)
        if not text:
            continue
        try:
            sentences = expand(text)
        except ValueError as exc:
            check.add(where, str(exc))
            continue
        for sentence in sentences:
            norm = normalise_phrase(sentence)
            if norm:
                found.setdefault(norm, None)
    return tuple(found)


def word_list_of(raw: object, where: str, check: Checker) -> tuple[str, ...]:
    """The normalised words of the list at `where` (400 at most, none twice)."""
    found: list[str] = []
    for i, item in enumerate(check.items(raw, where, 0, 400)):
        word = check.text(item, f"{where}[{i}]")
        if word:
            norm = normalise(word)
            if norm and norm in found:
                check.add(f"{where}[{i}]", f"{word!r} is listed twice")  # keeps the file tidy
            found.append(norm)
    return tuple(w for w in found if w)


def local_words_of(raw: object, check: Checker) -> tuple[tuple[str, str], ...]:
    """The normalised (heard, meant) pairs of `local_words`; heard and meant must differ."""
    if check.absent(raw, "local_words"):
        return ()
    if not isinstance(raw, dict):
        check.add("local_words", "should be a mapping of words heard to the words they mean")
        return ()
    pairs: list[tuple[str, str]] = []
    for key, value in raw.items():
        where = f"local_words.{key}"
        heard = normalise(check.text(key, where) or "")
        meant = normalise(check.text(value, where) or "")
        if heard and meant:
            if heard == meant:
                check.add(where, "means itself: leave it out")
            else:
                pairs.append((heard, meant))
    return tuple(pairs)


def _distractors(
    raw: object, phrases: dict[str, tuple[str, ...]], fillers: tuple[str, ...], check: Checker
) -> tuple[str, ...]:
    """The normalised distractors, without repeats; each must bring a word of its own.

    A distractor made only of command words and fillers would let the grammar build a
    command out of chatter rather than keep chatter off the commands.
    """
    owner = {text: name for name, texts in phrases.items() for text in texts}
    known = {word for text in owner for word in text.split()} | set(fillers)
    found: dict[str, None] = {}
    for i, item in enumerate(check.items(raw, "distractors", 0, 2000)):
        where = f"distractors[{i}]"
        text = check.text(item, where)
        if not text:
            continue
        norm = normalise(text)
        if norm in owner:
            check.add(where, f"{norm!r} is a phrase of {owner[norm]}, not a distractor")
        elif not norm or set(norm.split()) <= known:
            check.add(where, f"{text!r} has no word that is not a command word or a filler")
        else:
            found.setdefault(norm, None)
    return tuple(found)


def _word_rules(raw: object, check: Checker) -> WordRules:
    section = check.mapping(raw, "words", required=set(), optional=_WORD_LISTS)
    if section is None:
        return WordRules()
    lists = {
        key: word_list_of(value, f"words.{key}", check)
        for key, value in section.items()
        if key in _WORD_LISTS
    }
    return WordRules(**lists)


def _check_unique(phrases: dict[str, tuple[str, ...]], check: Checker) -> None:
    # One phrase under two intents makes every match of it a coin toss.
    owner: dict[str, str] = {}
    for name, texts in phrases.items():
        for text in texts:
            if text in owner and owner[text] != name:
                check.add(f"intents.{name}.phrases", f"{text!r} is also a phrase of {owner[text]}")
            owner.setdefault(text, name)


def _frames(raw: object, check: Checker, negations: frozenset[str] = frozenset()) -> Frames:
    """The word classes and frames of the optional `frames` section."""
    section = check.mapping(
        raw,
        "frames",
        required=set(),
        optional={
            "classes",
            "rules",
            "openers",
            "tails",
            "asides",
            "joins",
            "clause_starts",
            "verdicts",
            "concessions",
        },
    )
    if section is None:
        return Frames()
    classes: dict[str, tuple[str, ...]] = {}
    raw_classes = section.get("classes", {})
    names = set(raw_classes) if isinstance(raw_classes, dict) else set()
    table = check.mapping(raw_classes, "frames.classes", required=set(), optional=names)
    for name, value in (table or {}).items():
        where = f"frames.classes.{name}"
        if not isinstance(name, str) or not re.fullmatch(r"[a-z_]+", name):
            check.add(where, "a class name is lowercase letters and underscores")
            continue
        members = word_list_of(value, where, check)
        if not members:
            check.add(where, "a class needs at least one word")
        classes[name] = members
    found: list[Frame] = []
    for i, item in enumerate(check.items(section.get("rules", []), "frames.rules", 0, 400)):
        where = f"frames.rules[{i}]"
        rule = check.mapping(item, where, required={"intent", "frame"})
        if rule is None:
            continue
        intent = check.text(rule.get("intent"), f"{where}.intent")
        template = check.text(rule.get("frame"), f"{where}.frame")
        if intent is not None and intent not in CANONICAL:
            check.add(f"{where}.intent", f"{intent!r} is not a canonical intent")
            continue
        if not intent or not template:
            continue
        unknown = sorted(set(_CLASS_REF.findall(template)) - set(classes))
        if unknown:
            check.add(f"{where}.frame", f"unknown word class {', '.join(unknown)}")
            continue
        try:
            sentences = expand(template)
        except ValueError as exc:
            check.add(f"{where}.frame", str(exc))
            continue
        patterns = tuple(dict.fromkeys(" ".join(s.split()) for s in sentences if s.strip()))
        found.append(Frame(intent, patterns))
    report_words = {
        key: word_list_of(section.get(key, []), f"frames.{key}", check)
        for key in ("openers", "tails", "asides")
    }
    for key, entries in report_words.items():
        for entry in entries:
            if set(entry.split()) & negations:
                check.add(f"frames.{key}", f"{entry!r} has a negation: taken off, it would hide it")
    return Frames(
        classes,
        tuple(found),
        openers=report_words["openers"],
        tails=report_words["tails"],
        asides=report_words["asides"],
        joins=word_list_of(section.get("joins", []), "frames.joins", check),
        clause_starts=word_list_of(section.get("clause_starts", []), "frames.clause_starts", check),
        verdicts=word_list_of(section.get("verdicts", []), "frames.verdicts", check),
        concessions=word_list_of(section.get("concessions", []), "frames.concessions", check),
    )


# Keyword rules never give an outcome: done and not yet are logged, so they come only from
# phrases and frames, which fix who did what.
_NOT_KEYWORDS = frozenset({"done", "not_yet"})


def _keywords(raw: object, classes: dict[str, tuple[str, ...]], check: Checker) -> Keywords:
    """The optional `keywords` section: glue words and rules of word groups (`keywords`).

    An item of `need` or `may` is a `<class>` of `frames.classes`, `{duration}`, or words.
    """
    section = check.mapping(raw, "keywords", required=set(), optional={"glue", "rules"})
    if section is None:
        return Keywords()
    glue = word_list_of(section.get("glue", []), "keywords.glue", check)
    rules: list[KeywordRule] = []
    for i, item in enumerate(check.items(section.get("rules", []), "keywords.rules", 0, 200)):
        where = f"keywords.rules[{i}]"
        rule = check.mapping(item, where, required={"intent", "need"}, optional={"may"})
        if rule is None:
            continue
        intent = check.text(rule.get("intent"), f"{where}.intent")
        if intent is not None and intent not in CANONICAL:
            check.add(f"{where}.intent", f"{intent!r} is not a canonical intent")
            continue
        if intent in _NOT_KEYWORDS:
            check.add(f"{where}.intent", "done and not_yet come only from phrases and frames")
            continue
        need = [
            _keyword_items(group, f"{where}.need[{j}]", classes, check)
            for j, group in enumerate(check.items(rule.get("need"), f"{where}.need", 1, 4))
        ]
        may = _keyword_items(rule.get("may", []), f"{where}.may", classes, check)
        if intent and all(need):
            rules.append(KeywordRule(intent, tuple(need), may))
    return Keywords(glue, tuple(rules))


def _keyword_items(
    raw: object, where: str, classes: dict[str, tuple[str, ...]], check: Checker
) -> tuple[str, ...]:
    """The entries of one need group or of `may`: one item or a list of them."""
    items = (
        [(where, raw)]
        if isinstance(raw, str)
        else [(f"{where}[{i}]", item) for i, item in enumerate(check.items(raw, where, 0, 300))]
    )
    found: list[str] = []
    listed: set[str] = set()
    for at, item in items:
        if isinstance(item, str) and item.strip() == "{duration}":
            found.append(SLOT)
            continue
        text = check.text(item, at)
        if not text:
            continue
        ref = _CLASS_REF.fullmatch(text.strip())
        if ref is not None:
            if ref.group(1) not in classes:
                check.add(at, f"unknown word class {ref.group(1)} (see frames.classes)")
                continue
            found.extend(classes[ref.group(1)])
        elif norm := normalise(text):
            if norm in listed:
                check.add(at, f"{text!r} is listed twice")
            listed.add(norm)
            found.append(norm)
        else:
            check.add(at, f"{text!r} has no words")
    return tuple(dict.fromkeys(found))
