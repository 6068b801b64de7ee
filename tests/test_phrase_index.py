"""PhraseIndex leaves out only phrases that cannot reach the floor: checked against scoring all."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

from assistant.phrase_index import PhraseIndex

_MINOR = frozenset({"the", "a", "it", "is", "she"})
_WORDS = sorted(_MINOR | {"done", "next", "step", "not", "yet", "timer", "help", "all"})
_FLOOR = 0.65


def _content(words: list[str]) -> list[str]:
    return [w for w in words if w not in _MINOR] or words


def _score(a: list[str], b: list[str]) -> float:
    return float(Indel.normalized_similarity(a, b))


def _reaching(
    phrases: list[list[str]], words: list[str], shortest: float, longest: float
) -> set[int]:
    """By brute force: the phrases in the window sharing a content word that reach the floor."""
    content = _content(words)
    found = set()
    for i, phrase in enumerate(phrases):
        size = len(" ".join(phrase))
        if not shortest <= size <= longest or not set(content) & set(phrase):
            continue
        best = _score(words, phrase)
        if content != words:
            best = max(best, _score(content, _content(phrase)))
        if best >= _FLOOR:
            found.add(i)
    return found


_phrase = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=7)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_phrase, min_size=1, max_size=40),
    _phrase,
    st.floats(0.0, 30.0),
    st.floats(0.0, 60.0),
)
def test_candidates_hold_every_phrase_that_reaches_the_floor(
    phrases: list[list[str]], words: list[str], shortest: float, extra: float
) -> None:
    index = PhraseIndex([" ".join(p) for p in phrases], phrases, _MINOR, _FLOOR)
    longest = shortest + extra
    found = index.candidates(words, _content(words), shortest, longest)
    assert found == sorted(found)
    assert _reaching(phrases, words, shortest, longest) <= set(found)
    for i in found:  # and nothing outside the window or sharing no content word
        assert shortest <= len(" ".join(phrases[i])) <= longest
        assert set(_content(words)) & set(phrases[i])


def test_a_long_phrase_sharing_one_word_is_left_out() -> None:
    """The point of the index: one shared word cannot carry a phrase of many words."""
    phrases = [
        ["done"],
        ["she", "is", "all", "done"],
        ["done", "next", "step", "timer", "help", "all", "yet"],
        ["it", "is", "the", "done", "next", "step"],
    ]
    index = PhraseIndex([" ".join(p) for p in phrases], phrases, _MINOR, _FLOOR)
    assert index.candidates(["done"], ["done"], 0, 100) == [0]
    # Minor words can carry a phrase that its content words alone could not ("it is done" and
    # "it is the done next step" share three words: 6 / 9).
    assert index.candidates(["it", "is", "done"], ["done"], 0, 100) == [0, 1, 3]
