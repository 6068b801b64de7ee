"""The command line end to end: real playbooks, real TinyDB store in a temp dir, script input."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import wave
from pathlib import Path

import pytest
from running import assert_one_sentence, cli  # tests/ is on sys.path under pytest

from assistant.cli import main
from assistant.store import TinyStore

ROOT = Path(__file__).resolve().parent.parent

# Toothbrushing has 9 steps; these scripts walk the parent steps with "next".
PARENT = ["next"] * 8


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("OT_ASSISTANT_HOME", str(folder))
    return folder


def script(tmp_path: Path, lines: list[str], name: str = "script.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_session(tmp_path: Path, lines: list[str], *extra: str) -> int:
    path = script(tmp_path, lines)
    return main(
        [
            "run",
            "toothbrushing",
            "--child",
            "Sam",
            "--input",
            str(path),
            "--voice",
            "console",
            *extra,
        ]
    )


def progress(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert main(["progress", "--child", "sam", "--json"]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def toothbrushing(data: dict[str, object]) -> dict[str, object]:
    books = data["playbooks"]
    assert isinstance(books, list)
    (book,) = [b for b in books if b["playbook"] == "toothbrushing"]
    assert isinstance(book, dict)
    return book


def test_chain_state_grows_and_steps_back_across_sessions(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Three sessions with Sam's step done: Sam takes on step 8.
    for _ in range(3):
        assert run_session(tmp_path, [*PARENT, "done"]) == 0
    out = capsys.readouterr().out
    assert "From next time, Sam also does the step before" in out
    book = toothbrushing(progress(capsys))
    assert (book["steps_total"], book["child_from_step"]) == (9, 8)
    assert book["events"] == [
        {"kind": "advanced", "at": book["events"][0]["at"], "child_from_step": 8}  # type: ignore[index]
    ]

    # Step 8 is hard three times in a row: it goes back to the parent, Sam keeps step 9.
    for _ in range(3):
        assert run_session(tmp_path, [*PARENT[:7], "not yet", "next", "done"]) == 0
    assert "tricky lately" in capsys.readouterr().out
    book = toothbrushing(progress(capsys))
    assert book["child_from_step"] == 9
    kinds = [(e["kind"], e["child_from_step"]) for e in book["events"]]  # type: ignore[attr-defined]
    assert kinds == [("advanced", 8), ("stepped_back", 9)]
    sessions = book["sessions"]
    assert isinstance(sessions, list) and len(sessions) == 6
    assert [s["status"] for s in sessions] == ["complete"] * 6
    assert [s["child_not_yet"] for s in sessions] == [0, 0, 0, 1, 1, 1]

    # The log holds every outcome, in the contract's export shapes.
    capsys.readouterr()
    assert main(["export", "--child", "Sam", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 6 * 9
    assert {"date", "child", "routine", "step", "who", "outcome", "help", "session_id"} <= set(
        rows[0]
    )
    last = [r for r in rows if r["session_id"] == sessions[-1]["session_id"]]
    assert [(r["step"], r["who"], r["outcome"], r["help"]) for r in last[-2:]] == [
        ("8", "child", "not_yet", "yes"),
        ("9", "child", "done", "no"),
    ]
    assert main(["export", "--child", "Sam", "--format", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert len(exported["outcomes"]) == 54 and len(exported["sessions"]) == 6
    assert len(exported["events"]) == 2


def test_chatter_is_kept_with_the_session_and_never_logged_as_done(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [*PARENT, "are you done", "good job you're done with the top teeth", "not yet"]
    assert run_session(tmp_path, lines) == 0  # the script ends while helping: a stopped session
    store = TinyStore(home)
    (session,) = store.sessions("Sam")
    assert session.status.value == "stopped"
    outcomes = store.outcomes("Sam")
    assert [(o.step, o.outcome.value) for o in outcomes][-1] == (9, "not_yet")
    assert all(o.outcome.value != "done" for o in outcomes if o.actor.value == "child")
    speech = [s.text for s in store.speech(session.session_id)]
    assert speech == ["are you done", "good job you're done with the top teeth"]
    labels = [(s.kind, s.confidence) for s in store.speech(session.session_id)]
    assert labels[1][0] == "descriptive"  # labelled praise, counted for the 4:1 coach
    assert all(kind is not None and confidence is not None for kind, confidence in labels)
    assert "Did Sam do it on their own?" not in capsys.readouterr().out


def test_voice_dir_writes_a_numbered_wav_per_prompt(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "voice"
    path = script(tmp_path, ["stop"])
    code = main(
        ["run", "toothbrushing", "--child", "Sam", "--input", str(path), "--voice", str(out)]
    )
    assert code == 0
    files = sorted(out.glob("*.wav"))
    assert [f.name for f in files] == ["0001.wav", "0002.wav", "0003.wav"]  # hello, step 1, bye
    for f in files:
        with wave.open(str(f)) as w:
            assert w.getnframes() / w.getframerate() > 0.5
    assert capsys.readouterr().out == ""


def test_playbooks_list_show_and_validate(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["playbooks", "list"]) == 0
    listed = capsys.readouterr().out
    for pid in ("toothbrushing", "socks-and-shoes", "t-shirt", "hand-washing", "lunchbox"):
        assert pid in listed
    assert main(["playbooks", "show", "hand-washing", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["id"] == "hand-washing" and shown["title"]
    assert all({"prompt", "cue", "support", "comments"} <= set(s) for s in shown["steps"])
    assert main(["playbooks", "validate"]) == 0
    assert capsys.readouterr().out.count(": valid") >= 7
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: x\nsteps: []\nwings: 2\n", encoding="utf-8")
    assert main(["playbooks", "validate", str(bad)]) == 2
    printed = capsys.readouterr().out.splitlines()
    assert any(p.startswith(f"{bad}: wings: unknown field") for p in printed)
    assert any(p.startswith(f"{bad}: steps: should have") for p in printed)
    assert all(p.startswith(f"{bad}: ") for p in printed)


def test_parse_json_contract(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--json", "all done", "are you done"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == {"text": "all done", "intent": "done", "slots": {}, "score": 1.0}
    assert rows[1]["intent"] is None and set(rows[1]) == {"text", "intent", "slots", "score"}


def test_user_errors_are_one_sentence_and_status_2(home: Path, tmp_path: Path) -> None:
    assert_one_sentence(cli(home, "progress", "--child", "Nobody"), "Nobody")
    assert_one_sentence(cli(home, "export", "--child", "Nobody", "--format", "csv"), "Nobody")
    assert_one_sentence(
        cli(home, "run", "teethbrushing", "--child", "Sam", "--input", "keyboard"), "teethbrushing"
    )
    missing = tmp_path / "missing.txt"
    assert_one_sentence(
        cli(home, "run", "toothbrushing", "--child", "Sam", "--input", str(missing)), str(missing)
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\ntitle: Broken\nsteps: 3\n", encoding="utf-8")
    assert_one_sentence(
        cli(home, "run", str(broken), "--child", "Sam", "--input", "keyboard"), str(broken)
    )


def test_a_corrupt_log_is_named_and_kept(home: Path, tmp_path: Path) -> None:
    run = ("run", "toothbrushing", "--child", "Sam", "--input", "keyboard", "--voice", "console")
    ok = cli(home, *run, stdin="next\n")
    assert ok.returncode == 0, ok.stderr
    files = sorted((home / "log").rglob("*.json"))
    assert {f.name for f in files} >= {"children.json", "chains-0001.json"}
    for victim in files:
        original = victim.read_bytes()
        victim.write_bytes(original[: len(original) // 2])
        broken = victim.read_bytes()
        assert_one_sentence(cli(home, "progress", "--child", "Sam"), str(victim))
        # A new session reads the registry and the chain, never old sessions (the live path
        # does not touch history), so only those two stop it.
        result = cli(home, *run, stdin="next\n")
        if victim.name in ("children.json", "chains-0001.json"):
            assert_one_sentence(result, str(victim))
        else:
            assert result.returncode == 0, result.stderr
        assert victim.read_bytes() == broken
        victim.write_bytes(original)


def test_a_killed_session_keeps_every_earlier_outcome(home: Path) -> None:
    env = {**os.environ, "OT_ASSISTANT_HOME": str(home)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant",
            "run",
            "toothbrushing",
            "--child",
            "Sam",
            "--input",
            "keyboard",
            "--voice",
            "console",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for step in range(1, 6):  # wait for each prompt; answer steps 1-4
            while True:
                line = proc.stdout.readline()
                assert line, f"the session ended before step {step} was asked"
                if f"Step {step} of" in line:
                    break
            if step < 5:
                proc.stdin.write("next\n")
                proc.stdin.flush()
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    store = TinyStore(home)
    (session,) = store.sessions("Sam")
    assert session.status.value == "running"  # never finished: kept, readable, incomplete
    assert [o.step for o in store.outcomes("Sam")] == [1, 2, 3, 4]


def test_schedule_show_places_breaks_before_demands(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = home / "children" / "Sam"
    folder.mkdir(parents=True)
    (folder / "sensory.yaml").write_text(
        'demands:\n  - name: school morning\n    at: "07:30"\n'
        '  - name: homework\n    at: "16:00"\n    lead_minutes: 15\n',
        encoding="utf-8",
    )
    assert main(["schedule", "show", "--child", "Sam", "--date", "2026-11-30", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    starts = [(b["starts_at"], b["before"][0]["demand"]) for b in plan["breaks"]]
    assert starts == [("2026-11-30T07:10", "school morning"), ("2026-11-30T15:45", "homework")]
    assert all(b["activity"] for b in plan["breaks"])
    assert main(["schedule", "show", "--child", "Nobody"]) == 2
    assert "sensory.yaml" in capsys.readouterr().err


def test_report_and_progress_show_function(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):
        assert run_session(tmp_path, [*PARENT, "you're brushing the back teeth", "done"]) == 0
    capsys.readouterr()
    out = tmp_path / "report.html"
    assert main(["report", "--child", "sam", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<svg" in page and "Brushing teeth" in page and "Sam" in page
    assert "http://" not in page and "https://" not in page
    data = progress(capsys)
    (routine,) = data["indicators"]["routines"]  # type: ignore[index]
    assert routine["playbook"] == "toothbrushing"
    assert main(["report", "--child", "Nobody"]) == 2


def test_initiations_are_logged_with_the_step(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_session(tmp_path, ["next", "she started it herself", "next"]) == 0
    assert "started that without being asked" in capsys.readouterr().out
    store = TinyStore(home)
    (found,) = store.initiations("Sam")
    assert (found.step, found.playbook) == (2, "toothbrushing")
    assert [o.step for o in store.outcomes("Sam")] == [1, 2]  # the step was not consumed
    data = progress(capsys)
    (routine,) = data["indicators"]["routines"]  # type: ignore[index]
    assert "without being asked" in json.dumps(routine)


def test_timer_command_writes_the_cues_and_the_chime(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "timer"
    assert main(["timer", "2s", "--voice", str(folder), "--ring", "0"]) == 0
    index = (folder / "prompts.txt").read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[1] for line in index] == [
        "Two-second timer, starting now.",
        "*chime*",
        "Time's up: timer finished.",
    ]
    for name in ("0001.wav", "0002.wav", "0003.wav"):
        with wave.open(str(folder / name)) as w:
            assert w.getnframes() / w.getframerate() > 0.5
    assert main(["timer", "soon"]) == 2
    assert "soon" in capsys.readouterr().err


def test_a_graded_skill_session_counts_every_try(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tries = ["done"] * 8 + ["not yet", "done"]
    path = script(tmp_path, tries)
    args = ["run", "scissors", "--child", "Sam", "--input", str(path), "--voice", "console"]
    assert main(args) == 0
    capsys.readouterr()  # the wording is tested in test_graded.py
    data = progress(capsys)
    books = data["playbooks"]
    assert isinstance(books, list)
    (book,) = books
    assert (book["kind"], book["level"], book["levels"]) == ("graded", 1, 6)
    (session,) = book["sessions"]
    assert (session["child_done"], session["child_not_yet"]) == (9, 1)
    assert session["status"] == "complete"
    (routine,) = data["indicators"]["routines"]  # type: ignore[index]
    assert routine["weeks"][0]["not_yet"] == 1  # every try counted, not the last per level
    assert main(["playbooks", "show", "scissors", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["kind"] == "graded" and len(shown["levels"]) >= 2


def test_the_voice_can_be_chosen_and_a_bad_one_is_one_sentence(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = script(tmp_path, ["stop"])
    base = ["run", "toothbrushing", "--child", "Sam", "--input", str(path)]
    slow, fast = tmp_path / "slow", tmp_path / "fast"
    assert main([*base, "--voice", str(slow), "--rate", "120", "--speech-voice", "en-us"]) == 0
    assert main([*base, "--voice", str(fast), "--rate", "300", "--speech-voice", "en-us"]) == 0
    with wave.open(str(slow / "0001.wav")) as s, wave.open(str(fast / "0001.wav")) as f:
        assert s.getnframes() > 1.5 * f.getnframes()  # the same words, said more slowly
    assert main([*base, "--voice", str(tmp_path / "x"), "--speech-voice", "en-gb"]) == 2
    assert "en-gb" in capsys.readouterr().err
