"""Checks at the studio's door: every bad input becomes one `BadInput` naming field and value,
before any run is created or any file is written."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path, PurePosixPath, PureWindowsPath

from pydantic import ValidationError

from film import ASPECTS, BadInput, FilmPlan
from film.disclosure import DEFAULT_BUG, BugCorner, bug_refusal
from film.plan import MAX_DURATION_S, MIN_DURATION_S

MAX_BRIEF_CHARS = 20_000
MAX_STYLE_CHARS = 200
MAX_PATH_CHARS = 1000
"""What the runs table keeps of an output folder's path."""
MAX_SEED = 2**32 - 1


def _bounded_text(field: str, text: str, limit: int, when_empty: str) -> str:
    """`text` stripped, if it has something in it and at most `limit` characters."""
    if not text.strip():
        raise BadInput(field, text, when_empty)
    if len(text) > limit:
        raise BadInput(field, text, f"has {len(text)} characters; the limit is {limit}")
    return text.strip()


def check_brief(brief: str) -> str:
    return _bounded_text("brief", brief, MAX_BRIEF_CHARS, "is empty; describe the story you want filmed")


def read_text_file(path: Path, field: str, max_bytes: int | None = None) -> str:
    """A text file a user gave us (a brief, a brand kit, a CSV batch), decoded as UTF-8 with a
    spreadsheet's byte-order mark dropped, or BadInput naming `field`."""
    try:
        if max_bytes is not None and path.stat().st_size > max_bytes:
            raise BadInput(field, str(path), f"is over the {max_bytes // 1024} KiB limit")
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(field, str(path), f"cannot be read ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(field, str(path), f"is not UTF-8 text (bad byte at {exc.start})") from exc
    return text.removeprefix("\ufeff")


def read_brief_file(path: Path) -> str:
    return check_brief(read_text_file(path, "brief-file"))


def brief_from(brief: str | None, brief_file: Path | None) -> str:
    if brief is not None and brief_file is not None:
        raise BadInput("brief", brief, "give either a BRIEF argument or --brief-file, not both")
    if brief_file is not None:
        return read_brief_file(brief_file)
    if brief is None:
        raise BadInput("brief", None, "missing; pass a BRIEF argument or --brief-file F")
    return check_brief(brief)


def check_duration(duration_s: float) -> float:
    if math.isnan(duration_s) or not (MIN_DURATION_S <= duration_s <= MAX_DURATION_S):
        raise BadInput(
            "duration", duration_s, f"must be between {MIN_DURATION_S:g} and {MAX_DURATION_S:g} seconds"
        )
    return duration_s


def check_aspect(aspect: str) -> str:
    if aspect not in ASPECTS:
        raise BadInput("aspect", aspect, f"unknown aspect; choose one of {', '.join(ASPECTS)}")
    return aspect


def check_style(style: str) -> str:
    return _bounded_text("style", style, MAX_STYLE_CHARS, "is empty; name a look, e.g. noir")


def check_seed(seed: int) -> int:
    if not 0 <= seed <= MAX_SEED:
        raise BadInput("seed", seed, f"must be between 0 and {MAX_SEED}")
    return seed


def check_engine(name: str, bug: BugCorner = DEFAULT_BUG) -> str:
    """A known engine name, checked before a run row names it, and one whose corner bug may be
    where the settings put it (never off for realistic footage)."""
    from engine import ENGINES

    if name not in ENGINES:
        raise BadInput("engine", name, f"unknown engine; choose one of: {', '.join(ENGINES)}")
    refusal = bug_refusal(name, bug)
    if refusal:
        raise BadInput("ai_bug", bug, refusal)
    return name


def out_file(out: str, default_name: str) -> Path:
    """Where a command writes its one file: `out` itself, or `out/<default_name>` when `out` is
    a folder (one that exists, or a path written with a trailing slash). The folder must be
    writable. `out` is the text as typed: a Path would drop the trailing slash."""
    if not out.strip():
        raise BadInput("out", out, "is empty; give a file or a folder")
    path = Path(out)
    try:
        folder = path.is_dir()
    except OSError as exc:  # e.g. a name longer than the file system allows
        raise BadInput("out", out, f"cannot be used ({exc.strerror or exc})") from exc
    target = path / default_name if folder or out.endswith(("/", os.sep)) else path
    check_out_dir(target.parent)
    return target


def existing_file(path: Path, field: str, what: str) -> Path:
    """`path` if it is a readable file, else BadInput naming `field` (`what`: "audio file")."""
    try:
        found = path.is_file() and os.access(path, os.R_OK)
    except OSError:
        found = False
    if not found:
        raise BadInput(field, str(path), f"no such {what}")
    return path


def check_out_dir(out: Path) -> Path:
    """Make sure we can write there now, rather than failing after minutes of rendering."""
    if len(os.fspath(out.resolve())) > MAX_PATH_CHARS:
        raise BadInput("out", str(out), f"is longer than {MAX_PATH_CHARS} characters")
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


def inside(root: Path, relative: str, field: str = "path", folder: str = "the run's folder") -> Path:
    """`root/relative` resolved, or BadInput when it would lie outside `root` (symlinks followed):
    every path taken from a user (a request, a brand kit) resolves inside its own folder."""
    if "\x00" in relative:
        raise BadInput(field, relative, "contains a NUL byte")
    pure = PurePosixPath(relative.replace("\\", "/"))
    if pure.is_absolute() or PureWindowsPath(relative).drive:
        raise BadInput(field, relative, f"must be relative to {folder}")
    if ".." in pure.parts:
        raise BadInput(field, relative, f"must not climb out of {folder} with '..'")
    base = root.resolve()
    target = (base / pure).resolve()
    if not target.is_relative_to(base):
        raise BadInput(field, relative, f"leads outside {folder} (a symlink out)")
    return target
