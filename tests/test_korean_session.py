"""A Korean-speaking family's session, end to end: espeak-ng speech in a WAV file, the real
Korean Vosk model, the CLI, and the outcomes in the real log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import KoreanSpeech, korean_model_dir

from assistant.audio import read_wav, write_wav
from assistant.cli import main
from assistant.store import TinyStore

SILENCE = b"\0\0" * 16000  # one second of 16 kHz 16-bit silence


def recording(tmp_path: Path, korean_speech: KoreanSpeech, phrases: list[str]) -> Path:
    """One WAV of the phrases, each after a second of silence, as a parent would speak."""
    pcm = b"".join(SILENCE + read_wav(korean_speech(p)) for p in phrases) + SILENCE
    path = tmp_path / "session.wav"
    write_wav(path, pcm)
    return path


def test_a_korean_session_from_a_wav_file_logs_its_outcomes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    korean_speech: KoreanSpeech,
    korean_model: object,  # loaded once per run; the CLI reuses it
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("OT_ASSISTANT_HOME", str(home))
    # Eight parent steps moved on with "넘어가" (next), the child's step "완료" (done).
    wav = recording(tmp_path, korean_speech, ["넘어가"] * 8 + ["완료"])
    args = ["run", "toothbrushing", "--child", "Sam", "--input", str(wav), "--lang", "ko"]
    code = main([*args, "--model", str(korean_model_dir()), "--voice", "console"])
    assert code == 0
    store = TinyStore(home)
    (session,) = store.sessions("Sam")
    assert session.status.value == "complete"
    logged = [(o.step, o.actor.value, o.outcome.value) for o in store.outcomes("Sam")]
    assert logged == [(s, "parent", "done") for s in range(1, 9)] + [(9, "child", "done")]


def test_listen_prints_one_json_object_per_utterance(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    korean_speech: KoreanSpeech,
    korean_model: object,
) -> None:
    wav = recording(tmp_path, korean_speech, ["완료", "아직"])
    args = ["listen", "--audio", str(wav), "--lang", "ko", "--model", str(korean_model_dir())]
    assert main([*args, "--grammar", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["text"] for r in rows] == ["완료", "아직"]
    assert all(set(r) == {"text", "confidence", "t_start", "t_end"} for r in rows)
    assert 0.9 < rows[0]["t_start"] < rows[0]["t_end"] < rows[1]["t_start"] < rows[1]["t_end"]


def test_listen_errors_are_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OT_ASSISTANT_HOME", str(tmp_path / "home"))
    text = tmp_path / "notes.wav"
    text.write_text("not audio", encoding="utf-8")
    assert main(["listen", "--audio", str(text), "--model", str(korean_model_dir())]) == 2
    assert str(text) in capsys.readouterr().err
    assert main(["listen", "--audio", str(text), "--lang", "en"]) == 2  # no English model here
    err = capsys.readouterr().err
    assert "ot-assistant model download" in err and len(err.strip().splitlines()) == 1
