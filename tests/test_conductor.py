"""The conductor: timer cues are spoken while the listener waits, through a real store."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.activities import activities_file, load_activities
from assistant.clock import FakeClock
from assistant.coach import Coach
from assistant.comments import CommentClassifier
from assistant.conductor import Conductor
from assistant.intents import intents_file, load_intents
from assistant.matcher import IntentMatcher
from assistant.playbook import find_playbook
from assistant.records import AfterBreak
from assistant.seams import QUIET, Heard, Quiet
from assistant.session import SessionEngine
from assistant.session_breaks import BreakSettings
from assistant.store import TinyStore


class TimedScript:
    """Utterances at given seconds after the start; waiting moves the fake clock."""

    def __init__(self, clock: FakeClock, lines: Sequence[tuple[float, str]]) -> None:
        self.clock = clock
        self.start = clock.now()
        self.lines = list(lines)
        self.waits: list[float] = []

    def listen(self) -> Heard | None:
        result = self.listen_for(float("inf"))
        return None if isinstance(result, Quiet) else result

    def listen_for(self, seconds: float) -> Heard | Quiet | None:
        self.waits.append(seconds)
        if not self.lines:
            return None
        at, text = self.lines[0]
        wake = self.start + at
        if wake > self.clock.now() + seconds:
            self.clock.advance(seconds)
            return QUIET
        self.clock.advance(max(wake - self.clock.now(), 0.0))
        self.lines.pop(0)
        return Heard(text)

    def close(self) -> None:
        self.lines = []


class Recorder:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.said: list[tuple[float, str]] = []
        self.chimes: list[float] = []

    def say(self, text: str) -> None:
        self.said.append((self.clock.now(), text))

    def chime(self) -> None:
        self.chimes.append(self.clock.now())

    def close(self) -> None:
        pass


def test_break_cues_come_on_time_while_nobody_speaks(tmp_path: Path) -> None:
    clock = FakeClock()
    t0 = clock.now()
    playbook = find_playbook("toothbrushing", tmp_path)
    engine = SessionEngine(
        playbook,
        IntentMatcher(load_intents(intents_file("en"))),
        CommentClassifier.for_language("en"),
        Coach.for_language("en"),
    )
    listener = TimedScript(clock, [(2, "start a two minute break"), (200, "stop"), (210, "stop")])
    out = Recorder(clock)
    store = TinyStore(tmp_path / "home")
    result = Conductor(engine, store, listener, out, clock, chime=out).run("Sam")
    timed = {text: at - t0 for at, text in out.said}
    assert timed["Two-minute break, starting now."] == 2
    assert timed["Halfway through the break: one minute left."] == 62
    assert timed["Time's up: break finished."] == 122
    assert out.chimes[0] - t0 == 122
    assert all(c - t0 < 200 for c in out.chimes)  # repeats until "stop" at 200
    assert len(out.chimes) > 1
    assert result.session.status.value == "stopped"  # the second "stop" ended the session
    assert store.sessions("Sam")[0].status.value == "stopped"


def test_a_break_is_logged_with_how_the_child_seemed_after(tmp_path: Path) -> None:
    clock = FakeClock()
    home = tmp_path / "home"
    activities = load_activities(activities_file(home))
    engine = SessionEngine(
        find_playbook("toothbrushing", home),
        IntentMatcher(load_intents(intents_file("en"))),
        CommentClassifier.for_language("en"),
        Coach.for_language("en"),
        BreakSettings(default_seconds=60, activities=activities),
    )
    lines = [
        (1, "sensory break"),
        (70, "stop"),  # the ring
        (75, "she's calm now"),
        (80, "start a two minute break"),
        (90, "cancel the timer"),
        (100, "stop"),  # the session
    ]
    out = Recorder(clock)
    store = TinyStore(home)
    Conductor(engine, store, TimedScript(clock, lines), out, clock, chime=out).run("Sam")
    said = [text for _, text in out.said]
    question = activities.check_in.question.replace("{child}", "Sam")
    assert said[said.index("Time's up: break finished.") + 1] == question
    assert "Thanks, noted." in said
    first, second = store.breaks("Sam")
    assert (first.seconds, first.after, first.planned_at) == (60, AfterBreak.CALM, None)
    assert first.ended_at is not None and first.ended_at - first.started_at == 60
    assert first.activity in {a.id for a in activities.activities}
    assert (second.seconds, second.ended_at, second.after) == (120, None, None)  # cancelled
