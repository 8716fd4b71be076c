"""Content-addressed files: a file's sha256 is its name, so equal media is stored once and a
path never changes meaning.

Layout: `root/ab/cd/<sha256><suffix>`. Every write goes to a hidden temp name in the final
folder and is published with `os.replace`, so a crash never leaves a partial file at a final
path (readers and `path_for` only ever see whole files).
"""

from __future__ import annotations

import errno
import hashlib
import io
import mimetypes
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from film.files import atomic_path, file_sha256

CHUNK_BYTES = 1024 * 1024
_SHA256_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class StoredAsset:
    """A file that is now in the store. `relative` is its path from the store root (posix)."""

    sha256: str
    path: Path
    size: int
    relative: str

    @property
    def media_type(self) -> str:
        """MIME type guessed from the suffix, e.g. 'video/mp4'."""
        guessed, _ = mimetypes.guess_type(self.path.name)
        return guessed or "application/octet-stream"


def _check_sha(sha256: str) -> str:
    if len(sha256) != 64 or not set(sha256) <= _SHA256_HEX:
        raise ValueError(f"sha256 must be 64 lowercase hex characters, got {sha256!r}")
    return sha256


def _copy_stream(source: BinaryIO, target: BinaryIO) -> None:
    """Copy in chunks (a seam tests use to fail a copy half way)."""
    shutil.copyfileobj(source, target, CHUNK_BYTES)


class AssetStore:
    """Files kept by content under `root`; safe to share between threads and processes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def folder_for(self, sha256: str) -> Path:
        sha = _check_sha(sha256)
        return self.root / sha[:2] / sha[2:4]

    def path_for(self, sha256: str) -> Path | None:
        """The stored file with this content, or None if the store does not hold it."""
        folder = self.folder_for(sha256)
        if not folder.is_dir():
            return None
        for candidate in sorted(folder.glob(f"{sha256}*")):
            if candidate.is_file():
                return candidate
        return None

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256) is not None

    def relative(self, path: Path) -> str:
        """The store-relative posix path that the `asset` table records."""
        return Path(path).resolve().relative_to(self.root).as_posix()

    def put_file(self, path: Path, *, move: bool = True) -> StoredAsset:
        """Store the file at `path` under its hash; with `move` the source is gone afterwards.

        If the content is already stored, the existing file is kept (and a moved source is
        simply dropped), so putting the same take twice is harmless.
        """
        source = Path(path)
        sha = file_sha256(source)
        size = source.stat().st_size
        existing = self.path_for(sha)
        if existing is not None:
            if move and source.resolve() != existing.resolve():
                source.unlink(missing_ok=True)
            return self._stored(sha, existing)
        final = self.folder_for(sha) / f"{sha}{source.suffix.lower()}"
        final.parent.mkdir(parents=True, exist_ok=True)
        if move and self._rename_into(source, final):
            return self._stored(sha, final, size)
        if not move and self._link_into(source, final):
            return self._stored(sha, final, size)
        with open(source, "rb") as handle:
            self._publish(handle, final)
        if move:
            source.unlink(missing_ok=True)
        return self._stored(sha, final, size)

    def put_bytes(self, data: bytes, suffix: str = "") -> StoredAsset:
        """Store bytes made in memory (thumbnails, contact sheets, sidecars)."""
        if suffix and not suffix.startswith("."):
            raise ValueError(f"suffix must start with '.', got {suffix!r}")
        sha = hashlib.sha256(data).hexdigest()
        existing = self.path_for(sha)
        if existing is not None:
            return self._stored(sha, existing)
        final = self.folder_for(sha) / f"{sha}{suffix.lower()}"
        final.parent.mkdir(parents=True, exist_ok=True)
        self._publish(io.BytesIO(data), final)
        return self._stored(sha, final, len(data))

    # --- internals ----------------------------------------------------------------------------

    def _stored(self, sha: str, path: Path, size: int | None = None) -> StoredAsset:
        size = path.stat().st_size if size is None else size
        return StoredAsset(sha256=sha, path=path, size=size, relative=self.relative(path))

    def _link_into(self, source: Path, final: Path) -> bool:
        """A hard link under a temp name, then renamed into place: instant and atomic, and the
        source stays where it is. False where links are impossible (another filesystem)."""
        try:
            with atomic_path(final) as tmp:
                os.link(source, tmp)
        except OSError:
            return False  # the caller copies instead
        return True

    @staticmethod
    def _rename_into(source: Path, final: Path) -> bool:
        """Atomic move when source and store share a filesystem; False when they do not."""
        try:
            os.replace(source, final)
        except OSError as exc:
            if exc.errno == errno.EXDEV:
                return False
            raise
        return True

    def _publish(self, handle: BinaryIO, final: Path) -> None:
        """Copy to a temp name, fsync, then rename: the final path is whole or absent."""
        with atomic_path(final) as tmp, open(tmp, "xb") as out:
            _copy_stream(handle, out)
            out.flush()
            os.fsync(out.fileno())
