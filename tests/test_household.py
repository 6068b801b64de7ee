"""A household's own words (`assistant/household.py`): read from the data folder, added to the
shipped intents, validated with errors that name the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from running import assert_one_sentence, cli  # tests/ is on sys.path under pytest

from assistant.errors import IntentsError
from assistant.household import household_words_file, with_household_words
from assistant.intents import IntentPhrases, intents_file, load_intents
from assistant.matcher import IntentMatcher

ROOT = Path(__file__).resolve().parent.parent
CHILD_STEP = frozenset({"done", "not_yet", "next", "skip", "pause", "stop", "help", "repeat"})


@pytest.fixture(scope="module")
def shipped() -> IntentPhrases:
    return load_intents(intents_file("en"))


def _words(tmp_path: Path, text: str) -> Path:
    path = household_words_file("en", tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _intent(phrases: IntentPhrases, text: str) -> str | None:
    found = IntentMatcher(phrases).read(text, CHILD_STEP).intent
    return found.name if found is not None else None


def test_a_household_word_is_read_as_the_english_it_means(
    shipped: IntentPhrases, tmp_path: Path
) -> None:
    # Doric "deen" (done) opening a report: the shipped file cannot take it, as "deen" alone
    # is said of other things; this household says so.
    said = "deen the quine did it aa by hersel"
    assert _intent(shipped, said) != "done"
    path = _words(tmp_path, "local_words:\n  deen: done\n")
    assert _intent(with_household_words(shipped, path), said) == "done"


def test_a_household_name_is_someone_else(shipped: IntentPhrases, tmp_path: Path) -> None:
    # A word the file does not know may be the household's own language ("pomin skip this
    # one"); once written down as a name, a command after it is said to that person.
    assert _intent(shipped, "arlo skip this one") == "skip"
    path = _words(tmp_path, "names: [arlo]\n")
    assert _intent(with_household_words(shipped, path), "arlo skip this one") is None


def test_a_household_entry_replaces_a_shipped_one_heard_the_same(
    shipped: IntentPhrases, tmp_path: Path
) -> None:
    heard, meant = shipped.local_words[0]
    path = _words(tmp_path, f"local_words:\n  {heard}: next step\n")
    mine = with_household_words(shipped, path)
    assert (heard, meant) not in mine.local_words and (heard, "next step") in mine.local_words
    assert len(mine.local_words) == len(shipped.local_words)


def test_no_file_or_an_empty_one_changes_nothing(shipped: IntentPhrases, tmp_path: Path) -> None:
    assert with_household_words(shipped, household_words_file("en", tmp_path)) is shipped
    path = _words(tmp_path, "# our words, to come\n")
    assert with_household_words(shipped, path) is shipped


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("local_words:\n  deen: deen\n", "local_words.deen"),
        ("local_words: [deen]\n", "local_words"),
        ("names: [tilly mae]\n", "names[0]"),
        ("nicknames: [arlo]\n", "nicknames"),
    ],
)
def test_a_broken_file_names_the_file_and_the_field(
    shipped: IntentPhrases, tmp_path: Path, text: str, field: str
) -> None:
    path = _words(tmp_path, text)
    with pytest.raises(IntentsError) as raised:
        with_household_words(shipped, path)
    assert any(str(path) in p and field in p for p in raised.value.problems), raised.value


def test_parse_reads_the_households_words_and_refuses_a_broken_file(tmp_path: Path) -> None:
    _words(tmp_path, "names: [arlo]\n")
    assert cli(tmp_path, "parse", "arlo skip this one").stdout.startswith("(no intent)\t")
    path = _words(tmp_path, "names: {arlo: 1}\n")
    assert_one_sentence(cli(tmp_path, "parse", "skip this one"), str(path), "names")
