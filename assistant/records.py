"""The rows of the session log: what the Store keeps, one frozen dataclass each.

Times are seconds since the Unix epoch (UTC), as floats, taken from the Clock seam.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Actor(StrEnum):
    """Who carried out a step."""

    PARENT = "parent"
    CHILD = "child"


class Outcome(StrEnum):
    """What happened at a step."""

    DONE = "done"
    """The step was completed: by the child on their own, or by the parent at a parent step."""
    NOT_YET = "not_yet"
    """The child did not do it on their own this time (support was offered)."""
    SKIPPED = "skipped"
    """The parent skipped the step; it counts neither as done nor as not yet."""


class SessionStatus(StrEnum):
    """Where a session got to."""

    RUNNING = "running"
    """Started and not yet finished; after a crash it stays like this (readable, incomplete)."""
    COMPLETE = "complete"
    """Every step was reached and the summary spoken."""
    STOPPED = "stopped"
    """Stopped early (by "stop" or the end of the input); kept and marked incomplete."""


class EventKind(StrEnum):
    """A change in the backward chain."""

    ADVANCED = "advanced"
    """The child's part grew by one step, backwards."""
    STEPPED_BACK = "stepped_back"
    """Support returned to the newest child step: the child's part shrank by one step."""


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One guided run of a playbook with one child."""

    session_id: str
    """Unique id, sortable by start time."""
    child: str
    """The child's name as the parent gave it."""
    playbook: str
    """The playbook id."""
    steps_total: int
    """How many steps the playbook had for this session."""
    child_from_step: int
    """The 1-based first step the child did in this session."""
    started_at: float
    """Seconds since the epoch."""
    status: SessionStatus = SessionStatus.RUNNING
    ended_at: float | None = None
    """Seconds since the epoch; None while running."""
    descriptive: int = 0
    """Descriptive comments counted by the commenting coach."""
    directive: int = 0
    """Instructions and corrections counted by the commenting coach."""


@dataclass(frozen=True, slots=True)
class OutcomeRecord:
    """What happened at one step of one session."""

    session_id: str
    child: str
    playbook: str
    step: int
    """1-based step number."""
    actor: Actor
    outcome: Outcome
    asked_at: float
    """When the assistant asked for the step, seconds since the epoch."""
    answered_at: float
    """When the parent answered, seconds since the epoch."""
    helped: bool = False
    """True when the support hint was offered (after "not yet")."""


@dataclass(frozen=True, slots=True)
class SpeechRecord:
    """Parent speech in a session that was not a command, kept for the commenting coach."""

    session_id: str
    text: str
    at: float
    """Seconds since the epoch."""
    kind: str | None = None
    """Comment kind (descriptive / directive / other) once classified; None when not."""
    confidence: float | None = None
    """How clearly the classifier's cues decided `kind`, 0..1; None when not classified."""


@dataclass(frozen=True, slots=True)
class ChainEvent:
    """A mastery or step-back decision, announced at the end of a session."""

    child: str
    playbook: str
    kind: EventKind
    at: float
    """Seconds since the epoch."""
    child_from_step: int
    """The 1-based first child step after the change."""
    session_id: str


class AfterBreak(StrEnum):
    """How the child seemed after a sensory break, in the parent's words (no claim of effect)."""

    CALM = "calm"
    OKAY = "okay"
    WOUND_UP = "wound_up"
    """Still wound up."""


@dataclass(frozen=True, slots=True)
class BreakRecord:
    """One sensory break: what was planned, what ran, and how the child seemed after it."""

    child: str
    label: str
    """What the break was for, as said ("sensory break before homework")."""
    activity: str | None
    """The activity id from the activities file ("wall-push-ups"); None when none was picked."""
    planned_at: float | None
    """When the schedule placed it, seconds since the epoch; None for a break started by voice."""
    started_at: float
    """When its timer started, seconds since the epoch."""
    seconds: float
    """Its planned length."""
    ended_at: float | None = None
    """When its timer ran out, seconds since the epoch; None when it was cancelled."""
    after: AfterBreak | None = None
    """The parent's answer to "how does the child seem now"; None when not answered."""


@dataclass(frozen=True, slots=True)
class InitiationRecord:
    """The parent said the child started a step, or the routine, without being asked."""

    session_id: str
    child: str
    playbook: str
    step: int | None
    """The 1-based step the session was at when it was said; None before the first step."""
    at: float
    """Seconds since the epoch."""


@dataclass(frozen=True, slots=True)
class History:
    """What a child's session files hold, read in one pass (see `Store.history`)."""

    sessions: list[SessionRecord]
    """Oldest first."""
    outcomes: list[OutcomeRecord]
    """Oldest session first, each session in logged order."""
    initiations: list[InitiationRecord]
    """Oldest session first."""
