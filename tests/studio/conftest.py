"""Run the real `storyreel` CLI in a subprocess, with its home and outputs in a temp folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Cli = Callable[..., subprocess.CompletedProcess[str]]
FAST_LLM = {
    "STORYREEL_LLM_MAX_RETRIES": "0",
    "STORYREEL_LLM_MAX_REPAIRS": "0",
    "STORYREEL_LLM_TIMEOUT_S": "20",
}
"""LLM settings for tests on the scripted server: one request per agent call, no retries."""


@pytest.fixture
def studio_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["STORYREEL_HOME"] = str(tmp_path / "home")
    env["STORYREEL_OUT_ROOT"] = str(tmp_path / "out")
    env["COLUMNS"] = "200"
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])  # this checkout, whatever is installed
    return env


@pytest.fixture
def cli(studio_env: dict[str, str], tmp_path: Path) -> Cli:
    def run(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "studio", *args],
            env=studio_env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture
def cli_env_run(studio_env: dict[str, str], tmp_path: Path) -> tuple[dict[str, str], str]:
    """A finished 3-second run, for tests that revise or resume one."""
    done = subprocess.run(
        [sys.executable, "-m", "studio", "make", "Mara waves. Theo smiles.", "--duration", "3", "--quiet"],
        env=studio_env, cwd=tmp_path, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    run_id = done.stderr.split("run ", 1)[1].split()[0]
    return studio_env, run_id
