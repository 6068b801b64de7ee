"""Functional indicators and the 4 / 8 / 12-week milestones on synthetic 12-week histories."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest
from histories import (  # tests/ is on sys.path under pytest
    DAY,
    T0,
    WEEK,
    History,
    days_per_week,
    flat,
    flat_child,
    improving,
    learns_each_new_step_after,
    simulate,
)

from assistant.indicators import (
    ChildIndicators,
    IndicatorRules,
    Initiation,
    MilestoneStatus,
    ReviewKind,
    RoutineIndicators,
    SensoryBreak,
    child_indicators,
    routine_indicators,
)
from assistant.records import BreakRecord

MET, NOT_MET, NO_DATA, UPCOMING = (
    MilestoneStatus.MET,
    MilestoneStatus.NOT_MET,
    MilestoneStatus.NO_DATA,
    MilestoneStatus.UPCOMING,
)
AFTER_12_WEEKS = T0 + 12 * WEEK + DAY


def indicators(history: History, now: float = AFTER_12_WEEKS) -> ChildIndicators:
    return child_indicators(
        history.child,
        history.sessions,
        history.outcomes,
        history.events,
        now=now,
        initiations=history.initiations,
        breaks=history.breaks,
    )


def routine(history: History, now: float = AFTER_12_WEEKS) -> RoutineIndicators:
    (only,) = indicators(history, now).routines
    return only


def statuses(r: RoutineIndicators) -> list[MilestoneStatus]:
    return [m.status for m in r.milestones]


# -- improving -----------------------------------------------------------------------------


def test_improving_meets_every_milestone_and_needs_no_adjusting() -> None:
    r = routine(improving())
    assert [m.weeks for m in r.milestones] == [4, 8, 12]
    assert statuses(r) == [MET, MET, MET]
    assert r.review.kind is ReviewKind.MASTERED
    assert "needs adjusting" not in r.review.text
    assert r.milestones[0].text.startswith("4 weeks (29 Jan 2026): the routine needed less help")
    assert "Sam did every step on their own in the last 3 sessions" in r.milestones[2].text


def test_improving_prompting_falls_week_by_week() -> None:
    r = routine(improving())
    weekly = [w.prompting for w in r.weeks if w.prompting is not None]
    assert len(weekly) == 12
    assert weekly == sorted(weekly, reverse=True)
    assert weekly[0] == pytest.approx(8.4)  # 8 parent steps, plus "not yet" on the new step
    assert weekly[-1] == 0
    assert r.prompting_text == (
        'Help needed (steps you did plus "not yet"): about 8.4 a session in week 1, 0 in week 12.'
    )


def test_midway_the_review_sees_change_and_later_milestones_are_upcoming() -> None:
    r = routine(improving(), now=T0 + 6 * WEEK + DAY)
    assert statuses(r) == [MET, UPCOMING, UPCOMING]
    assert r.milestones[1].text == (
        "8 weeks (26 Feb 2026): Sam starts one part without being asked. Not due yet."
    )
    assert r.review.kind is ReviewKind.CHANGING
    assert "less help each session" in r.review.text
    assert "Sam took on" in r.review.text


def test_before_six_weeks_the_review_waits() -> None:
    r = routine(flat(days_per_week([0, 1, 2, 3])), now=T0 + 5 * WEEK)
    assert r.review.kind is ReviewKind.TOO_EARLY
    assert r.review.text.startswith("From 12 Feb 2026, after 6 weeks of practice")


# -- flat ----------------------------------------------------------------------------------


def test_flat_with_regular_practice_needs_adjusting_and_suggests_an_assessment() -> None:
    r = routine(flat(days_per_week([0, 1, 3, 5])))  # 4 sessions every week
    assert statuses(r) == [NOT_MET, NOT_MET, NOT_MET]
    assert r.review.kind is ReviewKind.ADJUST
    assert (r.review.weeks, r.review.regular_weeks) == (8, 8)
    text = r.review.text
    assert "8 weeks of regular practice" in text
    assert "needs adjusting" in text
    for idea in ("different skill", "challenge level", "calm and ready first"):
        assert idea in text
    assert "formal OT assessment" in text
    assert r.steps_taken_over == 0
    assert r.chain_text == "Sam does the last step of 9 on their own, as at the start."


def test_flat_after_six_weeks_of_regular_practice_already_says_so() -> None:
    r = routine(flat(days_per_week([0, 2, 4], weeks=6)), now=T0 + 6 * WEEK + DAY)
    assert r.review.kind is ReviewKind.ADJUST
    assert r.review.weeks == 6


def test_irregular_practice_makes_no_claim_about_the_program() -> None:
    r = routine(flat(days_per_week([2])))  # once a week
    assert r.review.kind is ReviewKind.IRREGULAR
    assert r.review.regular_weeks == 0
    assert "needs adjusting" not in r.review.text
    assert "assessment" not in r.review.text
    assert "practice was irregular (0 of the last 8 weeks had 3 or more sessions)" in r.review.text


@pytest.mark.parametrize(("regular_weeks", "kind"), [(4, ReviewKind.ADJUST), (3, "irregular")])
def test_regular_means_three_sessions_in_most_weeks(regular_weeks: int, kind: str) -> None:
    # Six full weeks: `regular_weeks` of them with 3 sessions, the others with 2.
    days = [w * 7 + d for w in range(6) for d in ([0, 2, 4] if w < regular_weeks else [0, 3])]
    r = routine(flat(days), now=T0 + 6 * WEEK + DAY)
    assert r.review.regular_weeks == regular_weeks
    assert r.review.kind == kind


# -- initiations ---------------------------------------------------------------------------


def test_an_initiation_in_week_8_meets_the_8_week_milestone() -> None:
    history = flat(days_per_week([0, 1, 3, 5]))
    history.initiations.append(Initiation(T0 + 52 * DAY, "toothbrushing", step=9))
    r = routine(history)
    assert r.milestones[1].status is MET
    assert r.milestones[1].text == (
        "8 weeks (26 Feb 2026): Sam started part of the routine without being asked (once so far)."
    )
    assert [w.initiations for w in r.weeks][6:9] == [0, 1, 0]
    # Starting without being asked is a change: no "needs adjusting".
    assert r.review.kind is ReviewKind.CHANGING
    assert "Sam started without being asked 1 time" in r.review.text
    assert (
        r.initiation_text == "Sam started without being asked 1 time, most recently on 22 Feb 2026."
    )


def test_an_initiation_after_week_8_is_too_late_for_that_milestone() -> None:
    history = flat(days_per_week([0, 1, 3, 5]))
    history.initiations.append(Initiation(T0 + 57 * DAY, "toothbrushing", step=None))
    r = routine(history)
    assert r.milestones[1].status is NOT_MET
    assert len(r.initiations) == 1


def test_initiations_of_another_routine_do_not_count() -> None:
    history = flat(days_per_week([0, 1, 3, 5]))
    history.initiations.append(Initiation(T0 + 52 * DAY, "socks-and-shoes", step=3))
    r = routine(history)
    assert r.milestones[1].status is NOT_MET
    assert r.review.kind is ReviewKind.ADJUST


# -- chain growth --------------------------------------------------------------------------


def test_chain_growth_counts_the_steps_the_parent_no_longer_does() -> None:
    three_a_week = days_per_week([0, 2, 4])
    history = simulate(
        History("Ana"), "socks-and-shoes", 6, three_a_week, learns_each_new_step_after(2)
    )
    r = routine(history)
    # 2 misses + 3 successes per new step: 5 sessions a step, all 6 steps after 25 sessions.
    assert (r.child_steps_first, r.child_steps_now, r.steps_taken_over) == (1, 6, 5)
    assert [e.child_from_step for e in r.events] == [5, 4, 3, 2, 1]
    assert r.chain_text == (
        "Ana does all 6 steps on their own: you no longer do 5 steps you did at the start."
    )
    assert r.milestones[2].status is MET


def test_partial_growth_at_12_weeks_is_stated_in_words() -> None:
    twice_a_week = days_per_week([0, 3])
    history = simulate(
        History("Ana"), "socks-and-shoes", 6, twice_a_week, learns_each_new_step_after(2)
    )
    r = routine(history)
    # 24 sessions at 5 a step: 4 steps taken on.
    assert r.milestones[2].status is NOT_MET
    assert r.milestones[2].text == (
        "12 weeks (26 Mar 2026): not yet. Ana does the last 5 of 6 steps on their own "
        "(4 more steps than at the start). You can step back once Ana does every step on their "
        "own in 3 sessions in a row."
    )
    # Twice a week is not regular practice, but the chain grew: that is change all the same.
    assert r.review.kind is ReviewKind.CHANGING


def test_a_step_given_back_is_no_longer_counted_as_taken_over() -> None:
    # The child always does step 9 and never the new step 8: after 3 sessions step 8 becomes
    # theirs, and after 3 "not yet" on it, it goes back to the parent.
    history = simulate(
        History("Sam"), "toothbrushing", 9, days_per_week([0, 1, 2]), lambda i, s, f: s == 9
    )
    advanced, stepped_back = history.events[:2]
    assert (advanced.kind.value, stepped_back.kind.value) == ("advanced", "stepped_back")
    between = routine(history, now=advanced.at + 1)
    assert (between.child_steps_now, between.steps_taken_over) == (2, 1)
    after = routine(history, now=stepped_back.at + 1)
    assert (after.child_steps_now, after.steps_taken_over) == (1, 0)
    assert after.chain_text == "Sam does the last step of 9 on their own, as at the start."


# -- sessions, weeks, breaks, comments -----------------------------------------------------


def test_stopped_sessions_count_as_practice_but_not_for_help() -> None:
    history = simulate(
        History("Sam"),
        "toothbrushing",
        9,
        days_per_week([0, 1, 2, 3], weeks=2),
        flat_child,
        stopped=lambda i: i % 2 == 1,
    )
    r = routine(history, now=T0 + 2 * WEEK - 1)
    assert [(w.sessions, w.complete_sessions) for w in r.weeks] == [(4, 2), (4, 2)]


def test_four_weeks_with_no_finished_sessions_late_is_no_data() -> None:
    history = flat(days_per_week([0, 1, 2], weeks=2))
    r = routine(history, now=T0 + 4 * WEEK + DAY)
    assert r.milestones[0].status is NO_DATA
    assert "too few finished sessions" in r.milestones[0].text


def test_breaks_are_counted_per_week_from_the_first_session() -> None:
    history = improving()
    ind = indicators(history)
    assert len(ind.break_weeks) == 13
    assert [b.count for b in ind.break_weeks[:12]] == [3] * 12
    assert ind.break_weeks[0].minutes == 18
    assert ind.breaks_text == "36 sensory breaks logged; about 2.2 a week over the last 4 weeks."
    no_breaks = indicators(flat(days_per_week([0, 1, 2])))
    assert no_breaks.breaks_text == "No sensory breaks logged yet for Sam."


def test_breaks_before_the_first_session_start_the_week_count() -> None:
    history = flat(days_per_week([0, 1, 2], weeks=1))
    history.breaks.append(SensoryBreak(T0 - 3 * DAY, 300))
    ind = indicators(history, now=T0 + 3 * DAY)
    assert [(b.week, b.count, b.minutes) for b in ind.break_weeks] == [(1, 1, 5.0)]


def test_logged_breaks_convert_and_a_cancelled_one_adds_no_minutes() -> None:
    ran = BreakRecord("Sam", "before school", "wall-push-ups", None, T0, 360.0, ended_at=T0 + 360)
    cancelled = replace(ran, started_at=T0 + DAY, ended_at=None)
    history = flat(days_per_week([0, 1, 2], weeks=1))
    history.breaks += [SensoryBreak.from_record(ran), SensoryBreak.from_record(cancelled)]
    ind = indicators(history, now=T0 + 3 * DAY)
    assert [(b.count, b.minutes) for b in ind.break_weeks] == [(2, 6.0)]


def test_the_4_to_1_trend_compares_the_first_and_latest_weeks() -> None:
    r = routine(improving())
    assert r.sessions[0].ratio == pytest.approx(0.5)
    assert r.ratio_text == (
        "Comments, descriptive to directive: 0.6 to 1 in the first weeks, 10.6 to 1 in the "
        "latest (the aim is 4 to 1)."
    )
    silent = routine(simulate(History("Sam"), "toothbrushing", 9, [0, 1, 2], flat_child))
    assert silent.ratio_text == "No comments counted yet."


def test_records_after_now_are_ignored() -> None:
    history = improving()
    early = routine(history, now=T0 + 3 * WEEK)
    assert len(early.weeks) == 4
    assert all(s.started_at <= T0 + 3 * WEEK for s in early.sessions)
    assert early.initiations == ()


def test_each_routine_is_separate() -> None:
    history = improving()
    simulate(history, "socks-and-shoes", 6, days_per_week([5, 6]), flat_child)
    ind = indicators(history)
    assert [r.playbook for r in ind.routines] == ["socks-and-shoes", "toothbrushing"]
    socks, teeth = ind.routines
    assert len(socks.sessions) == 24 and len(teeth.sessions) == 60
    assert socks.initiations == ()
    with pytest.raises(ValueError):
        routine_indicators("Sam", "hand-washing", history.sessions, history.outcomes, (), now=T0)


def test_record_order_does_not_matter() -> None:
    history = improving()
    expected = indicators(history)
    rng = random.Random(7)
    for records in (history.sessions, history.outcomes, history.events, history.initiations):
        rng.shuffle(records)
    assert indicators(history).as_json() == expected.as_json()


def test_as_json_is_plain_json() -> None:
    data = json.loads(json.dumps(indicators(improving()).as_json()))
    teeth = data["routines"][0]
    assert teeth["steps_taken_over"] == 8
    assert [m["status"] for m in teeth["milestones"]] == ["met", "met", "met"]
    assert teeth["review"]["kind"] == "mastered"
    assert data["as_of"] == "2026-03-27T08:00:00Z"


def test_rules_can_change_what_counts_as_regular() -> None:
    history = flat(days_per_week([0, 3]))
    strict = routine(history)
    assert strict.review.kind is ReviewKind.IRREGULAR
    lenient = child_indicators(
        "Sam",
        history.sessions,
        history.outcomes,
        history.events,
        now=AFTER_12_WEEKS,
        rules=IndicatorRules(regular_sessions_per_week=2),
    ).routines[0]
    assert lenient.review.kind is ReviewKind.ADJUST
    with pytest.raises(ValueError):
        IndicatorRules(review_after_weeks=3)
