"""Speaker adapters against the real pyttsx3 and espeak-ng, writing real WAV files.

These machines have no sound card, so playing aloud is checked two ways: against the real
`aplay` (which must fail with one clear error, fast) and against stand-in `aplay` scripts put
first on PATH (which show what the speaker hands to `aplay` and that nothing reaches stdout).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest

from assistant.errors import AssistantError
from assistant.speakers import (
    INDEX_NAME,
    AloudSpeaker,
    ConsoleSpeaker,
    SpeechOutputError,
    WavSpeaker,
)

ROOT = Path(__file__).resolve().parent.parent

SHORT = "Done."
MEDIUM = "Now put the toothpaste on the brush."
LONG = (
    "Now brush the top teeth on the left side, slowly, in little circles, "
    "and count to ten with me while you do it."
)


def wav_info(path: Path) -> tuple[int, int, int, float]:
    """(channels, sample width in bytes, frame rate, seconds) of a WAV file."""
    with wave.open(os.fspath(path), "rb") as wav:
        rate = wav.getframerate()
        return wav.getnchannels(), wav.getsampwidth(), rate, wav.getnframes() / rate


def index_lines(folder: Path) -> list[str]:
    return (folder / INDEX_NAME).read_text(encoding="utf-8").splitlines()


# -- WavSpeaker ---------------------------------------------------------------------------


def test_consecutive_prompts_each_become_a_valid_wav_file(tmp_path: Path) -> None:
    # One speaker, several says in a row: the case where a reused pyttsx3 engine hangs or
    # leaves the second file empty.
    speaker = WavSpeaker(tmp_path / "out")
    for text in (SHORT, MEDIUM, LONG, SHORT):
        speaker.say(text)
    speaker.close()

    names = sorted(p.name for p in (tmp_path / "out").glob("*.wav"))
    assert names == ["0001.wav", "0002.wav", "0003.wav", "0004.wav"]
    assert speaker.written == [tmp_path / "out" / name for name in names]
    infos = [wav_info(path) for path in speaker.written]
    for channels, width, rate, seconds in infos:
        assert (channels, width, rate) == (1, 2, 22050)
        assert seconds > 0.2
    short, medium, long, short_again = (seconds for *_, seconds in infos)
    assert short < medium < long
    # The same text at the same settings comes out the same length: nothing carried over.
    assert short_again == pytest.approx(short, abs=0.05)


def test_index_names_each_file_and_its_text_on_one_line(tmp_path: Path) -> None:
    speaker = WavSpeaker(tmp_path)
    speaker.say("Hello Sam.")
    speaker.say("Wet the brush.\n  Then   turn off the tap.")
    assert index_lines(tmp_path) == [
        "0001.wav\tHello Sam.",
        "0002.wav\tWet the brush. Then turn off the tap.",
    ]


def test_numbering_continues_after_files_already_there(tmp_path: Path) -> None:
    (tmp_path / "0001.wav").write_bytes(b"not ours")
    (tmp_path / "0007.wav").write_bytes(b"not ours")
    (tmp_path / "notes.wav").write_bytes(b"not numbered")
    (tmp_path / "12.wav").write_bytes(b"too few digits to count")
    WavSpeaker(tmp_path).say(SHORT)
    assert (tmp_path / "0008.wav").exists()
    assert (tmp_path / "0001.wav").read_bytes() == b"not ours"

    # A second speaker on the same folder (a second session) carries on too.
    WavSpeaker(tmp_path).say(MEDIUM)
    assert wav_info(tmp_path / "0009.wav")[3] > 0.2
    assert index_lines(tmp_path) == [f"0008.wav\t{SHORT}", f"0009.wav\t{MEDIUM}"]


def test_folder_is_created_and_no_partial_files_are_left(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    WavSpeaker(folder).say(SHORT)
    assert sorted(p.name for p in folder.iterdir()) == ["0001.wav", INDEX_NAME]


def test_blank_text_writes_nothing(tmp_path: Path) -> None:
    speaker = WavSpeaker(tmp_path)
    speaker.say("  \n ")
    assert list(tmp_path.iterdir()) == []
    speaker.say(SHORT)
    assert (tmp_path / "0001.wav").exists()


def test_rate_and_voice_reach_espeak(tmp_path: Path) -> None:
    slow = WavSpeaker(tmp_path / "slow", rate=100)
    fast = WavSpeaker(tmp_path / "fast", rate=300)
    slow.say(MEDIUM)
    fast.say(MEDIUM)
    assert (
        wav_info(tmp_path / "slow" / "0001.wav")[3]
        > 2 * wav_info(tmp_path / "fast" / "0001.wav")[3]
    )

    korean = WavSpeaker(tmp_path / "ko", voice="ko")
    korean.say("다음")
    assert wav_info(tmp_path / "ko" / "0001.wav")[3] > 0.2


def test_stdout_stays_clean_while_writing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # pyttsx3's driver prints "Audio saved to ..." after every file; stdout carries --json.
    speaker = WavSpeaker(tmp_path)
    speaker.say(SHORT)
    speaker.say(MEDIUM)
    assert capfd.readouterr().out == ""


def test_unknown_voice_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpeechOutputError, match="no voice called 'no-such-voice'"):
        WavSpeaker(tmp_path, voice="no-such-voice")


def test_rate_out_of_range_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpeechOutputError, match="between 80 and 450"):
        WavSpeaker(tmp_path, rate=5)


def test_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    with pytest.raises(SpeechOutputError, match="Cannot create the folder"):
        WavSpeaker(blocker / "speech")


def test_speech_errors_are_assistant_errors() -> None:
    # The CLI turns AssistantError into one sentence and exit status 2.
    assert issubclass(SpeechOutputError, AssistantError)


def test_missing_pyttsx3_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyttsx3", None)  # makes `import pyttsx3` fail
    with pytest.raises(SpeechOutputError, match="pyttsx3 package; run scripts/setup"):
        WavSpeaker(tmp_path)


def test_missing_espeak_ng_is_a_clear_error(tmp_path: Path) -> None:
    # In a child process, so the real, once-per-process espeak-ng set-up here is untouched:
    # the library loader fails the way pyttsx3's does when libespeak-ng is not installed.
    code = """
import sys
from pathlib import Path

class NoEspeak:
    def find_spec(self, name, path=None, target=None):
        if name == "pyttsx3.drivers._espeak":
            raise RuntimeError("This means you probably do not have eSpeak or eSpeak-ng installed!")
        return None

sys.meta_path.insert(0, NoEspeak())
from assistant.speakers import SpeechOutputError, WavSpeaker
try:
    WavSpeaker(Path(sys.argv[1]))
except SpeechOutputError as exc:
    print(exc)
"""
    result = subprocess.run(
        [sys.executable, "-c", code, os.fspath(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.fspath(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == (
        "Speech output needs espeak-ng; install it with scripts/setup or "
        "`sudo apt-get install espeak-ng`, or use --voice console."
    )


# -- ConsoleSpeaker -----------------------------------------------------------------------


def test_console_speaker_prints_one_line_per_prompt() -> None:
    stream = io.StringIO()
    speaker = ConsoleSpeaker(stream)
    speaker.say("Hello Sam.")
    speaker.say("Wet the brush.\nThen turn off the tap.")
    speaker.close()
    assert stream.getvalue() == (
        "assistant: Hello Sam.\nassistant: Wet the brush. Then turn off the tap.\n"
    )


def test_console_speaker_defaults_to_the_current_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    ConsoleSpeaker().say("Brush the top teeth.")
    assert capsys.readouterr().out == "assistant: Brush the top teeth.\n"


# -- AloudSpeaker -------------------------------------------------------------------------


def test_aloud_without_a_sound_device_fails_fast_or_plays_quietly(
    capfd: pytest.CaptureFixture[str],
) -> None:
    # Whichever this machine can do: here (no sound card) one clear error, never a hang;
    # on a machine with speakers, the prompt plays and stdout stays empty.
    started = time.monotonic()
    try:
        speaker = AloudSpeaker()
        speaker.say(SHORT)
        speaker.close()
    except SpeechOutputError as exc:
        assert str(exc).startswith("No sound device could play speech (")
        assert "--voice console" in str(exc)
        assert "\n" not in str(exc)
    assert time.monotonic() - started < 10
    assert capfd.readouterr().out == ""


def fake_aplay(folder: Path, body: str) -> Path:
    """Put an `aplay` script running `body` in `folder`; return the folder for PATH."""
    folder.mkdir()
    script = folder / "aplay"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return folder


def test_aloud_plays_the_whole_prompt_and_keeps_stdout_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    played = tmp_path / "played"
    played.mkdir()
    # Keeps every file it is asked to play (the last argument) and chatters on stdout.
    body = f'echo "Playing WAVE"; for f; do :; done; cp "$f" "{played}/$(date +%s%N).wav"'
    bin_dir = fake_aplay(tmp_path / "bin", body)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    speaker = AloudSpeaker(rate=180, volume=0.8)
    speaker.say(MEDIUM)
    speaker.say(LONG)
    speaker.close()

    files = sorted(played.iterdir())
    assert len(files) == 3  # the silent device check, then the two prompts
    assert wav_info(files[0])[3] < 0.1
    medium, long = (wav_info(path) for path in files[1:])
    assert medium[:3] == long[:3] == (1, 2, 22050)
    assert 0.2 < medium[3] < long[3]
    assert capfd.readouterr().out == ""


def test_aloud_without_aplay_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", os.fspath(tmp_path))
    with pytest.raises(SpeechOutputError, match="needs aplay; install it with scripts/setup"):
        AloudSpeaker()


def test_aloud_with_a_stuck_device_gives_up_with_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `exec` so the timeout's kill reaches the sleeping process itself. Takes ~5 s: the
    # margin allowed beyond the audio's length.
    bin_dir = fake_aplay(tmp_path / "bin", "exec sleep 60")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    started = time.monotonic()
    with pytest.raises(SpeechOutputError, match="did not finish within 5 seconds"):
        AloudSpeaker()
    assert time.monotonic() - started < 15
