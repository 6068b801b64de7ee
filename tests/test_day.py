"""A sensory-diet day on a fake clock with a script listener, logged to a real TinyStore; the
check-in answers; and the breaks log itself."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path

import pytest

from assistant.activities import SHIPPED_ACTIVITIES, Activities, load_activities, read_answer
from assistant.clock import FakeClock
from assistant.day import run_day
from assistant.errors import StoreError
from assistant.listeners import ScriptListener
from assistant.records import AfterBreak, BreakRecord
from assistant.schedule import Demand, Profile, Schedule, plan_day
from assistant.seams import Store
from assistant.store import TinyStore, child_slug
from assistant.timer_runner import CHIME_LINE

MONDAY = date(2025, 3, 3)


def local(hour: int, minute: int = 0, day: date = MONDAY) -> float:
    return datetime.combine(day, time(hour, minute)).timestamp()


@pytest.fixture(scope="module")
def activities() -> Activities:
    return load_activities(SHIPPED_ACTIVITIES / "en.yaml")


SCHEDULE = Schedule(
    (
        Demand("school morning", time(7, 30), frozenset(range(5))),
        Demand("homework", time(16, 0), frozenset(range(7)), lead_minutes=15, break_minutes=8),
    ),
    Profile(calming=("heavy-work", "deep-pressure"), favourites=("wall-push-ups", "bear-hug")),
    child="Sam",
)


class Recorder:
    """Speaker and chime player: what was said, and the clock time it was said at."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.said: list[tuple[float, str]] = []

    def say(self, text: str) -> None:
        self.said.append((self.clock.now(), text))

    def chime(self) -> None:
        self.said.append((self.clock.now(), CHIME_LINE))

    def close(self) -> None:
        pass


def script(tmp_path: Path, *lines: str) -> ScriptListener:
    path = tmp_path / "answers.txt"
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return ScriptListener(path)


def run(
    tmp_path: Path,
    activities: Activities,
    start: float,
    *answers: str,
) -> tuple[list[BreakRecord], Recorder, TinyStore, FakeClock]:
    clock = FakeClock(start)
    recorder = Recorder(clock)
    store = TinyStore(tmp_path / "home")
    records = run_day(
        SCHEDULE,
        activities,
        "Sam",
        clock=clock,
        sleep=clock.advance,
        speaker=recorder,
        chime=recorder,
        store=store,
        listener=script(tmp_path, *answers),
    )
    return records, recorder, store, clock


# --- a whole day ----------------------------------------------------------------------------


def test_a_day_with_two_demands_runs_and_logs_both_breaks(
    tmp_path: Path, activities: Activities
) -> None:
    records, recorder, store, clock = run(
        tmp_path, activities, local(6), "She's calm now", "what's for dinner", "still wound up"
    )
    plan = plan_day(SCHEDULE, MONDAY, activities)
    morning, homework = plan
    assert morning.activity is not None and homework.activity is not None
    expected = [
        BreakRecord(
            child="Sam",
            label="sensory break before school morning",
            activity=morning.activity.id,
            planned_at=local(7, 10),
            started_at=local(7, 10),
            seconds=360.0,
            ended_at=local(7, 16),
            after=AfterBreak.CALM,
        ),
        BreakRecord(
            child="Sam",
            label="sensory break before homework",
            activity=homework.activity.id,
            planned_at=local(15, 45),
            started_at=local(15, 45),
            seconds=480.0,
            ended_at=local(15, 53),
            after=AfterBreak.WOUND_UP,
        ),
    ]
    assert records == expected
    # Read back from the files by a fresh store: nothing was held in memory only.
    assert TinyStore(tmp_path / "home").breaks("sam") == expected
    assert store.children() == ["Sam"]
    assert clock.now() == local(15, 53)  # it returned after the last break, not at midnight

    said = [(round((at - local(0)) / 60, 2), text) for at, text in recorder.said]
    first = [text for minute, text in said if 7 * 60 + 10 <= minute <= 7 * 60 + 16]
    assert first[0] == (
        "Sensory break time. In twenty minutes it's school morning, so let's do six minutes "
        f"of {morning.activity.name}."
    )
    assert fill_child(morning.activity.say) in first
    assert "Six-minute sensory break, starting now." in first
    assert "Halfway through the sensory break: three minutes left." in first
    assert "One minute left on the sensory break." in first
    # The ring does not repeat: the question follows the end chime at once.
    assert first[-4:] == [
        CHIME_LINE,
        "Time's up: sensory break finished.",
        "How does Sam seem now: calm, okay, or still wound up?",
        "Thanks. Noted: Sam seems calm.",
    ]
    second = [text for minute, text in said if minute >= 15 * 60 + 45]
    assert second[-4:] == [
        "How does Sam seem now: calm, okay, or still wound up?",
        "Sorry, I didn't catch that. Is Sam calm, okay, or still wound up?",
        "Thanks. Noted: Sam seems still wound up.",
        "That's all the sensory breaks for today.",
    ]
    assert CHIME_LINE not in [t for m, t in said if m > 7 * 60 + 16 and m < 15 * 60 + 45]


def fill_child(text: str) -> str:
    return text.replace("{child}", "Sam")


def test_a_break_that_can_still_end_before_its_demand_runs_late(
    tmp_path: Path, activities: Activities
) -> None:
    records, recorder, _, _ = run(tmp_path, activities, local(7, 20), "calm", "okay")
    assert [r.label for r in records] == [
        "sensory break before school morning",
        "sensory break before homework",
    ]
    late = records[0]
    assert (late.planned_at, late.started_at, late.ended_at) == (
        local(7, 10), local(7, 20), local(7, 26),
    )  # fmt: skip
    assert recorder.said[0][1].startswith("Sensory break time. In ten minutes it's school morning")


def test_a_break_too_late_to_finish_is_skipped(tmp_path: Path, activities: Activities) -> None:
    records, _, _, _ = run(tmp_path, activities, local(7, 25), "okay")
    assert [r.label for r in records] == ["sensory break before homework"]


def test_the_end_of_the_input_logs_no_answer(tmp_path: Path, activities: Activities) -> None:
    records, recorder, _, _ = run(tmp_path, activities, local(15))
    assert [(r.label, r.after) for r in records] == [("sensory break before homework", None)]
    assert recorder.said[-1][1] == "That's all the sensory breaks for today."


def test_skip_logs_no_answer_without_asking_again(tmp_path: Path, activities: Activities) -> None:
    records, recorder, _, _ = run(tmp_path, activities, local(15), "I don't know")
    assert records[0].after is None
    texts = [t for _, t in recorder.said]
    assert "Okay, nothing noted this time." in texts
    assert not any(t.startswith("Sorry, I didn't catch that") for t in texts)


def test_ctrl_c_during_a_break_logs_it_unfinished_and_stops_the_day(
    tmp_path: Path, activities: Activities
) -> None:
    clock_start = local(15)
    stop_at = local(15, 48)

    def sleep(seconds: float) -> None:
        if clock.now() + seconds > stop_at:
            clock.advance(stop_at - clock.now())
            raise KeyboardInterrupt
        clock.advance(seconds)

    clock = FakeClock(clock_start)
    store = TinyStore(tmp_path / "home")
    with pytest.raises(KeyboardInterrupt):
        run_day(
            SCHEDULE, activities, "Sam", clock=clock, sleep=sleep, speaker=Recorder(clock),
            chime=Recorder(clock), store=store, listener=script(tmp_path, "calm"),
        )  # fmt: skip
    (logged,) = store.breaks("Sam")
    assert (logged.started_at, logged.ended_at, logged.after) == (local(15, 45), None, None)


def test_a_day_without_breaks_says_so(tmp_path: Path, activities: Activities) -> None:
    clock = FakeClock(local(9, day=date(2025, 3, 9)))  # a Sunday: no school, homework only
    recorder = Recorder(clock)
    weekdays_only = Schedule((Demand("school morning", time(7, 30), frozenset(range(5))),))
    records = run_day(
        weekdays_only, activities, "Sam", clock=clock, sleep=clock.advance, speaker=recorder,
        chime=recorder, store=TinyStore(tmp_path), listener=script(tmp_path),
    )  # fmt: skip
    assert records == []
    assert [t for _, t in recorder.said] == ["There are no sensory breaks planned for Sam today."]


# --- reading the answer ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "after", "understood"),
    [
        ("calm", AfterBreak.CALM, True),
        ("She's calm now", AfterBreak.CALM, True),
        ("he seems much calmer", AfterBreak.CALM, True),
        ("settled", AfterBreak.CALM, True),
        ("okay I guess", AfterBreak.OKAY, True),
        ("yeah she's fine", AfterBreak.OKAY, True),
        ("about the same", AfterBreak.OKAY, True),
        ("still wound up", AfterBreak.WOUND_UP, True),
        ("a bit wound up", AfterBreak.WOUND_UP, True),
        ("not calm at all", AfterBreak.WOUND_UP, True),
        ("bouncing off the walls", AfterBreak.WOUND_UP, True),
        ("I don't know", None, True),
        ("skip", None, True),
        ("what's for dinner", None, False),
        ("hmm", None, False),
        ("", None, False),
    ],
)
def test_answers_are_read_from_the_phrases_in_the_data(
    activities: Activities, text: str, after: AfterBreak | None, understood: bool
) -> None:
    answer = read_answer(activities.check_in, text)
    assert (answer.after, answer.understood) == (after, understood), text


# --- the breaks log -------------------------------------------------------------------------


def brk(
    started: float, after: AfterBreak | None = AfterBreak.OKAY, child: str = "Sam"
) -> BreakRecord:
    return BreakRecord(child, "sensory break before homework", "bear-walk", started - 60,
                       started, 360.0, started + 360, after)  # fmt: skip


def test_breaks_are_kept_one_file_per_child_and_month(tmp_path: Path) -> None:
    store: Store = TinyStore(tmp_path)
    may, june, may_later = brk(1_715_000_000.0), brk(1_717_500_000.0, None), brk(1_715_100_000.0)
    for record in (june, may, may_later):
        store.log_break(record)
    store.log_break(brk(1_715_000_500.0, AfterBreak.CALM, child="Zoë"))
    assert TinyStore(tmp_path).breaks("SAM") == [may, may_later, june]
    assert [r.after for r in store.breaks("Zoë")] == [AfterBreak.CALM]
    assert store.breaks("Nobody") == []
    folder = tmp_path / "log" / child_slug("Sam")
    assert sorted(p.name for p in folder.glob("breaks-*")) == [
        "breaks-2024-05.json",
        "breaks-2024-06.json",
    ]
    assert store.children() == ["Sam", "Zoë"]


def test_a_damaged_breaks_file_is_named_and_left_alone(tmp_path: Path) -> None:
    store = TinyStore(tmp_path)
    store.log_break(brk(1_715_000_000.0))
    path = tmp_path / "log" / child_slug("Sam") / "breaks-2024-05.json"
    data = json.loads(path.read_text())
    data["breaks"]["1"]["after"] = "ecstatic"
    damaged = json.dumps(data)
    path.write_text(damaged)
    with pytest.raises(StoreError, match=f"The log file {path} cannot be read"):
        store.breaks("Sam")
    with pytest.raises(StoreError, match=f"The log file {path} cannot be read"):
        store.log_break(brk(1_715_000_100.0))
    assert path.read_text() == damaged
