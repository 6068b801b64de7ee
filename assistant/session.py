"""The guided session as a pure state machine: `step(state, event) -> (state, effects)`.

It follows DESIGN.md's session flow. It reads no clock, file or device: times come in
with the events, and everything it wants done (speak, log, finish) goes out as effects
that the conductor carries out in order. The rules it applies live elsewhere (chaining,
matcher); the words it says live in `wording`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from enum import StrEnum

from . import session_breaks as breaks
from . import wording
from .activities import read_answer
from .chaining import ChainState, decide
from .coach import Coach, CoachState
from .comments import CommentClassifier
from .matcher import IntentMatcher, Reading
from .playbook import Playbook
from .records import (
    Actor,
    BreakRecord,
    ChainEvent,
    InitiationRecord,
    Outcome,
    OutcomeRecord,
    SessionRecord,
    SessionStatus,
    SpeechRecord,
)
from .session_breaks import BreakSettings
from .timers import TimerSet, next_due

log = logging.getLogger(__name__)


class Phase(StrEnum):
    """What the session is listening for."""

    PARENT_STEP = "parent_step"
    """A parent step: waiting for next or done."""
    CHILD_STEP = "child_step"
    """A child step: waiting for done or not yet."""
    SUPPORT = "support"
    """After "not yet": the hint was given; waiting for next or done to move on."""
    ENDED = "ended"


TIMER_INTENTS = frozenset(
    {"timer_start", "timer_status", "timer_cancel", "timer_pause", "timer_resume", "timer_add"}
)
# Intents that never consume a step, accepted whenever the session listens.
_ANYTIME = (
    frozenset({"repeat", "previous", "skip", "pause", "stop", "help", "initiated"}) | TIMER_INTENTS
)
ALLOWED: Mapping[Phase, frozenset[str]] = {
    Phase.PARENT_STEP: _ANYTIME | {"next", "done"},
    # "next" is accepted here only to ask what happened: it says nothing about the child.
    Phase.CHILD_STEP: _ANYTIME | {"done", "not_yet", "next"},
    Phase.SUPPORT: _ANYTIME | {"next", "done"},
    Phase.ENDED: frozenset(),
}
# While paused only these make sense; "next" resumes too, as a parent would expect.
ALLOWED_PAUSED = frozenset({"resume", "next", "stop", "help", "repeat"}) | TIMER_INTENTS
RESUMING = frozenset({"resume", "next"})
"""What resumes a paused session, at the step it paused on."""
# What a running break holds back: the step waits until the break is over.
_STEP_MOVES = frozenset({"done", "not_yet", "next", "skip", "previous"})
# Outcome words the session asks about when it heard them only half-clearly.
_ASK_ABOUT = frozenset({"done", "not_yet", "next"})


@dataclass(frozen=True, slots=True)
class SessionState:
    """Everything the session knows between two events."""

    session: SessionRecord
    """The session row as it will be stored."""
    chain: ChainState
    """The chain state at the start of the session."""
    index: int = 0
    """0-based index of the current step."""
    phase: Phase = Phase.PARENT_STEP
    asked_at: float = 0.0
    """When the current step was asked, seconds since the epoch."""
    paused: bool = False
    outcomes: Mapping[int, Outcome] = field(default_factory=dict)
    """1-based step -> latest outcome logged this session."""
    prompted_parent: bool = False
    """Whether the "say next" instruction was already given this session."""
    prompted_child: bool = False
    """Whether the "say done or not yet" instruction was already given this session."""
    coach: CoachState = field(default_factory=CoachState)
    """The 4:1 commenting count and reminder state."""
    timers: TimerSet = field(default_factory=TimerSet)
    """Sensory-break and other timers running in this session."""
    open_breaks: tuple[BreakRecord, ...] = ()
    """Breaks started in this session whose timers have not ended yet."""
    check_in: BreakRecord | None = None
    """A break that ended and awaits "how does the child seem now"."""

    @property
    def ended(self) -> bool:
        return self.phase is Phase.ENDED

    @property
    def step_number(self) -> int:
        """1-based number of the current step."""
        return self.index + 1


@dataclass(frozen=True, slots=True)
class Began:
    """The session starts."""

    at: float


@dataclass(frozen=True, slots=True)
class Utterance:
    """The parent said something while the session listened."""

    text: str
    at: float
    confidence: float = 1.0
    """The recogniser's confidence, 0..1 (typed lines: 1.0)."""
    alternatives: tuple[str, ...] = ()
    """Other readings from the recogniser, best first."""


@dataclass(frozen=True, slots=True)
class Tick:
    """Time has passed with nothing heard (timers may have cues due)."""

    at: float


@dataclass(frozen=True, slots=True)
class InputEnded:
    """The input has no more utterances (end of a script, Ctrl-D, Ctrl-C): acts as stop."""

    at: float


Event = Began | Utterance | Tick | InputEnded


@dataclass(frozen=True, slots=True)
class Say:
    text: str


@dataclass(frozen=True, slots=True)
class Chime:
    """Play the timer chime."""


@dataclass(frozen=True, slots=True)
class Show:
    """Text for the screen only, never spoken (the running 4:1 count)."""

    text: str


@dataclass(frozen=True, slots=True)
class StartSession:
    session: SessionRecord


@dataclass(frozen=True, slots=True)
class LogOutcome:
    outcome: OutcomeRecord


@dataclass(frozen=True, slots=True)
class LogSpeech:
    speech: SpeechRecord


@dataclass(frozen=True, slots=True)
class LogInitiation:
    initiation: InitiationRecord


@dataclass(frozen=True, slots=True)
class LogBreak:
    brk: BreakRecord


@dataclass(frozen=True, slots=True)
class Finish:
    """Store the final session row, the new chain state and any chain event."""

    session: SessionRecord
    chain: ChainState
    events: tuple[ChainEvent, ...]


Effect = (
    Say | Chime | Show | StartSession | LogOutcome | LogSpeech | LogInitiation | LogBreak | Finish
)
Result = tuple[SessionState, list[Effect]]


def read_heard(
    matcher: IntentMatcher, heard: Utterance | str, allowed: AbstractSet[str], child: str = ""
) -> Reading:
    """How an utterance reads when only `allowed` intents make sense, with the recogniser's
    confidence and alternatives when it gave them; the child's name reads as "the child"."""
    if isinstance(heard, str):
        return matcher.read(heard, allowed, child=child)
    return matcher.read(
        heard.text,
        allowed,
        confidence=heard.confidence,
        alternatives=heard.alternatives,
        child=child,
    )


def count_comment(
    classifier: CommentClassifier | None,
    coach: Coach | None,
    state: CoachState,
    session: SessionRecord,
    event: Utterance,
    examples: Sequence[str],
) -> tuple[CoachState, list[Effect]]:
    """Parent talk that is no command: kept with the session, and classified and counted for
    the 4:1 coach when there is a cue list for the language."""
    if classifier is None or coach is None:
        return state, [LogSpeech(SpeechRecord(session.session_id, event.text, event.at))]
    label = classifier.classify(event.text, session.child, examples)
    counted = coach.record(state, label.kind, event.at)
    speech = SpeechRecord(
        session.session_id, event.text, event.at, label.kind.value, label.confidence
    )
    return counted, [LogSpeech(speech), Show(coach.ratio_text(counted))]


class SessionEngine:
    """The session flow for one playbook, child and language."""

    def __init__(
        self,
        playbook: Playbook,
        matcher: IntentMatcher,
        classifier: CommentClassifier | None,
        coach: Coach,
        breaks: BreakSettings | None = None,
    ) -> None:
        self.playbook = playbook
        self.matcher = matcher
        self.classifier = classifier
        self.coach = coach
        self.breaks = breaks or BreakSettings()

    def new_state(self, session_id: str, child: str, chain: ChainState, at: float) -> SessionState:
        """The state before `Began`; `chain` must fit the playbook's step count."""
        record = SessionRecord(
            session_id=session_id,
            child=child,
            playbook=self.playbook.id,
            steps_total=len(self.playbook.steps),
            child_from_step=chain.child_from_step,
            started_at=at,
        )
        return SessionState(session=record, chain=chain, asked_at=at)

    def step(self, state: SessionState, event: Event) -> Result:
        """The next state and what to do, for one event."""
        if state.ended:
            return state, []
        if isinstance(event, Began):
            effects: list[Effect] = [
                StartSession(state.session),
                Say(wording.greeting(self.playbook, state.session.child, state.chain)),
            ]
            return self._ask(state, 0, event.at, effects)
        if isinstance(event, InputEnded):
            return self._end(state, SessionStatus.STOPPED, event.at)
        if isinstance(event, Tick):
            return self._tick(state, event.at)
        return self._heard(state, event)

    def next_due(self, state: SessionState) -> float | None:
        """When a timer next has something to say (seconds since the epoch), or None."""
        return next_due(state.timers)

    def reading(self, state: SessionState, heard: Utterance | str) -> Reading:
        """How an utterance reads in `state` (only the intents that make sense now count)."""
        allowed = ALLOWED_PAUSED if state.paused else ALLOWED[state.phase]
        return read_heard(self.matcher, heard, allowed, state.session.child)

    # -- utterances -------------------------------------------------------------------------

    def _heard(self, state: SessionState, event: Utterance) -> Result:
        reading = self.reading(state, event)
        intent = reading.intent
        child = state.session.child
        if state.check_in is not None and (intent is None or intent.name != "stop"):
            return self._answer_check_in(state, event)
        if intent is None:
            if reading.unsure is not None:
                # Probably a half-heard command: kept, but not counted as a comment.
                effects: list[Effect] = [self._speech(state, event)]
                if (
                    reading.unsure.name in _ASK_ABOUT
                    and state.phase is Phase.CHILD_STEP
                    and not state.paused
                ):
                    effects.append(Say(wording.ask_outcome(child)))
                return state, effects
            return self._comment(state, event)
        name, at = intent.name, event.at
        if name == "stop":
            timers, stopped = breaks.stop_ringing(state.timers)
            if stopped:  # "stop" while a timer rings means the ring, not the session
                return replace(state, timers=timers), []
            return self._end(state, SessionStatus.STOPPED, at)
        if name in TIMER_INTENTS:
            return self._timer(state, name, intent.slots, at)
        if name in _STEP_MOVES and breaks.on_break(state.timers):
            return state, [Say(wording.ON_BREAK)]
        if name == "help":
            return state, [Say(wording.help_text(state.phase.value, state.paused))]
        if state.paused:
            if name in RESUMING:
                return self._ask(
                    replace(state, paused=False), state.index, at, [Say(wording.RESUMED)]
                )
            return state, [Say(self._current_prompt(state))]  # "repeat" while paused
        if name == "pause":
            return replace(state, paused=True), [Say(wording.PAUSED)]
        if name == "initiated":
            record = InitiationRecord(
                state.session.session_id, child, self.playbook.id, state.step_number, at
            )
            return state, [LogInitiation(record), Say(wording.initiated(child))]
        if name == "repeat":
            return state, [Say(self._current_prompt(state))]
        if name == "previous":
            if state.index == 0:
                return state, [Say(wording.FIRST_STEP)]
            return self._ask(state, state.index - 1, at, [])
        if name == "skip":
            if state.phase is Phase.SUPPORT:  # already logged as "not yet": keep that
                return self._advance(state, at, [])
            logged, effects = self._log(state, Outcome.SKIPPED, at)
            return self._advance(logged, at, effects)
        return self._answer(state, name, at)

    def _answer(self, state: SessionState, name: str, at: float) -> Result:
        """done / not_yet / next, as the current phase reads them."""
        child = state.session.child
        if state.phase is Phase.PARENT_STEP:  # next or done
            logged, effects = self._log(state, Outcome.DONE, at)
            return self._advance(logged, at, effects)
        if state.phase is Phase.SUPPORT:  # next or done: the outcome stays "not yet"
            return self._advance(state, at, [])
        if name == "done":
            logged, effects = self._log(state, Outcome.DONE, at)
            effects.append(Say(wording.child_did_it(child)))
            return self._advance(logged, at, effects)
        if name == "not_yet":
            logged, effects = self._log(state, Outcome.NOT_YET, at, helped=True)
            step = self.playbook.steps[state.index]
            effects.append(Say(wording.support(step, child)))
            return replace(logged, phase=Phase.SUPPORT), effects
        return state, [Say(wording.ask_outcome(child))]  # "next" at a child step

    def _tick(self, state: SessionState, at: float) -> Result:
        timers, lines, ended = breaks.on_tick(state.timers, at)
        effects = _voice(lines)
        state = replace(state, timers=timers)
        for name in ended:
            record = next((b for b in state.open_breaks if b.label == name), None)
            if record is None:
                continue
            state = replace(state, open_breaks=tuple(b for b in state.open_breaks if b != record))
            record = replace(record, ended_at=at)
            if state.check_in is not None:  # two breaks ended at once: the first goes unasked
                effects.append(LogBreak(state.check_in))
            state = replace(state, check_in=record)
        if state.check_in is not None and ended and self.breaks.activities is not None:
            question = self.breaks.activities.check_in.question
            effects.append(Say(wording.fill(question, state.session.child)))
        elif ended and not breaks.on_break(timers) and not state.paused:
            effects.append(Say(self._current_prompt(state)))  # back to where we were
        return state, effects

    def _timer(self, state: SessionState, name: str, slots: dict[str, int], at: float) -> Result:
        handled = breaks.on_intent(state.timers, name, slots, at, state.session.child, self.breaks)
        state = replace(state, timers=handled.timers)
        effects = _voice(handled.lines)
        if handled.started is not None:
            label, activity, seconds = handled.started
            record = BreakRecord(state.session.child, label, activity, None, at, seconds)
            state = replace(state, open_breaks=(*state.open_breaks, record))
        if handled.cancelled is not None:
            gone = [b for b in state.open_breaks if b.label == handled.cancelled]
            effects.extend(LogBreak(b) for b in gone)  # logged with no end: cancelled
            kept = tuple(b for b in state.open_breaks if b.label != handled.cancelled)
            state = replace(state, open_breaks=kept)
        return state, effects

    def _answer_check_in(self, state: SessionState, event: Utterance) -> Result:
        """The reply to "how does the child seem now": logged with the break, as said."""
        record = state.check_in
        assert record is not None
        activities = self.breaks.activities
        after = read_answer(activities.check_in, event.text) if activities else None
        state = replace(state, check_in=None)
        if after is None or not after.understood:
            # Not an answer: log the break without one and treat the words as usual.
            effects: list[Effect] = [LogBreak(record)]
            more_state, more = self._heard(state, event)
            return more_state, effects + more
        effects = [LogBreak(replace(record, after=after.after)), Say(wording.NOTED)]
        if not breaks.on_break(state.timers) and not state.paused:
            effects.append(Say(self._current_prompt(state)))
        return state, effects

    # -- moving through the steps -----------------------------------------------------------

    def _is_child_step(self, state: SessionState, index: int) -> bool:
        return index + 1 >= state.chain.child_from_step

    def _ask(self, state: SessionState, index: int, at: float, effects: list[Effect]) -> Result:
        child_step = self._is_child_step(state, index)
        phase = Phase.CHILD_STEP if child_step else Phase.PARENT_STEP
        first_time = not (state.prompted_child if child_step else state.prompted_parent)
        state = replace(
            state,
            index=index,
            phase=phase,
            asked_at=at,
            prompted_child=state.prompted_child or child_step,
            prompted_parent=state.prompted_parent or not child_step,
        )
        effects.append(Say(self._step_prompt(state, first_time)))
        return state, effects

    def _advance(self, state: SessionState, at: float, effects: list[Effect]) -> Result:
        if state.index + 1 >= len(self.playbook.steps):
            return self._end(state, SessionStatus.COMPLETE, at, effects)
        # Between two steps is the natural pause for coaching: never during the child's turn.
        upcoming = self.playbook.steps[state.index + 1]
        coach, reminder = self.coach.at_pause(
            state.coach, at, state.session.child, upcoming.comments
        )
        if reminder:
            effects.append(Say(reminder))
        return self._ask(replace(state, coach=coach), state.index + 1, at, effects)

    def _step_prompt(self, state: SessionState, first_time: bool) -> str:
        step = self.playbook.steps[state.index]
        total = len(self.playbook.steps)
        child = state.session.child
        if state.phase is Phase.CHILD_STEP:
            return wording.child_step(step, state.step_number, total, child, first_time)
        return wording.parent_step(step, state.step_number, total, first_time)

    def _current_prompt(self, state: SessionState) -> str:
        if state.phase is Phase.SUPPORT:
            return wording.support(self.playbook.steps[state.index], state.session.child)
        return self._step_prompt(state, first_time=False)

    # -- logging and the end ----------------------------------------------------------------

    def _log(
        self, state: SessionState, outcome: Outcome, at: float, helped: bool = False
    ) -> tuple[SessionState, list[Effect]]:
        child_step = self._is_child_step(state, state.index)
        record = OutcomeRecord(
            session_id=state.session.session_id,
            child=state.session.child,
            playbook=self.playbook.id,
            step=state.step_number,
            actor=Actor.CHILD if child_step else Actor.PARENT,
            outcome=outcome,
            asked_at=state.asked_at,
            answered_at=at,
            helped=helped,
        )
        outcomes = {**state.outcomes, state.step_number: outcome}
        return replace(state, outcomes=outcomes), [LogOutcome(record)]

    def _speech(self, state: SessionState, event: Utterance, kind: str | None = None) -> LogSpeech:
        return LogSpeech(SpeechRecord(state.session.session_id, event.text, event.at, kind))

    def _comment(self, state: SessionState, event: Utterance) -> Result:
        """Parent talk that is no command: classified and counted for the 4:1 coach."""
        examples = self.playbook.steps[state.index].comments
        coach, effects = count_comment(
            self.classifier, self.coach, state.coach, state.session, event, examples
        )
        return replace(state, coach=coach), effects

    def _end(
        self,
        state: SessionState,
        status: SessionStatus,
        at: float,
        effects: list[Effect] | None = None,
    ) -> Result:
        effects = effects if effects is not None else []
        chain = state.chain
        child_outcomes = {
            step: outcome
            for step, outcome in state.outcomes.items()
            if step >= chain.child_from_step
        }
        decision = decide(
            chain, child_outcomes, status is SessionStatus.COMPLETE, self.playbook.rules
        )
        session = replace(
            state.session,
            status=status,
            ended_at=at,
            descriptive=state.coach.descriptive,
            directive=state.coach.directive,
        )
        events: tuple[ChainEvent, ...] = ()
        if decision.change is not None:
            events = (
                ChainEvent(
                    child=session.child,
                    playbook=self.playbook.id,
                    kind=decision.change,
                    at=at,
                    child_from_step=decision.state.child_from_step,
                    session_id=session.session_id,
                ),
            )
        # Breaks still running or awaiting their answer are logged as they stand.
        effects.extend(LogBreak(b) for b in state.open_breaks)
        if state.check_in is not None:
            effects.append(LogBreak(state.check_in))
        effects.append(Finish(session, decision.state, events))
        counted = state.coach.descriptive + state.coach.directive
        comments = self.coach.summary(state.coach, session.child) if counted else ""
        summary = wording.summary(
            self.playbook, session, chain, child_outcomes, decision.state, decision.change, comments
        )
        effects.append(Say(summary))
        return replace(state, session=session, phase=Phase.ENDED), effects


def _voice(lines: list[breaks.Line]) -> list[Effect]:
    effects: list[Effect] = []
    for line in lines:
        if line.chime:
            effects.append(Chime())
        if line.text:
            effects.append(Say(line.text))
    return effects
