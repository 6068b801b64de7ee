"""The just-right challenge for graded skills: a pure function from recent sessions to a level.

A graded skill (scissor use, buttons, handwriting) is practised at one level at a time, and the
parent logs each try as done or not yet. After a session the rule looks at the sessions at the
current level:

- **up** one level when each of the last 3 sessions in a row had at least 8 of 10 tries done
  (a rate of 0.8 or more, over at least 10 tries, so that 2 of 2 is not mistaken for mastery);
- **down** one level when the latest session had fewer than 5 in 10 done (a rate under 0.5,
  over at least 5 tries, so that one or two early misses do not move the level);
- otherwise it **stays**. The level never goes below 1 or above the skill's top level, and
  moves by at most one per session.

"In a row" means in a row *at this level*: after a change the count starts again, so the
caller passes only the sessions since the current level was (last) entered —
`sessions_at_level` cuts them from a longer history. A short session (fewer tries than
`min_tries`) counts as a session that did not meet the bar: it breaks the run rather than
being skipped, because step-up is the decision that needs the strongest evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class LevelChange(StrEnum):
    """How the level moved after a session (compares equal to "up" / "down")."""

    UP = "up"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class LevelRules:
    """Thresholds of the just-right rule; defaults as in DESIGN.md."""

    up_rate: float = 0.8
    """Share of tries done, per session, that counts as a strong session (0..1)."""
    up_sessions: int = 3
    """Strong sessions in a row, at this level, before stepping up."""
    min_tries: int = 10
    """Tries a session needs before it can count as strong (the "of 10" in 8/10)."""
    down_rate: float = 0.5
    """A latest session with a share of tries done below this steps down (0..1)."""
    down_min_tries: int = 5
    """Tries the latest session needs before a low share can step down."""

    def __post_init__(self) -> None:
        if not 0 < self.down_rate <= self.up_rate <= 1:
            raise ValueError("rates must satisfy 0 < down_rate <= up_rate <= 1")
        if self.up_sessions < 1 or self.min_tries < 1 or self.down_min_tries < 1:
            raise ValueError("up_sessions, min_tries and down_min_tries must be at least 1")


@dataclass(frozen=True, slots=True)
class LevelDecision:
    """The result of the rule after one session."""

    level: int
    """The level to practise next session (1-based)."""
    change: LevelChange | None
    """Up, down, or None when the level stays."""
    streak: int = 0
    """Strong sessions in a row at `level` so far (0 after a change); for "2 of 3" wording."""


def decide_level(
    level: int,
    max_level: int,
    recent_sessions: Sequence[tuple[int, int]],
    rules: LevelRules = LevelRules(),
) -> LevelDecision:
    """Decide the next level from `(successes, tries)` of the sessions at `level`, oldest first.

    `recent_sessions` must hold only sessions practised at the current level since it was last
    entered (see `sessions_at_level`); the newest is the session just finished. With no
    sessions the level stays.
    """
    if max_level < 1 or not 1 <= level <= max_level:
        raise ValueError(f"level {level} is outside 1..{max_level}")
    for successes, tries in recent_sessions:
        if tries < 0 or not 0 <= successes <= tries:
            raise ValueError(f"({successes}, {tries}) is not a count of successes out of tries")

    streak = 0
    for successes, tries in reversed(recent_sessions):
        if not _strong(successes, tries, rules):
            break
        streak += 1

    if streak >= rules.up_sessions and level < max_level:
        return LevelDecision(level + 1, LevelChange.UP)
    if recent_sessions and level > 1 and _weak(*recent_sessions[-1], rules):
        return LevelDecision(level - 1, LevelChange.DOWN)
    return LevelDecision(level, None, streak)


def sessions_at_level(history: Sequence[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """`(successes, tries)` of the newest run of sessions at one level.

    `history` is `(level, successes, tries)` per session, oldest first. Sessions at the same
    level before a visit to another level are not "in a row" with the newer ones, so the run
    stops at the first session (going back) at a different level.
    """
    run: list[tuple[int, int]] = []
    for level, successes, tries in reversed(history):
        if level != history[-1][0]:
            break
        run.append((successes, tries))
    run.reverse()
    return run


def _strong(successes: int, tries: int, rules: LevelRules) -> bool:
    # Division is correctly rounded, so 8/10 and 12/15 compare equal to the literal 0.8.
    return tries >= rules.min_tries and successes / tries >= rules.up_rate


def _weak(successes: int, tries: int, rules: LevelRules) -> bool:
    return tries >= rules.down_min_tries and successes / tries < rules.down_rate
