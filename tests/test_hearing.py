"""Choosing the ears of a session: the first-run offer and the fallbacks to typed input."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.clock import FakeClock
from assistant.errors import AssistantError
from assistant.hearing import open_ears
from assistant.listeners import KeyboardListener, ScriptListener
from assistant.speech_model import URL_ENV, ModelNotFound


@pytest.fixture
def no_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home with no model anywhere Vosk or we would look (HOME moved, no env overrides)."""
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    for name in ("OT_ASSISTANT_MODEL", "VOSK_MODEL_PATH"):
        monkeypatch.delenv(name, raising=False)
    # Nothing listens on port 1: a download fails at once, without leaving this machine.
    monkeypatch.setenv(URL_ENV, "http://127.0.0.1:1/models")
    return tmp_path / "home"


def ears(choice: str, home: Path, notices: list[str], answers: list[bool] | None) -> object:
    asked: list[str] = []

    def ask(question: str) -> bool:
        asked.append(question)
        assert answers is not None
        return answers.pop(0)

    result = open_ears(
        choice,
        lang="en",
        model=None,
        grammar=False,
        home=home,
        clock=FakeClock(),
        notice=notices.append,
        ask=ask if answers is not None else None,
    )
    notices.extend(f"asked: {q}" for q in asked)
    return result.listener


def test_no_model_without_a_terminal_falls_back_to_typing_in_one_line(no_model: Path) -> None:
    notices: list[str] = []
    assert isinstance(ears("mic", no_model, notices, None), KeyboardListener)
    (line,) = notices
    assert "ot-assistant model download" in line and "typed input" in line


def test_no_model_at_a_terminal_is_offered_and_a_refusal_types(no_model: Path) -> None:
    notices: list[str] = []
    assert isinstance(ears("mic", no_model, notices, [False]), KeyboardListener)
    question = notices[-1]
    assert "vosk-model-small-en-us-0.15" in question and "41 MB" in question
    assert "http://127.0.0.1:1/models" in question


def test_a_failed_download_says_why_and_types(no_model: Path) -> None:
    notices: list[str] = []
    assert isinstance(ears("mic", no_model, notices, [True]), KeyboardListener)
    assert any("Could not reach" in n for n in notices)
    models = no_model / "models"
    assert not models.exists() or list(models.iterdir()) == []  # nothing half-made


def test_a_wav_input_needs_a_model_and_says_so(no_model: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match="ot-assistant model download"):
        ears(str(tmp_path / "x.wav"), no_model, [], None)


def test_scripts_and_keyboard_need_no_model(no_model: Path, tmp_path: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("next\n", encoding="utf-8")
    assert isinstance(ears(str(script), no_model, [], None), ScriptListener)
    assert isinstance(ears("keyboard", no_model, [], None), KeyboardListener)
    with pytest.raises(AssistantError, match="does not exist"):
        ears(str(tmp_path / "missing.txt"), no_model, [], None)
