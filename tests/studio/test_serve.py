"""`storyreel serve` through the command: on loopback it is open; on any other address it refuses
to start without STORYREEL_API_TOKEN (exit 2, one line saying what to set), and with one every API
call needs it as a Bearer header."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.studio.conftest import Cli
from tests.studio.serving import serving

TOKEN = "a-long-enough-studio-token"


@pytest.mark.parametrize("token", [None, "too-short"])
def test_off_loopback_without_a_good_token_it_refuses_to_start(
    cli: Cli, studio_env: dict[str, str], token: str | None
) -> None:
    studio_env.pop("STORYREEL_API_TOKEN", None)
    if token is not None:
        studio_env["STORYREEL_API_TOKEN"] = token
    done = cli("serve", "--host", "0.0.0.0", "--port", "9")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith("error: host='0.0.0.0'") and "STORYREEL_API_TOKEN" in lines[0]


def test_off_loopback_with_a_token_every_call_needs_it(studio_env: dict[str, str], tmp_path: Path) -> None:
    env = dict(studio_env, STORYREEL_API_TOKEN=TOKEN)
    with serving(env, tmp_path, "--host", "0.0.0.0", "--workers", "0") as base:
        assert httpx.get(f"{base}/api/v1/health").json() == {"status": "ok"}
        refused = httpx.get(f"{base}/api/v1/runs")
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        assert httpx.get(f"{base}/api/v1/runs", headers={"Authorization": "Bearer nope"}).status_code == 401
        allowed = httpx.get(f"{base}/api/v1/runs", headers={"Authorization": f"Bearer {TOKEN}"})
        assert allowed.status_code == 200 and allowed.json() == []


def test_on_loopback_it_is_open(studio_env: dict[str, str], tmp_path: Path) -> None:
    env = dict(studio_env, STORYREEL_API_TOKEN=TOKEN)  # set, but loopback asks for no login
    with serving(env, tmp_path, "--workers", "0") as base:
        assert httpx.get(f"{base}/api/v1/runs").status_code == 200
