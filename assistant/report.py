"""The progress report: one self-contained, offline HTML page with inline SVG charts.

Everything is in the page: inline CSS, SVG drawn here in Python, no script, no font or image
files, no addresses. A Content-Security-Policy meta tag forbids the browser from loading
anything else, so a page opened from a USB stick or mailed to the OT behaves the same
everywhere and cannot reach the network. Every piece of text that came from the log or a
playbook (child name, routine title) is HTML-escaped.

Charts per routine: the chain ladder (the child's steps per session), outcomes per session
(stacked: done on their own / not yet / steps the parent did), help per week, and the 4:1
comment ratio per session. Per child: sensory breaks per week. The indicators and milestone
statements come from `indicators`; this module only draws and words the page.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from .indicators import (
    BreakWeek,
    ChildIndicators,
    IndicatorRules,
    Initiation,
    MilestoneStatus,
    RoutineIndicators,
    SensoryBreak,
    SessionPoint,
    child_indicators,
    count_text,
    date_text,
    num_text,
)
from .records import ChainEvent, EventKind, OutcomeRecord, SessionRecord

log = logging.getLogger(__name__)


def render_report(
    child: str,
    sessions: Sequence[SessionRecord],
    outcomes: Sequence[OutcomeRecord],
    events: Sequence[ChainEvent],
    *,
    now: float,
    initiations: Sequence[Initiation] = (),
    breaks: Sequence[SensoryBreak] = (),
    titles: Mapping[str, str] | None = None,
    rules: IndicatorRules | None = None,
) -> str:
    """The report page for `child` as of `now`, from their records as the Store returns them.

    `titles` maps playbook ids to the titles shown as headings (the id is used when missing).
    """
    indicators = child_indicators(
        child,
        sessions,
        outcomes,
        events,
        now=now,
        initiations=initiations,
        breaks=breaks,
        rules=rules or IndicatorRules(),
    )
    return render_indicators(indicators, titles)


def render_indicators(indicators: ChildIndicators, titles: Mapping[str, str] | None = None) -> str:
    """The report page for indicators already computed (e.g. shared with `progress`)."""
    titles = titles or {}
    child = indicators.child
    routines = indicators.routines
    parts = [
        "<header>",
        f"<h1>Progress for {_e(child)}</h1>",
        f'<p class="meta">As of {_e(date_text(indicators.now))}',
    ]
    if routines:
        first = min(r.first_at for r in routines)
        parts.append(
            f" · first session {_e(date_text(first))} · {_e(count_text(len(routines), 'routine'))}"
        )
    parts += [
        "</p>",
        '<p class="note">These are counts from the sessions logged on this device. They show '
        "what happened in practice; they are not a clinical assessment.</p>",
        "</header>",
    ]
    if not routines:
        parts.append(f"<p>{_e(child)} has no sessions yet.</p>")
    if len(routines) > 1:
        parts.append('<nav><ul class="toc">')
        for r in routines:
            anchor = _e(_anchor(r.playbook))
            parts.append(f'<li><a href="#{anchor}">{_e(_title(r, titles))}</a></li>')
        parts.append("</ul></nav>")
    for r in routines:
        parts.append(_routine_section(child, r, titles))
    parts.append(_breaks_section(indicators))
    parts.append(
        "<footer>Made offline by ot-assistant. Weeks count from the first session of each "
        "routine; dates are in UTC.</footer>"
    )
    return _page(f"Progress for {child}", "\n".join(parts))


# -- sections ------------------------------------------------------------------------------


_STATUS_WORDS = {
    MilestoneStatus.MET: ("met", "✓"),
    MilestoneStatus.NOT_MET: ("not yet", "○"),
    MilestoneStatus.NO_DATA: ("too little data", "?"),
    MilestoneStatus.UPCOMING: ("coming up", "…"),
}


def _routine_section(child: str, r: RoutineIndicators, titles: Mapping[str, str]) -> str:
    title = _title(r, titles)
    out = [
        f'<section id="{_e(_anchor(r.playbook))}" class="routine">',
        f"<h2>{_e(title)}</h2>",
        f'<p class="meta">{_e(count_text(len(r.sessions), "session"))} since '
        f"{_e(date_text(r.first_at))}</p>",
        f'<div class="review {r.review.kind.value}"><p>{_e(r.review.text)}</p></div>',
        '<h3>Milestones</h3><ul class="milestones">',
    ]
    for m in r.milestones:
        word, mark = _STATUS_WORDS[m.status]
        out.append(
            f'<li class="{m.status.value}"><span class="badge" aria-label="{_e(word)}">'
            f"{mark} {_e(word)}</span> {_e(m.text)}</li>"
        )
    out.append("</ul>")
    out.append('<h3>What the log shows</h3><ul class="facts">')
    for text in (r.chain_text, r.prompting_text, r.initiation_text, r.ratio_text):
        out.append(f"<li>{_e(text)}</li>")
    out.append("</ul>")
    out.append(_ladder_chart(child, r))
    out.append(_outcomes_chart(child, r))
    out.append(_help_chart(r))
    out.append(_ratio_chart(r))
    out.append(_week_table(r))
    out.append("</section>")
    return "\n".join(out)


def _breaks_section(ind: ChildIndicators) -> str:
    out = ['<section class="breaks">', "<h2>Sensory breaks</h2>", f"<p>{_e(ind.breaks_text)}</p>"]
    if any(b.count for b in ind.break_weeks):
        out.append(_breaks_chart(ind.break_weeks))
    out.append("</section>")
    return "\n".join(out)


def _week_table(r: RoutineIndicators) -> str:
    rows = [
        "<details><summary>Week by week (for your OT)</summary>",
        '<div class="scroll"><table><thead><tr><th>Week</th><th>From</th><th>Sessions</th>'
        "<th>Help a session</th><th>Not yet a session</th><th>Started unasked</th>"
        "<th>Comments (descr. : dir.)</th></tr></thead><tbody>",
    ]
    for w in r.weeks:
        rows.append(
            f"<td>{w.week}</td><td>{_e(date_text(w.start))}</td><td>{w.sessions}</td>"
            f"<td>{_e(num_text(w.prompting))}</td><td>{_e(num_text(w.not_yet))}</td>"
            f"<td>{w.initiations}</td><td>{w.descriptive} : {w.directive}</td>"
        )
        rows[-1] = f"<tr>{rows[-1]}</tr>"
    rows.append("</tbody></table></div>")
    if r.events:
        rows.append('<ul class="events">')
        for e in r.events:
            what = (
                "took on one more step"
                if e.kind is EventKind.ADVANCED
                else "got help back with a step"
            )
            rows.append(
                f"<li>{_e(date_text(e.at))}: {what} (now from step {e.child_from_step})</li>"
            )
        rows.append("</ul>")
    rows.append("</details>")
    return "\n".join(rows)


# -- charts --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Frame:
    """The drawing area of one chart, in SVG user units (the viewBox scales it to the page)."""

    width: float = 400
    height: float = 180
    left: float = 30
    right: float = 8
    top: float = 10
    bottom: float = 30

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def base(self) -> float:
        return self.top + self.plot_h

    def slot(self, n: int) -> float:
        return self.plot_w / max(n, 1)

    def cx(self, i: int, n: int) -> float:
        """Centre of slot `i` of `n` along the x axis."""
        return self.left + (i + 0.5) * self.slot(n)

    def y(self, value: float, top: float) -> float:
        return self.base - (value / top) * self.plot_h if top else self.base


FRAME = _Frame()


def _figure(kind: str, title: str, caption: str, body: str, legend: str = "") -> str:
    f = FRAME
    return (
        f'<figure class="chart" data-chart="{kind}">'
        f"<figcaption><strong>{_e(title)}</strong> {_e(caption)}</figcaption>{legend}"
        f'<svg viewBox="0 0 {f.width:g} {f.height:g}" role="img" aria-label="{_e(title)}">'
        f"<title>{_e(title)}</title>{body}</svg></figure>"
    )


def _legend(items: Sequence[tuple[str, str]]) -> str:
    keys = "".join(f'<span><i class="key {cls}"></i>{_e(label)}</span>' for cls, label in items)
    return f'<p class="legend">{keys}</p>'


def _y_axis(top: float, ticks: Sequence[float], label: Callable[[float], str] = str) -> str:
    f = FRAME
    out = []
    for t in ticks:
        y = f.y(t, top)
        out.append(
            f'<line class="grid" x1="{f.left:g}" x2="{f.width - f.right:g}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{f.left - 4:g}" y="{y + 3.5:.1f}" text-anchor="end">'
            f"{_e(label(t))}</text>"
        )
    return "".join(out)


def _week_ticks(weeks: Sequence[int]) -> str:
    """Week labels under per-slot charts: at the first slot of a week, thinned to fit."""
    f = FRAME
    n = len(weeks)
    starts = [i for i, w in enumerate(weeks) if i == 0 or w != weeks[i - 1]]
    every = next(k for k in (1, 2, 4, 8, 13, 26, 52, 10**9) if len(starts) / k <= 8)
    out = [
        f'<line class="axis" x1="{f.left:g}" x2="{f.width - f.right:g}" '
        f'y1="{f.base:.1f}" y2="{f.base:.1f}"/>'
    ]
    for i in starts:
        x = f.left + i * f.slot(n)
        # Labels start at their tick: one too near the right edge would be cut off.
        if (weeks[i] - 1) % every or x > f.width - f.right - 30:
            continue
        out.append(
            f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{f.base:.1f}" '
            f'y2="{f.base + 4:.1f}"/>'
            f'<text class="tick" x="{x:.1f}" y="{f.base + 15:.1f}">wk {weeks[i]}</text>'
        )
    out.append(
        f'<text class="tick" x="{f.width - f.right:g}" y="{f.height - 2:g}" '
        f'text-anchor="end">week</text>'
    )
    return "".join(out)


def _int_scale(top: float) -> tuple[int, list[float]]:
    """An axis top at or above `top`, on a whole-number tick step, and its ticks (about 5)."""
    step = max(1, math.ceil(top / 5))
    axis_top = max(step, math.ceil(top / step) * step)
    return axis_top, [float(t) for t in range(0, axis_top + 1, step)]


def _ladder_chart(child: str, r: RoutineIndicators) -> str:
    f, pts = FRAME, r.sessions
    n = len(pts)
    top, ticks = _int_scale(max(p.steps_total for p in pts))
    slot = f.slot(n)
    d = []
    for i, p in enumerate(pts):
        x0, y = f.left + i * slot, f.y(p.child_steps, top)
        d.append(f"{'M' if i == 0 else 'L'}{x0:.1f},{y:.1f}H{x0 + slot:.1f}")
    body = [_y_axis(top, ticks, lambda t: f"{t:g}"), _week_ticks([p.week for p in pts])]
    body.append(f'<path class="mark ladder" d="{"".join(d)}"/>')
    for e in r.events:
        # An event is announced at the end of its session: mark the boundary it falls on.
        i = sum(1 for p in pts if p.started_at <= e.at)
        x, y = f.left + i * slot, f.y(r.steps_total - e.child_from_step + 1, top)
        cls = "up" if e.kind is EventKind.ADVANCED else "down"
        body.append(f'<circle class="mark event {cls}" cx="{x:.1f}" cy="{y:.1f}" r="3.5"/>')
    caption = (
        f"How many steps {child} does, session by session (out of {r.steps_total}); dots mark "
        "a step taken on or given back."
    )
    legend = _legend([("up", "took on a step"), ("down", "got help back")])
    return _figure("ladder", "Chain ladder", caption, "".join(body), legend)


MAX_BARS = 120
"""Per-session bar charts show at most this many recent sessions: more would be under a pixel
each on a phone (about half a year of daily practice)."""


def _recent(pts: Sequence[SessionPoint]) -> tuple[Sequence[SessionPoint], str]:
    """The sessions a bar chart shows, and a note when older ones were left out."""
    if len(pts) <= MAX_BARS:
        return pts, ""
    return pts[-MAX_BARS:], f" The last {MAX_BARS} of {len(pts)} sessions."


def _outcomes_chart(child: str, r: RoutineIndicators) -> str:
    f = FRAME
    pts, note = _recent(r.sessions)
    n = len(pts)
    top, ticks = _int_scale(max(p.steps_total for p in pts))
    width = max(f.slot(n) * 0.75, 0.8)
    body = [_y_axis(top, ticks, lambda t: f"{t:g}"), _week_ticks([p.week for p in pts])]
    for i, p in enumerate(pts):
        x = f.cx(i, n) - width / 2
        base = 0
        for cls, value in (
            ("done", p.child_done),
            ("notyet", p.child_not_yet),
            ("parent", p.parent_steps),
        ):
            if value:
                y0, y1 = f.y(base + value, top), f.y(base, top)
                body.append(
                    f'<rect class="mark {cls}" x="{x:.2f}" y="{y0:.1f}" width="{width:.2f}" '
                    f'height="{y1 - y0:.1f}"><title>{_e(_session_tip(p))}</title></rect>'
                )
                base += value
    legend = _legend(
        [("done", f"{child} on their own"), ("notyet", "not yet"), ("parent", "you did")]
    )
    caption = f"Steps per session, by who did them.{note}"
    return _figure("outcomes", "Each session", caption, "".join(body), legend)


def _help_chart(r: RoutineIndicators) -> str:
    f, weeks = FRAME, r.weeks
    n = len(weeks)
    top_tick, ticks = _int_scale(max((w.prompting or 0.0) for w in weeks))
    body = [
        _y_axis(top_tick, ticks, lambda t: f"{t:g}"),
        _week_ticks([w.week for w in weeks]),
    ]
    d, pen_down = [], False
    dots = []
    for i, w in enumerate(weeks):
        if w.prompting is None:
            pen_down = False  # a week without finished sessions leaves a gap in the line
            continue
        x, y = f.cx(i, n), f.y(w.prompting, top_tick)
        d.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
        pen_down = True
        dots.append(
            f'<circle class="mark dot" cx="{x:.1f}" cy="{y:.1f}" r="2.5"><title>week {w.week}: '
            f"{_e(num_text(w.prompting))} steps of help a session</title></circle>"
        )
    if d:
        body.append(f'<path class="mark line" d="{"".join(d)}"/>')
    body += dots
    return _figure(
        "help",
        "Help per week",
        'Average steps of help a session (steps you did plus "not yet"); lower is better.',
        "".join(body),
    )


def _ratio_chart(r: RoutineIndicators) -> str:
    f = FRAME
    pts, note = _recent(r.sessions)
    counted = [p for p in pts if p.descriptive or p.directive]
    if not counted:
        return '<p class="nochart">No comments counted yet, so no 4:1 chart.</p>'
    n = len(pts)
    ratios = [p.ratio for p in counted if p.ratio is not None]
    top = float(max(6, min(12, math.ceil(max(ratios, default=6.0)))))
    width = max(f.slot(n) * 0.75, 0.8)
    body = [
        _y_axis(top, [0, 2, 4, 6, 8, 10, 12][: int(top // 2) + 1], lambda t: f"{t:g}"),
        _week_ticks([p.week for p in pts]),
    ]
    for i, p in enumerate(pts):
        if not (p.descriptive or p.directive):
            continue
        # No directive comments at all is the best case: draw it at the top, marked "all".
        value, cls = (top, "ratio all") if p.ratio is None else (min(p.ratio, top), "ratio")
        y = f.y(value, top)
        tip = f"{p.descriptive} descriptive, {p.directive} directive"
        body.append(
            f'<rect class="mark {cls}" x="{f.cx(i, n) - width / 2:.2f}" y="{y:.1f}" '
            f'width="{width:.2f}" height="{max(f.base - y, 0.8):.1f}"><title>{_e(tip)}</title>'
            "</rect>"
        )
    y4 = f.y(4, top)
    body.append(
        f'<line class="target" x1="{f.left:g}" x2="{f.width - f.right:g}" y1="{y4:.1f}" '
        f'y2="{y4:.1f}"/><text class="tick target-label" x="{f.width - f.right - 2:g}" '
        f'y="{y4 - 3:.1f}" text-anchor="end">aim 4:1</text>'
    )
    return _figure(
        "ratio",
        "4:1 comments",
        f"Descriptive comments for each instruction, per session; the line is the aim.{note}",
        "".join(body),
        _legend([("ratio", "descriptive per directive"), ("target-key", "aim")]),
    )


def _breaks_chart(weeks: Sequence[BreakWeek]) -> str:
    f = FRAME
    n = len(weeks)
    top_tick, ticks = _int_scale(max(w.count for w in weeks))
    width = max(f.slot(n) * 0.6, 0.8)
    body = [
        _y_axis(top_tick, ticks, lambda t: f"{t:g}"),
        _week_ticks([w.week for w in weeks]),
    ]
    for i, w in enumerate(weeks):
        if not w.count:
            continue
        y = f.y(w.count, top_tick)
        body.append(
            f'<rect class="mark break" x="{f.cx(i, n) - width / 2:.2f}" y="{y:.1f}" '
            f'width="{width:.2f}" height="{f.base - y:.1f}"><title>week {w.week}: '
            f"{_e(count_text(w.count, 'break'))}, {_e(num_text(w.minutes))} minutes</title></rect>"
        )
    return _figure("breaks", "Breaks per week", "Sensory breaks logged each week.", "".join(body))


def _session_tip(p: SessionPoint) -> str:
    return (
        f"{date_text(p.started_at)}: {p.child_done} on their own, {p.child_not_yet} not yet, "
        f"{p.parent_steps} by you" + ("" if p.complete else " (stopped early)")
    )


# -- page ----------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; --ink: #1f2328; --muted: #57606a; --line: #d0d7de;
  --done: #2e7d32; --notyet: #e69500; --parent: #a0a7b0; --accent: #1d5fae;
  --up: #2e7d32; --down: #c2410c; --target: #b42318; --break: #6f42c1; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 46rem; padding: 1rem; color: var(--ink); background: #fff;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
h1 { font-size: 1.6rem; margin: 0.2rem 0; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.2rem; border-top: 2px solid var(--line);
  padding-top: 1rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.3rem; }
.meta, .note, figcaption, .legend, footer, .nochart { color: var(--muted); font-size: 0.9rem; }
.note { margin-top: 0.3rem; }
.toc { padding-left: 1.2rem; }
a { color: var(--accent); }
.review { border-left: 4px solid var(--accent); background: #f3f7fc; padding: 0.2rem 0.8rem;
  margin: 0.8rem 0; border-radius: 4px; }
.review.adjust { border-color: var(--target); background: #fdf3f2; }
.review.irregular, .review.too_early { border-color: var(--parent); background: #f6f8fa; }
.review.mastered, .review.changing { border-color: var(--done); background: #f1f8f2; }
ul.milestones, ul.facts { padding-left: 1.1rem; }
ul.milestones { list-style: none; padding-left: 0; }
ul.milestones li { margin: 0.4rem 0; }
.badge { display: inline-block; min-width: 6.5rem; font-size: 0.8rem; font-weight: 600;
  border-radius: 999px; padding: 0 0.5rem; background: #eef1f4; color: var(--muted); }
.met .badge { background: #e3f2e5; color: var(--done); }
.not_met .badge { background: #fff1db; color: #8a5300; }
figure.chart { margin: 1.2rem 0; }
figure.chart svg { display: block; width: 100%; height: auto; max-width: 40rem;
  overflow: visible; }
.legend span { margin-right: 0.9rem; white-space: nowrap; }
.key { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.3em;
  vertical-align: -0.05em; border-radius: 2px; }
.key.done, rect.done { fill: var(--done); background: var(--done); }
.key.notyet, rect.notyet { fill: var(--notyet); background: var(--notyet); }
.key.parent, rect.parent { fill: var(--parent); background: var(--parent); }
.key.up, circle.up { fill: var(--up); background: var(--up); }
.key.down, circle.down { fill: var(--down); background: var(--down); }
.key.ratio, rect.ratio { fill: var(--accent); background: var(--accent); }
rect.ratio.all { fill: #5b8fd1; }
.key.target-key { background: var(--target); height: 0.2em; vertical-align: 0.25em; }
rect.break { fill: var(--break); }
circle.event { stroke: #fff; stroke-width: 1; }
path.ladder { fill: none; stroke: var(--accent); stroke-width: 2.5; stroke-linejoin: round; }
path.line { fill: none; stroke: var(--accent); stroke-width: 2; }
circle.dot { fill: var(--accent); }
line.grid { stroke: #eaeef2; stroke-width: 1; }
line.axis { stroke: #8c959f; stroke-width: 1; }
line.target { stroke: var(--target); stroke-width: 1.5; stroke-dasharray: 5 3; }
text.tick { font-size: 10px; fill: var(--muted); font-family: system-ui, sans-serif; }
text.target-label { fill: var(--target); font-weight: 600; paint-order: stroke;
  stroke: #fff; stroke-width: 3px; }
details { margin: 1rem 0; }
summary { cursor: pointer; color: var(--accent); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85rem; margin-top: 0.5rem; }
th, td { border-bottom: 1px solid var(--line); padding: 0.2rem 0.5rem; text-align: right; }
th { text-align: left; vertical-align: bottom; }
footer { margin-top: 2.5rem; border-top: 1px solid var(--line); padding-top: 0.6rem; }
@media print { details { display: block; } figure.chart { break-inside: avoid; } }
"""


def _page(title: str, body: str) -> str:
    # The CSP allows inline styles only: no scripts, fonts, images or connections at all.
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">\n"
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n"
        "</body>\n</html>\n"
    )


def _title(r: RoutineIndicators, titles: Mapping[str, str]) -> str:
    return titles.get(r.playbook, r.playbook)


def _anchor(playbook: str) -> str:
    # Playbook ids are lowercase letters, digits and hyphens; anything else becomes "-".
    return "routine-" + "".join(c if c.isalnum() or c == "-" else "-" for c in playbook)


def _e(text: str) -> str:
    return escape(text, quote=True)


__all__ = ["render_indicators", "render_report"]
