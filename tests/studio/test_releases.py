"""`storyreel consent add|list|revoke` through the command: a record with its evidence kept by
hash, bad scope / date / file refused in one line (exit 2), revocation kept, not deleted."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.studio.conftest import Cli

NEXT_YEAR = (datetime.now(UTC).date() + timedelta(days=365)).isoformat()


@pytest.fixture
def release(tmp_path: Path) -> Path:
    signed = tmp_path / "release.pdf"
    signed.write_bytes(b"%PDF-1.4 signed appearance release of Dana Whitfield")
    return signed


def _one_line_error(done: object) -> str:
    stderr = done.stderr  # type: ignore[attr-defined]
    assert done.returncode == 2, stderr  # type: ignore[attr-defined]
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return str(lines[0])


def test_a_consent_is_recorded_listed_and_revoked(cli: Cli, release: Path) -> None:
    added = cli("consent", "add", "Dana Whitfield", "--evidence", str(release), "--expires", NEXT_YEAR,
                "--scope", "film, ad", "--alias", "Dana W.")  # fmt: skip
    assert added.returncode == 0, added.stderr
    consent_id = added.stdout.strip()
    assert consent_id.startswith("c-") and "ad, film" in added.stderr
    listed = cli("consent", "list")
    assert consent_id in listed.stdout and "Dana Whitfield" in listed.stdout
    assert hashlib.sha256(release.read_bytes()).hexdigest()[:12] in listed.stdout
    revoked = cli("consent", "revoke", consent_id, "--reason", "asked to withdraw")
    assert revoked.returncode == 0, revoked.stderr
    assert consent_id not in cli("consent", "list").stdout
    assert "asked to withdraw" in cli("consent", "list", "--all").stdout


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--scope", "everything"], "scope="),
        (["--expires", "2001-01-01"], "expires="),
        (["--expires", "next week"], "expires="),
    ],
)
def test_bad_consent_input_is_one_line(cli: Cli, release: Path, args: list[str], field: str) -> None:
    base = {"--scope": "film", "--expires": NEXT_YEAR} | dict(zip(args[::2], args[1::2], strict=True))
    flags = [part for pair in base.items() for part in pair]
    line = _one_line_error(cli("consent", "add", "Dana Whitfield", "--evidence", str(release), *flags))
    assert field in line


def test_missing_evidence_and_unknown_ids_are_one_line(cli: Cli, tmp_path: Path) -> None:
    missing = cli("consent", "add", "Dana", "--evidence", str(tmp_path / "nope.pdf"), "--expires", NEXT_YEAR)
    assert "evidence=" in _one_line_error(missing)
    assert "consent_id=" in _one_line_error(cli("consent", "revoke", "c-19990101-000000"))
