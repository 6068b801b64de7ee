"""The backward-chaining policy: table tests of DESIGN.md's rules, then properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assistant.chaining import ChainRules, ChainState, decide
from assistant.records import EventKind, Outcome

D, N, S = Outcome.DONE, Outcome.NOT_YET, Outcome.SKIPPED
DEFAULT = ChainRules()


def run(
    steps: int, sessions: list[dict[int, Outcome]], rules: ChainRules = DEFAULT
) -> tuple[ChainState, list[EventKind | None]]:
    """Apply complete sessions in turn; outcomes are given per step number."""
    state = ChainState.start(steps)
    changes = []
    for outcomes in sessions:
        decision = decide(state, outcomes, complete=True, rules=rules)
        state = decision.state
        changes.append(decision.change)
    return state, changes


def test_a_new_chain_gives_the_child_the_last_step_only() -> None:
    assert ChainState.start(9) == ChainState(steps_total=9, child_from_step=9)


def test_three_successful_sessions_in_a_row_add_the_step_before() -> None:
    state, changes = run(9, [{9: D}, {9: D}, {9: D}])
    assert changes == [None, None, EventKind.ADVANCED]
    assert state == ChainState(steps_total=9, child_from_step=8)


def test_two_successes_are_not_enough() -> None:
    state, changes = run(9, [{9: D}, {9: D}])
    assert changes == [None, None]
    assert (state.child_from_step, state.streak) == (9, 2)


def test_a_not_yet_resets_the_count() -> None:
    state, changes = run(9, [{9: D}, {9: D}, {9: N}, {9: D}, {9: D}])
    assert changes == [None] * 5
    assert (state.child_from_step, state.streak) == (9, 2)
    state, changes = run(9, [{9: D}, {9: D}, {9: N}, {9: D}, {9: D}, {9: D}])
    assert changes[-1] is EventKind.ADVANCED


def test_a_not_yet_on_an_older_child_step_also_resets() -> None:
    # Two steps are the child's (8 and 9); a "not yet" on 9 breaks the run even if 8 was done.
    state = ChainState(steps_total=9, child_from_step=8, streak=2)
    decision = decide(state, {8: D, 9: N}, complete=True)
    assert decision.change is None
    assert decision.state.streak == 0
    assert decision.state.newest_tries == (True,)


def test_every_child_step_must_be_done_for_a_session_to_count() -> None:
    state = ChainState(steps_total=9, child_from_step=7, streak=2)
    assert decide(state, {7: D, 8: D, 9: D}, complete=True).change is EventKind.ADVANCED
    assert decide(state, {7: D, 8: D}, complete=True).change is None  # step 9 never answered


def test_a_skipped_child_step_breaks_the_run_but_is_not_a_failed_try() -> None:
    state = ChainState(steps_total=9, child_from_step=8, streak=2, newest_tries=(False, False))
    decision = decide(state, {8: S, 9: D}, complete=True)
    assert decision.change is None
    assert decision.state.streak == 0
    assert decision.state.newest_tries == (False, False)


def test_a_stopped_session_never_counts_towards_mastery() -> None:
    state = ChainState(steps_total=9, child_from_step=9, streak=2)
    decision = decide(state, {9: D}, complete=False)
    assert decision.change is None
    assert decision.state.streak == 2


def test_a_stopped_session_still_counts_its_not_yet() -> None:
    state = ChainState(steps_total=9, child_from_step=8, streak=2, newest_tries=(False, False))
    decision = decide(state, {8: N}, complete=False)
    assert decision.change is EventKind.STEPPED_BACK
    assert decision.state.child_from_step == 9


def test_three_not_yet_in_a_row_on_the_newest_step_step_back() -> None:
    state = ChainState(steps_total=9, child_from_step=7)
    changes = []
    for _ in range(3):
        decision = decide(state, {7: N, 8: D, 9: D}, complete=True)
        state = decision.state
        changes.append(decision.change)
    assert changes == [None, None, EventKind.STEPPED_BACK]
    assert state == ChainState(steps_total=9, child_from_step=8)


def test_not_yet_on_an_older_step_does_not_step_back() -> None:
    state = ChainState(steps_total=9, child_from_step=7)
    for _ in range(5):
        decision = decide(state, {7: D, 8: N, 9: D}, complete=True)
        state = decision.state
        assert decision.change is None
    assert state.child_from_step == 7


def test_six_failures_in_the_last_ten_tries_step_back() -> None:
    # Never 3 in a row, but the 6th failure within 10 tries steps back.
    pattern = [N, N, D, N, N, D, N, N, D, D]
    state = ChainState(steps_total=5, child_from_step=3)
    changes = []
    for outcome in pattern:
        decision = decide(state, {3: outcome, 4: D, 5: D}, complete=True)
        state = decision.state
        changes.append(decision.change)
        if decision.change:
            break
    assert changes[-1] is EventKind.STEPPED_BACK
    assert len(changes) == 8  # failures at tries 1, 2, 4, 5, 7, 8: the 6th is the 8th try
    assert state.child_from_step == 4


def test_five_failures_in_ten_do_not_step_back() -> None:
    tries = (False, True, False, True, False, True, False, True, False)
    state = ChainState(steps_total=5, child_from_step=3, newest_tries=tries)
    decision = decide(state, {3: D, 4: D, 5: D}, complete=True)
    assert decision.change is None
    assert decision.state.newest_tries == (*tries, True)


def test_failures_older_than_the_window_are_forgotten() -> None:
    tries = (False,) * 5 + (True,) * 5
    state = ChainState(steps_total=5, child_from_step=3, newest_tries=tries)
    decision = decide(state, {3: N, 4: D, 5: D}, complete=True)
    assert decision.change is None  # window of 10 now holds 4 failures
    assert decision.state.newest_tries == (*tries[1:], False)


def test_the_child_always_keeps_the_last_step() -> None:
    state, changes = run(5, [{5: N}] * 12)
    assert changes == [None] * 12
    assert state.child_from_step == 5


def test_the_whole_chain_is_as_far_as_it_goes() -> None:
    state = ChainState(steps_total=2, child_from_step=1, streak=5)
    decision = decide(state, {1: D, 2: D}, complete=True)
    assert decision.change is None
    assert decision.state.child_from_step == 1


def test_thresholds_come_from_the_rules() -> None:
    rules = ChainRules(mastery_sessions=2, stepback_consecutive=2)
    state, changes = run(4, [{4: D}, {4: D}], rules)
    assert changes == [None, EventKind.ADVANCED]
    state, changes = run(4, [{4: D}, {4: D}, {3: N, 4: D}, {3: N, 4: D}], rules)
    assert changes[-1] is EventKind.STEPPED_BACK
    assert state.child_from_step == 4


def test_a_move_starts_the_new_newest_step_afresh() -> None:
    state = ChainState(steps_total=6, child_from_step=5, streak=2, newest_tries=(False, True))
    decision = decide(state, {5: D, 6: D}, complete=True)
    assert decision.state == ChainState(steps_total=6, child_from_step=4)


def test_a_state_fits_an_edited_playbook() -> None:
    state = ChainState(steps_total=9, child_from_step=7, streak=2)
    assert state.fitted(9) is state
    assert state.fitted(10) == ChainState(steps_total=10, child_from_step=8)
    assert state.fitted(3) == ChainState(steps_total=3, child_from_step=1)


outcomes = st.sampled_from([D, N, S, None])


@given(
    steps=st.integers(min_value=1, max_value=12),
    history=st.lists(
        st.tuples(st.lists(outcomes, min_size=12, max_size=12), st.booleans()), max_size=60
    ),
)
def test_the_childs_part_stays_in_range_and_moves_one_step_at_most(
    steps: int, history: list[tuple[list[Outcome | None], bool]]
) -> None:
    state = ChainState.start(steps)
    for raw, complete in history:
        child = {
            step: o
            for step, o in zip(range(state.child_from_step, steps + 1), raw, strict=False)
            if o is not None
        }
        decision = decide(state, child, complete)
        new = decision.state
        assert 1 <= new.child_from_step <= steps
        assert abs(new.child_from_step - state.child_from_step) <= 1
        moved = new.child_from_step - state.child_from_step
        expected = {-1: EventKind.ADVANCED, 1: EventKind.STEPPED_BACK, 0: None}[moved]
        assert decision.change is expected
        assert len(new.newest_tries) <= ChainRules().stepback_window
        state = new
