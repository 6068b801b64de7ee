"""Speaker adapters: console text, numbered WAV files, and speech played aloud.

All speech goes through one function, `_synthesize`, which has pyttsx3 (espeak-ng on Linux)
write one utterance to a WAV file in a private temporary folder. The WAV speaker then moves
that file into place; the aloud speaker plays it with `aplay` itself. What we learned from
reading pyttsx3 2.99 (`pyttsx3/driver.py`, `pyttsx3/drivers/espeak.py`) and measuring it here,
and why the code below is shaped the way it is:

- espeak-ng is initialised once per process in its asynchronous "retrieval" mode: synthesis
  runs on espeak's own thread and reaches Python through a single, process-wide callback.
  Every new pyttsx3 engine re-registers that callback for itself, so an older engine left
  alive synthesises into the void: it never writes its file and its next `runAndWait` loops
  forever (measured: a hang, no error). Dropping an engine unregisters the callback.
- On a fresh engine `runAndWait` returns about 10 ms after synthesis *starts*, not when the
  file is written (measured: a 22 s utterance's file did not exist yet when it returned). On a
  reused engine it instead blocks until espeak's callback ends the loop, and blocks forever
  if the callback fails (for example when the WAV file cannot be written).
- The driver keeps the last text and file name after an utterance, so a later `runAndWait`
  with nothing queued, or a later `say`, re-synthesises into the previous file.
- Properties (voice, rate, volume) are espeak globals, shared by every engine.
- An unknown voice does not raise: the error goes to the engine's "error" topic and the
  previous voice stays.
- The driver prints "Audio saved to ..." to stdout after every file, and its own aloud path
  runs `aplay` through `os.system`, ignoring failure (with no sound card it "succeeds" in
  silence).

So each utterance gets a fresh engine, created under a process-wide lock and dropped before
the next one is made; every property is set explicitly; completion is the engine's
"finished-utterance" notification, awaited with a timeout, followed by a check that the file
holds audio; the driver's `print` is redirected to this module's log; and playing aloud is our
own `aplay` call with a timeout, whose failure is an error.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from .errors import AssistantError

logger = logging.getLogger(__name__)

INDEX_NAME = "prompts.txt"
"""The file in a WAV folder that lists each numbered file and the text it says."""

_NUMBERED_WAV = re.compile(r"^(\d{4,})\.wav$")

_MIN_RATE = 80
"""espeak-ng's slowest speech rate, words per minute (it clamps below this)."""
_MAX_RATE = 450
"""espeak-ng's fastest speech rate, words per minute (it clamps above this)."""

_SYNTH_TIMEOUT_BASE = 10.0
"""Seconds to wait for any utterance. espeak-ng synthesises ~100x faster than real time
here, so this is only reached when the engine has stopped answering."""
_SYNTH_TIMEOUT_PER_CHAR = 0.05
"""Extra seconds per character of text, for slow machines and long prompts."""

_PLAY_TIMEOUT_MARGIN = 5.0
"""Seconds `aplay` may take beyond the length of the audio before it counts as stuck."""

_ESPEAK_MISSING = (
    "Speech output needs espeak-ng; install it with scripts/setup or "
    "`sudo apt-get install espeak-ng`, or use --voice console."
)

# espeak-ng is one engine per process (global callback, global voice and rate), so every
# synthesis, from any speaker on any thread, takes this lock for its whole duration.
_SYNTH_LOCK = threading.Lock()

# Engines whose utterance timed out. Dropping one would unregister espeak's callback while
# espeak may still be synthesising, and espeak-ng calls it without a NULL check; kept here,
# the callback stays valid until the next engine replaces it.
_ABANDONED: list[Any] = []


class SpeechOutputError(AssistantError):
    """Speech cannot be produced or played (no espeak-ng, no aplay, no audio device, ...)."""


def _log_driver_print(*args: object, **_kwargs: object) -> None:
    """Stands in for `print` inside pyttsx3's espeak driver, which would write to stdout."""
    logger.debug("pyttsx3: %s", " ".join(str(arg) for arg in args))


def _quiet_driver() -> None:
    """Send the espeak driver's chatter to the log instead of stdout.

    The driver prints from espeak's own thread, so swapping `sys.stdout` around the call
    would also swallow whatever other threads print meanwhile; shadowing the name `print`
    in that one module touches nothing else.
    """
    module = sys.modules.get("pyttsx3.drivers.espeak")
    if module is not None and getattr(module, "print", None) is not _log_driver_print:
        module.print = _log_driver_print  # type: ignore[attr-defined]


def _new_engine() -> Any:
    """A fresh pyttsx3 engine; the caller holds `_SYNTH_LOCK` and drops it when done."""
    try:
        import pyttsx3
    except ImportError as exc:
        raise SpeechOutputError(
            "Speech output needs the pyttsx3 package; run scripts/setup, or use --voice console."
        ) from exc
    try:
        # Not pyttsx3.init(): it hands back a cached engine, and reuse is what hangs.
        engine = pyttsx3.Engine()
    except (ImportError, OSError, RuntimeError) as exc:
        # pyttsx3 raises RuntimeError when libespeak-ng cannot be loaded or initialised.
        logger.debug("pyttsx3 engine failed to start: %r", exc)
        raise SpeechOutputError(_ESPEAK_MISSING) from exc
    _quiet_driver()
    return engine


def _voice_names(engine: Any) -> set[str]:
    """Every spelling of every installed voice that espeak-ng's SetVoiceByName accepts."""
    names: set[str] = set()
    for voice in engine.getProperty("voices"):
        voice_id = str(voice.id).lower()
        # Not the voices' language codes: SetVoiceByName refuses "en-gb" (measured here).
        names.update({voice_id, voice_id.rsplit("/", 1)[-1], str(voice.name).lower()})
    return names


def check_engine(voice: str | None = None, rate: int | None = None) -> None:
    """Raise SpeechOutputError unless espeak-ng starts and knows `voice` and `rate` is usable.

    Speakers call this when they are made, so a missing engine or a misspelt voice stops the
    program before a session starts rather than at its first prompt.
    """
    if rate is not None and not _MIN_RATE <= rate <= _MAX_RATE:
        raise SpeechOutputError(
            f"The speech rate must be between {_MIN_RATE} and {_MAX_RATE} words per minute, "
            f"not {rate}."
        )
    with _SYNTH_LOCK:
        engine = _new_engine()
        try:
            known = _voice_names(engine)
        finally:
            engine = None
    # espeak-ng takes "voice+variant" (e.g. "en+f3"); the variant is not in the voice list.
    if voice is not None and voice.lower().split("+", 1)[0] not in known:
        raise SpeechOutputError(
            f"espeak-ng has no voice called {voice!r}; `espeak-ng --voices` lists the installed "
            "ones (for example en, en-us, ko)."
        )


def _synthesize(
    text: str,
    path: Path,
    *,
    voice: str | None = None,
    rate: int | None = None,
    volume: float | None = None,
) -> float:
    """Write `text` as speech to the WAV file `path`; return its length in seconds.

    Returns only when the file is complete and holds audio; raises SpeechOutputError otherwise.
    """
    finished = threading.Event()
    errors: list[BaseException] = []
    timeout = _SYNTH_TIMEOUT_BASE + _SYNTH_TIMEOUT_PER_CHAR * len(text)
    done = False
    with _SYNTH_LOCK:
        engine = _new_engine()
        try:
            # Both callbacks run on espeak's thread; "finished-utterance" comes after the
            # driver has written and closed the file.
            engine.connect("finished-utterance", lambda **_event: finished.set())
            engine.connect("error", lambda exception, **_event: errors.append(exception))
            # A new driver resets espeak's (global) voice, rate and volume to its defaults;
            # ours are set in full anyway, so nothing depends on that.
            if voice is not None:
                engine.setProperty("voice", voice)
            engine.setProperty("rate", rate if rate is not None else 200)
            engine.setProperty("volume", volume if volume is not None else 1.0)
            engine.save_to_file(text, os.fspath(path))
            engine.runAndWait()
            done = finished.wait(timeout)
        finally:
            if not done:
                engine.stop()  # cancels espeak's synthesis if it is still going
                _ABANDONED.append(engine)
            # Drop the engine now, inside the lock, so the callback it unregisters on the
            # way out cannot be the one the next engine has just registered.
            engine = None
    if errors:
        logger.debug("pyttsx3 reported: %r", errors)
        raise SpeechOutputError(
            f"espeak-ng could not speak with the chosen settings ({errors[0]}); "
            "check the voice name against `espeak-ng --voices`."
        )
    if not done:
        raise SpeechOutputError(
            f"espeak-ng did not finish speaking within {timeout:.0f} seconds; "
            "reinstall it with scripts/setup, or use --voice console."
        )
    return _wav_seconds(path)


def _wav_seconds(path: Path) -> float:
    """Length of a WAV file in seconds; SpeechOutputError when it is missing or silent."""
    try:
        with wave.open(os.fspath(path), "rb") as wav:
            frames, framerate = wav.getnframes(), wav.getframerate()
    except (OSError, EOFError, wave.Error) as exc:
        raise SpeechOutputError(f"espeak-ng did not write a readable WAV file ({exc}).") from exc
    if frames == 0 or framerate == 0:
        raise SpeechOutputError(
            "espeak-ng wrote an empty WAV file; reinstall it with scripts/setup."
        )
    return frames / framerate


def _one_line(text: str) -> str:
    """`text` with every run of whitespace, newlines included, as a single space."""
    return " ".join(text.split())


class ConsoleSpeaker:
    """Prints each prompt as one line, for typed sessions and for tests."""

    def __init__(self, stream: TextIO | None = None, prefix: str = "assistant: ") -> None:
        # Resolved now rather than as a default argument, so a replaced sys.stdout (pytest's
        # capture, a redirect) is the one used.
        self.stream: TextIO = stream if stream is not None else sys.stdout
        """Where the lines go."""
        self.prefix = prefix
        """Put before each prompt, so the assistant's lines stand out from the parent's."""

    def say(self, text: str) -> None:
        self.stream.write(f"{self.prefix}{_one_line(text)}\n")
        self.stream.flush()

    def close(self) -> None:
        # The stream belongs to the caller (usually sys.stdout); leave it open.
        self.stream.flush()


def add_numbered_wav(target: Path, write: Callable[[Path], object], line: str, what: str) -> None:
    """Put a WAV file in place as `target` (it appears only when complete) and add its line to
    the folder's index; `write` makes the file at the path it is given."""
    partial = target.parent / f".{target.name}.part"
    try:
        write(partial)
        os.replace(partial, target)
        with (target.parent / INDEX_NAME).open("a", encoding="utf-8") as index:
            index.write(f"{target.name}\t{line}\n")
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise SpeechOutputError(
            f"Cannot write the {what} file {target} ({exc.strerror}); "
            "choose another folder with --voice DIR."
        ) from exc


class WavSpeaker:
    """Writes each prompt as the next numbered WAV file (0001.wav, 0002.wav, ...) in a folder.

    Numbering continues after the files already there. `prompts.txt` in the same folder gets
    one line per file, "0001.wav<TAB>text", so a person can see which file says what. A file
    appears under its final name only once it is complete.
    """

    def __init__(self, folder: Path, voice: str | None = None, rate: int | None = None) -> None:
        self.folder = Path(folder)
        """Where the numbered files are written; created when missing."""
        self.voice = voice
        """espeak-ng voice name (e.g. "en-us", "ko"); None keeps espeak-ng's default."""
        self.rate = rate
        """Words per minute; None keeps pyttsx3's default (200)."""
        self.written: list[Path] = []
        """The files this speaker has written, in order."""
        self._make_folder()
        check_engine(voice, rate)
        self._next = self._first_free_number()

    def _make_folder(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SpeechOutputError(
                f"Cannot create the folder {self.folder} for speech files ({exc.strerror}); "
                "choose another one with --voice DIR."
            ) from exc

    def _first_free_number(self) -> int:
        numbers = [
            int(match.group(1))
            for entry in self.folder.iterdir()
            if (match := _NUMBERED_WAV.match(entry.name))
        ]
        return max(numbers, default=0) + 1

    def say(self, text: str) -> None:
        line = _one_line(text)
        if not line:
            logger.debug("nothing to say; no file written")
            return
        # Made again in case the folder was removed since; files added meanwhile are skipped.
        self._make_folder()
        while (self.folder / f"{self._next:04d}.wav").exists():
            self._next += 1
        target = self.folder / f"{self._next:04d}.wav"
        with tempfile.TemporaryDirectory(prefix="ot-assistant-") as scratch:
            # espeak writes into our own scratch folder: a write failure inside its callback
            # cannot be reported, only waited out, and that folder is sure to be writable.
            spoken = Path(scratch) / "speech.wav"
            seconds = _synthesize(line, spoken, voice=self.voice, rate=self.rate)
            add_numbered_wav(target, lambda part: shutil.copyfile(spoken, part), line, "speech")
        logger.debug("wrote %s (%.2f s): %s", target, seconds, line)
        self.written.append(target)
        self._next += 1

    def close(self) -> None:
        # Each utterance uses and drops its own engine; nothing is held open.
        pass


def play_wav(aplay: str, path: Path, seconds: float, what: str) -> None:
    """Play a WAV file of `seconds` with aplay and return when it has played; any failure
    is one SpeechOutputError sentence naming `what` ("speech", "the chime")."""
    timeout = seconds + _PLAY_TIMEOUT_MARGIN
    try:
        result = subprocess.run(
            [aplay, "-q", os.fspath(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SpeechOutputError(
            f"Playing {what} did not finish within {timeout:.0f} seconds, so the sound "
            "device seems busy or stuck; close other audio programs, or use --voice console."
        ) from exc
    except OSError as exc:
        raise SpeechOutputError(f"Cannot run aplay to play {what} ({exc.strerror}).") from exc
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip()
        logger.debug("aplay exited with %s: %s", result.returncode, detail)
        # aplay's last line is the reason, after ALSA's config noise; drop its source
        # location ("aplay: main:831: ") so the sentence reads plainly.
        last = detail.splitlines()[-1] if detail else f"exit status {result.returncode}"
        last = re.sub(r"^aplay: \w+:\d+: ", "", last)
        raise SpeechOutputError(
            f"No sound device could play {what} ({last}); connect speakers or headphones, "
            "or use --voice console or --voice DIR."
        )


class AloudSpeaker:
    """Speaks each prompt through the default sound device and returns once it has played.

    The audio is synthesised to a temporary WAV file and played with `aplay`, whose output
    never reaches stdout. With no sound device, making the speaker raises SpeechOutputError.
    """

    def __init__(
        self, voice: str | None = None, rate: int | None = None, volume: float | None = None
    ) -> None:
        self.voice = voice
        """espeak-ng voice name (e.g. "en-us", "ko"); None keeps espeak-ng's default."""
        self.rate = rate
        """Words per minute; None keeps pyttsx3's default (200)."""
        self.volume = volume
        """0.0 to 1.0; None is full volume."""
        if volume is not None and not 0.0 <= volume <= 1.0:
            raise SpeechOutputError(f"The speech volume must be between 0 and 1, not {volume}.")
        aplay = shutil.which("aplay")
        if aplay is None:
            raise SpeechOutputError(
                "Speaking aloud needs aplay; install it with scripts/setup or "
                "`sudo apt-get install alsa-utils`, or use --voice console."
            )
        self._aplay = aplay
        check_engine(voice, rate)
        self._check_device()

    def _check_device(self) -> None:
        """Play 50 ms of silence, so a missing sound device is reported before a session."""
        with tempfile.TemporaryDirectory(prefix="ot-assistant-") as scratch:
            silence = Path(scratch) / "silence.wav"
            with wave.open(os.fspath(silence), "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(22050)
                wav.writeframes(b"\0\0" * 1102)
            self._play(silence, 0.05)

    def _play(self, path: Path, seconds: float) -> None:
        play_wav(self._aplay, path, seconds, "speech")

    def say(self, text: str) -> None:
        line = _one_line(text)
        if not line:
            logger.debug("nothing to say")
            return
        with tempfile.TemporaryDirectory(prefix="ot-assistant-") as scratch:
            spoken = Path(scratch) / "speech.wav"
            seconds = _synthesize(
                line, spoken, voice=self.voice, rate=self.rate, volume=self.volume
            )
            self._play(spoken, seconds)

    def close(self) -> None:
        # Each utterance uses and drops its own engine; nothing is held open.
        pass
