"""What the assistant says in a session: short, warm, plain sentences, all in one place.

Pure functions of the playbook and the session's facts, so the words can be read and
changed without touching the flow.
"""

from __future__ import annotations

from collections.abc import Mapping

from .chaining import ChainState
from .playbook import Playbook, Step
from .records import EventKind, Outcome, SessionRecord, SessionStatus

PAUSED = "Paused. Say resume when you're ready."
RESUMED = "Let's carry on."
FIRST_STEP = "This is the first step, so there's nothing to go back to."
NOTED = "Thanks, noted."
ON_BREAK = "We're on a break. I'll come back to this step when it ends."

_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def number(n: int) -> str:
    """Small counts as words, which speech engines read more naturally."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def fill(text: str, child: str) -> str:
    """`text` with {child} replaced (playbooks are validated to use only that placeholder)."""
    return text.replace("{child}", child)


def clause(prompt: str) -> str:
    """A step prompt inside a sentence: "Put the brush away." -> "put the brush away"."""
    text = prompt.strip().rstrip(".!")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def greeting(playbook: Playbook, child: str, chain: ChainState) -> str:
    total = len(playbook.steps)
    first = chain.child_from_step
    own = total - first + 1
    title = clause(playbook.title)
    if own == 1:
        last = clause(playbook.steps[-1].prompt)
        part = f"You do the first steps, and {child} does the last one: {last}."
    elif own == total:
        part = f"{child} does every step, and you're there to notice and cheer."
    else:
        part = (
            f"You do the first {number(first - 1)} steps, and {child} does the last "
            f"{number(own)}, starting with {clause(playbook.steps[first - 1].prompt)}."
        )
    return f"Let's do {title} with {child}. {part}"


def parent_step(step: Step, number_: int, total: int, first_time: bool) -> str:
    text = f"Step {number_} of {total}: {step.prompt} This one's yours."
    return text + " Say next when it's done." if first_time else text


def child_step(step: Step, number_: int, total: int, child: str, first_time: bool) -> str:
    text = f"Step {number_} of {total} is {child}'s turn. {fill(step.cue, child)}"
    if first_time:
        text += f" Say done if {child} does it on their own, or not yet if they need help."
    return text


def initiated(child: str) -> str:
    return f"Noted: {child} started that without being asked. That's a big step."


def child_did_it(child: str) -> str:
    return f"Got it, {child} did that one."


def support(step: Step, child: str) -> str:
    return f"That's okay. {fill(step.support, child)} Say next when you're ready to go on."


def ask_outcome(child: str) -> str:
    return f"Did {child} do it on their own? Say done or not yet."


def help_text(phase: str, paused: bool) -> str:
    if paused:
        return "We're paused. Say resume to carry on, or stop to finish for today."
    if phase == "child_step":
        answer = "Say done if it was done on their own, or not yet if help was needed."
    else:
        answer = "Say next when the step is done."
    return f"{answer} You can also say repeat, back, skip, pause, or stop."


def summary(
    playbook: Playbook,
    session: SessionRecord,
    chain: ChainState,
    child_outcomes: Mapping[int, Outcome],
    new_chain: ChainState,
    change: EventKind | None,
    comments: str = "",
) -> str:
    """The end-of-session words: what the child did, any change in the chain, and `comments`
    (the 4:1 coach's sentence, when there was anything to count)."""
    child = session.child
    own = chain.steps_total - chain.child_from_step + 1
    done = sum(1 for o in child_outcomes.values() if o is Outcome.DONE)
    parts: list[str] = []
    if session.status is SessionStatus.STOPPED:
        parts.append("We stopped early today, and everything so far is saved.")
    else:
        parts.append("All finished.")
    if own == 1:
        if child_outcomes.get(chain.child_from_step) is Outcome.DONE:
            parts.append(f"{child} did their step on their own.")
        elif chain.child_from_step in child_outcomes:
            parts.append(f"{child} had help with their step today, and that's fine.")
    elif child_outcomes:
        parts.append(f"{child} did {number(done)} of their {number(own)} steps on their own.")
    if change is EventKind.ADVANCED:
        new_step = playbook.steps[new_chain.child_from_step - 1]
        parts.append(
            f"That's {number(playbook.rules.mastery_sessions)} times in a row! "
            f"From next time, {child} also does the step before: {clause(new_step.prompt)}."
        )
    elif change is EventKind.STEPPED_BACK:
        hard = playbook.steps[chain.child_from_step - 1]
        parts.append(
            f"{_capital(clause(hard.prompt))} has been tricky lately, so next time you'll do it "
            f"together again, and {child} keeps the steps after it. Small steps are how it works."
        )
    elif new_chain.streak > 0 and new_chain.child_from_step > 1:
        left = playbook.rules.mastery_sessions - new_chain.streak
        parts.append(
            f"That's {number(new_chain.streak)} in a row. {_capital(number(left))} more "
            f"and {child} takes on another step."
        )
    if comments:
        parts.append(comments)
    parts.append("Well done, both of you.")
    return " ".join(parts)
