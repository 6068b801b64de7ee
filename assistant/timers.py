"""Named countdown timers as pure values: start, pause, resume, add, cancel, and the cues due.

Nothing here reads a clock, sleeps or makes a sound. Every function takes the current time
(`now`, seconds since the epoch, from the Clock seam) and returns a new frozen `TimerSet`;
`due(timers, now)` returns the cues whose time has come, each with the time it was *meant*
for (`Cue.at`), so an adapter can speak them and measure how late it was.

Cues of one timer, in order (times are run time, so pauses push them back):

- `started`: at once, the read-back ("Five-minute break, starting now.");
- `halfway`: half the length left, for timers of at least 30 s, left out when it would come
  within 30 s of the one-minute cue (so 2-3 minute timers only say "one minute left");
- `one_minute`: 60 s left, for timers longer than 2 minutes;
- `ended`: nothing left: a chime and "Time's up";
- `chime`: the chime again every 5 s while it rings;
- `silenced`: 60 s after the end the ring stops by itself (nothing is said).

Why these choices:

- A timer that rings until someone stops it is the complaint voice-assistant users make most
  (research/voice-notes.md §0 item 7 and §8: a chime "would play indefinitely"); Home Assistant
  stops its ring by itself, after 15 minutes. A parent mid-activity with a child needs less:
  60 s of a chime every 5 s, then silence. `stop_ringing` ends it at once ("stop" while
  ringing needs no other words), and adding time to a ringing timer sets it running again.
- Cues never pile up: when `due` is called late (speech was playing, the machine slept), an
  overdue halfway or one-minute cue is dropped in favour of the latest one due, and missed
  repeat chimes are skipped, so a late call says one current thing rather than a backlog.
- Adding time never makes a cue fire at once: cues whose point is already behind the timer
  after an add count as given; "one minute left" is given again when the add took the timer
  back above one minute.
- Times are kept as whole milliseconds (`now` is rounded once per call), so pause and resume
  arithmetic is exact integer arithmetic: any number of pauses loses or gains no time beyond
  the rounding of the times passed in.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, replace
from enum import StrEnum

log = logging.getLogger(__name__)

DEFAULT_NAME = "timer"
"""The name of a timer started without one."""


class TimerError(ValueError):
    """A timer command that cannot be carried out (bad length, name in use)."""


class NoTimer(LookupError):
    """No timer fits the command (none running, or none of that name)."""


class CueKind(StrEnum):
    """What a cue announces."""

    STARTED = "started"
    """The read-back: "Five-minute break, starting now."."""
    HALFWAY = "halfway"
    ONE_MINUTE = "one_minute"
    ENDED = "ended"
    """The timer reached zero: the ring starts with a chime."""
    CHIME = "chime"
    """A repeat of the chime while the timer rings."""
    SILENCED = "silenced"
    """The ring stopped by itself after `TimerRules.ring_for`; nothing is said."""


class TimerPhase(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    RINGING = "ringing"
    """It has ended and the chime repeats until stopped or `ring_for` has passed."""


@dataclass(frozen=True, slots=True)
class TimerRules:
    """When cues fall and how long a timer rings. Seconds throughout."""

    halfway_from: float = 30.0
    """Timers at least this long get a halfway cue."""
    one_minute_over: float = 120.0
    """Timers longer than this get a "one minute left" cue."""
    cue_gap: float = 30.0
    """The halfway cue is left out when it would come less than this before "one minute left"."""
    chime_every: float = 5.0
    """Seconds between chimes while a timer rings."""
    ring_for: float = 60.0
    """Seconds a timer rings before it stops by itself; 0 chimes once at the end."""
    longest: float = 24 * 3600.0
    """The longest timer that can be started."""


@dataclass(frozen=True, slots=True)
class Cue:
    """Something to say or chime for one timer."""

    kind: CueKind
    name: str
    """The timer's name."""
    at: float
    """When it was due, seconds since the epoch (earlier than now when `due` was called late)."""
    text: str
    """Words to say; empty for a repeat chime and for `silenced`."""
    chime: bool = False
    """Whether to play the chime (before the words)."""


@dataclass(frozen=True, slots=True)
class Timer:
    """One named countdown. Times are whole milliseconds since the epoch."""

    name: str
    """How it is called and said ("break", "homework break"); unique in its set."""
    total_ms: int
    """Its length, including time added since the start (after it rang: the time added then)."""
    started_ms: int
    phase: TimerPhase
    ends_ms: int
    """RUNNING: when it will reach zero. RINGING: when it did (the ring's start)."""
    left_ms: int = 0
    """PAUSED: what was left when it was paused."""
    given: frozenset[CueKind] = frozenset()
    """Cues already given (or passed over), never given again."""
    next_chime_ms: int = 0
    """RINGING: when the next repeat chime is due."""
    order: int = 0
    """Start order within the set; the newest timer is the one a nameless command means."""

    @property
    def seconds(self) -> float:
        """Its length in seconds, including added time."""
        return self.total_ms / 1000

    def remaining(self, now: float) -> float:
        """Seconds left at `now` (0 once it has ended)."""
        return _left(self, _ms(now)) / 1000


@dataclass(frozen=True, slots=True)
class TimerSet:
    """Every timer that is running, paused or ringing. Ended and cancelled timers are gone."""

    timers: tuple[Timer, ...] = ()
    rules: TimerRules = field(default_factory=TimerRules)
    started: int = 0
    """How many timers were ever started in this set (gives each its `order`)."""

    def __bool__(self) -> bool:
        return bool(self.timers)

    def get(self, name: str) -> Timer | None:
        """The timer called `name` (case and spacing ignored), or None."""
        key = _key(name)
        return next((t for t in self.timers if _key(t.name) == key), None)

    @property
    def ringing(self) -> tuple[str, ...]:
        """Names of the timers ringing now."""
        return tuple(t.name for t in self.timers if t.phase is TimerPhase.RINGING)


@dataclass(frozen=True, slots=True)
class TimerStatus:
    """Where one timer is, for "how much time is left"."""

    name: str
    remaining: float
    """Seconds left (0 while ringing)."""
    phase: TimerPhase


# --- commands -------------------------------------------------------------------------------


def start(timers: TimerSet, name: str | None, seconds: float, now: float) -> TimerSet:
    """`timers` with a new timer called `name` (default "timer") of `seconds`, running from now.

    Its read-back cue is due at once. Raises TimerError when the length is not positive or
    longer than `rules.longest`, or when a timer of that name exists (see `free_name`).
    """
    label = _clean(name) or DEFAULT_NAME
    if not math.isfinite(seconds) or seconds <= 0:
        raise TimerError(f"a timer needs a length above zero, not {seconds!r} seconds")
    if seconds > timers.rules.longest:
        raise TimerError(f"a timer can run for at most {duration_words(timers.rules.longest)}")
    if timers.get(label) is not None:
        raise TimerError(f"a timer called {label!r} is already running")
    at, total = _ms(now), _ms(seconds)
    timer = Timer(label, total, at, TimerPhase.RUNNING, ends_ms=at + total, order=timers.started)
    log.debug("start %r for %d ms at %d", label, total, at)
    return replace(timers, timers=(*timers.timers, timer), started=timers.started + 1)


def free_name(timers: TimerSet, name: str | None) -> str:
    """`name` (default "timer"), or "name 2", "name 3", ... when that is in use."""
    base = _clean(name) or DEFAULT_NAME
    candidate, number = base, 2
    while timers.get(candidate) is not None:
        candidate, number = f"{base} {number}", number + 1
    return candidate


def pause(timers: TimerSet, now: float, name: str | None = None) -> tuple[TimerSet, Timer]:
    """Pause the named (default: newest running or paused) timer; pausing twice changes nothing.

    Returns the new set and the timer as paused. Raises NoTimer when none fits.
    """
    timer = _find(timers, name, {TimerPhase.RUNNING, TimerPhase.PAUSED})
    if timer.phase is TimerPhase.PAUSED:
        return timers, timer
    at = _ms(now)
    paused = replace(timer, phase=TimerPhase.PAUSED, left_ms=max(timer.ends_ms - at, 0))
    return _put(timers, paused), paused


def resume(timers: TimerSet, now: float, name: str | None = None) -> tuple[TimerSet, Timer]:
    """Resume the named (default: newest paused, else newest running) timer.

    Resuming a running timer changes nothing. Raises NoTimer when none fits.
    """
    if name is None and any(t.phase is TimerPhase.PAUSED for t in timers.timers):
        timer = _find(timers, None, {TimerPhase.PAUSED})
    else:
        timer = _find(timers, name, {TimerPhase.RUNNING, TimerPhase.PAUSED})
    if timer.phase is TimerPhase.RUNNING:
        return timers, timer
    resumed = replace(timer, phase=TimerPhase.RUNNING, ends_ms=_ms(now) + timer.left_ms, left_ms=0)
    return _put(timers, resumed), resumed


def add(
    timers: TimerSet, seconds: float, now: float, name: str | None = None
) -> tuple[TimerSet, Timer]:
    """Add `seconds` to the named timer (default: the newest ringing one, else the newest).

    A ringing timer stops ringing and runs again for `seconds` (with no halfway cue). Raises
    TimerError for a non-positive amount or one that makes the timer longer than
    `rules.longest`, NoTimer when there is no timer.
    """
    if not math.isfinite(seconds) or seconds <= 0:
        raise TimerError(f"only a positive amount of time can be added, not {seconds!r}")
    if name is None and timers.ringing:
        timer = _find(timers, None, {TimerPhase.RINGING})
    else:
        timer = _find(timers, name, set(TimerPhase))
    at, extra = _ms(now), _ms(seconds)
    if (timer.total_ms + extra) / 1000 > timers.rules.longest:
        raise TimerError(f"a timer can run for at most {duration_words(timers.rules.longest)}")
    total = timer.total_ms + extra
    if timer.phase is TimerPhase.PAUSED:
        longer = replace(timer, total_ms=total, left_ms=timer.left_ms + extra)
    elif timer.phase is TimerPhase.RUNNING:
        longer = replace(timer, total_ms=total, ends_ms=timer.ends_ms + extra)
    else:
        # After the ring the added time is a countdown of its own; no halfway for a snooze.
        longer = replace(
            timer,
            total_ms=extra,
            phase=TimerPhase.RUNNING,
            ends_ms=at + extra,
            next_chime_ms=0,
            given=timer.given | {CueKind.HALFWAY},
        )
    given = set(longer.given) - {CueKind.ENDED}
    if _left(longer, at) > _ms(60):
        given.discard(CueKind.ONE_MINUTE)  # back above a minute: say it again when it comes
    # Cues whose point is now behind the timer would otherwise all fire at the next `due`.
    given |= {kind for kind, when in _schedule(longer, timers.rules) if when <= at}
    longer = replace(longer, given=frozenset(given))
    return _put(timers, longer), longer


def cancel(timers: TimerSet, name: str | None = None) -> tuple[TimerSet, Timer]:
    """Remove the named (default: newest) timer, ringing or not. Raises NoTimer when none fits."""
    timer = _find(timers, name, set(TimerPhase))
    return _drop(timers, timer), timer


def stop_ringing(timers: TimerSet, name: str | None = None) -> tuple[TimerSet, tuple[str, ...]]:
    """Stop every ringing timer (or only the named one); returns the set and the names stopped.

    "stop" while a timer rings means this and nothing else; an empty tuple means nothing rang.
    """
    stopped = tuple(
        t
        for t in timers.timers
        if t.phase is TimerPhase.RINGING and (name is None or _key(t.name) == _key(name))
    )
    left = tuple(t for t in timers.timers if t not in stopped)
    return replace(timers, timers=left), tuple(t.name for t in stopped)


def status(timers: TimerSet, now: float) -> tuple[TimerStatus, ...]:
    """Every timer with its seconds left, in start order."""
    at = _ms(now)
    return tuple(TimerStatus(t.name, _left(t, at) / 1000, t.phase) for t in _ordered(timers))


def remaining(timers: TimerSet, now: float, name: str | None = None) -> float:
    """Seconds left on the named (default: newest) timer. Raises NoTimer when none fits."""
    return _find(timers, name, set(TimerPhase)).remaining(now)


# --- what is due ----------------------------------------------------------------------------


def due(timers: TimerSet, now: float) -> tuple[TimerSet, list[Cue]]:
    """The set after `now`, and the cues that have come due, in the order they were meant for."""
    at = _ms(now)
    kept: list[Timer] = []
    cues: list[Cue] = []
    for timer in _ordered(timers):
        timer, found, finished = _due_one(timer, at, timers.rules)
        cues += found
        if not finished:
            kept.append(timer)
    cues.sort(key=lambda cue: cue.at)  # stable: one timer's cues keep their order
    kept.sort(key=lambda t: t.order)
    return replace(timers, timers=tuple(kept)), cues


def next_due(timers: TimerSet) -> float | None:
    """When `due` will next have something (seconds since the epoch), or None (all paused/none).

    Adapters sleep until then instead of polling.
    """
    times = [when for t in timers.timers for _, when in _pending(t, timers.rules)]
    return min(times) / 1000 if times else None


def _due_one(timer: Timer, at: int, rules: TimerRules) -> tuple[Timer, list[Cue], bool]:
    """(timer after `at`, its cues, whether it is finished and leaves the set)."""
    cues: list[Cue] = []
    if CueKind.STARTED not in timer.given:
        cues.append(_cue(timer, CueKind.STARTED, timer.started_ms))
        timer = _give(timer, CueKind.STARTED)
    if timer.phase is TimerPhase.RUNNING:
        passed = [(kind, when) for kind, when in _schedule(timer, rules) if when <= at]
        ended = timer.ends_ms <= at
        spoken = [(k, w) for k, w in passed if k in (CueKind.HALFWAY, CueKind.ONE_MINUTE)]
        if spoken and not ended:
            # Only the most recent progress cue is worth saying; older ones are out of date.
            kind, when = max(spoken, key=lambda pair: pair[1])
            cues.append(_cue(timer, kind, when))
        timer = replace(timer, given=timer.given | {kind for kind, _ in passed})
        if ended:
            cues.append(_cue(timer, CueKind.ENDED, timer.ends_ms))
            every = _ms(rules.chime_every)
            # The next repeat is the first slot after now: a late end chimes once, not twice.
            slots = (at - timer.ends_ms) // every + 1 if every > 0 else 1
            timer = replace(
                timer,
                phase=TimerPhase.RINGING,
                given=timer.given | {CueKind.ENDED},
                next_chime_ms=timer.ends_ms + slots * every,
            )
    if timer.phase is TimerPhase.RINGING:
        stop_at = timer.ends_ms + _ms(rules.ring_for)
        if at >= stop_at:
            cues.append(_cue(timer, CueKind.SILENCED, stop_at))
            return timer, cues, True
        every = _ms(rules.chime_every)
        if every > 0 and timer.next_chime_ms <= at:
            # Missed repeats are skipped: one chime for the latest slot that has come.
            latest = timer.next_chime_ms + (at - timer.next_chime_ms) // every * every
            cues.append(_cue(timer, CueKind.CHIME, latest))
            timer = replace(timer, next_chime_ms=latest + every)
    return timer, cues, False


def _schedule(timer: Timer, rules: TimerRules) -> list[tuple[CueKind, int]]:
    """The running timer's progress and end cues not yet given, with their times (ms)."""
    if timer.phase is not TimerPhase.RUNNING:
        return []
    total = timer.total_ms
    points: list[tuple[CueKind, int]] = []
    one_minute = total > _ms(rules.one_minute_over)
    half = total // 2
    if total >= _ms(rules.halfway_from) and (
        not one_minute or half - _ms(60) >= _ms(rules.cue_gap)
    ):
        points.append((CueKind.HALFWAY, timer.ends_ms - half))
    if one_minute:
        points.append((CueKind.ONE_MINUTE, timer.ends_ms - _ms(60)))
    points.append((CueKind.ENDED, timer.ends_ms))
    return [(kind, when) for kind, when in points if kind not in timer.given]


def _pending(timer: Timer, rules: TimerRules) -> list[tuple[CueKind, int]]:
    """Every cue still to come for `timer`, with its time (ms)."""
    pending: list[tuple[CueKind, int]] = []
    if CueKind.STARTED not in timer.given:
        pending.append((CueKind.STARTED, timer.started_ms))
    if timer.phase is TimerPhase.RUNNING:
        pending += _schedule(timer, rules)
    elif timer.phase is TimerPhase.RINGING:
        stop_at = timer.ends_ms + _ms(rules.ring_for)
        pending.append((CueKind.SILENCED, stop_at))
        if _ms(rules.chime_every) > 0 and timer.next_chime_ms < stop_at:
            pending.append((CueKind.CHIME, timer.next_chime_ms))
    return pending


# --- words ----------------------------------------------------------------------------------

_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_words(n: int) -> str:
    """0..999 in words ("twenty-five", "one hundred and five"); digits beyond that."""
    if n < 0 or n > 999:
        return str(n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    return f"{_ONES[hundreds]} hundred" + (f" and {number_words(rest)}" if rest else "")


def _parts(seconds: int) -> tuple[int, int, int]:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return hours, minutes, secs


def _unit(n: int, unit: str) -> str:
    return f"{number_words(n)} {unit}{'' if n == 1 else 's'}"


def duration_words(seconds: float) -> str:
    """A length as it is said: "five minutes", "one and a half minutes", "one hour and ten
    seconds". Rounded up to whole seconds, so a few milliseconds left is "one second"."""
    whole = math.ceil(round(seconds, 3))
    if whole <= 0:
        return "zero seconds"
    hours, minutes, secs = _parts(whole)
    if hours == 0 and minutes and secs == 30:
        return f"{number_words(minutes)} and a half minutes"
    if hours and minutes == 30 and secs == 0:
        return f"{number_words(hours)} and a half hours"
    named = [
        _unit(n, unit) for n, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")) if n
    ]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def duration_adjective(seconds: float) -> str | None:
    """ "five-minute", "two-second", "one-hour" for a length in one unit; None otherwise."""
    whole = math.ceil(round(seconds, 3))
    hours, minutes, secs = _parts(whole)
    units = [(n, unit) for n, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")) if n]
    if len(units) != 1:
        return None
    n, unit = units[0]
    return f"{number_words(n)}-{unit}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def read_back(name: str, seconds: float) -> str:
    """ "Five-minute break, starting now." / "Break for one and a half minutes, starting now."."""
    adjective = duration_adjective(seconds)
    if adjective is not None:
        return _capital(f"{adjective} {name}, starting now.")
    return _capital(f"{name} for {duration_words(seconds)}, starting now.")


def cue_text(kind: CueKind, timer: Timer) -> str:
    """The words of a cue ("" for cues that are only a chime, or silent)."""
    if kind is CueKind.STARTED:
        return read_back(timer.name, timer.seconds)
    if kind is CueKind.HALFWAY:
        half = timer.total_ms - timer.total_ms // 2
        return f"Halfway through the {timer.name}: {duration_words(half / 1000)} left."
    if kind is CueKind.ONE_MINUTE:
        return f"One minute left on the {timer.name}."
    if kind is CueKind.ENDED:
        return f"Time's up: {timer.name} finished."
    return ""


def status_text(timers: TimerSet, now: float) -> str:
    """The answer to "how much time is left", for every timer."""
    statuses = status(timers, now)
    if not statuses:
        return "No timer is running."
    return " ".join(_status_sentence(s) for s in statuses)


def _status_sentence(state: TimerStatus) -> str:
    if state.phase is TimerPhase.RINGING:
        return _capital(f"the {state.name} has finished. Say stop to end the chime.")
    left = f"{duration_words(state.remaining)} left on the {state.name}"
    if state.phase is TimerPhase.PAUSED:
        return _capital(f"{left}, paused.")
    return _capital(f"{left}.")


def paused_text(timer: Timer) -> str:
    return _capital(f"the {timer.name} is paused with {duration_words(timer.left_ms / 1000)} left.")


def resumed_text(timer: Timer, now: float) -> str:
    return _capital(
        f"the {timer.name} is running again: {duration_words(timer.remaining(now))} left."
    )


def added_text(seconds: float, timer: Timer, now: float) -> str:
    return _capital(
        f"added {duration_words(seconds)}: {duration_words(timer.remaining(now))} "
        f"left on the {timer.name}."
    )


def cancelled_text(timer: Timer) -> str:
    return _capital(f"the {timer.name} is cancelled.")


# --- helpers --------------------------------------------------------------------------------


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _left(timer: Timer, at: int) -> int:
    if timer.phase is TimerPhase.PAUSED:
        return timer.left_ms
    if timer.phase is TimerPhase.RINGING:
        return 0
    return max(timer.ends_ms - at, 0)


def _cue(timer: Timer, kind: CueKind, when: int) -> Cue:
    chime = kind in (CueKind.ENDED, CueKind.CHIME)
    return Cue(kind, timer.name, when / 1000, cue_text(kind, timer), chime)


def _give(timer: Timer, kind: CueKind) -> Timer:
    return replace(timer, given=timer.given | {kind})


def _clean(name: str | None) -> str:
    return " ".join((name or "").split())


def _key(name: str) -> str:
    return _clean(name).casefold()


def _ordered(timers: TimerSet) -> list[Timer]:
    return sorted(timers.timers, key=lambda t: t.order)


def _find(timers: TimerSet, name: str | None, phases: set[TimerPhase]) -> Timer:
    """The named timer, or the newest in one of `phases`; NoTimer when there is none."""
    if name is not None:
        found = timers.get(name)
        if found is None or found.phase not in phases:
            raise NoTimer(f"no timer called {_clean(name)!r}")
        return found
    fitting = [t for t in timers.timers if t.phase in phases]
    if not fitting:
        raise NoTimer("no timer is running")
    return max(fitting, key=lambda t: t.order)


def _put(timers: TimerSet, changed: Timer) -> TimerSet:
    return replace(
        timers, timers=tuple(changed if t.order == changed.order else t for t in timers.timers)
    )


def _drop(timers: TimerSet, gone: Timer) -> TimerSet:
    return replace(timers, timers=tuple(t for t in timers.timers if t.order != gone.order))
