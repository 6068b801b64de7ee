"""Running `ot-assistant` as a user does: a child process with its own data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cli(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m assistant ARGS` with `OT_ASSISTANT_HOME` set to `home`."""
    env = {**os.environ, "OT_ASSISTANT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=60,
        cwd=ROOT,
    )


def assert_one_sentence(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """The command failed as a user error: status 2, one line naming `words`, no traceback."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]
