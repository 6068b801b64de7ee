"""Functional indicators per child and routine, and the 4 / 8 / 12-week milestones (pure).

The method measures function, not performance. From the log it computes, per routine:
how much help each session still needed (steps the parent did plus "not yet"), weekly;
how many steps the parent no longer does (the chain's growth); the times the child started
a step or the routine without being asked (initiations); the descriptive-to-directive
comment ratio (aim 4:1); and, per child, sensory breaks per week. At 4, 8 and 12 weeks from
a routine's first session these are stated against the method's milestones:

- 4 weeks: the routine runs with less prompting;
- 8 weeks: the child initiates one element;
- 12 weeks: the parent can step back from the task (every step the child's, on their own,
  several sessions in a row).

From 6 weeks on, a review looks at the last 6 to 8 full weeks. If practice was regular (at
least 3 sessions in most weeks) and nothing changed, it says the program needs adjusting
(skill choice, challenge level, or regulation first) and suggests a formal OT assessment.
If practice was irregular it makes no such claim: the numbers cannot tell yet.

Nothing here reads a clock or a file: records and `now` are passed in. Records after `now`
are ignored, so a report "as of" a date is reproducible. Weeks are counted in 7-day blocks
from the routine's first session; dates are UTC, like the log.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from .progress import iso, summarise
from .records import BreakRecord, ChainEvent, OutcomeRecord, SessionRecord, SessionStatus

log = logging.getLogger(__name__)

DAY = 24 * 60 * 60.0
WEEK = 7 * DAY
MILESTONE_WEEKS = (4, 8, 12)


# -- inputs the log does not hold yet ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Initiation:
    """The child started a step or the routine without being asked (as the parent said)."""

    at: float
    """Seconds since the epoch."""
    playbook: str
    """The playbook id."""
    step: int | None = None
    """The 1-based step the child started; None when they started the routine itself."""


@dataclass(frozen=True, slots=True)
class SensoryBreak:
    """One sensory (regulation) break the child had."""

    at: float
    """When it started, seconds since the epoch."""
    seconds: float
    """How long it lasted, in seconds."""

    @staticmethod
    def from_record(record: BreakRecord) -> SensoryBreak:
        """A logged break as the indicators count it.

        A cancelled break (no end time) still counts as a break the child had, but how long it
        ran is unknown, so it adds no minutes rather than its planned length.
        """
        seconds = record.seconds if record.ended_at is not None else 0.0
        return SensoryBreak(at=record.started_at, seconds=seconds)


@dataclass(frozen=True, slots=True)
class IndicatorRules:
    """What counts as regular practice and as a change; defaults follow DESIGN.md."""

    regular_sessions_per_week: int = 3
    """Sessions in a week for that week to count as regular practice."""
    regular_week_share: float = 2 / 3
    """Share of the reviewed weeks that must be regular ("most weeks"; 4 of 6, 6 of 8)."""
    review_after_weeks: int = 6
    """Full weeks of practice before the no-change review speaks (the "6" of 6-8 weeks)."""
    review_window_weeks: int = 8
    """The review looks at most at the last this-many full weeks (the "8" of 6-8 weeks)."""
    compare_weeks: int = 2
    """Weeks averaged at each end of a comparison, so one odd session does not decide it."""
    min_prompt_drop: float = 0.5
    """Drop in help per session (steps) that counts as "less prompting"."""
    step_back_sessions: int = 3
    """Sessions in a row with every step done by the child for the 12-week milestone."""
    ratio_target: float = 4.0
    """Descriptive comments per directive one that the coach aims for."""

    def __post_init__(self) -> None:
        if not 0 < self.regular_week_share <= 1:
            raise ValueError("regular_week_share must be in (0, 1]")
        if not 1 <= self.review_after_weeks <= self.review_window_weeks:
            raise ValueError("need 1 <= review_after_weeks <= review_window_weeks")
        if 2 * self.compare_weeks > self.review_after_weeks or self.compare_weeks < 1:
            raise ValueError("two comparison blocks must fit in review_after_weeks")


# -- outputs -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionPoint:
    """One session of a routine, as the indicators see it (final outcome of each step)."""

    session_id: str
    started_at: float
    """Seconds since the epoch."""
    week: int
    """1-based week since the routine's first session."""
    complete: bool
    """Every step was reached; only complete sessions are used for help counts."""
    steps_total: int
    child_steps: int
    """Steps that were the child's in this session (the chain length)."""
    child_done: int
    child_not_yet: int
    parent_steps: int
    descriptive: int
    directive: int

    @property
    def prompting(self) -> int:
        """Help this session needed: steps the parent did plus the child's "not yet"."""
        return self.parent_steps + self.child_not_yet

    @property
    def ratio(self) -> float | None:
        """Descriptive comments per directive one; None when there were no directive ones."""
        return self.descriptive / self.directive if self.directive else None

    @property
    def whole_routine_done(self) -> bool:
        """The child did every step of the routine on their own, and the session finished."""
        return (
            self.complete
            and self.child_steps == self.steps_total
            and self.child_done == self.steps_total
        )


@dataclass(frozen=True, slots=True)
class WeekPoint:
    """One week of a routine (1-based from its first session), empty weeks included."""

    week: int
    start: float
    """Seconds since the epoch when the week began."""
    sessions: int
    """Sessions started this week (complete or not): the practice that happened."""
    complete_sessions: int
    prompting: float | None
    """Mean help per complete session (parent steps + "not yet"); None with none."""
    parent_steps: float | None
    """Mean steps the parent did per complete session."""
    not_yet: float | None
    """Mean "not yet" per complete session."""
    initiations: int
    descriptive: int
    directive: int

    @property
    def ratio(self) -> float | None:
        """Descriptive comments per directive one this week; None with no directive ones."""
        return self.descriptive / self.directive if self.directive else None


class MilestoneStatus(StrEnum):
    """Where a routine stands against one milestone."""

    MET = "met"
    NOT_MET = "not_met"
    NO_DATA = "no_data"
    """Due, but too few sessions to say."""
    UPCOMING = "upcoming"
    """Not due yet."""


@dataclass(frozen=True, slots=True)
class Milestone:
    """One of the method's checkpoints, stated in plain words."""

    weeks: int
    """4, 8 or 12."""
    goal: str
    """The milestone itself, e.g. "less prompting"."""
    due_at: float
    """Seconds since the epoch: `weeks` after the routine's first session."""
    status: MilestoneStatus
    text: str
    """What the log shows at that checkpoint, for the parent and the OT."""


class ReviewKind(StrEnum):
    """The outcome of the 6-8 week no-change review."""

    TOO_EARLY = "too_early"
    CHANGING = "changing"
    ADJUST = "adjust"
    """Regular practice, no change: the program needs adjusting; an OT assessment is suggested."""
    IRREGULAR = "irregular"
    """No change, but practice was irregular, so no claim about the program is made."""
    MASTERED = "mastered"
    """The child does the whole routine on their own: nothing left to adjust."""


@dataclass(frozen=True, slots=True)
class Review:
    """Whether the routine is changing, over the last 6-8 full weeks."""

    kind: ReviewKind
    text: str
    weeks: int
    """Full weeks reviewed (0 when too early)."""
    regular_weeks: int
    """How many of them had regular practice."""


@dataclass(frozen=True, slots=True)
class RoutineIndicators:
    """A child's functional indicators in one routine (playbook)."""

    playbook: str
    first_at: float
    """Start of the routine's first session, seconds since the epoch."""
    steps_total: int
    """Steps in the playbook at the latest session."""
    child_steps_first: int
    """Steps that were the child's in the first session."""
    child_steps_now: int
    """Steps that are the child's now (after the latest chain change)."""
    sessions: tuple[SessionPoint, ...]
    weeks: tuple[WeekPoint, ...]
    events: tuple[ChainEvent, ...]
    initiations: tuple[Initiation, ...]
    milestones: tuple[Milestone, ...]
    review: Review
    prompting_text: str
    chain_text: str
    initiation_text: str
    ratio_text: str

    @property
    def steps_taken_over(self) -> int:
        """Steps the parent no longer does, compared with the first session."""
        return self.child_steps_now - self.child_steps_first

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready summary (for `progress --json`); times as ISO 8601 UTC."""
        return {
            "playbook": self.playbook,
            "first_session": iso(self.first_at),
            "steps_total": self.steps_total,
            "child_steps_first": self.child_steps_first,
            "child_steps_now": self.child_steps_now,
            "steps_taken_over": self.steps_taken_over,
            "initiations": len(self.initiations),
            "weeks": [
                {
                    "week": w.week,
                    "start": iso(w.start),
                    "sessions": w.sessions,
                    "prompting": _round(w.prompting),
                    "parent_steps": _round(w.parent_steps),
                    "not_yet": _round(w.not_yet),
                    "initiations": w.initiations,
                    "descriptive": w.descriptive,
                    "directive": w.directive,
                }
                for w in self.weeks
            ],
            "milestones": [
                {
                    "weeks": m.weeks,
                    "goal": m.goal,
                    "due": iso(m.due_at),
                    "status": m.status.value,
                    "text": m.text,
                }
                for m in self.milestones
            ],
            "review": {
                "kind": self.review.kind.value,
                "text": self.review.text,
                "weeks": self.review.weeks,
                "regular_weeks": self.review.regular_weeks,
            },
            "statements": [
                self.prompting_text,
                self.chain_text,
                self.initiation_text,
                self.ratio_text,
            ],
        }


@dataclass(frozen=True, slots=True)
class BreakWeek:
    """Sensory breaks in one week (1-based from the child's first session or break)."""

    week: int
    start: float
    count: int
    minutes: float


@dataclass(frozen=True, slots=True)
class ChildIndicators:
    """Everything the report and `progress` show about one child, as of `now`."""

    child: str
    now: float
    routines: tuple[RoutineIndicators, ...]
    break_weeks: tuple[BreakWeek, ...]
    breaks_text: str

    def as_json(self) -> dict[str, Any]:
        return {
            "child": self.child,
            "as_of": iso(self.now),
            "routines": [r.as_json() for r in self.routines],
            "breaks_per_week": [
                {"week": b.week, "start": iso(b.start), "count": b.count, "minutes": b.minutes}
                for b in self.break_weeks
            ],
            "breaks": self.breaks_text,
        }


# -- computing them ------------------------------------------------------------------------


def child_indicators(
    child: str,
    sessions: Sequence[SessionRecord],
    outcomes: Sequence[OutcomeRecord],
    events: Sequence[ChainEvent],
    *,
    now: float,
    initiations: Sequence[Initiation] = (),
    breaks: Sequence[SensoryBreak] = (),
    rules: IndicatorRules = IndicatorRules(),
    graded: AbstractSet[str] = frozenset(),
) -> ChildIndicators:
    """Indicators of `child` in every routine they practised, plus breaks per week.

    `sessions`, `outcomes` and `events` are the child's records (any order; as the Store
    returns them); `initiations` and `breaks` are the child's too. `graded` names the
    graded-skill playbooks, whose sessions count every try.
    """
    playbooks = sorted({s.playbook for s in sessions if s.started_at <= now})
    routines = tuple(
        routine_indicators(
            child,
            p,
            sessions,
            outcomes,
            events,
            now=now,
            initiations=initiations,
            rules=rules,
            graded=p in graded,
        )
        for p in playbooks
    )
    starts = [s.started_at for s in sessions if s.started_at <= now]
    starts += [b.at for b in breaks if b.at <= now]
    break_weeks = _break_weeks(breaks, min(starts), now) if starts else ()
    return ChildIndicators(
        child=child,
        now=now,
        routines=routines,
        break_weeks=break_weeks,
        breaks_text=_breaks_text(child, break_weeks),
    )


def routine_indicators(
    child: str,
    playbook: str,
    sessions: Sequence[SessionRecord],
    outcomes: Sequence[OutcomeRecord],
    events: Sequence[ChainEvent],
    *,
    now: float,
    initiations: Sequence[Initiation] = (),
    rules: IndicatorRules = IndicatorRules(),
    graded: bool = False,
) -> RoutineIndicators:
    """Indicators of `child` in `playbook`, from records of any playbooks (filtered here)."""
    own = sorted(
        (s for s in sessions if s.playbook == playbook and s.started_at <= now),
        key=lambda s: s.started_at,
    )
    if not own:
        raise ValueError(f"{child} has no sessions of {playbook} by then")
    first = own[0].started_at
    by_session: dict[str, list[OutcomeRecord]] = defaultdict(list)
    for o in outcomes:
        if o.playbook == playbook:
            by_session[o.session_id].append(o)
    points = tuple(_point(s, by_session[s.session_id], first, graded) for s in own)
    own_events = tuple(
        sorted((e for e in events if e.playbook == playbook and e.at <= now), key=lambda e: e.at)
    )
    own_inits = tuple(
        sorted((i for i in initiations if i.playbook == playbook and i.at <= now), key=_at)
    )
    weeks = _weeks(points, own_inits, first, now)
    chain = _Chain(points, own_events)
    routine = _Routine(child, first, now, points, weeks, chain, own_inits, rules)
    return RoutineIndicators(
        playbook=playbook,
        first_at=first,
        steps_total=points[-1].steps_total,
        child_steps_first=points[0].child_steps,
        child_steps_now=chain.steps_at(now),
        sessions=points,
        weeks=weeks,
        events=own_events,
        initiations=own_inits,
        milestones=tuple(routine.milestone(w) for w in MILESTONE_WEEKS),
        review=routine.review(),
        prompting_text=routine.prompting_text(),
        chain_text=routine.chain_text(),
        initiation_text=routine.initiation_text(),
        ratio_text=routine.ratio_text(),
    )


def _at(item: Initiation | SensoryBreak) -> float:
    return item.at


def _point(
    session: SessionRecord, outcomes: list[OutcomeRecord], first: float, graded: bool
) -> SessionPoint:
    summary = summarise(session, outcomes, graded)  # the same counting as `progress`
    return SessionPoint(
        session_id=session.session_id,
        started_at=session.started_at,
        week=_week_of(session.started_at, first),
        complete=session.status is SessionStatus.COMPLETE,
        steps_total=session.steps_total,
        child_steps=session.steps_total - session.child_from_step + 1,
        child_done=summary.child_done,
        child_not_yet=summary.child_not_yet,
        parent_steps=summary.parent_steps,
        descriptive=session.descriptive,
        directive=session.directive,
    )


def _week_of(at: float, first: float) -> int:
    return int((at - first) // WEEK) + 1


def _weeks(
    points: Sequence[SessionPoint], inits: Sequence[Initiation], first: float, now: float
) -> tuple[WeekPoint, ...]:
    result = []
    for week in range(1, _week_of(now, first) + 1):
        start = first + (week - 1) * WEEK
        these = [p for p in points if p.week == week]
        done = [p for p in these if p.complete]
        result.append(
            WeekPoint(
                week=week,
                start=start,
                sessions=len(these),
                complete_sessions=len(done),
                prompting=_mean([p.prompting for p in done]),
                parent_steps=_mean([p.parent_steps for p in done]),
                not_yet=_mean([p.child_not_yet for p in done]),
                initiations=sum(1 for i in inits if start <= i.at < start + WEEK),
                descriptive=sum(p.descriptive for p in these),
                directive=sum(p.directive for p in these),
            )
        )
    return tuple(result)


def _break_weeks(breaks: Sequence[SensoryBreak], first: float, now: float) -> tuple[BreakWeek, ...]:
    counts: dict[int, list[SensoryBreak]] = defaultdict(list)
    for b in breaks:
        if first <= b.at <= now:
            counts[_week_of(b.at, first)].append(b)
    return tuple(
        BreakWeek(
            week=w,
            start=first + (w - 1) * WEEK,
            count=len(counts[w]),
            minutes=round(sum(b.seconds for b in counts[w]) / 60, 1),
        )
        for w in range(1, _week_of(now, first) + 1)
    )


class _Chain:
    """The child's part of the chain over time, from sessions and chain events."""

    def __init__(self, points: Sequence[SessionPoint], events: Sequence[ChainEvent]) -> None:
        # (time, child steps) in time order; an event takes effect when it is announced.
        marks = [(p.started_at, p.child_steps) for p in points]
        marks += [(e.at, points[-1].steps_total - e.child_from_step + 1) for e in events]
        self._marks = sorted(marks, key=lambda m: m[0])

    def steps_at(self, at: float) -> int:
        """Child steps as of `at` (the first session's before it)."""
        steps = self._marks[0][1]
        for t, n in self._marks:
            if t > at:
                break
            steps = n
        return steps


@dataclass(frozen=True, slots=True)
class _Change:
    """What changed between two times, for the review and the milestones."""

    before: float | None
    after: float | None
    more_steps: int
    initiations: int
    prompt_drop: bool

    @property
    def any(self) -> bool:
        return self.prompt_drop or self.more_steps > 0 or self.initiations > 0


class _Routine:
    """The wording and judgements for one routine; holds the computed series."""

    def __init__(
        self,
        child: str,
        first: float,
        now: float,
        points: Sequence[SessionPoint],
        weeks: Sequence[WeekPoint],
        chain: _Chain,
        inits: Sequence[Initiation],
        rules: IndicatorRules,
    ) -> None:
        self.child, self.first, self.now = child, first, now
        self.points, self.weeks, self.chain, self.inits = points, weeks, chain, inits
        self.rules = rules

    # ---- shared measurements

    def _prompting(self, start: float, end: float) -> float | None:
        return _mean(
            [p.prompting for p in self.points if p.complete and start <= p.started_at < end]
        )

    def _change(self, start: float, end: float) -> _Change:
        """Help at the start of [start, end) against its end, chain growth, initiations."""
        span = self.rules.compare_weeks * WEEK
        before = self._prompting(start, start + span)
        after = self._prompting(end - span, end)
        drop = (
            before is not None
            and after is not None
            and before - after >= self.rules.min_prompt_drop
        )
        return _Change(
            before=before,
            after=after,
            more_steps=self.chain.steps_at(end) - self.chain.steps_at(start),
            initiations=sum(1 for i in self.inits if start <= i.at < end),
            prompt_drop=drop,
        )

    def _stepped_back(self, until: float) -> bool:
        """The last sessions before `until` were the whole routine, done on the child's own."""
        n = self.rules.step_back_sessions
        recent = [p for p in self.points if p.started_at < until][-n:]
        return len(recent) == n and all(p.whole_routine_done for p in recent)

    # ---- milestones

    def milestone(self, weeks: int) -> Milestone:
        due = self.first + weeks * WEEK
        goal = {
            4: "less prompting",
            8: f"{self.child} starts one part without being asked",
            12: "you can step back from the routine",
        }[weeks]
        if self.now < due:
            text = f"{weeks} weeks ({date_text(due)}): {goal}. Not due yet."
            return Milestone(weeks, goal, due, MilestoneStatus.UPCOMING, text)
        status, text = {4: self._four, 8: self._eight, 12: self._twelve}[weeks](due)
        return Milestone(weeks, goal, due, status, f"{weeks} weeks ({date_text(due)}): {text}")

    def _four(self, due: float) -> tuple[MilestoneStatus, str]:
        change = self._change(self.first, due)
        if change.before is None or change.after is None:
            return MilestoneStatus.NO_DATA, (
                "too few finished sessions in the first and last two weeks to compare the help "
                "needed."
            )
        numbers = (
            f"about {num_text(change.before)} steps of help a session in the first two weeks, "
            f"{num_text(change.after)} in weeks 3 and 4"
        )
        if change.prompt_drop:
            return MilestoneStatus.MET, f"the routine needed less help: {numbers}."
        return MilestoneStatus.NOT_MET, (
            f"the help needed has not dropped yet ({numbers}). That is common at first; keep "
            "the routine at the same point of the day."
        )

    def _eight(self, due: float) -> tuple[MilestoneStatus, str]:
        count = sum(1 for i in self.inits if i.at < due)
        if count:
            times = "once" if count == 1 else f"{count} times"
            return MilestoneStatus.MET, (
                f"{self.child} started part of the routine without being asked ({times} so far)."
            )
        return MilestoneStatus.NOT_MET, (
            f"no time yet when {self.child} started a step without being asked. When it "
            "happens, say so during the session so it is counted."
        )

    def _twelve(self, due: float) -> tuple[MilestoneStatus, str]:
        n = self.rules.step_back_sessions
        if self._stepped_back(due):
            return MilestoneStatus.MET, (
                f"you can step back: {self.child} did every step on their own in the last {n} "
                "sessions."
            )
        steps, total = self.chain.steps_at(due), self.points[-1].steps_total
        grown = steps - self.points[0].child_steps
        since = (
            f"{count_text(grown, 'more step')} than at the start"
            if grown > 0
            else "as at the start"
        )
        return MilestoneStatus.NOT_MET, (
            f"not yet. {self.child} does {_part(steps, total)} on their own ({since}). You can "
            f"step back once {self.child} does every step on their own in {n} sessions in a row."
        )

    # ---- the no-change review

    def review(self) -> Review:
        r = self.rules
        full = int((self.now - self.first) // WEEK)
        if self._stepped_back(self.now):
            return Review(
                ReviewKind.MASTERED,
                f"{self.child} does the whole routine on their own. Well done to you both; "
                "you and your OT might choose the next routine.",
                0,
                0,
            )
        if full < r.review_after_weeks:
            when = date_text(self.first + r.review_after_weeks * WEEK)
            return Review(
                ReviewKind.TOO_EARLY,
                f"From {when}, after {r.review_after_weeks} weeks of practice, this report will "
                "say whether the routine is changing.",
                0,
                0,
            )
        n = min(full, r.review_window_weeks)
        end = self.first + full * WEEK
        start = end - n * WEEK
        reviewed = [w for w in self.weeks if start <= w.start < end]
        regular = sum(1 for w in reviewed if w.sessions >= r.regular_sessions_per_week)
        change = self._change(start, end)
        practice = (
            f"{regular} of the last {n} weeks had {r.regular_sessions_per_week} or more sessions"
        )
        if change.any:
            found = []
            if change.prompt_drop and change.before is not None and change.after is not None:
                found.append(
                    f"less help each session (about {num_text(change.before)} steps, now "
                    f"{num_text(change.after)})"
                )
            if change.more_steps > 0:
                found.append(f"{self.child} took on {count_text(change.more_steps, 'more step')}")
            if change.initiations:
                times = count_text(change.initiations, "time")
                found.append(f"{self.child} started without being asked {times}")
            return Review(
                ReviewKind.CHANGING,
                f"Things are changing over the last {n} weeks: {'; '.join(found)}. Keep going.",
                n,
                regular,
            )
        if regular >= r.regular_week_share * n:
            return Review(
                ReviewKind.ADJUST,
                f"After {n} weeks of regular practice ({practice}), nothing has changed yet: "
                f"about the same help each session, no new steps for {self.child}, and no "
                "starts without being asked. This is not a sign that anyone did something "
                "wrong; it means the program needs adjusting. That could be a different skill, "
                "a different challenge level (a smaller or a bigger step), or helping "
                f"{self.child} feel calm and ready first. Please talk it over with your OT, and "
                "consider asking for a formal OT assessment.",
                n,
                regular,
            )
        return Review(
            ReviewKind.IRREGULAR,
            f"Little has changed over the last {n} weeks, but practice was irregular ({practice}), "
            "so it is too soon to say whether the program works. Aim for at least "
            f"{r.regular_sessions_per_week} short sessions a week, at the same point of the day, "
            "and look again in a few weeks.",
            n,
            regular,
        )

    # ---- plain statements

    def prompting_text(self) -> str:
        done = [w for w in self.weeks if w.prompting is not None]
        if not done:
            return "No finished sessions yet, so no help counts."
        firstw, lastw = done[0], done[-1]
        if firstw is lastw:
            return (
                f"Help needed: about {num_text(firstw.prompting)} steps a session (steps you did "
                'plus "not yet").'
            )
        return (
            f'Help needed (steps you did plus "not yet"): about {num_text(firstw.prompting)} a '
            f"session in week {firstw.week}, {num_text(lastw.prompting)} in week {lastw.week}."
        )

    def chain_text(self) -> str:
        steps, total = self.chain.steps_at(self.now), self.points[-1].steps_total
        grown = steps - self.points[0].child_steps
        text = f"{self.child} does {_part(steps, total)} on their own"
        if grown > 0:
            return f"{text}: you no longer do {count_text(grown, 'step')} you did at the start."
        if grown < 0:
            return f"{text}; you have taken back {count_text(-grown, 'step')} for now."
        return f"{text}, as at the start."

    def initiation_text(self) -> str:
        if not self.inits:
            return f"No starts without being asked logged yet for {self.child}."
        last = date_text(self.inits[-1].at)
        return (
            f"{self.child} started without being asked {count_text(len(self.inits), 'time')}, "
            f"most recently on {last}."
        )

    def ratio_text(self) -> str:
        counted = [w for w in self.weeks if w.descriptive or w.directive]
        if not counted:
            return "No comments counted yet."
        target = num_text(self.rules.ratio_target)

        def ratio(ws: Sequence[WeekPoint]) -> str:
            d, c = sum(w.descriptive for w in ws), sum(w.directive for w in ws)
            return f"{num_text(d / c)} to 1" if c else "no instructions at all"

        span = self.rules.compare_weeks
        if len(counted) <= span:
            return (
                f"Comments: {ratio(counted)} descriptive to directive (the aim is {target} to 1)."
            )
        return (
            f"Comments, descriptive to directive: {ratio(counted[:span])} in the first weeks, "
            f"{ratio(counted[-span:])} in the latest (the aim is {target} to 1)."
        )


def _breaks_text(child: str, weeks: Sequence[BreakWeek]) -> str:
    total = sum(w.count for w in weeks)
    if not total:
        return f"No sensory breaks logged yet for {child}."
    recent = weeks[-4:]
    per_week = sum(w.count for w in recent) / len(recent)
    return (
        f"{count_text(total, 'sensory break')} logged; about {num_text(per_week)} a week over the "
        f"last {count_text(len(recent), 'week')}."
    )


def _part(steps: int, total: int) -> str:
    """The child's part of a chain in words: "the last step of 9", "the last 4 of 9 steps"."""
    if steps >= total:
        return f"all {total} steps"
    if steps == 1:
        return f"the last step of {total}"
    return f"the last {steps} of {total} steps"


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def num_text(value: float | None) -> str:
    """One decimal, without a trailing ".0": 7, 6.5; a dash for no value."""
    if value is None or math.isnan(value):
        return "\N{EN DASH}"
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def count_text(n: int, noun: str) -> str:
    """ "1 step", "3 steps"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def date_text(at: float) -> str:
    """A UTC date the way people write it: "5 Mar 2026"."""
    d = datetime.fromtimestamp(at, UTC)
    return f"{d.day} {d:%b %Y}"
