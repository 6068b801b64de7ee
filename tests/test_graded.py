"""Graded skills: the playbook kind, the pure graded session, and a run through the conductor."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from driving import T0, Drive

from assistant.chaining import ChainState
from assistant.clock import FakeClock
from assistant.coach import Coach
from assistant.comments import CommentClassifier
from assistant.conductor import Conductor
from assistant.graded import GradedEngine, GradedState, chain_at, level_of
from assistant.intents import intents_file, load_intents
from assistant.justright import LevelRules
from assistant.listeners import ScriptListener
from assistant.matcher import IntentMatcher
from assistant.paths import SHIPPED_PLAYBOOKS
from assistant.playbook import GRADED, Playbook, find_playbook, load_playbook, validate_file
from assistant.progress import child_progress
from assistant.records import Actor, EventKind, Outcome, SessionStatus
from assistant.session import (
    Finish,
    LogOutcome,
    LogSpeech,
    Show,
    StartSession,
)
from assistant.store import TinyStore

DAY = 86_400.0

GRADED_TEXT = """\
id: {id}
title: Threading beads
kind: graded
routine: any
ages: {{min: 3, max: 6}}
materials: [big beads, a shoelace]
levels:
  - name: Big beads on a stiff lace
    task: "Hand {{child}} a big bead and the stiff end of the lace."
    support: Hold the bead still for {{child}}.
    comments: [You pushed the lace right through., You're holding the bead with your fingertips.]
  - name: Small beads on a lace
    task: Let {{child}} thread a small bead.
    support: Point at the hole.
    comments: [You found the tiny hole.]
  - name: Small beads on a string
    task: Let {{child}} thread a small bead on the floppy string.
    support: Hold the end of the string stiff.
    comments: [You kept the string straight.]
"""


@pytest.fixture(scope="module")
def matcher() -> IntentMatcher:
    return IntentMatcher(load_intents(intents_file("en")))


@pytest.fixture(scope="module")
def scissors(tmp_path_factory: pytest.TempPathFactory) -> Playbook:
    return find_playbook("scissors", tmp_path_factory.mktemp("home"))


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the playbook kind ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["scissors", "buttons"])
def test_the_graded_playbooks_ship_and_are_sized_for_a_parent(name: str) -> None:
    path = SHIPPED_PLAYBOOKS / f"{name}.yaml"
    assert validate_file(path) == []
    book = load_playbook(path)
    assert book.kind == GRADED and book.graded and book.tries == 10
    assert book.level_rules == LevelRules()
    assert 4 <= len(book.levels) <= 10
    for level in book.levels:
        assert 2 <= len(level.comments) <= 3
        assert all(not c.rstrip().endswith("?") for c in level.comments)
        assert "{child}" in level.task
    # The chain-shaped view: one step per level, so step counts and `show` keep working.
    assert [s.prompt for s in book.steps] == [lv.name for lv in book.levels]
    assert [s.cue for s in book.steps] == [lv.task for lv in book.levels]


def test_chain_playbooks_are_unchanged(tmp_path: Path) -> None:
    book = find_playbook("toothbrushing", tmp_path)
    assert book.kind == "chain" and not book.graded and book.levels == () and book.steps


def test_a_good_graded_playbook_loads_with_its_overrides(tmp_path: Path) -> None:
    text = GRADED_TEXT.format(id="beads") + "tries: 6\njust_right:\n  up_sessions: 2\n"
    text += "  min_tries: 6\n  up_rate: 0.75\n  down_rate: 0.4\n"
    book = load_playbook(write(tmp_path, "beads.yaml", text))
    assert book.graded and book.tries == 6 and len(book.levels) == 3
    assert book.level_rules == LevelRules(up_rate=0.75, up_sessions=2, min_tries=6, down_rate=0.4)
    assert book.levels[0].task == "Hand {child} a big bead and the stiff end of the lace."


@pytest.mark.parametrize(
    ("change", "field_", "says"),
    [
        (("kind: graded", "kind: ladder"), "kind", "should be one of chain, graded"),
        (("levels:", "steps: []\nlevels:"), "steps", "lists levels instead"),
        (("levels:", "chaining: {mastery_sessions: 2}\nlevels:"), "chaining", "just_right"),
        (("  - name: Small beads on a lace", "  - nam: Small"), "levels[1].nam", "unknown field"),
        (("    support: Point at the hole.\n", ""), "levels[1].support", "is missing"),
        (("Hold the end", "Hold {name}'s end"), "levels[2].support", "{name}"),
        (("routine: any", "routine: any\ntries: 0"), "tries", "between 1 and 50"),
        (("routine: any", "routine: any\ntries: 8"), "tries", "could never step up"),
        (("routine: any", "routine: any\njust_right: {up_rate: 1.5}"), "just_right.up_rate", ""),
        (("routine: any", "routine: any\njust_right: {up_rate: high}"), "just_right.up_rate", ""),
        (("routine: any", "routine: any\njust_right: {sessions: 2}"), "just_right.sessions", ""),
        (
            ("routine: any", "routine: any\njust_right: {up_sessions: 0}"),
            "just_right.up_sessions",
            "",
        ),
        (
            ("routine: any", "routine: any\njust_right: {up_rate: 0.5, down_rate: 0.6}"),
            "just_right",
            "down_rate cannot be above up_rate",
        ),
    ],
)
def test_every_problem_in_a_graded_playbook_names_the_field(
    tmp_path: Path, change: tuple[str, str], field_: str, says: str
) -> None:
    text = GRADED_TEXT.format(id="beads").replace(*change)
    path = write(tmp_path, "beads.yaml", text)
    problems = validate_file(path)
    assert problems, text
    prefix = f"{path}: {field_}: "
    assert any(p.startswith(prefix) and says in p for p in problems), problems


def test_a_graded_playbook_needs_two_to_ten_levels(tmp_path: Path) -> None:
    text = GRADED_TEXT.format(id="beads")
    one_level = text[: text.index("  - name: Small beads on a lace")]
    problems = validate_file(write(tmp_path, "beads.yaml", one_level))
    assert problems == [f"{tmp_path / 'beads.yaml'}: levels: should have 2 to 10 entries, not 1"]
    no_levels = text[: text.index("levels:")]
    problems = validate_file(write(tmp_path, "beads.yaml", no_levels))
    assert problems == [f"{tmp_path / 'beads.yaml'}: levels: is missing"]


def test_a_chain_playbook_with_graded_fields_names_each_of_them(tmp_path: Path) -> None:
    chain = (SHIPPED_PLAYBOOKS / "toothbrushing.yaml").read_text(encoding="utf-8")
    chain += "tries: 10\njust_right: {up_sessions: 2}\nlevels: []\n"
    path = write(tmp_path, "toothbrushing.yaml", chain)
    fields = sorted(p.removeprefix(f"{path}: ").split(":")[0] for p in validate_file(path))
    assert fields == ["just_right", "levels", "tries"]
    assert all("graded" in p for p in validate_file(path))


# -- the pure engine --------------------------------------------------------------------------


def engine_for(matcher: IntentMatcher, book: Playbook, coach: bool = True) -> GradedEngine:
    if not coach:
        return GradedEngine(book, matcher)
    return GradedEngine(
        book, matcher, CommentClassifier.for_language("en"), Coach.for_language("en")
    )


def drive(
    matcher: IntentMatcher, book: Playbook, chain: ChainState | None = None
) -> Drive[GradedState]:
    engine = engine_for(matcher, book)
    chain = chain or ChainState.start(len(book.steps))  # as the conductor starts a new child
    d = Drive(engine, engine.new_state("s1", "Sam", chain, T0))
    d.begin()
    return d


def session(
    matcher: IntentMatcher, book: Playbook, chain: ChainState, done: int, tries: int
) -> Drive[GradedState]:
    """One session: `done` of `tries` tries (dones first); stopped when short of a full one."""
    d = drive(matcher, book, chain)
    d.say(*["done"] * done, *["not yet"] * (tries - done))
    if not d.state.ended:
        d.say("stop")
    return d


def test_chain_state_holds_the_level_counted_from_the_top() -> None:
    assert level_of(ChainState.start(6)) == 1  # a new child starts at the first level
    assert chain_at(1, 6) == ChainState.start(6)
    assert chain_at(4, 6, streak=2) == ChainState(steps_total=6, child_from_step=3, streak=2)
    assert level_of(chain_at(6, 6)) == 6
    # Steps the child "does", as progress charts plot them, is the level.
    chain = chain_at(4, 6)
    assert chain.steps_total - chain.child_from_step + 1 == 4


def test_only_graded_playbooks_make_a_graded_engine(matcher: IntentMatcher, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a graded playbook"):
        GradedEngine(find_playbook("toothbrushing", tmp_path), matcher)


S = 10  # a full session


@pytest.mark.parametrize(
    ("start", "sessions", "levels", "events"),
    [
        # step up after three sessions in a row at 8/10 or better
        (1, [(8, S), (8, S), (8, S)], [1, 1, 2], ["", "", "advanced"]),
        (1, [(10, S)] * 6, [1, 1, 2, 2, 2, 3], ["", "", "advanced", "", "", "advanced"]),
        (3, [(9, S), (10, S), (8, S)], [3, 3, 4], ["", "", "advanced"]),
        # a weaker session breaks the run, which starts again
        (1, [(8, S), (8, S), (7, S)], [1, 1, 1], ["", "", ""]),
        (1, [(8, S), (7, S), (8, S), (8, S), (8, S)], [1, 1, 1, 1, 2], [""] * 4 + ["advanced"]),
        # step down one level below 5/10; 5/10 itself stays
        (3, [(4, S)], [2], ["stepped_back"]),
        (3, [(5, S)], [3], [""]),
        (4, [(0, S), (2, S)], [3, 2], ["stepped_back", "stepped_back"]),
        (2, [(9, S), (9, S), (3, S)], [2, 2, 1], ["", "", "stepped_back"]),
        # up then down again
        (1, [(9, S), (9, S), (9, S), (3, S)], [1, 1, 2, 1], ["", "", "advanced", "stepped_back"]),
        # never below the first level or above the top one
        (1, [(0, S), (1, S)], [1, 1], ["", ""]),
        (6, [(10, S)] * 4, [6, 6, 6, 6], [""] * 4),
        # short (stopped) sessions never count towards stepping up ...
        (1, [(8, 8), (8, 8), (8, 8)], [1, 1, 1], ["", "", ""]),
        (1, [(8, S), (8, S), (8, 9)], [1, 1, 1], ["", "", ""]),
        # ... and step down only with at least 5 tries
        (3, [(1, 4)], [3], [""]),
        (3, [(2, 5)], [2], ["stepped_back"]),
        # a session with no try at all changes nothing, not even the run
        (1, [(8, S), (8, S), (0, 0), (8, S)], [1, 1, 1, 2], ["", "", "", "advanced"]),
    ],
)
def test_the_just_right_rule_through_sessions(
    matcher: IntentMatcher,
    scissors: Playbook,
    start: int,
    sessions: list[tuple[int, int]],
    levels: list[int],
    events: list[str],
) -> None:
    total = len(scissors.levels)
    chain = chain_at(start, total)
    got_levels: list[int] = []
    got_events: list[str] = []
    for done, tries in sessions:
        d = session(matcher, scissors, chain, done, tries)
        finish = d.finish
        assert d.logged_with_help == [
            (level_of(chain), Actor.CHILD, Outcome.DONE if i < done else Outcome.NOT_YET, h)
            for i, h in enumerate(_helped(done, tries))
        ]
        expected = SessionStatus.COMPLETE if tries == S else SessionStatus.STOPPED
        assert finish.session.status is expected
        chain = finish.chain
        got_levels.append(level_of(chain))
        got_events.append(finish.events[0].kind.value if finish.events else "")
        for event in finish.events:
            assert event.child_from_step == chain.child_from_step
            assert event.playbook == "scissors" and event.session_id == "s1"
    assert got_levels == levels
    assert got_events == events


def _helped(done: int, tries: int) -> list[bool]:
    """The hint comes with the 1st, 4th, 7th... "not yet" of a session."""
    return [False] * done + [i % 3 == 0 for i in range(tries - done)]


def test_each_try_is_logged_as_it_happens(matcher: IntentMatcher, scissors: Playbook) -> None:
    d = drive(matcher, scissors, chain_at(2, 6))
    assert isinstance(d.effects[0], StartSession)
    assert d.effects[0].session.steps_total == 6 and d.effects[0].session.child_from_step == 5
    d.say("done")
    assert d.logged_with_help == [(2, Actor.CHILD, Outcome.DONE, False)]
    d.say("not yet")
    assert d.logged_with_help[-1] == (2, Actor.CHILD, Outcome.NOT_YET, True)
    outcomes = [e.outcome for e in d.effects if isinstance(e, LogOutcome)]
    assert [(o.asked_at, o.answered_at) for o in outcomes] == [(T0, T0 + 5), (T0 + 5, T0 + 10)]
    assert all(o.session_id == "s1" and o.playbook == "scissors" for o in outcomes)
    assert not d.state.ended


def test_the_greeting_names_the_level_and_its_task(
    matcher: IntentMatcher, scissors: Playbook
) -> None:
    d = drive(matcher, scissors, chain_at(3, 6))
    assert d.spoken == [
        "Let's practise using scissors with Sam. We're at level three of six: cut along a "
        "straight line. Draw a thick straight line across a piece of paper, and let Sam cut "
        "along it from one edge to the other. We'll do ten tries. After each one, say done if "
        "Sam managed it, or not yet if Sam needed help."
    ]


def test_the_hint_comes_once_in_a_while_not_every_time(
    matcher: IntentMatcher, scissors: Playbook
) -> None:
    d = drive(matcher, scissors, chain_at(3, 6))
    hint = "Put a little dot at the end of the line for Sam to aim at, and say: look at the dot."
    d.say("not yet")
    assert d.spoken[-1] == f"That's okay. {hint} Nine to go."
    d.say("done")
    assert d.spoken[-1] == "Got it, Sam did that one. Eight to go."
    d.say("not yet", "not yet")
    assert d.spoken[-2:] == ["That's okay, have another go. Seven to go."] * 1 + [
        "That's okay, have another go. Six to go."
    ]
    d.say("not yet")
    assert d.spoken[-1] == f"That's okay. {hint} Five to go."


def test_stepping_up_is_said_warmly(matcher: IntentMatcher, scissors: Playbook) -> None:
    d = session(matcher, scissors, chain_at(3, 6, streak=2), 8, S)
    assert d.spoken[-1] == (
        "Eight of ten: that's three sessions in a row at eight or more, so next time we'll "
        "try: cut along a gentle curve. Well done, both of you."
    )
    assert isinstance(d.effects[-2], Finish)  # stored before the summary is spoken


def test_stepping_down_is_said_kindly(matcher: IntentMatcher, scissors: Playbook) -> None:
    d = session(matcher, scissors, chain_at(4, 6), 3, S)
    assert d.spoken[-1] == (
        "Three of ten. That was a big stretch today, so next time we'll go back a level, to "
        "cut along a straight line, for a while. Lots of success is what builds the skill, "
        "and we'll come back to cut along a gentle curve soon. Well done, both of you."
    )


@pytest.mark.parametrize(
    ("start", "done", "tries", "says"),
    [
        (1, 8, S, "Eight of ten. A strong session! Two more like this in a row and we'll move"),
        (1, 9, S, "Nine of ten. That's two strong sessions in a row. One more like this"),
        (1, 6, S, "Six of ten. We'll stay at snip strips of card next time: it's just the right"),
        (6, 10, S, "Ten of ten. Sam is at the top level and doing it really well."),
        (2, 4, 4, "We stopped early today, and every try is saved. Four of four. We'll stay at"),
        (1, 0, 0, "We stopped early today, and every try is saved. There were no tries this time"),
    ],
)
def test_staying_is_explained(
    matcher: IntentMatcher, scissors: Playbook, start: int, done: int, tries: int, says: str
) -> None:
    streak = 1 if (start, done) == (1, 9) else 0
    d = session(matcher, scissors, chain_at(start, 6, streak), done, tries)
    assert d.finish.events == ()
    summary = next(t for t in reversed(d.spoken) if "of ten" in t or "stopped" in t)
    assert summary.startswith(says), summary
    if 0 < tries < S:
        assert "A session needs ten tries to count towards moving up." in summary


def test_end_of_input_finishes_like_stop(matcher: IntentMatcher, scissors: Playbook) -> None:
    d = drive(matcher, scissors)
    d.say("done", "done")
    d.end_input()
    assert d.state.ended
    assert d.finish.session.status is SessionStatus.STOPPED
    assert len(d.logged_with_help) == 2
    d.say("done")  # nothing after the end
    assert len(d.logged_with_help) == 2


def test_talk_is_kept_and_counted_but_never_a_try(
    matcher: IntentMatcher, scissors: Playbook
) -> None:
    d = drive(matcher, scissors)
    d.say("are you done", "You opened the scissors really wide.", "hold it like this")
    assert d.logged_with_help == []
    speech = [e.speech for e in d.effects if isinstance(e, LogSpeech)]
    assert [s.text for s in speech] == [
        "are you done",
        "You opened the scissors really wide.",
        "hold it like this",
    ]
    assert speech[1].kind == "descriptive" and speech[2].kind == "directive"
    assert any(isinstance(e, Show) for e in d.effects)
    d.say("stop")
    assert d.finish.session.descriptive >= 1 and d.finish.session.directive >= 1
    assert "directive" in d.spoken[-1]  # the 4:1 sentence comes after the summary


def test_without_a_classifier_talk_is_kept_unclassified(
    matcher: IntentMatcher, scissors: Playbook
) -> None:
    engine = engine_for(matcher, scissors, coach=False)
    d = Drive(engine, engine.new_state("s1", "Sam", ChainState.start(6), T0))
    d.begin()
    d.say("what a lovely snip")
    (speech,) = [e.speech for e in d.effects if isinstance(e, LogSpeech)]
    assert speech.kind is None


def test_commands_that_do_not_count_as_tries(matcher: IntentMatcher, scissors: Playbook) -> None:
    d = drive(matcher, scissors)
    task = "Hold a strip of card out for Sam"
    d.say("repeat")
    assert d.spoken[-1].startswith(task)
    d.say("help")
    assert d.spoken[-1].startswith("Say done if Sam managed the try")
    d.say("next")
    assert d.spoken[-1] == "Did Sam manage that try? Say done or not yet."
    d.say("pause")
    assert d.state.paused
    d.say("done")  # ignored while paused
    d.say("resume")
    assert not d.state.paused and d.spoken[-1].startswith(task)
    assert d.logged_with_help == []
    assert d.engine.next_due(d.state) is None


def test_the_playbooks_own_thresholds_apply(matcher: IntentMatcher, tmp_path: Path) -> None:
    text = GRADED_TEXT.format(id="beads") + "tries: 5\njust_right: {up_sessions: 2, min_tries: 5}\n"
    book = load_playbook(write(tmp_path, "beads.yaml", text))
    chain = ChainState.start(3)
    d = session(matcher, book, chain, 4, 5)
    assert d.finish.session.status is SessionStatus.COMPLETE and level_of(d.finish.chain) == 1
    d = session(matcher, book, d.finish.chain, 5, 5)
    assert level_of(d.finish.chain) == 2
    assert "that's two sessions in a row at four or more" in d.spoken[-1]


def test_a_saved_state_from_an_edited_playbook_is_fitted(
    matcher: IntentMatcher, scissors: Playbook
) -> None:
    d = drive(matcher, scissors, chain_at(3, 8))  # saved when the skill had 8 levels
    assert d.state.level == 3 and d.state.chain.steps_total == 6  # the level is kept
    d = drive(matcher, scissors, chain_at(8, 8))
    assert d.state.level == 6  # ... within the levels there are now


# -- through the conductor, with a real store -------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)

    def close(self) -> None:
        pass


def test_four_sessions_through_the_conductor_and_the_store(
    matcher: IntentMatcher, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    store = TinyStore(home)
    clock = FakeClock(T0)
    book = find_playbook("buttons", home)
    scripts = [
        ["done"] * 8 + ["not yet"] * 2,
        ["not yet", "nice pinching", "done"] + ["done"] * 8,  # 9 of 10, with a comment
        ["done"] * 10,
        ["not yet"] * 7 + ["done"] * 3,
    ]
    levels, summaries = [], []
    for number, lines in enumerate(scripts, 1):
        path = write(tmp_path, f"session{number}.txt", "\n".join(lines) + "\n")
        speaker = Recorder()
        engine = GradedEngine(
            book, matcher, CommentClassifier.for_language("en"), Coach.for_language("en")
        )
        # The conductor is typed for SessionEngine; the graded engine has the same interface.
        conductor = Conductor(cast(Any, engine), store, ScriptListener(path), speaker, clock)
        result = conductor.run("Sam")
        assert result.session.status is SessionStatus.COMPLETE
        saved = store.load_chain("Sam", "buttons")
        assert saved == result.chain
        levels.append(level_of(saved))
        summaries.append(speaker.said[-1])
        assert speaker.said[0].startswith("Let's practise doing up buttons with Sam. We're at ")
        clock.advance(DAY)

    assert levels == [1, 1, 2, 1]
    assert summaries[2].startswith("Ten of ten: that's three sessions in a row at eight or more")
    assert "big buttons on a board" in summaries[2]
    assert summaries[3].startswith("Three of ten. That was a big stretch today")

    events = store.events("Sam", "buttons")
    assert [(e.kind, e.child_from_step) for e in events] == [
        (EventKind.ADVANCED, 5),
        (EventKind.STEPPED_BACK, 6),
    ]
    sessions = store.sessions("Sam", "buttons")
    assert len(sessions) == 4
    assert [s.child_from_step for s in sessions] == [6, 6, 6, 5]
    assert all(s.steps_total == 6 and s.status is SessionStatus.COMPLETE for s in sessions)
    outcomes = store.outcomes("Sam", "buttons")
    assert len(outcomes) == 40
    assert all(o.actor is Actor.CHILD for o in outcomes)
    assert [o.step for o in outcomes] == [1] * 30 + [2] * 10
    assert sum(o.outcome is Outcome.DONE for o in outcomes) == 8 + 9 + 10 + 3
    assert sessions[1].descriptive == 1

    (progress,) = child_progress(store, "Sam", "buttons")
    shown = progress.as_json()
    assert (shown["steps_total"], shown["child_from_step"]) == (6, 6)  # level 1 of 6
    assert [e["kind"] for e in shown["events"]] == ["advanced", "stepped_back"]
