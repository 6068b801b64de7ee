"""Sensory-break activities as data: kinds, activities and the after-break check-in.

The shipped file is `activities/<lang>.yaml` in the repository; a parent or OT can put their
own in `$OT_ASSISTANT_HOME/activities/<lang>.yaml`, which then replaces it. Files are
validated like playbooks: every problem is collected as `FILE: field.path: what is wrong`,
unknown keys are errors, and every activity with vestibular input (movement of the head
through space) must carry a safety note, because rotary and fast movement can overwhelm a
child who does not feel their own limits (research/clinical-notes.md §4.1).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from .datafile import Checker, UnreadableData, read_yaml
from .errors import AssistantError
from .paths import PROJECT_ROOT
from .records import AfterBreak
from .text import normalise

log = logging.getLogger(__name__)

SHIPPED_ACTIVITIES = PROJECT_ROOT / "activities"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CHILD = frozenset({"child"})


class ActivitiesError(AssistantError):
    """An activities file is missing, unreadable or invalid."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems
        """Every problem found, each prefixed with file and field path."""


class Effect(StrEnum):
    """What an activity usually does to arousal (practice lore, not evidence)."""

    CALMING = "calming"
    ORGANISING = "organising"
    """Helps a child settle into a task; counted as calming when a break should calm."""
    ALERTING = "alerting"


@dataclass(frozen=True, slots=True)
class Kind:
    """A group of activities giving the same kind of input."""

    id: str
    """"heavy-work", "slow-movement", ..."""
    title: str
    """Said aloud: "heavy work"."""
    about: str
    effect: Effect
    vestibular: bool


@dataclass(frozen=True, slots=True)
class Activity:
    """One thing to do in a sensory break."""

    id: str
    kind: str
    """The id of its kind."""
    name: str
    """Said aloud: "wall push-ups"."""
    say: str
    """What to do, said to the parent; may contain {child}."""
    effect: Effect
    vestibular: bool
    safety: str | None = None
    """Said before the activity; required when `vestibular`; may contain {child}."""
    materials: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckIn:
    """The question after a break and the phrases that answer it."""

    question: str
    """May contain {child}."""
    again: str
    """Asked once more when the first answer was not understood; may contain {child}."""
    fillers: frozenset[str]
    """Words dropped from answers and phrases before matching."""
    answers: Mapping[AfterBreak, tuple[str, ...]]
    skip: tuple[str, ...]
    """Phrases meaning "no answer": logged as none, without asking again."""


@dataclass(frozen=True, slots=True)
class Activities:
    """Everything in one activities file."""

    language: str
    kinds: tuple[Kind, ...]
    activities: tuple[Activity, ...]
    check_in: CheckIn
    source: Path | None = None

    def get(self, activity_id: str) -> Activity | None:
        return next((a for a in self.activities if a.id == activity_id), None)

    def kind(self, kind_id: str) -> Kind | None:
        return next((k for k in self.kinds if k.id == kind_id), None)


def activities_file(home: Path, lang: str = "en") -> Path:
    """The user's own activities file when there is one, else the shipped one."""
    own = home / "activities" / f"{lang}.yaml"
    return own if own.is_file() else SHIPPED_ACTIVITIES / f"{lang}.yaml"


def load_activities(path: Path) -> Activities:
    """The activities in `path`; ActivitiesError listing every problem when it is not valid."""
    try:
        data = read_yaml(path)
    except UnreadableData as exc:
        raise ActivitiesError(f"The activities file {exc}.", (str(exc),)) from exc
    check = Checker(path)
    activities = _parse(data, check)
    if activities is None or check.problems:
        raise ActivitiesError(f"{check.summary('activities file')}.", tuple(check.problems))
    return activities


def validate_activities(path: Path) -> list[str]:
    """Every problem in the activities file at `path` (empty when it is valid)."""
    try:
        load_activities(path)
    except ActivitiesError as exc:
        return list(exc.problems)
    return []


def fill(text: str, child: str) -> str:
    """`text` with {child} replaced (the only placeholder the files may use)."""
    return text.replace("{child}", child)


# --- parsing --------------------------------------------------------------------------------


def _parse(data: Any, check: Checker) -> Activities | None:
    top = check.mapping(data, "", required={"language", "kinds", "check_in"})
    if top is None:
        return None
    language = check.text(top.get("language"), "language")
    kinds: list[Kind] = []
    activities: list[Activity] = []
    raw_kinds = top.get("kinds")
    if not check.absent(raw_kinds, "kinds"):
        if not isinstance(raw_kinds, Mapping) or not raw_kinds:
            check.add("kinds", "should be a mapping of kind ids to kinds, with at least one")
        else:
            seen: dict[str, str] = {}
            for kind_id, raw in raw_kinds.items():
                _kind(str(kind_id), raw, check, kinds, activities, seen)
    check_in = _check_in(top.get("check_in"), check)
    if check.problems or language is None or check_in is None:
        return None
    return Activities(language, tuple(kinds), tuple(activities), check_in, check.path)


def _kind(
    kind_id: str,
    raw: Any,
    check: Checker,
    kinds: list[Kind],
    activities: list[Activity],
    seen: dict[str, str],
) -> None:
    """Parse one kind into `kinds` and its activities into `activities`; `seen` maps each
    activity id met so far to where it was, so a repeated id is reported wherever it is."""
    where = f"kinds.{kind_id}"
    if not _ID.match(kind_id):
        check.add(where, "a kind id should be lowercase letters, digits and hyphens")
    section = check.mapping(
        raw, where, required={"title", "about", "effect", "vestibular", "activities"}
    )
    if section is None:
        return
    title = check.text(section.get("title"), f"{where}.title")
    about = check.text(section.get("about"), f"{where}.about")
    effect = _effect(section.get("effect"), f"{where}.effect", check)
    vestibular = _flag(section.get("vestibular"), f"{where}.vestibular", check)
    if title is None or about is None or effect is None or vestibular is None:
        return
    kind = Kind(kind_id, title, about, effect, vestibular)
    kinds.append(kind)
    items = check.items(section.get("activities"), f"{where}.activities", 1, 50)
    for i, item in enumerate(items):
        activity = _activity(item, f"{where}.activities[{i}]", kind, check, seen)
        if activity is not None:
            activities.append(activity)


def _activity(
    raw: Any, where: str, kind: Kind, check: Checker, seen: dict[str, str]
) -> Activity | None:
    item = check.mapping(
        raw,
        where,
        required={"id", "name", "say"},
        optional={"effect", "vestibular", "safety", "materials"},
    )
    if item is None:
        return None
    activity_id = item.get("id")
    if not check.absent(activity_id, f"{where}.id") and (
        not isinstance(activity_id, str) or not _ID.match(activity_id)
    ):
        check.add(
            f"{where}.id", "should be lowercase letters, digits and hyphens, like 'bear-walk'"
        )
        activity_id = None
    elif isinstance(activity_id, str):
        first = seen.setdefault(activity_id, where)
        if first != where:
            check.add(f"{where}.id", f"{activity_id!r} is used twice (also {first})")
    name = check.text(item.get("name"), f"{where}.name")
    say = check.text(item.get("say"), f"{where}.say", _CHILD)
    effect = _effect(item["effect"], f"{where}.effect", check) if "effect" in item else kind.effect
    vestibular = (
        _flag(item["vestibular"], f"{where}.vestibular", check)
        if "vestibular" in item
        else kind.vestibular
    )
    safety = check.text(item["safety"], f"{where}.safety", _CHILD) if "safety" in item else None
    if vestibular and "safety" not in item:
        check.add(
            f"{where}.safety",
            "is missing: an activity with vestibular input needs a safety note "
            "(supervision, no spinning without an adult, when to stop)",
        )
    materials = [
        check.text(m, f"{where}.materials[{i}]")
        for i, m in enumerate(check.items(item.get("materials", []), f"{where}.materials", 0, 10))
    ]
    if (
        not isinstance(activity_id, str)
        or name is None
        or say is None
        or effect is None
        or vestibular is None
    ):
        return None
    return Activity(
        id=activity_id,
        kind=kind.id,
        name=name,
        say=say,
        effect=effect,
        vestibular=vestibular,
        safety=safety,
        materials=tuple(m for m in materials if m),
    )


def _check_in(raw: Any, check: Checker) -> CheckIn | None:
    section = check.mapping(
        raw, "check_in", required={"question", "again", "fillers", "answers", "skip"}
    )
    if section is None:
        return None
    question = check.text(section.get("question"), "check_in.question", _CHILD)
    again = check.text(section.get("again"), "check_in.again", _CHILD)
    fillers = _phrases(section.get("fillers"), "check_in.fillers", check, 0)
    skip = _phrases(section.get("skip"), "check_in.skip", check, 1)
    names = {answer.value for answer in AfterBreak}
    answers_raw = check.mapping(section.get("answers"), "check_in.answers", required=names)
    answers: dict[AfterBreak, tuple[str, ...]] = {}
    if answers_raw is not None:
        for answer in AfterBreak:
            where = f"check_in.answers.{answer.value}"
            answers[answer] = tuple(_phrases(answers_raw.get(answer.value), where, check, 1))
    if question is None or again is None or len(answers) != len(AfterBreak):
        return None
    return CheckIn(question, again, frozenset(fillers), answers, tuple(skip))


def _phrases(raw: Any, where: str, check: Checker, least: int) -> list[str]:
    return [
        text
        for i, item in enumerate(check.items(raw, where, least, 200))
        if (text := check.text(item, f"{where}[{i}]")) is not None
    ]


def _effect(raw: Any, where: str, check: Checker) -> Effect | None:
    if check.absent(raw, where):
        return None
    try:
        return Effect(raw)
    except ValueError:
        allowed = ", ".join(e.value for e in Effect)
        check.add(where, f"should be one of {allowed}, not {raw!r}")
        return None


def _flag(raw: Any, where: str, check: Checker) -> bool | None:
    if check.absent(raw, where):
        return None
    if not isinstance(raw, bool):
        check.add(where, f"should be true or false, not {raw!r}")
        return None
    return raw


# --- the check-in answer ----------------------------------------------------------------------

ANSWER_FLOOR = 80.0
"""The best phrase must score at least this (rapidfuzz ratio, 0-100) ..."""
ANSWER_MARGIN = 8.0
"""... and beat the best phrase of every other answer by this much."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What an answer to the check-in question was read as."""

    after: AfterBreak | None
    understood: bool
    """False when it matched nothing clearly (worth asking once more)."""


def read_answer(check_in: CheckIn, text: str) -> Answer:
    """Match a reply to "how does the child seem now" against the check-in phrases."""
    said = _words(check_in, text)
    if not said:
        return Answer(None, False)
    best: dict[AfterBreak | None, float] = {}
    groups: list[tuple[AfterBreak | None, tuple[str, ...]]] = [
        *check_in.answers.items(),
        (None, check_in.skip),
    ]
    for answer, phrases in groups:
        for phrase in phrases:
            score = fuzz.ratio(said, _words(check_in, phrase))
            best[answer] = max(best.get(answer, 0.0), score)
    ranked = sorted(best.items(), key=lambda pair: pair[1], reverse=True)
    (answer, score), runner_up = ranked[0], ranked[1][1] if len(ranked) > 1 else 0.0
    if score >= ANSWER_FLOOR and score - runner_up >= ANSWER_MARGIN:
        return Answer(answer, True)
    log.debug("check-in answer %r not understood (best %s %.0f)", text, answer, score)
    return Answer(None, False)


def _words(check_in: CheckIn, text: str) -> str:
    return " ".join(w for w in normalise(text).split() if w not in check_in.fillers)
