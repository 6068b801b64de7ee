"""A household's own words, added to the shipped intents: `$OT_ASSISTANT_HOME/words/<lang>.yaml`.

Measured on unseen households (README, "How well it does"), most of what the matcher misses is
a household's own words: a dialect word ("laal un" for little one), a sibling's name. No
shipped list can know them all, so a parent or OT writes them down::

    local_words:
      laal un: little one
    names: [arlo, tilly]

`local_words` are read as the English they mean, as the shipped file's are (a household entry
replaces a shipped one heard the same). `names` are people other than the child: a command
after one is said to them ("arlo skip it"). The file is validated like the shipped one: every
problem names the file and the field, and a broken file stops the command with one sentence.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .datafile import Checker, UnreadableData, read_yaml
from .errors import IntentsError
from .intents import IntentPhrases, local_words_of, word_list_of


def household_words_file(lang: str, home: Path) -> Path:
    """Where the household's words of `lang` live under the data folder `home`."""
    return home / "words" / f"{lang}.yaml"


def with_household_words(phrases: IntentPhrases, path: Path) -> IntentPhrases:
    """`phrases` with the household's words in `path` added (`phrases` itself with no file);
    IntentsError naming every problem when the file is invalid."""
    if not path.is_file():
        return phrases
    try:
        data = read_yaml(path)
    except UnreadableData as exc:
        raise IntentsError(f"The household words {exc}.", (str(exc),)) from exc
    if data is None:
        return phrases  # a file begun with nothing in it yet (or only comments)
    check = Checker(path)
    top = check.mapping(data, "", required=set(), optional={"local_words", "names"})
    local: tuple[tuple[str, str], ...] = ()
    names: tuple[str, ...] = ()
    if top is not None:
        local = local_words_of(top.get("local_words", {}), check)
        names = word_list_of(top.get("names", []), "names", check)
        for i, name in enumerate(names):
            if " " in name:
                check.add(f"names[{i}]", "should be one word (a name someone is called by)")
    if check.problems or top is None:
        raise IntentsError(f"{check.summary('household words file')}.", tuple(check.problems))
    heard = {h for h, _ in local}
    shipped = tuple(pair for pair in phrases.local_words if pair[0] not in heard)
    known = set(phrases.words.names)
    added = tuple(n for n in names if n not in known)
    return replace(
        phrases,
        local_words=shipped + local,
        words=replace(phrases.words, names=(*phrases.words.names, *added)),
    )
