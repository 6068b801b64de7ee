"""The timer adapter and the `timer` command on a fake clock: real espeak-ng WAV files, the
generated chime, the progress output and Ctrl-C. Nothing sleeps: `sleep` advances the clock."""

from __future__ import annotations

import io
import os
import struct
import wave
from pathlib import Path

import pytest

from assistant import timers as T
from assistant.chime import RATE, chime_pcm, write_chime
from assistant.clock import FakeClock
from assistant.errors import AssistantError
from assistant.speakers import INDEX_NAME, ConsoleSpeaker, SpeechOutputError, WavSpeaker
from assistant.timer_command import (
    EXIT_CANCELLED,
    DurationError,
    clock_face,
    parse_duration,
    run_timer,
)
from assistant.timer_runner import (
    CHIME_LINE,
    AloudChime,
    ConsoleChime,
    TimerRunner,
    WavChime,
    chime_player_for,
)

T0 = 1_790_000_000.0


def wav_info(path: Path) -> tuple[int, int, int, float]:
    """(channels, sample width in bytes, frame rate, seconds) of a WAV file."""
    with wave.open(os.fspath(path), "rb") as wav:
        rate = wav.getframerate()
        return wav.getnchannels(), wav.getsampwidth(), rate, wav.getnframes() / rate


def index(folder: Path) -> list[tuple[str, str]]:
    lines = (folder / INDEX_NAME).read_text(encoding="utf-8").splitlines()
    return [(name, text) for name, text in (line.split("\t", 1) for line in lines)]


class Recorder:
    """A speaker and a chime player that note what they were given and when (clock time)."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.said: list[tuple[float, str]] = []

    def say(self, text: str) -> None:
        self.said.append((self.clock.now(), text))

    def chime(self) -> None:
        self.said.append((self.clock.now(), CHIME_LINE))

    def close(self) -> None:
        pass


class Interrupting:
    """A sleep that advances the fake clock and raises KeyboardInterrupt once past `at`."""

    def __init__(self, clock: FakeClock, at: float) -> None:
        self.clock, self.at = clock, at

    def __call__(self, seconds: float) -> None:
        if self.clock.now() + seconds > self.at:
            self.clock.advance(self.at - self.clock.now())
            raise KeyboardInterrupt
        self.clock.advance(seconds)


# --- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2s", 2), ("90s", 90), ("5m", 300), ("5 minutes", 300), ("1m30s", 90),
        ("1 min 30 sec", 90), ("1 minute and 30 seconds", 90), ("1h", 3600), ("1.5m", 90),
        ("1:30", 90), ("1:02:03", 3723), (" 10 Seconds ", 10), ("2m, 5s", 125),
    ],
)  # fmt: skip
def test_durations_are_parsed(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("90", "has no unit; write it like 90s, 5m, 5 minutes or 1m30s"),
        ("5x", "cannot be read"),
        ("five minutes", "cannot be read"),
        ("-5m", "cannot be read"),
        ("5m!", "cannot be read"),
        ("", "cannot be read"),
        ("0s", "is zero"),
        ("25h", "is too long; a timer runs for at most twenty-four hours"),
    ],
)
def test_bad_durations_are_one_sentence_errors(text: str, message: str) -> None:
    with pytest.raises(DurationError, match=message) as caught:
        parse_duration(text)
    assert isinstance(caught.value, AssistantError)  # so the CLI exits 2 with the sentence


def test_clock_face_rounds_up() -> None:
    assert [clock_face(s) for s in (0, 0.2, 59.5, 60, 90, 3725)] == [
        "0:00", "0:01", "1:00", "1:00", "1:30", "1:02:05",
    ]  # fmt: skip


# --- the chime ------------------------------------------------------------------------------


def test_the_chime_is_a_real_soft_edged_sound(tmp_path: Path) -> None:
    path = tmp_path / "chime.wav"
    assert write_chime(path) == pytest.approx(1.2)
    assert wav_info(path)[:3] == (1, 2, RATE) and wav_info(path)[3] == pytest.approx(1.2)
    samples = struct.unpack(f"<{len(chime_pcm()) // 2}h", chime_pcm())
    assert 0.5 * 32767 < max(abs(s) for s in samples) < 0.7 * 32767  # loud, not clipped
    assert abs(samples[0]) < 500 and samples[-1] == 0  # no click at either end
    # The second note: energy comes back after the first one has decayed.
    window = RATE // 20
    energy = [sum(abs(s) for s in samples[i : i + window]) for i in range(0, len(samples), window)]
    second = round(0.38 * RATE / window)
    assert energy[second + 1] > 1.3 * energy[second - 1]


def test_console_chime_and_the_players_that_go_with_each_speaker(tmp_path: Path) -> None:
    out = io.StringIO()
    ConsoleChime(out).chime()
    assert out.getvalue() == "assistant: *chime*\n"
    console = ConsoleSpeaker(out, prefix="> ")
    player = chime_player_for(console)
    assert isinstance(player, ConsoleChime) and player.stream is out and player.prefix == "> "
    wav = chime_player_for(WavSpeaker(tmp_path / "voice"))
    assert isinstance(wav, WavChime) and wav.folder == tmp_path / "voice"


def test_wav_chime_numbers_after_the_files_already_there(tmp_path: Path) -> None:
    folder = tmp_path / "voice"
    folder.mkdir()
    (folder / "0007.wav").write_bytes(b"")
    player = WavChime(folder)
    player.chime()
    player.chime()
    assert [p.name for p in player.written] == ["0008.wav", "0009.wav"]
    assert index(folder) == [("0008.wav", CHIME_LINE), ("0009.wav", CHIME_LINE)]
    assert not list(folder.glob(".*"))  # no partial files left


def test_aloud_chime_plays_the_chime_file_with_aplay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    played = tmp_path / "played.wav"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "aplay"
    script.write_text(f'#!/bin/sh\nfor f; do :; done; cp "$f" "{played}"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    player = AloudChime()
    player.chime()
    player.close()
    assert wav_info(played)[:3] == (1, 2, RATE) and wav_info(played)[3] == pytest.approx(1.2)

    script.write_text("#!/bin/sh\necho 'aplay: main:831: audio open error' >&2\nexit 1\n")
    failing = AloudChime()
    with pytest.raises(SpeechOutputError, match="No sound device could play the chime"):
        failing.chime()
    failing.close()


# --- the runner -----------------------------------------------------------------------------


def test_the_runner_delivers_each_cue_at_its_time(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    recorder = Recorder(clock)
    runner = TimerRunner(recorder, recorder, clock, clock.advance, T.TimerRules(ring_for=10))
    runner.start(300, "break")
    clock.advance(100)
    runner.start(60, "tea")  # runs alongside; its read-back is said at once
    runner.run()
    assert [(round(at - T0), text) for at, text in recorder.said] == [
        (0, "Five-minute break, starting now."),
        (100, "One-minute tea, starting now."),
        (130, "Halfway through the tea: thirty seconds left."),
        (150, "Halfway through the break: two and a half minutes left."),
        (160, CHIME_LINE),
        (160, "Time's up: tea finished."),
        (165, CHIME_LINE),
        (240, "One minute left on the break."),
        (300, CHIME_LINE),
        (300, "Time's up: break finished."),
        (305, CHIME_LINE),
    ]
    assert not runner.timers
    assert [c.kind for c in runner.delivered].count(T.CueKind.SILENCED) == 2


def test_the_runner_pauses_adds_and_stops_a_ring(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    recorder = Recorder(clock)
    runner = TimerRunner(recorder, recorder, clock, clock.advance)
    runner.start(120)
    clock.advance(30)
    assert runner.pause().remaining(clock.now()) == 90
    clock.advance(1000)
    assert runner.wait() is False  # paused: nothing to wait for
    runner.resume()
    runner.add(30)
    runner.run(until=lambda: bool(runner.timers.ringing))
    assert clock.now() == T0 + 1030 + 120
    assert runner.stop_ringing() == ("timer",)
    assert recorder.said[-1] == (T0 + 1150, "Time's up: timer finished.")
    assert runner.run() == []


# --- the command ----------------------------------------------------------------------------


def test_a_two_second_timer_writes_its_cues_and_chimes_as_wav_files(tmp_path: Path) -> None:
    folder = tmp_path / "voice"
    clock = FakeClock(T0)
    speaker = WavSpeaker(folder)
    progress = io.StringIO()
    status = run_timer(
        "2s", None, speaker, chime_player_for(speaker), clock, clock.advance, progress
    )
    assert status == 0
    assert clock.now() == T0 + 2 + 60  # the ring stopped by itself after a minute
    names = [f"{n:04d}.wav" for n in range(1, 15)]
    assert index(folder) == [
        (names[0], "Two-second timer, starting now."),
        (names[1], CHIME_LINE),
        (names[2], "Time's up: timer finished."),
        *[(name, CHIME_LINE) for name in names[3:]],  # a chime every 5 s for a minute
    ]
    assert sorted(p.name for p in folder.glob("*.wav")) == names
    for name, text in index(folder):
        channels, width, rate, seconds = wav_info(folder / name)
        assert (channels, width, rate) == (1, 2, 22050)
        if text == CHIME_LINE:
            assert seconds == pytest.approx(1.2)
        else:
            assert 0.5 < seconds < 4.0, (name, text, seconds)
    assert progress.getvalue().splitlines() == [
        "timer: started, 0:02 to go",
        "timer: time's up, ringing",
        "timer: the ring stopped by itself",
        "timer: done.",
    ]


def test_a_labelled_timer_with_a_short_ring(tmp_path: Path) -> None:
    folder = tmp_path / "voice"
    clock = FakeClock(T0)
    speaker = WavSpeaker(folder)
    status = run_timer(
        "90s", "break", speaker, WavChime(folder), clock, clock.advance, io.StringIO(),
        rules=T.TimerRules(ring_for=0),
    )  # fmt: skip
    assert status == 0
    assert [text for _, text in index(folder)] == [
        "Break for one and a half minutes, starting now.",
        "Halfway through the break: forty-five seconds left.",
        CHIME_LINE,
        "Time's up: break finished.",
    ]


def test_ctrl_c_before_the_end_cancels_in_one_line_and_exits_130() -> None:
    clock = FakeClock(T0)
    out, progress = io.StringIO(), io.StringIO()
    status = run_timer(
        "5m", "break", ConsoleSpeaker(out), ConsoleChime(out), clock,
        Interrupting(clock, T0 + 200), progress,
    )  # fmt: skip
    assert status == EXIT_CANCELLED == 130
    assert progress.getvalue().splitlines()[-1] == "break: cancelled with 1:40 left."
    assert "Time's up" not in out.getvalue() and CHIME_LINE not in out.getvalue()


def test_ctrl_c_while_ringing_only_stops_the_ring() -> None:
    clock = FakeClock(T0)
    out, progress = io.StringIO(), io.StringIO()
    status = run_timer(
        "2s", None, ConsoleSpeaker(out), ConsoleChime(out), clock,
        Interrupting(clock, T0 + 13), progress,
    )  # fmt: skip
    assert status == 0
    assert out.getvalue().splitlines() == [
        "assistant: Two-second timer, starting now.",
        "assistant: *chime*",
        "assistant: Time's up: timer finished.",
        "assistant: *chime*",  # at 7 s
        "assistant: *chime*",  # at 12 s; Ctrl-C at 13 s
    ]
    assert progress.getvalue().splitlines()[-1] == "timer: chime stopped."


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_at_a_terminal_the_bar_is_redrawn_in_place() -> None:
    clock = FakeClock(T0)
    progress = Terminal()
    status = run_timer(
        "10s", "break", ConsoleSpeaker(io.StringIO()), ConsoleChime(io.StringIO()), clock,
        clock.advance, progress, rules=T.TimerRules(ring_for=0),
    )  # fmt: skip
    assert status == 0
    text = progress.getvalue()
    frames = [f for f in text.split("\r") if f.startswith("[")]
    assert len(frames) == 100  # redrawn every 0.1 s for a 10 s timer
    assert frames[0].startswith("[" + "-" * 30 + "] 0:10 left  break")
    assert frames[50].startswith("[" + "#" * 15 + "-" * 15 + "] 0:05 left")
    assert text.endswith("break: done.\n")
    assert "\n" not in text[: -len("break: done.\n")]  # bar lines never scroll


def test_an_unreadable_duration_raises_before_anything_is_said() -> None:
    clock = FakeClock(T0)
    out = io.StringIO()
    with pytest.raises(DurationError):
        run_timer(
            "soon", None, ConsoleSpeaker(out), ConsoleChime(out), clock, clock.advance,
            io.StringIO(),
        )  # fmt: skip
    assert out.getvalue() == ""
