"""Progress per child and playbook, computed from the log (no I/O here: the store is passed in)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .chaining import ChainState
from .records import Actor, ChainEvent, History, Outcome, OutcomeRecord, SessionRecord
from .seams import Store

log = logging.getLogger(__name__)

RECENT_SESSIONS = 10


def iso(at: float | None) -> str | None:
    """Seconds since the epoch as an ISO 8601 UTC timestamp."""
    if at is None:
        return None
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One session as progress shows it."""

    session: SessionRecord
    child_done: int
    child_not_yet: int
    parent_steps: int
    """Steps the parent did (the prompting a routine still needs)."""

    def as_json(self) -> dict[str, Any]:
        s = self.session
        ratio = round(s.descriptive / s.directive, 2) if s.directive else None
        return {
            "session_id": s.session_id,
            "started_at": iso(s.started_at),
            "ended_at": iso(s.ended_at),
            "status": s.status.value,
            "child_from_step": s.child_from_step,
            "child_done": self.child_done,
            "child_not_yet": self.child_not_yet,
            "parent_steps": self.parent_steps,
            "descriptive": s.descriptive,
            "directive": s.directive,
            "ratio": ratio,
        }


@dataclass(frozen=True, slots=True)
class PlaybookProgress:
    """A child's progress in one playbook."""

    playbook: str
    chain: ChainState
    sessions: tuple[SessionSummary, ...]
    events: tuple[ChainEvent, ...]
    graded: bool = False
    """A graded skill: the chain state holds a level (see graded.py), not a chain."""

    @property
    def level(self) -> int:
        """A graded skill's current level, 1-based (the chain's length for a chain)."""
        return self.chain.steps_total + 1 - self.chain.child_from_step

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "playbook": self.playbook,
            "kind": "graded" if self.graded else "chain",
            "steps_total": self.chain.steps_total,
            "child_from_step": self.chain.child_from_step,
            "streak": self.chain.streak,
            "session_count": len(self.sessions),
            "sessions": [s.as_json() for s in self.sessions],
            "events": [
                {"kind": e.kind.value, "at": iso(e.at), "child_from_step": e.child_from_step}
                for e in self.events
            ],
        }
        if self.graded:
            data["level"] = self.level
            data["levels"] = self.chain.steps_total
        return data


def summarise(
    session: SessionRecord, outcomes: list[OutcomeRecord], graded: bool = False
) -> SessionSummary:
    """Counts of one session: the latest outcome of each step of a chain (going back to a
    step logs it again), or every try of a graded skill (each try is its own outcome)."""
    if graded:
        final = [(o.actor, o.outcome) for o in outcomes]
    else:
        latest = {(o.actor, o.step): o.outcome for o in outcomes}  # later ones win
        final = [(actor, outcome) for (actor, _), outcome in latest.items()]
    child = [outcome for actor, outcome in final if actor is Actor.CHILD]
    return SessionSummary(
        session=session,
        child_done=child.count(Outcome.DONE),
        child_not_yet=child.count(Outcome.NOT_YET),
        parent_steps=sum(1 for actor, _ in final if actor is Actor.PARENT),
    )


def child_progress(
    store: Store,
    child: str,
    playbook: str | None = None,
    graded: AbstractSet[str] = frozenset(),
    history: History | None = None,
) -> list[PlaybookProgress]:
    """Progress of `child` in every playbook they practised (or just `playbook`); `graded`
    names the graded-skill playbooks, whose tries are all counted. `history` is the child's
    log already read for that playbook filter (read here when not given)."""
    history = history or store.history(child, playbook)
    sessions = history.sessions
    by_session: dict[str, list[OutcomeRecord]] = defaultdict(list)
    for o in history.outcomes:
        by_session[o.session_id].append(o)
    events = store.events(child, playbook)
    result = []
    for pid in sorted({s.playbook for s in sessions} | ({playbook} if playbook else set())):
        own = [s for s in sessions if s.playbook == pid]
        chain = store.load_chain(child, pid)
        if chain is None:
            if not own:
                continue
            chain = ChainState.start(own[-1].steps_total)
        result.append(
            PlaybookProgress(
                playbook=pid,
                chain=chain,
                sessions=tuple(summarise(s, by_session[s.session_id], pid in graded) for s in own),
                events=tuple(e for e in events if e.playbook == pid),
                graded=pid in graded,
            )
        )
    return result


def progress_json(child: str, progress: list[PlaybookProgress]) -> dict[str, Any]:
    """The `progress --json` contract shape."""
    return {"child": child, "playbooks": [p.as_json() for p in progress]}


def progress_text(child: str, progress: list[PlaybookProgress]) -> str:
    """A short plain-text report for the terminal."""
    if not progress:
        return f"{child} has no sessions yet."
    lines = [f"Progress for {child}"]
    for p in progress:
        c = p.chain
        own = c.steps_total - c.child_from_step + 1
        lines.append("")
        if p.graded:
            lines.append(
                f"{p.playbook}: level {p.level} of {c.steps_total}; "
                f"{c.streak} strong session(s) in a row at this level."
            )
        else:
            lines.append(
                f"{p.playbook}: {child} does the last {own} of {c.steps_total} steps "
                f"(from step {c.child_from_step}); {c.streak} successful session(s) in a row."
            )
        for e in p.events:
            if p.graded:
                what = "moved up a level" if e.kind.value == "advanced" else "moved down a level"
            else:
                what = "took on one more step" if e.kind.value == "advanced" else "got help back"
            lines.append(f"  {iso(e.at)}  {what}: now from step {e.child_from_step}")
        lines.append("  recent sessions:")
        for s in p.sessions[-RECENT_SESSIONS:]:
            j = s.as_json()
            ratio = f"{j['descriptive']}:{j['directive']}"
            lines.append(
                f"  {j['started_at']}  {j['status']:<8}  child done {s.child_done}, "
                f"not yet {s.child_not_yet}, parent steps {s.parent_steps}, comments {ratio}"
            )
    return "\n".join(lines)
