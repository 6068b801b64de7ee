"""Spoken durations -> seconds, for English recogniser text ("two and a half minutes" -> 150).

Vosk writes numbers as words, so the timer needs its own words-to-number step (Mycroft/OVOS
convert words to numbers first; Rhasspy and Home Assistant spell "and a half" out as template
rules). This module does the conversion on the word list the matcher already has, and says
*where* the duration is, so the matcher can cut that span out, match the rest ("start a ...
timer") against the phrases and put the number in the `seconds` slot.

What it reads, with digits allowed wherever a number word is:

- a number and a unit: "five minutes", "ninety seconds", "an hour", "7 minute", "a wee minute";
- "a couple of minutes" (two);
- halves: "two and a half minutes", "a minute and a half", "half a minute", "half an hour",
  "two point five minutes", "one and half minute";
- quarters of an hour: "a quarter of an hour", "three quarters of an hour";
- parts from larger to smaller units: "two minutes and thirty seconds", "1 hour 15 minutes";
- a bare number after minutes or hours: "two minutes thirty", "one hour fifteen";
- a word heard for a number right before a unit: "to minutes" (two), "tree minutes", "for
  minute" (four, before one unit only).

A number with no unit ("set a timer for ten") is not a duration: guessing the unit is how
"twelve" became a two-minute timer in speech-to-phrase (#13). Everything here is pure.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)

_ONES = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "twa": 2,  # Scots ("add twa minutes")
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_UNITS = {
    "second": 1,
    "seconds": 1,
    "sec": 1,
    "secs": 1,
    "minute": 60,
    "minutes": 60,
    "min": 60,
    "mins": 60,
    "hour": 3600,
    "hours": 3600,
}
ARTICLES = frozenset({"a", "an"})
"""What stands for "one" before a unit ("a minute") and opens a restated number ("a four")."""
# What a recogniser writes for a number that is not a number word ("add to minutes", "a timer
# for tree minutes", "start a for minute break"): read as the number only right before a unit,
# where nothing else is meant ("for" only before one unit, as "for minutes" is said of time).
_HEARD = {"to": 2, "too": 2, "tree": 3, "fine": 5, "fire": 5, "fife": 5, "tin": 10, "dirty": 30}
_HEARD_BEFORE_ONE = {"for": 4, "fore": 4}
_ONE_UNIT = frozenset({"second", "sec", "minute", "min", "hour"})
_SMALL = frozenset({"wee", "little", "quick"})  # "a wee minute" is a minute
NUMBER_WORDS = frozenset({*_ONES, *_TEENS, *_TENS, *_UNITS, "half", "and", "couple", "point"})
COUNTS = frozenset({*_ONES, *_TEENS, *_TENS})
"""Words that are a number by themselves ("four", "twenty"), without units."""
"""Words a duration is made of: never rewritten as a sound-alike of a command word."""
MAX_SECONDS = 24 * 3600
"""Longer is not a timer anyone at the sink means: such text is not read as a duration."""
_MAX_DIGITS = 5  # bounds int() on hostile input; 99999 seconds is already past a day


@dataclass(frozen=True, slots=True)
class Duration:
    """A duration found in a word list."""

    start: int
    """Index of its first word."""
    end: int
    """Index after its last word."""
    seconds: int
    """Length, in whole seconds (> 0)."""


def parse_duration(text: str) -> int | None:
    """Seconds when all of `text` (lowercase words) is one duration, else None."""
    words = text.split()
    found = find_duration(words)
    if found is None or found.start != 0 or found.end != len(words):
        return None
    return found.seconds


def find_duration(words: Sequence[str]) -> Duration | None:
    """The first duration in `words`, taken as long as it goes; None when there is none."""
    if _UNITS.keys().isdisjoint(words):
        return None  # every duration names its unit: most utterances are turned down here
    for start in range(len(words)):
        parsed = _duration_at(words, start)
        if parsed is not None:
            seconds, end = parsed
            if 0 < seconds <= MAX_SECONDS:
                return Duration(start, end, seconds)
    return None


def _duration_at(words: Sequence[str], i: int) -> tuple[int, int] | None:
    """(seconds, end) of the duration starting exactly at `i`."""
    first = _part_at(words, i)
    if first is None:
        return None
    total, unit, end = first
    # Further parts must use smaller units ("1 hour 15 minutes"), so "five minutes and five
    # minutes" stops after the first part rather than adding them up.
    while end < len(words):
        nxt = end + 1 if words[end] == "and" else end
        part = _part_at(words, nxt)
        if part is None or part[1] >= unit:
            break
        total, unit, end = total + part[0], part[1], part[2]
    if unit >= 60 and end < len(words):
        # "two minutes thirty", "one hour fifteen": a bare number counts in the next unit down.
        number = _number_at(words, end)
        if number is not None and (number[1] >= len(words) or words[number[1]] not in _UNITS):
            value, after = number
            if 0 < value < 60:
                total, end = total + value * (unit // 60), after
    return total, end


def _part_at(words: Sequence[str], i: int) -> tuple[int, int, int] | None:
    """(seconds, unit, end) of one number-and-unit part starting at `i`."""
    if i >= len(words):
        return None
    quarter = _quarters_at(words, i)
    if quarter is not None:
        return quarter
    if words[i] == "half" and i + 2 < len(words) and words[i + 1] in ARTICLES:
        unit = _UNITS.get(words[i + 2])
        if unit is not None:  # "half a minute", "half an hour"
            return unit // 2, unit, i + 3
        return None
    couple = _couple_at(words, i)
    if couple is not None:
        count, j = 2, couple  # "a couple of minutes", "couple minutes"
    elif words[i] in ARTICLES:
        count, j = 1, i + 1  # "a minute", "an hour"
        if j + 1 < len(words) and words[j] in _SMALL and words[j + 1] in _ONE_UNIT:
            j += 1  # "a wee minute", "a quick second"
    elif words[i] in _UNITS and _and_a_half(words, i + 1):
        count, j = 1, i  # "minute and a half timer": the article left out
    else:
        number = _number_at(words, i)
        if number is None:
            return None
        count, j = number
    halves = 0
    if half := _and_a_half(words, j):  # "two and a half minutes"
        halves, j = 1, j + half
    elif tuple(words[j : j + 2]) == ("point", "five"):  # "two point five minutes"
        halves, j = 1, j + 2
    unit = _UNITS.get(words[j]) if j < len(words) else None
    if unit is None:
        return None
    j += 1
    if not halves and (half := _and_a_half(words, j)):  # "a minute and a half"
        halves, j = 1, j + half
    return count * unit + halves * unit // 2, unit, j


def _quarters_at(words: Sequence[str], i: int) -> tuple[int, int, int] | None:
    """(seconds, unit, end) of "a quarter of an hour", "three quarters of an hour", "quarter
    of an hour" at `i` (read whole, so "an hour" inside it is no hour)."""
    count, j = 1, i
    if words[j] in ARTICLES:
        j += 1
    elif words[j] != "quarter":
        number = _number_at(words, j)
        if number is None:
            return None
        count, j = number
    if j >= len(words) or words[j] not in ("quarter", "quarters"):
        return None
    j += 1
    if j < len(words) and words[j] == "of":
        j += 1
    if j < len(words) and words[j] in ARTICLES:
        j += 1
    unit = _UNITS.get(words[j]) if j < len(words) else None
    if unit is None or unit < 3600:  # quarters are of an hour
        return None
    return count * unit // 4, unit, j + 1


def _couple_at(words: Sequence[str], i: int) -> int | None:
    """Index after "a couple of" / "couple of" / "a couple" starting at `i`, else None."""
    j = i + 1 if words[i] == "a" else i
    if j >= len(words) or words[j] != "couple":
        return None
    j += 1
    return j + 1 if j < len(words) and words[j] == "of" else j


def _and_a_half(words: Sequence[str], i: int) -> int:
    """How many words "and a half" takes at `i` ("and half" as learners say it), else 0."""
    if tuple(words[i : i + 3]) in (("and", "a", "half"), ("and", "an", "half")):
        return 3
    return 2 if tuple(words[i : i + 2]) == ("and", "half") else 0


def _number_at(words: Sequence[str], i: int) -> tuple[int, int] | None:
    """(value, end) of a whole number 0..99 in words or digits starting at `i`."""
    if i >= len(words):
        return None
    word = words[i]
    if word.isascii() and word.isdigit():
        return (int(word), i + 1) if len(word) <= _MAX_DIGITS else None
    if word == "zero" and i + 1 < len(words) and words[i + 1] in _ONES:
        return _ONES[words[i + 1]], i + 2  # "zero five minutes", as a clock is read
    if word in _ONES:
        return _ONES[word], i + 1
    after = words[i + 1] if i + 1 < len(words) else ""
    if word in _HEARD and after in _UNITS:
        return _HEARD[word], i + 1
    if word in _HEARD_BEFORE_ONE and after in _ONE_UNIT:
        return _HEARD_BEFORE_ONE[word], i + 1
    if word in _TEENS:
        return _TEENS[word], i + 1
    if word in _TENS:
        if i + 1 < len(words) and words[i + 1] in _ONES and words[i + 1] != "zero":
            return _TENS[word] + _ONES[words[i + 1]], i + 2  # "twenty five"
        return _TENS[word], i + 1
    return None
