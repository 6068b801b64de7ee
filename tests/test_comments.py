"""The comment classifier: the labelled sentences, the cue file's validation, robustness."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.comments import (
    EXAMPLE_CUE,
    Classification,
    CommentClassifier,
    CommentKind,
    CommentsError,
    comments_file,
    load_comments,
)
from assistant.paths import SHIPPED_PLAYBOOKS
from assistant.playbook import load_playbook
from assistant.text import normalise

DATA = Path(__file__).parent / "data" / "comments-en.yaml"
CHILD = "Sam"  # the child the labelled sentences talk to
TUNE_MINIMUM = 0.95
HELD_OUT_MINIMUM = 0.90  # the goal; DPICS coders reach 72-80 % on 8 classes

Labelled = list[tuple[str, CommentKind]]


def _part(name: str) -> Labelled:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return [(text, CommentKind(kind)) for kind, texts in data[name].items() for text in texts]


TUNE = _part("tune")
HELD_OUT = _part("held_out")


@pytest.fixture(scope="module")
def classifier() -> CommentClassifier:
    return CommentClassifier.for_language("en")


def _misses(classifier: CommentClassifier, part: Labelled) -> list[str]:
    misses = []
    for text, want in part:
        got = classifier.classify(text, child=CHILD)
        if got.kind is not want:
            misses.append(f"{text!r}: want {want.value}, got {got.kind.value} ({got.cue or '-'})")
    return misses


@pytest.fixture(scope="module")
def tune_accuracy(classifier: CommentClassifier) -> float:
    return 1 - len(_misses(classifier, TUNE)) / len(TUNE)


# -- the labelled set ---------------------------------------------------------------------------


def test_labelled_set_is_big_balanced_and_apart() -> None:
    assert len(TUNE) + len(HELD_OUT) >= 250
    assert len(HELD_OUT) >= 100
    for part in (TUNE, HELD_OUT):
        for kind in CommentKind:
            share = sum(1 for _, k in part if k is kind) / len(part)
            assert share >= 0.2, f"{kind.value} is only {share:.0%} of a part"
    tune = {normalise(t) for t, _ in TUNE}
    both = [t for t, _ in HELD_OUT if normalise(t) in tune]
    assert not both, f"in tune and held_out: {both}"


@pytest.mark.parametrize(("text", "kind"), TUNE, ids=[t for t, _ in TUNE])
def test_tune_sentence(
    classifier: CommentClassifier, tune_accuracy: float, text: str, kind: CommentKind
) -> None:
    got = classifier.classify(text, child=CHILD)
    if got.kind is kind:
        return
    message = (
        f"{text!r} is {kind.value}, but the cues say {got.kind.value} ({got.cue or 'no cue'}); "
        f"tune accuracy {tune_accuracy:.1%}"
    )
    # The tune part may keep a few hard cases, visible as xfail, while it stays above 95 %.
    if tune_accuracy >= TUNE_MINIMUM:
        pytest.xfail(message)
    pytest.fail(message)


def test_held_out_accuracy(classifier: CommentClassifier) -> None:
    misses = _misses(classifier, HELD_OUT)
    accuracy = 1 - len(misses) / len(HELD_OUT)
    assert accuracy >= HELD_OUT_MINIMUM, f"held_out {accuracy:.1%}; misses:\n" + "\n".join(misses)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # The and the brief's tricky cases, whichever part holds them.
        ("you missed a bit", CommentKind.DIRECTIVE),
        ("careful you're spilling it", CommentKind.DIRECTIVE),
        ("can you find the left sock", CommentKind.DIRECTIVE),
        ("I wonder what would happen if we turn it over", CommentKind.DESCRIPTIVE),
        ("wow you did the whole top row", CommentKind.DESCRIPTIVE),
        ("no no no", CommentKind.DIRECTIVE),
        ("hey", CommentKind.OTHER),
        ("mum's on the phone", CommentKind.OTHER),
        ("honey can you get the phone", CommentKind.OTHER),
        ("good job holding the brush", CommentKind.DESCRIPTIVE),
        ("let's rinse now", CommentKind.DIRECTIVE),
        ("try again", CommentKind.DIRECTIVE),
    ],
)
def test_tricky_cases(classifier: CommentClassifier, text: str, kind: CommentKind) -> None:
    assert classifier.classify(text, child=CHILD).kind is kind, text


def test_kind_values_are_the_contract() -> None:
    assert [k.value for k in CommentKind] == ["descriptive", "directive", "other"]


# -- how sentences are read -----------------------------------------------------------------------


def test_typed_and_recogniser_text_read_alike(classifier: CommentClassifier) -> None:
    # Vosk prints lowercase words with no punctuation; a typed "?" is the only extra signal.
    differ = [
        text
        for text, _ in TUNE + HELD_OUT
        if "?" not in text
        and classifier.classify(text, CHILD).kind
        is not classifier.classify(normalise(text), CHILD).kind
    ]
    assert not differ


def test_typed_shorthand_reads_like_the_recogniser(classifier: CommentClassifier) -> None:
    assert classifier.classify("youre using both hands").kind is CommentKind.DESCRIPTIVE
    assert classifier.classify("lets put it back").kind is CommentKind.DIRECTIVE
    assert classifier.classify("dont touch that").kind is CommentKind.DIRECTIVE


def test_a_command_anywhere_makes_the_turn_directive_with_less_confidence(
    classifier: CommentClassifier,
) -> None:
    alone = classifier.classify("put it back")
    mixed = classifier.classify("Good job, now put it back.")
    assert mixed.kind is CommentKind.DIRECTIVE
    assert mixed.confidence < alone.confidence


def test_strong_cues_are_surer_than_the_fallback(classifier: CommentClassifier) -> None:
    strong = classifier.classify("no no no")
    fallback = classifier.classify("the bus comes at eight")
    assert fallback.cue == ""
    assert strong.confidence >= 0.9 > fallback.confidence


def test_the_childs_name_is_not_a_word_of_the_sentence(classifier: CommentClassifier) -> None:
    assert classifier.classify("zara put it back", child="Zara").kind is CommentKind.DIRECTIVE
    assert classifier.classify("zara put it back").kind is CommentKind.OTHER


def test_a_step_example_counts_as_descriptive(classifier: CommentClassifier) -> None:
    examples = ["The lid is wide open.", "You're holding the box steady, {child}."]
    assert classifier.classify("the lid is wide open").kind is CommentKind.OTHER
    heard = classifier.classify("the lid is wide open", child=CHILD, examples=examples)
    assert heard == Classification(CommentKind.DESCRIPTIVE, 0.9, EXAMPLE_CUE)
    # The cues still come first: an example turned into a correction stays a correction.
    wrong = classifier.classify("careful the lid is wide open", child=CHILD, examples=examples)
    assert wrong.kind is CommentKind.DIRECTIVE


def test_shipped_playbook_comments_are_descriptive(classifier: CommentClassifier) -> None:
    # The playbooks promise descriptive example comments; the coach offers them as line feeds.
    comments = [
        comment
        for path in sorted(SHIPPED_PLAYBOOKS.glob("*.yaml"))
        for step in load_playbook(path).steps
        for comment in step.comments
    ]
    assert comments
    hits = sum(
        1
        for c in comments
        if classifier.classify(c.replace("{child}", CHILD), CHILD).kind is CommentKind.DESCRIPTIVE
    )
    # By the cues alone most are; repeated word for word, every one is.
    assert hits / len(comments) >= 0.9
    for comment in comments:
        said = comment.replace("{child}", CHILD)
        assert classifier.classify(said, CHILD, examples=[comment]).kind is CommentKind.DESCRIPTIVE


@settings(max_examples=300, deadline=None)
@given(text=st.text(), child=st.one_of(st.none(), st.text(max_size=12)))
def test_classify_never_fails(classifier: CommentClassifier, text: str, child: str | None) -> None:
    got = classifier.classify(text, child=child, examples=[text[:20]])
    assert got.kind in set(CommentKind)
    assert 0 < got.confidence <= 1


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(["you", "no", "put", "good", "?", "can", "then", "the", "sock", "."]),
        max_size=12,
    )
)
def test_classify_never_fails_on_cue_words(classifier: CommentClassifier, words: list[str]) -> None:
    assert classifier.classify(" ".join(words)).kind in set(CommentKind)


# -- the cue file ---------------------------------------------------------------------------------


def test_shipped_file_loads() -> None:
    data = load_comments(comments_file("en"))
    assert data.cues.language == "en"
    assert data.cues.rules
    assert data.coach.praise
    assert data.source == comments_file("en")


def _shipped() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(comments_file("en").read_text(encoding="utf-8"))
    return loaded


def _problems(tmp_path: Path, data: object) -> tuple[str, ...]:
    path = tmp_path / "xx.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommentsError) as caught:
        load_comments(path)
    assert str(path) in str(caught.value)
    return caught.value.problems


def test_invalid_file_names_file_and_every_field(tmp_path: Path) -> None:
    data = _shipped()
    data["colour"] = "blue"
    data["rules"][0]["kind"] = "praise"
    data["rules"][1]["confidence"] = 1.5
    data["rules"][2]["contains"].append("you {verbs} it")
    data["rules"][3]["starts"].append(7)
    del data["coach"]["summary"]["met"]
    data["coach"]["example"] = "Try this one, {child}."
    data["coach"]["ratio"] = "{child}: {descriptive} to {directive}"
    data["words"]["Bad Name"] = ["x"]
    data["fallback"]["kind"] = "neutral"
    problems = _problems(tmp_path, data)
    path = tmp_path / "xx.yaml"
    expected = [
        "colour: unknown field",
        "rules[0].kind: should be one of descriptive, directive, other, not 'praise'",
        "rules[1].confidence: should be above 0 and at most 1, not 1.5",
        "rules[2].contains[",
        "uses {verbs}, which is not a known placeholder",
        "rules[3].starts[",
        "should be non-empty text, not a number",
        "coach.summary.met: is missing",
        "coach.example: should say the example",
        "coach.ratio: uses {child}, which is not a known placeholder",
        "words.Bad Name: a word list name should be lowercase letters and underscores",
        "fallback.kind: should be one of descriptive, directive, other, not 'neutral'",
    ]
    text = "\n".join(problems)
    for part in expected:
        assert part in text, f"{part!r} not in:\n{text}"
    assert all(p.startswith(f"{path}: ") for p in problems)


def test_rule_without_cues_and_missing_sections(tmp_path: Path) -> None:
    data = _shipped()
    data["rules"].append({"cue": "empty", "kind": "other", "confidence": 0.5})
    last = len(data["rules"]) - 1
    del data["coach"]
    problems = _problems(tmp_path, data)
    needs = f"rules[{last}]: needs at least one of whole, starts or contains"
    assert any(p.endswith(needs) for p in problems)
    assert any(p.endswith("coach: is missing") for p in problems)


def test_unreadable_or_missing_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(CommentsError, match="not valid YAML"):
        load_comments(broken)
    with pytest.raises(CommentsError, match="does not exist"):
        load_comments(tmp_path / "missing.yaml")
