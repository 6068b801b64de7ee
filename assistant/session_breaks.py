"""Sensory breaks inside a session: the timer intents, as pure functions over a TimerSet.

The session engine calls `on_intent` for a timer intent and `on_tick` when time passes; both
return the new timers and what to say or chime, and say whether a break is still on (the step
waits while it is).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import timers as T
from .activities import Activities
from .schedule import DEFAULT_BREAK_MINUTES, Need, Profile, choose_activity
from .wording import fill

log = logging.getLogger(__name__)

BREAK = "break"
"""The name of a break timer; a second one at once is "break 2"."""
NO_TIMER = "No timer is running."


@dataclass(frozen=True, slots=True)
class BreakSettings:
    """What a session knows about the child's breaks."""

    default_seconds: float = DEFAULT_BREAK_MINUTES * 60.0
    """The child's usual break, for "sensory break" with no length said."""
    activities: Activities | None = None
    """Where a suggested activity comes from; None suggests nothing."""
    profile: Profile = field(default_factory=Profile)
    """The child's regulation profile (favourites first, never `avoid`)."""


@dataclass(frozen=True, slots=True)
class Line:
    """One thing to do: play the chime, then say `text` (either may be empty)."""

    text: str = ""
    chime: bool = False


@dataclass(frozen=True, slots=True)
class Handled:
    """What a timer intent did."""

    timers: T.TimerSet
    lines: list[Line]
    started: tuple[str, str | None, float] | None = None
    """A break that started: (timer name, activity id or None, seconds)."""
    cancelled: str | None = None
    """The name of a timer that was cancelled."""


def on_intent(
    timers: T.TimerSet,
    name: str,
    slots: Mapping[str, int],
    at: float,
    child: str,
    settings: BreakSettings,
) -> Handled:
    """A timer intent (`timer_start`, `timer_status`, `timer_cancel`, `timer_pause`,
    `timer_resume`, `timer_add`) at `at`: the new timers and what to say."""
    try:
        if name == "timer_start":
            return _start(timers, slots, at, child, settings)
        if name == "timer_status":
            return Handled(timers, [Line(T.status_text(timers, at) if timers else NO_TIMER)])
        if name == "timer_cancel":
            timers, timer = T.cancel(timers)
            return Handled(timers, [Line(T.cancelled_text(timer))], cancelled=timer.name)
        if name == "timer_pause":
            timers, timer = T.pause(timers, at)
            return Handled(timers, [Line(T.paused_text(timer))])
        if name == "timer_resume":
            timers, timer = T.resume(timers, at)
            return Handled(timers, [Line(T.resumed_text(timer, at))])
        if name == "timer_add":
            seconds = float(slots.get("seconds", 60))
            timers, timer = T.add(timers, seconds, at)
            return Handled(timers, [Line(T.added_text(seconds, timer, at))])
    except T.NoTimer:
        return Handled(timers, [Line(NO_TIMER)])
    except T.TimerError as exc:
        return Handled(timers, [Line(f"Sorry, {exc}.")])
    raise ValueError(f"not a timer intent: {name}")


def on_tick(timers: T.TimerSet, at: float) -> tuple[T.TimerSet, list[Line], list[str]]:
    """Time has passed: the new timers, the cues now due, and the breaks that just ended."""
    timers, cues = T.due(timers, at)
    lines = [Line(cue.text, cue.chime) for cue in cues if cue.text or cue.chime]
    ended = [cue.name for cue in cues if cue.kind is T.CueKind.ENDED and is_break(cue.name)]
    return timers, lines, ended


def on_break(timers: T.TimerSet) -> bool:
    """Whether a break is counting down (or paused): the session's step waits meanwhile."""
    return any(is_break(t.name) and t.phase is not T.TimerPhase.RINGING for t in timers.timers)


def stop_ringing(timers: T.TimerSet) -> tuple[T.TimerSet, bool]:
    """ "stop" while a timer rings stops the ring and nothing else; False when nothing rang."""
    timers, stopped = T.stop_ringing(timers)
    return timers, bool(stopped)


def _start(
    timers: T.TimerSet,
    slots: Mapping[str, int],
    at: float,
    child: str,
    settings: BreakSettings,
) -> Handled:
    seconds = float(slots.get("seconds", settings.default_seconds))
    name = T.free_name(timers, BREAK)
    timers = T.start(timers, name, seconds, at)
    timers, cues = T.due(timers, at)  # the read-back is due at once
    lines = [Line(cue.text, cue.chime) for cue in cues if cue.text]
    activity = None
    if settings.activities is not None:
        # Seeded by child and minute: the same suggestion if asked twice in a row.
        seed = f"{child}|{int(at // 60)}"
        activity = choose_activity(settings.activities, settings.profile, Need.CALMING, seed)
        if activity is not None:
            if activity.safety:
                lines.append(Line(fill(activity.safety, child)))
            lines.append(Line(f"How about {activity.name}? {fill(activity.say, child)}"))
    return Handled(timers, lines, started=(name, activity.id if activity else None, seconds))


def is_break(name: str) -> bool:
    """Whether a timer is a sensory break (started as one in the session)."""
    return name == BREAK or name.startswith(BREAK + " ")
