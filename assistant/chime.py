"""The timer chime: a two-note bell ("ding-dong") generated as 16-bit PCM, no sound files.

Each note is a sine at its pitch plus two quieter partials (an octave and a bell-like
inharmonic 2.76x) under a 5 ms attack and an exponential decay, so it sounds like a soft
bell rather than a beep. It is made at espeak-ng's rate (22,050 Hz mono, 16-bit) so the
chime and the speech files in a `--voice DIR` folder have one format, and its peak is kept
below full scale (about -4 dBFS) so it is not louder than the voice.
"""

from __future__ import annotations

import logging
import math
import os
import struct
import wave
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

RATE = 22_050
"""Samples per second (hertz); the rate espeak-ng writes."""
SAMPLE_WIDTH = 2
"""Bytes per sample: 16-bit signed PCM."""
CHANNELS = 1

_NOTES = ((1318.5, 0.0), (1046.5, 0.38))
"""(pitch in hertz, start in seconds): E6 then C6."""
_PARTIALS = ((1.0, 1.0), (2.0, 0.25), (2.76, 0.12))
"""(multiple of the pitch, relative amplitude) of each note's sine components."""
_ATTACK = 0.005
"""Seconds from silence to the peak: quick enough to sound struck, slow enough not to click."""
_DECAY = 0.22
"""Time constant of the exponential decay, seconds."""
_LENGTH = 1.2
"""Seconds of audio in all."""
_FADE = 0.02
"""A linear fade over the last seconds, so the cut-off does not click."""
_PEAK = 0.6
"""Peak amplitude as a fraction of full scale."""


@lru_cache(maxsize=4)
def chime_pcm(rate: int = RATE) -> bytes:
    """The chime as mono 16-bit little-endian PCM at `rate` hertz."""
    count = round(_LENGTH * rate)
    samples = [0.0] * count
    for pitch, start in _NOTES:
        first = round(start * rate)
        for i in range(count - first):
            t = i / rate
            envelope = min(t / _ATTACK, 1.0) * math.exp(-t / _DECAY)
            if t > _ATTACK and envelope < 1e-4:
                break  # the rest of this note is below one step of 16-bit audio
            tone = sum(
                amplitude * math.sin(2 * math.pi * pitch * multiple * t)
                for multiple, amplitude in _PARTIALS
            )
            samples[first + i] += envelope * tone
    fade = round(_FADE * rate)
    for i in range(fade):
        samples[count - 1 - i] *= i / fade
    loudest = max(abs(s) for s in samples) or 1.0
    scale = _PEAK * 32767 / loudest
    return struct.pack(f"<{count}h", *(round(s * scale) for s in samples))


def chime_seconds(rate: int = RATE) -> float:
    """How long the chime lasts, in seconds."""
    return len(chime_pcm(rate)) / (SAMPLE_WIDTH * CHANNELS) / rate


def write_chime(path: Path, rate: int = RATE) -> float:
    """Write the chime as a WAV file at `path`; returns its length in seconds."""
    pcm = chime_pcm(rate)
    with wave.open(os.fspath(path), "wb") as wav:
        wav.setnchannels(CHANNELS)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    log.debug("wrote the chime to %s", path)
    return chime_seconds(rate)
