"""Playbooks: a routine's task analysis as YAML a parent or OT can edit, validated at load.

Two kinds (top-level `kind:`, default `chain`): a **chain** playbook has `steps:` taught by
backward chaining; a **graded** playbook has `levels:` (easiest first) practised one level at a
time under the just-right rule (`justright.py`), with `tries:` per session and optional
`just_right:` thresholds. A graded playbook's `steps` mirror its levels (one Step per level:
prompt = name, cue = task), so code written for chains (step counts, `show`) keeps working.

Shipped playbooks live in the repository's `playbooks/`, a user's own in
`$OT_ASSISTANT_HOME/playbooks/`; `find_playbook` also takes a file path.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .chaining import ChainRules
from .datafile import Checker, UnreadableData, read_yaml
from .errors import PlaybookError, UnknownPlaybook
from .justright import LevelRules
from .paths import SHIPPED_PLAYBOOKS, user_playbooks

log = logging.getLogger(__name__)

ROUTINES = ("morning", "after-school", "bedtime", "mealtime", "any")
MIN_STEPS, MAX_STEPS = 2, 20
MIN_LEVELS, MAX_LEVELS = 2, 10
MAX_TRIES = 50
CHAIN, GRADED = "chain", "graded"
KINDS = (CHAIN, GRADED)
DEFAULT_TRIES = 10
_COMMON = frozenset({"id", "title", "routine", "ages", "materials"})
# Fields that belong to one kind only, with what to say when the other kind has them.
_CHAIN_ONLY = {
    "steps": "is for chain playbooks; a graded playbook (kind: graded) lists levels instead",
    "chaining": "is for chain playbooks; a graded playbook's thresholds go under just_right",
}
_GRADED_ONLY = {
    "levels": "is for graded playbooks; add 'kind: graded' or list steps instead",
    "just_right": "is for graded playbooks (kind: graded); a chain playbook uses chaining",
    "tries": "is for graded playbooks (kind: graded)",
}
_RATES = frozenset({"up_rate", "down_rate"})
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CHILD = frozenset({"child"})


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a routine."""

    prompt: str
    """Parent-facing name of the step, said aloud."""
    cue: str
    """What the parent can say to invite the child; may contain {child}."""
    support: str
    """The least intrusive help to offer after "not yet"; may contain {child}."""
    comments: tuple[str, ...]
    """Descriptive comments that fit this step; may contain {child}."""


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a graded skill."""

    name: str
    """Short name, said aloud ("Snip paper strips")."""
    task: str
    """What to practise at this level, said aloud; may contain {child}."""
    support: str
    """A hint to offer after "not yet"; may contain {child}."""
    comments: tuple[str, ...]
    """Descriptive comments that fit this level; may contain {child}."""


@dataclass(frozen=True, slots=True)
class Playbook:
    """A routine taught by backward chaining, or a graded skill practised level by level."""

    id: str
    title: str
    routine: str
    """The daily anchor: one of ROUTINES."""
    min_age: int
    """Years."""
    max_age: int
    """Years."""
    materials: tuple[str, ...]
    steps: tuple[Step, ...]
    rules: ChainRules
    about: str = ""
    source: Path | None = None
    """The file it was loaded from."""
    kind: str = CHAIN
    """CHAIN or GRADED."""
    levels: tuple[Level, ...] = ()
    """A graded playbook's levels, easiest first (empty for a chain)."""
    level_rules: LevelRules = field(default_factory=LevelRules)
    """A graded playbook's just-right thresholds."""
    tries: int = DEFAULT_TRIES
    """A graded playbook's tries per session."""

    @property
    def graded(self) -> bool:
        return self.kind == GRADED


def load_playbook(path: Path) -> Playbook:
    """The playbook in `path`; PlaybookError listing every problem when it is not valid."""
    try:
        data = read_yaml(path)
    except UnreadableData as exc:
        raise PlaybookError(f"The playbook {exc}.", (str(exc),)) from exc
    check = Checker(path)
    playbook = _parse(data, check)
    if playbook is None or check.problems:
        raise PlaybookError(
            f"{check.summary('playbook')}; "
            f"run `ot-assistant playbooks validate {path}` to see every problem.",
            tuple(check.problems),
        )
    return playbook


def validate_file(path: Path) -> list[str]:
    """Every problem in the playbook at `path` (empty when it is valid)."""
    try:
        load_playbook(path)
    except PlaybookError as exc:
        return list(exc.problems)
    return []


def playbook_files(home: Path) -> list[Path]:
    """Shipped then user playbook files; a user's file overrides a shipped one of the same id."""
    by_id: dict[str, Path] = {}
    for folder in (SHIPPED_PLAYBOOKS, user_playbooks(home)):
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                by_id[path.stem] = path
    return sorted(by_id.values(), key=lambda p: p.stem)


def find_playbook(ref: str, home: Path) -> Playbook:
    """The playbook named by id (user's first, then shipped) or by file path."""
    as_path = Path(ref).expanduser()
    if as_path.suffix in (".yaml", ".yml") or "/" in ref:
        if not as_path.is_file():
            raise UnknownPlaybook(f"There is no playbook file at {as_path}.")
        return load_playbook(as_path)
    for folder in (user_playbooks(home), SHIPPED_PLAYBOOKS):
        candidate = folder / f"{ref}.yaml"
        if candidate.is_file():
            return load_playbook(candidate)
    known = ", ".join(p.stem for p in playbook_files(home)) or "none"
    raise UnknownPlaybook(
        f"There is no playbook called {ref!r}; the known ones are: {known} "
        "(or give the path of a .yaml file)."
    )


def _parse(data: Any, check: Checker) -> Playbook | None:
    kind: str | None = CHAIN
    if isinstance(data, Mapping):
        kind = data.get("kind", CHAIN)
        if kind not in KINDS:
            check.add("kind", f"should be one of {', '.join(KINDS)}, not {kind!r}")
            kind = None
        misplaced = _GRADED_ONLY if kind == CHAIN else _CHAIN_ONLY if kind == GRADED else {}
        for key in sorted(misplaced.keys() & data.keys()):
            check.add(key, misplaced[key])
        data = {k: v for k, v in data.items() if k not in misplaced}
    required: set[str] = set(_COMMON)
    optional = {"about", "kind"}
    if kind == CHAIN:
        required |= {"steps"}
        optional |= {"chaining"}
    elif kind == GRADED:
        required |= {"levels"}
        optional |= {"just_right", "tries"}
    else:  # an unknown kind: check what all kinds share, and no more
        optional |= _CHAIN_ONLY.keys() | _GRADED_ONLY.keys()
    top = check.mapping(data, "", required=required, optional=optional)
    if top is None:
        return None
    pid = top.get("id")
    if check.absent(pid, "id"):
        pass
    elif not isinstance(pid, str) or not _ID.match(pid):
        check.add("id", "should be lowercase letters, digits and hyphens, like 'hand-washing'")
    elif pid != check.path.stem:
        check.add("id", f"is {pid!r} but the file is named {check.path.name}; make them match")
    title = check.text(top.get("title"), "title")
    routine = top.get("routine")
    if routine not in ROUTINES and not check.absent(routine, "routine"):
        check.add("routine", f"should be one of {', '.join(ROUTINES)}, not {routine!r}")
    ages = check.mapping(top.get("ages"), "ages", required={"min", "max"})
    min_age = max_age = None
    if ages is not None:
        min_age = check.integer(ages.get("min"), "ages.min", 0, 18)
        max_age = check.integer(ages.get("max"), "ages.max", 0, 18)
        if min_age is not None and max_age is not None and min_age > max_age:
            check.add("ages", f"min ({min_age}) is above max ({max_age})")
    materials = [
        check.text(item, f"materials[{i}]")
        for i, item in enumerate(check.items(top.get("materials"), "materials", 1, 30))
    ]
    about = check.text(top["about"], "about") if "about" in top else ""
    rules = _rules(top.get("chaining"), check) if "chaining" in top else ChainRules()
    level_rules = LevelRules()
    tries: int | None = DEFAULT_TRIES
    levels: list[Level | None] = []
    steps: list[Step | None] = []
    if kind == GRADED:
        if "just_right" in top:
            level_rules = _level_rules(top.get("just_right"), check)
        if "tries" in top:
            tries = check.integer(top.get("tries"), "tries", 1, MAX_TRIES)
        if tries is not None and tries < level_rules.min_tries:
            check.add(
                "tries",
                f"({tries}) is below just_right.min_tries ({level_rules.min_tries}), so the "
                "level could never step up",
            )
        levels = [
            _level(raw, f"levels[{i}]", check)
            for i, raw in enumerate(
                check.items(top.get("levels"), "levels", MIN_LEVELS, MAX_LEVELS)
            )
        ]
    elif kind == CHAIN:
        steps = [
            _step(raw, f"steps[{i}]", check)
            for i, raw in enumerate(check.items(top.get("steps"), "steps", MIN_STEPS, MAX_STEPS))
        ]
    if check.problems:
        return None
    assert isinstance(pid, str) and title and min_age is not None and max_age is not None
    assert kind is not None and tries is not None
    graded_levels = tuple(level for level in levels if level)
    return Playbook(
        id=pid,
        title=title,
        routine=str(routine),
        min_age=min_age,
        max_age=max_age,
        materials=tuple(m for m in materials if m),
        steps=tuple(s for s in steps if s) or tuple(_as_step(lv) for lv in graded_levels),
        rules=rules,
        about=about or "",
        source=check.path,
        kind=kind,
        levels=graded_levels,
        level_rules=level_rules,
        tries=tries,
    )


def _rules(raw: Any, check: Checker) -> ChainRules:
    names = {f.name for f in fields(ChainRules)}
    section = check.mapping(raw, "chaining", required=set(), optional=names)
    if section is None:
        return ChainRules()
    values = {
        key: check.integer(value, f"chaining.{key}", 1, 100)
        for key, value in section.items()
        if key in names
    }
    rules = ChainRules(**{k: v for k, v in values.items() if v is not None})
    if rules.stepback_failures > rules.stepback_window:
        check.add(
            "chaining.stepback_failures",
            f"({rules.stepback_failures}) cannot be more than stepback_window "
            f"({rules.stepback_window})",
        )
    return rules


def _step(raw: Any, where: str, check: Checker) -> Step | None:
    step = check.mapping(
        raw, where, required={"prompt", "cue", "support", "comments"}, optional=set()
    )
    if step is None:
        return None
    prompt = check.text(step.get("prompt"), f"{where}.prompt")
    cue = check.text(step.get("cue"), f"{where}.cue", _CHILD)
    support = check.text(step.get("support"), f"{where}.support", _CHILD)
    comments = [
        check.text(c, f"{where}.comments[{i}]", _CHILD)
        for i, c in enumerate(check.items(step.get("comments"), f"{where}.comments", 1, 10))
    ]
    if prompt is None or cue is None or support is None or not all(comments):
        return None
    return Step(prompt, cue, support, tuple(c for c in comments if c))


def _level_rules(raw: Any, check: Checker) -> LevelRules:
    names = {f.name for f in fields(LevelRules)}
    section = check.mapping(raw, "just_right", required=set(), optional=names)
    if section is None:
        return LevelRules()
    values: dict[str, Any] = {}
    for key, value in section.items():
        where = f"just_right.{key}"
        if key in _RATES:
            if isinstance(value, bool) or not isinstance(value, int | float):
                check.add(where, f"should be a share between 0 and 1, like 0.8, not {value!r}")
            elif not 0 < value <= 1:
                check.add(where, f"should be above 0 and at most 1 (like 0.8), not {value}")
            else:
                values[key] = float(value)
        elif key in names:
            number = check.integer(value, where, 1, MAX_TRIES)
            if number is not None:
                values[key] = number
    try:
        return LevelRules(**values)
    except ValueError:
        check.add("just_right", "down_rate cannot be above up_rate")
        return LevelRules()


def _level(raw: Any, where: str, check: Checker) -> Level | None:
    level = check.mapping(
        raw, where, required={"name", "task", "support", "comments"}, optional=set()
    )
    if level is None:
        return None
    name = check.text(level.get("name"), f"{where}.name")
    task = check.text(level.get("task"), f"{where}.task", _CHILD)
    support = check.text(level.get("support"), f"{where}.support", _CHILD)
    comments = [
        check.text(c, f"{where}.comments[{i}]", _CHILD)
        for i, c in enumerate(check.items(level.get("comments"), f"{where}.comments", 1, 10))
    ]
    if name is None or task is None or support is None or not all(comments):
        return None
    return Level(name, task, support, tuple(c for c in comments if c))


def _as_step(level: Level) -> Step:
    """A level in the shape of a step, for code written for chains."""
    return Step(prompt=level.name, cue=level.task, support=level.support, comments=level.comments)
