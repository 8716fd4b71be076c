"""Releases, publish configs and the folder adapter, on real files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from film import BadInput
from film.disclosure import AI_LABEL
from studio.publish import (
    FolderConfig,
    PublishFailure,
    Receipt,
    WebhookConfig,
    YouTubeConfig,
    parse_config,
    publisher,
)
from studio.publish.folder import FolderPublisher
from studio.publish.webhook import WebhookPublisher
from studio.publish.youtube import YouTubePublisher
from tests.studio.publish.loopback import SECRET, SLOT, make_release


def test_release_key_is_stable_content_hash(tmp_path: Path) -> None:
    one = make_release(tmp_path)
    again = make_release(tmp_path)
    assert one.idempotency_key == again.idempotency_key and len(one.idempotency_key) == 64
    assert one.episode_id == "Night Trains@2026-12-03T14:30:00Z"
    other = make_release(tmp_path / "b", film_bytes=b"different film")
    assert other.idempotency_key != one.idempotency_key
    local = make_release(tmp_path / "c", slot=SLOT.astimezone(timezone(timedelta(hours=2))))
    assert local.slot == SLOT and local.slot.tzinfo == UTC


def test_release_refuses_naive_slot_and_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="slot"):
        make_release(tmp_path, slot=datetime(2026, 12, 3, 14, 30))
    with pytest.raises(BadInput, match=r"no C2PA manifest.*film\.c2pa\.json"):
        make_release(tmp_path, sidecars=[])
    signed = make_release(tmp_path, sidecars=[], c2pa_signed=True)
    assert signed.c2pa == "signed in file"
    with pytest.raises(ValidationError, match="ai_label"):
        make_release(tmp_path, ai_label="  ")


# --- config ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"kind": "webhook", "url": "ftp://x", "secret": SECRET}, "publish.url='ftp://x': must be an http"),
        ({"kind": "webhook", "url": "http://x", "secret": SECRET, "attempts": 0}, "publish.attempts=0:"),
        ({"kind": "fax", "root": "/tmp"}, "publish.kind='fax':"),
        ({"kind": "folder", "root": "/tmp", "colour": "red"}, "publish.colour='red': not a field"),
        ({"kind": "youtube"}, "publish.token="),
    ],
)
def test_bad_config_is_one_error_naming_field_and_value(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_config(raw)
    assert str(caught.value).startswith(message), str(caught.value)


def test_bad_secret_is_named_but_never_echoed() -> None:
    with pytest.raises(BadInput, match=r"publish\.secret='\*+': must be at least 16") as caught:
        parse_config({"kind": "webhook", "url": "http://x", "secret": "short-secret"})
    assert "short-secret" not in str(caught.value)


def test_factory_builds_each_kind(tmp_path: Path) -> None:
    assert isinstance(publisher({"kind": "folder", "root": str(tmp_path)}), FolderPublisher)
    hook = publisher(WebhookConfig(url="http://127.0.0.1:9/h", secret=SecretStr(SECRET)))
    assert isinstance(hook, WebhookPublisher)
    assert isinstance(publisher(YouTubeConfig(token=SecretStr("t"))), YouTubePublisher)
    assert isinstance(publisher(FolderConfig(root=tmp_path)), FolderPublisher)


# --- folder ----------------------------------------------------------------------------------


def test_folder_layout_and_release_json(tmp_path: Path) -> None:
    release = make_release(tmp_path)
    receipt = FolderPublisher(tmp_path / "site").publish(release)
    dest = tmp_path / "site" / "night-trains" / "2026" / "12" / "03" / "1430-the-last-platform"
    assert receipt == Receipt("folder", str(dest), 1, release.idempotency_key)
    assert sorted(p.name for p in dest.iterdir()) == [
        "film.c2pa.json", "film.mp4", "film.srt", "plan.json", "release.json",
    ]  # fmt: skip
    assert (dest / "film.mp4").read_bytes() == release.film.read_bytes()
    meta = json.loads((dest / "release.json").read_text(encoding="utf-8"))
    assert meta["ai_label"] == AI_LABEL and meta["c2pa"] == "film.c2pa.json"
    assert meta["idempotency_key"] == release.idempotency_key
    assert meta["episode_id"] == release.episode_id and meta["privacy"] == "unlisted"
    assert meta["files"]["film.mp4"] == release.film_sha256
    assert not [p for p in dest.parent.iterdir() if p.name.startswith(".")], "temp folder left behind"


def test_folder_republish_is_a_noop(tmp_path: Path) -> None:
    site = FolderPublisher(tmp_path / "site")
    release = make_release(tmp_path)
    first = site.publish(release)
    stamp = (Path(first.where) / "release.json").stat().st_mtime_ns
    second = site.publish(make_release(tmp_path))
    assert second == first
    assert (Path(first.where) / "release.json").stat().st_mtime_ns == stamp
    assert len(list(Path(first.where).parent.iterdir())) == 1


def test_folder_refuses_another_film_in_a_published_slot(tmp_path: Path) -> None:
    site = FolderPublisher(tmp_path / "site")
    site.publish(make_release(tmp_path))
    with pytest.raises(PublishFailure, match="already holds another release"):
        site.publish(make_release(tmp_path / "b", film_bytes=b"a re-render"))


def test_folder_refuses_a_sidecar_named_release_json(tmp_path: Path) -> None:
    release = make_release(tmp_path)
    clash = tmp_path / "release.json"
    clash.write_text("{}", encoding="utf-8")
    with pytest.raises(BadInput, match=r"release\.json"):
        FolderPublisher(tmp_path / "site").publish(
            release.model_copy(update={"sidecars": (*release.sidecars, clash)})
        )


@pytest.mark.parametrize("series", ["../../escape", "/etc/passwd", "..", "a/../../b", "\\..\\x", "東京"])
def test_folder_malicious_series_stays_inside_root(tmp_path: Path, series: str) -> None:
    root = tmp_path / "site"
    release = make_release(tmp_path, series=series, title="../../../up")
    receipt = FolderPublisher(root).publish(release)
    assert Path(receipt.where).resolve().is_relative_to(root.resolve())
    assert Path(receipt.where).relative_to(root).parts[0] not in ("..", ".", "")
    assert [p.name for p in tmp_path.iterdir()] != [] and not (tmp_path / "escape").exists()
