"""Synthetic session histories over weeks, built from plain timestamps (no clock).

Each history runs the real backward-chaining policy session by session, so the chain ladder,
its events and the outcomes agree the way the conductor would log them. Used by the
indicator and report tests and by benchmarks/report_screenshot.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.chaining import ChainState, decide
from assistant.indicators import DAY, WEEK, Initiation, SensoryBreak
from assistant.records import (
    Actor,
    ChainEvent,
    Outcome,
    OutcomeRecord,
    SessionRecord,
    SessionStatus,
)

T0 = 1_767_254_400.0
"""2026-01-01 08:00 UTC: the first session of every history (a fixed time, not a clock)."""

ChildDoes = Callable[[int, int, int], bool]
"""(session index, step, the child's first step this session) -> did the child do it?"""
Comments = Callable[[int], tuple[int, int]]
"""session index -> (descriptive, directive) comments counted."""


@dataclass
class History:
    """The records of one child, as the Store would return them."""

    child: str
    sessions: list[SessionRecord] = field(default_factory=list)
    outcomes: list[OutcomeRecord] = field(default_factory=list)
    events: list[ChainEvent] = field(default_factory=list)
    initiations: list[Initiation] = field(default_factory=list)
    breaks: list[SensoryBreak] = field(default_factory=list)


def days_per_week(weekdays: Sequence[int], weeks: int = 12) -> list[float]:
    """Day offsets (from T0) of sessions on `weekdays` (0..6) of each of `weeks` weeks."""
    return [w * 7 + d for w in range(weeks) for d in weekdays]


def simulate(
    history: History,
    playbook: str,
    steps_total: int,
    days: Sequence[float],
    child_does: ChildDoes,
    comments: Comments = lambda i: (0, 0),
    *,
    stopped: Callable[[int], bool] = lambda i: False,
) -> History:
    """Append one session per day offset in `days` to `history`, chained by the real policy."""
    state = ChainState.start(steps_total)
    for i, day in enumerate(days):
        start = T0 + day * DAY
        sid = f"{playbook}-{i:04d}"
        child_outcomes: dict[int, Outcome] = {}
        at = start
        for step in range(1, steps_total + 1):
            at += 20.0
            if step < state.child_from_step:
                actor, outcome = Actor.PARENT, Outcome.DONE
            else:
                actor = Actor.CHILD
                outcome = (
                    Outcome.DONE if child_does(i, step, state.child_from_step) else Outcome.NOT_YET
                )
                child_outcomes[step] = outcome
            history.outcomes.append(
                OutcomeRecord(
                    session_id=sid,
                    child=history.child,
                    playbook=playbook,
                    step=step,
                    actor=actor,
                    outcome=outcome,
                    asked_at=at,
                    answered_at=at + 10.0,
                    helped=outcome is Outcome.NOT_YET,
                )
            )
        complete = not stopped(i)
        descriptive, directive = comments(i)
        history.sessions.append(
            SessionRecord(
                session_id=sid,
                child=history.child,
                playbook=playbook,
                steps_total=steps_total,
                child_from_step=state.child_from_step,
                started_at=start,
                status=SessionStatus.COMPLETE if complete else SessionStatus.STOPPED,
                ended_at=at + 15.0,
                descriptive=descriptive,
                directive=directive,
            )
        )
        decision = decide(state, child_outcomes, complete)
        state = decision.state
        if decision.change is not None:
            history.events.append(
                ChainEvent(
                    child=history.child,
                    playbook=playbook,
                    kind=decision.change,
                    at=at + 15.0,
                    child_from_step=state.child_from_step,
                    session_id=sid,
                )
            )
    return history


def learns_each_new_step_after(misses: int) -> ChildDoes:
    """A child who needs `misses` "not yet" on each new step, then does it from then on."""
    tried: dict[int, int] = {}

    def does(i: int, step: int, first: int) -> bool:
        if step != first:
            return True
        tried[step] = tried.get(step, 0) + 1
        return tried[step] > misses

    return does


def flat_child(i: int, step: int, first: int) -> bool:
    """A child who does the last step two times in three and never gets further."""
    return i % 3 != 2


def improving(weeks: int = 12, child: str = "Sam") -> History:
    """Regular practice (5 days a week) on a 9-step routine, steady gains, initiations from
    week 7, rising descriptive comments, and two breaks on school days."""
    history = History(child)
    simulate(
        history,
        "toothbrushing",
        9,
        days_per_week([0, 1, 2, 3, 4], weeks),
        learns_each_new_step_after(2),
        comments=lambda i: (2 + i // 6, max(1, 4 - i // 15)),
    )
    history.initiations += [
        Initiation(T0 + 45 * DAY + 60, "toothbrushing", 9),
        Initiation(T0 + 60 * DAY + 60, "toothbrushing", None),
    ]
    history.breaks += [
        SensoryBreak(T0 + d * DAY - 1200, 360.0) for d in days_per_week([0, 2, 4], weeks)
    ]
    return history


def flat(days: Sequence[float], child: str = "Sam") -> History:
    """The same little help needed every session, whatever the practice."""
    return simulate(History(child), "toothbrushing", 9, days, flat_child, lambda i: (2, 2))


__all__ = [
    "DAY",
    "T0",
    "WEEK",
    "History",
    "days_per_week",
    "flat",
    "flat_child",
    "improving",
    "learns_each_new_step_after",
    "simulate",
]
