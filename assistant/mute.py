"""Half-duplex: the assistant never hears itself.

These machines have no echo cancellation, so while the assistant speaks (and for a short
tail after, while the room and the audio buffers still carry its voice) the microphone's
audio is thrown away, as Mycroft/OVOS `mute_during_output` and the Wyoming satellite do.

`MutingSpeaker` wraps any speaker and records, in a shared `MuteGate`, the time spans when
it was speaking. The microphone listener stamps every block with the time it arrived and
asks the gate whether the block's span of audio overlaps a muted span; it drops those
blocks and starts the recogniser afresh afterwards. The gate keeps spans rather than a
single on/off flag because blocks are decoded when the session next listens, which is
after the speaker has finished: the question is "was the assistant speaking when this
audio was recorded", not "is it speaking now".

The gate itself holds only times; the speaker and the listener read the same injected
`Clock` (tests use `FakeClock`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .seams import Clock, Speaker
from .timer_runner import ChimePlayer

log = logging.getLogger(__name__)

DEFAULT_TAIL = 0.3
"""Seconds the microphone stays muted after speech ends: the room's echo and the sound
card's output buffer (voice-notes: 0.3-0.5 s is what others use)."""

_KEEP_SPANS = 64
"""Finished spans remembered; older ones are far behind any block still to be decoded."""


class MuteGate:
    """When the microphone must not be heard, as spans of clock time.

    Thread-safe: the speaker marks spans on the session's thread while the microphone's
    blocks may be checked from another.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spans: list[tuple[float, float]] = []
        """Finished spans (start, end), oldest first."""
        self._open_since: float | None = None
        """Start of the span in progress (the assistant is speaking), if any."""
        self._holds = 0
        """Nested holds: two speakers (or a chime inside a prompt) may overlap."""
        self._until = float("-inf")
        """The latest tail end among the releases of the span in progress."""

    def hold(self, at: float) -> None:
        """Mute from clock time `at` until the matching `release`."""
        with self._lock:
            if self._holds == 0:
                self._open_since = at
            self._holds += 1

    def release(self, until: float) -> None:
        """End a `hold`; stay muted up to clock time `until` (the tail)."""
        with self._lock:
            if self._holds == 0:
                raise RuntimeError("MuteGate.release without a matching hold")
            self._holds -= 1
            self._until = max(self._until, until)
            if self._holds > 0:
                return
            assert self._open_since is not None
            self._spans.append((self._open_since, self._until))
            self._open_since = None
            self._until = float("-inf")
            del self._spans[:-_KEEP_SPANS]

    def muted_between(self, start: float, end: float) -> bool:
        """Whether any moment of [start, end] (clock seconds) was muted."""
        with self._lock:
            if self._open_since is not None and end >= self._open_since:
                return True
            return any(s <= end and start <= e for s, e in self._spans)


@contextmanager
def muted(gate: MuteGate, clock: Clock, tail: float = DEFAULT_TAIL) -> Iterator[None]:
    """Mute for the duration of the block plus `tail`: for any sound the assistant makes
    that is not a `say` (a chime: `with muted(gate, clock): chime.chime()`)."""
    gate.hold(clock.now())
    try:
        yield
    finally:
        # Even if playing failed part-way, some of it may have been heard.
        gate.release(clock.now() + tail)


class MutingSpeaker:
    """A speaker that mutes the microphone while it speaks and for `tail` seconds after."""

    def __init__(
        self, inner: Speaker, gate: MuteGate, clock: Clock, tail: float = DEFAULT_TAIL
    ) -> None:
        self.inner = inner
        self.gate = gate
        self.clock = clock
        self.tail = tail

    def say(self, text: str) -> None:
        with muted(self.gate, self.clock, self.tail):
            self.inner.say(text)

    def close(self) -> None:
        self.inner.close()


class MutingChime:
    """A chime player that mutes the microphone while the chime plays, like MutingSpeaker."""

    def __init__(
        self, inner: ChimePlayer, gate: MuteGate, clock: Clock, tail: float = DEFAULT_TAIL
    ) -> None:
        self.inner = inner
        self.gate = gate
        self.clock = clock
        self.tail = tail

    def chime(self) -> None:
        with muted(self.gate, self.clock, self.tail):
            self.inner.chime()

    def close(self) -> None:
        self.inner.close()
