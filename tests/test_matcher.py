"""The intent matcher: commands are taken, talk aimed at the child is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import IntentsError
from assistant.intents import CANONICAL, intents_file, load_intents
from assistant.matcher import IntentMatcher


@pytest.fixture(scope="module")
def matcher() -> IntentMatcher:
    return IntentMatcher(load_intents(intents_file("en")))


def test_every_canonical_intent_has_phrases() -> None:
    phrases = load_intents(intents_file("en")).phrases
    assert set(phrases) == set(CANONICAL)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Done.", "done"),
        ("all done", "done"),
        ("she did it", "done"),
        ("Not yet!", "not_yet"),
        ("nod yet", "not_yet"),
        ("he needed help", "not_yet"),
        ("next", "next"),
        ("next step please", "next"),
        ("say that again", "repeat"),
        ("go back", "previous"),
        ("skip this step", "skip"),
        ("hang on", "pause"),
        ("resume", "resume"),
        ("stop", "stop"),
        ("what can I say", "help"),
        ("start a timer", "timer_start"),
        ("how much time is left", "timer_status"),
        ("cancel the timer", "timer_cancel"),
    ],
)
def test_commands(matcher: IntentMatcher, text: str, intent: str) -> None:
    found = matcher.match(text)
    assert found is not None, text
    assert found.name == intent, text


@pytest.mark.parametrize(
    "text",
    [
        "are you done",
        "is it done yet",
        "good job you're done with the top teeth",
        "stop splashing",
        "you did it",
        "what did you have for breakfast",
        "the water is cold",
        "",
        "   ",
    ],
)
def test_chatter_is_no_intent(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text) is None, text


def test_context_limits_what_is_taken(matcher: IntentMatcher) -> None:
    assert matcher.match("done", allowed={"next", "repeat"}) is None
    assert matcher.match("done", allowed={"done"}) is not None


def test_a_near_miss_is_unsure_not_accepted(matcher: IntentMatcher) -> None:
    reading = matcher.read("dune")
    assert reading.intent is None
    assert reading.unsure is not None and reading.unsure.name == "done"


def test_a_phrase_under_two_intents_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "en.yaml"
    path.write_text(
        "language: en\nintents:\n  done: {phrases: [done]}\n  next: {phrases: [Done!]}\n"
        "  finish: {phrases: [x]}\n",
        encoding="utf-8",
    )
    with pytest.raises(IntentsError) as caught:
        load_intents(path)
    problems = caught.value.problems
    assert any("intents.finish: unknown field" in p for p in problems)
    assert any("'done' is also a phrase of done" in p for p in problems)
