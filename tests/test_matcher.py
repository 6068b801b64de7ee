"""The intent matcher: commands are taken, talk aimed at the child is not."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.errors import IntentsError
from assistant.intents import CANONICAL, intents_file, load_intents
from assistant.matcher import Intent, IntentMatcher, Rejection
from assistant.session import ALLOWED, Phase
from assistant.text import expand


@pytest.fixture(scope="module")
def matcher() -> IntentMatcher:
    return IntentMatcher(load_intents(intents_file("en")))


OUTCOMES_AND_NEXT = frozenset({"done", "not_yet", "next"})


def reads_as(matcher: IntentMatcher, text: str, allowed: frozenset[str]) -> str | None:
    """The name of the intent `matcher` takes from `text` in `allowed`, or None."""
    found = matcher.match(text, allowed)
    return found.name if found else None


def test_every_canonical_intent_has_phrases() -> None:
    phrases = load_intents(intents_file("en")).phrases
    assert set(phrases) == set(CANONICAL)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Done.", "done"),
        ("all done", "done"),
        ("she did it", "done"),
        ("Not yet!", "not_yet"),
        ("nod yet", "not_yet"),
        ("he needed help", "not_yet"),
        ("next", "next"),
        ("next step please", "next"),
        ("say that again", "repeat"),
        ("go back", "previous"),
        ("skip this step", "skip"),
        ("hang on", "pause"),
        ("resume", "resume"),
        ("stop", "stop"),
        ("what can I say", "help"),
        ("start a timer", "timer_start"),
        ("how much time is left", "timer_status"),
        ("cancel the timer", "timer_cancel"),
    ],
)
def test_commands(matcher: IntentMatcher, text: str, intent: str) -> None:
    found = matcher.match(text)
    assert found is not None, text
    assert found.name == intent, text


@pytest.mark.parametrize(
    "text",
    [
        "are you done",
        "is it done yet",
        "good job you're done with the top teeth",
        "stop splashing",
        "you did it",
        "what did you have for breakfast",
        "the water is cold",
        "",
        "   ",
    ],
)
def test_chatter_is_no_intent(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text) is None, text


def test_context_limits_what_is_taken(matcher: IntentMatcher) -> None:
    assert matcher.match("done", allowed={"next", "repeat"}) is None
    assert matcher.match("done", allowed={"done"}) is not None


def test_a_near_miss_is_unsure_not_accepted(matcher: IntentMatcher) -> None:
    reading = matcher.read("dune")
    assert reading.intent is None
    assert reading.unsure is not None and reading.unsure.name == "done"


def test_a_phrase_under_two_intents_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "en.yaml"
    path.write_text(
        "language: en\nintents:\n  done: {phrases: [done]}\n  next: {phrases: [Done!]}\n"
        "  finish: {phrases: [x]}\n",
        encoding="utf-8",
    )
    with pytest.raises(IntentsError) as caught:
        load_intents(path)
    problems = caught.value.problems
    assert any("intents.finish: unknown field" in p for p in problems)
    assert any("'done' is also a phrase of done" in p for p in problems)


# -- negation, questions, talk to the child ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["not done", "she isn't finished", "he couldn't do it", "she didn't manage it", "Not yet!"],
)
def test_negation_flips_done_to_not_yet(matcher: IntentMatcher, text: str) -> None:
    found = matcher.match(text)
    assert found is not None and found.name == "not_yet", text
    # Where not yet is not taken, a negated done is still never done.
    assert matcher.read(text, allowed={"done", "next"}).intent is None


@pytest.mark.parametrize(
    "text",
    [
        "are you done",
        "is it done yet",
        "did you finish",
        "finished yet",
        "you're done",
        "well done",
        "good job you're done with the top teeth",
        "could you finish",
    ],
)
def test_questions_praise_and_requests_are_no_outcome(matcher: IntentMatcher, text: str) -> None:
    reading = matcher.read(text)
    assert reading.intent is None, text
    assert reading.unsure is None, text  # nothing to ask about either: it was not a report


def test_a_polite_request_still_reaches_other_commands(matcher: IntentMatcher) -> None:
    found = matcher.match("can you say that again")
    assert found is not None and found.name == "repeat"


def test_asking_to_have_time_is_a_request(matcher: IntentMatcher) -> None:
    found = matcher.match("can we have two more minutes on the timer")
    assert found is not None and found.name == "timer_add" and found.slots == {"seconds": 120}
    assert matcher.match("can i have a biscuit") is None


def test_a_listed_phrase_may_open_like_a_question(matcher: IntentMatcher) -> None:
    found = matcher.match("did it on her own")
    assert found is not None and found.name == "done"
    assert matcher.match("did she do it") is None


def test_a_fuzzy_done_needs_words_really_heard(matcher: IntentMatcher) -> None:
    found = matcher.match("its done")  # "done" was heard as it is
    assert found is not None and found.name == "done" and found.score < 1.0
    reading = matcher.read("donee")  # letters close to "done", but no word of a done phrase
    assert reading.intent is None and reading.unsure is not None


def test_a_swapped_word_is_not_a_command(matcher: IntentMatcher) -> None:
    # Letters are close ("water"/"timer"); words are not.
    assert matcher.match("stop the water") is None
    assert matcher.match("set the table") is None


# -- context ----------------------------------------------------------------------------------


def test_outside_the_allowed_intents_the_matcher_says_nothing(matcher: IntentMatcher) -> None:
    parent_step = {"next", "done", "repeat", "skip", "stop", "help", "pause", "previous"}
    for text in ("not yet", "nod yet", "he couldn't do it"):
        reading = matcher.read(text, parent_step)
        assert reading.intent is None and reading.unsure is None, text
        assert all(c.name in parent_step for c in reading.candidates)
    reading = matcher.read("dune", {"next", "repeat"})
    assert reading.intent is None and reading.unsure is None


# -- durations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("five minutes", 300),
        ("ninety seconds", 90),
        ("two and a half minutes", 150),
        ("a minute and a half", 90),
        ("two minutes thirty", 150),
        ("seven minute timer", 420),
        ("start a 5 minute timer", 300),
        ("Set a timer for 2 minutes, please.", 120),
    ],
)
def test_a_spoken_duration_fills_the_seconds_slot(
    matcher: IntentMatcher, text: str, seconds: int
) -> None:
    found = matcher.match(text)
    assert found is not None and found.name == "timer_start", text
    assert found.slots == {"seconds": seconds}
    assert json.loads(json.dumps(found.slots)) == {"seconds": seconds}  # plain for `parse`


def test_no_duration_no_slot(matcher: IntentMatcher) -> None:
    found = matcher.match("start a timer")
    assert found is not None and found.name == "timer_start" and found.slots == {}
    # A duration inside another command stays that command.
    found = matcher.match("wait a minute")
    assert found is not None and found.name == "pause" and found.slots == {}


# -- what the recogniser adds -----------------------------------------------------------------


def test_low_confidence_holds_back_an_outcome_as_a_question(matcher: IntentMatcher) -> None:
    reading = matcher.read("done", confidence=0.5)
    assert reading.intent is None
    assert reading.unsure is not None and reading.unsure.name == "done"
    assert reading.rejected == Rejection.CONFIDENCE
    assert matcher.read("done", confidence=0.95).intent is not None
    # Other commands cost less when wrong: only a very unsure one is dropped.
    assert matcher.read("next", confidence=0.5).intent is not None
    assert matcher.read("next", confidence=0.2).intent is None


def test_alternatives_only_ever_hold_an_outcome_back(matcher: IntentMatcher) -> None:
    contradicted = matcher.read("done", alternatives=["not done"])
    assert contradicted.intent is None and contradicted.unsure is not None
    assert contradicted.rejected == Rejection.ALTERNATIVES
    assert matcher.read("done", alternatives=["are you done"]).intent is None
    assert matcher.read("not yet", alternatives=["all done"]).intent is None
    agreed = matcher.match("done") == matcher.read("done", alternatives=["dun", "done"]).intent
    assert agreed
    # An alternative never adds an intent.
    assert matcher.read("what a mess", alternatives=["done", "all done"]).intent is None


# -- the intents file -------------------------------------------------------------------------


def test_templates_expand_choices_and_optional_words() -> None:
    assert expand("(she|he) did it [all] by (herself|himself)") == [
        "she did it all by herself",
        "she did it all by himself",
        "she did it by herself",
        "she did it by himself",
        "he did it all by herself",
        "he did it all by himself",
        "he did it by herself",
        "he did it by himself",
    ]
    assert expand("done") == ["done"]
    for broken in ("(a|b", "a)", "[a", "a|b"):
        with pytest.raises(ValueError):
            expand(broken)


def test_an_invalid_intents_file_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "en.yaml"
    path.write_text(
        "language: en\n"
        "words: {negations: [not], colours: [red]}\n"
        "intents:\n"
        "  done: {phrases: ['(all|', 'done in {duration}']}\n"
        "  timer_start: {phrases: ['{duration} timer', '{minutes} timer']}\n",
        encoding="utf-8",
    )
    with pytest.raises(IntentsError) as caught:
        load_intents(path)
    problems = caught.value.problems
    assert any("words.colours: unknown field" in p for p in problems)
    assert any("intents.done.phrases[0]: is missing a ')'" in p for p in problems)
    assert any("intents.done.phrases[1]: uses {duration}" in p for p in problems)
    assert any("intents.timer_start.phrases[1]: uses {minutes}" in p for p in problems)
    assert not any("phrases[0]" in p and "timer_start" in p for p in problems)


def test_a_file_with_phrases_only_still_works(tmp_path: Path) -> None:
    # Another language's file may have no word lists and no durations: exact and fuzzy
    # matching, context and the confidence rules still apply.
    path = tmp_path / "ko.yaml"
    path.write_text(
        "language: ko\nintents:\n  done: {phrases: [완료]}\n  not_yet: {phrases: [아직]}\n"
        "  next: {phrases: [다음]}\n  timer_start: {phrases: [타이머 시작]}\n",
        encoding="utf-8",
    )
    ko = IntentMatcher(load_intents(path))
    assert ko.match("완료") == Intent("done", {}, 1.0)
    assert ko.match("완료", allowed={"next"}) is None
    assert ko.read("완료", confidence=0.3).unsure is not None
    found = ko.match("타이머 시작")
    assert found is not None and found.slots == {}


# -- sound-alikes (round 3) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heard", "word"),
    [("paws", "pause"), ("bag", "back"), ("stab", "step"), ("knot", "not"), ("dun", "done")],
)
def test_sound_key_hears_alike(heard: str, word: str) -> None:
    from assistant.matcher import _sound_key

    assert _sound_key(heard) == _sound_key(word)


@pytest.mark.parametrize(
    ("text", "intent", "allowed"),
    [
        ("paws", "pause", None),
        ("go bag", "previous", None),
        ("un pause", "resume", "paused"),
        ("paws the timer", "timer_pause", "paused"),
    ],
)
def test_a_sound_alike_reads_as_the_command(
    matcher: IntentMatcher, text: str, intent: str, allowed: str | None
) -> None:
    from assistant.session import ALLOWED_PAUSED

    got = matcher.match(text, ALLOWED_PAUSED if allowed else None)
    assert got is not None and got.name == intent


@pytest.mark.parametrize(
    "text",
    ["tun", "ton", "tin", "den", "all tin", "she's tun", "it's ton", "its tun", "dan dan", "tan"],
)
def test_a_sound_alike_never_makes_done(matcher: IntentMatcher, text: str) -> None:
    # "dun" sounds like "done", and so do these; only listed variants ("dun") may be done.
    got = matcher.match(text)
    assert got is None or got.name != "done"


@pytest.mark.parametrize(
    "text", ["wash your paws", "get your bag", "pass the soap", "hold my hand", "ten"]
)
def test_a_sound_alike_inside_chatter_is_still_chatter(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text) is None


def test_number_words_are_never_sound_alikes(matcher: IntentMatcher) -> None:
    assert matcher.match("add ten minutes") == Intent("timer_add", {"seconds": 600})
    assert matcher.match("start a timer for two minutes") == Intent("timer_start", {"seconds": 120})


def test_more_inside_a_duration(matcher: IntentMatcher) -> None:
    got = matcher.match("add two more minutes")
    assert got is not None and got.name == "timer_add" and got.slots == {"seconds": 120}
    assert matcher.match("five more minutes") is None  # to the child: no command around it


# -- frames: word classes in order -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("he got there on his own", "done"),
        ("she's completed that step", "done"),
        ("they managed the whole thing", "done"),
        ("done that", "done"),
        ("he did it with no help", "done"),
        ("she did it without any help", "done"),
        ("he needed a hand", "not_yet"),
        ("i gave her a hand", "not_yet"),
        ("he didn't get there on his own", "not_yet"),
        ("he couldn't quite manage it", "not_yet"),
        ("miss this one out", "skip"),
        ("scrap the timer", "timer_cancel"),
        ("put the timer on hold", "timer_pause"),
        ("set the timer going again", "timer_resume"),
        # Round 7: subject and outcome-report frames, navigation and timer frames.
        ("that's him finished", "done"),
        ("she's finished with that one", "done"),
        ("they got the whole thing done", "done"),
        ("we had to help her a lot", "not_yet"),
        ("i had to finish the rest of it for her", "not_yet"),
        ("he only did the first bit", "not_yet"),
        ("they lost interest", "not_yet"),
        ("nope she needed a bit of help", "not_yet"),
        ("take us back to the last one", "previous"),
        ("how much time remaining on the timer", "timer_status"),
        ("i'm confused what am i supposed to say", "help"),
        ("let's carry on where we left off", "resume"),
    ],
)
def test_frames_read_new_wordings(matcher: IntentMatcher, text: str, intent: str) -> None:
    found = matcher.match(text)
    assert found is not None and found.name == intent, text


@pytest.mark.parametrize(
    "text",
    [
        "did he get there on his own",  # a question
        "you got there on your own",  # to the child
        "well done you completed it",
        "he got there at school",  # content beyond the frame
        "he completed his puzzle",
        "no help from his brother",
        "don't scrap the timer",  # a negated command is nothing
        "could you get there on your own",  # a request is never an outcome
        "did he give up",
        "you gave up",
        "i had to do the washing for him",
        "she never needed help",
        "she didn't give up",
        "done and done you clever thing",
    ],
)
def test_frames_keep_the_word_rules(matcher: IntentMatcher, text: str) -> None:
    found = matcher.match(text)
    assert found is None or found.name != "done", text
    if "timer" in text:
        assert found is None, text


def test_frames_respect_the_context(matcher: IntentMatcher) -> None:
    assert matcher.match("he got there on his own", frozenset({"next", "stop"})) is None
    assert matcher.match("scrap the timer", frozenset({"next"})) is None


def test_an_invalid_frames_section_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "en.yaml"
    path.write_text(
        "language: en\n"
        "intents:\n  done: {phrases: [done]}\n"
        "frames:\n"
        "  classes: {verb: [did], Bad-Name: [x], empty: []}\n"
        "  rules:\n"
        "    - {intent: done, frame: '<verb> <nothing>'}\n"
        "    - {intent: finish, frame: '<verb>'}\n"
        "    - {intent: done, frame: '(<verb>'}\n"
        "    - {intent: done}\n"
        "  extra: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(IntentsError) as caught:
        load_intents(path)
    problems = caught.value.problems
    assert all(str(path) in p for p in problems), problems
    assert any("frames.extra: unknown field" in p for p in problems)
    assert any("frames.classes.Bad-Name" in p for p in problems)
    assert any("frames.classes.empty: a class needs at least one word" in p for p in problems)
    assert any("frames.rules[0].frame: unknown word class nothing" in p for p in problems)
    assert any("frames.rules[1].intent: 'finish' is not a canonical intent" in p for p in problems)
    assert any("frames.rules[2].frame: is missing a ')'" in p for p in problems)
    assert any("frames.rules[3].frame: is missing" in p for p in problems)


# -- round 8: keywords, report words, parts of a routine ---------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("let's move along", "next"),
        ("forget the timer", "timer_cancel"),
        ("don't need the timer any more", "timer_cancel"),
        ("let's wrap it up for today", "stop"),  # "today" is a filler, and a keyword here
        ("can we go back a step", "previous"),  # opens like a question, asked of us
        ("keep the timer going", "timer_resume"),
        ("how's the timer doing", "timer_status"),
        ("give me two secs", "pause"),
    ],
)
def test_keywords_read_commands_in_words_of_their_own(
    matcher: IntentMatcher, text: str, intent: str
) -> None:
    found = matcher.match(text)
    assert found is not None and found.name == intent, text


def test_keywords_fill_the_duration_slot(matcher: IntentMatcher) -> None:
    found = matcher.match("stick another five minutes on the timer")
    assert found is not None and (found.name, found.slots) == ("timer_add", {"seconds": 300})


@pytest.mark.parametrize(
    "text",
    ["can you help me", "can you help me out", "could you help me please"],
)
def test_help_asked_as_a_request_is_asked_of_a_person(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text) is None
    assert matcher.match("help me") == Intent("help", {}, 1.0)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("aye he did that himself", "done"),  # an opener
        ("she did it first go", "done"),  # a tail
        ("she's only gone and done it", "done"),  # an aside
        ("he did it no bother", "done"),  # "no" in it negates nothing
        ("he brushed them all himself", "done"),  # a routine's words between
        ("she got both socks on by herself", "done"),
        ("he tried but couldn't", "not_yet"),
        ("she had a go but i had to finish it off", "not_yet"),
    ],
)
def test_report_words_around_a_frame_change_nothing(
    matcher: IntentMatcher, text: str, intent: str
) -> None:
    found = matcher.match(text, frozenset({"done", "not_yet", "next"}))
    assert found is not None and found.name == intent, text


@pytest.mark.parametrize(
    "text",
    [
        "she only did it with help",  # "only" is a tail, never an aside
        "she kinda did it",
        "he got cross with himself",  # no routine word between
        "she wanted to do it by herself",
        "he brushed his hair before school by himself",
        "aye he didn't do that himself",
    ],
)
def test_report_words_never_make_a_done(matcher: IntentMatcher, text: str) -> None:
    found = matcher.match(text)
    assert found is None or found.name != "done", text


def test_a_not_phrase_needs_a_negation_heard(matcher: IntentMatcher) -> None:
    # By letters "yep all by herself" is close to "not all by herself"; no "not" was said.
    found = matcher.match("yep all by herself", frozenset({"done", "not_yet"}))
    assert found is None or found.name != "not_yet"
    found = matcher.match("not all by herself", frozenset({"done", "not_yet"}))
    assert found is not None and found.name == "not_yet"


def test_a_repeated_class_in_a_frame_is_bounded(matcher: IntentMatcher) -> None:
    many = " ".join(["the"] * 10)  # one `<routine_word>` and `_MAX_REPEAT` (8) more at most
    assert matcher.match(f"he brushed {many} himself") is None
    found = matcher.match("he brushed the the himself")
    assert found is not None and found.name == "done"


# -- round 9 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["well done", "well done you did it", "good girl well done"])
def test_praise_hidden_by_a_sound_alike_is_still_praise(matcher: IntentMatcher, text: str) -> None:
    # "well" sounds like "we'll": the words as said still hold the praise, never a done.
    found = matcher.match(text)
    assert found is None or found.name != "done", text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("well done she did it", "done"),
        ("good girl she did it", "done"),
        ("she did it herself well done", "done"),
        ("good boy he couldn't do it", "not_yet"),
        ("good girl you did it", None),
        ("well done mate you finished", None),
        ("well done is she finished", None),
    ],
)
def test_praise_around_a_report_of_the_child_leaves_the_report(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    # Round 18: "good girl she did it" speaks of the child to someone else; praise is said to
    # the child only when the child is not spoken of ("good girl you did it").
    assert reads_as(matcher, text, frozenset({"done", "not_yet"})) == intent, text


def test_a_saying_with_a_praise_word_in_it_praises_no_one(matcher: IntentMatcher) -> None:
    found = matcher.match("all good she did that herself", frozenset({"done", "not_yet"}))
    assert found is not None and found.name == "done"


@pytest.mark.parametrize(
    ("text", "intent"),
    [("not yet la", "not_yet"), ("not quite i'm afraid", "not_yet"), ("done innit", "done")],
)
def test_a_listed_phrase_with_report_words_around_it(
    matcher: IntentMatcher, text: str, intent: str
) -> None:
    found = matcher.match(text, frozenset({"done", "not_yet"}))
    assert found is not None and found.name == intent, text


def test_report_words_never_unlock_a_request(matcher: IntentMatcher) -> None:
    assert matcher.match("can you help me") is None  # no report word was taken off


def test_had_to_opens_no_question(matcher: IntentMatcher) -> None:
    found = matcher.match("had to help him out a bit", frozenset({"done", "not_yet"}))
    assert found is not None and found.name == "not_yet"
    assert matcher.match("had he done it", frozenset({"done", "not_yet"})) is None


@pytest.mark.parametrize("text", ["nearly done", "almost finished", "is it nearly done"])
def test_nearly_done_is_about_the_timer_only_when_the_timer_is_named(
    matcher: IntentMatcher, text: str
) -> None:
    assert matcher.match(text) is None
    found = matcher.match("is the timer nearly done")
    assert found is not None and found.name == "timer_status"


# -- round 11 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("kofi has finished it on his own", "done"),
        ("kofi's done it by himself", "done"),
        ("kofi needed help", "not_yet"),
    ],
)
def test_the_childs_name_is_a_subject(matcher: IntentMatcher, text: str, intent: str) -> None:
    outcomes = frozenset({"done", "not_yet"})
    found = matcher.read(text, outcomes, child="Kofi").intent
    assert found is not None and found.name == intent, text
    assert matcher.read(text, outcomes).intent is None  # a name it was not told is no one


@pytest.mark.parametrize("text", ["kofi you did it", "well done kofi", "kofi did it again"])
def test_the_childs_name_changes_no_word_rule(matcher: IntentMatcher, text: str) -> None:
    found = matcher.read(text, child="Kofi").intent
    assert found is None or found.name != "done", text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("he didn't do it i did it", "not_yet"),
        ("she couldn't get it so i helped her", "not_yet"),
        ("she had a meltdown and didn't do it", "not_yet"),
        ("that's done she did it herself", "done"),
        ("needed help his nan did the velcro", "not_yet"),  # a helper of the child's opens one
        ("not by himself his brother helped", "not_yet"),
        ("not quite she missed the back teeth", "not_yet"),  # a part missed
    ],
)
def test_two_reports_in_one(matcher: IntentMatcher, text: str, intent: str) -> None:
    found = matcher.match(text, frozenset({"done", "not_yet"}))
    assert found is not None and found.name == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hang on mum yeah she's done it", "done"),  # a word to someone else, then a report
        ("one sec babe he did it on his own", "done"),
        ("hang on jack set a timer for two minutes", "timer_start"),
        ("sorry mum hang on pause", "pause"),
        ("hang on love done", None),  # an outcome only as a report of the child
        ("hang on mum she did it yesterday", None),  # ...of this step
        ("sorry hon can you repeat that i was helping the baby", None),  # asked of them
        ("hang on what next step", None),  # "what" calls no one
        ("hang on zuri set a timer for two minutes", "timer_start"),  # a name no one knows...
        ("hang on zuri she did it herself", None),  # ...may not call anyone: no outcome
    ],
)
def test_what_follows_a_word_to_someone_else_is_read_alone(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, ALLOWED[Phase.CHILD_STEP]) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("she needed two verbal prompts to finish", "not_yet"),
        ("he did it with a gestural prompt", "not_yet"),
        ("needed full physical prompting", "not_yet"),
        ("i had to do hand over hand for that one", "not_yet"),
        ("he did it but only with hand over hand", "not_yet"),
        ("no prompts needed she nailed it", "done"),
        ("he didn't need me this time he did it", "done"),
        ("verbal prompts are the next thing to fade", None),  # talk about prompting
    ],
)
def test_levels_of_prompting_as_a_therapist_names_them(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, ALLOWED[Phase.CHILD_STEP]) == intent, text


@pytest.mark.parametrize(
    "text",
    [
        "nana did his shoes for him",
        "his brother helped",
        "his dad helped him with the buttons",
        "he's after giving up on the socks",  # Irish English: he has just given up
        "he did not do his apu did it",  # a grown-up of the household did it
    ],
)
def test_help_from_others_or_giving_up_is_not_yet(matcher: IntentMatcher, text: str) -> None:
    found = matcher.match(text, frozenset({"done", "not_yet"}))
    assert found is not None and found.name == "not_yet", text


@pytest.mark.parametrize(
    "text",
    [
        "she did it and then she cried",  # one part reads as nothing: no outcome
        "she did it but not on her own",
        "he did it himself but i helped",
        "she did it you helped",
    ],
)
def test_two_reports_never_make_a_done_from_a_doubt(matcher: IntentMatcher, text: str) -> None:
    found = matcher.match(text, frozenset({"done", "not_yet"}))
    assert found is None or found.name != "done", text


# -- round 12 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("could you mark that one as done", "done"),  # asking to log is telling the outcome
        ("can you log that as not yet", "not_yet"),
        ("hey could you skip this step for now", "skip"),  # a filler before the request
        ("hey could you cancel the break timer", "timer_cancel"),
    ],
)
def test_requests_to_log_or_after_a_filler(matcher: IntentMatcher, text: str, intent: str) -> None:
    found = matcher.match(text)
    assert found is not None and found.name == intent, text


@pytest.mark.parametrize(
    "text", ["could you do it by yourself", "can you mark your name on it", "could you finish it"]
)
def test_other_requests_are_still_no_outcome(matcher: IntentMatcher, text: str) -> None:
    found = matcher.match(text)
    assert found is None or found.name not in ("done", "not_yet"), text


@pytest.mark.parametrize("text", ["discontinue the timer", "unready", "disallow the break"])
def test_a_negating_prefix_is_never_snapped_away(matcher: IntentMatcher, text: str) -> None:
    # "discontinue" is close to "continue" by letters: read as it, it would resume the timer.
    found = matcher.match(text)
    assert found is None or found.name not in ("timer_resume", "resume", "timer_start"), text


# -- round 14 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "she did it herself i'm afraid not",
        "she did it herself sadly not",
        "aye she didn't do it herself",
        "she did it herself innit not",
    ],
)
def test_a_negation_is_never_hidden_by_report_words(matcher: IntentMatcher, text: str) -> None:
    found = matcher.match(text, frozenset({"done", "not_yet"}))
    assert found is None or found.name != "done", text


def refused(tmp_path: Path, text: str) -> tuple[str, ...]:
    """The problems the loader lists for an intents file of `text` (it must refuse it)."""
    path = tmp_path / "en.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IntentsError) as caught:
        load_intents(path)
    return caught.value.problems


def test_report_words_with_a_negation_are_refused(tmp_path: Path) -> None:
    problems = refused(
        tmp_path,
        "language: en\n"
        "intents:\n  done: {phrases: [done]}\n"
        'words:\n  negations: [not, "isn\'t"]\n'
        'frames:\n  tails: [innit, "i\'m afraid not", "isn\'t it"]\n',
    )
    assert any('frames.tails: "i\'m afraid not" has a negation' in p for p in problems), problems
    assert any('frames.tails: "isn\'t it" has a negation' in p for p in problems), problems
    assert len(problems) == 2, problems


def test_an_entry_listed_twice_in_one_list_is_refused(tmp_path: Path) -> None:
    problems = refused(
        tmp_path,
        "language: en\n"
        "intents:\n  done: {phrases: [done]}\n  next: {phrases: [next]}\n"
        "frames:\n  tails: [innit, eh, Innit]\n"
        "keywords:\n  rules:\n    - {intent: next, need: [next], may: [step, now, step]}\n",
    )
    assert any("frames.tails[2]: 'Innit' is listed twice" in p for p in problems), problems
    assert any("keywords.rules[0].may[2]: 'step' is listed twice" in p for p in problems), problems
    assert len(problems) == 2, problems


# -- round 18 ------------------------------------------------------------------------------------


def test_an_everyday_word_is_read_as_itself() -> None:
    # "brekkie" is close to "break" by letters; listed in words.everyday it stays itself.
    loaded = load_intents(intents_file("en"))
    assert "brekkie" in loaded.words.everyday
    assert IntentMatcher(loaded).match("time for brekkie") is None
    without = replace(loaded, words=replace(loaded.words, everyday=()))
    found = IntentMatcher(without).match("time for brekkie")
    assert found is not None and found.name == "timer_start"  # what the list is there for


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("she did the buttons no help at all", "done"),
        ("she get it done without me", "done"),
        ("she did the buttons", None),
        ("she did the buttons no help from her brother", None),
        ("he ain't need no help", "done"),  # a double negative says one "not": read whole
        ("she didn't need no help", "done"),
    ],
)
def test_a_no_help_phrase_taken_off_still_says_unaided(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    # The frames read "she did the buttons unaided" when "she did the buttons" fits none.
    assert reads_as(matcher, text, frozenset({"done", "not_yet"})) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("finished ah", None),
        ("finished already ah", None),
        ("she did it herself ah", None),
        ("not yet ah", "not_yet"),
        ("ah she did it", "done"),
        ("next step ah", "next"),
    ],
)
def test_a_closing_question_word_asks_though_it_is_a_filler(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    # "finished ah" asks in Singapore and Sri Lankan English; "ah" is a filler elsewhere.
    assert reads_as(matcher, text, OUTCOMES_AND_NEXT) == intent, text


def test_three_reports_in_one_are_read_apart(matcher: IntentMatcher) -> None:
    found = matcher.match("not yet she's not done i helped her", frozenset({"done", "not_yet"}))
    assert found is not None and found.name == "not_yet"


def test_a_command_said_three_times_urges(matcher: IntentMatcher) -> None:
    paused = frozenset({"resume", "next", "stop"})
    found = matcher.match("let's go", paused)
    assert found is not None and found.name == "resume"
    assert matcher.match("let's go let's go let's go", paused) is None  # said to the child


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("he ay done it yet", "not_yet"),
        ("she eh do it yet", "not_yet"),
        ("he ay done it", "not_yet"),
        ("ay he did it", "done"),
        ("she did it eh", "done"),
    ],
)
def test_a_filler_that_says_not_inside_a_report_is_read_as_said(
    matcher: IntentMatcher, text: str, intent: str
) -> None:
    # Black Country "he ay done it" (hasn't): dropping "ay" as a filler would make it a done.
    assert reads_as(matcher, text, OUTCOMES_AND_NEXT) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("skip that one he's too tired", "skip"),
        ("stop the routine we've got to leave", "stop"),
        ("pause the break timer he needs the loo", "timer_pause"),
        ("end it because we're late", "stop"),
        ("hang on he's still going", None),  # said to anyone: no word of `reason_commands`
        ("stop it he's hurting her", None),  # "stop it" is said to the child
        ("skip that one you're too tired", None),  # the reason is said to the child
        ("skip it she did it", None),  # the "reason" is a report: neither is taken
        ("she didn't manage it sure she's wrecked", "not_yet"),
        ("not yet he's asleep", None),  # a bare "not yet" with a reason answers anyone
        ("not yet she's still faffing about", "not_yet"),  # ...but "still" keeps to the step
        ("not yet she is still trying", "not_yet"),  # ...though it may only be a not yet
        ("go back one step i missed the instructions", "previous"),  # how things stand
        ("continue please the call's finished", "next"),  # a next said as "continue"
        ("next please the kettle's boiling", None),  # ..."next please" is said to children
        ("cancel the break we're ready", "timer_cancel"),
        ("she didn't do it i missed the instructions", None),  # ...never after a report
        ("move on to the next step he's waiting", "next"),  # the whole reads weakly: no verdict
        ("stop the routine he's not in the mood", "stop"),  # a reason that only may be a not yet
        ("skip it she's not done", None),  # ...but a clear one: neither is taken
        ("two minute break please he's getting overwhelmed", "timer_start"),  # a duration
        ("can you skip it the tap's broken", "skip"),  # after a request, "the" opens a reason
        ("can you stop the washing machine it's banging", None),  # ...not right after the verb
        ("can you go back to the shop for milk", None),  # ...nor a place, with no "'s"
        ("can we skip it he's tired", "skip"),  # a question with a reason, read by its parts
        ("are you done she's waiting", None),  # ...whose question is to the child
        ("pause she's spilt her water", "pause"),  # one word of pause or skip takes a reason
        ("end it please he's had enough", "stop"),  # a not yet as why it ends
        ("stop he's had enough", None),  # ...not after one word of stop
        ("stop the session he gave up", "stop"),
        ("back one step she missed the rinse", "previous"),  # ...or it goes back
        ("shut it off we're through for the day", "stop"),  # the command said again
        ("let's pass on this one", "skip"),  # passing on is skipping...
        ("pass on to the next one", "next"),  # ...passing on to the next is moving on
        ("skip it she couldn't do it", None),  # the whole is asked about as a not yet
        ("she needed a lot of help she's poorly", "not_yet"),  # help reported, then why
    ],
)
def test_a_command_with_a_reason_after_it(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    allowed = frozenset(
        {
            "done",
            "not_yet",
            "next",
            "previous",
            "skip",
            "stop",
            "pause",
            "timer_pause",
            "timer_start",
            "timer_cancel",
        }
    )
    assert reads_as(matcher, text, allowed) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("ya he did it", "done"),
        ("done ya she did it on her own", "done"),
        ("ya did it", None),  # "you did it": said to the child
        ("did ya see he did it", None),
    ],
)
def test_ya_before_a_report_of_the_child_is_a_yes(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, OUTCOMES_AND_NEXT) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("she did the buttering herself even if it's a bit lumpy", "done"),
        ("he did it himself although it took ages", "done"),
        ("he couldn't do it even though he tried", "not_yet"),
        ("she did it herself even though i helped with the lid", "not_yet"),  # help in it
        ("she did it herself even if it's not perfect", None),  # a negation in it: asked
        ("she did it even though you said she wouldn't", None),  # to someone
    ],
)
def test_a_report_closed_by_a_concession_is_read_without_it(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, OUTCOMES_AND_NEXT) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("took her time but she got there", "done"),
        ("it was messy but she did it herself", "done"),
        ("i helped a bit but he did it", "not_yet"),  # a helper before "but": never a done
        ("he couldn't at first but he did it", None),  # a negation before "but": never a done
        ("it wasn't pretty but she did it herself", "done"),  # ...unless it is how it went
        ("i wasn't sure she would but she did it herself", "done"),  # ...or the parent's doubt
        ("it wasn't pretty and he couldn't do the zip but he did it", None),
        ("it wasn't all her but she did it", None),  # a hedge of the child's doing
        ("you were slow but you did it", None),  # said to the child
        ("she tried but her sister had to help her with the zip", "not_yet"),  # help after it
        ("she almost had it but i had to pull it up for her", "not_yet"),  # the parent did it
        ("you tried but i had to help you", None),  # said to the child
        ("she tried yesterday but i had to help her", None),  # another time
    ],
)
def test_a_report_of_the_child_after_but_decides(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, OUTCOMES_AND_NEXT) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        (
            "he put the lid on the lunchbox and clicked both sides down himself so tick it off",
            "done",
        ),
        (
            "he put the lid on the lunchbox and clicked both sides down himself but i did the rest",
            "not_yet",
        ),
        ("he got one arm in and got stuck so i pulled it down for him", "not_yet"),
        ("she can do it on her own when she wants to", None),  # no verdict: never a long done
        ("you put the lid on the lunchbox all by yourself so tick that one off", None),
    ],
)
def test_a_long_report_is_read_by_the_parent_s_part_and_its_verdict(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, OUTCOMES_AND_NEXT) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("one sec love", None),
        ("give me a minute buddy", None),
        ("hold on love", None),
        ("one sec", "pause"),
        ("pause it love", "pause"),  # the pause is named
        ("hang on pause that hon", "pause"),
        ("skip it mate", "skip"),  # only a wait or a quiz is said to the child
        ("what's next buddy", None),  # the child is asked what comes next
        ("what's next", "next"),
        ("next one mate", "next"),
        ("y'all wait up on me a minute", None),  # Texan "y'all": the children
        ("let's move on y'all", "next"),
        ("hello yes hold on a moment please", None),  # greeting someone: the phone, the door
    ],
)
def test_a_wait_or_a_quiz_with_a_name_the_child_is_called_by_is_said_to_the_child(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, frozenset({"pause", "skip", "next"})) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("give me a break", None),
        ("give me a break will ya", None),
        ("give me a five minute break", "timer_start"),
        ("give me a break timer", "timer_start"),
    ],
)
def test_a_saying_that_fits_a_command_is_no_command_without_a_duration(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, frozenset(CANONICAL)) == intent, text


@pytest.mark.parametrize(
    ("text", "intent", "asked"),
    [
        ("she did it by herself no", None, "not_yet"),  # a tag, or an answer: asked
        ("he did not do it he did not", "not_yet", None),  # not a closing "no"
        ("no she didn't", "not_yet", None),
    ],
)
def test_a_report_closed_by_no_is_asked_about(
    matcher: IntentMatcher, text: str, intent: str | None, asked: str | None
) -> None:
    reading = matcher.read(text, OUTCOMES_AND_NEXT)
    assert (reading.intent.name if reading.intent else None) == intent, text
    assert (reading.unsure.name if reading.unsure else None) == asked, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("yep did it solo", "done"),  # a yes answers: no question
        ("did it solo", None),  # may ask
        ("yeah did she do it", None),  # someone after "did": a question
    ],
)
def test_a_yes_before_did_it_answers(matcher: IntentMatcher, text: str, intent: str | None) -> None:
    assert reads_as(matcher, text, OUTCOMES_AND_NEXT) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("is done he make it himself", "done"),  # a learner's "it's done", then a report
        ("okay is done she make it all alone", "done"),
        ("is not done i did it myself", "not_yet"),
        ("is done", None),  # alone it may ask
        ("okay is it done", None),
    ],
)
def test_a_learners_is_done_before_a_report_tells(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, OUTCOMES_AND_NEXT) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("i've put the toothpaste on next", "next"),  # the parent's own step, then next
        ("toothpaste is on next", "next"),
        ("my part's done go on", "next"),
        ("next one i've put the toothpaste on", "next"),  # or the next first
        ("next step the bread's buttered", "next"),  # what is so tells it too
        ("next part i've rinsed the cup", "next"),
        ("that's my part move on please", "next"),
        ("next please the bread's ready", "next"),
        ("next the kids want their shoes", None),  # no statement of what is so
        ("she goes next", None),  # turn-taking
        ("next she's got her coat on", None),
        ("you put the lid on next", None),  # said to the child
    ],
)
def test_a_parents_report_of_their_own_step_then_next_moves_on(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, ALLOWED[Phase.PARENT_STEP]) == intent, text


def test_a_report_then_next_at_the_childs_step_is_not_read_as_next(
    matcher: IntentMatcher,
) -> None:
    # At the child's step an outcome is at stake: what the parent did is no "next".
    assert reads_as(matcher, "i've put the toothpaste on next", ALLOWED[Phase.CHILD_STEP]) != "next"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("not yet he put it on back to front and i fixed it", "not_yet"),  # the parent did some
        ("not yet we did it together hand over hand", "not_yet"),  # ...or helped
        ("he did it with my hands on his so not yet", "not_yet"),  # a not yet closing a report
        ("not yet we have to rinse first", None),  # what comes first is no help
        ("not yet i can help you in a minute", None),  # said to the child
        ("not yet i helped him yesterday", None),  # another time
    ],
)
def test_a_not_yet_with_the_story_of_it(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, ALLOWED[Phase.CHILD_STEP]) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("she didn't finish it her arms got tired", "not_yet"),  # after the object, a reason
        ("he couldn't do it his fingers were too cold", "not_yet"),
        ("she's not done her homework", None),  # right after the verb, the object
        ("she didn't finish it her brother did", "not_yet"),  # (a not yet either way)
        ("can you skip it her teeth are done", None),  # never after a command
        ("could you pause please his sister needs me", "pause"),  # ...but after "please"
        ("he didn't manage it the laces were too tricky", "not_yet"),  # "the" opens one too
        ("can you skip it the tap's broken", "skip"),  # ...as after a request it always did
    ],
)
def test_his_or_her_opens_a_reason_only_after_a_not_yet_of_the_child(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, ALLOWED[Phase.CHILD_STEP]) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("she did it on her own while i was loading the dishwasher", "done"),
        ("she did that step herself and she was really quick", "done"),  # "and" adds it
        ("she's done it herself the sock's on the right way round", "done"),  # what is so
        ("she did it herself the top's still dirty", None),  # something may be left: asked
        ("she did it herself except the lid", None),  # a part left out
        ("she did it herself she needed help with the lid", "not_yet"),  # help after all
        ("she did it herself yesterday", None),  # another time
        ("she did it on her own after a little wobble", "done"),  # after who did it alone
        ("he washed his hands himself soap and everything", "done"),
        ("she did it herself at granny's last weekend", None),  # ...but never another place
        ("he did it himself only at five", None),  # ...or time
        ("she did her buttons herself no help from her brother", None),  # someone else named
        ("she did it on her own but then the", None),  # cut off
        ("she did it on her own she wobbled a bit but no help at all", "done"),  # "no help"
        ("on his own he can finish a whole packet no problem", None),  # how, with no report
        ("done he found the armholes himself", "done"),  # the detail is the child's report
        ("done he wants to do it himself", None),  # ...of what they did, not want to do
        ("she did it all herself this morning actually i was so proud", None),  # a story?
        ("she did it all herself this morning", "done"),  # ...but today is now without one
        ("she did it herself her sister just watched", "done"),  # someone who did nothing
        ("she's done it her brother was watching but he didn't help", "done"),
        ("both shoes on by herself done", "done"),  # the step by its name
        ("she got the velcro done herself", "done"),
    ],
)
def test_a_done_with_a_detail_of_how_it_went(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, ALLOWED[Phase.CHILD_STEP]) == intent, text


@pytest.mark.parametrize("text", ["yeah right he's done", "yeah right she did it"])
def test_an_outcome_after_a_mocking_opening_is_asked_about(
    matcher: IntentMatcher, text: str
) -> None:
    reading = matcher.read(text, ALLOWED[Phase.CHILD_STEP])
    assert reading.intent is None, text
    assert reading.unsure is not None and reading.unsure.name == "done", text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("can you say it again the baby was crying", "repeat"),  # why it was missed, after
        ("the dog was barking say it again", "repeat"),  # ... or before
        ("sorry hon can you repeat that i was helping the baby", None),  # asks a partner
        ("say it again she was finished", None),  # a report after it is no reason
        ("sorry what was that i didn't catch it over the tap", "repeat"),
        ("say it again she didn't do it", None),  # "didn't" of the child is a report
        ("one more time please i was in the other room", "repeat"),  # weak, polite, then why
        ("one more time please you weren't listening", None),  # ...why, said to the child
        ("one more time i was in the other room", None),  # ...not without "please"
        ("one more time please he didn't hear", "repeat"),  # why, though alone a not yet
    ],
)
def test_a_repeat_with_why_it_was_missed(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, frozenset({"repeat", "done"})) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("next please sorry jacob not you next please", "next"),
        ("five minute break sorry ella put that down five minute break", "timer_start"),
        ("he did it sorry the baby's got my hair he did it", "done"),  # around a "sorry"
        ("he did it sweetie don't touch he did it", None),  # a report around other talk
        ("let's go let's go let's go", None),  # hurrying the child
        ("biscuit quiet sorry she's done it", "done"),  # to the dog, then a report
    ],
)
def test_a_command_said_again_after_a_word_to_someone_else(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    allowed = frozenset({"next", "timer_start", "done", "not_yet", "resume"})
    assert reads_as(matcher, text, allowed) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("velcro done", "done"),  # the step named, like "done"
        ("left sock on by herself", "done"),
        ("zip not yet", "not_yet"),
        ("half done", None),  # a part, not a step
        ("his done", None),  # a mishearing of "he's done" is never a done
        ("go back to rinse", "previous"),
        ("back to brushing please", None),  # said to the child
        ("skip the velcro today", "skip"),
    ],
)
def test_a_step_called_by_its_name(matcher: IntentMatcher, text: str, intent: str | None) -> None:
    allowed = frozenset({"done", "not_yet", "previous", "skip"})
    assert reads_as(matcher, text, allowed) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("staat di timer", "timer_start"),  # Belize Kriol
        ("ih noh done yet", "not_yet"),
        ("say dat ower again", "repeat"),  # Shetland
        ("todavia no", "not_yet"),  # Llanito: before "no" alone
        ("o qetile ka boeena", "done"),  # Sesotho
        ("uff da go back one", "previous"),  # "da" is only "the" before its nouns
        ("di pa niya kaya", "not_yet"),  # Tagalog "di" (not) is no Kriol "di" (the)
        ("tiguidou", None),  # Quebec "great": only before a report ("tiguidou she did it")
        ("con tu lam", None),  # Vietnamese "by itself" is also "do it yourself"
        ("khud", None),  # Hindi "by oneself" names no one: alone it is also "do it yourself"
        ("lo ha hecho solito", "done"),  # Spanish: the child has done it, by himself
        ("go back tae the last een", "previous"),  # Aberdeen Doric "een" (one)
        ("fit did ye say", "repeat"),  # "fit" (what) only before the words it asks with
        ("that's a good fit", None),
        ("i'd tae dee it for her", "not_yet"),  # Doric "tae dee it" (to do it)
        ("me haffi help she", "not_yet"),  # Montserrat: "i had to help her"
        ("she cyan do it", "not_yet"),  # "cyan do" (can't do); "cyan" alone is a colour
        ("um she did it all on her lonesome", "done"),
    ],
)
def test_local_words_are_read_as_the_english_they_mean(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    allowed = frozenset({"done", "not_yet", "repeat", "previous", "timer_start"})
    assert reads_as(matcher, text, allowed) == intent, text


def test_local_words_apply_to_what_is_heard_and_its_alternatives(tmp_path: Path) -> None:
    path = tmp_path / "en.yaml"
    path.write_text(
        "language: en\n"
        "local_words: {listo: done, todavia no: not yet, 'no': nope}\n"
        "intents:\n  done: {phrases: [done]}\n  not_yet: {phrases: [not yet, nope]}\n",
        encoding="utf-8",
    )
    matcher = IntentMatcher(load_intents(path))
    outcomes = frozenset({"done", "not_yet"})
    assert reads_as(matcher, "listo", outcomes) == "done"
    assert reads_as(matcher, "todavia no", outcomes) == "not_yet"  # the longer words first
    doubted = matcher.read("listo", alternatives=["todavia no"])
    assert doubted.intent is None and doubted.unsure is not None


def test_invalid_local_words_name_file_and_field(tmp_path: Path) -> None:
    problems = refused(
        tmp_path,
        "language: en\nlocal_words: {staat: Staat!, yes: aye, dat: ''}\n"
        "intents:\n  done: {phrases: [done]}\n",
    )
    assert all(str(tmp_path / "en.yaml") in p for p in problems), problems
    assert any("local_words.staat: means itself" in p for p in problems)
    assert any("local_words.True: should be non-empty text" in p for p in problems)
    assert any("local_words.dat: should be non-empty text" in p for p in problems)
    problems = refused(
        tmp_path, "language: en\nlocal_words: [staat]\nintents:\n  done: {phrases: [done]}\n"
    )
    assert any("local_words: should be a mapping" in p for p in problems)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("skip that one would ya", "skip"),
        ("cancel that timer would ye", "timer_cancel"),
        ("she did it would you", None),  # a request is never an outcome
        ("stop splashing would you", None),  # said to the child
        ("ah stop would ya", None),  # one word asked for is asked of a person
        ("stop the session would ya", "stop"),  # ... a command to us names what it is for
        ("can you stop now", "stop"),  # an opening request to us may be short
    ],
)
def test_a_polite_closing_is_a_request(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    allowed = frozenset({"skip", "timer_cancel", "done", "stop"})
    assert reads_as(matcher, text, allowed) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("pomin skip this one", "skip"),  # Polish, then English
        ("dib u noqo go back a step", "previous"),  # three words of Somali
        ("chua she didn't do it", "not_yet"),  # Vietnamese
        ("ruby next", None),  # to Ruby: a one-word command after a name
        ("kofi needed help", None),  # a brother, maybe: a report must open as one
        ("who's next", None),  # an English contraction, a quiz
        ("zrobione she did it all by herself", None),  # never a done: asked about
    ],
)
def test_a_command_after_words_of_the_households_own_language(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    allowed = frozenset({"skip", "previous", "next", "done", "not_yet"})
    assert reads_as(matcher, text, allowed) == intent, text
    if text.startswith("zrobione"):
        unsure = matcher.read(text, allowed).unsure
        assert unsure is not None and unsure.name == "done"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("the timer for the", None),  # cut off mid-sentence
        ("start the timer for", None),
        ("start the timer", "timer_start"),
        ("turn the time are off", "timer_cancel"),  # a mishearing with one meaning
    ],
)
def test_keywords_read_nothing_in_an_utterance_cut_off(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    allowed = frozenset({"timer_start", "timer_cancel"})
    assert reads_as(matcher, text, allowed) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("tom skip it", None),  # a sibling's name: said to Tom
        ("alexa stop the timer", None),  # another voice assistant
        ("pomin skip this one", "skip"),  # a word of the household's language is no name
    ],
)
def test_a_command_after_a_name_of_someone_else_is_said_to_them(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    allowed = frozenset({"skip", "timer_cancel", "done", "not_yet"})
    assert reads_as(matcher, text, allowed) == intent, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("how many minutes are left on the dinner", None),  # an everyday word for "timer"
        ("how many minutes are left on the timer", "timer_status"),
        ("sorry what was the postcode again", None),
    ],
)
def test_an_everyday_word_never_stands_for_a_phrase_word(
    matcher: IntentMatcher, text: str, intent: str | None
) -> None:
    assert reads_as(matcher, text, frozenset({"timer_status", "repeat"})) == intent, text


def test_a_parent_s_question_inside_a_long_report_is_no_part_they_did(
    matcher: IntentMatcher,
) -> None:
    said = "mam he's after finishing his porridge will i give him more"
    assert reads_as(matcher, said, OUTCOMES_AND_NEXT) is None


@pytest.mark.parametrize(
    ("text", "intent", "slots"),
    [
        ("start a break for two seconds", None, {}),  # "two seconds" is a short while
        ("take a break there for a sec love", None, {}),
        ("start a five second timer", "timer_start", {"seconds": 5}),
        ("add ten seconds", "timer_add", {"seconds": 10}),
    ],
)
def test_a_duration_of_a_few_seconds_is_no_timer(
    matcher: IntentMatcher, text: str, intent: str | None, slots: dict[str, int]
) -> None:
    found = matcher.match(text, frozenset({"timer_start", "timer_add"}))
    assert (found.name if found else None, dict(found.slots) if found else {}) == (intent, slots)


@pytest.mark.parametrize(
    ("text", "phase", "intent"),
    [
        ("i've done it now", Phase.PARENT_STEP, "done"),  # the parent's own step
        ("finished my part", Phase.PARENT_STEP, "done"),
        ("i've done it now", Phase.CHILD_STEP, "not_yet"),  # the parent did the child's part
        ("my part's done go on", Phase.PARENT_STEP, "next"),
    ],
)
def test_a_parents_report_of_their_own_step_as_done_is_read_only_at_their_step(
    matcher: IntentMatcher, text: str, phase: Phase, intent: str
) -> None:
    assert reads_as(matcher, text, ALLOWED[phase]) == intent, text


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("she did it herself love can you grab the post", "done"),  # then to a partner
        ("okay done sorry ben what did you say", None),  # no one is spoken of: an answer?
        ("sorry i'm on the phone she did it though", "done"),  # to a caller, then the report
        ("hang on ruby mummy's talking she did it", "done"),
        ("sorry mum one second nah she needed help", "not_yet"),
        ("she did it you helped", None),  # one sentence, not two: "you" opens no talk
        ("when we were in durban she did her teeth by herself every night", None),  # then
        ("she did it all herself at nan's yesterday who wants tea", None),  # another day
    ],
)
def test_a_report_amid_talk_to_someone_is_asked_about(
    matcher: IntentMatcher, text: str, outcome: str | None
) -> None:
    reading = matcher.read(text, ALLOWED[Phase.CHILD_STEP])
    assert reading.intent is None, text  # never taken: where the report ends is a guess
    asked = reading.unsure.name if reading.unsure is not None else None
    assert asked == outcome, text
