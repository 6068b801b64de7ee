"""The README documents every command the CLI has (sqlite-utils' docs-match-code test)."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.cli import _parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(f"{prefix}{name}")
                found.extend(commands(sub, f"{prefix}{name} "))
    return found


def test_every_command_is_in_the_readme() -> None:
    names = commands(_parser())
    assert "run" in names and "playbooks validate" in names
    missing = [name for name in names if f"ot-assistant {name}" not in README]
    assert missing == []
