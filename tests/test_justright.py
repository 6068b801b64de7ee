"""The just-right rule: a table of session sequences and their decisions, then properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.justright import (
    LevelChange,
    LevelDecision,
    LevelRules,
    decide_level,
    sessions_at_level,
)

UP, DOWN = LevelChange.UP, LevelChange.DOWN

# (level, max_level, sessions at this level oldest first, expected level, expected change)
TABLE: list[tuple[str, int, int, list[tuple[int, int]], int, LevelChange | None]] = [
    ("no sessions yet: stay", 2, 5, [], 2, None),
    ("three 8/10 in a row: up", 2, 5, [(8, 10), (8, 10), (8, 10)], 3, UP),
    ("three 10/10: up", 1, 5, [(10, 10), (10, 10), (10, 10)], 2, UP),
    ("two strong sessions are not enough", 2, 5, [(9, 10), (10, 10)], 2, None),
    ("7/10 in the middle breaks the run", 2, 5, [(8, 10), (7, 10), (8, 10), (9, 10)], 2, None),
    ("a strong run after a miss counts", 2, 5, [(6, 10), (8, 10), (8, 10), (8, 10)], 3, UP),
    ("more tries, same share: 12/15 is 0.8", 2, 5, [(12, 15), (12, 15), (12, 15)], 3, UP),
    ("11/15 is under 0.8", 2, 5, [(12, 15), (12, 15), (11, 15)], 2, None),
    ("too few tries cannot be strong: 5/5", 2, 5, [(5, 5), (5, 5), (5, 5)], 2, None),
    ("a short session breaks the run", 2, 5, [(8, 10), (8, 10), (4, 4), (8, 10)], 2, None),
    ("4/10 latest: down", 3, 5, [(8, 10), (8, 10), (4, 10)], 2, DOWN),
    ("5/10 is not below 5/10: stay", 3, 5, [(5, 10)], 3, None),
    ("0/10: down", 3, 5, [(0, 10)], 2, DOWN),
    ("2/5 is under half with enough tries: down", 3, 5, [(2, 5)], 2, DOWN),
    ("1/4 is too few tries to step down", 3, 5, [(1, 4)], 3, None),
    ("an empty session (0 tries) changes nothing", 3, 5, [(8, 10), (8, 10), (0, 0)], 3, None),
    ("only the latest session can step down", 3, 5, [(2, 10), (6, 10)], 3, None),
    ("never above the top level", 5, 5, [(10, 10), (10, 10), (10, 10)], 5, None),
    ("never below level 1", 1, 5, [(0, 10)], 1, None),
    ("a one-level skill never moves", 1, 1, [(10, 10)] * 3, 1, None),
]


@pytest.mark.parametrize(
    ("level", "max_level", "sessions", "want_level", "want_change"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_table(
    level: int,
    max_level: int,
    sessions: list[tuple[int, int]],
    want_level: int,
    want_change: LevelChange | None,
) -> None:
    decision = decide_level(level, max_level, sessions)
    assert (decision.level, decision.change) == (want_level, want_change)


def test_change_compares_equal_to_plain_words() -> None:
    assert decide_level(2, 5, [(9, 10)] * 3).change == "up"
    assert decide_level(2, 5, [(1, 10)]).change == "down"


def test_streak_counts_strong_sessions_while_staying_and_resets_on_a_change() -> None:
    assert decide_level(2, 5, [(4, 10), (8, 10), (9, 10)]) == LevelDecision(2, None, streak=2)
    assert decide_level(2, 5, [(8, 10)] * 3).streak == 0
    # At the top level a strong run keeps counting, so the report can say "mastered".
    assert decide_level(5, 5, [(8, 10)] * 4).streak == 4


def test_rules_are_configurable() -> None:
    # Motivity-like: 2 sessions at 90% of at least 5 tries; step down below 60%.
    rules = LevelRules(up_rate=0.9, up_sessions=2, min_tries=5, down_rate=0.6, down_min_tries=1)
    assert decide_level(2, 5, [(5, 5), (9, 10)], rules).change is UP
    assert decide_level(2, 5, [(8, 10), (9, 10)], rules).change is None
    assert decide_level(2, 5, [(1, 2)], rules).change is DOWN


@pytest.mark.parametrize(
    "kwargs",
    [
        {"up_rate": 0.4},  # below down_rate
        {"down_rate": 0.0},
        {"up_rate": 1.2},
        {"up_sessions": 0},
        {"min_tries": 0},
        {"down_min_tries": 0},
    ],
)
def test_nonsense_rules_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        LevelRules(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("level", "max_level", "sessions"),
    [(0, 5, []), (6, 5, []), (1, 0, []), (2, 5, [(11, 10)]), (2, 5, [(-1, 10)])],
)
def test_bad_input_is_refused(level: int, max_level: int, sessions: list[tuple[int, int]]) -> None:
    with pytest.raises(ValueError):
        decide_level(level, max_level, sessions)


def test_sessions_at_level_keeps_only_the_newest_run_at_one_level() -> None:
    # Level 2, up to 3, back down to 2: the first visit to level 2 is not "in a row".
    history = [(2, 8, 10), (2, 9, 10), (2, 8, 10), (3, 3, 10), (2, 9, 10), (2, 8, 10)]
    assert sessions_at_level(history) == [(9, 10), (8, 10)]
    assert decide_level(2, 5, sessions_at_level(history)).change is None
    assert sessions_at_level([]) == []


def test_replaying_a_history_moves_up_then_down_then_up_again() -> None:
    """The caller's loop: decide after each session with the run at the current level."""
    level, history, changes = 1, list[tuple[int, int, int]](), list[LevelChange | None]()
    for successes in [8, 9, 10, 2, 8, 8, 9]:
        history.append((level, successes, 10))
        decision = decide_level(level, 3, sessions_at_level(history))
        level = decision.level
        changes.append(decision.change)
    assert changes == [None, None, UP, DOWN, None, None, UP]
    assert level == 2


sessions_strategy = st.lists(
    st.integers(min_value=0, max_value=20).flatmap(
        lambda tries: st.tuples(st.integers(min_value=0, max_value=tries), st.just(tries))
    ),
    max_size=8,
)


@given(
    max_level=st.integers(min_value=1, max_value=8),
    data=st.data(),
    sessions=sessions_strategy,
)
def test_level_stays_in_range_and_moves_at_most_one(
    max_level: int, data: st.DataObject, sessions: list[tuple[int, int]]
) -> None:
    level = data.draw(st.integers(min_value=1, max_value=max_level))
    decision = decide_level(level, max_level, sessions)
    assert 1 <= decision.level <= max_level
    assert abs(decision.level - level) <= 1
    expected = {1: UP, -1: DOWN, 0: None}[decision.level - level]
    assert decision.change is expected


@given(sessions=sessions_strategy)
def test_up_needs_three_strong_sessions_and_down_a_weak_latest_one(
    sessions: list[tuple[int, int]],
) -> None:
    decision = decide_level(3, 5, sessions)
    if decision.change is UP:
        assert len(sessions) >= 3
        assert all(t >= 10 and s / t >= 0.8 for s, t in sessions[-3:])
    if decision.change is DOWN:
        s, t = sessions[-1]
        assert t >= 5 and s / t < 0.5
