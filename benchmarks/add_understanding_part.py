"""Add a set written by an independent helper to the understanding data as a new part, unread.

Run: ``python benchmarks/add_understanding_part.py SET.yaml PART "WHEN"``, e.g.
``python benchmarks/add_understanding_part.py /tmp/held/test_18.yaml held_out_18 "round 17"``.

The set is a YAML list of groups in the data file's format (tests/data/set-writer-brief.md).
Sentences the data file already has, in any part, are left out (each part's sentences are its
own), and groups left empty are dropped. The part is appended at the end of
tests/data/understanding-en.yaml with a note of who wrote it; the tests read it only once it
is named in tests/test_understanding.py PARTS. Nothing of the set is printed but counts, so
adding it does not read it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from assistant.text import normalise

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "understanding-en.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", type=Path, help="the helper's YAML file")
    parser.add_argument("part", help="the new part's name, e.g. held_out_18")
    parser.add_argument("when", help='the round it is for, e.g. "round 17"')
    args = parser.parse_args(argv)
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    if args.part in data:
        print(f"{DATA.name} already has a part {args.part}.", file=sys.stderr)
        return 2
    seen = {
        normalise(sentence)
        for groups in data.values()
        if isinstance(groups, list)
        for group in groups
        for sentence in group["sentences"]
    }
    lines = [
        f"{args.part}:",
        "  # Written by an independent helper from DESIGN.md and a brief only (never this file or"
        " the",
        f"  # code); committed before any {args.when} change; to be measured once at the end of"
        f" {args.when}.",
    ]
    kept = dropped = 0
    for group in yaml.safe_load(args.set.read_text(encoding="utf-8")):
        sentences = []
        for sentence in group["sentences"]:
            key = normalise(sentence)
            if key in seen:
                dropped += 1
                continue
            seen.add(key)
            sentences.append(sentence)
        if sentences:
            kept += len(sentences)
            lines += _group(sentences, group)
    with DATA.open("a", encoding="utf-8") as out:
        out.write("\n" + "\n".join(lines) + "\n")
    print(f"{args.part}: {kept} sentences added, {dropped} already in the file")
    return 0


def _group(sentences: list[str], group: dict[str, Any]) -> list[str]:
    """One group in the data file's own layout (a block list of double-quoted sentences)."""
    intent = group["intent"]
    lines = ["  - sentences:", *(f"      - {json.dumps(s)}" for s in sentences)]
    lines.append(f"    intent: {'null' if intent is None else intent}")
    for key, value in group.items():
        if key in ("sentences", "intent"):
            continue
        if isinstance(value, dict):
            inner = ", ".join(f"{k}: {v}" for k, v in value.items())
            lines.append(f"    {key}: {{{inner}}}")
        else:
            lines.append(f"    {key}: {value}")
    return lines


if __name__ == "__main__":
    sys.exit(main())
