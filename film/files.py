"""The two file primitives every room shares: write a file atomically, and hash a file's content.

film/ is otherwise free of I/O; these two live here because engine, storage and studio all write
final files and key caches by content, and each once had its own copy (five atomic writers, two
with fixed `.part` names that a killed run could share with a resumed one).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def part_path(dest: Path) -> Path:
    """A fresh temp name next to `dest` (same folder, so `os.replace` is atomic) that keeps the
    suffix, so ffmpeg still picks the right muxer. Unique per call: an orphaned writer from a killed
    run may still be finishing its own temp file when a resumed run writes the same path."""
    dest = Path(dest)
    return dest.with_name(f".{dest.stem}.part-{os.getpid()}-{secrets.token_hex(4)}{dest.suffix}")


@contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """Yield a temp path to write; on success it replaces `dest`, on any exception (Ctrl-C
    included) it is removed, so `dest` is always either the old file, the whole new one, or absent."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = part_path(dest)
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(dest: Path, data: str | bytes) -> Path:
    """Write text (UTF-8) or bytes to `dest` atomically; returns `dest`."""
    with atomic_path(dest) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
    return Path(dest)


def file_sha256(path: Path) -> str:
    """sha256 of a file's content, streamed (takes and weights can be gigabytes)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
