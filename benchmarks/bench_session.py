"""Time from a script line to the assistant's next prompt, through the whole session path.

Run: ``python benchmarks/bench_session.py`` (about half a minute). For a child with 0 and with
30,000 outcomes already logged, it runs toothbrushing sessions through the real conductor:
the shipped playbook and intents, the rapidfuzz matcher, the pure engine, and a real TinyStore
on disk (every outcome fsynced before the prompt is spoken). The listener hands over one line
at a time and notes the moment; the speaker notes when the next prompt reaches it. The gap is
what a parent waits on after the recogniser has finished (speech synthesis not included).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_store import CHILD, prefill

from assistant.clock import SystemClock
from assistant.coach import Coach
from assistant.comments import CommentClassifier
from assistant.conductor import Conductor
from assistant.intents import intents_file, load_intents
from assistant.matcher import IntentMatcher
from assistant.playbook import find_playbook
from assistant.seams import Heard
from assistant.session import SessionEngine
from assistant.store import TinyStore

SIZES = (0, 30_000)
SESSIONS = 10
# "done" answers parent and child steps alike, so every session runs all 9 steps.
SCRIPT = ["done"] * 8 + ["that's it you're using little circles", "done"]


class TimedLines:
    """A script listener that notes when each line is handed over."""

    def __init__(self, lines: list[str], marks: list[float]) -> None:
        self._lines = list(lines)
        self._marks = marks

    def listen(self) -> Heard | None:
        if not self._lines:
            return None
        line = self._lines.pop(0)
        self._marks.append(time.perf_counter())
        return Heard(line)

    def close(self) -> None:
        self._lines = []


class TimedSpeaker:
    """Notes the first prompt after each line."""

    def __init__(self, marks: list[float], gaps: list[float]) -> None:
        self._marks = marks
        self._gaps = gaps
        self._seen = 0

    def say(self, text: str) -> None:
        if len(self._marks) > self._seen:
            self._gaps.append(time.perf_counter() - self._marks[-1])
            self._seen = len(self._marks)

    def close(self) -> None:
        pass


def measure(history: int) -> tuple[list[float], int]:
    """Seconds from each command line to the prompt that follows it; outcomes in the log after."""
    playbook = find_playbook("toothbrushing", Path(tempfile.gettempdir()))
    matcher = IntentMatcher(load_intents(intents_file("en")))
    engine = SessionEngine(
        playbook, matcher, CommentClassifier.for_language("en"), Coach.for_language("en")
    )
    with tempfile.TemporaryDirectory() as folder:
        store = TinyStore(Path(folder))
        if history:
            prefill(store, history, random.Random(7))
        gaps: list[float] = []
        for _ in range(SESSIONS):
            marks: list[float] = []
            listener = TimedLines(SCRIPT, marks)
            speaker = TimedSpeaker(marks, gaps)
            Conductor(engine, store, listener, speaker, SystemClock()).run(CHILD)
        return gaps, len(store.outcomes(CHILD))


def ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    print("line -> next prompt (match, comment coach, engine, fsynced log write), toothbrushing")
    header = f"{'history':>10} {'log after':>10} {'prompts':>8} {'p50 ms':>8} {'p90 ms':>8}"
    print(header + f" {'max ms':>8}")
    for size in SIZES:
        gaps, logged = measure(size)
        print(
            f"{size:>10,} {logged:>10,} {len(gaps):>8} {statistics.median(gaps) * 1000:>8.2f} "
            f"{ms(gaps, 0.9):>8.2f} {max(gaps) * 1000:>8.2f}"
        )


if __name__ == "__main__":
    main()
