"""A child's sensory-diet schedule: the day's demands, and a break placed before each one.

The method puts a 5-8 minute regulation activity 15-20 minutes before a predictable hard
moment (research/clinical-notes.md §4.2). A parent or OT writes the child's demands and
regulation profile as YAML in ``$OT_ASSISTANT_HOME/children/<name>/sensory.yaml`` (the folder
is the child's name, matched ignoring case); `plan_day` turns it into the breaks of one date.
Everything here is pure: dates and times come in, planned breaks go out.

Placement rules (all documented in the README section too):

- A break **starts** at the demand minus the lead time and lasts the break length, so with
  the defaults (20 and 6 minutes) it ends 14 minutes before the demand. The lead time must be
  at least the break length, or the break would run into the demand: that is a validation
  error.
- A plan is for the breaks that *start* on a date. A demand at 00:10 with a 20-minute lead has
  its break at 23:50 the evening before: it is in the previous date's plan (and only there),
  so `ot-assistant day`, run through an evening, does it.
- When a demand's break would start at or before the previous demand (its lead time is longer
  than the gap between them, e.g. 07:30 and 07:40 with a 20-minute lead), a second break would
  only sit before the first demand, next to the first break. So the two are **merged**: one
  break, placed and timed for the earlier demand, named for both, calming if either needs
  calm. Merging repeats along a run of close demands, and works across midnight.
- Activities are chosen deterministically from the date, the child and the demand (a SHA-256
  seed, not Python's salted `hash`), so a plan is the same every time it is shown: the child's
  favourites that suit the need first, then activities of the kinds that calm (or alert) this
  child, then any activity whose usual effect suits; never one listed under `avoid`, and not
  the same one twice in a day when there is a choice.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from .activities import Activities, Activity, Effect
from .datafile import Checker, UnreadableData, read_yaml
from .errors import AssistantError
from .store import child_key, child_slug

log = logging.getLogger(__name__)

SCHEDULE_NAME = "sensory.yaml"
DEFAULT_LEAD_MINUTES = 20
DEFAULT_BREAK_MINUTES = 6
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_GROUPS = {
    "every day": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ScheduleError(AssistantError):
    """A schedule file is missing, unreadable or invalid."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems
        """Every problem found, each prefixed with file and field path."""


class Need(StrEnum):
    """What the child needs before a demand."""

    CALMING = "calming"
    """The usual case: settle down and organise before a demand."""
    ALERTING = "alerting"
    """For a child who is slow or sleepy before it."""


@dataclass(frozen=True, slots=True)
class Demand:
    """A predictable hard moment of the day."""

    name: str
    """Said aloud: "homework", "school morning"."""
    at: time
    """Local wall-clock time."""
    days: frozenset[int]
    """Weekdays it happens on, 0 = Monday."""
    needs: Need = Need.CALMING
    lead_minutes: int = DEFAULT_LEAD_MINUTES
    """Minutes from the break's start to the demand."""
    break_minutes: int = DEFAULT_BREAK_MINUTES


@dataclass(frozen=True, slots=True)
class Profile:
    """How this child regulates: ids from the activities file."""

    calming: tuple[str, ...] = ()
    """Kinds that calm this child; empty: the activities' usual effect decides."""
    alerting: tuple[str, ...] = ()
    """Kinds that alert this child; empty: the activities' usual effect decides."""
    favourites: tuple[str, ...] = ()
    """Activities the child likes, chosen first when they suit the need."""
    avoid: tuple[str, ...] = ()
    """Activities never suggested for this child."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """One child's sensory-diet schedule."""

    demands: tuple[Demand, ...]
    profile: Profile = field(default_factory=Profile)
    child: str | None = None
    """The child's name, when the file gives it."""
    source: Path | None = None


@dataclass(frozen=True, slots=True)
class DemandTime:
    """One demand on one date."""

    demand: Demand
    at: datetime
    """Local, naive."""


@dataclass(frozen=True, slots=True)
class PlannedBreak:
    """A sensory break in a day's plan."""

    starts_at: datetime
    """Local, naive: when to announce it and start its timer."""
    minutes: int
    demands: tuple[DemandTime, ...]
    """The demand(s) it is for, earliest first; more than one when merged."""
    needs: Need
    activity: Activity | None = None
    """The suggested activity; None when no activities were given."""

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def seconds(self) -> int:
        return self.minutes * 60

    @property
    def before(self) -> str:
        """What it is before, as said: "homework", "school morning and homework"."""
        names = [d.demand.name for d in self.demands]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    @property
    def label(self) -> str:
        """ "sensory break before homework", for the timer and the log."""
        return f"sensory break before {self.before}"


# --- files ----------------------------------------------------------------------------------


def schedule_path(home: Path, child: str) -> Path:
    """Where `child`'s schedule is: an existing folder whose name matches ignoring case, else
    ``children/<name>/sensory.yaml`` (``children/<slug>/`` for a name that is not a safe
    folder name, such as one with a slash)."""
    folder = home / "children"
    key = child_key(child)
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            if entry.is_dir() and child_key(entry.name) in (key, child_slug(child)):
                return entry / SCHEDULE_NAME
    name = child.strip()
    safe = name and "/" not in name and "\\" not in name and not name.startswith(".")
    return folder / (name if safe else child_slug(child)) / SCHEDULE_NAME


def find_schedule(home: Path, child: str, activities: Activities | None = None) -> Schedule:
    """`child`'s schedule; ScheduleError saying where to write one when there is none."""
    path = schedule_path(home, child)
    if not path.is_file():
        raise ScheduleError(
            f"There is no sensory schedule for {child.strip()}; write one at {path} "
            "(the README's 'Sensory-diet schedule' section shows the format)."
        )
    return load_schedule(path, activities)


def load_schedule(path: Path, activities: Activities | None = None) -> Schedule:
    """The schedule in `path`; ScheduleError listing every problem when it is not valid.

    With `activities`, the profile's kinds and activity ids are checked against them.
    """
    data = _read(path)
    check = Checker(path)
    schedule = _parse(data, check, activities)
    if schedule is None or check.problems:
        raise ScheduleError(
            f"{check.summary('schedule')}.",
            tuple(check.problems),
        )
    return schedule


def validate_schedule(path: Path, activities: Activities | None = None) -> list[str]:
    """Every problem in the schedule at `path` (empty when it is valid)."""
    try:
        load_schedule(path, activities)
    except ScheduleError as exc:
        return list(exc.problems)
    return []


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


class _TimesAsText(yaml.SafeLoader):
    """YAML 1.1 reads an unquoted 16:00 as the base-60 number 960; here it stays "16:00"."""


# The same resolvers as SafeLoader's, with the base-60 forms taken out of int and float.
_TimesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_TimesAsText.add_implicit_resolver(
    _INT,
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_TimesAsText.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _read(path: Path) -> Any:
    try:
        return read_yaml(path, _TimesAsText)  # a SafeLoader that keeps 16:00 a time
    except UnreadableData as exc:
        raise ScheduleError(f"The schedule {exc}.", (str(exc),)) from exc


# --- parsing --------------------------------------------------------------------------------


def _parse(data: Any, check: Checker, activities: Activities | None) -> Schedule | None:
    top = check.mapping(
        data,
        "",
        required={"demands"},
        optional={"child", "lead_minutes", "break_minutes", "profile"},
    )
    if top is None:
        return None
    child = check.text(top["child"], "child") if "child" in top else None
    lead = _minutes(top, "lead_minutes", "lead_minutes", DEFAULT_LEAD_MINUTES, 5, 120, check)
    length = _minutes(top, "break_minutes", "break_minutes", DEFAULT_BREAK_MINUTES, 1, 30, check)
    demands: list[Demand] = []
    names: dict[str, int] = {}
    for i, raw in enumerate(check.items(top.get("demands"), "demands", 1, 20)):
        demand = _demand(raw, f"demands[{i}]", lead, length, check)
        if demand is None:
            continue
        earlier = names.setdefault(demand.name.casefold(), i)
        if earlier != i:
            check.add(f"demands[{i}].name", f"{demand.name!r} is also demands[{earlier}]")
        demands.append(demand)
    profile = _profile(top.get("profile"), check, activities) if "profile" in top else Profile()
    if check.problems:
        return None
    return Schedule(tuple(demands), profile, child, check.path)


def _minutes(
    section: Mapping[str, Any],
    key: str,
    where: str,
    default: int | None,
    low: int,
    high: int,
    check: Checker,
) -> int | None:
    if key not in section:
        return default
    return check.integer(section[key], where, low, high)


def _demand(
    raw: Any, where: str, lead: int | None, length: int | None, check: Checker
) -> Demand | None:
    item = check.mapping(
        raw,
        where,
        required={"name", "at"},
        optional={"days", "needs", "lead_minutes", "break_minutes"},
    )
    if item is None:
        return None
    name = check.text(item.get("name"), f"{where}.name")
    at = _clock_time(item.get("at"), f"{where}.at", check)
    days = _days(item["days"], f"{where}.days", check) if "days" in item else frozenset(range(7))
    needs = _need(item["needs"], f"{where}.needs", check) if "needs" in item else Need.CALMING
    own_lead = _minutes(item, "lead_minutes", f"{where}.lead_minutes", lead, 5, 120, check)
    own_length = _minutes(item, "break_minutes", f"{where}.break_minutes", length, 1, 30, check)
    if own_lead is not None and own_length is not None and own_lead < own_length:
        field_name = f"{where}.lead_minutes" if "lead_minutes" in item else "lead_minutes"
        check.add(
            field_name,
            f"({own_lead}) is shorter than the break ({own_length} minutes), so the break would "
            f"run into {name or 'the demand'}; make the lead time at least the break length",
        )
    if (
        name is None
        or at is None
        or days is None
        or needs is None
        or own_lead is None
        or own_length is None
    ):
        return None
    return Demand(name, at, days, needs, own_lead, own_length)


def _clock_time(raw: Any, where: str, check: Checker) -> time | None:
    if check.absent(raw, where):
        return None
    match = _TIME.match(raw) if isinstance(raw, str) else None
    if match is None:
        check.add(where, f'should be a 24-hour time like "07:30" or "16:00", not {raw!r}')
        return None
    return time(int(match[1]), int(match[2]))


def _days(raw: Any, where: str, check: Checker) -> frozenset[int] | None:
    if isinstance(raw, str) and raw.strip().lower() in _DAY_GROUPS:
        return _DAY_GROUPS[raw.strip().lower()]
    allowed = f"a list of {', '.join(DAY_NAMES)}, or one of: {', '.join(_DAY_GROUPS)}"
    if not isinstance(raw, list) or not raw:
        check.add(where, f"should be {allowed}; not {raw!r}")
        return None
    days: set[int] = set()
    for i, day in enumerate(raw):
        short = str(day).strip().lower()[:3]
        if not isinstance(day, str) or short not in DAY_NAMES:
            check.add(f"{where}[{i}]", f"should be one of {', '.join(DAY_NAMES)}, not {day!r}")
        else:
            days.add(DAY_NAMES.index(short))
    return frozenset(days) if len(days) == len(raw) else None


def _need(raw: Any, where: str, check: Checker) -> Need | None:
    try:
        return Need(raw)
    except ValueError:
        check.add(where, f"should be calming or alerting, not {raw!r}")
        return None


def _profile(raw: Any, check: Checker, activities: Activities | None) -> Profile:
    section = check.mapping(
        raw, "profile", required=set(), optional={"calming", "alerting", "favourites", "avoid"}
    )
    if section is None:
        return Profile()
    kinds = [k.id for k in activities.kinds] if activities is not None else None
    ids = [a.id for a in activities.activities] if activities is not None else None
    source = activities.source if activities is not None else None
    return Profile(
        calming=_ids(section.get("calming"), "profile.calming", kinds, "a kind", source, check),
        alerting=_ids(section.get("alerting"), "profile.alerting", kinds, "a kind", source, check),
        favourites=_ids(
            section.get("favourites"), "profile.favourites", ids, "an activity", source, check
        ),
        avoid=_ids(section.get("avoid"), "profile.avoid", ids, "an activity", source, check),
    )


def _ids(
    raw: Any,
    where: str,
    known: Sequence[str] | None,
    what: str,
    source: Path | None,
    check: Checker,
) -> tuple[str, ...]:
    if raw is None:
        return ()
    found: list[str] = []
    for i, item in enumerate(check.items(raw, where, 0, 50)):
        text = check.text(item, f"{where}[{i}]")
        if text is None:
            continue
        if known is not None and text not in known:
            close = difflib.get_close_matches(text, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
            check.add(f"{where}[{i}]", f"{text!r} is not {what} in {source}{hint}")
            continue
        found.append(text)
    return tuple(found)


# --- the plan -------------------------------------------------------------------------------


def plan_day(
    schedule: Schedule, day: date, activities: Activities | None = None
) -> list[PlannedBreak]:
    """The breaks that start on `day`, in order, each with a suggested activity when
    `activities` is given (see the module docstring for the rules)."""
    times = sorted(
        (
            DemandTime(demand, datetime.combine(when, demand.at))
            for when in (day - timedelta(days=1), day, day + timedelta(days=1))
            for demand in schedule.demands
            if when.weekday() in demand.days
        ),
        key=lambda d: (d.at, d.demand.name),
    )
    groups: list[list[DemandTime]] = []
    for demand_time in times:
        start = demand_time.at - timedelta(minutes=demand_time.demand.lead_minutes)
        if groups and start <= groups[-1][-1].at:
            groups[-1].append(demand_time)  # merged: see the module docstring
        else:
            groups.append([demand_time])
    plan: list[PlannedBreak] = []
    chosen: list[str] = []
    for group in groups:
        first = group[0]
        starts_at = first.at - timedelta(minutes=first.demand.lead_minutes)
        if starts_at.date() != day:
            continue
        needs = (
            Need.CALMING if any(d.demand.needs is Need.CALMING for d in group) else Need.ALERTING
        )
        planned = PlannedBreak(starts_at, first.demand.break_minutes, tuple(group), needs)
        if activities is not None:
            seed = f"{schedule.child or ''}|{starts_at.isoformat()}|{planned.before}"
            activity = choose_activity(activities, schedule.profile, needs, seed, chosen)
            if activity is not None:
                chosen.append(activity.id)
            planned = PlannedBreak(starts_at, planned.minutes, tuple(group), needs, activity)
        plan.append(planned)
    return plan


def suits(effect: Effect, needs: Need) -> bool:
    """Whether an activity's usual effect suits a need (organising counts as calming)."""
    if needs is Need.CALMING:
        return effect in (Effect.CALMING, Effect.ORGANISING)
    return effect is Effect.ALERTING


def choose_activity(
    activities: Activities,
    profile: Profile,
    needs: Need,
    seed: str,
    used: Sequence[str] = (),
) -> Activity | None:
    """One activity for a break, the same for the same `seed`; see the module docstring."""
    pool = [a for a in activities.activities if a.id not in profile.avoid]
    kinds = profile.calming if needs is Need.CALMING else profile.alerting
    by_effect = [a for a in pool if suits(a.effect, needs)]
    fitting = [a for a in pool if a.kind in kinds] if kinds else by_effect
    favourites = [a for a in fitting if a.id in profile.favourites]
    candidates = favourites or fitting or by_effect or pool
    fresh = [a for a in candidates if a.id not in used] or candidates
    if not fresh:
        return None
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big")).choice(fresh)


def plan_rows(plan: Sequence[PlannedBreak]) -> list[dict[str, Any]]:
    """The plan as JSON-ready rows (local times as "YYYY-MM-DDTHH:MM")."""
    return [
        {
            "starts_at": b.starts_at.isoformat(timespec="minutes"),
            "ends_at": b.ends_at.isoformat(timespec="minutes"),
            "minutes": b.minutes,
            "before": [
                {"demand": d.demand.name, "at": d.at.isoformat(timespec="minutes")}
                for d in b.demands
            ],
            "needs": b.needs.value,
            "activity": None if b.activity is None else b.activity.id,
        }
        for b in plan
    ]


def plan_text(child: str, day: date, plan: Sequence[PlannedBreak], activities: Activities) -> str:
    """The day's plan as lines for `schedule show`."""
    heading = f"{child}'s sensory breaks on {day.strftime('%A')} {day.isoformat()}:"
    if not plan:
        return f"{heading}\n  none (no demands on this day)"
    lines = [heading]
    for b in plan:
        demands = ", ".join(f"{d.demand.name} at {d.at:%H:%M}" for d in b.demands)
        if b.activity is None:
            what = "no activity suits; choose one"
        else:
            kind = activities.kind(b.activity.kind)
            what = f"{b.activity.name} ({kind.title if kind else b.activity.kind})"
        lines.append(
            f"  {b.starts_at:%H:%M}-{b.ends_at:%H:%M}  {b.minutes} min  {b.needs.value}: {what}"
            f"  — before {demands}"
        )
    return "\n".join(lines)
