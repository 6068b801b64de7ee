"""The canonical intents and the phrases that express them, loaded from `intents/<lang>.yaml`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .datafile import Checker, UnreadableData, read_yaml
from .errors import IntentsError
from .paths import SHIPPED_INTENTS
from .text import normalise

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
)


@dataclass(frozen=True, slots=True)
class IntentPhrases:
    """The phrases of one language, by intent."""

    language: str
    """ISO code, e.g. "en"."""
    phrases: dict[str, tuple[str, ...]]
    """Intent name -> normalised phrases."""
    fillers: tuple[str, ...] = ()
    """Normalised words or word sequences that carry no meaning for a command ("please")."""
    source: Path | None = None


def intents_file(language: str) -> Path:
    """The shipped intents file of `language`."""
    return SHIPPED_INTENTS / f"{language}.yaml"


def load_intents(path: Path) -> IntentPhrases:
    """The intents in `path`; IntentsError listing every problem when invalid."""
    try:
        data = read_yaml(path)
    except UnreadableData as exc:
        raise IntentsError(f"The intents {exc}.", (str(exc),)) from exc
    check = Checker(path)
    top = check.mapping(data, "", required={"language", "intents"}, optional={"fillers"})
    phrases: dict[str, tuple[str, ...]] = {}
    fillers: list[str] = []
    language = ""
    if top is not None:
        language = check.text(top.get("language"), "language") or ""
        for i, raw in enumerate(check.items(top.get("fillers", []), "fillers", 0, 200)):
            filler = check.text(raw, f"fillers[{i}]")
            if filler:
                fillers.append(normalise(filler))
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
            texts = [check.text(p, f"intents.{name}.phrases[{i}]") for i, p in enumerate(items)]
            phrases[name] = tuple(normalise(t) for t in texts if t)
        _check_unique(phrases, check)
    if check.problems or top is None:
        raise IntentsError(
            f"The intents file {path} is not valid: {check.problems[0]}", tuple(check.problems)
        )
    return IntentPhrases(language, phrases, tuple(fillers), source=path)


def _check_unique(phrases: dict[str, tuple[str, ...]], check: Checker) -> None:
    # One phrase under two intents makes every match of it a coin toss.
    owner: dict[str, str] = {}
    for name, texts in phrases.items():
        for text in texts:
            if text in owner and owner[text] != name:
                check.add(f"intents.{name}.phrases", f"{text!r} is also a phrase of {owner[text]}")
            owner.setdefault(text, name)
