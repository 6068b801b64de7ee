"""Timer precision on the real clock: when each cue is delivered, minus when it was due.

Runs 24 timers of 2-4.3 s through the real adapter (`TimerRunner` with `SystemClock` and
`time.sleep`), eight at a time with staggered lengths so their cues interleave, and records
the moment the speaker (or chime player) is handed each cue. The speaker only notes the time,
so this measures the timer loop, not speech synthesis. Halfway cues are switched on for these
short timers, and the ring is 2 s with a chime every second, so each timer gives a halfway,
an end and a repeat-chime cue. Goal: every error within ±50 ms.

    .venv/bin/python benchmarks/bench_timers.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant import timers as T
from assistant.clock import SystemClock
from assistant.timer_runner import TimerRunner

ROUNDS = 3
TIMERS_PER_ROUND = 8
RULES = T.TimerRules(halfway_from=2.0, chime_every=1.0, ring_for=2.0)


class RecordingOutput:
    """A speaker and chime player that note the wall-clock time of each call."""

    def __init__(self, clock: SystemClock) -> None:
        self.clock = clock
        self.times: list[float] = []

    def say(self, text: str) -> None:
        self.times.append(self.clock.now())

    def chime(self) -> None:
        self.times.append(self.clock.now())

    def close(self) -> None:
        pass


def run_round(round_number: int) -> list[tuple[T.CueKind, float]]:
    """(cue kind, error in ms) for every timed cue of one round of concurrent timers."""
    clock = SystemClock()
    output = RecordingOutput(clock)
    runner = TimerRunner(output, output, clock, time.sleep, RULES)
    for i in range(TIMERS_PER_ROUND):
        # 2.0, 2.3, ... 4.1 s (plus a few ms per round), so no two cues share a moment.
        runner.start(2.0 + 0.3 * i + 0.011 * round_number, f"timer {i}")
    runner.run()
    errors: list[tuple[T.CueKind, float]] = []
    deliveries = iter(output.times)
    for cue in runner.delivered:
        calls = int(cue.chime) + int(bool(cue.text))
        fired = [next(deliveries) for _ in range(calls)]
        if fired and cue.kind is not T.CueKind.STARTED:  # the read-back fires on the command
            errors.append((cue.kind, (fired[0] - cue.at) * 1000))
    return errors


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    errors: list[tuple[T.CueKind, float]] = []
    for number in range(ROUNDS):
        errors += run_round(number)
    timers = ROUNDS * TIMERS_PER_ROUND
    print(f"{timers} timers of 2.0-4.3 s, {TIMERS_PER_ROUND} at a time; error = fired - due (ms)")
    print(f"{'cue':<10} {'n':>4} {'mean':>8} {'p50':>8} {'p95':>8} {'max':>8} {'min':>8}")
    groups = [
        (kind.value, [e for k, e in errors if k is kind])
        for kind in (T.CueKind.HALFWAY, T.CueKind.ENDED, T.CueKind.CHIME)
    ]
    groups.append(("all", [e for _, e in errors]))
    for name, values in groups:
        print(
            f"{name:<10} {len(values):>4} {statistics.fmean(values):>8.2f} "
            f"{percentile(values, 0.5):>8.2f} {percentile(values, 0.95):>8.2f} "
            f"{max(values):>8.2f} {min(values):>8.2f}"
        )
    worst = max(abs(e) for _, e in errors)
    print(f"worst |error| {worst:.2f} ms: {'within' if worst <= 50 else 'OUTSIDE'} ±50 ms")


if __name__ == "__main__":
    main()
