"""Where things live: the data home, the shipped data folders, the user's playbooks."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

HOME_ENV = "OT_ASSISTANT_HOME"

# The shipped data sits beside the package in the source tree (installed editable by scripts/setup).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_PLAYBOOKS = PROJECT_ROOT / "playbooks"
SHIPPED_INTENTS = PROJECT_ROOT / "intents"


def data_home() -> Path:
    """`$OT_ASSISTANT_HOME`, or the platform's user data folder."""
    configured = os.environ.get(HOME_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(user_data_dir("ot-assistant", appauthor=False))


def user_playbooks(home: Path) -> Path:
    """The folder of a user's own playbooks."""
    return home / "playbooks"
