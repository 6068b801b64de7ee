"""Listener adapters for typed input: a script file of lines, and the keyboard.

The microphone and WAV-file listeners (Vosk) plug into the same `Listener` seam.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TextIO

from .errors import InputError
from .seams import Heard

log = logging.getLogger(__name__)


class ScriptListener:
    """One utterance per line of a text file; blank lines and `#` comments are skipped."""

    def __init__(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise InputError(f"The script file {path} does not exist.") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"The script file {path} cannot be read: {exc}.") from exc
        self._lines = [
            line.strip()
            for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
        self._next = 0

    def listen(self) -> Heard | None:
        if self._next >= len(self._lines):
            return None
        line = self._lines[self._next]
        self._next += 1
        return Heard(text=line)

    def close(self) -> None:
        self._next = len(self._lines)


class KeyboardListener:
    """Lines typed at the terminal; end of input (Ctrl-D) acts as stop."""

    def __init__(self, stream: TextIO = sys.stdin, prompt_to: TextIO = sys.stderr) -> None:
        self._stream = stream
        self._prompt_to = prompt_to

    def listen(self) -> Heard | None:
        while True:
            if self._stream.isatty():
                self._prompt_to.write("you> ")
                self._prompt_to.flush()
            line = self._stream.readline()
            if not line:
                return None
            if line.strip():
                return Heard(text=line.strip())

    def close(self) -> None:
        """The terminal stays open; nothing to release."""
