"""A writer process for the Store's kill and concurrency tests (tests/test_store.py).

Run as ``python tests/store_writer.py MODE HOME ...``. It prints one line per acknowledged write
(after the Store call returned) and flushes it, so the parent knows exactly which writes the
Store had confirmed when it was killed.

Modes:
  outcomes HOME CHILD SESSION_ID FIRST PAD    log outcomes with step FIRST, FIRST+1, ... forever;
                                              PAD > 0 also logs a PAD-character utterance after
                                              each outcome, so the session file grows large
  chain HOME CHILD FIRST                      save_chain generation FIRST, FIRST+1, ... forever:
                                              streak = generation, one event per save
  together HOME CHILD SESSION_ID COUNT GO     wait for the file GO, then COUNT times: log an
                                              outcome and save the chain with one event
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from assistant.chaining import ChainState
from assistant.records import (
    Actor,
    ChainEvent,
    EventKind,
    Outcome,
    OutcomeRecord,
    SessionRecord,
    SpeechRecord,
)
from assistant.store import TinyStore

BASE = 1_715_000_000.0
"""All sessions of the tests start at this time (May 2024); steps add seconds to it."""
PLAYBOOK = "toothbrushing"


def session(child: str, session_id: str) -> SessionRecord:
    """The session record every writer of `session_id` starts (idempotent on restart)."""
    return SessionRecord(
        session_id, child, PLAYBOOK, steps_total=8, child_from_step=8, started_at=BASE
    )


def outcome(child: str, session_id: str, step: int) -> OutcomeRecord:
    """The outcome a writer logs for `step`: times derived from the step, so they round-trip."""
    return OutcomeRecord(
        session_id, child, PLAYBOOK, step, Actor.CHILD, Outcome.DONE,
        asked_at=BASE + step + 0.25, answered_at=BASE + step + 0.75, helped=step % 2 == 0,
    )  # fmt: skip


def chain_state(generation: int) -> ChainState:
    """Generation `generation` of the chain; its size varies so the file grows and shrinks."""
    tries = tuple(i % 3 != 0 for i in range(generation % 7))
    return ChainState(steps_total=8, child_from_step=8, streak=generation, newest_tries=tries)


def event(child: str, session_id: str, at: float) -> ChainEvent:
    """One chain event, tagged by session id and time."""
    return ChainEvent(child, PLAYBOOK, EventKind.ADVANCED, at, 7, session_id)


def main(argv: list[str]) -> None:
    mode, home = argv[0], Path(argv[1])
    store = TinyStore(home)
    if mode == "outcomes":
        child, session_id, step, pad = argv[2], argv[3], int(argv[4]), int(argv[5])
        store.start_session(session(child, session_id))
        while True:
            store.log_outcome(outcome(child, session_id, step))
            print(step, flush=True)
            if pad:
                store.log_speech(SpeechRecord(session_id, "x" * pad, BASE + step + 0.5))
            step += 1
    elif mode == "chain":
        child, generation = argv[2], int(argv[3])
        store.add_child(child)
        while True:
            store.save_chain(
                child, PLAYBOOK, chain_state(generation), [event(child, "chain", generation)]
            )
            print(generation, flush=True)
            generation += 1
    elif mode == "together":
        child, session_id, count, go = argv[2], argv[3], int(argv[4]), Path(argv[5])
        store.start_session(session(child, session_id))
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.001)
        for step in range(count):
            store.log_outcome(outcome(child, session_id, step))
            store.save_chain(child, PLAYBOOK, chain_state(step), [event(child, session_id, step)])
        print("finished", flush=True)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
