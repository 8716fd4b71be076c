"""StoredTakeLibrary: the film.studio.TakeLibrary that the agents' graph is given."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from film import Take, TakeLibrary
from storage import (
    Asset,
    AssetStore,
    StoredTakeLibrary,
    TakeRecord,
    find_take,
    record_take,
    session_scope,
)
from tests.storage.factories import make_take, spec_hash_of


def test_keep_then_find_round_trip(tmp_path: Path, engine: Engine, store: AssetStore) -> None:
    library: TakeLibrary = StoredTakeLibrary(engine, store)
    fresh = make_take(tmp_path, "sh1", b"rendered frames")

    kept = library.keep(fresh)
    found = library.find(fresh.spec_hash)

    assert not Path(fresh.path).exists()
    assert Path(kept.path).is_relative_to(store.root)
    assert Path(kept.path).read_bytes() == b"rendered frames"
    assert kept.asset_sha256 and not kept.cached
    assert found is not None
    assert found == kept.model_copy(update={"cached": True})
    assert library.find(spec_hash_of("never rendered")) is None


def test_find_is_none_when_the_file_vanished(tmp_path: Path, engine: Engine, store: AssetStore) -> None:
    library = StoredTakeLibrary(engine, store)
    kept = library.keep(make_take(tmp_path, "sh1", b"soon gone"))
    Path(kept.path).unlink()

    assert library.find(kept.spec_hash) is None
    with session_scope(engine) as session:
        assert find_take(session=session, spec_hash=kept.spec_hash) is not None

    rerendered = library.keep(make_take(tmp_path, "sh1", b"soon gone"))
    assert library.find(kept.spec_hash) == rerendered.model_copy(update={"cached": True})


def test_record_take_is_idempotent(tmp_path: Path, engine: Engine, store: AssetStore) -> None:
    take = make_take(tmp_path, "sh1", b"once")
    stored = store.put_file(Path(take.path))
    for _ in range(2):
        with session_scope(engine) as session:
            row = record_take(session=session, take=take, asset=stored)
            assert (row.spec_hash, row.asset_sha256) == (take.spec_hash, stored.sha256)
    with session_scope(engine) as session:
        assert len(session.exec(select(TakeRecord)).all()) == 1
        (asset,) = session.exec(select(Asset)).all()
    assert (asset.path, asset.size, asset.media_type) == (stored.relative, 4, "video/mp4")


def test_concurrent_keep_from_four_threads(tmp_path: Path, engine: Engine, store: AssetStore) -> None:
    """Render threads keep at once: two share content, two share a spec (a re-run race)."""
    library = StoredTakeLibrary(engine, store)
    takes = [
        make_take(tmp_path, "sh0", b"A" * 50_000),
        make_take(tmp_path, "sh1", b"A" * 50_000),
        make_take(tmp_path, "sh2", b"B" * 50_000, spec="sh2"),
        make_take(tmp_path, "sh2-rerun", b"B" * 50_000, spec="sh2"),
    ]
    barrier = threading.Barrier(len(takes))
    results: dict[int, Take] = {}
    errors: list[BaseException] = []

    def keep(index: int) -> None:
        try:
            barrier.wait(timeout=5)
            results[index] = library.keep(takes[index])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=keep, args=(i,)) for i in range(len(takes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert errors == []
    assert len(results) == 4
    assert results[0].path == results[1].path
    assert results[2].path == results[3].path
    for take in takes:
        assert not Path(take.path).exists()
        found = library.find(take.spec_hash)
        assert found is not None and Path(found.path).is_file()
    with session_scope(engine) as session:
        assert len(session.exec(select(TakeRecord)).all()) == 3
        assert len(session.exec(select(Asset)).all()) == 2
    assert sorted(p.name.startswith(".") for p in store.root.rglob("*") if p.is_file()) == [False, False]


def test_side_files_travel_with_the_take(tmp_path: Path, engine: Engine, store: AssetStore) -> None:
    """The previz depth and boxes passes are stored with their take and found again with it."""
    library = StoredTakeLibrary(engine, store)
    fresh = make_take(tmp_path, "sh7", b"picture")
    depth = Path(fresh.path).with_suffix(".depth.mp4")
    boxes = Path(fresh.path).with_suffix(".boxes.json")
    depth.write_bytes(b"depth frames")
    boxes.write_text('{"frames": []}')
    kept = library.keep(fresh.model_copy(update={"extras": {"depth": str(depth), "boxes": str(boxes)}}))
    assert not depth.exists() and not boxes.exists()
    assert Path(kept.extras["depth"]).read_bytes() == b"depth frames"
    found = library.find(fresh.spec_hash)
    assert found is not None and found.extras == kept.extras


def test_a_kill_between_store_and_record_loses_no_render(
    tmp_path: Path, engine: Engine, store: AssetStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """keep() links into the store, records, and only then drops the render: dying before the
    record leaves the rendered file where the resumed run looks for it."""
    library = StoredTakeLibrary(engine, store)
    fresh = make_take(tmp_path, "sh9", b"finished frames")

    def killed(**_: object) -> None:
        raise KeyboardInterrupt  # stands in for SIGKILL between the two steps

    monkeypatch.setattr("storage.repository.record_take", killed)
    with pytest.raises(KeyboardInterrupt):
        library.keep(fresh)
    assert Path(fresh.path).read_bytes() == b"finished frames"
    assert library.find(fresh.spec_hash) is None
    monkeypatch.undo()
    kept = library.keep(fresh)
    assert library.find(fresh.spec_hash) is not None and not Path(fresh.path).exists()
    assert Path(kept.path).read_bytes() == b"finished frames"


def test_take_settings_are_kept_and_found(tmp_path: Path, engine: Engine, store: AssetStore) -> None:
    """What made a take (engine, model, options) is stored with it, in its order, for `storyreel show`."""
    library = StoredTakeLibrary(engine, store)
    settings = {
        "engine": "diffusion",
        "model": "wan2.1-t2v-1.3b",
        "steps": 30,
        "guidance": 5.0,
        "tiling": True,
    }
    kept = library.keep(make_take(tmp_path, "sh1", b"painted").model_copy(update={"settings": settings}))
    found = library.find(kept.spec_hash)
    assert found is not None and found.settings == settings
    assert list(found.settings) == list(settings)
    with session_scope(engine) as session:
        record = find_take(session=session, spec_hash=kept.spec_hash)
        assert record is not None and record.settings() == settings
