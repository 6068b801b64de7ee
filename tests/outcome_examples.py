"""The examples the outcome guesser learns from (`assistant/outcome_guess.py`), made from the
labelled data, never written by hand: every sentence of the tune part said at a child's step,
with what it is (an outcome, another command, or talk). Held-out parts are never in it, so
they measure the guesser as they measure the rules.

Run ``python tests/outcome_examples.py`` after changing the tune part; the test suite says when
the file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from test_understanding import Case, load_cases

from assistant.intents import examples_file, intents_file
from assistant.text import normalise

HEADER = (
    "# Made by tests/outcome_examples.py from the tune part of tests/data/understanding-en.yaml:"
    " do not edit. label<TAB>sentence.\n"
)


def label_of(case: Case) -> str:
    if case.intent in ("done", "not_yet"):
        return case.intent
    return "command" if case.intent else "chatter"


def rendered(cases: list[Case]) -> str:
    """The examples file's text for `cases`: child-step sentences of tune, each once."""
    pairs = dict.fromkeys(
        (label_of(c), text)
        for c in cases
        if c.part == "tune" and c.context == "child_step" and (text := normalise(c.sentence))
    )
    return HEADER + "".join(f"{label}\t{text}\n" for label, text in pairs)


def main() -> int:
    path = examples_file(intents_file("en"))
    path.write_text(rendered(load_cases()), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
