"""The session loop: wires Listener, Speaker, Store and Clock around the pure session engine.

It owns no rules: it feeds events to `SessionEngine.step` and carries out the effects, in
order, each log write going to the store at once so a crash keeps every earlier outcome.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from .chaining import ChainState
from .playbook import Playbook
from .records import ChainEvent, SessionRecord
from .seams import Clock, Heard, Listener, Quiet, Speaker, Store, TimedListener
from .session import (
    Began,
    Chime,
    Effect,
    Event,
    Finish,
    InputEnded,
    LogBreak,
    LogInitiation,
    LogOutcome,
    LogSpeech,
    Say,
    Show,
    StartSession,
    Tick,
    Utterance,
)
from .timer_runner import ChimePlayer

log = logging.getLogger(__name__)


class EngineState(Protocol):
    @property
    def ended(self) -> bool: ...


S = TypeVar("S", bound=EngineState)


class Engine(Protocol[S]):
    """A pure session engine: chained routines (SessionEngine) or graded skills (GradedEngine)."""

    @property
    def playbook(self) -> Playbook: ...

    def new_state(self, session_id: str, child: str, chain: ChainState, at: float) -> S: ...

    def step(self, state: S, event: Event) -> tuple[S, list[Effect]]: ...

    def next_due(self, state: S) -> float | None: ...


@dataclass(frozen=True, slots=True)
class SessionResult:
    """What a finished session left behind."""

    session: SessionRecord
    chain: ChainState
    events: tuple[ChainEvent, ...]


def new_session_id(at: float) -> str:
    """Sortable by start time, unique across processes."""
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime(at)) + "-" + secrets.token_hex(3)


class Conductor(Generic[S]):
    """Runs one guided session."""

    def __init__(
        self,
        engine: Engine[S],
        store: Store,
        listener: Listener,
        speaker: Speaker,
        clock: Clock,
        display: Callable[[str], None] | None = None,
        chime: ChimePlayer | None = None,
    ) -> None:
        self.engine = engine
        self.playbook = engine.playbook
        self.store = store
        self.listener = listener
        self.speaker = speaker
        self.clock = clock
        self.display = display or (lambda _text: None)
        """Where screen-only text (the running 4:1 count) goes; nowhere by default."""
        self.chime = chime
        """Plays the timer chime; None leaves it out (the words still come)."""

    def run(self, child: str) -> SessionResult:
        """Run a session for `child` (registered if new) to its end; Ctrl-C stops it cleanly."""
        child = self.store.add_child(child)
        steps = len(self.playbook.steps)
        saved = self.store.load_chain(child, self.playbook.id)
        chain = saved.fitted(steps) if saved is not None else ChainState.start(steps)
        at = self.clock.now()
        state = self.engine.new_state(new_session_id(at), child, chain, at)
        finish: Finish | None = None
        event: Event = Began(at)
        while True:
            try:
                state, effects = self.engine.step(state, event)
                finish = self._apply(effects) or finish
                if state.ended:
                    break
                event = self._next_event(state)
            except KeyboardInterrupt:
                if state.ended:
                    break
                event = InputEnded(self.clock.now())
        assert finish is not None
        return SessionResult(finish.session, finish.chain, finish.events)

    def _next_event(self, state: S) -> Event:
        """A tick when a timer cue is due, else the next utterance (waiting no longer than
        the next cue when the listener can give up waiting)."""
        due = self.engine.next_due(state)
        now = self.clock.now()
        if due is not None and due <= now:
            return Tick(now)
        if due is not None and isinstance(self.listener, TimedListener):
            heard: Heard | Quiet | None = self.listener.listen_for(due - now)
        else:
            heard = self.listener.listen()
        now = self.clock.now()
        if heard is None:
            return InputEnded(now)
        if isinstance(heard, Quiet):
            return Tick(now)
        return Utterance(heard.text, now, heard.confidence, heard.alternatives)

    def _apply(self, effects: list[Effect]) -> Finish | None:
        finish = None
        for effect in effects:
            if isinstance(effect, Say):
                self.speaker.say(effect.text)
            elif isinstance(effect, Show):
                self.display(effect.text)
            elif isinstance(effect, Chime):
                if self.chime is not None:
                    self.chime.chime()
            elif isinstance(effect, StartSession):
                self.store.start_session(effect.session)
            elif isinstance(effect, LogOutcome):
                self.store.log_outcome(effect.outcome)
            elif isinstance(effect, LogSpeech):
                self.store.log_speech(effect.speech)
            elif isinstance(effect, LogInitiation):
                self.store.log_initiation(effect.initiation)
            elif isinstance(effect, LogBreak):
                self.store.log_break(effect.brk)
            elif isinstance(effect, Finish):
                self.store.finish_session(effect.session)
                self.store.save_chain(
                    effect.session.child, effect.session.playbook, effect.chain, effect.events
                )
                finish = effect
        return finish
