"""`ot-assistant day --child NAME`: run one day of a child's sensory-diet schedule.

For each planned break of the day (`schedule.plan_day`) it waits until the break's time,
announces it with the suggested activity (its safety note first, then what to do), runs the
spoken timer, asks how the child seems now, and logs a `BreakRecord` with the answer. It
claims nothing about effect: the answer is recorded as the parent gave it, for the OT.

Decisions:

- A break whose time has passed when the day starts still runs if it can end before its
  demand (a day started at 07:12 still does the 07:10 break before 07:30); otherwise it is
  skipped and says so in the log, not aloud.
- The ring does not repeat here (`TimerRules(ring_for=0)`): the check-in question follows the
  end chime at once, and a repeating chime would talk over the answer.
- The answer is matched fuzzily (rapidfuzz) against the check-in phrases in the activities
  file, after dropping its filler words; an answer that is not understood is asked about once
  more, then logged as none. The end of the input is logged as none too.
- Ctrl-C during a break cancels its timer, logs the break with no end time and no answer, and
  then stops the day (the KeyboardInterrupt goes on to the caller).
- The plan is the one for the date the day starts on; breaks are waited for through the
  injected `sleep`, at most a minute at a time, so a clock that jumps (a suspended laptop)
  is noticed within a minute.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime

from . import timers as T
from .activities import Activities, CheckIn, fill, read_answer
from .records import AfterBreak, BreakRecord
from .schedule import PlannedBreak, Schedule, plan_day
from .seams import Clock, Listener, Speaker, Store
from .timer_runner import ChimePlayer, TimerRunner

log = logging.getLogger(__name__)

TIMER_NAME = "sensory break"
"""What the break's timer is called in its cues ("One minute left on the sensory break.")."""
LONGEST_WAIT = 60.0
"""Seconds slept at a time while waiting for a break."""

_SEEMS = {AfterBreak.CALM: "calm", AfterBreak.OKAY: "okay", AfterBreak.WOUND_UP: "still wound up"}


def announcement(planned: PlannedBreak, child: str, now: datetime) -> list[str]:
    """What is said when a break starts: why now, the activity, its safety note, what to do."""
    minutes = max(round((planned.demands[0].at - now).total_seconds() / 60), 0)
    soon = f"In {T.duration_words(minutes * 60)}" if minutes else "Soon"
    length = T.duration_words(planned.seconds)
    activity = planned.activity
    if activity is None:
        return [
            f"Sensory break time. {soon} it's {planned.before}, so let's take {length} "
            f"for something {child} finds {planned.needs.value}."
        ]
    lines = [
        f"Sensory break time. {soon} it's {planned.before}, so let's do {length} "
        f"of {activity.name}."
    ]
    if activity.safety:
        lines.append(f"Safety first: {fill(activity.safety, child)}")
    lines.append(fill(activity.say, child))
    return lines


def run_day(
    schedule: Schedule,
    activities: Activities,
    child: str,
    *,
    clock: Clock,
    sleep: Callable[[float], None],
    speaker: Speaker,
    chime: ChimePlayer,
    store: Store,
    listener: Listener,
    day: date | None = None,
    rules: T.TimerRules | None = None,
) -> list[BreakRecord]:
    """Run the breaks of `day` (default: today on `clock`, local time); returns what it logged.

    `child` is the name as said and logged; `rules` defaults to a ring that does not repeat.
    """
    day = day or datetime.fromtimestamp(clock.now()).date()
    plan = plan_day(schedule, day, activities)
    rules = rules or T.TimerRules(ring_for=0)
    runner = _BreakRunner(child, activities.check_in, clock, sleep, speaker, chime, listener, rules)
    logged: list[BreakRecord] = []
    for planned in plan:
        planned_at = planned.starts_at.timestamp()
        latest = planned.demands[0].at.timestamp() - planned.seconds
        if clock.now() > latest:
            log.info("skipping the %s at %s: too late to finish", planned.label, planned.starts_at)
            continue
        while (left := planned_at - clock.now()) > 0:
            sleep(min(left, LONGEST_WAIT))
        try:
            record = runner.run(planned, planned_at)
        except _Interrupted as stopped:
            store.log_break(stopped.record)
            raise KeyboardInterrupt from None
        store.log_break(record)
        logged.append(record)
    if plan and logged:
        speaker.say("That's all the sensory breaks for today.")
    elif not plan:
        speaker.say(f"There are no sensory breaks planned for {child} today.")
    return logged


class _Interrupted(Exception):
    """Ctrl-C during a break: carries the break's record so it is logged before stopping."""

    def __init__(self, record: BreakRecord) -> None:
        super().__init__(record.label)
        self.record = record


class _BreakRunner:
    """One break: announce, time, ask, read the answer."""

    def __init__(
        self,
        child: str,
        check_in: CheckIn,
        clock: Clock,
        sleep: Callable[[float], None],
        speaker: Speaker,
        chime: ChimePlayer,
        listener: Listener,
        rules: T.TimerRules,
    ) -> None:
        self.child = child
        self.check_in = check_in
        self.clock = clock
        self.sleep = sleep
        self.speaker = speaker
        self.chime = chime
        self.listener = listener
        self.rules = rules

    def run(self, planned: PlannedBreak, planned_at: float) -> BreakRecord:
        now = datetime.fromtimestamp(self.clock.now())
        for line in announcement(planned, self.child, now):
            self.speaker.say(line)
        runner = TimerRunner(self.speaker, self.chime, self.clock, self.sleep, self.rules)
        started_at = self.clock.now()
        record = BreakRecord(
            child=self.child,
            label=planned.label,
            activity=None if planned.activity is None else planned.activity.id,
            planned_at=planned_at,
            started_at=started_at,
            seconds=float(planned.seconds),
            ended_at=None,
        )
        try:
            runner.start(planned.seconds, TIMER_NAME)
            cues = runner.run()
        except KeyboardInterrupt:
            raise _Interrupted(record) from None
        ended = [c.at for c in cues if c.kind is T.CueKind.ENDED]
        after = self.ask()
        return BreakRecord(
            child=record.child,
            label=record.label,
            activity=record.activity,
            planned_at=planned_at,
            started_at=started_at,
            seconds=record.seconds,
            ended_at=ended[-1] if ended else None,
            after=after,
        )

    def ask(self) -> AfterBreak | None:
        """Ask how the child seems, once more if the answer was unclear; None when unanswered."""
        for question in (self.check_in.question, self.check_in.again):
            self.speaker.say(fill(question, self.child))
            heard = self.listener.listen()
            if heard is None:
                return None
            answer = read_answer(self.check_in, heard.text)
            if answer.understood:
                if answer.after is None:
                    self.speaker.say("Okay, nothing noted this time.")
                else:
                    self.speaker.say(f"Thanks. Noted: {self.child} seems {_SEEMS[answer.after]}.")
                return answer.after
        self.speaker.say("Okay, nothing noted this time.")
        return None
