"""Listener adapters that hear speech through Vosk: a WAV file, and the microphone.

Both feed 16 kHz PCM blocks into one `recognizer.Decoder` and hand out its utterances one
`listen()` at a time, so a recording decodes exactly as the same audio would live.

The microphone follows the pattern of Vosk's own `test_microphone.py`: a `sounddevice`
raw input stream whose callback only queues the bytes (it runs on PortAudio's thread,
where slow work loses audio), with the model loaded before the stream opens (loading takes
seconds, and a stream opened first overflows meanwhile). Decoding happens in `listen()`, on
the session's thread. Tests have no sound card: they call `callback()` themselves with the
blocks a stream would deliver, then `end_input()`.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import time
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .audio import BYTES_PER_SAMPLE, TARGET_RATE, WavReader
from .errors import InputError
from .mute import MuteGate
from .recognizer import DEFAULT_ENDPOINTING, Decoder, Endpointing
from .seams import QUIET, Clock, Heard, Quiet

log = logging.getLogger(__name__)

BLOCK_SAMPLES = 1600
"""Samples per block (100 ms at 16 kHz): the latency floor of hearing the end of speech,
and small enough that Vosk's 200 ms internal step is not held back (vosk-api#336)."""

_QUEUE_BLOCKS = 1200
"""Blocks (2 minutes) the microphone queue holds while nobody listens; older ones are
dropped."""

_WAIT = 0.25
"""Seconds `listen()` waits on the queue at a time, so a dead stream is noticed."""

_NO_PORTAUDIO = (
    "Microphone input needs the PortAudio library; install it with "
    "`sudo apt-get install libportaudio2`, or use --input keyboard or --input FILE.wav."
)
_NO_DEVICE = (
    "No microphone was found ({detail}); connect one, or use --input keyboard or --input FILE.wav."
)


def load_model(model: Any) -> Any:
    """`model` itself when already a loaded `vosk.Model`; a model folder path is loaded (with
    Kaldi kept quiet and a folder that does not load named in one sentence)."""
    if not isinstance(model, str | Path):
        return model
    from .speech_model import load_model as load_folder

    return load_folder(Path(model))


class WavListener:
    """Utterances decoded from a WAV file (any rate, channels and sample width).

    The file is decoded lazily, a block at a time, only as far as the next utterance: a
    session that stops early never pays for the rest. `listen()` returns None at the end.
    """

    def __init__(
        self,
        path: Path,
        model: Any,
        grammar: Sequence[str] | None = None,
        endpointing: Endpointing | None = DEFAULT_ENDPOINTING,
        block_samples: int = BLOCK_SAMPLES,
    ) -> None:
        self._reader = WavReader(path)  # fails here, naming the file, if it is unusable
        try:
            self.decoder = Decoder(load_model(model), grammar, endpointing)
        except BaseException:
            self._reader.close()
            raise
        self._blocks: Iterator[bytes] | None = self._reader.blocks(block_samples)
        self._ready: deque[Heard] = deque()

    def listen_for(self, seconds: float) -> Heard | Quiet | None:
        """A file never keeps the session waiting: its next utterance is decoded at once."""
        return self.listen()

    def listen(self) -> Heard | None:
        while not self._ready:
            if self._blocks is None:
                return None
            block = next(self._blocks, None)
            if block is None:
                self._blocks = None
                self._reader.close()
                last = self.decoder.flush()
                if last is not None:
                    self._ready.append(last)
            else:
                self._ready.extend(self.decoder.feed(block))
        return self._ready.popleft()

    def close(self) -> None:
        self._blocks = None
        self._ready.clear()
        self._reader.close()


class MicListener:
    """Utterances decoded from the microphone, live.

    `model` must be loaded (or a folder, loaded here) before `start()` opens the stream.
    With a `gate`, blocks recorded while the assistant was speaking (or in its tail) are
    dropped and the recogniser starts afresh after them (see `mute.py`). `clock` stamps
    each block as it arrives and must be the clock the `MutingSpeaker` uses.
    """

    def __init__(
        self,
        model: Any,
        clock: Clock,
        grammar: Sequence[str] | None = None,
        gate: MuteGate | None = None,
        endpointing: Endpointing | None = DEFAULT_ENDPOINTING,
    ) -> None:
        self.decoder = Decoder(load_model(model), grammar, endpointing)
        self.clock = clock
        self.gate = gate
        self._queue: queue.Queue[tuple[float, bytes] | None] = queue.Queue(_QUEUE_BLOCKS)
        self._ready: deque[Heard] = deque()
        self._stream: Any = None
        self._ended = False
        self._muted = False
        """The last block was dropped by the gate."""
        self.dropped_muted = 0
        """Blocks dropped because the assistant was speaking."""
        self.overflows = 0
        """Times the sound card or the queue lost audio (set on PortAudio's thread)."""
        self._overflows_logged = 0

    @classmethod
    def open(
        cls,
        model: Any,
        clock: Clock,
        grammar: Sequence[str] | None = None,
        gate: MuteGate | None = None,
        endpointing: Endpointing | None = DEFAULT_ENDPOINTING,
        device: int | str | None = None,
    ) -> MicListener:
        """A listener already recording: the model is loaded first, then the stream opens."""
        listener = cls(model, clock, grammar, gate, endpointing)
        listener.start(device)
        return listener

    # -- the stream -----------------------------------------------------------------------

    def start(self, device: int | str | None = None) -> None:
        """Open the default (or given) input device and start recording."""
        try:
            import sounddevice
        except OSError as exc:  # the Python package is there, libportaudio is not
            raise InputError(_NO_PORTAUDIO) from exc
        try:
            stream = sounddevice.RawInputStream(
                samplerate=TARGET_RATE,
                channels=1,
                dtype="int16",
                blocksize=BLOCK_SAMPLES,
                device=device,
                callback=self.callback,
            )
            stream.start()
        except (sounddevice.PortAudioError, ValueError) as exc:
            raise InputError(_NO_DEVICE.format(detail=str(exc).rstrip("."))) from exc
        self._stream = stream
        log.info("listening on %s", stream.device)

    def callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        """Called by `sounddevice` with each block (tests call it directly).

        Only queues the bytes with their arrival time: anything slower here loses audio.
        """
        if status:
            self.overflows += 1
        self._put((self.clock.now(), bytes(indata)))

    def end_input(self) -> None:
        """No more blocks will come: `listen()` returns what is left, then None."""
        self._put(None)

    def _put(self, item: tuple[float, bytes] | None) -> None:
        # Never blocks: PortAudio's thread must not wait on the session's.
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            # Nobody has listened for minutes: the oldest audio is the least useful.
            self.overflows += 1
            with contextlib.suppress(queue.Empty):
                self._queue.get_nowait()
            self._queue.put_nowait(item)

    # -- the Listener seam ----------------------------------------------------------------

    def listen(self) -> Heard | None:
        heard = self._next(deadline=None)
        assert not isinstance(heard, Quiet)  # only a deadline gives up
        return heard

    def listen_for(self, seconds: float) -> Heard | Quiet | None:
        """The next utterance within `seconds` (real time), else QUIET: a timer cue is due.

        Speech in progress at the deadline is kept and finished by the next call.
        """
        return self._next(deadline=time.monotonic() + max(seconds, 0.0))

    def _next(self, deadline: float | None) -> Heard | Quiet | None:
        while not self._ready:
            if self._ended:
                return None
            wait = _WAIT if deadline is None else min(_WAIT, deadline - time.monotonic())
            if wait <= 0:
                return QUIET
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                if self._stream is not None and not self._stream.active:
                    log.warning("the microphone stream stopped; ending input")
                    self._finish()
                continue
            if item is None:
                self._finish()
            else:
                self._take(*item)
        return self._ready.popleft()

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.stop()
            stream.close()
        self._ended = True
        self._ready.clear()

    # -- decoding -------------------------------------------------------------------------

    def _take(self, arrived: float, block: bytes) -> None:
        if self.overflows > self._overflows_logged:
            log.warning(
                "audio input overflowed %d time(s): some speech may be lost",
                self.overflows - self._overflows_logged,
            )
            self._overflows_logged = self.overflows
        seconds = len(block) / (BYTES_PER_SAMPLE * TARGET_RATE)
        if self.gate is not None and self.gate.muted_between(arrived - seconds, arrived):
            if not self._muted:
                # Whatever was being said when the assistant began is cut in two: drop it,
                # so no utterance straddles the assistant's speech.
                self.decoder.reset()
                self._muted = True
            self.dropped_muted += 1
            self.decoder.skip(seconds)
            return
        self._muted = False
        self._ready.extend(self.decoder.feed(block))

    def _finish(self) -> None:
        self._ended = True
        last = self.decoder.flush()
        if last is not None:
            self._ready.append(last)
