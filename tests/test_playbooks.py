"""Playbook files: the shipped ones are valid, and every problem in a bad one is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import PlaybookError, UnknownPlaybook
from assistant.paths import SHIPPED_PLAYBOOKS
from assistant.playbook import find_playbook, load_playbook, playbook_files, validate_file

SHIPPED = sorted(SHIPPED_PLAYBOOKS.glob("*.yaml"))
REQUIRED_IDS = {
    "toothbrushing",
    "socks-and-shoes",
    "t-shirt",
    "hand-washing",
    "school-bag",
    "sandwich",
    "lunchbox",
}

GOOD = """\
id: {id}
title: Drinking from a cup
routine: mealtime
ages: {{min: 2, max: 5}}
materials: [cup]
steps:
  - prompt: Pour a little water.
    cue: "{{child}}, here is your cup."
    support: Hold the cup with {{child}}.
    comments: [You're holding it with two hands.]
  - prompt: Drink.
    cue: Have a sip.
    support: Lift it together.
    comments: [You drank it all.]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_required_playbooks_ship() -> None:
    assert {p.stem for p in SHIPPED} >= REQUIRED_IDS


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_shipped_playbook_is_valid_and_sized_for_a_parent(path: Path) -> None:
    assert validate_file(path) == []
    book = load_playbook(path)
    assert 5 <= len(book.steps) <= 10
    for step in book.steps:
        assert 2 <= len(step.comments) <= 3
        # Descriptive comments, never questions.
        assert all(not c.rstrip().endswith("?") for c in step.comments)


def test_a_good_user_playbook_loads(tmp_path: Path) -> None:
    book = load_playbook(write(tmp_path, "cup.yaml", GOOD.format(id="cup")))
    assert book.id == "cup" and len(book.steps) == 2
    assert book.steps[0].cue == "{child}, here is your cup."


def test_every_problem_is_reported_with_file_and_field(tmp_path: Path) -> None:
    bad = (
        GOOD.format(id="Cup_1")
        .replace("routine: mealtime", "routine: lunchtime\ncolour: blue")
        .replace("min: 2", "min: two")
        .replace("Hold the cup with {child}.", "Hold the cup with {name}.")
        .replace("    comments: [You drank it all.]\n", "")
    )
    path = write(tmp_path, "cup.yaml", bad)
    problems = validate_file(path)
    prefix = f"{path}: "
    assert all(p.startswith(prefix) for p in problems)
    fields = sorted(p[len(prefix) :].split(":")[0] for p in problems)
    assert fields == [
        "ages.min",
        "colour",
        "id",
        "routine",
        "steps[0].support",
        "steps[1].comments",
    ]
    with pytest.raises(PlaybookError) as caught:
        load_playbook(path)
    message = str(caught.value)
    assert str(path) in message and "5 more problems" in message
    assert "\n" not in message


def test_chaining_thresholds_are_read_and_checked(tmp_path: Path) -> None:
    text = GOOD.format(id="cup") + "chaining:\n  mastery_sessions: 2\n"
    assert load_playbook(write(tmp_path, "cup.yaml", text)).rules.mastery_sessions == 2
    bad = GOOD.format(id="cup") + "chaining:\n  stepback_failures: 12\n  mastery: 2\n"
    problems = validate_file(write(tmp_path, "cup.yaml", bad))
    assert any("chaining.mastery: unknown field" in p for p in problems)
    assert any("chaining.stepback_failures" in p for p in problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "should be a mapping"),
        ("- just\n- a list\n", "should be a mapping"),
        ("id: [unclosed\n", "not valid YAML at line"),
    ],
)
def test_files_that_are_not_playbooks_at_all(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, "x.yaml", text)
    (problem,) = validate_file(path)
    assert str(path) in problem and expected in problem


def test_user_playbooks_are_found_by_id_and_override_shipped(tmp_path: Path) -> None:
    folder = tmp_path / "playbooks"
    folder.mkdir()
    write(folder, "cup.yaml", GOOD.format(id="cup"))
    write(folder, "toothbrushing.yaml", GOOD.format(id="toothbrushing"))
    assert find_playbook("cup", tmp_path).id == "cup"
    assert len(find_playbook("toothbrushing", tmp_path).steps) == 2
    ids = [p.stem for p in playbook_files(tmp_path)]
    assert ids == sorted(ids) and "cup" in ids and ids.count("toothbrushing") == 1


def test_run_takes_a_path_and_unknown_ids_name_the_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "cup.yaml", GOOD.format(id="cup"))
    assert find_playbook(str(path), tmp_path).id == "cup"
    with pytest.raises(UnknownPlaybook, match="toothbrushing"):
        find_playbook("teethbrushing", tmp_path)
    with pytest.raises(UnknownPlaybook, match="no playbook file"):
        find_playbook(str(tmp_path / "missing.yaml"), tmp_path)
