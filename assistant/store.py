"""The session log on disk: TinyDB files, laid out so the live session never touches history.

Layout under ``$OT_ASSISTANT_HOME/log/`` (folders 0700, files 0600)::

    children.json                 registry: one document per child {name, key, slug}, in added order
    children.lock                 serialises registry writes
    <slug>/                       one folder per child: ASCII of the name + hash of its case fold
        write.lock                serialises every write to this child's files, across processes
        chains-0001.json          tables "chains" (one document per playbook) and "events";
        chains-0002.json ...      a new file after 200 events, every state carried over
        sessions/<YYYY-MM>/<id>.json
                                  one file per session (month of its start, UTC): tables
                                  "session" (one document), "outcomes" and "speech"
        breaks-<YYYY-MM>.json     table "breaks": the sensory breaks started that month (UTC),
                                  a few a day, so a write stays small (about 30 kB at most)

Why this shape (numbers measured here, ``/work/shared/research/tinydb-notes.md``):

* TinyDB rewrites its whole file on every write, so a write costs O(file size): one insert is
  ~0.5 ms into an empty file, ~110 ms at 10k documents and ~300 ms at 30k (one child's three
  years of outcomes in one file). Only the layout can bound it. A session file holds one session
  (about 10 outcomes and some speech, a few kB), so ``start_session``, ``log_outcome``,
  ``log_speech`` and ``finish_session`` cost the same after three years as on the first day.
  ``load_chain``/``save_chain`` touch only the newest chain file: one small document per
  playbook plus at most 200 chain events.
  ``sessions``/``outcomes``/``events`` read every file of a child: that is progress and export,
  off the live path.
* TinyDB's own storage writes over the old file and truncates afterwards; killing a writer inside
  its writes left the file unreadable in 36 of 200 kills, some parsing with silently damaged
  documents. :class:`AtomicJSONStorage` writes a temporary file in the same folder, fsyncs it,
  ``os.replace``-s it over the old one and fsyncs the folder, so after a kill every file is either
  the old or the new version (+0.5-1.6 ms per write at these sizes, notes §4.4). A temporary file
  left by a killed writer is ignored by readers and removed by the next writer.
* Two processes writing one TinyDB file with no lock lost everything in 7 of 7 runs, and a lock
  around a long-lived TinyDB object still failed because each Table caches its next document id.
  So every write holds the child's (or the registry's) file lock across the whole
  read-modify-write and opens a fresh :class:`~tinydb.TinyDB` inside it. The operations of one
  call are collected by :class:`_Snapshot` and written once, which makes ``save_chain`` (state
  plus events) atomic together and saves TinyDB's second full read per insert.
* ``CachingMiddleware`` was ruled out: a kill loses up to 999 acknowledged writes.

Measured with ``benchmarks/bench_store.py`` (one child; 0, 10k and 30k outcomes already logged):
``log_outcome`` takes about 1-1.5 ms (median; p90 under 2 ms) at every size, ``save_chain`` 1.5-3
ms, and reading all 30k outcomes back (3,330 files) about 0.8 s.

A file that cannot be read (bad JSON, wrong shape, permission denied, a folder in its place)
raises :class:`~assistant.errors.StoreError` naming it, and is never written over or removed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import stat
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from filelock import FileLock, Timeout
from tinydb import Query, TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from .chaining import ChainState
from .errors import StoreError
from .records import (
    Actor,
    AfterBreak,
    BreakRecord,
    ChainEvent,
    EventKind,
    History,
    InitiationRecord,
    Outcome,
    OutcomeRecord,
    SessionRecord,
    SessionStatus,
    SpeechRecord,
)

logger = logging.getLogger(__name__)

Tables = dict[str, dict[str, Any]]
T = TypeVar("T")

_FILE_MODE = 0o600
_DIR_MODE = 0o700
_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.tmp-(?P<pid>\d+)-[0-9a-f]+$")
# Session ids that are already safe, readable file names; anything else gets slug + hash.
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")

EVENTS_PER_CHAIN_FILE = 200
"""Chain events per chain file before a save starts the next file (about 30 kB)."""
_CHAIN_FILE = re.compile(r"chains-(\d{4,})\.json")


_BREAKS_FILE = re.compile(r"breaks-(\d{4}-\d{2}|undated)\.json")


def _chain_name(number: int) -> str:
    return f"chains-{number:04d}.json"


def _chain_number(path: Path) -> int:
    match = _CHAIN_FILE.fullmatch(path.name)
    return int(match[1]) if match else 0


# Table names.
_CHILDREN = "children"
_SESSION = "session"
_OUTCOMES = "outcomes"
_SPEECH = "speech"
_INITIATIONS = "initiations"
_CHAINS = "chains"
_EVENTS = "events"
_BREAKS = "breaks"


# --- paths and names ------------------------------------------------------------------------


def child_key(name: str) -> str:
    """The case-insensitive identity of a child's name ("Zoë", "ZOË" and "zoe\u0308" match)."""
    return unicodedata.normalize("NFC", name.strip()).casefold()


def child_slug(name: str) -> str:
    """A folder name for a child: safe on every file system, distinct for distinct keys.

    The readable part is the ASCII of the name ("Zoë" -> "zoe", "../x" -> "x"); the hash of the
    case-folded name keeps "Zoë" and "Zoe", or two names with no ASCII at all, apart.
    """
    key = child_key(name)
    ascii_part = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    readable = re.sub(r"[^a-z0-9]+", "-", ascii_part.lower()).strip("-")[:32].strip("-")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"{readable or 'child'}-{digest}"


def session_stem(session_id: str) -> str:
    """The file name (without .json) of a session: the id itself when it is a safe name."""
    if _SAFE_ID.fullmatch(session_id):
        return session_id
    readable = re.sub(r"[^a-z0-9]+", "-", session_id.lower()).strip("-")[:40].strip("-")
    digest = hashlib.sha256(session_id.encode("utf-8")).hexdigest()[:10]
    return f"{readable or 'session'}-{digest}"


def month_of(at: float) -> str:
    """The month folder ("2024-05", UTC) of a time in seconds since the epoch."""
    try:
        moment = time.gmtime(at)
    except (OverflowError, OSError, ValueError):
        return "undated"
    return f"{moment.tm_year:04d}-{moment.tm_mon:02d}"


def _month_before(month: str) -> str:
    year, mon = (int(part) for part in month.split("-"))
    return f"{year - 1:04d}-12" if mon == 1 else f"{year:04d}-{mon - 1:02d}"


# --- error messages (one sentence each, naming the path) -----------------------------------


def _unreadable(
    path: Path, reason: str, advice: str = "move it aside or restore a backup"
) -> StoreError:
    return StoreError(
        f"The log file {path} cannot be read ({reason}); it has been left as it is — {advice}."
    )


def _os_reason(error: OSError) -> str:
    if isinstance(error, IsADirectoryError):
        return "it is a folder, not a file"
    if isinstance(error, PermissionError):
        return "permission denied"
    return (error.strerror or type(error).__name__).lower()


# --- storage --------------------------------------------------------------------------------


class AtomicJSONStorage(Storage):
    """A TinyDB storage that reads the whole file on every read and replaces it atomically.

    TinyDB's JSONStorage keeps one handle open and writes over the file in place; a handle kept
    across a rename would also see the old file, hence the fresh read each time.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> Tables | None:
        """The whole database, or None when the file does not exist yet."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except PermissionError as error:
            advice = "give your user account read and write access to it"
            raise _unreadable(self.path, _os_reason(error), advice) from error
        except OSError as error:
            raise _unreadable(self.path, _os_reason(error)) from error
        try:
            data = json.loads(raw)
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
            # An empty file lands here too: this storage never leaves one, so it is damage.
            raise _unreadable(self.path, "it is not valid JSON") from error
        # TinyDB itself would fail later with a bare ValueError or TypeError on another shape.
        if not isinstance(data, dict) or not all(
            isinstance(table, dict)
            and all(key.isdecimal() and isinstance(doc, dict) for key, doc in table.items())
            for table in data.values()
        ):
            raise _unreadable(self.path, "it is not a log file of this program")
        return data

    def write(self, data: Tables) -> None:
        """Write `data` to a temporary file, fsync it, rename it over the file, fsync the folder."""
        # Serialise first: a document that cannot be encoded must fail before any file exists.
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        folder = self.path.parent
        temp = folder / f".{self.path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, _FILE_MODE)
            try:
                os.fchmod(fd, _FILE_MODE)  # the umask may have removed bits from the create mode
                view = memoryview(payload)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temp, self.path)
            _fsync_dir(folder)
        except OSError as error:
            with suppress(OSError):
                temp.unlink()
            raise StoreError(
                f"The log file {self.path} cannot be written ({_os_reason(error)}); its previous"
                " version has been left as it is — check free space and the folder's permissions."
            ) from error


class _Snapshot(Storage):
    """One operation's view of a file: read once, writes collected, committed in one write.

    Used with a fresh TinyDB per operation (inside the file lock for writes), so nothing outlives
    the lock; it turns several table operations into one atomic file replacement.
    """

    def __init__(self, backend: AtomicJSONStorage) -> None:
        self._backend = backend
        self._loaded = False
        self._data: Tables | None = None
        self.dirty = False

    def read(self) -> Tables | None:
        if not self._loaded:
            self._data = self._backend.read()
            self._loaded = True
        return self._data

    def write(self, data: Tables) -> None:
        self._data = data
        self._loaded = True
        self.dirty = True

    def commit(self) -> None:
        """Write the collected changes, if any, as one atomic replacement."""
        if self.dirty and self._data is not None:
            self._backend.write(self._data)
            self.dirty = False


def _open(path: Path) -> tuple[TinyDB, _Snapshot]:
    snapshot = _Snapshot(AtomicJSONStorage(path))
    # TinyDB calls the factory with no arguments; a fresh TinyDB means no cached next ids.
    return TinyDB(storage=lambda: snapshot), snapshot


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


# --- documents <-> records ------------------------------------------------------------------


def _str(doc: Mapping[str, Any], key: str) -> str:
    value = doc[key]
    if not isinstance(value, str):
        raise TypeError(key)
    return value


def _int(doc: Mapping[str, Any], key: str) -> int:
    value = doc[key]
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(key)
    return value


def _float(doc: Mapping[str, Any], key: str) -> float:
    value = doc[key]
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TypeError(key)
    return float(value)


def _bool(doc: Mapping[str, Any], key: str) -> bool:
    value = doc[key]
    if not isinstance(value, bool):
        raise TypeError(key)
    return value


def session_doc(session: SessionRecord) -> dict[str, Any]:
    """The stored form of a session (also used by the benchmark to prefill files)."""
    return {
        "session_id": session.session_id,
        "child": session.child,
        "playbook": session.playbook,
        "steps_total": session.steps_total,
        "child_from_step": session.child_from_step,
        "started_at": session.started_at,
        "status": session.status.value,
        "ended_at": session.ended_at,
        "descriptive": session.descriptive,
        "directive": session.directive,
    }


def _session_record(doc: Mapping[str, Any]) -> SessionRecord:
    ended = doc["ended_at"]
    return SessionRecord(
        session_id=_str(doc, "session_id"),
        child=_str(doc, "child"),
        playbook=_str(doc, "playbook"),
        steps_total=_int(doc, "steps_total"),
        child_from_step=_int(doc, "child_from_step"),
        started_at=_float(doc, "started_at"),
        status=SessionStatus(_str(doc, "status")),
        ended_at=None if ended is None else _float(doc, "ended_at"),
        descriptive=_int(doc, "descriptive"),
        directive=_int(doc, "directive"),
    )


def outcome_doc(outcome: OutcomeRecord) -> dict[str, Any]:
    """The stored form of a step outcome."""
    return {
        "session_id": outcome.session_id,
        "child": outcome.child,
        "playbook": outcome.playbook,
        "step": outcome.step,
        "actor": outcome.actor.value,
        "outcome": outcome.outcome.value,
        "asked_at": outcome.asked_at,
        "answered_at": outcome.answered_at,
        "helped": outcome.helped,
    }


def _outcome_record(doc: Mapping[str, Any]) -> OutcomeRecord:
    return OutcomeRecord(
        session_id=_str(doc, "session_id"),
        child=_str(doc, "child"),
        playbook=_str(doc, "playbook"),
        step=_int(doc, "step"),
        actor=Actor(_str(doc, "actor")),
        outcome=Outcome(_str(doc, "outcome")),
        asked_at=_float(doc, "asked_at"),
        answered_at=_float(doc, "answered_at"),
        helped=_bool(doc, "helped"),
    )


def _speech_doc(speech: SpeechRecord) -> dict[str, Any]:
    return {
        "session_id": speech.session_id,
        "text": speech.text,
        "at": speech.at,
        "kind": speech.kind,
        "confidence": speech.confidence,
    }


def _speech_record(doc: Mapping[str, Any]) -> SpeechRecord:
    return SpeechRecord(
        session_id=_str(doc, "session_id"),
        text=_str(doc, "text"),
        at=_float(doc, "at"),
        kind=None if doc["kind"] is None else _str(doc, "kind"),
        # Logs written before labels carried a confidence have no such field.
        confidence=None if doc.get("confidence") is None else _float(doc, "confidence"),
    )


def _initiation_doc(record: InitiationRecord) -> dict[str, Any]:
    return {
        "session_id": record.session_id,
        "child": record.child,
        "playbook": record.playbook,
        "step": record.step,
        "at": record.at,
    }


def _initiation_record(doc: Mapping[str, Any]) -> InitiationRecord:
    return InitiationRecord(
        session_id=_str(doc, "session_id"),
        child=_str(doc, "child"),
        playbook=_str(doc, "playbook"),
        step=None if doc["step"] is None else _int(doc, "step"),
        at=_float(doc, "at"),
    )


def _chain_doc(playbook: str, state: ChainState) -> dict[str, Any]:
    return {
        "playbook": playbook,
        "steps_total": state.steps_total,
        "child_from_step": state.child_from_step,
        "streak": state.streak,
        "newest_tries": list(state.newest_tries),
    }


def _chain_state(doc: Mapping[str, Any]) -> ChainState:
    tries = doc["newest_tries"]
    if not isinstance(tries, list) or not all(isinstance(t, bool) for t in tries):
        raise TypeError("newest_tries")
    return ChainState(
        steps_total=_int(doc, "steps_total"),
        child_from_step=_int(doc, "child_from_step"),
        streak=_int(doc, "streak"),
        newest_tries=tuple(tries),
    )


def _chain_row(doc: Mapping[str, Any]) -> tuple[str, ChainState]:
    return _str(doc, "playbook"), _chain_state(doc)


def _event_doc(event: ChainEvent) -> dict[str, Any]:
    return {
        "child": event.child,
        "playbook": event.playbook,
        "kind": event.kind.value,
        "at": event.at,
        "child_from_step": event.child_from_step,
        "session_id": event.session_id,
    }


def _event_record(doc: Mapping[str, Any]) -> ChainEvent:
    return ChainEvent(
        child=_str(doc, "child"),
        playbook=_str(doc, "playbook"),
        kind=EventKind(_str(doc, "kind")),
        at=_float(doc, "at"),
        child_from_step=_int(doc, "child_from_step"),
        session_id=_str(doc, "session_id"),
    )


def _break_doc(record: BreakRecord) -> dict[str, Any]:
    return {
        "child": record.child,
        "label": record.label,
        "activity": record.activity,
        "planned_at": record.planned_at,
        "started_at": record.started_at,
        "seconds": record.seconds,
        "ended_at": record.ended_at,
        "after": None if record.after is None else record.after.value,
    }


def _break_record(doc: Mapping[str, Any]) -> BreakRecord:
    return BreakRecord(
        child=_str(doc, "child"),
        label=_str(doc, "label"),
        activity=None if doc["activity"] is None else _str(doc, "activity"),
        planned_at=None if doc["planned_at"] is None else _float(doc, "planned_at"),
        started_at=_float(doc, "started_at"),
        seconds=_float(doc, "seconds"),
        ended_at=None if doc["ended_at"] is None else _float(doc, "ended_at"),
        after=None if doc["after"] is None else AfterBreak(_str(doc, "after")),
    )


def _records(path: Path, docs: Sequence[Document], convert: Callable[[Document], T]) -> list[T]:
    """Convert documents in logged (document id) order; a damaged one names its file."""
    try:
        return [convert(doc) for doc in sorted(docs, key=lambda d: d.doc_id)]
    except (KeyError, TypeError, ValueError) as error:
        raise _unreadable(path, f"a record is damaged: {error!r}") from error


@dataclass(frozen=True, slots=True)
class _SessionFile:
    """Everything in one session file, converted to records."""

    session: SessionRecord | None
    outcomes: list[OutcomeRecord]
    speech: list[SpeechRecord]
    initiations: list[InitiationRecord]


def _session_file(db: TinyDB, path: Path) -> _SessionFile:
    """Every record of a session file; raises StoreError naming the file if any is damaged.

    Readers and writers both convert the whole (small) file, so damage anywhere is reported
    and a writer never replaces a damaged file.
    """
    sessions = _records(path, db.table(_SESSION).all(), _session_record)
    return _SessionFile(
        session=sessions[0] if sessions else None,
        outcomes=_records(path, db.table(_OUTCOMES).all(), _outcome_record),
        speech=_records(path, db.table(_SPEECH).all(), _speech_record),
        initiations=_records(path, db.table(_INITIATIONS).all(), _initiation_record),
    )


def _chain_file(db: TinyDB, path: Path) -> tuple[list[tuple[str, ChainState]], list[ChainEvent]]:
    """(playbook, state) rows and events of a chain file; raises StoreError if any is damaged."""
    rows = _records(path, db.table(_CHAINS).all(), _chain_row)
    return rows, _records(path, db.table(_EVENTS).all(), _event_record)


def _registry_rows(db: TinyDB, path: Path) -> list[tuple[str, str]]:
    """(stored spelling, key) of every registered child, in added order."""
    return _records(path, db.table(_CHILDREN).all(), lambda d: (_str(d, "name"), _str(d, "key")))


# --- the store ------------------------------------------------------------------------------


class TinyStore:
    """The session log in TinyDB files under ``home/log`` (see the module docstring)."""

    def __init__(
        self,
        home: Path,
        *,
        lock_timeout: float = 30.0,
        chain_file_events: int = EVENTS_PER_CHAIN_FILE,
    ) -> None:
        """Keep the log under `home`/log; wait up to `lock_timeout` seconds for another writer;
        start a new chain file once the newest holds `chain_file_events` events."""
        self.root = Path(home) / "log"
        """The folder holding every log file."""
        self._lock_timeout = lock_timeout
        self._chain_events = chain_file_events
        # Session id -> file, for the sessions this process started or found: the live path
        # then never searches folders.
        self._located: dict[str, Path] = {}
        self._ready_dirs: set[Path] = set()
        self._swept_dirs: set[Path] = set()

    # --- children ---------------------------------------------------------------------------

    def add_child(self, name: str) -> str:
        """Register a child (idempotent, case-insensitive); returns the stored spelling."""
        spelling = unicodedata.normalize("NFC", name.strip())
        if not spelling:
            raise ValueError("a child's name cannot be empty")
        known = self.find_child(spelling)
        if known is not None:
            return known
        key = child_key(spelling)
        registry = self.root / "children.json"
        with self._writing(self.root / "children.lock", registry) as db:
            # Another process may have added it since the unlocked look-up above.
            for stored, stored_key in _registry_rows(db, registry):
                if stored_key == key:
                    return stored
            db.table(_CHILDREN).insert({"name": spelling, "key": key, "slug": child_slug(spelling)})
        self._ensure_dir(self._child_dir(spelling))
        logger.info("registered child %r", spelling)
        return spelling

    def find_child(self, name: str) -> str | None:
        """The stored spelling of `name` (case-insensitive), or None when unknown."""
        key = child_key(name)
        return next((n for n, k in self._registry() if k == key), None)

    def children(self) -> list[str]:
        """All registered children, in the order they were added."""
        return [name for name, _ in self._registry()]

    def _registry(self) -> list[tuple[str, str]]:
        path = self.root / "children.json"
        db, _ = _open(path)
        return _registry_rows(db, path)

    # --- chains -----------------------------------------------------------------------------

    def load_chain(self, child: str, playbook: str) -> ChainState | None:
        """The saved chain state of `child` in `playbook`, or None for a new chain."""
        files = self._chain_files(self._child_dir(child))
        if not files:
            return None
        rows, _ = _chain_file(_open(files[-1])[0], files[-1])
        return next((state for p, state in rows if p == playbook), None)

    def save_chain(
        self, child: str, playbook: str, state: ChainState, events: Sequence[ChainEvent]
    ) -> None:
        """Replace the chain state and append `events`, atomically together (one file write).

        When the newest chain file is full (`chain_file_events`), this save starts the next one
        with every playbook's state carried over, so the file a save rewrites stays small however
        long the history; the older file is kept as it is for `events`.
        """
        for event in events:
            if child_key(event.child) != child_key(child) or event.playbook != playbook:
                raise ValueError(f"event {event!r} is not for {child!r} in {playbook!r}")
        self.add_child(child)
        child_dir = self._child_dir(child)
        with self._locked(child_dir / "write.lock", child_dir):
            files = self._chain_files(child_dir)
            path = files[-1] if files else child_dir / _chain_name(1)
            db, snapshot = _open(path)
            rows, old_events = _chain_file(db, path)
            if events and old_events and len(old_events) + len(events) > self._chain_events:
                path = child_dir / _chain_name(_chain_number(path) + 1)
                db, snapshot = _open(path)
                db.table(_CHAINS).insert_multiple(_chain_doc(p, s) for p, s in rows)
            db.table(_CHAINS).upsert(_chain_doc(playbook, state), Query().playbook == playbook)
            if events:
                db.table(_EVENTS).insert_multiple(_event_doc(e) for e in events)
            snapshot.commit()

    def events(self, child: str, playbook: str | None = None) -> list[ChainEvent]:
        """Chain events of `child`, oldest (first saved) first."""
        found: list[ChainEvent] = []
        for path in self._chain_files(self._child_dir(child)):
            found += _chain_file(_open(path)[0], path)[1]
        return [e for e in found if playbook is None or e.playbook == playbook]

    def _chain_files(self, child_dir: Path) -> list[Path]:
        """The chain files of a child, oldest first; the last one holds the current states."""
        try:
            names = os.listdir(child_dir)
        except FileNotFoundError:
            return []
        except OSError as error:
            raise _folder_error(child_dir, _os_reason(error)) from error
        # Temporary files start with "." and so never match.
        numbered = sorted(
            (int(match[1]), name) for name in names if (match := _CHAIN_FILE.fullmatch(name))
        )
        return [child_dir / name for _, name in numbered]

    # --- sessions: the live path ------------------------------------------------------------

    def start_session(self, session: SessionRecord) -> None:
        """Record a new session (its status as given, normally running) in a file of its own."""
        self.add_child(session.child)
        child_dir = self._child_dir(session.child)
        path = child_dir / "sessions" / month_of(session.started_at)
        path = path / f"{session_stem(session.session_id)}.json"
        with self._writing(child_dir / "write.lock", path) as db:
            existing = _session_file(db, path).session
            if existing is not None:
                if existing == session:
                    return  # the same start repeated: nothing to do
                raise StoreError(
                    f"A session with the id {session.session_id!r} is already logged in {path};"
                    " it has been left as it is — start the new session with another id."
                )
            db.table(_SESSION).insert(session_doc(session))
        self._located[session.session_id] = path

    def log_outcome(self, outcome: OutcomeRecord) -> None:
        """Append one step outcome to its session's file."""
        child_dir = self._child_dir(outcome.child)
        path = self._locate(outcome.session_id, [child_dir], outcome.asked_at)
        with self._writing(child_dir / "write.lock", path) as db:
            self._check_session(db, path, outcome.session_id)
            db.table(_OUTCOMES).insert(outcome_doc(outcome))

    def log_speech(self, speech: SpeechRecord) -> None:
        """Append one non-command utterance to its session's file."""
        # A SpeechRecord names no child: the session is looked for in every child's folder.
        path = self._locate(speech.session_id, self._child_dirs(), speech.at)
        child_dir = path.parent.parent.parent
        with self._writing(child_dir / "write.lock", path) as db:
            self._check_session(db, path, speech.session_id)
            db.table(_SPEECH).insert(_speech_doc(speech))

    def log_initiation(self, record: InitiationRecord) -> None:
        """Append "the child started it without being asked" to its session's file."""
        child_dir = self._child_dir(record.child)
        path = self._locate(record.session_id, [child_dir], record.at)
        with self._writing(child_dir / "write.lock", path) as db:
            self._check_session(db, path, record.session_id)
            db.table(_INITIATIONS).insert(_initiation_doc(record))

    def initiations(self, child: str, playbook: str | None = None) -> list[InitiationRecord]:
        """Times `child` started without being asked, oldest session first."""
        return self.history(child, playbook).initiations

    def finish_session(self, session: SessionRecord) -> None:
        """Store the final status, end time and counts of a session started earlier."""
        child_dir = self._child_dir(session.child)
        path = self._locate(session.session_id, [child_dir], session.started_at)
        with self._writing(child_dir / "write.lock", path) as db:
            doc_id = self._check_session(db, path, session.session_id)
            db.table(_SESSION).update(session_doc(session), doc_ids=[doc_id])

    def _check_session(self, db: TinyDB, path: Path, session_id: str) -> int:
        """The document id of the session in `db`; raises when the file holds no such session."""
        existing = _session_file(db, path).session
        if existing is None or existing.session_id != session_id:
            # The file vanished or belongs to another id since it was located.
            self._located.pop(session_id, None)
            raise _no_session(session_id, path)
        doc_id: int = min(d.doc_id for d in db.table(_SESSION).all())
        return doc_id

    def _locate(self, session_id: str, child_dirs: Sequence[Path], hint: float) -> Path:
        """The file of a session: remembered, else in the month of `hint` or the month before,
        else anywhere (the clock was changed); raises StoreError when there is none."""
        remembered = self._located.get(session_id)
        if remembered is not None:
            return remembered
        name = f"{session_stem(session_id)}.json"
        month = month_of(hint)
        guesses = [month] if month == "undated" else [month, _month_before(month)]
        for child_dir in child_dirs:
            for guess in guesses:
                candidate = child_dir / "sessions" / guess / name
                if candidate.exists():
                    self._located[session_id] = candidate
                    return candidate
        found = self._search(session_id, child_dirs)
        if found is None:
            where = child_dirs[0] / "sessions" / month / name if child_dirs else self.root
            raise _no_session(session_id, where)
        return found

    def _search(self, session_id: str, child_dirs: Sequence[Path]) -> Path | None:
        name = f"{session_stem(session_id)}.json"
        for child_dir in child_dirs:
            for month_dir in reversed(self._month_dirs(child_dir)):
                candidate = month_dir / name
                if candidate.exists():
                    self._located[session_id] = candidate
                    return candidate
        return None

    # --- sensory breaks ---------------------------------------------------------------------

    def log_break(self, record: BreakRecord) -> None:
        """Append one sensory break to its child's file for the month it started (UTC)."""
        self.add_child(record.child)
        child_dir = self._child_dir(record.child)
        path = child_dir / f"breaks-{month_of(record.started_at)}.json"
        with self._writing(child_dir / "write.lock", path) as db:
            # Converting what is there first means a damaged file is named, never replaced.
            _records(path, db.table(_BREAKS).all(), _break_record)
            db.table(_BREAKS).insert(_break_doc(record))

    def breaks(self, child: str) -> list[BreakRecord]:
        """Sensory breaks of `child`, oldest start first (in logged order for equal starts)."""
        child_dir = self._child_dir(child)
        try:
            names = sorted(os.listdir(child_dir))
        except FileNotFoundError:
            return []
        except OSError as error:
            raise _folder_error(child_dir, _os_reason(error)) from error
        found: list[BreakRecord] = []
        # Temporary files start with "." and so never match.
        for name in names:
            if _BREAKS_FILE.fullmatch(name):
                path = child_dir / name
                found += _records(path, _open(path)[0].table(_BREAKS).all(), _break_record)
        return sorted(found, key=lambda record: record.started_at)

    # --- reading history (progress, export) -------------------------------------------------

    def sessions(self, child: str, playbook: str | None = None) -> list[SessionRecord]:
        """Sessions of `child` (optionally one playbook), oldest first."""
        return self.history(child, playbook).sessions

    def outcomes(self, child: str, playbook: str | None = None) -> list[OutcomeRecord]:
        """Step outcomes of `child`, oldest session first, each session in logged order."""
        return self.history(child, playbook).outcomes

    def history(self, child: str, playbook: str | None = None) -> History:
        """Sessions, outcomes and initiations of `child` from one pass over the session files
        (each call reads them all: reports that need several kinds ask once)."""

        def kept(playbook_of: str) -> bool:
            return playbook is None or playbook_of == playbook

        files = self._session_files(child)
        return History(
            sessions=[
                f.session for f in files if f.session is not None and kept(f.session.playbook)
            ],
            outcomes=[o for f in files for o in f.outcomes if kept(o.playbook)],
            initiations=[i for f in files for i in f.initiations if kept(i.playbook)],
        )

    def speech(self, session_id: str) -> list[SpeechRecord]:
        """Non-command utterances of one session, in order; empty for an unknown session."""
        path = self._located.get(session_id) or self._search(session_id, self._child_dirs())
        if path is None:
            return []
        return _session_file(_open(path)[0], path).speech

    def _session_files(self, child: str) -> list[_SessionFile]:
        """Every session file of `child`, oldest session first."""
        found: list[tuple[SessionRecord, _SessionFile]] = []
        for month_dir in self._month_dirs(self._child_dir(child)):
            # Temporary files start with "." and end in random hex, so "*.json" skips them.
            for path in sorted(month_dir.glob("*.json")):
                content = _session_file(_open(path)[0], path)
                if content.session is None:
                    raise _unreadable(path, "it holds no session")
                found.append((content.session, content))
        found.sort(key=lambda pair: (pair[0].started_at, pair[0].session_id))
        return [content for _, content in found]

    def _month_dirs(self, child_dir: Path) -> list[Path]:
        sessions = child_dir / "sessions"
        try:
            entries = sorted(sessions.iterdir())
        except FileNotFoundError:
            return []
        except OSError as error:
            raise StoreError(
                f"The log folder {sessions} cannot be read ({_os_reason(error)}); it has been"
                " left as it is — check its permissions."
            ) from error
        return [e for e in entries if e.is_dir()]

    # --- files, folders and locks -----------------------------------------------------------

    def _child_dir(self, child: str) -> Path:
        return self.root / child_slug(child)

    def _child_dirs(self) -> list[Path]:
        try:
            return sorted(e for e in self.root.iterdir() if e.is_dir())
        except FileNotFoundError:
            return []
        except OSError as error:
            raise _folder_error(self.root, _os_reason(error)) from error

    @contextmanager
    def _locked(self, lock_path: Path, folder: Path) -> Iterator[None]:
        """Hold `lock_path` (creating it and `folder`); stale temporary files in `folder` go."""
        self._ensure_dir(lock_path.parent)
        self._ensure_dir(folder)
        self._ensure_lock_file(lock_path)
        lock = FileLock(lock_path, timeout=self._lock_timeout, mode=_FILE_MODE)
        try:
            lock.acquire()
        except Timeout as error:
            raise StoreError(
                f"The log lock {lock_path} has been held by another program for"
                f" {self._lock_timeout:g} seconds; nothing was changed — close the other"
                " ot-assistant and try again."
            ) from error
        try:
            self._sweep(folder)
            yield
        finally:
            lock.release()

    @contextmanager
    def _writing(self, lock_path: Path, path: Path) -> Iterator[TinyDB]:
        """A fresh TinyDB on `path` inside the lock; its changes are written once at the end."""
        with self._locked(lock_path, path.parent):
            db, snapshot = _open(path)
            yield db
            snapshot.commit()

    def _sweep(self, folder: Path) -> None:
        """Remove temporary files that killed writers left in `folder` (once per process)."""
        if folder in self._swept_dirs:
            return
        with suppress(OSError):
            for entry in os.scandir(folder):
                match = _TEMP_NAME.match(entry.name)
                if match and not _pid_alive(int(match["pid"])):
                    logger.info("removing %s, left by a writer that was stopped", entry.path)
                    with suppress(OSError):
                        os.unlink(entry.path)
        self._swept_dirs.add(folder)

    def _ensure_dir(self, folder: Path) -> None:
        """Create `folder` and missing parents as 0700 (whatever the umask), durably."""
        if folder in self._ready_dirs:
            return
        missing: list[Path] = []
        current = folder
        while True:
            try:
                mode = current.stat().st_mode
            except (FileNotFoundError, NotADirectoryError):
                missing.append(current)
                current = current.parent
                continue
            except OSError as error:
                raise _folder_error(current, _os_reason(error)) from error
            if not stat.S_ISDIR(mode):
                raise _folder_error(current, "a file is in its place")
            break
        for new in reversed(missing):
            try:
                os.mkdir(new, _DIR_MODE)
                os.chmod(new, _DIR_MODE)  # mkdir's mode is filtered by the umask
                _fsync_dir(new.parent)  # make the new entry durable before files go in it
            except FileExistsError:
                if not new.is_dir():
                    raise _folder_error(new, "a file is in its place") from None
                # another process made it first
            except OSError as error:
                raise _folder_error(new, _os_reason(error)) from error
        self._ready_dirs.add(folder)

    def _ensure_lock_file(self, lock_path: Path) -> None:
        # Created here so its mode is 0600 whatever the umask (filelock applies the umask).
        if lock_path in self._ready_dirs:
            return
        try:
            fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, _FILE_MODE)
        except OSError as error:
            raise StoreError(
                f"The log lock {lock_path} cannot be opened ({_os_reason(error)}); nothing was"
                " changed — check the folder's permissions."
            ) from error
        try:
            if stat.S_IMODE(os.fstat(fd).st_mode) != _FILE_MODE:
                os.fchmod(fd, _FILE_MODE)
        finally:
            os.close(fd)
        self._ready_dirs.add(lock_path)


def _no_session(session_id: str, path: Path) -> StoreError:
    return StoreError(
        f"The session {session_id!r} has no log file (looked for {path}); nothing was changed"
        " — start the session before logging to it."
    )


def _folder_error(folder: Path, reason: str) -> StoreError:
    return StoreError(
        f"The log folder {folder} cannot be used ({reason}); it has been left as it is"
        " — move it aside or fix its permissions."
    )
