"""The content-addressed store: dedupe by hash, atomic publish, nothing partial left behind."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import BinaryIO

import pytest

from storage import AssetStore
from storage import assets as assets_module


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_put_file_moves_into_sharded_path(tmp_path: Path, store: AssetStore) -> None:
    src = tmp_path / "clip.MP4"
    src.write_bytes(b"frames" * 1000)
    sha = hashlib.sha256(b"frames" * 1000).hexdigest()

    stored = store.put_file(src)

    assert stored.sha256 == sha
    assert stored.path == store.root / sha[:2] / sha[2:4] / f"{sha}.mp4"
    assert stored.relative == f"{sha[:2]}/{sha[2:4]}/{sha}.mp4"
    assert (stored.size, stored.media_type) == (6000, "video/mp4")
    assert not src.exists()
    assert store.path_for(sha) == stored.path
    assert store.exists(sha)


def test_put_file_copy_keeps_source_and_dedupes(tmp_path: Path, store: AssetStore) -> None:
    first, second = tmp_path / "a.mp4", tmp_path / "b.mp4"
    first.write_bytes(b"same")
    second.write_bytes(b"same")

    kept = store.put_file(first, move=False)
    again = store.put_file(second, move=True)

    assert first.exists()
    assert not second.exists()
    assert again.path == kept.path
    assert _files_under(store.root) == [kept.path]


def test_putting_a_stored_file_again_does_not_delete_it(store: AssetStore) -> None:
    stored = store.put_bytes(b"already here", ".mp4")
    assert store.put_file(stored.path, move=True) == stored
    assert stored.path.read_bytes() == b"already here"


def test_put_bytes_and_missing_hash(store: AssetStore) -> None:
    stored = store.put_bytes(b"\x89PNG...", ".png")
    assert stored.path.read_bytes() == b"\x89PNG..."
    assert stored.media_type == "image/png"
    assert store.path_for("0" * 64) is None
    assert not store.exists("f" * 64)
    with pytest.raises(ValueError, match="64 lowercase hex"):
        store.path_for("../../etc/passwd")


def _half_then_fail(source: BinaryIO, target: BinaryIO) -> None:
    target.write(source.read(10))
    raise OSError(28, "No space left on device")


def _no_links(src: object, dst: object) -> None:
    raise OSError(18, "Invalid cross-device link")


def test_put_without_move_links_in_place(tmp_path: Path, store: AssetStore) -> None:
    src = tmp_path / "take.mp4"
    src.write_bytes(b"frames")
    stored = store.put_file(src, move=False)
    assert src.exists() and stored.path.read_bytes() == b"frames"
    assert stored.path.stat().st_ino == src.stat().st_ino  # a hard link: no copy, no partial file


def test_failed_copy_leaves_no_partial_file(
    tmp_path: Path, store: AssetStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "big.mp4"
    src.write_bytes(os.urandom(4096))
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    monkeypatch.setattr(assets_module, "_copy_stream", _half_then_fail)
    monkeypatch.setattr(assets_module.os, "link", _no_links)  # another filesystem: a real copy

    with pytest.raises(OSError, match="No space left"):
        store.put_file(src, move=False)

    assert store.path_for(sha) is None
    assert _files_under(store.root) == []
    assert src.stat().st_size == 4096


def test_failed_cross_device_move_keeps_the_source(
    tmp_path: Path, store: AssetStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "take.mp4"
    src.write_bytes(b"x" * 2048)
    monkeypatch.setattr(AssetStore, "_rename_into", staticmethod(lambda source, final: False))
    monkeypatch.setattr(assets_module, "_copy_stream", _half_then_fail)

    with pytest.raises(OSError):
        store.put_file(src, move=True)

    assert src.read_bytes() == b"x" * 2048
    assert _files_under(store.root) == []


def test_cross_device_move_copies_then_drops_source(
    tmp_path: Path, store: AssetStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "take.mp4"
    src.write_bytes(b"y" * 2048)
    monkeypatch.setattr(AssetStore, "_rename_into", staticmethod(lambda source, final: False))

    stored = store.put_file(src, move=True)

    assert not src.exists()
    assert stored.path.read_bytes() == b"y" * 2048
    assert _files_under(store.root) == [stored.path]
