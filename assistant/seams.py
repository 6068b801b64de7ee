"""The four seams between the pure core and the world: Listener, Speaker, Store, Clock.

Each is a small protocol; adapters live in their own modules (listeners, speakers, store,
clock) and are injected, so tests pass a script listener, a WAV speaker, a real store in a
temporary folder and a fake clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from .chaining import ChainState
from .records import (
    BreakRecord,
    ChainEvent,
    History,
    InitiationRecord,
    OutcomeRecord,
    SessionRecord,
    SpeechRecord,
)


@dataclass(frozen=True, slots=True)
class Heard:
    """One utterance as a listener delivers it."""

    text: str
    """What was recognised or typed."""
    confidence: float = 1.0
    """0..1; typed and scripted lines are 1.0."""
    alternatives: tuple[str, ...] = field(default=())
    """Other readings, best first, when the recogniser offers them."""
    t_start: float = 0.0
    """Seconds from the start of the input where the utterance began."""
    t_end: float = 0.0
    """Seconds from the start of the input where the utterance ended."""


class Listener(Protocol):
    """Delivers the parent's utterances, one at a time, when the session listens."""

    def listen(self) -> Heard | None:
        """The next utterance; None when the input has ended (acts as "stop")."""
        ...

    def close(self) -> None:
        """Release the input (file, device)."""
        ...


class Quiet:
    """Nothing was heard before the deadline (from `TimedListener.listen_for`)."""


QUIET = Quiet()


@runtime_checkable
class TimedListener(Listener, Protocol):
    """A listener that can give up waiting, so timer cues are spoken on time.

    Checked at run time by the conductor: a listener with `listen_for` is one.
    """

    def listen_for(self, seconds: float) -> Heard | Quiet | None:
        """The next utterance within `seconds`, QUIET when none came, None at end of input."""
        ...


class Speaker(Protocol):
    """Says the assistant's prompts."""

    def say(self, text: str) -> None:
        """Speak `text` and return when it has been spoken (or written)."""
        ...

    def close(self) -> None:
        """Release the engine."""
        ...


class Clock(Protocol):
    """Wall time for the log; a fake one in tests."""

    def now(self) -> float:
        """Seconds since the Unix epoch."""
        ...


class Store(Protocol):
    """The session log. Every method writes through at once: nothing is held in memory only."""

    def add_child(self, name: str) -> str:
        """Register a child (idempotent, case-insensitive); returns the stored spelling."""
        ...

    def find_child(self, name: str) -> str | None:
        """The stored spelling of `name` (case-insensitive), or None when unknown."""
        ...

    def children(self) -> list[str]:
        """All registered children, in the order they were added."""
        ...

    def load_chain(self, child: str, playbook: str) -> ChainState | None:
        """The saved chain state of `child` in `playbook`, or None for a new chain."""
        ...

    def save_chain(
        self, child: str, playbook: str, state: ChainState, events: Sequence[ChainEvent]
    ) -> None:
        """Replace the chain state and append `events`, atomically together."""
        ...

    def start_session(self, session: SessionRecord) -> None:
        """Record a new session (status running)."""
        ...

    def log_outcome(self, outcome: OutcomeRecord) -> None:
        """Append one step outcome to its session."""
        ...

    def log_speech(self, speech: SpeechRecord) -> None:
        """Append one non-command utterance to its session."""
        ...

    def log_initiation(self, record: InitiationRecord) -> None:
        """Append "the child started it without being asked" to its session."""
        ...

    def initiations(self, child: str, playbook: str | None = None) -> list[InitiationRecord]:
        """Times `child` started a step or routine without being asked, oldest first."""
        ...

    def finish_session(self, session: SessionRecord) -> None:
        """Store the final status, end time and counts of a session started earlier."""
        ...

    def sessions(self, child: str, playbook: str | None = None) -> list[SessionRecord]:
        """Sessions of `child` (optionally one playbook), oldest first."""
        ...

    def outcomes(self, child: str, playbook: str | None = None) -> list[OutcomeRecord]:
        """Step outcomes of `child`, oldest first, in the order they were logged."""
        ...

    def history(self, child: str, playbook: str | None = None) -> History:
        """Sessions, outcomes and initiations of `child` in one read of the log."""
        ...

    def speech(self, session_id: str) -> list[SpeechRecord]:
        """Non-command utterances of one session, in order."""
        ...

    def events(self, child: str, playbook: str | None = None) -> list[ChainEvent]:
        """Chain events of `child`, oldest first."""
        ...

    def log_break(self, record: BreakRecord) -> None:
        """Append one sensory break (registering the child if new)."""
        ...

    def breaks(self, child: str) -> list[BreakRecord]:
        """Sensory breaks of `child`, oldest start first."""
        ...
