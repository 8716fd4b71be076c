"""Every CLI door that takes a brief refuses the same request for footage of a real person: make,
plan, render, revise and chat (exit 2, one line, nothing written; the API's doors answer 403, see
tests/studio/api/test_gate.py). Every verdict lands in the audit log; consent lets a person in,
`--i-have-consent` overrides (audited), and a revoked consent stops later renders."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from film import FilmPlan
from tests.studio.conftest import Cli

REAL = "Barack Obama gives a speech on the steps of the Capitol at dawn."
PRIVATE = "My neighbour Dana Whitfield waters her roses at dawn and waves."
BENIGN = "Mara rows a small boat to the lighthouse at dawn. Theo waves from the pier."
NEXT_YEAR = (datetime.now(UTC).date() + timedelta(days=365)).isoformat()


def _refused(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "refused" in lines[0], lines[0]
    return lines[0]


def _audit(home: Path) -> list[tuple[str, str | None, str]]:
    db = sqlite3.connect(home / "storyreel.db")
    try:
        return db.execute("SELECT outcome, rule, entry FROM gate_audit ORDER BY id").fetchall()
    finally:
        db.close()


def _runs(home: Path) -> int:
    db = sqlite3.connect(home / "storyreel.db")
    try:
        return int(db.execute("SELECT count(*) FROM run").fetchone()[0])
    finally:
        db.close()


def test_the_cli_doors_refuse_a_real_person(cli: Cli, studio_env: dict[str, str], tmp_path: Path) -> None:
    home = Path(studio_env["STORYREEL_HOME"])
    line = _refused(cli("make", REAL, "--duration", "4", "--quiet"))
    assert "Obama" in line and "consent" in line
    _refused(cli("plan", REAL, "--out", str(tmp_path / "plan.json")))
    assert not (tmp_path / "plan.json").exists()
    chat = subprocess.run(
        [sys.executable, "-m", "studio", "chat", "--duration", "4", "--quiet"], input=f"{REAL}\nquit\n",
        env=studio_env, cwd=tmp_path, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert chat.returncode == 2 and "refused" in chat.stdout + chat.stderr
    assert _runs(home) == 0  # a refused brief leaves no run, plan, take or film
    assert not list((tmp_path / "out").glob("**/film.mp4"))
    made = cli("make", BENIGN, "--duration", "4", "--quiet")
    assert made.returncode == 0, made.stderr
    run_id = made.stderr.split("run ", 1)[1].split()[0]
    _refused(cli("revise", run_id, "make Theo into Barack Obama giving a speech"))
    plan = FilmPlan.model_validate_json(next((tmp_path / "out").glob("**/plan.json")).read_text())
    edited = plan.model_dump(mode="json")
    edited["shots"][0]["description"] = "Barack Obama waves from the pier."
    (tmp_path / "real.json").write_text(json.dumps(edited))
    _refused(cli("render", str(tmp_path / "real.json"), "--quiet"))
    outcomes = [(outcome, entry) for outcome, _rule, entry in _audit(home)]
    for door in ("cli:make", "cli:plan", "cli:revise", "cli:shoot"):
        assert ("refused", door) in outcomes, (door, outcomes)
    assert ("allowed", "cli:make") in outcomes


def test_the_gate_cannot_be_switched_off(cli: Cli, studio_env: dict[str, str]) -> None:
    studio_env["STORYREEL_GATE"] = "off"
    line = cli("make", BENIGN, "--duration", "4").stderr.strip()
    assert line.startswith("error: STORYREEL_GATE='off'") and "--i-have-consent" in line


def test_consent_lets_a_person_in_and_revoking_it_stops_renders(
    cli: Cli, studio_env: dict[str, str], tmp_path: Path
) -> None:
    release = tmp_path / "release.pdf"
    release.write_bytes(b"%PDF signed release")
    _refused(cli("make", PRIVATE, "--duration", "4", "--quiet"))
    added = cli("consent", "add", "Dana Whitfield", "--evidence", str(release), "--expires", NEXT_YEAR)
    consent_id = added.stdout.strip()
    made = cli("make", PRIVATE, "--duration", "4", "--quiet")
    assert made.returncode == 0, made.stderr
    run_id = made.stderr.split("run ", 1)[1].split()[0]
    cli("consent", "revoke", consent_id, "--reason", "withdrawn")
    again = cli("revise", run_id, "shot 1: close-up", "--quiet")  # cached takes; it must still stop
    assert "revoked" in _refused(again)
    audit = cli("audit", "--run", run_id)
    assert audit.returncode == 0 and "allowed" in audit.stdout and "refused" in audit.stdout


def test_an_operator_override_is_audited(cli: Cli, studio_env: dict[str, str], tmp_path: Path) -> None:
    release = tmp_path / "release.pdf"
    release.write_bytes(b"%PDF signed release")
    boss = "My boss waves from the pier at dawn."
    _refused(cli("make", boss, "--duration", "4", "--quiet"))
    consent_id = cli(
        "consent", "add", "Robin Vale", "--evidence", str(release), "--expires", NEXT_YEAR
    ).stdout
    made = cli("make", boss, "--duration", "4", "--quiet", "--i-have-consent", consent_id.strip())
    assert made.returncode == 0, made.stderr
    wrong = cli("make", boss, "--duration", "4", "--quiet", "--i-have-consent", "c-20000101-000000")
    assert wrong.returncode == 2 and "i-have-consent=" in wrong.stderr
    assert any(o == "overridden" for o, _r, _e in _audit(Path(studio_env["STORYREEL_HOME"])))
