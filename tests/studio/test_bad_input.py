"""Every bad input: one line naming the field and value, exit code 2, nothing left behind."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from engine import probe
from tests.studio.conftest import Cli
from tests.studio.killpoints import start_cli, wait_stopped


def _assert_one_line_error(done: subprocess.CompletedProcess[str], field: str, value: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{field}=" in lines[0] and value in lines[0], lines[0]


def _no_final_files(root: Path) -> None:
    finals = [p for p in root.rglob("*") if p.name in {"film.mp4", "plan.json", "film.srt"}]
    assert finals == []


@pytest.mark.parametrize(
    ("args", "field", "value"),
    [
        (["   "], "brief", "'   '"),
        (["x" * 20_001], "brief", "xxx"),
        (["A storm.", "--duration", "1"], "duration", "1.0"),
        (["A storm.", "--duration", "2000"], "duration", "2000.0"),
        (["A storm.", "--aspect", "4:3"], "aspect", "'4:3'"),
    ],
)
def test_bad_make_arguments(cli: Cli, tmp_path: Path, args: list[str], field: str, value: str) -> None:
    done = cli("make", *args, "--out", str(tmp_path / "o"))
    _assert_one_line_error(done, field, value)
    _no_final_files(tmp_path)


def test_non_utf8_brief_file(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "brief.txt"
    bad.write_bytes(b"caf\xe9 at night\xff")
    done = cli("make", "--brief-file", str(bad), "--out", str(tmp_path / "o"))
    _assert_one_line_error(done, "brief-file", "brief.txt")
    _no_final_files(tmp_path)


def test_unwritable_out(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = cli("make", "A storm.", "--duration", "3", "--out", str(blocker / "film"))
    _assert_one_line_error(done, "out", "a-file")
    _no_final_files(tmp_path)


@pytest.mark.parametrize(
    ("content", "why"),
    [("{not json", "not valid JSON"), ('{"title": "x"}', "duration_s"), ("", "not valid JSON")],
)
def test_malformed_plan_file(cli: Cli, tmp_path: Path, content: str, why: str) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(content, encoding="utf-8")
    done = cli("render", str(plan), "--out", str(tmp_path / "o"))
    _assert_one_line_error(done, "plan", "plan.json")
    assert why in done.stderr
    assert not (tmp_path / "o" / "film.mp4").exists()


def test_ctrl_c_leaves_no_partial_file(studio_env: dict[str, str], tmp_path: Path) -> None:
    """Ctrl-C in the middle of the render stage (the make stops itself after its first take, so
    the other shots are still to render), delivered as the process goes on."""
    out = tmp_path / "o"
    make = [
        "make",
        "A long walk through the city at night. " * 8,
        "--duration",
        "40",
        "--out",
        str(out),
        "--quiet",
    ]
    proc = start_cli(make, studio_env, tmp_path, "rendered:1")
    wait_stopped(proc, "its first take")
    proc.send_signal(signal.SIGINT)
    proc.send_signal(signal.SIGCONT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    _no_final_files(out)
    home = Path(studio_env["STORYREEL_HOME"])
    assert not [p for p in home.rglob("*") if ".part" in p.name]
    for clip in home.rglob("*.mp4"):
        assert probe(clip).frames > 0, clip
    assert os.path.exists(home / "storyreel.db")
