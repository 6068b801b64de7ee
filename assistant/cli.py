"""The `ot-assistant` command line: a thin layer over the library.

Errors a user can cause arrive here as `AssistantError` and leave as one sentence on
stderr with exit status 2; nothing below this module prints or exits.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .clock import SystemClock
from .coach import Coach
from .comments import CommentClassifier, comments_file
from .conductor import Conductor, Engine
from .errors import AssistantError, UnknownChild
from .export import export_csv, export_json
from .graded import GradedEngine
from .hearing import grammar_for, open_ears
from .hearing import load as load_model_for
from .household import household_words_file, with_household_words
from .indicators import ChildIndicators, Initiation, SensoryBreak, child_indicators
from .intents import intents_file, load_intents
from .matcher import IntentMatcher
from .mute import MutingChime, MutingSpeaker
from .paths import data_home
from .playbook import Playbook, find_playbook, load_playbook, playbook_files, validate_file
from .progress import child_progress, progress_json, progress_text
from .records import History
from .seams import Listener, Speaker
from .session import SessionEngine
from .session_breaks import BreakSettings
from .store import TinyStore
from .timer_runner import ChimePlayer

log = logging.getLogger(__name__)

EXIT_USER_ERROR = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr)
    try:
        status: int = args.handler(args)
        return status
    except AssistantError as exc:
        print(f"ot-assistant: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ot-assistant",
        description="An offline, hands-free voice coach for parent-led occupational therapy.",
    )
    parser.add_argument("--version", action="version", version=f"ot-assistant {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="a guided session of a routine")
    run.add_argument("playbook", help="playbook id (see `playbooks list`) or a .yaml file")
    run.add_argument("--child", required=True, help="the child's name")
    run.add_argument(
        "--input",
        default="mic",
        help="mic (default), keyboard, or a SCRIPT.txt file of one utterance a line",
    )
    run.add_argument(
        "--voice",
        default="speakers",
        help="speakers (default), console, or a folder to write numbered WAV files into",
    )
    _speech_options(run)
    _hearing_options(run)
    run.set_defaults(handler=_run)

    listen = sub.add_parser("listen", help="decode a WAV file as the microphone would be")
    listen.add_argument("--audio", type=Path, required=True, help="a WAV file (any rate)")
    listen.add_argument("--model", type=Path, help="the Vosk model folder")
    listen.add_argument("--lang", default="en", help="language (default en)")
    listen.add_argument("--grammar", action="store_true", help="decode only intent phrases")
    listen.add_argument("--json", action="store_true", help="one JSON object per utterance")
    listen.set_defaults(handler=_listen)

    progress = sub.add_parser("progress", help="chain state and recent sessions of a child")
    progress.add_argument("--child", required=True)
    progress.add_argument("--playbook", help="only this playbook id")
    progress.add_argument("--json", action="store_true", help="print JSON")
    progress.set_defaults(handler=_progress)

    report = sub.add_parser("report", help="an offline HTML progress report with charts")
    report.add_argument("--child", required=True)
    report.add_argument("--out", type=Path, help="the HTML file (default: NAME-report.html)")
    report.set_defaults(handler=_report)

    export = sub.add_parser("export", help="every logged outcome and session, to stdout")
    export.add_argument("--child", required=True)
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.set_defaults(handler=_export)

    parse = sub.add_parser("parse", help="what the assistant understands from a sentence")
    parse.add_argument("text", nargs="*", help="sentences (default: one per stdin line)")
    parse.add_argument("--json", action="store_true", help="one JSON object per line")
    parse.add_argument("--lang", default="en")
    parse.set_defaults(handler=_parse)

    timer = sub.add_parser("timer", help="a spoken countdown (start, halfway, one minute, chime)")
    timer.add_argument("duration", help="e.g. 90s, 5m, 1m30s, 1:30")
    timer.add_argument("--label", help="what the timer is called in speech (default: timer)")
    timer.add_argument("--voice", default="speakers", help="speakers (default), console, or DIR")
    _speech_options(timer)
    timer.add_argument(
        "--ring",
        type=float,
        default=60.0,
        help="seconds the chime repeats at the end unless stopped (default 60; 0: once)",
    )
    timer.set_defaults(handler=_timer)

    day = sub.add_parser("day", help="run today's sensory-diet breaks for a child")
    day.add_argument("--child", required=True)
    day.add_argument(
        "--input", default="mic", help="mic (default), keyboard, FILE.wav or SCRIPT.txt"
    )
    _hearing_options(day)
    day.add_argument("--voice", default="speakers", help="speakers (default), console, or DIR")
    _speech_options(day)
    day.set_defaults(handler=_day)

    schedule = sub.add_parser("schedule", help="a child's sensory-diet schedule")
    schedule_sub = schedule.add_subparsers(dest="action", required=True, metavar="ACTION")
    show_plan = schedule_sub.add_parser("show", help="print today's plan")
    show_plan.add_argument("--child", required=True)
    show_plan.add_argument("--date", help="YYYY-MM-DD (default today)")
    show_plan.add_argument("--json", action="store_true")
    show_plan.set_defaults(handler=_schedule_show)

    model = sub.add_parser("model", help="where the speech model is, check it, download one")
    model_sub = model.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, handler, text in (
        ("path", _model_path, "every place a model is looked for, and the one that is used"),
        ("check", _model_check, "load the model and report its language, vocabulary, load time"),
    ):
        action = model_sub.add_parser(name, help=text)
        action.add_argument("--model", type=Path, help="a model folder")
        action.add_argument("--lang", default="en", help="language (default en)")
        action.set_defaults(handler=handler)
    download = model_sub.add_parser("download", help="fetch a model, with a progress bar")
    download.add_argument("name", nargs="?", help="model name (default: the small US-English one)")
    download.add_argument("--sha256", help="the archive's expected SHA-256, for unknown models")
    download.set_defaults(handler=_model_download)

    comments = sub.add_parser("comments", help="the 4:1 commenting coach's classifier")
    comments_sub = comments.add_subparsers(dest="action", required=True, metavar="ACTION")
    classify = comments_sub.add_parser("classify", help="descriptive, directive or other")
    classify.add_argument("text", nargs="*", help="sentences (default: one per stdin line)")
    classify.add_argument("--json", action="store_true", help="one JSON object per line")
    classify.add_argument("--lang", default="en")
    classify.set_defaults(handler=_classify)

    books = sub.add_parser("playbooks", help="list, show or validate playbooks")
    books_sub = books.add_subparsers(dest="action", required=True, metavar="ACTION")
    books_sub.add_parser("list", help="shipped and user playbooks").set_defaults(handler=_list)
    show = books_sub.add_parser("show", help="one playbook's steps")
    show.add_argument("id", help="playbook id or .yaml file")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)
    validate = books_sub.add_parser("validate", help="check playbook files, listing every problem")
    validate.add_argument("files", nargs="*", type=Path, help="files (default: all playbooks)")
    validate.set_defaults(handler=_validate)
    return parser


# -- run ------------------------------------------------------------------------------------


def _matcher(lang: str, home: Path) -> IntentMatcher:
    """The matcher of `lang`, with the household's own words (`household.py`) when written."""
    shipped = load_intents(intents_file(lang))
    return IntentMatcher(with_household_words(shipped, household_words_file(lang, home)))


def _run(args: argparse.Namespace) -> int:
    if not args.child.strip():
        raise AssistantError("Give the child's name with --child NAME.")

    home = data_home()
    playbook = find_playbook(args.playbook, home)
    store = TinyStore(home)
    matcher = _matcher(args.lang, home)
    matcher.prepare()  # before listening: the first reply waits on nothing
    coach = Coach.for_language("en" if not comments_file(args.lang).is_file() else args.lang)
    engine: Engine[Any]
    if playbook.graded:
        engine = GradedEngine(playbook, matcher, _classifier(args.lang), coach)
    else:
        child = store.find_child(args.child) or args.child
        breaks = _break_settings(home, child)
        engine = SessionEngine(playbook, matcher, _classifier(args.lang), coach, breaks)
    clock = SystemClock()
    listener, speaker, chime = _wiring(args, home, clock)
    # What was loaded once (intents, the guesser, the speech model) lives as long as the
    # process: left out of later garbage collections, a collection on the way from speech to
    # reply walks only what the session has made since.
    gc.collect()
    gc.freeze()
    conductor: Conductor[Any] = Conductor(engine, store, listener, speaker, clock, _notice, chime)
    try:
        conductor.run(args.child)
    finally:
        listener.close()
        speaker.close()
    return 0


def _classifier(lang: str) -> CommentClassifier | None:
    if not comments_file(lang).is_file():
        _notice(
            f"The commenting coach has no cue list for {lang!r} yet, so comments are kept "
            "with the session but not counted."
        )
        return None
    return CommentClassifier.for_language(lang)


def _wiring(
    args: argparse.Namespace, home: Path, clock: SystemClock
) -> tuple[Listener, Speaker, ChimePlayer]:
    """The listener, speaker and chime for `--input` and `--voice`: with the microphone, the
    speaker and the chime mute it while they sound, so it never hears the assistant."""
    from .timer_runner import chime_player_for

    ears = open_ears(
        args.input,
        lang=args.lang,
        model=args.model,
        grammar=args.grammar,
        home=home,
        clock=clock,
        notice=_notice,
        ask=_ask if sys.stdin.isatty() and sys.stderr.isatty() else None,
    )
    inner = _speaker(args)
    chime = chime_player_for(inner)  # matched on the inner speaker's kind
    if ears.gate is None:
        return ears.listener, inner, chime
    return (
        ears.listener,
        MutingSpeaker(inner, ears.gate, clock),
        MutingChime(chime, ears.gate, clock),
    )


def _ask(question: str) -> bool:
    sys.stderr.write(f"ot-assistant: {question} [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def _listen(args: argparse.Namespace) -> int:
    from .vosk_listeners import WavListener

    model = load_model_for(args.model, args.lang, data_home())
    listener = WavListener(args.audio, model, grammar_for(args.lang, args.grammar))
    try:
        for heard in iter(listener.listen, None):
            if args.json:
                row = {
                    "text": heard.text,
                    "confidence": round(heard.confidence, 3),
                    "t_start": round(heard.t_start, 3),
                    "t_end": round(heard.t_end, 3),
                }
                print(json.dumps(row, ensure_ascii=False), flush=True)
            else:
                print(f"{heard.t_start:7.2f} {heard.t_end:7.2f}  {heard.text}", flush=True)
    finally:
        listener.close()
    return 0


def _break_settings(home: Path, child: str) -> BreakSettings:
    """The child's break length and profile from their schedule, when they have one."""
    from .activities import activities_file, load_activities
    from .schedule import load_schedule, schedule_path

    activities = load_activities(activities_file(home))
    path = schedule_path(home, child)
    if not path.is_file():
        return BreakSettings(activities=activities)
    schedule = load_schedule(path, activities)
    minutes = schedule.demands[0].break_minutes if schedule.demands else None
    return BreakSettings(
        default_seconds=minutes * 60.0 if minutes else BreakSettings().default_seconds,
        activities=activities,
        profile=schedule.profile,
    )


def _hearing_options(parser: argparse.ArgumentParser) -> None:
    """Which language is spoken and how it is recognised."""
    parser.add_argument("--lang", default="en", help="language of the intents (default en)")
    parser.add_argument("--model", type=Path, help="the Vosk model folder (see `model path`)")
    parser.add_argument(
        "--grammar", action="store_true", help="decode only the intent phrases (default for ko)"
    )


def _speech_options(parser: argparse.ArgumentParser) -> None:
    """How the assistant's voice sounds (espeak-ng through pyttsx3)."""
    parser.add_argument("--speech-voice", help="espeak-ng voice, e.g. en-gb or ko (default: en)")
    parser.add_argument("--rate", type=int, help="words per minute (default 200)")
    parser.add_argument("--volume", type=float, help="0 to 1 (default 1), when speaking aloud")


def _speaker(args: argparse.Namespace) -> Speaker:
    from .speakers import AloudSpeaker, ConsoleSpeaker, SpeechOutputError, WavSpeaker

    choice = args.voice
    if choice == "console":
        return ConsoleSpeaker()
    if choice == "speakers":
        try:
            return AloudSpeaker(args.speech_voice, args.rate, args.volume)
        except SpeechOutputError as exc:
            # A session without sound is still a session: say why, then show the words.
            _notice(f"{exc} Showing the prompts as text instead.")
            return ConsoleSpeaker()
    return WavSpeaker(Path(choice), args.speech_voice, args.rate)


def _notice(text: str) -> None:
    print(f"ot-assistant: {text}", file=sys.stderr)


# -- progress and export --------------------------------------------------------------------


def _known_child(store: TinyStore, name: str) -> str:
    child = store.find_child(name)
    if child is None:
        known = ", ".join(store.children()) or "none yet"
        raise UnknownChild(
            f"There is no child called {name!r} in the log (known: {known}); "
            "a child is added by their first `ot-assistant run`."
        )
    return child


def _progress(args: argparse.Namespace) -> int:
    store = TinyStore(data_home())
    child = _known_child(store, args.child)
    graded = _graded_ids(data_home())
    history = store.history(child, args.playbook)  # one read of the log serves both
    progress = child_progress(store, child, args.playbook, graded, history)
    indicators = _indicators(store, child, history, graded, args.playbook)
    if args.json:
        data = progress_json(child, progress)
        data["indicators"] = indicators.as_json()
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(progress_text(child, progress))
        for routine in indicators.routines:
            print(f"\n{routine.playbook}, function:")
            for line in (routine.prompting_text, routine.chain_text, routine.initiation_text):
                print(f"  {line}")
            for milestone in routine.milestones:
                print(f"  {milestone.text}")
            print(f"  {routine.review.text}")
        print(f"\n{indicators.breaks_text}")
    return 0


def _graded_ids(home: Path) -> frozenset[str]:
    """Ids of the graded-skill playbooks (shipped and the user's) that load."""
    ids = set()
    for path in playbook_files(home):
        try:
            if load_playbook(path).graded:
                ids.add(path.stem)
        except AssistantError:  # `playbooks validate` reports it; progress still works
            continue
    return frozenset(ids)


def _indicators(
    store: TinyStore,
    child: str,
    history: History,
    graded: frozenset[str],
    playbook: str | None = None,
) -> ChildIndicators:
    """The functional indicators of `child` from the log (`history`, already read), as of now."""
    return child_indicators(
        child,
        history.sessions,
        history.outcomes,
        store.events(child, playbook),
        now=SystemClock().now(),
        initiations=[Initiation(i.at, i.playbook, i.step) for i in history.initiations],
        breaks=[SensoryBreak.from_record(b) for b in store.breaks(child)],
        graded=graded,
    )


def _report(args: argparse.Namespace) -> int:
    from .report import render_indicators

    home = data_home()
    store = TinyStore(home)
    child = _known_child(store, args.child)
    indicators = _indicators(store, child, store.history(child), _graded_ids(home))
    titles = {}
    for routine in indicators.routines:
        try:
            titles[routine.playbook] = find_playbook(routine.playbook, home).title
        except AssistantError:  # a playbook since removed: its id will do
            titles[routine.playbook] = routine.playbook
    out = args.out or Path(f"{child}-report.html")
    try:
        out.write_text(render_indicators(indicators, titles), encoding="utf-8")
    except OSError as exc:
        raise AssistantError(f"The report cannot be written to {out}: {exc.strerror}.") from exc
    print(out)
    return 0


def _export(args: argparse.Namespace) -> int:
    store = TinyStore(data_home())
    child = _known_child(store, args.child)
    text = export_csv(store, child) if args.format == "csv" else export_json(store, child)
    sys.stdout.write(text)
    return 0


# -- parse ----------------------------------------------------------------------------------


def _parse(args: argparse.Namespace) -> int:
    matcher = _matcher(args.lang, data_home())
    for text in _texts(args.text, sys.stdin):
        reading = matcher.read(text)
        intent = reading.intent
        if args.json:
            row = {
                "text": text,
                "intent": intent.name if intent else None,
                "slots": dict(intent.slots) if intent else {},
                "score": round(reading.score, 3),
            }
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            name = intent.name if intent else "(no intent)"
            print(f"{name}\t{reading.score:.2f}\t{text}", flush=True)
    return 0


def _texts(given: Sequence[str], stdin: TextIO) -> Iterator[str]:
    if given:
        yield from given
        return
    interactive = stdin.isatty()
    while True:
        if interactive:
            sys.stderr.write("> ")
            sys.stderr.flush()
        line = stdin.readline()
        if not line:
            return
        if line.strip():
            yield line.rstrip("\n")


def _classify(args: argparse.Namespace) -> int:
    classifier = CommentClassifier.for_language(args.lang)
    for text in _texts(args.text, sys.stdin):
        label = classifier.classify(text)
        if args.json:
            print(json.dumps({"text": text, "kind": label.kind.value}, ensure_ascii=False))
        else:
            print(f"{label.kind.value}\t{label.confidence:.2f}\t{text}", flush=True)
    return 0


# -- timers and the sensory diet ------------------------------------------------------------


def _timer(args: argparse.Namespace) -> int:
    from .timer_command import run_timer
    from .timer_runner import chime_player_for
    from .timers import TimerRules

    if not 0 <= args.ring <= 3600:
        raise AssistantError("--ring takes seconds from 0 to 3600.")
    speaker = _speaker(args)
    try:
        return run_timer(
            args.duration,
            args.label,
            speaker,
            chime_player_for(speaker),
            SystemClock(),
            time.sleep,
            sys.stderr,
            rules=TimerRules(ring_for=args.ring),
        )
    finally:
        speaker.close()


def _day(args: argparse.Namespace) -> int:
    from .activities import activities_file, load_activities
    from .day import run_day
    from .schedule import find_schedule

    home = data_home()
    activities = load_activities(activities_file(home))
    store = TinyStore(home)
    child = store.find_child(args.child) or args.child
    schedule = find_schedule(home, child, activities)
    clock = SystemClock()
    listener, speaker, chime = _wiring(args, home, clock)
    try:
        run_day(
            schedule,
            activities,
            store.add_child(child),
            clock=clock,
            sleep=time.sleep,
            speaker=speaker,
            chime=chime,
            store=store,
            listener=listener,
        )
    finally:
        listener.close()
        speaker.close()
    return 0


def _schedule_show(args: argparse.Namespace) -> int:
    from .activities import activities_file, load_activities
    from .schedule import find_schedule, plan_day, plan_rows, plan_text

    home = data_home()
    activities = load_activities(activities_file(home))
    child = TinyStore(home).find_child(args.child) or args.child
    schedule = find_schedule(home, child, activities)
    try:
        day = date.fromisoformat(args.date) if args.date else date.today()
    except ValueError as exc:
        raise AssistantError(f"The date {args.date!r} is not a date like 2026-11-27.") from exc
    plan = plan_day(schedule, day, activities)
    if args.json:
        print(json.dumps({"child": child, "date": day.isoformat(), "breaks": plan_rows(plan)}))
    else:
        print(plan_text(child, day, plan, activities))
    return 0


# -- the speech model ---------------------------------------------------------------------


def _model_path(args: argparse.Namespace) -> int:
    from . import speech_model

    home = data_home()
    for line in speech_model.lookup_lines(args.model, args.lang, home):
        print(line)
    speech_model.find_model(args.model, args.lang, home)  # none: exit 2 with the sentence
    return 0


def _model_check(args: argparse.Namespace) -> int:
    from . import speech_model

    info = speech_model.check_model(speech_model.find_model(args.model, args.lang, data_home()))
    words = f"{info.vocabulary:,} words" if info.vocabulary is not None else "unknown"
    print(f"model: {info.path}")
    print(f"language: {info.language or 'unknown'}")
    print(f"vocabulary: {words}")
    print(f"command grammars: {'yes' if info.grammar else 'no (this model ignores --grammar)'}")
    print(f"loaded in {info.load_seconds:.1f} s")
    return 0


def _model_download(args: argparse.Namespace) -> int:
    from . import speech_model

    name = args.name or speech_model.DEFAULT_MODEL
    if args.sha256 is None and name not in speech_model.KNOWN_MODELS:
        _notice(
            f"No checksum is known for {name}, so only its size and zip are checked "
            "(give --sha256 to check it)."
        )
    print(_fetch_model(name, args.sha256))
    return 0


def _fetch_model(name: str, sha256: str | None = None) -> Path:
    from . import speech_model

    bar = speech_model.progress_bar(sys.stderr)
    try:
        return speech_model.download(
            name, data_home(), base_url=speech_model.base_url(), sha256=sha256, progress=bar
        )
    finally:
        bar.close()  # ends a half-drawn bar line before any error sentence


# -- playbooks ------------------------------------------------------------------------------


def _list(args: argparse.Namespace) -> int:
    home = data_home()
    for path in playbook_files(home):
        try:
            book = load_playbook(path)
        except AssistantError:
            print(f"{path.stem:<18} (invalid: run `ot-assistant playbooks validate {path}`)")
            continue
        where = "user" if home in path.parents else "shipped"
        print(
            f"{book.id:<18} {len(book.steps):>2} steps  {book.routine:<12} {where:<7} {book.title}"
        )
    return 0


def _show(args: argparse.Namespace) -> int:
    book = find_playbook(args.id, data_home())
    if args.json:
        print(json.dumps(_playbook_json(book), ensure_ascii=False))
        return 0
    print(f"{book.title} ({book.id}), {book.routine}, ages {book.min_age} to {book.max_age}")
    if book.about:
        print(book.about)
    print("Materials: " + ", ".join(book.materials))
    for i, step in enumerate(book.steps, 1):
        print(f"{i:>2}. {step.prompt}")
        print(f"    cue: {step.cue}")
        print(f"    if not yet: {step.support}")
    return 0


def _playbook_json(book: Playbook) -> dict[str, object]:
    data: dict[str, object] = {
        "id": book.id,
        "title": book.title,
        "kind": book.kind,
        "routine": book.routine,
        "ages": {"min": book.min_age, "max": book.max_age},
        "materials": list(book.materials),
        "about": book.about,
        "chaining": {
            "mastery_sessions": book.rules.mastery_sessions,
            "stepback_consecutive": book.rules.stepback_consecutive,
            "stepback_failures": book.rules.stepback_failures,
            "stepback_window": book.rules.stepback_window,
        },
        "steps": [
            {"prompt": s.prompt, "cue": s.cue, "support": s.support, "comments": list(s.comments)}
            for s in book.steps
        ],
    }
    if book.graded:
        data["levels"] = [{"name": level.name, "task": level.task} for level in book.levels]
        data["tries"] = book.tries
    return data


def _validate(args: argparse.Namespace) -> int:
    files = args.files or playbook_files(data_home())
    bad = 0
    for path in files:
        problems = validate_file(path)
        if problems:
            bad += 1
            for problem in problems:
                print(problem)
        else:
            print(f"{path}: valid")
    if bad:
        print(
            f"ot-assistant: {bad} of {len(files)} playbook file(s) have problems.", file=sys.stderr
        )
        return EXIT_USER_ERROR
    return 0
