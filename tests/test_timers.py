"""The pure timer logic on explicit times: every cue time, pause/resume, add, several timers,
the ring and its auto-stop. No clock is read and nothing sleeps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant import timers as T
from assistant.timers import CueKind, TimerPhase, TimerRules, TimerSet

T0 = 1_790_000_000.0


def run_all(timers: TimerSet, until: float | None = None) -> tuple[TimerSet, list[T.Cue]]:
    """Every cue, calling `due` exactly when `next_due` says (as the adapter does)."""
    cues: list[T.Cue] = []
    while (when := T.next_due(timers)) is not None and (until is None or when <= until):
        timers, found = T.due(timers, when)
        assert found, f"next_due said {when} but nothing was due"
        cues += found
    return timers, cues


def times(cues: list[T.Cue], start: float = T0) -> list[tuple[float, CueKind]]:
    return [(round(c.at - start, 3), c.kind) for c in cues]


def started(seconds: float, name: str = "break", at: float = T0, **rules: float) -> TimerSet:
    return T.start(TimerSet(rules=TimerRules(**rules)), name, seconds, at)


# --- every cue time -------------------------------------------------------------------------


def test_a_five_minute_timer_gives_every_cue_at_its_time() -> None:
    timers, cues = run_all(started(300))
    assert times(cues) == [
        (0.0, CueKind.STARTED),
        (150.0, CueKind.HALFWAY),
        (240.0, CueKind.ONE_MINUTE),
        (300.0, CueKind.ENDED),
        *[(300.0 + 5 * k, CueKind.CHIME) for k in range(1, 12)],
        (360.0, CueKind.SILENCED),
    ]
    assert not timers  # an ended timer leaves the set once its ring stops
    assert [c.text for c in cues[:4]] == [
        "Five-minute break, starting now.",
        "Halfway through the break: two and a half minutes left.",
        "One minute left on the break.",
        "Time's up: break finished.",
    ]
    assert [c.chime for c in cues[:5]] == [False, False, False, True, True]
    assert all(c.text == "" for c in cues[4:])


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (2, [(0, CueKind.STARTED), (2, CueKind.ENDED)]),
        (29, [(0, CueKind.STARTED), (29, CueKind.ENDED)]),
        (30, [(0, CueKind.STARTED), (15, CueKind.HALFWAY), (30, CueKind.ENDED)]),
        (90, [(0, CueKind.STARTED), (45, CueKind.HALFWAY), (90, CueKind.ENDED)]),
        # 2 minutes is not "longer than 2 minutes": halfway is the one-minute mark anyway.
        (120, [(0, CueKind.STARTED), (60, CueKind.HALFWAY), (120, CueKind.ENDED)]),
        # Halfway (75 s left) would come 15 s before "one minute left": only the latter.
        (150, [(0, CueKind.STARTED), (90, CueKind.ONE_MINUTE), (150, CueKind.ENDED)]),
        (
            180,
            [
                (0, CueKind.STARTED),
                (90, CueKind.HALFWAY),
                (120, CueKind.ONE_MINUTE),
                (180, CueKind.ENDED),
            ],
        ),
    ],
)
def test_which_cues_a_timer_gets_depends_on_its_length(
    seconds: float, expected: list[tuple[float, CueKind]]
) -> None:
    _, cues = run_all(started(seconds, ring_for=0))
    spoken = [(t, k) for t, k in times(cues) if k not in (CueKind.CHIME, CueKind.SILENCED)]
    assert spoken == [(float(t), k) for t, k in expected]


def test_nothing_is_due_before_its_time_and_each_cue_comes_once() -> None:
    timers = started(300)
    timers, cues = T.due(timers, T0)
    assert [c.kind for c in cues] == [CueKind.STARTED]
    for at in (T0 + 1, T0 + 149.999):
        timers, cues = T.due(timers, at)
        assert cues == []
    timers, cues = T.due(timers, T0 + 150)
    assert [c.kind for c in cues] == [CueKind.HALFWAY]
    timers, cues = T.due(timers, T0 + 150)
    assert cues == []
    assert T.next_due(timers) == T0 + 240


def test_a_late_call_says_only_the_latest_progress_cue() -> None:
    timers, _ = T.due(started(300), T0)
    timers, cues = T.due(timers, T0 + 250)  # halfway (150) and one minute (240) both passed
    assert [(c.kind, c.at - T0) for c in cues] == [(CueKind.ONE_MINUTE, 240.0)]


def test_a_call_after_the_end_skips_progress_cues_and_chimes_once() -> None:
    timers = started(300)
    timers, cues = T.due(timers, T0 + 312)
    assert times(cues) == [(0.0, CueKind.STARTED), (300.0, CueKind.ENDED)]
    # The repeat chimes at 305 and 310 were missed: the next one is the next slot, 315.
    assert T.next_due(timers) == T0 + 315


def test_missed_repeat_chimes_are_skipped_not_replayed() -> None:
    timers, _ = T.due(started(10), T0 + 10)
    timers, cues = T.due(timers, T0 + 27.5)  # slots 15, 20 and 25 have come
    assert times(cues) == [(25.0, CueKind.CHIME)]
    assert T.next_due(timers) == T0 + 30


def test_a_call_long_after_the_end_ends_the_ring_too() -> None:
    timers, cues = T.due(started(10), T0 + 1000)
    assert times(cues) == [(0.0, CueKind.STARTED), (10.0, CueKind.ENDED), (70.0, CueKind.SILENCED)]
    assert not timers


# --- the ring -------------------------------------------------------------------------------


def test_the_ring_stops_by_itself_after_ring_for() -> None:
    timers, cues = run_all(started(2, chime_every=2, ring_for=7))
    assert times(cues) == [
        (0.0, CueKind.STARTED),
        (2.0, CueKind.ENDED),
        (4.0, CueKind.CHIME),
        (6.0, CueKind.CHIME),
        (8.0, CueKind.CHIME),
        (9.0, CueKind.SILENCED),
    ]
    assert not timers and T.next_due(timers) is None


def test_ring_for_zero_chimes_once() -> None:
    _, cues = run_all(started(2, ring_for=0))
    assert times(cues) == [(0.0, CueKind.STARTED), (2.0, CueKind.ENDED), (2.0, CueKind.SILENCED)]
    assert [c.chime for c in cues] == [False, True, False]


def test_stop_while_ringing_stops_the_ring_and_nothing_else() -> None:
    timers = started(10)
    timers = T.start(timers, "tea", 100, T0)
    timers, _ = T.due(timers, T0 + 12)
    assert timers.ringing == ("break",)
    timers, stopped = T.stop_ringing(timers)
    assert stopped == ("break",)
    assert timers.ringing == () and [t.name for t in timers.timers] == ["tea"]
    # No more chimes: what comes next is the tea timer's halfway point.
    assert T.next_due(timers) == T0 + 50
    assert T.stop_ringing(timers)[1] == ()  # "stop" with nothing ringing: nothing stopped


def test_stop_ringing_by_name_leaves_other_rings() -> None:
    timers = T.start(started(10), "tea", 10, T0)
    timers, _ = T.due(timers, T0 + 10)
    timers, stopped = T.stop_ringing(timers, "TEA")
    assert stopped == ("tea",) and timers.ringing == ("break",)


def test_add_to_a_ringing_timer_runs_it_again() -> None:
    timers, _ = T.due(started(10), T0 + 11)
    timers, timer = T.add(timers, 60, T0 + 11)
    assert timer.phase is TimerPhase.RUNNING and timer.remaining(T0 + 11) == 60
    assert timers.ringing == ()
    timers, cues = run_all(timers)
    assert times(cues, T0 + 11) == [
        (60.0, CueKind.ENDED),
        *[(60.0 + 5 * k, CueKind.CHIME) for k in range(1, 12)],
        (120.0, CueKind.SILENCED),
    ]


# --- pause and resume -----------------------------------------------------------------------


def test_pause_and_resume_push_every_cue_back_by_the_pause() -> None:
    timers, _ = T.due(started(300), T0)
    timers, paused = T.pause(timers, T0 + 100)
    assert paused.phase is TimerPhase.PAUSED and paused.remaining(T0 + 5000) == 200
    assert T.next_due(timers) is None  # nothing is due while paused
    assert T.due(timers, T0 + 5000)[1] == []
    timers, resumed = T.resume(timers, T0 + 1000)
    assert resumed.remaining(T0 + 1000) == 200
    _, cues = run_all(timers, until=T0 + 1200)
    assert times(cues) == [
        (1050.0, CueKind.HALFWAY),
        (1140.0, CueKind.ONE_MINUTE),
        (1200.0, CueKind.ENDED),
    ]


def test_pausing_twice_and_resuming_a_running_timer_change_nothing() -> None:
    timers = started(300)
    timers, _ = T.pause(timers, T0 + 10)
    again, _ = T.pause(timers, T0 + 50)
    assert again == timers
    timers, _ = T.resume(timers, T0 + 60)
    again, _ = T.resume(timers, T0 + 70)
    assert again == timers
    assert T.remaining(timers, T0 + 60) == 290


@given(st.lists(st.tuples(st.integers(1, 50_000), st.integers(0, 50_000)), min_size=1, max_size=30))
def test_pause_resume_arithmetic_is_exact(segments: list[tuple[int, int]]) -> None:
    """Runs of `run` ms then pauses of `stop` ms: the end moves by exactly the paused time."""
    length = sum(run for run, _ in segments) + 1_234  # it never ends inside the segments
    start = T0 + 0.001  # not a whole second: the arithmetic must not drift
    timers = T.start(TimerSet(), "t", length / 1000, start)
    now = start
    paused_total = 0
    for run, stop in segments:
        now += run / 1000
        timers, _ = T.pause(timers, now)
        now += stop / 1000
        paused_total += stop
        timers, _ = T.resume(timers, now)
    timer = timers.get("t")
    assert timer is not None
    assert timer.ends_ms == round(start * 1000) + length + paused_total
    assert T.remaining(timers, now) == 1.234


def test_resume_without_a_name_picks_the_paused_timer() -> None:
    timers = T.start(started(300), "tea", 60, T0 + 1)
    timers, _ = T.pause(timers, T0 + 10, "break")
    timers, timer = T.resume(timers, T0 + 20)
    assert timer.name == "break" and timer.remaining(T0 + 20) == 290


# --- adding time ----------------------------------------------------------------------------


def test_add_moves_the_end_and_says_one_minute_left_again() -> None:
    timers, _ = T.due(started(300), T0)
    timers, _ = T.due(timers, T0 + 250)  # one minute left was said at 240
    timers, timer = T.add(timers, 60, T0 + 250)
    assert timer.seconds == 360 and timer.remaining(T0 + 250) == 110
    _, cues = run_all(timers, until=T0 + 360)
    # Halfway (of the new 6 minutes, at 180) is behind it: not said. One minute left again.
    assert times(cues) == [(300.0, CueKind.ONE_MINUTE), (360.0, CueKind.ENDED)]


def test_add_never_fires_a_cue_at_once() -> None:
    timers, _ = T.due(started(120), T0)
    timers, _ = T.due(timers, T0 + 100)  # halfway said at 60
    timers, _ = T.add(timers, 60, T0 + 100)  # now 3 minutes long, 80 s left
    assert T.due(timers, T0 + 100)[1] == []
    _, cues = run_all(timers, until=T0 + 180)
    # A 3-minute timer says one minute left; its halfway (at 90 s) was already behind it.
    assert times(cues) == [(120.0, CueKind.ONE_MINUTE), (180.0, CueKind.ENDED)]


def test_add_to_a_paused_timer_adds_to_what_is_left() -> None:
    timers, _ = T.pause(started(300), T0 + 100)
    timers, timer = T.add(timers, 30, T0 + 200)
    assert timer.phase is TimerPhase.PAUSED and timer.remaining(T0 + 999) == 230


@pytest.mark.parametrize("seconds", [0, -5, float("nan")])
def test_add_needs_a_positive_amount(seconds: float) -> None:
    with pytest.raises(T.TimerError):
        T.add(started(300), seconds, T0)


def test_add_cannot_pass_the_longest_timer() -> None:
    with pytest.raises(T.TimerError, match="at most twenty-four hours"):
        T.add(started(23 * 3600), 2 * 3600, T0)


# --- several named timers -------------------------------------------------------------------


def test_overlapping_named_timers_cue_in_time_order() -> None:
    timers = started(300, "break")
    timers = T.start(timers, "Tea", 120, T0 + 100)
    timers, cues = run_all(timers, until=T0 + 300)
    assert [(round(c.at - T0), c.name, c.kind) for c in cues] == [
        (0, "break", CueKind.STARTED),
        (100, "Tea", CueKind.STARTED),
        (150, "break", CueKind.HALFWAY),
        (160, "Tea", CueKind.HALFWAY),
        (220, "Tea", CueKind.ENDED),
        *[(220 + 5 * k, "Tea", CueKind.CHIME) for k in range(1, 4)],
        (240, "break", CueKind.ONE_MINUTE),
        *[(240 + 5 * k, "Tea", CueKind.CHIME) for k in range(0, 8)],
        (280, "Tea", CueKind.SILENCED),
        (300, "break", CueKind.ENDED),
    ]
    assert cues[3].text == "Halfway through the Tea: one minute left."


def test_cues_due_at_the_same_moment_keep_start_order() -> None:
    timers = T.start(started(60, "a"), "b", 60, T0)
    _, cues = T.due(timers, T0 + 60)
    assert [(c.name, c.kind) for c in cues] == [
        ("a", CueKind.STARTED),
        ("b", CueKind.STARTED),
        ("a", CueKind.ENDED),
        ("b", CueKind.ENDED),
    ]


def test_names_are_unique_and_free_name_numbers_them() -> None:
    timers = started(300, "break")
    with pytest.raises(T.TimerError, match="already running"):
        T.start(timers, " Break ", 60, T0)
    assert T.free_name(timers, "break") == "break 2"
    assert T.free_name(timers, None) == "timer"
    timers = T.start(timers, T.free_name(timers, "break"), 60, T0)
    assert T.free_name(timers, "break") == "break 3"


def test_nameless_commands_mean_the_newest_timer() -> None:
    timers = T.start(started(300, "break"), "tea", 60, T0 + 1)
    timers, paused = T.pause(timers, T0 + 10)
    assert paused.name == "tea"
    timers, cancelled = T.cancel(timers)
    assert cancelled.name == "tea" and [t.name for t in timers.timers] == ["break"]
    assert T.remaining(timers, T0 + 10) == 290


def test_commands_with_no_timer_raise_no_timer() -> None:
    empty = TimerSet()
    with pytest.raises(T.NoTimer):
        T.pause(empty, T0)
    with pytest.raises(T.NoTimer):
        T.cancel(empty)
    with pytest.raises(T.NoTimer):
        T.remaining(started(60), T0, "tea")
    ringing, _ = T.due(started(1), T0 + 2)
    with pytest.raises(T.NoTimer):
        T.pause(ringing, T0 + 2)  # a ringing timer cannot be paused; "stop" ends it


def test_cancel_removes_a_ringing_timer() -> None:
    timers, _ = T.due(started(1), T0 + 2)
    timers, gone = T.cancel(timers, "break")
    assert gone.name == "break" and not timers and T.next_due(timers) is None


@pytest.mark.parametrize("seconds", [0, -1, float("inf"), 24 * 3600 + 1])
def test_start_refuses_impossible_lengths(seconds: float) -> None:
    with pytest.raises(T.TimerError):
        T.start(TimerSet(), "t", seconds, T0)


# --- status and words -----------------------------------------------------------------------


def test_status_lists_every_timer_with_what_is_left() -> None:
    timers = T.start(started(300, "break"), "tea", 120, T0 + 30)
    timers, _ = T.pause(timers, T0 + 60, "tea")
    assert T.status(timers, T0 + 90) == (
        T.TimerStatus("break", 210.0, TimerPhase.RUNNING),
        T.TimerStatus("tea", 90.0, TimerPhase.PAUSED),
    )
    assert T.status_text(timers, T0 + 90) == (
        "Three and a half minutes left on the break. "
        "One and a half minutes left on the tea, paused."
    )
    assert T.status_text(TimerSet(), T0) == "No timer is running."
    ringing, _ = T.due(started(5), T0 + 6)
    assert T.status_text(ringing, T0 + 6) == "The break has finished. Say stop to end the chime."


@pytest.mark.parametrize(
    ("seconds", "words", "read_back"),
    [
        (2, "two seconds", "Two-second break, starting now."),
        (1, "one second", "One-second break, starting now."),
        (45, "forty-five seconds", "Forty-five-second break, starting now."),
        (60, "one minute", "One-minute break, starting now."),
        (90, "one and a half minutes", "Break for one and a half minutes, starting now."),
        (300, "five minutes", "Five-minute break, starting now."),
        (330, "five and a half minutes", "Break for five and a half minutes, starting now."),
        (
            3725,
            "one hour, two minutes and five seconds",
            "Break for one hour, two minutes and five seconds, starting now.",
        ),
        (5400, "one and a half hours", "Break for one and a half hours, starting now."),
        (0.2, "one second", "One-second break, starting now."),
    ],
)
def test_durations_are_said_in_words(seconds: float, words: str, read_back: str) -> None:
    assert T.duration_words(seconds) == words
    assert T.read_back("break", seconds) == read_back


def test_number_words() -> None:
    assert [T.number_words(n) for n in (0, 7, 13, 20, 21, 99, 100, 105, 999, 1000)] == [
        "zero", "seven", "thirteen", "twenty", "twenty-one", "ninety-nine", "one hundred",
        "one hundred and five", "nine hundred and ninety-nine", "1000",
    ]  # fmt: skip


def test_command_replies() -> None:
    timers, timer = T.pause(started(300), T0 + 60)
    assert T.paused_text(timer) == "The break is paused with four minutes left."
    timers, timer = T.resume(timers, T0 + 100)
    assert T.resumed_text(timer, T0 + 100) == "The break is running again: four minutes left."
    timers, timer = T.add(timers, 60, T0 + 100)
    assert T.added_text(60, timer, T0 + 100) == (
        "Added one minute: five minutes left on the break."
    )
    assert T.cancelled_text(timer) == "The break is cancelled."
