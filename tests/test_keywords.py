"""Keyword readings (assistant/keywords.py): words of a rule in any order, nothing beyond them."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import IntentsError
from assistant.intents import load_intents
from assistant.keywords import SLOT, KeywordReader, KeywordRule, Keywords

CANCEL = ("cancel", "forget", "stop")
TIMER = ("timer", "break")
READER = KeywordReader(
    Keywords(
        glue=("the", "please"),
        rules=(
            KeywordRule("timer_pause", (("stop",), TIMER, ("a sec", "a moment"))),
            KeywordRule("timer_cancel", (CANCEL, TIMER), may=("any more",)),
            KeywordRule("timer_add", (("add", "another"), (SLOT,)), may=(*TIMER, "to")),
            KeywordRule("next", (("next", "on"),), may=("go", "move", "step")),
            KeywordRule("resume", (("carry on",),)),
        ),
    )
)


@pytest.mark.parametrize(
    ("words", "intent"),
    [
        ("forget the timer", "timer_cancel"),
        ("the timer cancel please", "timer_cancel"),  # any order
        ("stop the break any more", "timer_cancel"),
        ("stop the timer a sec", "timer_pause"),  # the first rule that fits wins
        ("on we go", None),  # "we" is no word of the rule
        ("move on", "next"),
        ("next step", "next"),
        ("go on", "next"),
    ],
)
def test_a_rule_takes_its_words_in_any_order(words: str, intent: str | None) -> None:
    assert READER.read(words.split()) == intent


@pytest.mark.parametrize(
    "words",
    [
        "stop splashing",  # a word beyond every rule
        "timer",  # a needed group missing
        "stop",
        "forget the timer sweetie",
        "the the",
        "",
        "next next",  # a doubled word is said to the child
    ],
)
def test_anything_beyond_the_rule_or_short_of_it_is_nothing(words: str) -> None:
    assert READER.read(words.split()) is None


def test_one_word_stands_for_one_need_group() -> None:
    reader = KeywordReader(Keywords(rules=(KeywordRule("stop", (("stop",), ("stop", "end"))),)))
    assert reader.read(["stop"]) is None
    assert reader.read(["stop", "end"]) == "stop"


def test_only_the_allowed_intents_are_read() -> None:
    assert READER.read(["forget", "the", "timer"], allowed=frozenset({"next"})) is None
    # "stop the timer a sec" falls through to the next rule that fits when the first is out.
    said = ["stop", "the", "timer", "a", "sec"]
    assert READER.read(said, allowed=frozenset({"timer_cancel"})) is None
    assert READER.read(["stop", "the", "timer"], allowed=frozenset({"timer_cancel"})) == (
        "timer_cancel"
    )


def test_a_duration_is_read_only_by_the_rules_that_name_it() -> None:
    words = ["add", "two", "minutes", "to", "the", "timer"]
    slotted = ["add", SLOT, "to", "the", "timer"]
    assert READER.read(words, slotted) == "timer_add"
    assert READER.read(words) is None  # no duration found: "two minutes" are words beyond it


def test_the_keywords_section_is_checked_naming_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "en.yaml"
    path.write_text(
        "language: en\n"
        "intents:\n  next: {phrases: [next]}\n"
        "frames:\n  classes: {timer: [timer]}\n"
        "keywords:\n"
        "  glue: [the]\n"
        "  rules:\n"
        "    - {intent: done, need: [finished]}\n"
        "    - {intent: finish, need: [x]}\n"
        "    - {intent: next, need: ['<nothing>']}\n"
        "    - {intent: next}\n"
        "    - {intent: timer_cancel, need: [[cancel, scrap], '<timer>'], may: [7]}\n",
        encoding="utf-8",
    )
    with pytest.raises(IntentsError) as caught:
        load_intents(path)
    problems = caught.value.problems
    assert all(str(path) in p for p in problems), problems
    assert any("keywords.rules[0].intent: done and not_yet come only from" in p for p in problems)
    assert any("rules[1].intent: 'finish' is not a canonical intent" in p for p in problems)
    assert any("keywords.rules[2].need[0]: unknown word class nothing" in p for p in problems)
    assert any("keywords.rules[3].need: is missing" in p for p in problems)
    assert any("keywords.rules[4].may[0]" in p for p in problems)
    assert len(problems) == 5, problems


def test_a_valid_keywords_section_loads_classes_and_durations(tmp_path: Path) -> None:
    path = tmp_path / "en.yaml"
    path.write_text(
        "language: en\n"
        "intents:\n  next: {phrases: [next]}\n"
        "frames:\n  classes: {timer: [timer, the break]}\n"
        "keywords:\n"
        "  rules:\n"
        "    - {intent: timer_add, need: [add, '{duration}'], may: ['<timer>', 'On']}\n",
        encoding="utf-8",
    )
    rule = load_intents(path).keywords.rules[0]
    assert rule.need == (("add",), (SLOT,))
    assert rule.may == ("timer", "the break", "on")
    assert rule.slotted
