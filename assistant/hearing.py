"""Choosing the ears of a session: microphone, WAV file, script or keyboard.

Glue between the CLI and the listener adapters: it finds and loads the speech model, offers
the first-run download at a terminal, and falls back to typed input, saying why in one line,
when there is no model or no microphone (DESIGN.md, "First run with no speech model").
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import speech_model
from .errors import InputError
from .intents import intents_file, load_intents
from .listeners import KeyboardListener, ScriptListener
from .mute import MuteGate
from .seams import Clock, Listener

log = logging.getLogger(__name__)

# Languages whose shipped model only hears commands with a grammar: free decoding of
# espeak-ng Korean turns "완료" into other words (measured, tests/test_recognition.py).
GRAMMAR_BY_DEFAULT = frozenset({"ko"})


@dataclass(frozen=True, slots=True)
class Ears:
    """A session's listener, and the gate that mutes it while the assistant speaks (mic only)."""

    listener: Listener
    gate: MuteGate | None = None


def grammar_for(lang: str, asked: bool) -> Sequence[str] | None:
    """The intent phrases to decode with, or None for free decoding."""
    if not asked and lang not in GRAMMAR_BY_DEFAULT:
        return None
    from .recognizer import grammar_phrases

    return grammar_phrases(load_intents(intents_file(lang)))


def load(model: Path | None, lang: str, home: Path) -> Any:
    """The loaded Vosk model for `lang` (ModelNotFound / ModelLoadError when there is none)."""
    return _loaded(speech_model.find_model(model, lang, home))


@functools.cache
def _loaded(folder: Path) -> Any:
    # A model takes seconds to load and never changes on disk while we run: load it once.
    return speech_model.load_model(folder)


def open_ears(
    choice: str,
    *,
    lang: str,
    model: Path | None,
    grammar: bool,
    home: Path,
    clock: Clock,
    notice: Callable[[str], None],
    ask: Callable[[str], bool] | None,
) -> Ears:
    """The listener for `--input CHOICE`. `ask` puts a yes/no question to the user at a
    terminal (None when there is none to ask)."""
    if choice == "keyboard":
        return Ears(KeyboardListener())
    if choice == "mic":
        return _microphone(lang, model, grammar, home, clock, notice, ask)
    path = Path(choice)
    if path.suffix.lower() == ".wav":
        from .vosk_listeners import WavListener

        return Ears(WavListener(path, load(model, lang, home), grammar_for(lang, grammar)))
    return Ears(ScriptListener(path))


def _microphone(
    lang: str,
    model: Path | None,
    grammar: bool,
    home: Path,
    clock: Clock,
    notice: Callable[[str], None],
    ask: Callable[[str], bool] | None,
) -> Ears:
    typing = "Listening to typed input instead: type what you would say (Ctrl-D to stop)."
    try:
        folder = speech_model.find_model(model, lang, home)
    except speech_model.ModelNotFound as missing:
        fetched = _offer_download(lang, home, notice, ask) if model is None else None
        if fetched is None:
            notice(f"{missing} {typing}")
            return Ears(KeyboardListener())
        folder = fetched
    from .vosk_listeners import MicListener

    loaded = _loaded(folder)  # before the stream opens (a slow load)
    gate = MuteGate()
    try:
        listener = MicListener.open(loaded, clock, grammar_for(lang, grammar), gate=gate)
    except InputError as exc:
        notice(f"{exc} {typing}")
        return Ears(KeyboardListener())
    return Ears(listener, gate)


def _offer_download(
    lang: str,
    home: Path,
    notice: Callable[[str], None],
    ask: Callable[[str], bool] | None,
) -> Path | None:
    """At a terminal, offer the default model; its folder once in place, else None."""
    if ask is None:
        return None
    name = speech_model.default_model_name(lang)
    known = speech_model.KNOWN_MODELS.get(name)
    size = f", {known.size / 1e6:.0f} MB" if known else ""
    if not ask(
        f"No speech model is installed. Download {name}{size} from {speech_model.base_url()} now?"
    ):
        return None
    bar = speech_model.progress_bar(sys.stderr)
    try:
        return speech_model.download(name, home, base_url=speech_model.base_url(), progress=bar)
    except speech_model.ModelDownloadError as exc:
        notice(str(exc))
        return None
    finally:
        bar.close()
