"""The 4:1 commenting coach as a pure policy: counts, reminders at pauses, the session summary.

The method asks parents for four descriptive comments for every instruction or correction
(DESIGN.md, 4:1 commenting). The session counts each classified comment with `record`, and at
natural pauses only (between steps, never over the child's turn) asks `at_pause` whether to say
something. Most reminders praise the parent's own descriptions, because responsive coaching
("Great labelled praise") is what predicted gains in PCIT while directive coaching did not
(clinical-notes §3.3); an example comment is offered only when directive comments outweigh the
target ratio. Nothing here reads a clock or a file: times come in as arguments, the words come
from `comments/<lang>.yaml` (`CoachWords`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from .comments import CoachWords, CommentKind, comments_file, load_comments

log = logging.getLogger(__name__)


class Reminder(StrEnum):
    """What a spoken reminder did."""

    PRAISE = "praise"
    """Praised the parent's own descriptive comments (responsive coaching)."""
    EXAMPLE = "example"
    """Offered one example comment for the current step (a line feed)."""


@dataclass(frozen=True, slots=True)
class CoachRules:
    """The coach's numbers; the defaults follow clinical-notes §3.3 and §3.6."""

    target: float = 4.0
    """Descriptive comments wanted per directive one."""
    almost: float = 3.0
    """From this ratio up to `target` the summary says "almost"."""
    min_gap: float = 60.0
    """Seconds from one reminder to the next, at least."""
    quiet_pauses: int = 1
    """Pauses left silent after a reminder, so that two pauses in a row never both speak."""
    min_directives: int = 1
    """Directive comments in the window before an example comment is offered."""
    window: float = 300.0
    """Seconds of recent comments an example decision looks at (the DPICS 5-minute epoch)."""
    window_comments: int = 20
    """At most this many recent descriptive or directive comments are looked at."""


@dataclass(frozen=True, slots=True)
class CoachState:
    """What the coach knows in one session. Start with `CoachState()`."""

    descriptive: int = 0
    """Descriptive comments counted this session."""
    directive: int = 0
    """Directive comments counted this session."""
    other: int = 0
    """Other talk counted this session (not part of the ratio)."""
    recent: tuple[tuple[float, CommentKind], ...] = ()
    """(time, kind) of the latest descriptive and directive comments, oldest first; times are
    seconds on the session's clock."""
    described_since: int = 0
    """Descriptive comments since the last reminder (or the start): what praise can be about."""
    last_reminder_at: float | None = None
    """Seconds; None before the first reminder."""
    last_reminder: Reminder | None = None
    reminders: int = 0
    """Reminders spoken this session."""
    examples_offered: int = 0
    """Of those, how many offered an example (they take turns through the step's examples)."""
    pauses_since_reminder: int = 0
    """Pauses since the last reminder, counting the current one."""

    @property
    def ratio(self) -> float | None:
        """Descriptive per directive comment this session; None when there is no directive."""
        return self.descriptive / self.directive if self.directive else None


class Coach:
    """The policy with its words and numbers. Every method is pure and returns a new state."""

    def __init__(self, words: CoachWords, rules: CoachRules | None = None) -> None:
        self.words = words
        self.rules = rules or CoachRules()

    @classmethod
    def for_language(cls, language: str, rules: CoachRules | None = None) -> Coach:
        """The coach speaking a shipped language; CommentsError when its file is invalid."""
        return cls(load_comments(comments_file(language)).coach, rules)

    def record(self, state: CoachState, kind: CommentKind, at: float) -> CoachState:
        """`state` after the parent said a comment of `kind` at `at` seconds."""
        if kind is CommentKind.OTHER:
            return replace(state, other=state.other + 1)
        recent = self._window((*state.recent, (at, kind)), at)
        if kind is CommentKind.DESCRIPTIVE:
            return replace(
                state,
                descriptive=state.descriptive + 1,
                described_since=state.described_since + 1,
                recent=recent,
            )
        return replace(state, directive=state.directive + 1, recent=recent)

    def at_pause(
        self, state: CoachState, at: float, child: str, step_examples: Sequence[str]
    ) -> tuple[CoachState, str | None]:
        """At a natural pause at `at` seconds: the new state and what to say, if anything.

        Call it only between steps, never while the child is taking their turn. It says nothing
        within `min_gap` seconds of the last reminder or at the pause right after one.
        `step_examples` are the example comments of the step that comes next (or the one just
        done), with {child} unfilled or filled; one of them is offered when the ratio is low.
        """
        rules = self.rules
        state = replace(
            state,
            pauses_since_reminder=state.pauses_since_reminder + 1,
            recent=self._window(state.recent, at),
        )
        if state.last_reminder_at is not None and (
            at - state.last_reminder_at < rules.min_gap
            or state.pauses_since_reminder <= rules.quiet_pauses
        ):
            return state, None
        reminder = self._choose(state)
        if reminder is None:
            return state, None
        if reminder is Reminder.EXAMPLE:
            text = self._example(state, child, step_examples)
            offered = state.examples_offered + 1
        else:
            lines = self.words.praise
            text = _fill(lines[(state.reminders - state.examples_offered) % len(lines)], child)
            offered = state.examples_offered
        log.debug("coach reminder at %.1f: %s", at, reminder.value)
        return (
            replace(
                state,
                described_since=0,
                last_reminder_at=at,
                last_reminder=reminder,
                reminders=state.reminders + 1,
                examples_offered=offered,
                pauses_since_reminder=0,
            ),
            text,
        )

    def summary(self, state: CoachState, child: str) -> str:
        """The end-of-session sentence about the ratio, honest and kind."""
        words, rules = self.words, self.rules
        d, r = state.descriptive, state.directive
        if d + r == 0:
            line = words.summary_none
        elif d >= rules.target * r:  # also when there was no directive comment at all
            line = words.summary_met
        elif d >= rules.almost * r:
            line = words.summary_almost
        else:
            line = words.summary_below
        return _counts(_fill(line, child), state)

    def ratio_text(self, state: CoachState) -> str:
        """The running display for the console, e.g. "4:1 ratio: 5 descriptive / 2 directive"."""
        return _counts(self.words.ratio, state)

    # -- helpers ------------------------------------------------------------------------------

    def _window(
        self, recent: tuple[tuple[float, CommentKind], ...], now: float
    ) -> tuple[tuple[float, CommentKind], ...]:
        kept = tuple(item for item in recent if now - item[0] <= self.rules.window)
        return kept[-self.rules.window_comments :]

    def _choose(self, state: CoachState) -> Reminder | None:
        described = sum(1 for _, kind in state.recent if kind is CommentKind.DESCRIPTIVE)
        directed = len(state.recent) - described
        low = directed >= self.rules.min_directives and described < self.rules.target * directed
        # After a line feed, a parent who took it up hears about that first: praise for using
        # the skill is what makes it stick; the next example can wait for the next pause.
        took_it_up = state.last_reminder is Reminder.EXAMPLE and state.described_since > 0
        if low and not took_it_up:
            return Reminder.EXAMPLE
        if state.described_since > 0:
            return Reminder.PRAISE
        return None

    def _example(self, state: CoachState, child: str, step_examples: Sequence[str]) -> str:
        usable = [e for e in step_examples if e.strip()]
        if not usable:
            return _fill(self.words.hint, child)
        example = _fill(usable[state.examples_offered % len(usable)], child).strip()
        return _fill(self.words.example, child).replace("{example}", example)


def _fill(text: str, child: str) -> str:
    # str.replace, not format(): a parent's example may hold any other character.
    return text.replace("{child}", child)


def _counts(text: str, state: CoachState) -> str:
    return text.replace("{descriptive}", str(state.descriptive)).replace(
        "{directive}", str(state.directive)
    )
