"""Export of every logged outcome and session of a child, as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from .progress import iso
from .seams import Store

CSV_COLUMNS = (
    "date",
    "child",
    "routine",
    "step",
    "who",
    "outcome",
    "help",
    "session_id",
    "asked_at",
    "answered_at",
)


def export_csv(store: Store, child: str) -> str:
    """One row per logged outcome, oldest first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for o in store.outcomes(child):
        asked = iso(o.asked_at) or ""
        writer.writerow(
            [
                asked[:10],
                o.child,
                o.playbook,
                o.step,
                o.actor.value,
                o.outcome.value,
                "yes" if o.helped else "no",
                o.session_id,
                asked,
                iso(o.answered_at),
            ]
        )
    return out.getvalue()


def export_json(store: Store, child: str) -> str:
    """Sessions, outcomes and chain events as one JSON document."""
    data: dict[str, Any] = {
        "child": child,
        "sessions": [
            {
                "session_id": s.session_id,
                "playbook": s.playbook,
                "status": s.status.value,
                "started_at": iso(s.started_at),
                "ended_at": iso(s.ended_at),
                "steps_total": s.steps_total,
                "child_from_step": s.child_from_step,
                "descriptive": s.descriptive,
                "directive": s.directive,
            }
            for s in store.sessions(child)
        ],
        "outcomes": [
            {
                "session_id": o.session_id,
                "playbook": o.playbook,
                "step": o.step,
                "who": o.actor.value,
                "outcome": o.outcome.value,
                "help": o.helped,
                "asked_at": iso(o.asked_at),
                "answered_at": iso(o.answered_at),
            }
            for o in store.outcomes(child)
        ],
        "events": [
            {
                "playbook": e.playbook,
                "kind": e.kind.value,
                "at": iso(e.at),
                "child_from_step": e.child_from_step,
                "session_id": e.session_id,
            }
            for e in store.events(child)
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
