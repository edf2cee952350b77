"""The bad-input matrix: every CLI command x every kind of hostile input.

Each case must exit 2 with exactly one line on stderr, no traceback, and (with
``--json``) nothing on stdout. Most cases run in-process through ``main()``;
a few run the real console entry point in a subprocess, with raw bytes in argv.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from imagenet_versions import __main__ as cli
from imagenet_versions.__main__ import main

HUGE = "x" * (1 << 20)  # a 1 MiB argument

#: input kind -> the argument
KINDS = {
    "empty": "",
    "non-utf8": "\udcff\udcfe",  # what Python makes of the argv bytes ff fe
    "bom": "\ufeffno-such-version",
    "huge": HUGE,
    "traversal": "../../x",
    "unknown-id": "no-such-version",
}

#: command -> argv with the bad input in place of X
COMMANDS = {
    "list": ["list", "X"],
    "show": ["show", "X"],
    "diff-a": ["diff", "X", "ilsvrc2012"],
    "diff-b": ["diff", "ilsvrc2012", "X"],
    "diff-split": ["diff", "ilsvrc2012", "imagenet-real", "--images", "--split", "X"],
    "label-map": ["label-map", "X", "ilsvrc2012"],
    "lineage": ["lineage", "X"],
    "lineage-to": ["lineage", "ilsvrc2012", "--to", "X"],
    "export-croissant": ["export", "croissant", "X"],
    "export-prov": ["export", "prov", "X"],
    "verify": ["verify", "X"],
    "survivors": ["survivors", "X"],
    "survivors-flag": ["survivors", "ilsvrc2012", "--flag", "X"],
    "survivors-source-url": ["survivors", "ilsvrc2012", "--source-url", "X"],
    "survivors-source-name": ["survivors", "ilsvrc2012", "--source-url", "X=http://127.0.0.1:9/f.csv"],
    "trace": ["trace", "X"],
    "flags": ["flags", "X"],
    "subtree-root": ["subtree", "X", "ilsvrc2012"],
    "subtree-version": ["subtree", "n00007846", "X"],
}
_NO_JSON = {"export-croissant", "export-prov"}


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _assert_clean_failure(code: int, out: str, err: str, *, as_json: bool) -> None:
    assert code == 2, (code, err[:300])
    assert err.endswith("\n") and err.count("\n") == 1, err[:300]
    assert "Traceback" not in err and "internal error" not in err, err[:300]
    assert len(err) < 1100  # a 1 MiB argument is cut in the message
    if as_json:
        assert out == ""


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_bad_argument(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    cache_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    kind: str,
) -> None:
    cwd = tmp_path / "a" / "b"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)  # "../../x" would land in tmp_path
    argv = [KINDS[kind] if a == "X" else a for a in COMMANDS[command]]
    code, out, err = _run(capsys, argv)
    _assert_clean_failure(code, out, err, as_json=False)
    if command not in _NO_JSON:
        code, out, err = _run(capsys, [*argv, "--json"])
        _assert_clean_failure(code, out, err, as_json=True)
    # nothing was written: not beside the working folder, not in the cache
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["a", "a/b"]
    assert not cache_root.exists()


#: input kind -> the bytes of a --user-flags file (or None: a path that is not there)
FILES = {
    "non-utf8": b"n02084071\tmine\nn02109047\tb\xe9d\n",
    "bom-garbage": b"\xef\xbb\xbfno such row\n",
    "huge": b"n02084071\t" + HUGE.encode() + b"\n",
    "cr-only": b"n02084071\tmine\rn02109047\tmine\r",
    "control": b"n02084071\tmine\x00\n",
    "unknown-id": b"n99999999\tmine\n",
    "directory": b"",
    "endless": None,
    "traversal": None,
}


@pytest.mark.parametrize("kind", list(FILES))
def test_bad_user_flag_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str) -> None:
    if kind == "traversal":
        path = "../../no/such/flags.tsv"
    elif kind == "endless":
        path = "/dev/zero"
    elif kind == "directory":
        path = str(tmp_path)
    else:
        p = tmp_path / "flags.tsv"
        p.write_bytes(FILES[kind] or b"")
        path = str(p)
    for extra in ([], ["--json"]):
        code, out, err = _run(capsys, ["survivors", "ilsvrc2012", "--user-flags", path, *extra])
        _assert_clean_failure(code, out, err, as_json=bool(extra))
        assert "flags.tsv" in err or kind in ("directory", "endless")


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\xef\xbb\xbfwnid\tflag\r\nn02084071\tmine\r\n"])
def test_empty_and_bom_flag_files_are_accepted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    p = tmp_path / "flags.tsv"
    p.write_bytes(content)
    code, out, err = _run(capsys, ["survivors", "ilsvrc2012", "--flag", "offensive", "--user-flags", str(p), "--json"])
    assert code == 0 and err == ""
    assert json.loads(out)["survivors"] == []  # ILSVRC-2012 keeps none of the 437 offensive synsets


def test_bom_before_a_real_id_is_the_id(capsys: pytest.CaptureFixture[str]) -> None:
    # ids are matched ignoring case and punctuation; a BOM pasted from a file is punctuation
    code, out, _ = _run(capsys, ["show", "\ufeffilsvrc2012", "--json"])
    assert code == 0 and json.loads(out)["id"] == "ilsvrc2012"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["survivors", "ilsvrc2012", "--source-url", "foo"], "expected SOURCE=URL, got 'foo'"),
        (["survivors", "ilsvrc2012", "--source-url", "=http://x"], "no flag source before '='"),
        (["survivors", "ilsvrc2012", "--source-url", "nope=http://x"], "unknown flag source: 'nope'"),
        (["survivors", "ilsvrc2012", "--source-url", "prabhu-birhane2020-nsfw="], "empty URL for flag source"),
        (["survivors", "ilsvrc2012", "--source-url", "prabhu-birhane2020-nsfw=file:///etc/passwd"], r"is not http(s)"),
        (["survivors", "ilsvrc2012", "--flag", "nope"], "unknown flag: 'nope'; known flags: ambiguous"),
    ],
)
def test_source_url_and_flag_errors_say_what_is_wrong(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    code, out, err = _run(capsys, argv)
    _assert_clean_failure(code, out, err, as_json=True)
    assert needle in err


def test_newlines_in_an_argument_stay_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, ["list", "a\nb\r\x1bc"])
    _assert_clean_failure(code, out, err, as_json=True)
    assert "a\\nb\\r\\x1bc" in err


def test_json_error_leaves_stdout_empty_even_after_output(capsys, monkeypatch) -> None:
    def half_done(cat, args):  # prints, then fails
        print('{"partial": ')
        from imagenet_versions.errors import CatalogError

        msg = "broken halfway"
        raise CatalogError(msg)

    monkeypatch.setattr(cli, "cmd_flags", half_done)
    parser = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda: _with_func(parser(), "flags", half_done))
    code, out, err = _run(capsys, ["flags", "--json"])
    assert (code, out, err) == (2, "", "imagenet-versions: error: broken halfway\n")


def _with_func(p, command, func):
    p._subparsers._group_actions[0].choices[command].set_defaults(func=func)
    return p


def test_unexpected_exception_is_one_line_unless_debugging(capsys, monkeypatch) -> None:
    def bug(cat, args):
        return {}["missing"]

    parser = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda: _with_func(parser(), "verify", bug))
    monkeypatch.delenv(cli.DEBUG_ENV, raising=False)
    code, out, err = _run(capsys, ["verify", "--json"])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("imagenet-versions: error: internal error: KeyError: 'missing'. This is a bug")
    assert "IMAGENET_VERSIONS_DEBUG=1" in err
    monkeypatch.setenv(cli.DEBUG_ENV, "1")
    with pytest.raises(KeyError, match="missing"):
        main(["verify"])


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "survivors" in capsys.readouterr().out
    assert main(["--version"]) == 0


def _subprocess(argv: list[bytes | str], **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "imagenet_versions", *argv],
        capture_output=True,
        check=False,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize(
    "argv",
    [
        [b"show", b"\xff\xfe"],  # not UTF-8
        [b"trace", b"\xef\xbb\xbf../../x"],
        [b"diff", b"ilsvrc2012", b"x" * 100_000],  # Linux caps one argument at 128 KiB
        [b"survivors", b"ilsvrc2012", b"--source-url", b"foo", b"--json"],
        [b"list", b"--json", b"--no-such-option"],
    ],
)
def test_console_bad_input_in_a_subprocess(argv: list[bytes]) -> None:
    r = _subprocess(argv)
    assert r.returncode == 2
    assert r.stderr.count(b"\n") == 1 and b"Traceback" not in r.stderr
    assert r.stderr.startswith(b"imagenet-versions")
    assert r.stdout == b""


def test_console_exit_flushes_the_whole_answer() -> None:
    """``run()`` skips the interpreter's teardown: the answer must still be complete."""
    import json

    r = _subprocess(["label-map", "imagenet-22k-goog", "ilsvrc2012", "--json"])
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert len(doc["mapping"]) == 21_843 and r.stdout.endswith(b"}\n")


def test_console_exit_into_a_closed_pipe_is_quiet() -> None:
    """A reader that stops early (``| head``) gets no traceback and no error status."""
    code = (
        "import subprocess, sys\n"
        "p = subprocess.Popen([sys.executable, '-m', 'imagenet_versions', 'label-map', 'imagenet-22k-goog',"
        " 'ilsvrc2012', '--json'], stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
        "p.stdout.read(10); p.stdout.close()\n"
        "err = p.stderr.read(); print(p.wait(), err.decode())\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    status, _, err = r.stdout.partition(" ")
    assert status == "0" and "Traceback" not in err and err.strip() == ""
