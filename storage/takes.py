"""The take library the studio injects into the agents' graph (`film.studio.TakeLibrary`):
same RenderSpec hash, same take, never rendered twice.

Render threads call it concurrently, so every call opens its own short session; the asset
store's atomic writes and the repository's insert-if-missing make a race harmless.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine

from film import Take
from storage import repository
from storage.assets import AssetStore
from storage.db import session_scope


class StoredTakeLibrary:
    """Takes kept in the database, their media in the content-addressed `AssetStore`."""

    def __init__(self, engine: Engine, assets: AssetStore) -> None:
        self.engine = engine
        self.assets = assets

    def find(self, spec_hash: str) -> Take | None:
        """The stored take for this spec, or None. A row whose file has vanished counts as
        missing, so the shot is simply rendered again instead of failing at assembly."""
        with session_scope(self.engine) as session:
            record = repository.find_take(session=session, spec_hash=spec_hash)
            if record is None:
                return None
            asset = repository.get_asset(session=session, sha256=record.asset_sha256)
            relative = asset.path if asset is not None else None
        path = self._existing_path(record.asset_sha256, relative)
        if path is None:
            return None
        extras = {
            kind: str(found)
            for kind, sha in json.loads(record.extras_json or "{}").items()
            if (found := self.assets.path_for(sha)) is not None
        }
        return Take(
            shot_id=record.shot_id,
            spec_hash=record.spec_hash,
            engine=record.engine,
            path=str(path),
            asset_sha256=record.asset_sha256,
            frames=record.frames,
            fps=record.fps,
            width=record.width,
            height=record.height,
            cached=True,
            render_s=record.render_s,
            extras=extras,
            settings=record.settings(),
        )

    def keep(self, take: Take) -> Take:
        """Move the take's file into the store, record asset and take in one transaction, and
        return the take pointing at the stored file."""
        # Link into the store, record, and only then drop the render: a process killed anywhere
        # in between leaves either the rendered file (picked up again, not re-rendered) or the row.
        sources = [Path(take.path), *(Path(p) for p in take.extras.values() if Path(p).is_file())]
        stored = self.assets.put_file(sources[0], move=False)
        extras = {
            kind: self.assets.put_file(Path(path), move=False)
            for kind, path in take.extras.items()
            if Path(path).is_file()
        }
        with session_scope(self.engine) as session:
            repository.record_take(session=session, take=take, asset=stored, extras=extras)
        for source in sources:
            if source.resolve() != stored.path.resolve():
                source.unlink(missing_ok=True)
        return take.model_copy(
            update={
                "path": str(stored.path),
                "asset_sha256": stored.sha256,
                "extras": {kind: str(extra.path) for kind, extra in extras.items()},
            }
        )

    def _existing_path(self, sha256: str, relative: str | None) -> Path | None:
        """The recorded path if the file is there, else wherever the store holds that content."""
        if relative is not None:
            recorded = self.assets.root / relative
            if recorded.is_file():
                return recorded
        return self.assets.path_for(sha256)
