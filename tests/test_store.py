"""TinyStore on real TinyDB files in a temporary folder: round trips, safety, kills, two writers."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_writer import PLAYBOOK, chain_state  # tests/ is on sys.path under pytest

from assistant.chaining import ChainState
from assistant.errors import StoreError
from assistant.records import (
    Actor,
    ChainEvent,
    EventKind,
    Outcome,
    OutcomeRecord,
    SessionRecord,
    SessionStatus,
    SpeechRecord,
)
from assistant.seams import Store
from assistant.store import TinyStore, child_slug, session_stem

REPO = Path(__file__).resolve().parent.parent
WRITER = Path(__file__).resolve().parent / "store_writer.py"
T0 = 1_715_000_000.0  # 2024-05-06 UTC


def sess(sid: str, child: str = "Sam", playbook: str = "socks", at: float = T0) -> SessionRecord:
    return SessionRecord(sid, child, playbook, steps_total=5, child_from_step=4, started_at=at)


def outc(sid: str, step: int, child: str = "Sam", playbook: str = "socks") -> OutcomeRecord:
    return OutcomeRecord(
        sid, child, playbook, step, Actor.CHILD if step >= 4 else Actor.PARENT,
        Outcome.NOT_YET if step == 5 else Outcome.DONE,
        asked_at=T0 + step + 0.1, answered_at=T0 + step + 0.7, helped=step == 5,
    )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> TinyStore:
    return TinyStore(tmp_path)


def reopen(store: TinyStore) -> TinyStore:
    """A fresh store on the same folder: nothing remembered in memory."""
    return TinyStore(store.root.parent)


def files_under(root: Path) -> Iterator[Path]:
    return (p for p in root.rglob("*") if p.is_file())


def assert_all_files_parse(root: Path) -> None:
    """Every log file is valid JSON; anything else is a lock or a temporary file."""
    for path in files_under(root):
        if path.suffix == ".json":
            json.loads(path.read_bytes())
        else:
            assert path.suffix == ".lock" or ".tmp-" in path.name, path


# --- children -------------------------------------------------------------------------------


def test_store_satisfies_the_protocol(tmp_path: Path) -> None:
    store: Store = TinyStore(tmp_path)
    assert store.children() == []


def test_children_are_found_case_insensitively_with_the_stored_spelling(store: TinyStore) -> None:
    assert store.add_child("Zoë") == "Zoë"
    assert store.add_child("Sam") == "Sam"
    assert store.add_child("  ZOË ") == "Zoë"
    assert store.add_child("sam") == "Sam"
    assert store.find_child("zoe\u0308") == "Zoë"  # decomposed ë
    assert store.find_child("SAM") == "Sam"
    assert store.find_child("Zoe") is None
    assert store.find_child("Alex") is None
    assert reopen(store).children() == ["Zoë", "Sam"]


def test_unknown_child_reads_as_empty(store: TinyStore) -> None:
    assert store.find_child("Nobody") is None
    assert store.children() == []
    assert store.sessions("Nobody") == []
    assert store.outcomes("Nobody") == []
    assert store.events("Nobody") == []
    assert store.load_chain("Nobody", "socks") is None
    assert store.speech("no-such-session") == []


def test_empty_child_name_is_refused(store: TinyStore) -> None:
    with pytest.raises(ValueError):
        store.add_child("  ")


NAMES = [
    "Sam",
    "Zoë",
    "Zoe",
    "Mary-Kate",
    "../x",
    "..",
    ".",
    "a/b",
    "C:\\x",
    "민준",
    "서연",
    "x" * 300,
]


def test_child_folders_are_safe_and_distinct(store: TinyStore) -> None:
    for i, name in enumerate(NAMES):
        store.start_session(sess(f"s{i}", child=name))
        store.log_outcome(outc(f"s{i}", 1, child=name))
    folders = {p for p in store.root.iterdir() if p.is_dir()}
    assert len(folders) == len(NAMES)
    for folder in folders:
        assert folder.parent == store.root
        assert not folder.name.startswith(".")
    assert {child_slug(n) for n in NAMES} == {f.name for f in folders}
    for path in store.root.rglob("*"):
        assert path.resolve().is_relative_to(store.root.resolve())
    fresh = reopen(store)
    assert fresh.children() == NAMES
    for i, name in enumerate(NAMES):
        assert [o.session_id for o in fresh.outcomes(name)] == [f"s{i}"]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(min_size=1, max_size=40).filter(lambda n: n.strip() != ""))
def test_any_name_round_trips_in_its_own_folder(tmp_path: Path, name: str) -> None:
    store = TinyStore(tmp_path / f"h{abs(hash(name))}")
    stored = store.add_child(name)
    assert store.find_child(name) == stored
    assert reopen(store).find_child(stored) == stored
    folder = store.root / child_slug(name)
    assert folder.is_dir() and folder.parent == store.root


# --- sessions and outcomes ------------------------------------------------------------------


def test_session_outcome_and_speech_round_trip(store: TinyStore) -> None:
    started = sess("20240506T120000-ab12cd")
    store.start_session(started)
    outcomes = [outc(started.session_id, step) for step in (1, 2, 3, 4, 5)]
    for o in outcomes:
        store.log_outcome(o)
    speech = [
        SpeechRecord(started.session_id, "you did that all by yourself", T0 + 3.5, "descriptive"),
        SpeechRecord(started.session_id, "Zoë, 양말 신어", T0 + 4.5, None),
    ]
    for s in speech:
        store.log_speech(s)
    finished = SessionRecord(
        started.session_id, "Sam", "socks", 5, 4, T0, SessionStatus.COMPLETE, T0 + 60.5, 4, 1
    )
    store.finish_session(finished)

    fresh = reopen(store)
    assert fresh.sessions("sam") == [finished]
    got = fresh.outcomes("Sam")
    assert got == outcomes
    assert isinstance(got[0].actor, Actor) and isinstance(got[0].outcome, Outcome)
    assert got[4].outcome is Outcome.NOT_YET and got[4].helped is True
    assert fresh.speech(started.session_id) == speech
    assert fresh.sessions("Sam")[0].status is SessionStatus.COMPLETE


def test_times_come_back_as_exact_floats(store: TinyStore) -> None:
    at = 1_715_000_000.123456789
    store.start_session(SessionRecord("s", "Sam", "socks", 5, 4, started_at=at))
    weird = OutcomeRecord("s", "Sam", "socks", 1, Actor.PARENT, Outcome.SKIPPED, 0.1 + 0.2, 7)
    store.log_outcome(weird)
    got = reopen(store).outcomes("Sam")[0]
    assert got.asked_at == 0.1 + 0.2
    assert isinstance(got.answered_at, float) and got.answered_at == 7.0
    assert reopen(store).sessions("Sam")[0].started_at == at


def test_outcomes_are_ordered_by_session_start_then_logging_order(store: TinyStore) -> None:
    store.start_session(sess("late", at=T0 + 86_400))
    store.start_session(sess("early", at=T0))
    store.start_session(sess("months-ago", at=T0 - 90 * 86_400))
    for sid in ("late", "early", "months-ago"):
        for step in (3, 1, 2):
            store.log_outcome(outc(sid, step))
    got = [(o.session_id, o.step) for o in reopen(store).outcomes("Sam")]
    assert got == [(sid, step) for sid in ("months-ago", "early", "late") for step in (3, 1, 2)]
    assert [s.session_id for s in store.sessions("Sam")] == ["months-ago", "early", "late"]


def test_playbook_filter(store: TinyStore) -> None:
    store.start_session(sess("a", playbook="socks"))
    store.start_session(sess("b", playbook="teeth", at=T0 + 10))
    store.log_outcome(outc("a", 1, playbook="socks"))
    store.log_outcome(outc("b", 1, playbook="teeth"))
    assert [s.session_id for s in store.sessions("Sam", "teeth")] == ["b"]
    assert [o.session_id for o in store.outcomes("Sam", "socks")] == ["a"]
    assert [o.session_id for o in store.outcomes("Sam")] == ["a", "b"]
    assert store.sessions("Sam", "nothing") == []


def test_a_session_never_finished_reads_back_running(store: TinyStore) -> None:
    store.start_session(sess("crashed"))
    store.log_outcome(outc("crashed", 1))
    (got,) = reopen(store).sessions("Sam")
    assert got.status is SessionStatus.RUNNING and got.ended_at is None


def test_a_stopped_session_is_kept(store: TinyStore) -> None:
    store.start_session(sess("s"))
    stopped = SessionRecord("s", "Sam", "socks", 5, 4, T0, SessionStatus.STOPPED, T0 + 9.0)
    store.finish_session(stopped)
    assert reopen(store).sessions("Sam") == [stopped]


def test_session_files_are_found_without_memory(store: TinyStore) -> None:
    """A fresh store (another process) finds a session across a month boundary or a clock jump."""
    month_end = 1_706_745_590.0  # 2024-01-31 23:59:50 UTC
    store.start_session(sess("new-year", at=month_end))
    fresh = reopen(store)
    fresh.log_outcome(OutcomeRecord("new-year", "Sam", "socks", 1, Actor.CHILD, Outcome.DONE,
                                    month_end + 20, month_end + 30))  # fmt: skip
    reopen(store).log_speech(SpeechRecord("new-year", "well done", month_end + 25))
    reopen(store).log_outcome(OutcomeRecord("new-year", "Sam", "socks", 2, Actor.CHILD,
                                            Outcome.DONE, T0 + 1e8, T0 + 1e8))  # fmt: skip
    reopen(store).finish_session(SessionRecord("new-year", "Sam", "socks", 5, 4, month_end,
                                               SessionStatus.COMPLETE, month_end + 60))  # fmt: skip
    final = reopen(store)
    assert [o.step for o in final.outcomes("Sam")] == [1, 2]
    assert [s.text for s in final.speech("new-year")] == ["well done"]
    assert final.sessions("Sam")[0].status is SessionStatus.COMPLETE
    assert [p.name for p in (store.root / child_slug("Sam") / "sessions").iterdir()] == ["2024-01"]


@pytest.mark.parametrize("sid", ["../../etc/passwd", "a/b", "", " ", "Ünïcode id", "x" * 300, ".h"])
def test_unusual_session_ids_are_stored_safely(store: TinyStore, sid: str) -> None:
    store.start_session(sess(sid))
    store.log_outcome(outc(sid, 1))
    store.log_speech(SpeechRecord(sid, "hi", T0))
    fresh = reopen(store)
    assert [s.session_id for s in fresh.sessions("Sam")] == [sid]
    assert [s.text for s in fresh.speech(sid)] == ["hi"]
    (path,) = [p for p in files_under(store.root) if p.suffix == ".json" and "sessions" in p.parts]
    assert path.parent.parent.parent == store.root / child_slug("Sam")
    assert path.name == f"{session_stem(sid)}.json" and not path.name.startswith(".")


def test_starting_a_session_twice(store: TinyStore) -> None:
    store.start_session(sess("s"))
    store.start_session(sess("s"))  # a repeat of the same start is harmless
    with pytest.raises(StoreError, match="already logged"):
        store.start_session(sess("s", playbook="teeth"))
    assert store.sessions("Sam") == [sess("s")]


def test_writing_to_a_session_never_started_is_an_error(store: TinyStore) -> None:
    store.add_child("Sam")
    with pytest.raises(StoreError, match="no log file"):
        store.log_outcome(outc("ghost", 1))
    with pytest.raises(StoreError, match="no log file"):
        store.log_speech(SpeechRecord("ghost", "hello", T0))
    with pytest.raises(StoreError, match="no log file"):
        store.finish_session(sess("ghost"))
    assert store.sessions("Sam") == []


# --- chains ---------------------------------------------------------------------------------


def test_chain_state_and_events_round_trip(store: TinyStore) -> None:
    assert store.load_chain("Sam", "socks") is None
    first = ChainState(steps_total=6, child_from_step=5, streak=2, newest_tries=(True, False))
    advanced = ChainEvent("Sam", "socks", EventKind.ADVANCED, T0 + 1.5, 5, "s1")
    store.save_chain("Sam", "socks", first, [advanced])
    teeth = ChainState.start(4)
    store.save_chain("sam", "teeth", teeth, [])
    back = ChainEvent("Sam", "socks", EventKind.STEPPED_BACK, T0 + 99.25, 6, "s9")
    second = ChainState(steps_total=6, child_from_step=6)
    store.save_chain("Sam", "socks", second, [back])

    fresh = reopen(store)
    assert fresh.load_chain("SAM", "socks") == second
    assert fresh.load_chain("Sam", "teeth") == teeth
    assert fresh.load_chain("Sam", "t-shirt") is None
    assert fresh.events("Sam") == [advanced, back]
    assert fresh.events("Sam", "teeth") == []
    assert fresh.events("Sam", "socks")[1].kind is EventKind.STEPPED_BACK
    loaded = fresh.load_chain("Sam", "socks")
    assert loaded is not None and isinstance(loaded.newest_tries, tuple)
    assert fresh.children() == ["Sam"]


def test_chain_files_roll_over_so_a_save_stays_small(tmp_path: Path) -> None:
    store = TinyStore(tmp_path, chain_file_events=3)
    teeth = ChainState.start(4)
    store.save_chain("Sam", "teeth", teeth, [])
    saved = []
    for n in range(10):
        event = ChainEvent("Sam", "socks", EventKind.ADVANCED, T0 + n, 5, f"s{n}")
        saved.append(event)
        store.save_chain("Sam", "socks", ChainState(6, 5, streak=n), [event])
        store.save_chain("Sam", "socks", ChainState(6, 5, streak=n), [])  # no event: same file
    folder = store.root / child_slug("Sam")
    files = sorted(p.name for p in folder.glob("chains-*.json"))
    assert files == ["chains-0001.json", "chains-0002.json", "chains-0003.json", "chains-0004.json"]
    for name in files:
        assert len(json.loads((folder / name).read_bytes())["events"]) <= 3
    fresh = reopen(store)
    assert fresh.events("Sam") == saved
    assert fresh.load_chain("Sam", "socks") == ChainState(6, 5, streak=9)
    assert fresh.load_chain("Sam", "teeth") == teeth  # carried over into every new file


def test_events_of_another_child_are_refused(store: TinyStore) -> None:
    alien = ChainEvent("Alex", "socks", EventKind.ADVANCED, T0, 3, "s")
    with pytest.raises(ValueError):
        store.save_chain("Sam", "socks", ChainState.start(5), [alien])
    assert store.load_chain("Sam", "socks") is None


# --- permissions ----------------------------------------------------------------------------


def fill(store: TinyStore) -> None:
    store.start_session(sess("s1"))
    store.log_outcome(outc("s1", 1))
    store.log_speech(SpeechRecord("s1", "nice", T0))
    store.finish_session(sess("s1"))
    store.save_chain("Sam", "socks", ChainState.start(5), [])


@pytest.mark.parametrize("umask", [0o022, 0o000, 0o277])
def test_files_are_0600_and_folders_0700_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        store = TinyStore(tmp_path / "home")
        fill(store)
    finally:
        os.umask(old)
    paths = [tmp_path / "home", *(tmp_path / "home").rglob("*")]
    assert len(paths) > 8
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


# --- damaged files --------------------------------------------------------------------------


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in files_under(root) if p.suffix == ".json"}


DAMAGE = {
    "cut JSON": b'{"session":{"1":{"session_id":"s1","ch',
    "empty": b"",
    "not UTF-8": b"\xff\xfe{}",
    "wrong shape": b"[1, 2, 3]",
    "bad document id": b'{"session":{"one":{}},"chains":{"x":{}},"children":{"":{}}}',
    "missing field": b'{"session":{"1":{"session_id":"s1"}},"chains":{"1":{"playbook":"socks"}},'
    b'"children":{"1":{"name":"Sam"}}}',
    "wrong type": b'{"session":{"1":{"session_id":"s1","child":"Sam","playbook":"socks",'
    b'"steps_total":"5","child_from_step":4,"started_at":1.0,"status":"running",'
    b'"ended_at":null,"descriptive":0,"directive":0}},"events":{"1":{"kind":"sideways"}},'
    b'"children":{"1":{"name":"Sam","key":7}}}',
}


def damage(path: Path, content: bytes) -> None:
    path.write_bytes(content)


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_session_file_is_reported_and_never_replaced(store: TinyStore, kind: str) -> None:
    fill(store)
    (path,) = (store.root / child_slug("Sam") / "sessions").rglob("*.json")
    damage(path, DAMAGE[kind])
    before = snapshot(store.root)
    fresh = reopen(store)
    attempts: list[Callable[[], object]] = [
        lambda: fresh.sessions("Sam"),
        lambda: fresh.outcomes("Sam"),
        lambda: fresh.speech("s1"),
        lambda: fresh.log_outcome(outc("s1", 2)),
        lambda: fresh.log_speech(SpeechRecord("s1", "again", T0)),
        lambda: fresh.finish_session(sess("s1")),
        lambda: fresh.start_session(sess("s1")),
    ]
    for attempt in attempts:
        with pytest.raises(StoreError) as raised:
            attempt()
        message = str(raised.value)
        assert str(path) in message and "left as it is" in message
        assert message.count(". ") == 0 and "\n" not in message  # one sentence
    assert snapshot(store.root) == before


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_chain_file_is_reported_and_never_replaced(store: TinyStore, kind: str) -> None:
    fill(store)
    path = store.root / child_slug("Sam") / "chains-0001.json"
    damage(path, DAMAGE[kind])
    if kind == "missing field":  # that sample damages a chain document; add a damaged event too
        damage(path, b'{"chains":{},"events":{"1":{"child":"Sam"}}}')
    before = snapshot(store.root)
    fresh = reopen(store)
    attempts: list[Callable[[], object]] = [
        lambda: fresh.load_chain("Sam", "socks"),
        lambda: fresh.events("Sam"),
        lambda: fresh.save_chain("Sam", "socks", ChainState.start(5), []),
    ]
    for attempt in attempts:
        with pytest.raises(StoreError, match="left as it is") as raised:
            attempt()
        assert str(path) in str(raised.value)
    assert snapshot(store.root) == before
    fresh.log_outcome(outc("s1", 2))  # the sessions are unaffected


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_registry_is_reported_and_never_replaced(store: TinyStore, kind: str) -> None:
    fill(store)
    path = store.root / "children.json"
    damage(path, DAMAGE[kind])
    before = snapshot(store.root)
    fresh = reopen(store)
    attempts: list[Callable[[], object]] = [
        lambda: fresh.children(),
        lambda: fresh.find_child("Sam"),
        lambda: fresh.add_child("Alex"),
        lambda: fresh.start_session(sess("s2", child="Alex")),
    ]
    for attempt in attempts:
        with pytest.raises(StoreError, match="left as it is") as raised:
            attempt()
        assert str(path) in str(raised.value)
    assert snapshot(store.root) == before


def test_a_folder_where_a_file_should_be(store: TinyStore) -> None:
    fill(store)
    path = store.root / child_slug("Sam") / "chains-0001.json"
    path.unlink()
    path.mkdir()
    attempts: list[Callable[[], object]] = [
        lambda: store.load_chain("Sam", "socks"),
        lambda: store.save_chain("Sam", "socks", ChainState.start(5), []),
    ]
    for attempt in attempts:
        with pytest.raises(StoreError, match="it is a folder") as raised:
            attempt()
        assert str(path) in str(raised.value)
    assert path.is_dir()


def test_a_file_where_a_folder_should_be(store: TinyStore) -> None:
    store.add_child("Sam")
    blocker = store.root / child_slug("Sam") / "sessions"
    blocker.write_bytes(b"not a folder")
    with pytest.raises(StoreError) as raised:
        reopen(store).start_session(sess("s1"))
    assert str(blocker) in str(raised.value)
    assert blocker.read_bytes() == b"not a folder"


UNREADABLE_CHECK = """
import sys
from pathlib import Path
from assistant.chaining import ChainState
from assistant.errors import StoreError
from assistant.records import SessionRecord
from assistant.store import TinyStore, child_slug

store = TinyStore(Path(sys.argv[1]))
store.start_session(SessionRecord("s1", "Sam", "socks", 5, 5, 1.0))
store.save_chain("Sam", "socks", ChainState.start(5), [])
path = store.root / child_slug("Sam") / "chains-0001.json"
path.chmod(0)
for attempt in (
    lambda: store.load_chain("Sam", "socks"),
    lambda: store.save_chain("Sam", "socks", ChainState.start(5), []),
):
    try:
        attempt()
    except StoreError as error:
        assert "permission denied" in str(error), error
        assert str(path) in str(error), error
    else:
        raise SystemExit("no StoreError for an unreadable file")
path.chmod(0o600)
print("ok")
"""


def test_an_unreadable_file(tmp_path: Path) -> None:
    # Root reads files whatever their mode, so as root the check runs as `nobody` in a child
    # process, in a folder that user owns: the real permission error, never skipped.
    as_nobody = os.geteuid() == 0
    python, env = sys.executable, dict(os.environ)
    folder = tmp_path / "home"
    if as_nobody:  # pytest's own folders are root's alone: use one under /tmp instead
        folder = Path(tempfile.mkdtemp(prefix="ot-unreadable-"))
        folder.chmod(0o755)
        os.chown(folder, 65534, 65534)
        # The venv's interpreter may live under /root; the system one of the same version,
        # given the venv's packages and this checkout, runs the same code.
        python = f"/usr/bin/python{sys.version_info[0]}.{sys.version_info[1]}"
        site = [p for p in sys.path if p.endswith("site-packages")]
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join([root, *site])
    else:
        folder.mkdir()
    result = subprocess.run(
        [python, "-c", UNREADABLE_CHECK, str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        user=65534 if as_nobody else None,
        group=65534 if as_nobody else None,
        cwd="/",
        env=env,
    )
    if as_nobody:
        shutil.rmtree(folder, ignore_errors=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_a_held_lock_times_out_with_a_clear_error(tmp_path: Path) -> None:
    store = TinyStore(tmp_path, lock_timeout=0.2)
    store.start_session(sess("s1"))
    held = FileLock(store.root / child_slug("Sam") / "write.lock")
    with held, pytest.raises(StoreError, match="held by another program"):
        store.log_outcome(outc("s1", 1))
    store.log_outcome(outc("s1", 1))
    assert len(store.outcomes("Sam")) == 1


# --- temporary files of killed writers ------------------------------------------------------


def dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(proc.stdout)


def test_temporary_files_of_dead_writers_are_ignored_then_removed(store: TinyStore) -> None:
    fill(store)
    (path,) = (store.root / child_slug("Sam") / "sessions").rglob("*.json")
    stale = path.parent / f".{path.name}.tmp-{dead_pid()}-0badcafe"
    stale.write_bytes(b'{"session":{"1":{"broken')
    alive = path.parent / f".{path.name}.tmp-{os.getppid()}-00c0ffee"
    alive.write_bytes(b"{}")
    fresh = reopen(store)
    assert [s.session_id for s in fresh.sessions("Sam")] == ["s1"]
    assert stale.exists()  # reading leaves it
    fresh.log_outcome(outc("s1", 2))
    assert not stale.exists()
    assert alive.exists()  # its writer may still be running


# --- kills and concurrent writers -----------------------------------------------------------


def writer(*args: object) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.Popen(
        [sys.executable, str(WRITER), *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def run_and_kill(proc: subprocess.Popen[str], delay: float, watch: Path | None = None) -> list[int]:
    """Kill the writer `delay` s after its first acknowledged write; returns the acknowledged ids.

    With `watch`, it then also waits until a temporary file shows up in that folder, so the kill
    lands inside a write (between creating the temporary file and renaming it) almost every
    time; random moments alone hit that window in only about 1 kill of 10 here.
    """
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    if not first:
        proc.wait()
        pytest.fail(f"the writer ended early: {proc.stderr.read()}")
    time.sleep(delay)
    deadline = time.monotonic() + 2.0
    while watch is not None and time.monotonic() < deadline:
        if any(".tmp-" in entry.name for entry in os.scandir(watch)):
            break
    os.kill(proc.pid, signal.SIGKILL)
    rest = proc.stdout.read()
    proc.wait()  # reaped, so its pid is dead for the temporary-file sweep
    proc.stdout.close()
    proc.stderr.close()
    lines = [first, *rest.splitlines(keepends=True)]
    return [int(line) for line in lines if line.endswith("\n")]  # a cut last line is not an ack


def test_killing_outcome_writers_loses_no_acknowledged_write(tmp_path: Path) -> None:
    rng = random.Random()
    seed = rng.randrange(10**6)
    rng.seed(seed)
    acked: dict[str, set[int]] = {"small": set(), "large": set()}
    month = tmp_path / "log" / child_slug("Sam") / "sessions" / "2024-05"
    # The large session also gets a 20 kB utterance after every outcome (MBs after a few kills).
    # Half the kills come at a random moment, half inside a write.
    rounds = [("small", 0, None), ("large", 20_000, None), ("small", 0, month)]
    rounds.append(("large", 20_000, month))
    for sid, pad, watch in rounds * 2:
        before = TinyStore(tmp_path).outcomes("Sam")
        first = 1 + max((o.step for o in before if o.session_id == sid), default=0)
        proc = writer("outcomes", tmp_path, "Sam", sid, first, pad)
        got = run_and_kill(proc, rng.uniform(0, 0.2), watch)
        acked[sid].update(got)
        after = TinyStore(tmp_path).outcomes("Sam")
        for name, steps in acked.items():
            present = {o.step for o in after if o.session_id == name}
            assert steps <= present, f"seed {seed}: lost {sorted(steps - present)} of {name}"
        assert_all_files_parse(tmp_path / "log")
    large = month / "large.json"
    assert large.stat().st_size > 200_000
    # A fresh writer removes what the killed ones left behind.
    final = TinyStore(tmp_path)
    for sid in acked:
        final.log_outcome(outc(sid, 10_000))
    assert not [p for p in large.parent.iterdir() if ".tmp-" in p.name]


def test_killing_a_chain_writer_leaves_the_old_or_the_new_state(tmp_path: Path) -> None:
    rng = random.Random()
    last = -1
    folder = tmp_path / "log" / child_slug("Sam")
    for watch in [None, folder] * 3:
        proc = writer("chain", tmp_path, "Sam", last + 1)
        got = run_and_kill(proc, rng.uniform(0, 0.15), watch)
        assert got == list(range(last + 1, last + 1 + len(got)))
        store = TinyStore(tmp_path)
        state = store.load_chain("Sam", PLAYBOOK)
        assert state is not None
        generation = state.streak
        assert generation in (got[-1], got[-1] + 1)  # the last acknowledged, or one in flight
        assert state == chain_state(generation)
        # State and events were saved together: one event per saved generation, none missing.
        assert [e.at for e in store.events("Sam")] == [float(g) for g in range(generation + 1)]
        assert_all_files_parse(tmp_path / "log")
        last = generation
    TinyStore(tmp_path).save_chain("Sam", PLAYBOOK, chain_state(last + 1), [])
    assert not [p for p in (tmp_path / "log").rglob("*") if ".tmp-" in p.name]


def test_two_processes_writing_the_same_child_lose_nothing(tmp_path: Path) -> None:
    go = tmp_path / "go"
    count = 30
    procs = [writer("together", tmp_path, spelling, sid, count, go)
             for spelling, sid in (("Sam", "one"), ("SAM", "two"))]  # fmt: skip
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n"
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert (proc.returncode, out, err) == (0, "finished\n", "")

    store = TinyStore(tmp_path)
    assert len(store.children()) == 1
    outcomes = store.outcomes("Sam")
    events = store.events("Sam")
    for sid in ("one", "two"):
        assert [o.step for o in outcomes if o.session_id == sid] == list(range(count))
        assert [e.at for e in events if e.session_id == sid] == [float(i) for i in range(count)]
    assert len(events) == 2 * count
    assert store.load_chain("Sam", PLAYBOOK) == chain_state(count - 1)
    assert_all_files_parse(tmp_path / "log")


def test_a_write_cut_short_leaves_the_previous_file_whole(
    store: TinyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The disk fills half-way through a write. TinyDB's own storage writes over the old file in
    # place, so a cut write damages it; the atomic storage must leave the previous version.
    store.start_session(sess("s1"))
    for step in (1, 2):
        store.log_outcome(outc("s1", step))
    (path,) = [p for p in files_under(store.root) if p.name.startswith(session_stem("s1"))]
    before = path.read_bytes()
    real_write = os.write

    def half_then_full(fd: int, data: bytes | memoryview) -> int:
        real_write(fd, bytes(data)[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("assistant.store.os.write", half_then_full)
    with pytest.raises(StoreError, match=r"cannot be written \(.*[Nn]o space"):
        store.log_outcome(outc("s1", 3))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [o.step for o in reopen(store).outcomes("Sam")] == [1, 2]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
