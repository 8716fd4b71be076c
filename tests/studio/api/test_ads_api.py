"""Template ads through the API: the templates' typed variables for the form; a batch queued from
the CLI's inputs (JSON, or multipart with a CSV, a brand kit and a picture), made by a real
worker on the previz engine, then read back (manifest, contact sheet, a playable film, the zip);
every bad input one 4xx line naming its field, with nothing queued; the gate's 403 at the door."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from engine import probe
from storage import list_audit, session_scope
from studio.worker import Worker
from tests.studio.api.conftest import Studio

API = "/api/v1"
KIT = b'name: Fizz\nprimary: "#1f3a5f"\nsecondary: "#7a2e1d"\ntext: "#fdf8ef"\nlogo: logo.png\n'
ROWS = b"product,offer\nFizz soda,2 for 1\nTonic,%s\n" % (b"y" * 60)  # row 2's offer is over 40 characters


def _png(size: tuple[int, int] = (64, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(out, "PNG")
    return out.getvalue()


FORM = {
    "template": "product-demo",
    "platforms": "tiktok",
    "duration": "6",
    "ctas": "2",
    "set": ["benefit=fizz"],
}


def _files(**extra: Any) -> list[tuple[str, tuple[str, bytes, str]]]:
    files = [("csv", ("rows.csv", ROWS, "text/csv")), ("brand", ("brand.yaml", KIT, "application/yaml")),
             ("brand", ("logo.png", _png(), "image/png")),
             ("image.product_image", ("can.png", _png(), "image/png"))]  # fmt: skip
    return files + [(key, value) for key, value in extra.items()]


@pytest.fixture(scope="module")
def studio(studio_at: Callable[[str], Studio]) -> Studio:
    return studio_at("ads")


@pytest.fixture(scope="module")
def door(studio_at: Callable[[str], Studio]) -> Studio:
    """A studio no worker ever serves: what POST /ads queues stays queued."""
    return studio_at("ads-door")


@pytest.fixture(scope="module")
def made(studio: Studio) -> dict[str, Any]:
    """A batch from a CSV (one good row, one bad), a brand kit and a picture, made by a real worker."""
    answer = studio.client.post(f"{API}/ads", data=FORM, files=_files())
    assert answer.status_code == 202, answer.text
    queued = answer.json()
    assert queued["status"] == "queued" and queued["rows"] == 2 and queued["variants"] == []
    assert [job.kind for job in studio.jobs(queued["id"])] == ["ads"]
    assert Worker(studio.settings, db=studio.db).run(once=True) == 1
    return dict(studio.client.get(f"{API}/ads/{queued['id']}").json())


def test_the_templates_carry_their_typed_variables(door: Studio) -> None:
    templates = {t["name"]: t for t in door.client.get(f"{API}/ads/templates").json()}
    assert len(templates) == 6 and templates["product-demo"]["durations"] == [6, 15, 30, 60]
    kinds = {v["name"]: v for v in templates["product-demo"]["variables"]}
    assert kinds["product"]["kind"] == "text" and kinds["product"]["max_length"] == 40
    assert kinds["cta"]["kind"] == "choice" and "Shop now" in kinds["cta"]["choices"]
    assert {kinds["brand_colour"]["kind"], kinds["link"]["kind"], kinds["product_image"]["kind"]} == {
        "colour", "url", "image"}  # fmt: skip
    hours = {v["name"]: v for v in templates["offer-countdown"]["variables"]}["hours_left"]
    assert hours["kind"] == "number" and hours["minimum"] == 1 and hours["maximum"] == 168
    assert (
        templates["product-demo"]["ctas"] == len(kinds["cta"]["choices"])
        and templates["product-demo"]["hooks"] >= 2
    )
    tiktok = {p["name"]: p for p in door.client.get(f"{API}/ads/platforms").json()}["tiktok"]
    assert tiktok["aspect"] == "9:16" and tiktok["height"] > tiktok["width"]


def test_a_batch_is_made_with_its_manifest_sheet_and_films(studio: Studio, made: dict[str, Any]) -> None:
    assert made["status"] == "done" and made["made"] == 2, made
    good = [v for v in made["variants"] if v["ok"]]
    assert [(v["row"], v["variant"], v["platform"]) for v in good] == [
        (1, "hook1-cta1", "tiktok"), (1, "hook1-cta2", "tiktok")]  # fmt: skip
    assert good[0]["hook"] == "Fizz soda" and good[0]["cta"] != good[1]["cta"] and good[0]["duration"] == 6
    (bad,) = [v for v in made["variants"] if not v["ok"]]
    assert bad["row"] == 2 and bad["film_url"] is None
    assert "rows.csv line 3, column offer" in bad["lint"] and "at most 40" in bad["lint"]
    film = studio.client.get(good[0]["film_url"], headers={"Range": "bytes=0-99"})
    assert film.status_code == 206 and film.headers["content-type"] == "video/mp4"
    sheet = studio.client.get(made["sheet_url"])
    assert sheet.status_code == 200 and sheet.content.startswith(b"\x89PNG")
    kept = Path(studio.run(made["id"]).out_dir) / "inputs"
    assert (kept / "brand" / "logo.png").is_file() and (kept / "images" / "product_image.png").is_file()


def test_the_zip_holds_every_made_variant_and_the_manifest(
    studio: Studio, made: dict[str, Any], tmp_path: Path
) -> None:
    answer = studio.client.get(made["zip_url"])
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    assert f'filename="{made["id"]}-ads.zip"' in answer.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    names = set(archive.namelist())
    assert {"manifest.csv", "sheet.png"} <= names and not any("inputs/" in n or "/." in n for n in names)
    for variant in (v for v in made["variants"] if v["ok"]):
        assert variant["path"] in names and variant["path"].replace("film.mp4", "film.c2pa.json") in names
        (tmp_path / "film.mp4").write_bytes(archive.read(variant["path"]))
        assert probe(tmp_path / "film.mp4", decode=True).frames > 0
    manifest = archive.read("manifest.csv").decode()
    assert manifest.splitlines()[0] == "row,variant,platform,path,duration,hook,cta,lint"
    again = studio.client.get(made["zip_url"])
    assert again.content == answer.content  # built once per manifest, then served as it is


def test_progress_lines_stream_as_the_runs_events(studio: Studio, made: dict[str, Any]) -> None:
    stream = studio.client.get(f"{API}/runs/{made['id']}/events", params={"after": 0}).text
    events = [(block.split("event: ")[1].split("\n")[0], json.loads(block.split("data: ")[1].split("\n")[0]))
              for block in stream.split("\n\n") if "event: " in block]  # fmt: skip
    lines = [data["line"] for kind, data in events if kind == "ad"]
    assert any(line.startswith("row 1 hook1-cta2 tiktok: ") for line in lines)
    assert any(line.startswith("row 2:") for line in lines)
    assert ("progress", {"percent": 100.0, "eta_s": 0.0}) in events
    assert events[-1] == ("status", {"status": "done"})
    assert made["id"] in [b["id"] for b in studio.client.get(f"{API}/ads").json()]


def test_a_batch_where_nothing_can_be_made_fails_with_its_reason(studio: Studio) -> None:
    rows = b"product\n%s\n" % (b"z" * 50)
    answer = studio.client.post(f"{API}/ads", data=FORM, files=[("csv", ("all-bad.csv", rows, "text/csv"))])
    assert answer.status_code == 202, answer.text
    assert Worker(studio.settings, db=studio.db).run(once=True) == 1
    failed = studio.client.get(f"{API}/ads/{answer.json()['id']}").json()
    assert failed["status"] == "failed" and failed["zip_url"] is None
    assert "no ad was made" in failed["error"] and "all-bad.csv line 2, column product" in failed["error"]


def test_json_takes_the_same_inputs_and_a_queued_batch_can_be_cancelled(door: Studio) -> None:
    kit = {"name": "Fizz", "primary": "#1f3a5f", "secondary": "#7a2e1d", "text": "#fdf8ef"}
    body = {
        "template": "offer-countdown",
        "values": {"hours_left": 12, "offer": "Half off"},
        "duration": 6,
        "platforms": ["tiktok", "feed-4x5"],
        "hooks": 2,
        "csv": "offer\nTwo for one\n",
        "brand": kit,
    }
    answer = door.client.post(f"{API}/ads", json=body)
    assert answer.status_code == 202, answer.text
    batch = answer.json()
    assert batch["platforms"] == ["tiktok", "feed-4x5"] and batch["hooks"] == 2 and batch["rows"] == 1
    (job,) = door.jobs(batch["id"])
    payload = json.loads(job.payload_json)
    assert payload["sets"] == ["hours_left=12", "offer=Half off"] and payload["csv"] == "inputs/rows.csv"
    assert payload["brand"] == "inputs/brand/brand.yaml"
    for tail in ("sheet.png", "variants.zip"):
        assert door.client.get(f"{API}/ads/{batch['id']}/{tail}").status_code == 404
    assert door.client.post(f"{API}/runs/{batch['id']}/cancel").status_code == 202
    assert door.client.get(f"{API}/ads/{batch['id']}").json()["status"] == "cancelled"


DARK = {"name": "X", "primary": "#000", "secondary": "#000", "text": "#fff"}
BAD_JSON = [
    ({"template": "superbowl"}, "template='superbowl'"),
    ({"template": "product-demo", "duration": 7}, "duration=7"),
    ({"template": "product-demo", "platforms": "myspace"}, "platforms='myspace'"),
    ({"template": "product-demo", "values": {"product": "x" * 41}}, "product="),
    ({"template": "product-demo", "values": {"flavour": "x"}}, "flavour="),
    ({"template": "product-demo", "values": {"link": "ftp://x"}}, "link="),
    ({"template": "product-demo", "values": {"product_image": "/etc/passwd.png"}}, "image.product_image"),
    ({"template": "product-demo", "hooks": 9}, "hooks=9"),
    ({"template": "product-demo", "ctas": 0}, "ctas=0"),
    ({"template": "product-demo", "seed": -1}, "seed=-1"),
    ({"template": "product-demo", "engine": "sora"}, "engine='sora'"),
    ({"template": "product-demo", "csv": "flavour\nx\n"}, "column 'flavour'"),
    ({"template": "product-demo", "csv": "product,product_image\nA,/etc/x.png\n"}, "column product_image"),
    ({"template": "product-demo", "brand": {**DARK, "text": "#000"}}, "contrast"),
    ({"template": "product-demo", "brand": {**DARK, "logo": "../../secret.png"}}, "logo="),
    ({"template": "product-demo", "size": "huge"}, "size="),
    ({"values": {}}, "template="),
]  # fmt: skip


@pytest.mark.parametrize(("body", "named"), BAD_JSON)
def test_bad_input_is_one_400_line_naming_the_field(door: Studio, body: dict[str, Any], named: str) -> None:
    before = sorted(p.name for p in door.settings.out_root.glob("*"))
    answer = door.client.post(f"{API}/ads", json=body)
    assert answer.status_code == 400, answer.text
    detail = answer.json()["detail"]
    assert named in detail and "\n" not in detail and str(door.settings.out_root) not in detail, detail
    assert sorted(p.name for p in door.settings.out_root.glob("*")) == before  # nothing kept, nothing queued


YAML = ("brand", ("brand.yaml", KIT, "application/yaml"))
BAD_FORMS: list[tuple[dict[str, Any], list[Any], int, str]] = [
    ({}, [("brand", ("logo.png", b"GIF89a not a png", "image/png")), YAML], 415, "logo.png"),
    ({}, [YAML, ("brand", ("font.ttf", b"MZ\x90\x00", "font/ttf"))], 415, "font.ttf"),
    ({}, [YAML, ("brand", ("setup.exe", b"MZ", "x"))], 415, "setup.exe"),
    ({}, [YAML], 400, "logo='logo.png': no such file beside the brand kit"),
    ({}, [("brand", ("logo.png", _png(), "image/png"))], 400, "one brand.yaml"),
    ({}, [("brand", ("bränd;x.yaml", KIT, "x"))], 400, "a file name is"),
    ({}, [("csv", ("big.csv", b"product\n" + b"x,\n" * 400_000, "text/csv"))], 413, "csv="),
    ({}, [("image.product_image", ("can.png", b"plain text", "text/plain"))], 415, "can.png"),
    ({}, [("image.offer", ("can.png", _png(), "image/png"))], 400, "not an image"),
    ({"colour": "red"}, [], 400, "colour='colour': is not a field of POST /ads"),
    ({"duration": "six"}, [], 400, "duration='six': must be a whole number"),
    ({"platforms": ""}, [], 400, "platforms=''"),
    ({"template": ""}, [], 400, "template="),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "files", "status", "named"), BAD_FORMS)
def test_uploads_are_checked_by_size_type_and_name(
    door: Studio, fields: dict[str, Any], files: list[Any], status: int, named: str
) -> None:
    before = sorted(p.name for p in door.settings.out_root.glob("*"))
    form = {"template": "product-demo", "duration": "6", **fields}
    answer = door.client.post(
        f"{API}/ads", data=form, files=files or [("csv", ("r.csv", b"product\nA\n", "text/csv"))]
    )
    assert answer.status_code == status, answer.text
    assert named in answer.json()["detail"], answer.json()
    assert sorted(p.name for p in door.settings.out_root.glob("*")) == before


def test_a_kit_file_name_cannot_climb_out_of_its_folder(door: Studio) -> None:
    files = [("brand", ("../../brand.yaml", KIT, "x")), ("brand", ("../logo.png", _png(), "image/png"))]
    answer = door.client.post(f"{API}/ads", data={"template": "product-demo", "duration": "6"}, files=files)
    assert answer.status_code == 202, answer.text
    out_dir = Path(door.run(answer.json()["id"]).out_dir)
    assert sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()) == [
        "inputs/brand/brand.yaml", "inputs/brand/logo.png"]  # fmt: skip


def test_other_bodies_are_415_and_unknown_ids_404(door: Studio) -> None:
    answer = door.client.post(f"{API}/ads", content=b"template=x", headers={"content-type": "text/plain"})
    assert answer.status_code == 415 and "Content-Type='text/plain'" in answer.json()["detail"]
    broken = door.client.post(f"{API}/ads", content=b"{nope", headers={"content-type": "application/json"})
    assert broken.status_code == 400 and "is not JSON" in broken.json()["detail"]
    assert door.client.get(f"{API}/ads/r-nope").status_code == 404
    film = door.make(duration_s=3.0)
    assert "not an ad batch" in door.client.get(f"{API}/ads/{film}").json()["detail"]


def test_the_gate_refuses_a_real_person_at_the_door(door: Studio) -> None:
    before = door.client.get(f"{API}/ads").json()
    body = {"template": "testimonial", "values": {"persona": "Barack Obama"}, "duration": 6}
    answer = door.client.post(f"{API}/ads", json=body)
    assert answer.status_code == 403 and "Obama" in answer.json()["detail"], answer.text
    assert door.client.get(f"{API}/ads").json() == before
    with session_scope(door.db) as session:
        assert list_audit(session=session, outcome="refused")[0].entry == "api:POST /ads"
