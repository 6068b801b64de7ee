"""WAV files as the recogniser wants them: 16 kHz, mono, signed 16-bit little-endian PCM.

Vosk needs audio at the model's rate (16 kHz here) in one channel of 16-bit samples; a WAV
from a phone, a recorder or espeak-ng (22,050 Hz) is rarely that. This module reads the RIFF
container itself rather than through the standard `wave` module, because in Python 3.11
`wave` refuses WAVE_FORMAT_EXTENSIBLE headers (what most 24-bit and multichannel recorders
write) and IEEE float data, and `audioop` is deprecated (gone in 3.13). The conversion is
plain Python with `array` and byte slicing, because numpy is not a dependency of anything
we install.

Files are converted as they are read, block by block, so a long recording starts decoding
at once and never sits in memory twice.
"""

from __future__ import annotations

import logging
import math
import struct
import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from operator import mul
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Literal

from .errors import InputError

log = logging.getLogger(__name__)

TARGET_RATE = 16_000
"""Hertz: the rate every block from this module has (the Vosk models' rate)."""

BYTES_PER_SAMPLE = 2
"""Output samples are signed 16-bit little-endian."""

_PCM = 1
_FLOAT = 3
_EXTENSIBLE = 0xFFFE

_READ_FRAMES = 8192
"""Input frames converted per read: big enough to amortise Python overhead, small enough
that the first block of a long file is ready at once."""


@dataclass(frozen=True, slots=True)
class WavFormat:
    """What a WAV file holds, as its header says."""

    rate: int
    """Frames per second (hertz)."""
    channels: int
    """Interleaved channels per frame."""
    width: int
    """Bytes per sample of one channel, as stored (1, 2, 3, 4, or 8 for float64)."""
    encoding: Literal["pcm", "float"]
    """Integer PCM (8-bit unsigned, wider signed) or IEEE float."""
    frames: int
    """Frames in the data chunk (what is actually in the file, if it was cut short)."""

    @property
    def seconds(self) -> float:
        """Duration of the audio."""
        return self.frames / self.rate


class WavReader:
    """Streams one WAV file as 16 kHz mono 16-bit PCM.

    Opening parses and checks the header, so a file that is not a usable WAV fails at once
    with an `InputError` naming it, not at the first `blocks()`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._file: BinaryIO = path.open("rb")
        except FileNotFoundError as exc:
            raise InputError(f"The audio file {path} does not exist.") from exc
        except OSError as exc:
            raise InputError(f"The audio file {path} cannot be opened: {exc.strerror}.") from exc
        try:
            self.format, self._data_start = _parse_header(self._file, path)
        except BaseException:
            self._file.close()
            raise

    def blocks(self, samples: int = 1600) -> Iterator[bytes]:
        """The audio as 16 kHz PCM blocks of `samples` samples (the last may be shorter)."""
        if samples <= 0:
            raise ValueError("samples must be positive")
        fmt = self.format
        frame_bytes = fmt.width * fmt.channels
        resampler = _Resampler(fmt.rate, TARGET_RATE)
        pending = array("h")
        try:
            self._file.seek(self._data_start)
        except OSError as exc:
            raise _unreadable(self.path, exc) from exc
        left = fmt.frames
        while left > 0:
            want = min(left, _READ_FRAMES)
            try:
                raw = self._file.read(want * frame_bytes)
            except OSError as exc:
                raise _unreadable(self.path, exc) from exc
            got = len(raw) // frame_bytes
            if got == 0:
                break
            left -= got
            mono = _to_mono16(raw[: got * frame_bytes], fmt)
            pending.extend(resampler.process(mono))
            while len(pending) >= samples:
                yield _le_bytes(pending[:samples])
                del pending[:samples]
        pending.extend(resampler.flush())
        while pending:
            yield _le_bytes(pending[:samples])
            del pending[:samples]

    def read_all(self) -> bytes:
        """The whole file as one 16 kHz PCM byte string."""
        return b"".join(self.blocks(TARGET_RATE))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> WavReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def read_wav(path: Path) -> bytes:
    """All of `path` as 16 kHz mono signed 16-bit little-endian PCM; InputError if unusable."""
    with WavReader(path) as reader:
        return reader.read_all()


def write_wav(path: Path, pcm: bytes, rate: int = TARGET_RATE) -> None:
    """Write mono 16-bit PCM as a plain WAV file (for tests, benchmarks and debugging)."""
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(BYTES_PER_SAMPLE)
        out.setframerate(rate)
        out.writeframes(pcm)


# -- header ---------------------------------------------------------------------------------


def _parse_header(f: BinaryIO, path: Path) -> tuple[WavFormat, int]:
    """The format and the file offset of the first data byte."""
    try:
        riff = f.read(12)
        if len(riff) < 12 or riff[:4] != b"RIFF" or riff[8:12] != b"WAVE":
            raise InputError(f"The audio file {path} is not a WAV file.")
        fmt_chunk: bytes | None = None
        data_start = data_size = -1
        while fmt_chunk is None or data_start < 0:
            head = f.read(8)
            if len(head) < 8:
                break
            chunk_id, size = head[:4], struct.unpack("<I", head[4:])[0]
            body = f.tell()
            if chunk_id == b"fmt ":
                fmt_chunk = f.read(size)
            elif chunk_id == b"data":
                data_start, data_size = body, size
            # Chunks are word-aligned: an odd size is followed by one pad byte.
            f.seek(body + size + (size & 1))
        end = f.seek(0, 2)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if fmt_chunk is None or len(fmt_chunk) < 16:
        raise InputError(f"The audio file {path} is damaged: it has no complete format header.")
    if data_start < 0:
        raise InputError(f"The audio file {path} holds no audio data.")
    tag, channels, rate, _byte_rate, block_align, bits = struct.unpack("<HHIIHH", fmt_chunk[:16])
    if tag == _EXTENSIBLE and len(fmt_chunk) >= 26:
        # The real format is the first two bytes of the sub-format GUID.
        tag = struct.unpack("<H", fmt_chunk[24:26])[0]
    if channels < 1 or rate < 1 or block_align < channels:
        raise InputError(f"The audio file {path} has a damaged format header.")
    width = block_align // channels  # container size: a 20-bit sample sits in 3 bytes
    if tag == _PCM and width in (1, 2, 3, 4):
        encoding: Literal["pcm", "float"] = "pcm"
    elif tag == _FLOAT and width in (4, 8):
        encoding = "float"
    else:
        raise InputError(
            f"The audio file {path} uses an encoding this program cannot read "
            f"(format {tag}, {bits}-bit); convert it to 16-bit PCM WAV."
        )
    # Recorders that stream write a placeholder size; a cut-short file holds less than it
    # claims. Either way, what is in the file is what there is.
    available = max(0, end - data_start)
    size = min(data_size, available)
    if data_size > available:
        log.warning("%s: the data chunk is cut short; reading the %d bytes present", path, size)
    frames = size // block_align
    return WavFormat(rate, channels, width, encoding, frames), data_start


def _unreadable(path: Path, exc: OSError) -> InputError:
    return InputError(f"The audio file {path} cannot be read: {exc.strerror or exc}.")


# -- sample conversion ----------------------------------------------------------------------

# 8-bit WAV is unsigned: flipping the top bit turns it into a signed byte, which is the high
# byte of the equivalent 16-bit sample.
_UNSIGNED_TO_SIGNED = bytes(b ^ 0x80 for b in range(256))


def _to_mono16(raw: bytes, fmt: WavFormat) -> array[int]:
    """Interleaved frames of `fmt` as mono signed 16-bit samples (native order)."""
    samples = _to_int16(raw, fmt)
    if fmt.channels == 1:
        return samples
    n = fmt.channels
    # The mean of the channels: a stereo recording of one voice keeps its level.
    columns = [samples[c::n] for c in range(n)]
    return array("h", (sum(frame) // n for frame in zip(*columns, strict=True)))


def _to_int16(raw: bytes, fmt: WavFormat) -> array[int]:
    width = fmt.width
    if fmt.encoding == "float":
        floats = array("f" if width == 4 else "d", raw)
        if sys.byteorder == "big":
            floats.byteswap()
        return array("h", (_clamp16(round(x * 32767.0)) for x in floats))
    le16 = bytearray(len(raw) // width * 2)
    if width == 1:
        le16[1::2] = raw.translate(_UNSIGNED_TO_SIGNED)
    else:
        # Little-endian signed samples of any width: the top two bytes are the 16-bit sample
        # (truncation, well below the recogniser's noise floor).
        le16[0::2] = raw[width - 2 :: width]
        le16[1::2] = raw[width - 1 :: width]
    out = array("h", le16)
    if sys.byteorder == "big":
        out.byteswap()
    return out


def _clamp16(x: int) -> int:
    return -32768 if x < -32768 else 32767 if x > 32767 else x


def _le_bytes(samples: array[int]) -> bytes:
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    return samples.tobytes()


# -- resampling -----------------------------------------------------------------------------


class _Resampler:
    """Streaming band-limited resampling (polyphase windowed sinc).

    Linear interpolation from 22,050 or 44,100 Hz folds everything above 8 kHz back into the
    speech band; a low-pass sinc kernel at the lower of the two Nyquist rates does not. Each
    output sample is a weighted sum of the `2 * half` input samples around its position;
    the weights depend only on the fractional position, so they are computed once per phase.
    """

    ZERO_CROSSINGS = 8
    """Sinc lobes on each side of the centre: sharper cut-off for more work."""
    PASSBAND = 0.92
    """Cut-off as a fraction of the lower Nyquist rate, leaving room for the transition."""

    def __init__(self, src: int, dst: int) -> None:
        g = math.gcd(src, dst)
        self._up, self._down = dst // g, src // g
        self._identity = src == dst
        self._cutoff = min(1.0, dst / src) * self.PASSBAND
        self._half = math.ceil(self.ZERO_CROSSINGS / self._cutoff)
        self._kernels: dict[int, list[float]] = {}
        # Input sample i is self._buf[i - self._base]; the stream starts after `half` zeros
        # so the first outputs have a full window.
        self._buf: list[float] = [0.0] * self._half
        self._base = -self._half
        self._consumed = 0
        """Input samples received."""
        self._next = 0
        """Index of the next output sample."""

    def process(self, samples: array[int]) -> array[int]:
        if self._identity:
            return samples
        self._buf.extend(samples)
        self._consumed += len(samples)
        return self._emit(limit=None)

    def flush(self) -> array[int]:
        """The outputs still owed, with the input padded by silence."""
        if self._identity:
            return array("h")
        self._buf.extend([0.0] * (2 * self._half))
        # Output k sits at input position k * down / up: emit those inside the input.
        return self._emit(limit=-(-self._consumed * self._up // self._down))

    def _emit(self, limit: int | None) -> array[int]:
        out = array("h")
        up, down, half = self._up, self._down, self._half
        buf, base = self._buf, self._base
        end = base + len(buf)
        k = self._next
        while limit is None or k < limit:
            centre, phase = divmod(k * down, up)
            first = centre - half + 1
            if centre + half >= end:
                break
            kernel = self._kernels.get(phase) or self._kernel(phase)
            acc = sum(map(mul, kernel, buf[first - base : first - base + 2 * half]))
            out.append(_clamp16(round(acc)))
            k += 1
        self._next = k
        keep_from = (k * down) // up - half + 1
        if keep_from > base:
            del buf[: keep_from - base]
            self._base = keep_from
        return out

    def _kernel(self, phase: int) -> list[float]:
        frac = phase / self._up
        half, cutoff = self._half, self._cutoff
        weights = []
        for tap in range(2 * half):
            d = (half - 1 - tap) + frac  # distance of this input sample from the position
            x = math.pi * cutoff * d
            sinc = 1.0 if x == 0 else math.sin(x) / x
            window = 0.5 + 0.5 * math.cos(math.pi * d / half) if abs(d) < half else 0.0
            weights.append(sinc * window)
        total = sum(weights)
        # Unit gain at DC for every phase, so a steady level stays steady.
        kernel = [w / total for w in weights]
        self._kernels[phase] = kernel
        return kernel
