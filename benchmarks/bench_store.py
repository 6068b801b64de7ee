"""How TinyStore's live-path cost behaves as a child's history grows.

Run: ``python benchmarks/bench_store.py`` (about a minute). For 0, 10,000 and 30,000 outcomes
already logged for one child it prints the median and p90 of one ``log_outcome``, of one
``save_chain``, and the time to read every outcome back from a fresh store (what ``progress`` and
``export`` do).

The history is prefilled by writing the session files directly in the store's own format (going
through the store would take minutes for 30,000 fsynced writes): sessions of 8-10 outcomes and a
few utterances, three a day over about three years, and a chain file with its events. The timed
operations all go through the public TinyStore API on a real disk folder.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.chaining import ChainState
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
from assistant.store import (
    EVENTS_PER_CHAIN_FILE,
    TinyStore,
    child_slug,
    month_of,
    outcome_doc,
    session_doc,
    session_stem,
)

CHILD = "Sam"
PLAYBOOKS = ("toothbrushing", "socks-and-shoes", "hand-washing")
NOW = 1_760_000_000.0  # "today" of the benchmark (October 2025)
SIZES = (0, 10_000, 30_000)
LIVE_SESSIONS = 12  # timed sessions per size: 12 x 9 log_outcome calls
CHAIN_SAVES = 30
READS = 3


def _dump(path: Path, tables: dict[str, dict[str, dict[str, object]]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text(json.dumps(tables, ensure_ascii=False, separators=(",", ":")))
    path.chmod(0o600)


def prefill(store: TinyStore, outcomes_wanted: int, rng: random.Random) -> tuple[int, int]:
    """Write a history of about `outcomes_wanted` outcomes; returns (sessions, outcomes)."""
    store.add_child(CHILD)
    child_dir = store.root / child_slug(CHILD)
    sessions = outcomes = 0
    per_session = [rng.randint(8, 10) for _ in range(outcomes_wanted // 9 + 1)]
    while sum(per_session) > outcomes_wanted and per_session:
        per_session.pop()
    count = len(per_session)
    events: dict[str, dict[str, object]] = {}
    for i, steps in enumerate(per_session):
        started = NOW - (count - i) * 8 * 3600.0 - rng.uniform(0, 3600)  # three a day
        sid = time.strftime("%Y%m%dT%H%M%S", time.gmtime(started)) + f"-{i:06x}"
        playbook = PLAYBOOKS[i % len(PLAYBOOKS)]
        session = SessionRecord(
            sid, CHILD, playbook, steps, steps - 2, started, SessionStatus.COMPLETE,
            started + 300.0, 4, 1,
        )  # fmt: skip
        outcome_docs = {}
        at = started
        for step in range(1, steps + 1):
            at += rng.uniform(10, 40)
            actor = Actor.CHILD if step >= steps - 2 else Actor.PARENT
            done = rng.random() < 0.8
            outcome = OutcomeRecord(
                sid, CHILD, playbook, step, actor, Outcome.DONE if done else Outcome.NOT_YET,
                at, at + rng.uniform(2, 20), helped=not done,
            )  # fmt: skip
            outcome_docs[str(step)] = outcome_doc(outcome)
        speech = {
            str(k): {"session_id": sid, "text": "you pulled it all the way up", "at": at + k,
                     "kind": "descriptive"}
            for k in range(1, 4)
        }  # fmt: skip
        path = child_dir / "sessions" / month_of(started) / f"{session_stem(sid)}.json"
        _dump(path, {"session": {"1": session_doc(session)}, "outcomes": outcome_docs,
                     "speech": speech})  # fmt: skip
        if i % 20 == 19:
            events[str(len(events) + 1)] = {
                "child": CHILD, "playbook": playbook, "kind": "advanced",
                "at": started + 301, "child_from_step": 3, "session_id": sid,
            }  # fmt: skip
        sessions += 1
        outcomes += steps
    chains: dict[str, dict[str, object]] = {
        str(n): {"playbook": p, "steps_total": 8, "child_from_step": 6, "streak": 1,
                 "newest_tries": [True, False, True]}
        for n, p in enumerate(PLAYBOOKS, 1)
    }  # fmt: skip
    # Chain files as the store rolls them over: full ones, then the newest with the rest.
    ordered = list(events.values())
    for number, first in enumerate(range(0, max(len(ordered), 1), EVENTS_PER_CHAIN_FILE), 1):
        chunk = ordered[first : first + EVENTS_PER_CHAIN_FILE]
        _dump(
            child_dir / f"chains-{number:04d}.json",
            {"chains": chains, "events": {str(k): e for k, e in enumerate(chunk, 1)}},
        )
    return sessions, outcomes


def live_sessions(store: TinyStore) -> list[float]:
    """Run LIVE_SESSIONS sessions through the store; the seconds of each log_outcome."""
    times = []
    for n in range(LIVE_SESSIONS):
        started = NOW + n * 600.0
        sid = f"live-{n:03d}"
        session = SessionRecord(sid, CHILD, PLAYBOOKS[0], 9, 7, started)
        store.start_session(session)
        for step in range(1, 10):
            outcome = OutcomeRecord(
                sid, CHILD, PLAYBOOKS[0], step, Actor.CHILD, Outcome.DONE,
                started + step, started + step + 0.5,
            )  # fmt: skip
            t = time.perf_counter()
            store.log_outcome(outcome)
            times.append(time.perf_counter() - t)
            if step % 3 == 0:
                store.log_speech(SpeechRecord(sid, "nice work", started + step + 0.6))
        store.finish_session(
            SessionRecord(sid, CHILD, PLAYBOOKS[0], 9, 7, started, SessionStatus.COMPLETE,
                          started + 120.0)
        )  # fmt: skip
    return times


def chain_saves(store: TinyStore) -> list[float]:
    times = []
    for n in range(CHAIN_SAVES):
        state = ChainState(8, 6, streak=n % 3, newest_tries=(True,) * (n % 5))
        event = ChainEvent(CHILD, PLAYBOOKS[0], EventKind.ADVANCED, NOW + n, 6, f"live-{n}")
        t = time.perf_counter()
        store.save_chain(CHILD, PLAYBOOKS[0], state, [event] if n % 4 == 0 else [])
        times.append(time.perf_counter() - t)
    return times


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> None:
    rng = random.Random(2024)
    rows = []
    for size in SIZES:
        with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
            home = Path(folder)
            sessions, outcomes = prefill(TinyStore(home), size, rng)
            files = list((home / "log").rglob("*.json"))
            megabytes = sum(f.stat().st_size for f in files) / 1e6
            # A fresh store, as a new `ot-assistant run` process would have.
            outcome_times = live_sessions(TinyStore(home))
            chain_times = chain_saves(TinyStore(home))
            reads = []
            for _ in range(READS):
                t = time.perf_counter()
                got = TinyStore(home).outcomes(CHILD)
                reads.append(time.perf_counter() - t)
                assert len(got) == outcomes + 9 * LIVE_SESSIONS
            rows.append((size, sessions, len(files), megabytes, outcome_times, chain_times, reads))

    print(
        f"TinyStore, one child, {LIVE_SESSIONS * 9} timed log_outcome and {CHAIN_SAVES}"
        f" save_chain per size; read = all outcomes from a fresh store (median of {READS});"
        f" folder {tempfile.gettempdir()}"
    )
    header = (
        f"{'outcomes':>9} {'sessions':>8} {'files':>6} {'MB':>6} | {'log_outcome ms':>15}"
        f" {'p90':>6} | {'save_chain ms':>13} {'p90':>6} | {'read all s':>10}"
    )
    print(header)
    print("-" * len(header))
    for size, sessions, file_count, megabytes, outcome_t, chain_t, reads in rows:
        print(
            f"{size:>9,} {sessions:>8,} {file_count:>6,} {megabytes:>6.1f} |"
            f" {statistics.median(outcome_t) * 1e3:>15.2f} {p90(outcome_t) * 1e3:>6.2f} |"
            f" {statistics.median(chain_t) * 1e3:>13.2f} {p90(chain_t) * 1e3:>6.2f} |"
            f" {statistics.median(reads):>10.2f}"
        )


if __name__ == "__main__":
    main()
