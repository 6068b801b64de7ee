"""`ot-assistant timer DURATION [--label TEXT]`: one spoken countdown outside a session.

It says the read-back, the halfway and one-minute cues and "Time's up" with the chime, rings
for up to a minute (`TimerRules.ring_for`), and draws a progress bar on stderr meanwhile.
At a terminal the bar is redrawn in place; when stderr is not a terminal (a pipe, a log) it
writes one line per cue instead, so logs stay readable.

Ctrl-C before the end cancels the timer, writes one line and returns 130 (the shell's code
for an interrupt, as the rest of the CLI uses). Ctrl-C while it rings only stops the ring:
the timer did run out, so that returns 0, as does a ring that stops by itself.

Durations are typed, not spoken: "2s", "90s", "5m", "5 minutes", "1m30s", "1 min 30 sec",
"1h", "1.5m", or "m:ss" / "h:mm:ss" ("1:30"). Spoken durations ("five and a half minutes")
are parsed elsewhere (`durations`), for the recogniser's words.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from typing import TextIO

from . import timers as T
from .errors import AssistantError
from .seams import Clock, Speaker
from .timer_runner import ChimePlayer, TimerRunner

log = logging.getLogger(__name__)

EXIT_CANCELLED = 130
"""Returned when Ctrl-C cancels the timer before it ran out."""

_UNITS = {
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_JOINERS = re.compile(r"[\s,]+|\band\b")
_CLOCK_STYLE = re.compile(r"(?:(\d+):)?(\d+):([0-5]\d)")

_BAR_WIDTH = 30
_CUE_LINES = {
    T.CueKind.STARTED: "started, {left} to go",
    T.CueKind.HALFWAY: "halfway, {left} left",
    T.CueKind.ONE_MINUTE: "{left} left",
    T.CueKind.ENDED: "time's up, ringing",
    T.CueKind.SILENCED: "the ring stopped by itself",
}
"""The line written for each cue when stderr is not a terminal (repeat chimes write none)."""


class DurationError(AssistantError):
    """A DURATION that cannot be read, or is out of range."""


def parse_duration(text: str, longest: float = T.TimerRules().longest) -> float:
    """Seconds in a typed duration ("90s", "5m", "5 minutes", "1m30s", "1:30").

    Raises DurationError, a sentence saying how to write one, for anything else, for zero,
    and for more than `longest` seconds.
    """
    cleaned = text.strip().lower()
    example = "write it like 90s, 5m, 5 minutes or 1m30s"
    if clock := _CLOCK_STYLE.fullmatch(cleaned):
        hours, minutes, seconds = (int(g) if g else 0 for g in clock.groups())
        total = float(hours * 3600 + minutes * 60 + seconds)
    elif re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        raise DurationError(f"The duration {text!r} has no unit; {example}.")
    else:
        total, position, units = 0.0, 0, []
        for match in _PART.finditer(cleaned):
            between = cleaned[position : match.start()]
            unit = _UNITS.get(match[2])
            if _JOINERS.sub("", between) or unit is None:
                raise DurationError(f"The duration {text!r} cannot be read; {example}.")
            total += float(match[1]) * unit
            units.append(match[2])
            position = match.end()
        if not units or _JOINERS.sub("", cleaned[position:]):
            raise DurationError(f"The duration {text!r} cannot be read; {example}.")
    total = round(total, 3)
    if total <= 0:
        raise DurationError(f"The duration {text!r} is zero; a timer needs some time to count.")
    if total > longest:
        raise DurationError(
            f"The duration {text!r} is too long; a timer runs for at most "
            f"{T.duration_words(longest)}."
        )
    return total


def clock_face(seconds: float) -> str:
    """Seconds left as "m:ss" or "h:mm:ss", rounded up (as a kitchen timer shows them)."""
    whole = math.ceil(round(max(seconds, 0.0), 3))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressBar:
    """The countdown on stderr: redrawn in place at a terminal, one line per cue otherwise."""

    def __init__(self, stream: TextIO, clock: Clock, name: str, seconds: float) -> None:
        self.stream = stream
        self.clock = clock
        self.name = name
        self.seconds = seconds
        isatty = getattr(stream, "isatty", None)
        self.live = bool(isatty and isatty())
        """Whether the stream is a terminal, so the bar can be redrawn in place."""
        self._drawn = False

    @property
    def interval(self) -> float | None:
        """How often to redraw: often enough to move for short timers, at most every second."""
        return min(1.0, max(0.1, self.seconds / 100)) if self.live else None

    def draw(self, left: float) -> None:
        """Redraw the bar with `left` seconds to go (only at a terminal)."""
        if not self.live:
            return
        done = 1.0 - left / self.seconds if self.seconds else 1.0
        filled = round(min(max(done, 0.0), 1.0) * _BAR_WIDTH)
        bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {clock_face(left)} left  {self.name}\x1b[K")
        self.stream.flush()
        self._drawn = True

    def cue(self, cue: T.Cue, left: float) -> None:
        """Clear the bar before a cue is spoken; off a terminal, write the cue as a line."""
        if self.live:
            self.clear()
        elif cue.kind in _CUE_LINES:
            self.line(f"{self.name}: " + _CUE_LINES[cue.kind].format(left=clock_face(left)))

    def clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False

    def line(self, text: str) -> None:
        """A line of its own, after clearing the bar."""
        self.clear()
        self.stream.write(f"{text}\n")
        self.stream.flush()


def run_timer(
    duration_text: str,
    label: str | None,
    speaker: Speaker,
    chime: ChimePlayer,
    clock: Clock,
    sleep: Callable[[float], None],
    progress_stream: TextIO,
    *,
    rules: T.TimerRules | None = None,
) -> int:
    """Run one spoken timer to its end; returns 0, or 130 when Ctrl-C cancelled it.

    `label` names it in speech ("Five-minute break, starting now."; default "timer").
    Raises DurationError (exit status 2 at the CLI) for a DURATION it cannot read.
    """
    rules = rules or T.TimerRules()
    seconds = parse_duration(duration_text, rules.longest)
    name = T.free_name(T.TimerSet(rules=rules), label)
    bar = ProgressBar(progress_stream, clock, name, seconds)

    def left() -> float:
        timer = runner.timers.get(name)
        return timer.remaining(clock.now()) if timer is not None else 0.0

    runner = TimerRunner(
        speaker, chime, clock, sleep, rules, on_cue=lambda cue, _at: bar.cue(cue, left())
    )
    try:
        runner.start(seconds, name)
        runner.run(tick=bar.interval, on_tick=lambda: bar.draw(left()))
    except KeyboardInterrupt:
        if runner.timers.ringing:
            runner.stop_ringing()
            bar.line(f"{name}: chime stopped.")
            return 0
        if runner.timers.get(name) is not None:
            remaining = left()
            runner.cancel(name)
            bar.line(f"{name}: cancelled with {clock_face(remaining)} left.")
        else:
            bar.line(f"{name}: cancelled.")
        return EXIT_CANCELLED
    bar.line(f"{name}: done.")
    return 0
