"""Sensory-diet schedules and the activities file: placement, merging, activity choice and
validation that names file and field."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from textwrap import dedent

import pytest

from assistant.activities import (
    SHIPPED_ACTIVITIES,
    Activities,
    ActivitiesError,
    Effect,
    load_activities,
    validate_activities,
)
from assistant.schedule import (
    Demand,
    Need,
    PlannedBreak,
    Profile,
    Schedule,
    ScheduleError,
    find_schedule,
    load_schedule,
    plan_day,
    plan_rows,
    plan_text,
    schedule_path,
    validate_schedule,
)

MONDAY = date(2025, 3, 3)
SUNDAY = date(2025, 3, 2)
EVERY_DAY = frozenset(range(7))


@pytest.fixture(scope="module")
def activities() -> Activities:
    return load_activities(SHIPPED_ACTIVITIES / "en.yaml")


def demand(
    name: str, at: str, lead: int = 20, length: int = 6, needs: Need = Need.CALMING
) -> Demand:
    hours, minutes = (int(part) for part in at.split(":"))
    return Demand(name, time(hours, minutes), EVERY_DAY, needs, lead, length)


def starts(plan: list[PlannedBreak]) -> list[str]:
    return [f"{b.starts_at:%Y-%m-%d %H:%M}" for b in plan]


def write(folder: Path, text: str, name: str = "sensory.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(dedent(text), encoding="utf-8")
    return path


# --- placement ------------------------------------------------------------------------------


def test_each_break_starts_lead_minutes_before_its_demand() -> None:
    schedule = Schedule((demand("school morning", "07:30"), demand("homework", "16:00", 15, 8)))
    plan = plan_day(schedule, MONDAY)
    assert starts(plan) == ["2025-03-03 07:10", "2025-03-03 15:45"]
    assert [(b.minutes, f"{b.ends_at:%H:%M}", b.label) for b in plan] == [
        (6, "07:16", "sensory break before school morning"),
        (8, "15:53", "sensory break before homework"),
    ]
    assert all(b.activity is None for b in plan)  # no activities given: none chosen


def test_demands_only_happen_on_their_days() -> None:
    school = Demand("school morning", time(7, 30), frozenset(range(5)))
    schedule = Schedule((school, demand("homework", "16:00")))
    assert starts(plan_day(schedule, SUNDAY)) == ["2025-03-02 15:40"]
    assert starts(plan_day(schedule, MONDAY)) == ["2025-03-03 07:10", "2025-03-03 15:40"]


def test_a_demand_at_ten_past_midnight_has_its_break_the_evening_before() -> None:
    night = Demand("night feed", time(0, 10), frozenset({0}))  # Mondays only
    schedule = Schedule((night,))
    sunday = plan_day(schedule, SUNDAY)
    assert starts(sunday) == ["2025-03-02 23:50"]
    assert sunday[0].demands[0].at == datetime(2025, 3, 3, 0, 10)
    assert plan_day(schedule, MONDAY) == []  # not planned twice
    assert plan_day(schedule, date(2025, 3, 9)) == [plan_day(schedule, date(2025, 3, 9))[0]]


def test_a_lead_longer_than_the_gap_merges_the_two_breaks_into_the_earlier_one() -> None:
    schedule = Schedule(
        (demand("school morning", "07:30"), demand("car ride", "07:40", 20, 8, needs=Need.ALERTING))
    )
    plan = plan_day(schedule, MONDAY)
    assert starts(plan) == ["2025-03-03 07:10"]
    merged = plan[0]
    assert merged.minutes == 6  # timed for the earlier demand, so it ends before it
    assert merged.ends_at <= merged.demands[0].at
    assert [d.demand.name for d in merged.demands] == ["school morning", "car ride"]
    assert merged.label == "sensory break before school morning and car ride"
    assert merged.needs is Need.CALMING  # either needing calm is enough


def test_merging_runs_along_close_demands_and_stops_at_a_real_gap() -> None:
    schedule = Schedule(
        (
            demand("a", "16:00"),
            demand("b", "16:15"),  # starts 15:55, before a: merged
            demand("c", "16:30"),  # starts 16:10, before b: merged too
            demand("d", "16:51"),  # starts 16:31, after c: a break of its own
            demand("e", "17:11"),  # starts 16:51, exactly at d: merged
        )
    )
    plan = plan_day(schedule, MONDAY)
    assert [(f"{b.starts_at:%H:%M}", b.before) for b in plan] == [
        ("15:40", "a, b and c"),
        ("16:31", "d and e"),
    ]
    for planned in plan:  # no two breaks overlap, and none runs into a demand
        assert planned.ends_at <= planned.demands[0].at
    assert plan[0].ends_at <= plan[1].starts_at


def test_merging_works_across_midnight_and_the_break_is_planned_once() -> None:
    schedule = Schedule((demand("late", "23:55"), demand("night feed", "00:10")))
    sunday = plan_day(schedule, SUNDAY)
    assert [(f"{b.starts_at:%H:%M}", b.before) for b in sunday] == [
        ("23:35", "late and night feed")
    ]
    monday = plan_day(schedule, MONDAY)
    assert [(f"{b.starts_at:%H:%M}", b.before) for b in monday] == [
        ("23:35", "late and night feed")
    ]
    assert all(b.starts_at.date() == MONDAY for b in monday)


def test_a_plan_is_in_time_order_whatever_the_file_order() -> None:
    schedule = Schedule((demand("homework", "16:00"), demand("school morning", "07:30")))
    assert starts(plan_day(schedule, MONDAY)) == ["2025-03-03 07:10", "2025-03-03 15:40"]


# --- activity choice ------------------------------------------------------------------------


def test_activity_choice_is_deterministic_and_prefers_calming_favourites(
    activities: Activities,
) -> None:
    profile = Profile(
        calming=("heavy-work", "deep-pressure"),
        alerting=("lively-movement",),
        favourites=("wall-push-ups", "bear-hug", "star-jumps"),
    )
    schedule = Schedule(
        (demand("school morning", "07:30"), demand("homework", "16:00")), profile, "Sam"
    )
    first = plan_day(schedule, MONDAY, activities)
    assert plan_day(schedule, MONDAY, activities) == first
    for offset in range(30):
        day = date.fromordinal(MONDAY.toordinal() + offset)
        chosen = [b.activity.id for b in plan_day(schedule, day, activities) if b.activity]
        # Calming favourites only (star jumps is a favourite but alerting), never twice a day.
        assert sorted(chosen) == ["bear-hug", "wall-push-ups"]


def test_an_alerting_demand_gets_an_alerting_kind(activities: Activities) -> None:
    profile = Profile(calming=("heavy-work",), alerting=("lively-movement", "oral-motor"))
    schedule = Schedule((demand("homework", "16:00", needs=Need.ALERTING),), profile)
    kinds = {
        plan_day(schedule, date.fromordinal(MONDAY.toordinal() + n), activities)[0].activity.kind  # type: ignore[union-attr]
        for n in range(40)
    }
    assert kinds == {"lively-movement", "oral-motor"}


def test_with_no_profile_the_usual_effect_decides_and_avoid_is_respected(
    activities: Activities,
) -> None:
    schedule = Schedule(
        (demand("homework", "16:00"), demand("bath", "19:00")),
        Profile(avoid=("slow-swing", "bear-hug")),
    )
    seen: set[str] = set()
    for n in range(60):
        for planned in plan_day(schedule, date.fromordinal(MONDAY.toordinal() + n), activities):
            assert planned.activity is not None
            assert planned.activity.effect in (Effect.CALMING, Effect.ORGANISING)
            seen.add(planned.activity.id)
    assert not seen & {"slow-swing", "bear-hug"}
    assert len(seen) > 5  # it varies from day to day


def test_plan_rows_and_text(activities: Activities) -> None:
    schedule = Schedule((demand("homework", "16:00"),), Profile(favourites=("wall-push-ups",)))
    plan = plan_day(schedule, MONDAY, activities)
    assert plan_rows(plan) == [
        {
            "starts_at": "2025-03-03T15:40",
            "ends_at": "2025-03-03T15:46",
            "minutes": 6,
            "before": [{"demand": "homework", "at": "2025-03-03T16:00"}],
            "needs": "calming",
            "activity": "wall-push-ups",
        }
    ]
    assert plan_text("Sam", MONDAY, plan, activities) == (
        "Sam's sensory breaks on Monday 2025-03-03:\n"
        "  15:40-15:46  6 min  calming: wall push-ups (heavy work)  — before homework at 16:00"
    )
    assert "none" in plan_text("Sam", MONDAY, [], activities)


# --- the schedule file ----------------------------------------------------------------------

GOOD = """\
    child: Sam
    lead_minutes: 15
    break_minutes: 7
    demands:
      - name: school morning
        at: 7:30            # unquoted on purpose: YAML 1.1 would read it as 450
        days: weekdays
      - name: homework
        at: "16:00"
        days: [mon, Tue, wednesday]
        lead_minutes: 20
        break_minutes: 8
        needs: alerting
    profile:
      calming: [heavy-work, deep-pressure]
      alerting: [lively-movement]
      favourites: [wall-push-ups, bear-hug]
      avoid: [slow-swing]
"""


def test_a_schedule_file_loads_with_defaults_and_overrides(
    tmp_path: Path, activities: Activities
) -> None:
    path = write(tmp_path, GOOD)
    schedule = load_schedule(path, activities)
    assert schedule.child == "Sam" and schedule.source == path
    morning, homework = schedule.demands
    assert (morning.at, morning.days, morning.lead_minutes, morning.break_minutes) == (
        time(7, 30), frozenset(range(5)), 15, 7,
    )  # fmt: skip
    assert (homework.at, homework.days, homework.needs) == (
        time(16, 0), frozenset({0, 1, 2}), Need.ALERTING,
    )  # fmt: skip
    assert (homework.lead_minutes, homework.break_minutes) == (20, 8)
    assert schedule.profile.favourites == ("wall-push-ups", "bear-hug")
    assert validate_schedule(path, activities) == []


def test_defaults_are_twenty_minutes_lead_and_six_minute_breaks(tmp_path: Path) -> None:
    path = write(tmp_path, "demands: [{name: homework, at: '16:00'}]\n")
    (only,) = load_schedule(path).demands
    assert (only.lead_minutes, only.break_minutes, only.needs, only.days) == (
        20, 6, Need.CALMING, EVERY_DAY,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("child: Sam\n", ["demands: is missing"]),
        ("demands: []\n", ["demands: should have 1 to 20 entries, not 0"]),
        (
            "demands: [{name: homework, at: '25:00'}]\n",
            ["demands[0].at: should be a 24-hour time like \"07:30\" or \"16:00\", not '25:00'"],
        ),
        (
            "demands: [{name: homework, at: 1600}]\n",
            ["demands[0].at: should be a 24-hour time like \"07:30\" or \"16:00\", not 1600"],
        ),
        (
            "demands: [{name: homework, at: '16:00', lead_minutes: 5, break_minutes: 8}]\n",
            [
                "demands[0].lead_minutes: (5) is shorter than the break (8 minutes), so the break "
                "would run into homework; make the lead time at least the break length"
            ],
        ),
        (
            "lead_minutes: 6\nbreak_minutes: 8\ndemands: [{name: homework, at: '16:00'}]\n",
            [
                "lead_minutes: (6) is shorter than the break (8 minutes), so the break would run "
                "into homework; make the lead time at least the break length"
            ],
        ),
        ("break_minutes: 45\ndemands: [{name: a, at: '16:00'}]\n",
         ["break_minutes: should be between 1 and 30, not 45"]),
        (
            "demands: [{name: a, at: '16:00', days: [mon, funday]}]\n",
            ["demands[0].days[1]: should be one of mon, tue, wed, thu, fri, sat, sun, "
             "not 'funday'"],
        ),
        (
            "demands: [{name: a, at: '16:00', needs: sleepy}]\n",
            ["demands[0].needs: should be calming or alerting, not 'sleepy'"],
        ),
        (
            "demands: [{name: Homework, at: '16:00'}, {name: homework, at: '17:00'}]\n",
            ["demands[1].name: 'homework' is also demands[0]"],
        ),
        (
            "demands: [{name: a, at: '16:00', when: later}]\n",
            ["demands[0].when: unknown field (known fields: at, break_minutes, days, lead_minutes,"
             " name, needs)"],
        ),
    ],
)  # fmt: skip
def test_validation_names_the_file_and_the_field(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = write(tmp_path, text)
    assert validate_schedule(path) == [f"{path}: {problem}" for problem in expected]
    with pytest.raises(ScheduleError, match=f"The schedule {path} is not valid: "):
        load_schedule(path)


def test_profile_ids_are_checked_against_the_activities(
    tmp_path: Path, activities: Activities
) -> None:
    path = write(
        tmp_path,
        """\
        demands: [{name: homework, at: '16:00'}]
        profile:
          calming: [heavy-work, heavy-lifting]
          favourites: [wal-push-ups, bear-hug]
        """,
    )
    source = activities.source
    problems = validate_schedule(path, activities)
    assert problems[0].startswith(
        f"{path}: profile.calming[1]: 'heavy-lifting' is not a kind in {source} (known: "
    )
    assert problems[1] == (
        f"{path}: profile.favourites[0]: 'wal-push-ups' is not an activity in {source}; "
        "did you mean 'wall-push-ups'?"
    )
    assert len(problems) == 2
    assert validate_schedule(path) == []  # without the activities, ids are not checked


def test_unreadable_and_missing_schedules_say_what_to_do(tmp_path: Path) -> None:
    broken = write(tmp_path, "demands: [\n")
    with pytest.raises(ScheduleError, match=r"is not valid YAML at line"):
        load_schedule(broken)
    with pytest.raises(ScheduleError, match="There is no sensory schedule for Sam; write one at"):
        find_schedule(tmp_path / "home", "Sam")


def test_the_schedule_folder_is_the_childs_name_matched_ignoring_case(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert schedule_path(home, " Sam ") == home / "children" / "Sam" / "sensory.yaml"
    write(home / "children" / "ZOË", "demands: [{name: homework, at: '16:00'}]\n")
    assert schedule_path(home, "zoë") == home / "children" / "ZOË" / "sensory.yaml"
    assert find_schedule(home, "Zoë").demands[0].name == "homework"
    odd = schedule_path(home, "../x")
    assert odd.parent.parent == home / "children" and odd.parent.name.startswith("x-")


# --- the activities file --------------------------------------------------------------------


def test_the_shipped_activities_are_valid_and_grouped_by_kind(activities: Activities) -> None:
    assert validate_activities(SHIPPED_ACTIVITIES / "en.yaml") == []
    assert {k.id for k in activities.kinds} >= {
        "heavy-work", "deep-pressure", "oral-motor", "slow-movement",
    }  # fmt: skip
    for kind in activities.kinds:
        members = [a for a in activities.activities if a.kind == kind.id]
        assert len(members) >= 3, kind.id
    ids = [a.id for a in activities.activities]
    assert len(ids) == len(set(ids))


def test_every_vestibular_activity_has_a_safety_note(activities: Activities) -> None:
    vestibular = [a for a in activities.activities if a.vestibular]
    assert len(vestibular) >= 5
    for activity in vestibular:
        assert activity.safety, activity.id
        assert "stop" in activity.safety.lower(), activity.id
    spinning = [a for a in activities.activities if a.safety and "spinning" in a.safety]
    assert spinning, "the no-spinning-without-an-adult rule is said somewhere"
    assert all("adult" in (a.safety or "") for a in spinning)


ACTIVITY_FILE = """\
    language: en
    kinds:
      slow-movement:
        title: slow movement
        about: Slow rocking.
        effect: calming
        vestibular: true
        activities:
          - id: slow-rocking
            name: slow rocking
            say: Rock {child} slowly.
          - id: slow-rocking
            name: rocking again
            say: Rock {kid} slowly.
            safety: Stay close.
            effect: soothing
    check_in:
      question: How does {child} seem now?
      again: Say calm, okay or wound up.
      fillers: [she]
      answers:
        calm: [calm]
        okay: [okay]
      skip: [skip]
"""


def test_activity_validation_names_file_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, ACTIVITY_FILE, "en.yaml")
    where = "kinds.slow-movement.activities"
    assert validate_activities(path) == [
        f"{path}: {where}[0].safety: is missing: an activity with vestibular input needs a safety"
        " note (supervision, no spinning without an adult, when to stop)",
        f"{path}: {where}[1].id: 'slow-rocking' is used twice (also {where}[0])",
        f"{path}: {where}[1].say: uses {{kid}}, which is not a known placeholder (allowed: "
        "{child})",
        f"{path}: {where}[1].effect: should be one of calming, organising, alerting, not "
        "'soothing'",
        f"{path}: check_in.answers.wound_up: is missing",
    ]
    with pytest.raises(ActivitiesError, match=f"The activities file {path} is not valid: "):
        load_activities(path)
