"""Render a sample progress report and photograph it in headless Chromium at phone size.

Run: ``python benchmarks/report_screenshot.py [--out DIR] [--width 412] [--height 900]``.
It writes ``report.html`` (a synthetic 12-week history of two routines: one improving, one
flat despite regular practice) and ``report.png`` into DIR (default: a new temporary
folder), and prints the PNG's path. Needs Debian's ``chromium``
(``apt-get install chromium``). Nothing is fetched: the page is self-contained.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the histories
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from histories import DAY, T0, WEEK, days_per_week, flat_child, improving, simulate

from assistant.report import render_report

TITLES = {"toothbrushing": "Brushing teeth", "socks-and-shoes": "Socks & shoes"}

# Flags that keep headless Chromium off the network and out of the user's profile.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def sample_report() -> str:
    """Sam: brushing teeth improving over 12 weeks; socks and shoes flat, 4 times a week."""
    history = improving()
    simulate(
        history, "socks-and-shoes", 6, days_per_week([0, 2, 4, 5]), flat_child, lambda i: (3, 2)
    )
    return render_report(
        history.child,
        history.sessions,
        history.outcomes,
        history.events,
        now=T0 + 12 * WEEK + DAY,
        initiations=history.initiations,
        breaks=history.breaks,
        titles=TITLES,
    )


def screenshot(html: Path, png: Path, width: int, height: int) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium is not installed: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="ot-report-profile-") as profile:
        subprocess.run(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                f"--window-size={width},{height}",
                html.as_uri(),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, help="folder for report.html and report.png")
    parser.add_argument("--width", type=int, default=412)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()
    out: Path = args.out or Path(tempfile.mkdtemp(prefix="ot-report-"))
    out.mkdir(parents=True, exist_ok=True)
    html, png = out / "report.html", out / "report.png"
    html.write_text(sample_report(), encoding="utf-8")
    screenshot(html, png, args.width, args.height)
    print(png)


if __name__ == "__main__":
    main()
