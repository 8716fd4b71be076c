"""Checks at the studio's door: every bad input becomes one `BadInput` naming field and value,
before any run is created or any file is written."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from film import ASPECTS, BadInput, FilmPlan
from film.plan import MAX_DURATION_S, MIN_DURATION_S

MAX_BRIEF_CHARS = 20_000


def check_brief(brief: str) -> str:
    if not brief.strip():
        raise BadInput("brief", brief, "is empty; describe the story you want filmed")
    if len(brief) > MAX_BRIEF_CHARS:
        raise BadInput("brief", brief, f"has {len(brief)} characters; the limit is {MAX_BRIEF_CHARS}")
    return brief.strip()


def read_brief_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput("brief-file", str(path), f"cannot be read ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput("brief-file", str(path), f"is not UTF-8 text (bad byte at {exc.start})") from exc
    return check_brief(text.removeprefix("\ufeff"))


def brief_from(brief: str | None, brief_file: Path | None) -> str:
    if brief is not None and brief_file is not None:
        raise BadInput("brief", brief, "give either a BRIEF argument or --brief-file, not both")
    if brief_file is not None:
        return read_brief_file(brief_file)
    if brief is None:
        raise BadInput("brief", None, "missing; pass a BRIEF argument or --brief-file F")
    return check_brief(brief)


def check_duration(duration_s: float) -> float:
    if not (MIN_DURATION_S <= duration_s <= MAX_DURATION_S):
        raise BadInput(
            "duration", duration_s, f"must be between {MIN_DURATION_S:g} and {MAX_DURATION_S:g} seconds"
        )
    return duration_s


def check_aspect(aspect: str) -> str:
    if aspect not in ASPECTS:
        raise BadInput("aspect", aspect, f"unknown aspect; choose one of {', '.join(ASPECTS)}")
    return aspect


def check_out_dir(out: Path) -> Path:
    """Make sure we can write there now, rather than failing after minutes of rendering."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise BadInput("out", str(out), f"is not a writable folder ({exc.strerror or exc})") from exc
    return out


def load_plan(path: Path) -> FilmPlan:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput("plan", str(path), f"cannot be read as UTF-8 text ({exc})") from exc
    try:
        return FilmPlan.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise BadInput("plan", str(path), f"is not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "plan"
        raise BadInput("plan", str(path), f"{where}: {first['msg']}") from exc
