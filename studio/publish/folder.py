"""The `folder` adapter: each episode lands in a dated folder with a JSON sidecar,

    <root>/<series slug>/<YYYY>/<MM>/<DD>/<HHMM>-<title slug>/film.mp4, film.srt, ..., release.json

built whole in a temp folder beside it and renamed into place, so a reader (or a sync job) never
sees half an episode. Publishing the same release again finds its `release.json` with the same
idempotency key and returns the same receipt without copying anything: an at-least-once scheduler
cannot make duplicates. A different film for the same slot and title is refused, not overwritten.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path

from film import BadInput
from film.files import file_sha256, write_atomic
from studio.publish.release import PublishFailure, Receipt, Release, slug

SIDECAR = "release.json"


class FolderPublisher:
    """Publishes into dated folders under `root` (created if missing)."""

    name = "folder"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def destination(self, release: Release) -> Path:
        """Where `release` goes; series and title are slugs, so neither can leave `root`."""
        at = release.slot
        leaf = f"{at:%H%M}-{slug(release.title, fallback='episode')}"
        dest = (
            self.root / slug(release.series, fallback="series") / f"{at:%Y}" / f"{at:%m}" / f"{at:%d}" / leaf
        )
        root = self.root.resolve()
        if not dest.resolve().is_relative_to(root):  # a symlinked series folder pointing elsewhere
            raise BadInput("series", release.series, f"would publish outside {root}")
        return dest

    def publish(self, release: Release) -> Receipt:
        """Copy the film and sidecars into the episode's folder with its release.json."""
        if SIDECAR in (p.name for p in (release.film, *release.sidecars)):
            raise BadInput("sidecars", SIDECAR, "is the name the folder adapter writes; rename that file")
        dest = self.destination(release)
        done = self._already(dest, release)
        if done is not None:
            return done
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(f".{dest.name}.part-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            part.mkdir()
            files = {}
            for source in (release.film, *release.sidecars):
                shutil.copyfile(source, part / source.name)
                files[source.name] = file_sha256(part / source.name)
            if files[release.film.name] != release.film_sha256:
                raise PublishFailure(f"{release.film} changed while it was being published; try again")
            write_atomic(part / SIDECAR, _sidecar_text(release, files))
            try:
                part.rename(dest)
            except OSError:  # another publisher got there first: fine if it was this release
                done = self._already(dest, release)
                if done is None:
                    raise
                return done
        finally:
            shutil.rmtree(part, ignore_errors=True)
        return self._receipt(dest, release)

    def _already(self, dest: Path, release: Release) -> Receipt | None:
        """The receipt of an earlier publish of this same release at `dest`, or None if absent;
        a folder holding another film for this slot and title is an error, never overwritten."""
        if not dest.exists():
            return None
        try:
            key = json.loads((dest / SIDECAR).read_text(encoding="utf-8"))["idempotency_key"]
        except (OSError, ValueError, KeyError, TypeError):
            key = None
        if key != release.idempotency_key:
            raise PublishFailure(
                f"{dest} already holds another release (idempotency key {str(key)[:12]}..., "
                f"this one {release.idempotency_key[:12]}...); remove it to publish this film there"
            )
        return self._receipt(dest, release)

    def _receipt(self, dest: Path, release: Release) -> Receipt:
        return Receipt(self.name, str(dest), 1, release.idempotency_key)


def _sidecar_text(release: Release, files: dict[str, str]) -> str:
    """release.json: the release's fields, the AI label, the key, how C2PA travels, file hashes."""
    data = dict(release.metadata(), film=release.film.name, files=files)
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
