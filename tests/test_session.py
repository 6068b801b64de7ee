"""The pure session engine: DESIGN.md's session flow, driven event by event."""

from __future__ import annotations

import pytest
from driving import T0, Drive

from assistant.chaining import ChainState
from assistant.coach import Coach
from assistant.comments import CommentClassifier
from assistant.intents import intents_file, load_intents
from assistant.matcher import IntentMatcher
from assistant.playbook import Playbook, find_playbook
from assistant.records import Actor, EventKind, Outcome, SessionStatus
from assistant.session import (
    Chime,
    LogOutcome,
    LogSpeech,
    Say,
    SessionEngine,
    SessionState,
    Show,
    StartSession,
)
from assistant.session_breaks import BreakSettings
from assistant.wording import clause


@pytest.fixture(scope="module")
def matcher() -> IntentMatcher:
    return IntentMatcher(load_intents(intents_file("en")))


@pytest.fixture(scope="module")
def toothbrushing(tmp_path_factory: pytest.TempPathFactory) -> Playbook:
    return find_playbook("toothbrushing", tmp_path_factory.mktemp("home"))


def engine_of(d: Drive[SessionState]) -> SessionEngine:
    assert isinstance(d.engine, SessionEngine)
    return d.engine


def drive(
    matcher: IntentMatcher, book: Playbook, chain: ChainState | None = None
) -> Drive[SessionState]:
    engine = SessionEngine(
        book, matcher, CommentClassifier.for_language("en"), Coach.for_language("en")
    )
    chain = chain or ChainState.start(len(book.steps))
    d = Drive(engine, engine.new_state("s1", "Sam", chain, T0))
    d.begin()
    return d


def test_greeting_names_the_childs_steps_and_does_not_listen_yet(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    d = drive(matcher, toothbrushing)
    assert isinstance(d.effects[0], StartSession)
    greeting = d.spoken[0]
    assert "Sam" in greeting and "last one" in greeting
    assert d.spoken[1].startswith("Step 1 of 9:")
    assert "yours" in d.spoken[1]
    assert d.logged == []


def test_a_whole_session_logs_parent_steps_and_the_childs_step(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    d = drive(matcher, toothbrushing)
    d.say(*["next"] * 8)
    assert "Sam's turn" in d.spoken[-1]
    d.say("done")
    assert d.state.ended
    assert d.logged == [(i, Actor.PARENT, Outcome.DONE) for i in range(1, 9)] + [
        (9, Actor.CHILD, Outcome.DONE)
    ]
    finish = d.finish
    assert finish.session.status is SessionStatus.COMPLETE
    assert finish.chain.streak == 1
    assert "Sam did their step on their own" in d.spoken[-1]


def test_not_yet_offers_the_hint_and_waits_for_next_keeping_not_yet(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    d = drive(matcher, toothbrushing, ChainState(9, 8))
    d.say(*["next"] * 7, "not yet")
    assert d.spoken[-1].startswith("That's okay.")
    assert toothbrushing.steps[7].support.replace("{child}", "Sam") in d.spoken[-1]
    d.say("what a mess")  # chatter while helping: kept as speech, nothing logged
    assert [type(e) for e in d.effects[-2:]] == [LogSpeech, Show]
    d.say("done")  # moves on; the outcome stays "not yet"
    d.say("done")
    assert d.logged[-2:] == [(8, Actor.CHILD, Outcome.NOT_YET), (9, Actor.CHILD, Outcome.DONE)]
    helped = [e.outcome.helped for e in d.effects if isinstance(e, LogOutcome)]
    assert helped[-2:] == [True, False]
    assert d.finish.chain.streak == 0


def test_talk_to_the_child_is_never_an_outcome(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    d = drive(matcher, toothbrushing)
    d.say(*["next"] * 8)
    before = len(d.logged)
    d.say("are you done", "good job you're done with the top teeth", "is it done yet")
    assert len(d.logged) == before
    assert not d.state.ended
    speech = [e.speech.text for e in d.effects if isinstance(e, LogSpeech)]
    assert speech == ["are you done", "good job you're done with the top teeth", "is it done yet"]


def test_next_at_a_child_step_asks_instead_of_guessing(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    d = drive(matcher, toothbrushing)
    d.say(*["next"] * 8)
    d.say("next")
    assert d.spoken[-1] == "Did Sam do it on their own? Say done or not yet."
    assert len(d.logged) == 8


def test_a_half_heard_outcome_word_asks(matcher: IntentMatcher, toothbrushing: Playbook) -> None:
    d = drive(matcher, toothbrushing)
    d.say(*["next"] * 8)
    reading = engine_of(d).reading(d.state, "dune")
    assert reading.intent is None and reading.unsure is not None
    d.say("dune")
    assert d.spoken[-1].startswith("Did Sam do it on their own?")
    assert len(d.logged) == 8


def test_a_report_amid_talk_to_someone_asks_then_the_answer_is_logged(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    d = drive(matcher, toothbrushing)
    d.say(*["next"] * 8)
    d.say("sam did it herself love can you grab the post")  # the child, then a partner
    assert d.spoken[-1] == "Did Sam do it on their own? Say done or not yet."
    assert len(d.logged) == 8  # nothing taken from a guess at where the report ended
    d.say("done")
    assert d.logged[-1] == (9, Actor.CHILD, Outcome.DONE)


def test_not_yet_at_a_parent_step_is_not_an_outcome(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    d = drive(matcher, toothbrushing)
    d.say("not yet")
    assert d.logged == []
    assert d.state.step_number == 1


def test_repeat_previous_skip_pause_resume_help(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    d = drive(matcher, toothbrushing)
    first_prompt = d.spoken[-1]
    d.say("repeat")
    assert d.spoken[-1].startswith("Step 1 of 9:")
    d.say("go back")
    assert "first step" in d.spoken[-1]
    d.say("next", "previous")
    assert d.state.step_number == 1
    assert d.spoken[-1].startswith("Step 1 of 9:") and d.spoken[-1] != first_prompt
    d.say("skip this step")
    assert d.logged[-1] == (1, Actor.PARENT, Outcome.SKIPPED)
    assert d.state.step_number == 2
    d.say("pause")
    assert d.spoken[-1].startswith("Paused")
    d.say("done")  # not accepted while paused
    assert d.state.step_number == 2 and d.state.paused
    d.say("resume")
    assert not d.state.paused
    assert d.spoken[-1].startswith("Step 2 of 9:")
    d.say("help")
    assert "next" in d.spoken[-1]


def test_stop_and_end_of_input_keep_the_session_as_stopped(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    d = drive(matcher, toothbrushing)
    d.say("next", "next", "stop")
    assert d.state.ended
    assert d.finish.session.status is SessionStatus.STOPPED
    assert "stopped early" in d.spoken[-1]
    d2 = drive(matcher, toothbrushing)
    d2.say("next")
    d2.end_input()
    assert d2.finish.session.status is SessionStatus.STOPPED
    assert d2.logged == [(1, Actor.PARENT, Outcome.DONE)]


def test_mastery_is_announced_warmly(matcher: IntentMatcher, toothbrushing: Playbook) -> None:
    d = drive(matcher, toothbrushing, ChainState(9, 9, streak=2))
    d.say(*["next"] * 8, "done")
    assert d.finish.chain.child_from_step == 8
    (event,) = d.finish.events
    assert event.kind is EventKind.ADVANCED and event.child_from_step == 8
    assert "three times in a row" in d.spoken[-1]
    assert clause(toothbrushing.steps[7].prompt) in d.spoken[-1]  # names the step Sam takes on


def test_step_back_is_announced_kindly(matcher: IntentMatcher, toothbrushing: Playbook) -> None:
    chain = ChainState(9, 8, newest_tries=(False, False))
    d = drive(matcher, toothbrushing, chain)
    d.say(*["next"] * 7, "not yet", "next", "done")
    assert d.finish.chain.child_from_step == 9
    assert d.finish.events[0].kind is EventKind.STEPPED_BACK
    assert "tricky" in d.spoken[-1] and "together" in d.spoken[-1]


def test_times_come_from_the_events(matcher: IntentMatcher, toothbrushing: Playbook) -> None:
    d = drive(matcher, toothbrushing)
    d.say("next")
    (first,) = [e.outcome for e in d.effects if isinstance(e, LogOutcome)]
    assert (first.asked_at, first.answered_at) == (T0, T0 + 5)


# -- the 4:1 commenting coach -----------------------------------------------------------------


def speech_kinds(d: Drive[SessionState]) -> list[tuple[str, str | None]]:
    return [(e.speech.text, e.speech.kind) for e in d.effects if isinstance(e, LogSpeech)]


def test_comments_are_classified_counted_and_shown(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    d = drive(matcher, toothbrushing)
    d.say("you're holding the brush with both hands", "hold it like this", "mum's on the phone")
    assert speech_kinds(d) == [
        ("you're holding the brush with both hands", "descriptive"),
        ("hold it like this", "directive"),
        ("mum's on the phone", "other"),
    ]
    assert (d.state.coach.descriptive, d.state.coach.directive) == (1, 1)
    shown = [e.text for e in d.effects if isinstance(e, Show)]
    assert len(shown) == 3 and "1 descriptive" in shown[-1] and "1 directive" in shown[-1]
    assert all(isinstance(e, (LogSpeech, Show)) for e in d.effects[-6:])  # nothing spoken


def test_a_half_heard_command_is_kept_but_not_counted(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    d = drive(matcher, toothbrushing)
    d.say("dune")
    assert speech_kinds(d) == [("dune", None)]
    assert d.state.coach.descriptive + d.state.coach.directive + d.state.coach.other == 0


def test_reminders_come_only_between_steps_and_within_the_rate_limit(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    d = drive(matcher, toothbrushing, ChainState(9, 7))
    spoken_before = len(d.spoken)
    d.say("try again", "no not like that")  # two directives, no descriptive
    assert len(d.spoken) == spoken_before  # comments themselves are never answered aloud
    d.say("next")  # the pause between step 1 and 2: an example for step 2
    example = d.spoken[-2]
    assert "like:" in example or "describ" in example.lower()
    assert any(c.replace("{child}", "Sam") in example for c in toothbrushing.steps[1].comments)
    assert d.spoken[-1].startswith("Step 2 of 9")
    d.say("try again", "next")  # 5 s later, the next pause: quiet (rate limit)
    assert d.spoken[-1].startswith("Step 3 of 9")
    assert len([t for t in d.spoken if t.startswith("Step")]) == 3
    d.clock += 120
    d.say("you squeezed a tiny blob", "next")  # long after: praise for the description
    assert d.spoken[-1].startswith("Step 4 of 9")
    assert d.state.coach.reminders == 2
    # During the child's turn (steps 7-9) the coach stays quiet; it may speak between steps.
    d.say("next", "next", "next")
    assert "Sam's turn" in d.spoken[-1]
    d.clock += 120
    spoken_before = len(d.spoken)
    d.say("well done you did it")
    assert len(d.spoken) == spoken_before
    d.say("not yet")
    assert d.spoken[-1].startswith("That's okay.")
    d.say("next")
    assert "Sam's turn" in d.spoken[-1] and d.spoken[-2].startswith("That's okay.") is False
    assert d.state.coach.reminders == 3  # the pause after step 7 spoke, before step 8


def test_the_summary_counts_comments(matcher: IntentMatcher, toothbrushing: Playbook) -> None:
    d = drive(matcher, toothbrushing)
    d.say("you're brushing the back teeth", "you found the toothpaste", "brush harder")
    d.say(*["next"] * 8, "done")
    summary = d.spoken[-1]
    assert "2 descriptive" in summary and "1 directive" in summary
    assert summary.endswith("Well done, both of you.")
    assert (d.finish.session.descriptive, d.finish.session.directive) == (2, 1)


# -- sensory breaks in a session ---------------------------------------------------------------


def test_a_break_holds_the_step_speaks_its_cues_and_comes_back(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    d = drive(matcher, toothbrushing)
    d.say("next")
    d.say("start a five minute break")
    assert "Five-minute break, starting now." in d.spoken
    assert d.engine.next_due(d.state) == pytest.approx(d.clock + 150)  # halfway
    d.say("next")  # the step waits while the break runs
    assert d.spoken[-1].startswith("We're on a break")
    assert d.state.step_number == 2 and len(d.logged) == 1
    d.say("how much time is left")
    assert "minute" in d.spoken[-1]
    d.tick(150)
    assert "Halfway" in d.spoken[-1]
    d.tick(90)
    assert "One minute left" in d.spoken[-1]
    count = len(d.effects)
    d.tick(60)
    new = d.effects[count:]
    assert isinstance(new[0], Chime)
    assert [e.text for e in new if isinstance(e, Say)] == [
        "Time's up: break finished.",
        engine_of(d)._step_prompt(d.state, first_time=False),
    ]
    d.say("stop")  # while it rings: stops the ring, not the session
    assert not d.state.ended and not d.state.timers.ringing
    d.say("next")
    assert d.state.step_number == 3


def test_sensory_break_uses_the_childs_length_and_timer_controls(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    engine = SessionEngine(
        toothbrushing,
        matcher,
        CommentClassifier.for_language("en"),
        Coach.for_language("en"),
        BreakSettings(default_seconds=8 * 60),
    )
    d = Drive(engine, engine.new_state("s1", "Sam", ChainState.start(9), T0))
    d.begin()
    d.say("sensory break")
    assert "Eight-minute break, starting now." in d.spoken
    d.say("pause the timer")
    assert d.engine.next_due(d.state) is None  # paused: nothing due
    d.tick(600)
    d.say("resume the timer", "add two minutes")
    assert "two minutes" in d.spoken[-1]
    d.say("cancel the timer")
    assert not d.state.timers
    d.say("cancel the timer")
    assert d.spoken[-1] == "No timer is running."
    d.say("next")
    assert d.state.step_number == 2


def test_the_childs_name_reads_as_the_child(
    matcher: IntentMatcher, toothbrushing: Playbook
) -> None:
    d = drive(matcher, toothbrushing)
    d.say(*["next"] * 8)
    d.say("sam has finished it on his own")
    assert d.logged[-1] == (9, Actor.CHILD, Outcome.DONE)
    d = drive(matcher, toothbrushing)
    d.say(*["next"] * 8)
    d.say("sam you did it")  # to the child: never an outcome
    assert len(d.logged) == 8 and not d.state.ended
