"""The outcome guesser: a naive Bayes that only ever makes the session ask."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from outcome_examples import rendered  # tests/ is on sys.path under pytest
from test_understanding import CASES

from assistant.errors import IntentsError
from assistant.intents import (
    IntentPhrases,
    examples_file,
    intents_file,
    load_examples,
    load_intents,
)
from assistant.matcher import IntentMatcher
from assistant.outcome_guess import OutcomeGuesser
from assistant.session import ALLOWED, Phase

CHILD_STEP = ALLOWED[Phase.CHILD_STEP]

SMALL = (
    ("done", "she did it herself"),
    ("done", "he managed it on his own"),
    ("not_yet", "i had to help her"),
    ("not_yet", "he needed a hand"),
    ("command", "next step"),
    ("chatter", "put your shoes on"),
)


def test_the_posterior_sums_to_one_and_leans_to_what_the_words_say() -> None:
    guesser = OutcomeGuesser.train(SMALL)
    chances = guesser.posterior("she did it on her own")
    assert sum(chances.values()) == pytest.approx(1.0)
    assert max(chances, key=chances.__getitem__) == "done"
    found = guesser.guess("i had to help him", 0.5)
    assert found is not None and found[0] == "not_yet" and found[1] >= 0.5
    assert guesser.guess("put your socks on", 0.5) is None  # talk: no outcome is likely
    assert guesser.guess("she did it herself", 1.01) is None  # nothing is that sure


def test_every_label_needs_an_example() -> None:
    with pytest.raises(ValueError, match="chatter"):
        OutcomeGuesser.train(SMALL[:-1])


@pytest.fixture(scope="module")
def shipped() -> IntentPhrases:
    return load_intents(intents_file("en"))


def test_the_shipped_examples_are_the_tune_part_as_it_is_now(shipped: IntentPhrases) -> None:
    # Made from the data, never by hand: run `python tests/outcome_examples.py` when this fails.
    text = examples_file(intents_file("en")).read_text(encoding="utf-8")
    assert text == rendered(CASES)
    assert len(shipped.examples) > 10_000
    assert not {c.sentence for c in CASES if c.part != "tune"} & {s for _, s in shipped.examples}


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("wah she zipped up the whole jacket solo", "done"),  # no rule reads "solo"
        ("she fixed it up proper herself", "done"),
        ("he got in a muddle and i sorted the rest", "not_yet"),
        ("he was fumbling so i finished the buttons", "not_yet"),
        ("she did it last night", None),  # another time: the rules said nothing, so no guess
        ("okay then", None),  # too short to guess from
    ],
)
def test_what_the_rules_cannot_read_is_asked_about_when_the_guess_is_sure(
    shipped: IntentPhrases, text: str, asked: str | None
) -> None:
    with_guess = IntentMatcher(shipped).read(text, CHILD_STEP)
    rules_only = IntentMatcher(replace(shipped, examples=())).read(text, CHILD_STEP)
    assert with_guess.intent is None and rules_only.intent is None  # never taken
    assert rules_only.unsure is None, text  # the rules alone say nothing ...
    got = with_guess.unsure.name if with_guess.unsure is not None else None
    assert got == asked, text  # ... and the guess asks


def test_no_guess_outside_a_session(shipped: IntentPhrases) -> None:
    # `parse` reads with no context: a guess would only ask, and there is no one to ask.
    reading = IntentMatcher(shipped).read("she fixed it up proper herself")
    assert reading.intent is None and reading.unsure is None


def test_a_bad_examples_line_is_one_error_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "en.examples.tsv"
    path.write_text("# comment\ndone\tshe did it\nmaybe\tshe sort of did it\n", encoding="utf-8")
    with pytest.raises(IntentsError) as caught:
        load_examples(path)
    assert f"{path}: line 3:" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert load_examples(tmp_path / "missing.tsv") == ()
    path.write_text("done\tshe did it\n\nnot_yet\tI had to help\n", encoding="utf-8")
    assert load_examples(path) == (("done", "she did it"), ("not_yet", "i had to help"))
