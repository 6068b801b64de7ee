"""Driving a pure session engine (chained or graded) event by event, keeping every effect."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic

from assistant.conductor import Engine, S
from assistant.records import Actor, Outcome
from assistant.session import (
    Began,
    Effect,
    Event,
    Finish,
    InputEnded,
    LogOutcome,
    Say,
    Tick,
    Utterance,
)

T0 = 1_790_000_000.0
"""The start of every driven session, seconds since the epoch."""


@dataclass
class Drive(Generic[S]):
    """Feeds an engine utterances five seconds apart (or ticks) and keeps every effect."""

    engine: Engine[S]
    state: S
    effects: list[Effect] = field(default_factory=list)
    clock: float = T0

    def begin(self) -> None:
        self._feed(Began(self.clock))

    def say(self, *lines: str) -> None:
        for line in lines:
            self.clock += 5
            self._feed(Utterance(line, self.clock))

    def tick(self, seconds: float) -> None:
        self.clock += seconds
        self._feed(Tick(self.clock))

    def end_input(self) -> None:
        self.clock += 5
        self._feed(InputEnded(self.clock))

    def _feed(self, event: Event) -> None:
        self.state, effects = self.engine.step(self.state, event)
        self.effects.extend(effects)

    @property
    def spoken(self) -> list[str]:
        return [e.text for e in self.effects if isinstance(e, Say)]

    @property
    def logged(self) -> list[tuple[int, Actor, Outcome]]:
        return [
            (e.outcome.step, e.outcome.actor, e.outcome.outcome)
            for e in self.effects
            if isinstance(e, LogOutcome)
        ]

    @property
    def logged_with_help(self) -> list[tuple[int, Actor, Outcome, bool]]:
        return [
            (e.outcome.step, e.outcome.actor, e.outcome.outcome, e.outcome.helped)
            for e in self.effects
            if isinstance(e, LogOutcome)
        ]

    @property
    def finish(self) -> Finish:
        finishes = [e for e in self.effects if isinstance(e, Finish)]
        assert len(finishes) == 1
        return finishes[0]
