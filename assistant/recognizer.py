"""The one decoding code path: 16 kHz PCM blocks in, `Heard` utterances out, through Vosk.

The WAV listener and the microphone listener both feed a `Decoder`, so a recording and a
live session are decoded by the same code. What shaped it (see
`/work/shared/research/voice-notes.md` for sources):

- **Endpointing.** Vosk 0.3.45 ends an utterance only after its model's trailing-silence
  rules (0.5-2 s; measured here 1.0 s with a grammar, 1.5-2.6 s without) and has no API to
  change them. So the decoder runs its own end-of-speech detection: an energy detector on
  10 ms frames with a noise floor that follows the room, and when `silence` seconds pass
  after speech it cuts the audio at that frame and asks Vosk for `FinalResult()`. Vosk's own
  endpoint still counts when it comes first.
- **Grammars.** A grammar is compiled by Vosk into a bigram model over the phrases; a word
  missing from the model's vocabulary is dropped from its phrase with only a log line
  (which we silence), so a phrase can quietly turn into a different one. We check every word
  with `Model.vosk_model_find_word` first, leave out whole phrases that have a missing word,
  and report the words. `[unk]` is added only when the model knows it (the small Korean
  model does not, vosk-api#2041).
- **A grammar is not a filter**: chatter comes out as command words, often at confidence
  1.0. So the grammar also holds the language's *distractors* (`distractors:` in the
  intents file: everyday words the matcher matches to nothing), and chatter lands on them
  (Korean, espeak-ng speech: 5 of 48 sentences were taken as done without them, 0 of 88
  with them; every command still recognised). The decoder reports what it heard; the intent
  matcher and the session decide.
- **Confidence** is the mean of Vosk's per-word MBR confidences (`SetWords(True)`).
  Vosk's n-best alternatives would drop those per-word confidences and carry unnormalised
  scores, so `alternatives` stays empty. (Measured with a second n-best recogniser: it
  changed no chatter outcome once the distractors were in, and doubled grammar decoding.)
- **Times** are seconds from the start of the stream, counting audio the caller skipped
  (the muted microphone) through `skip()`.
"""

from __future__ import annotations

import json
import logging
import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .audio import BYTES_PER_SAMPLE, TARGET_RATE
from .errors import InputError
from .intents import IntentPhrases
from .seams import Heard

log = logging.getLogger(__name__)

UNKNOWN_WORD = "[unk]"
"""Vosk's token for out-of-grammar speech, in models that have it."""

_FRAME = TARGET_RATE // 100
"""Samples per 10 ms analysis frame of the end-of-speech detector."""


def quiet_vosk() -> None:
    """Keep Kaldi's log lines off stdout and stderr (stdout carries `--json`).

    Level -1 still lets warnings through ("Ignoring word missing in vocabulary"); -2 hides
    them too. Errors that matter surface as Python exceptions.
    """
    import vosk

    vosk.SetLogLevel(-2)


@dataclass(frozen=True, slots=True)
class Endpointing:
    """When the decoder decides that the speaker has stopped."""

    silence: float = 0.25
    """Seconds of quiet after speech that end an utterance. Shorter answers sooner but may
    split a sentence at a pause; Korean and English commands here have no inner pause this
    long (stop closures are 30-60 ms)."""
    min_speech: float = 0.05
    """Seconds of continuous sound that count as speech starting (shorter is a click)."""
    min_level: float = 150.0
    """RMS level (16-bit scale, about -47 dBFS) below which a frame is never speech."""
    above_floor: float = 3.0
    """A frame is speech when its RMS exceeds the room's noise floor times this (~10 dB)."""
    floor_rise: float = 1.0
    """Seconds for the noise floor to rise tenfold under a steady louder sound (a fan
    switched on), so a hum stops counting as speech after a few seconds."""


DEFAULT_ENDPOINTING = Endpointing()


@dataclass(frozen=True, slots=True)
class GrammarCheck:
    """What became of a phrase list checked against a model's vocabulary."""

    phrases: tuple[str, ...]
    """The phrases used, in order, each with every word in the vocabulary."""
    missing_words: tuple[str, ...]
    """Words the model does not know, in order of first appearance."""
    dropped_phrases: tuple[str, ...]
    """Phrases left out because they contain a missing word."""
    with_unknown: bool
    """Whether `[unk]` is part of the grammar (only when the model knows it)."""

    def grammar_json(self) -> str:
        words = [*self.phrases, UNKNOWN_WORD] if self.with_unknown else list(self.phrases)
        # Vosk parses the JSON itself: keep Hangul as UTF-8, not \\u escapes.
        return json.dumps(words, ensure_ascii=False)


def grammar_phrases(intents: IntentPhrases) -> list[str]:
    """Every phrase of every intent, then the language's distractors, as a recogniser grammar.

    Phrases with a slot (`{duration}`) are left out: a grammar cannot say "any number here"
    (the matcher still reads durations from free decoding or typed text). The distractors
    (`distractors:` in the intents file) give chatter somewhere else to land than on command
    words; the matcher matches none of them.
    """
    commands = [
        phrase
        for phrases in intents.phrases.values()
        for phrase in phrases
        if "{" not in phrase and "#" not in phrase
    ]
    return [*commands, *intents.distractors]


def check_grammar(model: Any, phrases: Iterable[str]) -> GrammarCheck:
    """Check each word of `phrases` against `model`'s vocabulary (see the module docstring)."""
    kept: list[str] = []
    dropped: list[str] = []
    missing: dict[str, None] = {}
    seen: set[str] = set()
    for phrase in phrases:
        words = phrase.split()
        if not words or phrase in seen:
            continue
        seen.add(phrase)
        absent = [w for w in words if model.vosk_model_find_word(w) == -1]
        for word in absent:
            missing.setdefault(word, None)
        (dropped if absent else kept).append(" ".join(words))
    with_unknown = model.vosk_model_find_word(UNKNOWN_WORD) != -1
    if missing:
        log.warning(
            "These grammar words are not in the speech model's vocabulary, so %d phrase(s) "
            "using them cannot be recognised: %s",
            len(dropped),
            ", ".join(missing),
        )
    return GrammarCheck(tuple(kept), tuple(missing), tuple(dropped), with_unknown)


class _SpeechDetector:
    """Energy-based end-of-speech detection on 10 ms frames of 16 kHz PCM.

    The noise floor drops at once to a quieter frame and rises slowly under louder ones, so
    it tracks the quiet between words (the room) rather than the voice.
    """

    def __init__(self, settings: Endpointing) -> None:
        self.settings = settings
        self._frames_to_start = max(1, round(settings.min_speech * 100))
        self._frames_to_end = max(1, round(settings.silence * 100))
        self._rise = 10.0 ** (1.0 / (100.0 * settings.floor_rise))
        self._floor = settings.min_level
        self.reset()

    def reset(self) -> None:
        """Forget the utterance in progress (the noise floor stays: the room is the same)."""
        self.in_speech = False
        self._loud_run = 0
        self._quiet_run = 0

    def frame(self, samples: array[int]) -> bool:
        """Take one frame; True when it completes `silence` seconds of quiet after speech."""
        level = math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0
        s = self.settings
        loud = level > max(s.min_level, self._floor * s.above_floor)
        # Never quite zero: digital silence would pin a multiplicative floor at 0 for good.
        self._floor = max(level, 1.0) if level < self._floor else self._floor * self._rise
        if loud:
            self._loud_run += 1
            self._quiet_run = 0
            if self._loud_run >= self._frames_to_start:
                self.in_speech = True
            return False
        self._loud_run = 0
        if not self.in_speech:
            return False
        self._quiet_run += 1
        if self._quiet_run >= self._frames_to_end:
            self.reset()
            return True
        return False


class Decoder:
    """Decodes a stream of 16 kHz mono 16-bit PCM into utterances.

    `model` is a loaded `vosk.Model` (the caller loads it once and may share it; a
    recogniser is per decoder and not thread-safe). `grammar` limits recognition to those
    phrases (see `check_grammar`; the result is in `self.grammar`). `endpointing=None`
    leaves ending utterances to Vosk alone (for comparison in the benchmark).
    """

    def __init__(
        self,
        model: Any,
        grammar: Sequence[str] | None = None,
        endpointing: Endpointing | None = DEFAULT_ENDPOINTING,
        sample_rate: int = TARGET_RATE,
    ) -> None:
        import vosk

        quiet_vosk()
        if endpointing is not None and sample_rate != TARGET_RATE:
            raise ValueError(f"end-of-speech detection needs {TARGET_RATE} Hz audio")
        self.sample_rate = sample_rate
        self.grammar: GrammarCheck | None = None
        if grammar is None:
            self._rec = vosk.KaldiRecognizer(model, sample_rate)
        else:
            self.grammar = check_grammar(model, grammar)
            if not self.grammar.phrases:
                # Vosk would take an empty grammar as no grammar at all ("[]" = the full LM).
                raise InputError(
                    "None of the grammar's phrases can be recognised: the speech model knows "
                    f"none of their words ({', '.join(self.grammar.missing_words[:5])} ...); "
                    "is it a model for this language?"
                )
            self._rec = vosk.KaldiRecognizer(model, sample_rate, self.grammar.grammar_json())
        self._rec.SetWords(True)
        self._detector = _SpeechDetector(endpointing) if endpointing is not None else None
        self._partial = bytearray()
        """Samples of an unfinished 10 ms frame, kept for the next block."""
        self._samples_fed = 0
        """Samples given to Vosk since the stream started."""
        self._skipped = 0.0
        """Seconds of stream the caller skipped (not given to Vosk)."""
        self._active = False
        """Vosk has audio of an unfinished utterance."""
        self._speech_seen = False
        """The detector heard speech since the last result: without it, words are noise."""

    @property
    def missing_words(self) -> tuple[str, ...]:
        """Grammar words the model does not know (empty without a grammar)."""
        return self.grammar.missing_words if self.grammar else ()

    @property
    def position(self) -> float:
        """Seconds of stream seen so far, skipped audio included."""
        fed = self._samples_fed + len(self._partial) // BYTES_PER_SAMPLE
        return fed / self.sample_rate + self._skipped

    def feed(self, block: bytes) -> list[Heard]:
        """Take the next block of PCM; the utterances it completed, oldest first."""
        if self._detector is None:
            return self._accept(block)
        heard: list[Heard] = []
        data = self._partial + block
        frame_bytes = _FRAME * BYTES_PER_SAMPLE
        whole = len(data) - len(data) % frame_bytes
        start = 0
        for end in range(frame_bytes, whole + 1, frame_bytes):
            frame = array("h", data[end - frame_bytes : end])
            ended = self._detector.frame(frame)
            self._speech_seen = self._speech_seen or self._detector.in_speech or ended
            if ended:
                # Cut exactly here, so the result does not depend on how the stream was
                # split into blocks (the WAV file and the microphone give the same answer).
                heard += self._accept(bytes(data[start:end]))
                start = end
                heard += self._final()
        heard += self._accept(bytes(data[start:whole]))
        self._partial = data[whole:]
        return heard

    def flush(self) -> Heard | None:
        """End of stream: the utterance still in progress, if any."""
        rest = bytes(self._partial)
        self._partial.clear()
        heard = self._accept(rest)
        heard += self._final()
        if self._detector is not None:
            self._detector.reset()
        # Vosk can hold at most one endpointed result and one final one here.
        return heard[-1] if heard else None

    def reset(self) -> None:
        """Throw away the utterance in progress (the assistant started speaking)."""
        self._skipped += len(self._partial) / BYTES_PER_SAMPLE / self.sample_rate
        self._partial.clear()
        if self._active:
            # FinalResult rather than Reset: it also drops the feature pipeline, so no frame
            # of the old audio leaks into the next utterance.
            self._rec.FinalResult()
            self._active = False
        self._speech_seen = False
        if self._detector is not None:
            self._detector.reset()

    def skip(self, seconds: float) -> None:
        """Count `seconds` of stream that were not fed (so later times stay true)."""
        self._skipped += seconds

    def _accept(self, pcm: bytes) -> list[Heard]:
        if not pcm:
            return []
        self._samples_fed += len(pcm) // BYTES_PER_SAMPLE
        self._active = True
        if self._rec.AcceptWaveform(pcm):
            # Vosk's own endpoint came first (or it gave up on a long silence).
            self._active = False
            if self._detector is not None:
                self._detector.reset()
            return self._parse(self._rec.Result())
        return []

    def _final(self) -> list[Heard]:
        if not self._active:
            return []
        self._active = False
        return self._parse(self._rec.FinalResult())

    def _parse(self, result_json: str) -> list[Heard]:
        result = json.loads(result_json)
        text = str(result.get("text", "")).strip()
        words = result.get("result") or []
        speech_seen, self._speech_seen = self._speech_seen, False
        if not text or not words:
            return []
        if self._detector is not None and not speech_seen:
            # A grammar makes Vosk find its words in anything, even a quiet hum (measured:
            # a 3 s buzz at -60 dBFS came out as "스스로" at confidence 1.0).
            log.debug("dropped %r: nothing loud enough to be speech was heard", text)
            return []
        confidence = sum(float(w.get("conf", 0.0)) for w in words) / len(words)
        heard = Heard(
            text=text,
            confidence=round(confidence, 3),
            t_start=round(float(words[0]["start"]) + self._skipped, 3),
            t_end=round(float(words[-1]["end"]) + self._skipped, 3),
        )
        log.debug(
            "heard %r (confidence %.2f, %.2f-%.2f s)", text, confidence, heard.t_start, heard.t_end
        )
        return [heard]
