"""A graded-skill session as a pure state machine, with the interface the conductor drives.

A graded playbook (scissors, buttons) is practised one level at a time. The assistant names
the level and its task; the parent says "done" after each try the child managed and "not yet"
after one that needed help (the level's hint is offered now and then, not every time). After
the playbook's `tries` tries, "stop", or the end of the input, the just-right rule
(`justright.decide_level`) decides the next level and the assistant says so.

**Where the level lives.** The conductor and the store keep a `ChainState` per child and
playbook, and the conductor starts a new child with `ChainState.start(len(playbook.steps))`
(a graded playbook has one step per level). So that a new child starts at level 1 and the
progress charts, which plot `steps_total - child_from_step + 1` as "what the child does",
climb as the child moves up, a graded chain state counts levels from the top:

- `child_from_step = levels + 1 - level` (level 1 of 6 is `child_from_step` 6; `level_of` and
  `chain_at` convert);
- `streak` holds the strong sessions in a row at this level (`LevelDecision.streak`): all the
  rule needs from earlier sessions, since only the newest session can step down, so no
  history scan is needed;
- `newest_tries` stays empty.

Stepping up is a chain "advanced" event and stepping down "stepped_back", each carrying the new
`child_from_step`. Outcomes are logged as they happen, with `step` = the level (which is also
the number of the level's mirror in `playbook.steps`) and actor child.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, replace

from . import wording
from .chaining import ChainState
from .coach import Coach, CoachState
from .comments import CommentClassifier
from .justright import LevelChange, LevelDecision, LevelRules, decide_level
from .matcher import IntentMatcher, Reading
from .playbook import Level, Playbook
from .records import (
    Actor,
    ChainEvent,
    EventKind,
    InitiationRecord,
    Outcome,
    OutcomeRecord,
    SessionRecord,
    SessionStatus,
    SpeechRecord,
)
from .session import (
    Began,
    Effect,
    Event,
    Finish,
    InputEnded,
    LogInitiation,
    LogOutcome,
    LogSpeech,
    Say,
    StartSession,
    Tick,
    Utterance,
    count_comment,
    read_heard,
)

log = logging.getLogger(__name__)

ALLOWED = frozenset({"done", "not_yet", "next", "repeat", "pause", "stop", "help", "initiated"})
ALLOWED_PAUSED = frozenset({"resume", "next", "stop", "help", "repeat"})
_ASK_ABOUT = frozenset({"done", "not_yet", "next"})
HINT_EVERY = 3
"""The level's hint comes with the first "not yet" of a session, then with every third one."""


def level_of(chain: ChainState) -> int:
    """The 1-based level a graded chain state holds."""
    return chain.steps_total + 1 - chain.child_from_step


def chain_at(level: int, levels: int, streak: int = 0) -> ChainState:
    """The chain state that holds `level` of `levels`."""
    return ChainState(steps_total=levels, child_from_step=levels + 1 - level, streak=streak)


@dataclass(frozen=True, slots=True)
class GradedState:
    """Everything a graded session knows between two events."""

    session: SessionRecord
    chain: ChainState
    """The chain state at the start of the session (see the module notes)."""
    asked_at: float = 0.0
    """When the current try was asked for, seconds since the epoch."""
    tries: tuple[bool, ...] = ()
    """This session's tries so far, oldest first (True = done)."""
    not_yets: int = 0
    """"Not yet"s this session (for spacing the hint)."""
    paused: bool = False
    coach: CoachState = field(default_factory=CoachState)
    ended: bool = False

    @property
    def level(self) -> int:
        return level_of(self.chain)

    @property
    def done(self) -> int:
        return sum(self.tries)


Result = tuple[GradedState, list[Effect]]


class GradedEngine:
    """The graded-skill session for one graded playbook; same interface as SessionEngine."""

    def __init__(
        self,
        playbook: Playbook,
        matcher: IntentMatcher,
        classifier: CommentClassifier | None = None,
        coach: Coach | None = None,
    ) -> None:
        if not playbook.graded:
            raise ValueError(f"{playbook.id} is not a graded playbook")
        self.playbook = playbook
        self.matcher = matcher
        self.classifier = classifier
        self.coach = coach
        """With a classifier, parent talk is classified and counted for the 4:1 ratio."""

    @property
    def rules(self) -> LevelRules:
        return self.playbook.level_rules

    def new_state(self, session_id: str, child: str, chain: ChainState, at: float) -> GradedState:
        """The state before `Began`; a `chain` saved when the skill had another number of
        levels keeps its level (within the levels there are now)."""
        total = len(self.playbook.levels)
        chain = chain.fitted(total)
        record = SessionRecord(
            session_id=session_id,
            child=child,
            playbook=self.playbook.id,
            steps_total=total,
            child_from_step=chain.child_from_step,
            started_at=at,
        )
        return GradedState(session=record, chain=chain, asked_at=at)

    def step(self, state: GradedState, event: Event) -> Result:
        """The next state and what to do, for one event."""
        if state.ended:
            return state, []
        if isinstance(event, Began):
            text = greeting(self.playbook, state.session.child, state.level)
            return replace(state, asked_at=event.at), [StartSession(state.session), Say(text)]
        if isinstance(event, InputEnded):
            return self._end(state, event.at, [])
        if isinstance(event, Tick):
            return state, []  # no timers in a graded session
        return self._heard(state, event)

    def next_due(self, state: GradedState) -> float | None:
        """No timers: nothing is ever due."""
        return None

    def reading(self, state: GradedState, heard: Utterance | str) -> Reading:
        allowed = ALLOWED_PAUSED if state.paused else ALLOWED
        return read_heard(self.matcher, heard, allowed, state.session.child)

    # -- utterances -------------------------------------------------------------------------

    def _heard(self, state: GradedState, event: Utterance) -> Result:
        reading = self.reading(state, event)
        intent = reading.intent
        child = state.session.child
        if intent is None:
            if reading.unsure is not None:  # a half-heard command: kept, not counted
                effects: list[Effect] = [self._speech(state, event)]
                if reading.unsure.name in _ASK_ABOUT and not state.paused:
                    effects.append(Say(ask_try(child)))
                return state, effects
            return self._comment(state, event)
        name, at = intent.name, event.at
        if name == "stop":
            return self._end(state, at, [])
        if name == "help":
            return state, [Say(help_text(child, state.paused))]
        if state.paused:
            if name in ("resume", "next"):
                state = replace(state, paused=False, asked_at=at)
                return state, [Say(wording.RESUMED), Say(self._task(state))]
            return state, [Say(self._task(state))]  # "repeat" while paused
        if name == "pause":
            return replace(state, paused=True), [Say(wording.PAUSED)]
        if name == "repeat":
            return state, [Say(self._task(state))]
        if name == "initiated":
            record = InitiationRecord(
                state.session.session_id, child, self.playbook.id, state.level, at
            )
            return state, [LogInitiation(record), Say(wording.initiated(child))]
        if name == "next":  # says nothing about the try
            return state, [Say(ask_try(child))]
        return self._try(state, name == "done", at)

    def _try(self, state: GradedState, done: bool, at: float) -> Result:
        child = state.session.child
        level = self._level(state)
        not_yets = state.not_yets + (0 if done else 1)
        hint = not done and not_yets % HINT_EVERY == 1
        record = OutcomeRecord(
            session_id=state.session.session_id,
            child=child,
            playbook=self.playbook.id,
            step=state.level,
            actor=Actor.CHILD,
            outcome=Outcome.DONE if done else Outcome.NOT_YET,
            asked_at=state.asked_at,
            answered_at=at,
            helped=hint,
        )
        state = replace(state, tries=(*state.tries, done), not_yets=not_yets, asked_at=at)
        effects: list[Effect] = [LogOutcome(record)]
        count = len(state.tries)
        if count >= self.playbook.tries:
            return self._end(state, at, effects, complete=True)
        if done:
            effects.append(Say(try_done(child, count, self.playbook.tries)))
        else:
            effects.append(Say(try_not_yet(child, level, count, self.playbook.tries, hint)))
        return state, effects

    def _comment(self, state: GradedState, event: Utterance) -> Result:
        """Parent talk that is no command: kept; classified and counted when there is a coach."""
        examples = self._level(state).comments
        coach, effects = count_comment(
            self.classifier, self.coach, state.coach, state.session, event, examples
        )
        return replace(state, coach=coach), effects

    def _speech(self, state: GradedState, event: Utterance) -> LogSpeech:
        return LogSpeech(SpeechRecord(state.session.session_id, event.text, event.at))

    # -- the end ----------------------------------------------------------------------------

    def _end(
        self, state: GradedState, at: float, effects: list[Effect], complete: bool = False
    ) -> Result:
        total = len(self.playbook.levels)
        level, tries, done = state.level, len(state.tries), state.done
        if tries:
            # Earlier sessions matter to the rule only as strong or not: `streak` of them were.
            strong = (self.rules.min_tries, self.rules.min_tries)
            recent = [strong] * state.chain.streak + [(done, tries)]
            decision = decide_level(level, total, recent, self.rules)
        else:  # no try at all: no session to judge, nothing changes
            decision = LevelDecision(level, None, state.chain.streak)
        new_chain = chain_at(decision.level, total, decision.streak)
        status = SessionStatus.COMPLETE if complete else SessionStatus.STOPPED
        session = replace(
            state.session,
            status=status,
            ended_at=at,
            descriptive=state.coach.descriptive,
            directive=state.coach.directive,
        )
        events: tuple[ChainEvent, ...] = ()
        if decision.change is not None:
            kind = (
                EventKind.ADVANCED if decision.change is LevelChange.UP else EventKind.STEPPED_BACK
            )
            events = (
                ChainEvent(
                    child=session.child,
                    playbook=self.playbook.id,
                    kind=kind,
                    at=at,
                    child_from_step=new_chain.child_from_step,
                    session_id=session.session_id,
                ),
            )
        effects.append(Finish(session, new_chain, events))
        comments = ""
        if self.coach is not None and state.coach.descriptive + state.coach.directive:
            comments = self.coach.summary(state.coach, session.child)
        effects.append(
            Say(summary(self.playbook, session.child, level, state.tries, decision, complete))
        )
        if comments:
            effects.append(Say(comments))
        return replace(state, session=session, ended=True), effects

    def _level(self, state: GradedState) -> Level:
        return self.playbook.levels[state.level - 1]

    def _task(self, state: GradedState) -> str:
        return wording.fill(self._level(state).task, state.session.child)


# -- the words ------------------------------------------------------------------------------


def greeting(playbook: Playbook, child: str, level: int) -> str:
    """Names the skill, the level and its task, and how many tries."""
    current = playbook.levels[level - 1]
    total = len(playbook.levels)
    return (
        f"Let's practise {wording.clause(playbook.title)} with {child}. "
        f"We're at level {wording.number(level)} of {wording.number(total)}: "
        f"{wording.clause(current.name)}. {wording.fill(current.task, child)} "
        f"We'll do {wording.number(playbook.tries)} tries. After each one, say done if "
        f"{child} managed it, or not yet if {child} needed help."
    )


def ask_try(child: str) -> str:
    return f"Did {child} manage that try? Say done or not yet."


def try_done(child: str, count: int, tries: int) -> str:
    return f"Got it, {child} did that one. {_to_go(tries - count)}"


def try_not_yet(child: str, level: Level, count: int, tries: int, hint: bool) -> str:
    if hint:
        return f"That's okay. {wording.fill(level.support, child)} {_to_go(tries - count)}"
    return f"That's okay, have another go. {_to_go(tries - count)}"


def _to_go(left: int) -> str:
    return f"{_capital(wording.number(left))} to go."


def help_text(child: str, paused: bool) -> str:
    if paused:
        return "We're paused. Say resume to carry on, or stop to finish for today."
    return (
        f"Say done if {child} managed the try, or not yet if help was needed. "
        "You can also say repeat, pause, or stop."
    )


def strong_count(rules: LevelRules) -> int:
    """How many tries of `min_tries` make a strong session (8 for 0.8 of 10)."""
    return math.ceil(round(rules.up_rate * rules.min_tries, 9))


def summary(
    playbook: Playbook,
    child: str,
    level: int,
    tries: tuple[bool, ...],
    decision: LevelDecision,
    complete: bool,
) -> str:
    """The end-of-session words: the count, and the level next time (said warmly)."""
    rules = playbook.level_rules
    n = wording.number
    done = sum(tries)
    parts: list[str] = []
    if not complete:
        parts.append("We stopped early today, and every try is saved.")
    if not tries:
        parts.append(f"There were no tries this time, so we'll stay at {_level(playbook, level)}.")
        parts.append("Well done for getting started.")
        return " ".join(parts)
    score = f"{_capital(n(done))} of {n(len(tries))}"
    if decision.change is LevelChange.UP:
        parts.append(
            f"{score}: that's {n(rules.up_sessions)} sessions in a row at "
            f"{n(strong_count(rules))} or more, so next time we'll try: "
            f"{_level(playbook, decision.level)}."
        )
    elif decision.change is LevelChange.DOWN:
        parts.append(
            f"{score}. That was a big stretch today, so next time we'll go back a level, to "
            f"{_level(playbook, decision.level)}, for a while. Lots of success is what builds "
            f"the skill, and we'll come back to {_level(playbook, level)} soon."
        )
    else:
        parts.append(f"{score}.")
        if decision.streak and level < len(playbook.levels):
            left = rules.up_sessions - decision.streak
            so_far = (
                "A strong session!"
                if decision.streak == 1
                else f"That's {n(decision.streak)} strong sessions in a row."
            )
            parts.append(
                f"{so_far} {_capital(n(left))} more like this in a row and we'll move on a level."
            )
        elif decision.streak:
            parts.append(f"{child} is at the top level and doing it really well.")
        else:
            parts.append(
                f"We'll stay at {_level(playbook, level)} next time: it's just the right "
                "amount of challenge."
            )
        if len(tries) < rules.min_tries:
            parts.append(f"A session needs {n(rules.min_tries)} tries to count towards moving up.")
    parts.append("Well done, both of you.")
    return " ".join(parts)


def _level(playbook: Playbook, level: int) -> str:
    return wording.clause(playbook.levels[level - 1].name)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
