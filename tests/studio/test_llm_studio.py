"""The studio on a real LLM: `storyreel make --llm` plans and recaptions through llama.cpp's
OpenAI-compatible server (SmolLM2-135M), records token usage on the run, and the film is cut."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from engine import probe
from film import FilmPlan


def test_make_with_a_real_llm_records_usage(
    llama_server: str, studio_env: dict[str, str], tmp_path: Path
) -> None:
    limits = {"PLAN_MAX_TOKENS": "400", "MAX_RETRIES": "0", "MAX_REPAIRS": "1", "TIMEOUT_S": "180"}
    env = dict(studio_env, **{f"STORYREEL_LLM_{key}": value for key, value in limits.items()})
    args = ["make", "Mara lights the lamp as a storm hits the lighthouse.", "--duration", "4", "--quiet"]
    args += ["--llm", llama_server, "--model", "smollm2", "--out", str(tmp_path / "f")]
    done = subprocess.run(
        [sys.executable, "-m", "studio", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    plan = FilmPlan.model_validate_json((tmp_path / "f" / "plan.json").read_text(encoding="utf-8"))
    assert probe(tmp_path / "f" / "film.mp4").frames == plan.total_frames
    db = sqlite3.connect(Path(env["STORYREEL_HOME"]) / "storyreel.db")
    try:
        prompt, completion = db.execute("SELECT prompt_tokens, completion_tokens FROM run").fetchone()
    finally:
        db.close()
    assert prompt > 0 and completion > 0, done.stderr
