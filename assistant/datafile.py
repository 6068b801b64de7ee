"""Reading the YAML data files a parent or OT edits, and collecting every problem in them.

Validation is eager and complete: each check adds a problem of the form
`FILE: field.path: what is wrong` and carries on, so one run shows all of them.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)


class UnreadableData(Exception):
    """The file cannot be read or is not YAML; the message names the file."""


def read_yaml(path: Path, loader: type[yaml.SafeLoader] = yaml.SafeLoader) -> Any:
    """The parsed content of `path` (`loader`: a SafeLoader, or a subclass of one)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UnreadableData(f"{path}: the file does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableData(f"{path}: the file cannot be read ({exc})") from exc
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise UnreadableData(f"{path}: the file is not valid YAML{where}") from exc


@dataclass
class Checker:
    """Collects problems for one file."""

    path: Path
    problems: list[str] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    """Fields already reported missing: their absence is not reported twice."""

    def absent(self, value: object, where: str) -> bool:
        return value is None and where in self.missing

    def add(self, where: str, what: str) -> None:
        self.problems.append(f"{self.path}: {where}: {what}")

    def summary(self, what: str) -> str:
        """One sentence for all the problems: the first, and how many more there are."""
        prefix = f"{self.path}: "
        first = self.problems[0].removeprefix(prefix) if self.problems else "invalid"
        count = len(self.problems)
        more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
        return f"The {what} {self.path} is not valid: {first}{more}"

    def mapping(
        self,
        value: object,
        where: str,
        required: AbstractSet[str],
        optional: AbstractSet[str] = frozenset(),
    ) -> Mapping[str, Any] | None:
        """`value` as a mapping with only known keys, or None (problem noted)."""
        if self.absent(value, where):
            return None
        if not isinstance(value, Mapping):
            self.add(where, f"should be a mapping of fields, not {_kind(value)}")
            return None
        for key in value:
            if key not in required and key not in optional:
                known = ", ".join(sorted(required | optional))
                self.add(_join(where, str(key)), f"unknown field (known fields: {known})")
        for key in sorted(required - set(value)):
            self.missing.add(_join(where, key))
            self.add(_join(where, key), "is missing")
        return value

    def text(
        self, value: object, where: str, placeholders: frozenset[str] = frozenset()
    ) -> str | None:
        """`value` as non-empty text whose `{names}` are all in `placeholders`."""
        if self.absent(value, where):
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(where, f"should be non-empty text, not {_kind(value)}")
            return None
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError:
            self.add(where, "has an unmatched { or }")
            return None
        for name in sorted(names - placeholders):
            allowed = ", ".join("{" + p + "}" for p in sorted(placeholders)) or "none"
            self.add(
                where, f"uses {{{name}}}, which is not a known placeholder (allowed: {allowed})"
            )
        return value.strip()

    def integer(self, value: object, where: str, low: int, high: int) -> int | None:
        if self.absent(value, where):
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(where, f"should be a whole number, not {_kind(value)}")
            return None
        if not low <= value <= high:
            self.add(where, f"should be between {low} and {high}, not {value}")
            return None
        return value

    def items(self, value: object, where: str, low: int, high: int) -> list[Any]:
        """`value` as a list of `low`..`high` items (an empty list when it is not one)."""
        if self.absent(value, where):
            return []
        if not isinstance(value, list):
            self.add(where, f"should be a list, not {_kind(value)}")
            return []
        if not low <= len(value) <= high:
            self.add(where, f"should have {low} to {high} entries, not {len(value)}")
        return value


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    return {str: "text", int: "a number", float: "a number", bool: "yes/no", list: "a list"}.get(
        type(value), "a mapping" if isinstance(value, Mapping) else type(value).__name__
    )
