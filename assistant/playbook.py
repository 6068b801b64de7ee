"""Playbooks: a routine's task analysis as YAML a parent or OT can edit, validated at load.

Shipped playbooks live in the repository's `playbooks/`, a user's own in
`$OT_ASSISTANT_HOME/playbooks/`; `find_playbook` also takes a file path.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .chaining import ChainRules
from .datafile import Checker, UnreadableData, read_yaml
from .errors import PlaybookError, UnknownPlaybook
from .paths import SHIPPED_PLAYBOOKS, user_playbooks

log = logging.getLogger(__name__)

ROUTINES = ("morning", "after-school", "bedtime", "mealtime", "any")
MIN_STEPS, MAX_STEPS = 2, 20
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
class Playbook:
    """A routine taught by backward chaining."""

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


def load_playbook(path: Path) -> Playbook:
    """The playbook in `path`; PlaybookError listing every problem when it is not valid."""
    try:
        data = read_yaml(path)
    except UnreadableData as exc:
        raise PlaybookError(f"The playbook {exc}.", (str(exc),)) from exc
    check = Checker(path)
    playbook = _parse(data, check)
    if playbook is None or check.problems:
        count = len(check.problems)
        first = check.problems[0] if check.problems else f"{path}: invalid"
        more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
        raise PlaybookError(
            f"The playbook {path} is not valid: {_after_path(first, path)}{more}; "
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
    top = check.mapping(
        data,
        "",
        required={"id", "title", "routine", "ages", "materials", "steps"},
        optional={"about", "chaining"},
    )
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
    steps = [
        _step(raw, f"steps[{i}]", check)
        for i, raw in enumerate(check.items(top.get("steps"), "steps", MIN_STEPS, MAX_STEPS))
    ]
    if check.problems:
        return None
    assert isinstance(pid, str) and title and min_age is not None and max_age is not None
    return Playbook(
        id=pid,
        title=title,
        routine=str(routine),
        min_age=min_age,
        max_age=max_age,
        materials=tuple(m for m in materials if m),
        steps=tuple(s for s in steps if s),
        rules=rules,
        about=about or "",
        source=check.path,
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


def _after_path(problem: str, path: Path) -> str:
    prefix = f"{path}: "
    return problem[len(prefix) :] if problem.startswith(prefix) else problem
