"""The backward-chaining policy: a pure function from a session's child outcomes to a decision.

The child starts with the last step only. After `mastery_sessions` sessions in a row in which
every child step was done, the child takes over the step before (their part grows backwards).
A "not yet" on any child step resets that count. When the newest child step gets
`stepback_consecutive` "not yet" in a row, or `stepback_failures` failures within its last
`stepback_window` tries, support returns to it (the part shrinks by one). The child always
keeps the last step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from .records import EventKind, Outcome


@dataclass(frozen=True, slots=True)
class ChainRules:
    """Thresholds of the chaining policy; a playbook may override any of them."""

    mastery_sessions: int = 3
    """Successful sessions in a row before the child's part grows by one step."""
    stepback_consecutive: int = 3
    """"Not yet" in a row on the newest child step that return it to the parent."""
    stepback_failures: int = 6
    """Failures within the last `stepback_window` tries that return it to the parent."""
    stepback_window: int = 10
    """How many recent tries of the newest child step are looked at."""


@dataclass(frozen=True, slots=True)
class ChainState:
    """Where a child is in one playbook's chain."""

    steps_total: int
    """Number of steps in the playbook."""
    child_from_step: int
    """1-based first step the child does; `steps_total` means the child does the last step only."""
    streak: int = 0
    """Sessions in a row, at this chain length, in which every child step was done."""
    newest_tries: tuple[bool, ...] = field(default=())
    """Results of the newest child step since it became the newest, oldest first (True = done)."""

    @staticmethod
    def start(steps_total: int) -> ChainState:
        """A new chain: the child does the last step only."""
        return ChainState(steps_total=steps_total, child_from_step=steps_total)

    def fitted(self, steps_total: int) -> ChainState:
        """This state for a playbook that now has `steps_total` steps (edited since)."""
        if steps_total == self.steps_total:
            return self
        shift = steps_total - self.steps_total
        first = min(max(self.child_from_step + shift, 1), steps_total)
        return ChainState(steps_total=steps_total, child_from_step=first)


@dataclass(frozen=True, slots=True)
class ChainDecision:
    """The result of one session under the policy."""

    state: ChainState
    """The state to keep for the next session."""
    change: EventKind | None
    """What changed, if anything."""


def decide(
    state: ChainState,
    child_outcomes: Mapping[int, Outcome],
    complete: bool,
    rules: ChainRules = ChainRules(),
) -> ChainDecision:
    """Apply one session's child-step outcomes (step number -> final outcome) to `state`.

    A session counts towards mastery only when it was complete and every child step was done.
    A stopped session still counts its "not yet"s: they reset the streak and are tries of the
    newest step. A skipped child step breaks the run of successes but is not a failed try.
    """
    newest = state.child_from_step
    tries = state.newest_tries
    newest_outcome = child_outcomes.get(newest)
    if newest_outcome in (Outcome.DONE, Outcome.NOT_YET):
        tries = (*tries, newest_outcome is Outcome.DONE)[-rules.stepback_window :]

    outcomes = [child_outcomes.get(step) for step in range(newest, state.steps_total + 1)]
    all_done = complete and all(o is Outcome.DONE for o in outcomes)
    broken = any(o in (Outcome.NOT_YET, Outcome.SKIPPED) for o in outcomes)
    streak = state.streak + 1 if all_done else (0 if broken else state.streak)

    if streak >= rules.mastery_sessions and newest > 1:
        return ChainDecision(_moved(state, newest - 1), EventKind.ADVANCED)
    if newest < state.steps_total and _should_step_back(tries, rules):
        return ChainDecision(_moved(state, newest + 1), EventKind.STEPPED_BACK)
    return ChainDecision(replace(state, streak=streak, newest_tries=tries), None)


def _moved(state: ChainState, child_from_step: int) -> ChainState:
    return ChainState(steps_total=state.steps_total, child_from_step=child_from_step)


def _should_step_back(tries: Sequence[bool], rules: ChainRules) -> bool:
    run = rules.stepback_consecutive
    if len(tries) >= run and not any(tries[-run:]):
        return True
    recent = tries[-rules.stepback_window :]
    return sum(1 for t in recent if not t) >= rules.stepback_failures
