"""Accuracy and speed of the comment classifier on the labelled sentences.

Run: ``python benchmarks/bench_comments.py`` (a second or two). For both parts of
tests/data/comments-en.yaml (`tune`, which the cues were tuned on, and `held_out`, which they
were not) it prints the accuracy, the confusion between descriptive and directive (the mistake
that moves the 4:1 ratio most), the full confusion table and every miss; then the time of one
`classify` call, p50 and p99, over all sentences repeated.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.comments import CommentClassifier, CommentKind

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "comments-en.yaml"
CHILD = "Sam"
ROUNDS = 50
KINDS = tuple(CommentKind)


def _parts() -> dict[str, list[tuple[str, CommentKind]]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return {
        part: [(text, CommentKind(kind)) for kind, texts in data[part].items() for text in texts]
        for part in ("tune", "held_out")
    }


def _accuracy(
    classifier: CommentClassifier, name: str, part: list[tuple[str, CommentKind]]
) -> None:
    table = {(want, got): 0 for want in KINDS for got in KINDS}
    misses: list[str] = []
    for text, want in part:
        got = classifier.classify(text, child=CHILD).kind
        table[want, got] += 1
        if got is not want:
            misses.append(f"    {text!r}: {want.value} read as {got.value}")
    right = sum(table[k, k] for k in KINDS)
    print(f"{name}: {right}/{len(part)} = {right / len(part):.1%}")
    d, r = CommentKind.DESCRIPTIVE, CommentKind.DIRECTIVE
    print(f"  descriptive read as directive: {table[d, r]}")
    print(f"  directive read as descriptive: {table[r, d]}")
    print("  labelled \\ read as  " + "".join(f"{k.value:>13}" for k in KINDS))
    for want in KINDS:
        print(f"  {want.value:<19}" + "".join(f"{table[want, got]:>13}" for got in KINDS))
    if misses:
        print("  misses:")
        print("\n".join(misses))
    print()


def _speed(classifier: CommentClassifier, texts: list[str]) -> None:
    for text in texts:  # warm up the regex engine's caches
        classifier.classify(text, child=CHILD)
    timings: list[float] = []
    for _ in range(ROUNDS):
        for text in texts:
            start = time.perf_counter()
            classifier.classify(text, child=CHILD)
            timings.append(time.perf_counter() - start)
    cuts = statistics.quantiles(timings, n=100)
    print(
        f"classify: p50 {cuts[49] * 1e6:.0f} µs, p99 {cuts[98] * 1e6:.0f} µs ({len(timings)} calls)"
    )


def main() -> None:
    start = time.perf_counter()
    classifier = CommentClassifier.for_language("en")
    loaded = time.perf_counter() - start
    parts = _parts()
    for name, part in parts.items():
        _accuracy(classifier, name, part)
    print(f"load comments/en.yaml and compile the cues: {loaded * 1e3:.1f} ms")
    _speed(classifier, [text for part in parts.values() for text, _ in part])


if __name__ == "__main__":
    main()
