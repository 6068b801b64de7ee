"""Reading WAV files into 16 kHz mono 16-bit PCM, with generated audio of every common shape."""

from __future__ import annotations

import logging
import math
import struct
import wave
from array import array
from pathlib import Path

import pytest

from assistant.audio import TARGET_RATE, WavReader, read_wav, write_wav
from assistant.errors import InputError

SECONDS = 0.5
TONE = 440.0
"""Hertz: well inside the speech band, so resampling must keep it."""
LEVEL = 0.5
"""Amplitude as a fraction of full scale."""


def tone(
    rate: int, freq: float = TONE, seconds: float = SECONDS, level: float = LEVEL
) -> list[float]:
    n = round(rate * seconds)
    return [level * math.sin(2 * math.pi * freq * i / rate) for i in range(n)]


def write_pcm(path: Path, channels: list[list[float]], rate: int, width: int) -> Path:
    """A plain PCM WAV (what `wave` writes) of `width` bytes per sample."""
    frames = bytearray()
    for frame in zip(*channels, strict=True):
        for x in frame:
            if width == 1:
                frames.append(round(x * 127) + 128)  # 8-bit WAV is unsigned
            else:
                full = 2 ** (8 * width - 1) - 1
                frames += round(x * full).to_bytes(width, "little", signed=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(len(channels))
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path


def write_raw(path: Path, fmt: bytes, data: bytes, extra_chunks: bytes = b"") -> Path:
    """A WAV file built by hand, for headers `wave` cannot write."""
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + extra_chunks
    body += b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def samples(pcm: bytes) -> array[int]:
    out = array("h", pcm)
    return out


def rms(values: array[int] | list[float]) -> float:
    return math.sqrt(sum(v * v for v in values) / len(values))


def frequency(values: array[int], rate: int = TARGET_RATE) -> float:
    """Estimated from upward zero crossings, away from the edges."""
    body = values[len(values) // 10 : -len(values) // 10]
    ups = [i for i in range(1, len(body)) if body[i - 1] < 0 <= body[i]]
    return (len(ups) - 1) * rate / (ups[-1] - ups[0])


# -- conversions ----------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [8000, 11025, 16000, 22050, 44100, 48000])
@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_any_rate_and_width_becomes_16k_16bit_with_pitch_length_and_level_kept(
    tmp_path: Path, rate: int, width: int
) -> None:
    path = write_pcm(tmp_path / "in.wav", [tone(rate)], rate, width)
    out = samples(read_wav(path))
    assert abs(len(out) - SECONDS * TARGET_RATE) <= 1
    assert frequency(out) == pytest.approx(TONE, rel=0.01)
    # A sine of amplitude A has RMS A/sqrt(2); 8-bit quantisation and the filter cost little.
    assert rms(out) == pytest.approx(LEVEL * 32767 / math.sqrt(2), rel=0.03)


def test_stereo_is_mixed_to_the_mean_of_its_channels(tmp_path: Path) -> None:
    left = tone(22050)
    silent = [0.0] * len(left)
    path = write_pcm(tmp_path / "stereo.wav", [left, silent], 22050, 2)
    out = samples(read_wav(path))
    assert rms(out) == pytest.approx(LEVEL / 2 * 32767 / math.sqrt(2), rel=0.03)
    # Opposite channels cancel: proof that both are read, not just the first.
    path = write_pcm(tmp_path / "opposed.wav", [left, [-x for x in left]], 22050, 2)
    assert max(abs(s) for s in samples(read_wav(path))) <= 1


def test_six_channels_at_32_bit(tmp_path: Path) -> None:
    chans = [tone(48000)] + [[0.0] * round(48000 * SECONDS)] * 5
    out = samples(read_wav(write_pcm(tmp_path / "surround.wav", chans, 48000, 4)))
    assert frequency(out) == pytest.approx(TONE, rel=0.01)
    assert rms(out) == pytest.approx(LEVEL / 6 * 32767 / math.sqrt(2), rel=0.05)


def test_eight_bit_silence_is_zero_not_minus_half_scale(tmp_path: Path) -> None:
    path = write_pcm(tmp_path / "quiet.wav", [[0.0] * 8000], 8000, 1)
    assert set(samples(read_wav(path))) == {0}


def test_16k_mono_16bit_passes_through_unchanged(tmp_path: Path) -> None:
    original = array("h", (round(x * 32767) for x in tone(TARGET_RATE)))
    path = tmp_path / "same.wav"
    write_wav(path, original.tobytes())
    assert read_wav(path) == original.tobytes()


def test_sound_above_8k_does_not_fold_back_into_the_speech_band(tmp_path: Path) -> None:
    # A 10 kHz tone cannot exist at 16 kHz; naive interpolation would alias it to 6 kHz.
    path = write_pcm(tmp_path / "high.wav", [tone(44100, freq=10_000)], 44100, 2)
    out = samples(read_wav(path))
    assert rms(out) < 0.02 * LEVEL * 32767


def test_float32_and_extensible_headers(tmp_path: Path) -> None:
    wave_in = tone(22050)
    floats = array("f", wave_in).tobytes()
    fmt_float = struct.pack("<HHIIHH", 3, 1, 22050, 22050 * 4, 4, 32)
    path = write_raw(tmp_path / "float.wav", fmt_float, floats)
    out = samples(read_wav(path))
    assert frequency(out) == pytest.approx(TONE, rel=0.01)
    assert rms(out) == pytest.approx(LEVEL * 32767 / math.sqrt(2), rel=0.03)

    # WAVE_FORMAT_EXTENSIBLE with a PCM sub-format, 24-bit stereo: what field recorders write
    # and Python 3.11's `wave` module refuses. An odd-sized chunk before the data checks the
    # pad byte is skipped.
    guid_pcm = struct.pack("<H", 1) + bytes.fromhex("000000001000800000aa00389b71")
    fmt_ext = struct.pack("<HHIIHH", 0xFFFE, 2, 44100, 44100 * 6, 6, 24)
    fmt_ext += struct.pack("<HHI", 22, 24, 3) + guid_pcm
    left = tone(44100)
    data = b"".join(round(x * 8388607).to_bytes(3, "little", signed=True) * 2 for x in left)
    odd = b"LIST" + struct.pack("<I", 3) + b"abc\x00"
    path = write_raw(tmp_path / "ext.wav", fmt_ext, data, extra_chunks=odd)
    with WavReader(path) as reader:
        assert (reader.format.rate, reader.format.channels, reader.format.width) == (44100, 2, 3)
        out = samples(reader.read_all())
    assert frequency(out) == pytest.approx(TONE, rel=0.01)


def test_blocks_have_the_asked_size_and_do_not_change_the_audio(tmp_path: Path) -> None:
    path = write_pcm(tmp_path / "in.wav", [tone(22050, seconds=1.3)], 22050, 2)
    whole = read_wav(path)
    with WavReader(path) as reader:
        blocks = list(reader.blocks(1600))
        tiny = list(reader.blocks(7))
    assert all(len(b) == 3200 for b in blocks[:-1])
    assert 0 < len(blocks[-1]) <= 3200
    assert b"".join(blocks) == whole == b"".join(tiny)


def test_a_data_chunk_cut_short_reads_what_is_there(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_pcm(tmp_path / "in.wav", [tone(TARGET_RATE)], TARGET_RATE, 2)
    full = path.read_bytes()
    path.write_bytes(full[: len(full) - 3200])  # the last 0.1 s (and the header says more)
    with caplog.at_level(logging.WARNING, logger="assistant.audio"):
        out = read_wav(path)
    assert len(out) == len(full) - 44 - 3200
    assert "cut short" in caplog.text


# -- errors ---------------------------------------------------------------------------------


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.wav"
    with pytest.raises(InputError, match=r"The audio file .*nowhere\.wav does not exist\."):
        read_wav(path)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is not a WAV file"),
        (b"hello, this is a text file\n", "is not a WAV file"),
        (b"ID3\x04\x00" + bytes(200), "is not a WAV file"),  # an MP3
        (b"RIFF\x10\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00", "no complete format header"),
        (b"RIFF\x04\x00\x00\x00WAVE", "no complete format header"),
    ],
)
def test_non_wav_and_broken_headers_are_one_sentence_naming_the_file(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_wav(path)
    message = str(caught.value)
    assert str(path) in message and problem in message
    assert message.endswith(".") and "\n" not in message


def test_no_data_chunk(tmp_path: Path) -> None:
    fmt = struct.pack("<HHIIHH", 1, 1, 16000, 32000, 2, 16)
    body = b"WAVEfmt " + struct.pack("<I", len(fmt)) + fmt
    path = tmp_path / "empty.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    with pytest.raises(InputError, match="holds no audio data"):
        read_wav(path)


def test_compressed_wav_is_refused_with_what_to_do(tmp_path: Path) -> None:
    # IMA ADPCM (format 0x11), as some voice recorders write.
    fmt = struct.pack("<HHIIHH", 0x11, 1, 8000, 4055, 256, 4) + struct.pack("<HH", 2, 505)
    path = write_raw(tmp_path / "adpcm.wav", fmt, bytes(256))
    with pytest.raises(InputError, match=r"adpcm\.wav uses an encoding .* convert it to 16-bit"):
        read_wav(path)


def test_a_folder_is_not_audio(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be opened"):
        read_wav(tmp_path)
