"""The 4:1 coach: counts, when it speaks at pauses, what it says, and the summary.

Times are plain floats (seconds on a fake session clock); nothing here waits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.coach import Coach, CoachRules, CoachState, Reminder
from assistant.comments import CoachWords, CommentKind

DESC, DIR, OTHER = CommentKind.DESCRIPTIVE, CommentKind.DIRECTIVE, CommentKind.OTHER
CHILD = "Sam"
EXAMPLES = ("You're squeezing the tube with both hands.", "{child}, you put the cap on.")

# Words of our own, so these tests pin the policy and not the shipped phrasing.
WORDS = CoachWords(
    praise=("Praise one for {child}.", "Praise two for {child}."),
    example="Example for {child}: {example}",
    hint="Hint for {child}.",
    ratio="{descriptive} d / {directive} r",
    summary_none="none",
    summary_met="{descriptive}, {directive}: met",
    summary_almost="{descriptive}, {directive}: almost",
    summary_below="{descriptive}, {directive}: below, {child}",
)


@pytest.fixture
def coach() -> Coach:
    return Coach(WORDS)


def said(coach: Coach, kinds: Iterable[CommentKind], at: float = 0.0) -> CoachState:
    state = CoachState()
    for kind in kinds:
        state = coach.record(state, kind, at)
    return state


# -- counting -------------------------------------------------------------------------------------


def test_record_counts_each_kind(coach: Coach) -> None:
    state = said(coach, [DESC, DESC, DIR, OTHER, DESC, OTHER])
    assert (state.descriptive, state.directive, state.other) == (3, 1, 2)
    assert state.ratio == 3.0
    assert [kind for _, kind in state.recent] == [
        DESC,
        DESC,
        DIR,
        DESC,
    ]  # other talk is not in the ratio


def test_record_never_speaks_or_touches_reminders(coach: Coach) -> None:
    state = said(coach, [DIR] * 10)
    assert state.reminders == 0
    assert state.last_reminder_at is None
    assert state.pauses_since_reminder == 0


def test_ratio_text(coach: Coach) -> None:
    assert coach.ratio_text(said(coach, [DESC] * 5 + [DIR] * 2)) == "5 d / 2 r"
    assert CoachState().ratio is None


def test_shipped_words() -> None:
    coach = Coach.for_language("en")
    state = said(coach, [DESC] * 5 + [DIR] * 2)
    assert coach.ratio_text(state) == "4:1 ratio: 5 descriptive / 2 directive"
    assert coach.summary(said(coach, [DESC] * 11 + [DIR] * 3), CHILD) == (
        "11 descriptive, 3 directive. That's almost 4 to 1."
    )
    _, praise = coach.at_pause(said(coach, [DESC]), 10.0, CHILD, EXAMPLES)
    assert praise == "Nice description. That helps Sam notice what worked."
    _, example = coach.at_pause(said(coach, [DIR]), 10.0, CHILD, EXAMPLES)
    assert example == (
        "Try describing what Sam is doing, like: You're squeezing the tube with both hands."
    )


# -- what it says at a pause ----------------------------------------------------------------------


def test_silent_when_nothing_was_said(coach: Coach) -> None:
    state, text = coach.at_pause(CoachState(), 100.0, CHILD, EXAMPLES)
    assert text is None
    assert state.reminders == 0


def test_silent_when_only_other_talk(coach: Coach) -> None:
    _, text = coach.at_pause(said(coach, [OTHER, OTHER, OTHER]), 100.0, CHILD, EXAMPLES)
    assert text is None


def test_praises_the_parents_descriptions(coach: Coach) -> None:
    state, text = coach.at_pause(said(coach, [DESC, DESC, DESC, DESC, DIR]), 30.0, CHILD, EXAMPLES)
    assert text == "Praise one for Sam."
    assert state.last_reminder is Reminder.PRAISE
    assert state.described_since == 0
    assert (state.reminders, state.last_reminder_at) == (1, 30.0)


def test_praise_lines_take_turns(coach: Coach) -> None:
    rules = CoachRules(min_gap=0, quiet_pauses=0)
    coach = Coach(WORDS, rules)
    state, texts = CoachState(), []
    for at in (10.0, 20.0, 30.0):
        state = coach.record(state, DESC, at - 1)
        state, text = coach.at_pause(state, at, CHILD, EXAMPLES)
        texts.append(text)
    assert texts == ["Praise one for Sam.", "Praise two for Sam.", "Praise one for Sam."]


def test_offers_one_example_when_below_the_ratio(coach: Coach) -> None:
    state, text = coach.at_pause(said(coach, [DESC, DESC, DIR]), 30.0, CHILD, EXAMPLES)
    assert text == "Example for Sam: You're squeezing the tube with both hands."
    assert state.last_reminder is Reminder.EXAMPLE
    assert state.examples_offered == 1


def test_examples_take_turns_and_fill_the_childs_name(coach: Coach) -> None:
    rules = CoachRules(min_gap=0, quiet_pauses=0)
    coach = Coach(WORDS, rules)
    state = said(coach, [DIR])
    state, first = coach.at_pause(state, 1.0, CHILD, EXAMPLES)
    state, second = coach.at_pause(state, 2.0, CHILD, EXAMPLES)
    assert first == "Example for Sam: You're squeezing the tube with both hands."
    assert second == "Example for Sam: Sam, you put the cap on."


def test_hint_when_the_step_has_no_examples(coach: Coach) -> None:
    _, text = coach.at_pause(said(coach, [DIR, DIR]), 30.0, CHILD, [])
    assert text == "Hint for Sam."


def test_exactly_four_to_one_is_not_below(coach: Coach) -> None:
    _, text = coach.at_pause(said(coach, [DESC] * 4 + [DIR]), 30.0, CHILD, EXAMPLES)
    assert text == "Praise one for Sam."


def test_a_parent_who_took_up_the_example_hears_praise_next(coach: Coach) -> None:
    state = said(coach, [DIR, DIR])
    state, text = coach.at_pause(state, 60.0, CHILD, EXAMPLES)
    assert state.last_reminder is Reminder.EXAMPLE
    state = coach.record(state, DESC, 70.0)  # still far below 4:1
    state, _ = coach.at_pause(state, 90.0, CHILD, EXAMPLES)  # the quiet pause after a reminder
    state, text = coach.at_pause(state, 130.0, CHILD, EXAMPLES)
    assert text == "Praise one for Sam."
    # Still below, and nothing new since the praise: the next reminder is an example again.
    state, _ = coach.at_pause(state, 200.0, CHILD, EXAMPLES)
    state, text = coach.at_pause(state, 260.0, CHILD, EXAMPLES)
    assert text is not None and text.startswith("Example for Sam:")


def test_old_directives_leave_the_window(coach: Coach) -> None:
    state = said(coach, [DIR, DIR], at=0.0)
    state = coach.record(state, DESC, 400.0)
    state, text = coach.at_pause(state, 410.0, CHILD, EXAMPLES)
    assert text == "Praise one for Sam."  # the directives 410 s ago no longer count
    assert state.directive == 2  # but the session's counts keep them


def test_min_directives_before_an_example() -> None:
    coach = Coach(WORDS, CoachRules(min_directives=3))
    _, text = coach.at_pause(said(coach, [DIR, DIR]), 30.0, CHILD, EXAMPLES)
    assert text is None


# -- the rate limit -------------------------------------------------------------------------------


def test_no_second_reminder_within_the_gap(coach: Coach) -> None:
    state, first = coach.at_pause(said(coach, [DESC]), 100.0, CHILD, EXAMPLES)
    assert first is not None
    state = coach.record(state, DESC, 105.0)
    state, _ = coach.at_pause(state, 110.0, CHILD, EXAMPLES)  # quiet pause
    state, text = coach.at_pause(state, 159.9, CHILD, EXAMPLES)
    assert text is None  # a third pause, but only 59.9 s on
    state, text = coach.at_pause(state, 160.0, CHILD, EXAMPLES)
    assert text == "Praise two for Sam."


def test_never_two_pauses_in_a_row(coach: Coach) -> None:
    state, first = coach.at_pause(said(coach, [DESC]), 100.0, CHILD, EXAMPLES)
    state = coach.record(state, DESC, 150.0)
    state, second = coach.at_pause(state, 500.0, CHILD, EXAMPLES)
    assert first is not None and second is None  # long enough, but the very next pause
    state, third = coach.at_pause(state, 510.0, CHILD, EXAMPLES)
    assert third is not None


def test_rules_are_configurable() -> None:
    coach = Coach(WORDS, CoachRules(min_gap=0, quiet_pauses=0))
    state, first = coach.at_pause(said(coach, [DESC]), 1.0, CHILD, EXAMPLES)
    state = coach.record(state, DESC, 1.5)
    _, second = coach.at_pause(state, 2.0, CHILD, EXAMPLES)
    assert first is not None and second is not None


steps = st.lists(
    st.tuples(
        st.sampled_from(["say", "pause"]),
        st.floats(min_value=0.0, max_value=90.0),
        st.sampled_from([DESC, DIR, OTHER]),
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(steps=steps)
def test_reminders_respect_the_rate_limit_whatever_happens(
    steps: list[tuple[str, float, CommentKind]],
) -> None:
    rules = CoachRules()
    coach = Coach(WORDS, rules)
    state, now = CoachState(), 0.0
    spoken: list[float] = []
    pauses_spoken: list[bool] = []
    for action, gap, kind in steps:
        now += gap
        if action == "say":
            state = coach.record(state, kind, now)
            continue
        state, text = coach.at_pause(state, now, CHILD, EXAMPLES)
        pauses_spoken.append(text is not None)
        if text is not None:
            spoken.append(now)
    assert all(b - a >= rules.min_gap for a, b in pairwise(spoken))
    assert not any(a and b for a, b in pairwise(pauses_spoken))
    assert state.reminders == len(spoken)
    counted = [kind for action, _, kind in steps if action == "say"]
    assert state.descriptive == counted.count(DESC)
    assert state.directive == counted.count(DIR)
    assert state.other == counted.count(OTHER)


# -- the summary ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("descriptive", "directive", "expected"),
    [
        (0, 0, "none"),
        (5, 0, "5, 0: met"),
        (8, 2, "8, 2: met"),
        (13, 3, "13, 3: met"),
        (11, 3, "11, 3: almost"),
        (3, 1, "3, 1: almost"),
        (5, 2, "5, 2: below, Sam"),
        (0, 3, "0, 3: below, Sam"),
    ],
)
def test_summary_at_several_ratios(
    coach: Coach, descriptive: int, directive: int, expected: str
) -> None:
    state = replace(CoachState(), descriptive=descriptive, directive=directive, other=4)
    assert coach.summary(state, CHILD) == expected


def test_summary_counts_the_whole_session_not_the_window(coach: Coach) -> None:
    state = said(coach, [DIR, DIR], at=0.0)
    state = coach.record(state, DESC, 1000.0)
    assert coach.summary(state, CHILD) == "1, 2: below, Sam"


def test_a_stricter_target_changes_the_summary() -> None:
    coach = Coach(WORDS, CoachRules(target=10.0, almost=4.0))
    state = replace(CoachState(), descriptive=8, directive=2)
    assert coach.summary(state, CHILD) == "8, 2: almost"
