"""Half-duplex: the microphone is muted while the assistant speaks, plus a tail.

The gate and the muting speaker are pure logic over a `FakeClock`. The last tests run the
real microphone listener and the real Korean model: the "room" is simulated by a speaker
whose `say()` plays its words into the microphone callback, block by block, as the clock
advances, so without the gate the assistant would hear itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.audio import TARGET_RATE, read_wav
from assistant.clock import FakeClock
from assistant.intents import intents_file, load_intents
from assistant.mute import DEFAULT_TAIL, MuteGate, MutingSpeaker, muted
from assistant.recognizer import grammar_phrases
from assistant.seams import Heard
from assistant.vosk_listeners import MicListener

KoreanSpeech = Callable[[str], Path]

BLOCK = 3200
"""Bytes in one 100 ms microphone block."""
BLOCK_SECONDS = 0.1


class RecordingSpeaker:
    """Notes, for each `say`, whether the gate was muted at that moment."""

    def __init__(self, gate: MuteGate, clock: FakeClock, seconds: float = 1.0) -> None:
        self.gate = gate
        self.clock = clock
        self.seconds = seconds
        self.muted_while_saying: list[bool] = []
        self.closed = False

    def say(self, text: str) -> None:
        now = self.clock.now()
        self.muted_while_saying.append(self.gate.muted_between(now, now))
        self.clock.advance(self.seconds)

    def close(self) -> None:
        self.closed = True


class FailingSpeaker:
    def say(self, text: str) -> None:
        raise OSError("the sound card went away")

    def close(self) -> None:
        pass


# -- the gate -------------------------------------------------------------------------------


def test_an_unused_gate_never_mutes() -> None:
    assert not MuteGate().muted_between(0.0, 1e12)


def test_speaking_mutes_from_the_start_of_speech_to_the_end_of_the_tail() -> None:
    clock = FakeClock(100.0)
    gate = MuteGate()
    speaker = MutingSpeaker(RecordingSpeaker(gate, clock, seconds=2.0), gate, clock)
    speaker.say("Step one.")
    # Spoken from 100.0 to 102.0; muted until 102.0 + tail.
    end = 102.0 + DEFAULT_TAIL
    assert not gate.muted_between(99.0, 99.99)
    assert gate.muted_between(99.95, 100.05)  # a block that ends as speech starts
    assert gate.muted_between(101.0, 101.0)
    assert gate.muted_between(end - 0.01, end - 0.01)
    assert not gate.muted_between(end + 0.01, end + 0.11)


def test_the_inner_speaker_runs_muted_and_close_passes_through() -> None:
    clock = FakeClock()
    gate = MuteGate()
    inner = RecordingSpeaker(gate, clock)
    speaker = MutingSpeaker(inner, gate, clock, tail=0.5)
    speaker.say("one")
    speaker.say("two")
    assert inner.muted_while_saying == [True, True]
    speaker.close()
    assert inner.closed


def test_while_speaking_every_later_moment_is_muted() -> None:
    # Blocks are checked as they arrive; during a long prompt the span is still open.
    clock = FakeClock(10.0)
    gate = MuteGate()
    gate.hold(clock.now())
    assert gate.muted_between(10.0, 10.1)
    assert gate.muted_between(500.0, 500.1)
    assert not gate.muted_between(9.0, 9.9)


def test_nested_holds_mute_until_the_last_release_and_the_latest_tail() -> None:
    gate = MuteGate()
    gate.hold(0.0)  # a prompt
    gate.hold(1.0)  # a chime inside it
    gate.release(until=5.0)  # the chime's tail outlasts the prompt's
    assert gate.muted_between(3.0, 3.0)
    gate.release(until=4.0)
    assert gate.muted_between(4.5, 4.5)
    assert not gate.muted_between(5.01, 6.0)


def test_release_without_hold_is_a_bug() -> None:
    with pytest.raises(RuntimeError):
        MuteGate().release(until=1.0)


def test_a_failing_speaker_does_not_leave_the_microphone_muted_forever() -> None:
    clock = FakeClock(50.0)
    gate = MuteGate()
    speaker = MutingSpeaker(FailingSpeaker(), gate, clock, tail=0.3)
    with pytest.raises(OSError, match="sound card"):
        speaker.say("hello")
    assert gate.muted_between(50.2, 50.2)
    assert not gate.muted_between(50.4, 60.0)


def test_a_chime_mutes_too() -> None:
    clock = FakeClock(0.0)
    gate = MuteGate()
    with muted(gate, clock, tail=0.5):
        clock.advance(1.0)  # the chime plays for a second
    assert gate.muted_between(0.2, 0.2)
    assert gate.muted_between(1.4, 1.4)
    assert not gate.muted_between(1.6, 2.0)


# -- the microphone with the real recogniser ------------------------------------------------


class Room:
    """A microphone in a room: whatever is played goes into the listener's callback."""

    def __init__(self, listener: MicListener, clock: FakeClock) -> None:
        self.listener = listener
        self.clock = clock

    def play(self, pcm: bytes) -> None:
        for i in range(0, len(pcm), BLOCK):
            block = pcm[i : i + BLOCK]
            # The callback fires when a block has been recorded: at its end.
            self.clock.advance(len(block) / 2 / TARGET_RATE)
            self.listener.callback(block, len(block) // 2, None, None)

    def quiet(self, seconds: float) -> None:
        self.play(bytes(round(seconds * TARGET_RATE) * 2))


class LoudspeakerInRoom:
    """The assistant's voice: says a fixed Korean recording into the room."""

    def __init__(self, room: Room, pcm: bytes) -> None:
        self.room = room
        self.pcm = pcm

    def say(self, text: str) -> None:
        self.room.play(self.pcm)

    def close(self) -> None:
        pass


@pytest.fixture
def grammar() -> list[str]:
    return grammar_phrases(load_intents(intents_file("ko")))


def session_audio(
    korean_model: Any,
    korean_speech: KoreanSpeech,
    grammar: list[str],
    gated: bool,
    assistant_says: str = "완료",
    parent_before: bytes = b"",
) -> tuple[list[Heard], MicListener]:
    """The parent (optionally) starts talking, the assistant speaks, the parent says 아직."""
    clock = FakeClock(1000.0)
    gate = MuteGate()
    listener = MicListener(korean_model, clock, grammar, gate=gate if gated else None)
    room = Room(listener, clock)
    voice = LoudspeakerInRoom(room, read_wav(korean_speech(assistant_says)))
    speaker = MutingSpeaker(voice, gate, clock)
    room.quiet(0.5)
    room.play(parent_before)
    speaker.say(assistant_says)
    room.quiet(0.6)
    room.play(read_wav(korean_speech("아직")))
    room.quiet(1.0)
    listener.end_input()
    return list(iter(listener.listen, None)), listener


def test_the_assistant_does_not_hear_itself(
    korean_model: Any, korean_speech: KoreanSpeech, grammar: list[str]
) -> None:
    # The assistant's prompt is a command word ("완료"): heard, it would log done.
    ungated, _ = session_audio(korean_model, korean_speech, grammar, gated=False)
    assert [h.text for h in ungated] == ["완료", "아직"]

    heard, listener = session_audio(korean_model, korean_speech, grammar, gated=True)
    assert [h.text for h in heard] == ["아직"]
    assert listener.dropped_muted > 0
    # Times count the dropped audio: the same stream time as without the gate.
    assert heard[0].t_start == pytest.approx(ungated[1].t_start, abs=0.061)
    assert heard[0].t_end == pytest.approx(ungated[1].t_end, abs=0.061)


def test_an_utterance_cut_by_the_assistant_is_dropped_not_joined_to_the_next(
    korean_model: Any, korean_speech: KoreanSpeech, grammar: list[str]
) -> None:
    # The parent is halfway through "오늘 여기까지" when the assistant starts speaking.
    started = read_wav(korean_speech("오늘 여기까지"))
    half = started[: len(started) // 2 // BLOCK * BLOCK]
    heard, _ = session_audio(korean_model, korean_speech, grammar, gated=True, parent_before=half)
    assert [h.text for h in heard] == ["아직"]
