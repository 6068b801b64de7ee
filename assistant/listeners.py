"""Listener adapters for typed input: a script file of lines, and the keyboard.

The microphone and WAV-file listeners (Vosk) plug into the same `Listener` seam.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
from pathlib import Path
from typing import TextIO

from .errors import InputError
from .seams import QUIET, Heard, Quiet

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

    def listen_for(self, seconds: float) -> Heard | Quiet | None:
        """A script never waits: its next line is there at once."""
        return self.listen()


class KeyboardListener:
    """Lines typed at the terminal; end of input (Ctrl-D) acts as stop.

    A reader thread feeds a queue, so the session can stop waiting to speak a timer cue.
    """

    def __init__(self, stream: TextIO | None = None, prompt_to: TextIO | None = None) -> None:
        self._stream = stream if stream is not None else sys.stdin
        self._prompt_to = prompt_to if prompt_to is not None else sys.stderr
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader: threading.Thread | None = None
        self._ended = False

    def listen(self) -> Heard | None:
        result = self._next(None)
        return None if isinstance(result, Quiet) else result

    def listen_for(self, seconds: float) -> Heard | Quiet | None:
        return self._next(max(seconds, 0.0))

    def _next(self, timeout: float | None) -> Heard | Quiet | None:
        if self._ended:
            return None
        if self._reader is None:
            self._prompt()
            self._reader = threading.Thread(target=self._read, daemon=True)
            self._reader.start()
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            return QUIET
        if line is None:
            self._ended = True
            return None
        return Heard(text=line)

    def _read(self) -> None:
        # Daemon thread: blocks on the terminal; a line that is only spaces is not an utterance.
        while True:
            line = self._stream.readline()
            if not line:
                self._lines.put(None)
                return
            if line.strip():
                self._lines.put(line.strip())
                self._prompt()

    def _prompt(self) -> None:
        if self._stream.isatty():
            self._prompt_to.write("you> ")
            self._prompt_to.flush()

    def close(self) -> None:
        """The terminal stays open; the daemon reader ends with the process."""
