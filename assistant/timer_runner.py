"""The timer adapter: a loop that reads the clock, asks `timers.due` what is due, and says it.

`timers` decides; this module only waits and delivers. It sleeps (through the injected
`sleep`) until the exact moment `timers.next_due` names rather than polling on a fixed beat,
so a cue fires within a millisecond or two of its time on an idle machine
(`benchmarks/bench_timers.py`); tests pass a fake clock whose `advance` is the sleep, so they
never wait. Cues are delivered in order on the caller's thread: a chime through a
`ChimePlayer`, words through the `Speaker` seam, so nothing else ever talks over them.

Chime players match the speakers (`chime_player_for`): printed ("*chime*") next to a console
speaker, the next numbered WAV file next to a WAV speaker (listed in `prompts.txt` as
`*chime*`), and played with `aplay` next to the aloud speaker.
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TextIO

from . import timers as T
from .chime import chime_pcm, write_chime
from .seams import Clock, Speaker
from .speakers import (
    _NUMBERED_WAV,  # the speaker's own numbering rule, so chime and speech files interleave
    AloudSpeaker,
    ConsoleSpeaker,
    SpeechOutputError,
    WavSpeaker,
    add_numbered_wav,
    play_wav,
)

log = logging.getLogger(__name__)

CHIME_LINE = "*chime*"
"""What the console chime prints, and what `prompts.txt` says for a chime file."""

"""Seconds `aplay` may take beyond the chime's length before it counts as stuck."""


class ChimePlayer(Protocol):
    """Plays the timer chime and returns when it has played (or been written)."""

    def chime(self) -> None: ...

    def close(self) -> None: ...


class ConsoleChime:
    """Prints "*chime*" as a line of its own, for typed sessions and tests."""

    def __init__(self, stream: TextIO | None = None, prefix: str = "assistant: ") -> None:
        self.stream: TextIO = stream if stream is not None else sys.stdout
        self.prefix = prefix
        """The same prefix as the console speaker's lines, so the chime reads as the assistant's."""

    def chime(self) -> None:
        self.stream.write(f"{self.prefix}{CHIME_LINE}\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


def first_free_number(folder: Path) -> int:
    """The next file number in a WAV folder: one above the highest `NNNN.wav` there."""
    numbers = [
        int(match.group(1))
        for entry in folder.iterdir()
        if (match := _NUMBERED_WAV.match(entry.name))
    ]
    return max(numbers, default=0) + 1


class WavChime:
    """Writes each chime as the next numbered WAV file in a folder, like `WavSpeaker` does.

    It numbers from the files present at each chime, and `WavSpeaker` skips numbers already
    taken, so a speaker and a chime sharing a folder interleave in the order things happened.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.written: list[Path] = []
        """The chime files this player has written, in order."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SpeechOutputError(
                f"Cannot create the folder {self.folder} for sound files ({exc.strerror}); "
                "choose another one with --voice DIR."
            ) from exc
        chime_pcm()  # made now, so the first chime is not late by the time it takes

    def chime(self) -> None:
        target = self.folder / f"{first_free_number(self.folder):04d}.wav"
        add_numbered_wav(target, write_chime, CHIME_LINE, "chime")
        self.written.append(target)

    def close(self) -> None:
        pass


class AloudChime:
    """Plays the chime through the default sound device with `aplay`."""

    def __init__(self) -> None:
        aplay = shutil.which("aplay")
        if aplay is None:
            raise SpeechOutputError(
                "Playing the chime needs aplay; install it with scripts/setup or "
                "`sudo apt-get install alsa-utils`, or use --voice console."
            )
        self._aplay = aplay
        # One file for the whole run: the chime never changes.
        self._scratch = tempfile.TemporaryDirectory(prefix="ot-assistant-chime-")
        self._path = Path(self._scratch.name) / "chime.wav"
        self._seconds = write_chime(self._path)

    def chime(self) -> None:
        play_wav(self._aplay, self._path, self._seconds, "the chime")

    def close(self) -> None:
        self._scratch.cleanup()


def chime_player_for(speaker: Speaker) -> ChimePlayer:
    """The chime player that goes with `speaker`: same folder, same stream, or aloud."""
    if isinstance(speaker, WavSpeaker):
        return WavChime(speaker.folder)
    if isinstance(speaker, AloudSpeaker):
        return AloudChime()
    if isinstance(speaker, ConsoleSpeaker):
        return ConsoleChime(speaker.stream, speaker.prefix)
    return ConsoleChime()


CueHook = Callable[[T.Cue, float], None]
"""Called with each cue and the clock time just before it is delivered."""


class TimerRunner:
    """Holds a `TimerSet`, waits for its cues and delivers them. One thread uses it at a time."""

    def __init__(
        self,
        speaker: Speaker,
        chime: ChimePlayer,
        clock: Clock,
        sleep: Callable[[float], None],
        rules: T.TimerRules | None = None,
        on_cue: CueHook | None = None,
    ) -> None:
        self.speaker = speaker
        self.chime = chime
        self.clock = clock
        self.sleep = sleep
        """Waits the given seconds: `time.sleep` for real, a fake clock's `advance` in tests."""
        self.timers = T.TimerSet(rules=rules or T.TimerRules())
        self.on_cue = on_cue
        self.delivered: list[T.Cue] = []
        """Every cue delivered so far, in order."""

    # --- commands: each reads the clock once and delivers what comes due at once ----------

    def start(self, seconds: float, name: str | None = None) -> T.Timer:
        """Start a timer (named "timer", or "name 2" when taken) and say its read-back."""
        name = T.free_name(self.timers, name)
        self.timers = T.start(self.timers, name, seconds, self.clock.now())
        timer = self.timers.get(name)
        assert timer is not None
        self.poll()
        return timer

    def pause(self, name: str | None = None) -> T.Timer:
        self.timers, timer = T.pause(self.timers, self.clock.now(), name)
        return timer

    def resume(self, name: str | None = None) -> T.Timer:
        self.timers, timer = T.resume(self.timers, self.clock.now(), name)
        return timer

    def add(self, seconds: float, name: str | None = None) -> T.Timer:
        self.timers, timer = T.add(self.timers, seconds, self.clock.now(), name)
        return timer

    def cancel(self, name: str | None = None) -> T.Timer:
        self.timers, timer = T.cancel(self.timers, name)
        return timer

    def stop_ringing(self, name: str | None = None) -> tuple[str, ...]:
        self.timers, stopped = T.stop_ringing(self.timers, name)
        return stopped

    # --- the loop --------------------------------------------------------------------------

    def poll(self) -> list[T.Cue]:
        """Deliver every cue due now; returns them."""
        self.timers, cues = T.due(self.timers, self.clock.now())
        for cue in cues:
            self._deliver(cue)
        return cues

    def wait(self, longest: float | None = None) -> bool:
        """Sleep until the next cue is due, or at most `longest` seconds.

        Returns False without sleeping when there is nothing to wait for (no timer, or all
        paused) and no `longest` was given.
        """
        upcoming = T.next_due(self.timers)
        delay = None if upcoming is None else upcoming - self.clock.now()
        if longest is not None:
            delay = longest if delay is None else min(delay, longest)
        if delay is None:
            return False
        if delay > 0:
            self.sleep(delay)
        return True

    def run(
        self,
        tick: float | None = None,
        on_tick: Callable[[], None] | None = None,
        until: Callable[[], bool] | None = None,
    ) -> list[T.Cue]:
        """Deliver cues as they come due until no timer is left (or `until()` is true).

        With `tick`, wakes at least every `tick` seconds to call `on_tick` (a progress bar).
        Returns at once when every timer is paused and there is no `tick`: on this one thread
        nothing could resume them.
        """
        start = len(self.delivered)
        while True:
            self.poll()
            if not self.timers or (until is not None and until()):
                break
            if on_tick is not None:
                on_tick()
            if not self.wait(tick):
                break
        return self.delivered[start:]

    def _deliver(self, cue: T.Cue) -> None:
        if self.on_cue is not None:
            self.on_cue(cue, self.clock.now())
        log.debug("%s %s due %.3f: %s", cue.name, cue.kind, cue.at, cue.text or "-")
        if cue.chime:
            self.chime.chime()
        if cue.text:
            self.speaker.say(cue.text)
        self.delivered.append(cue)
