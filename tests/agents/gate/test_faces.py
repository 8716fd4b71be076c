"""Reference pictures: a real photo's face needs a consent; a flat drawing has none."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from agents.gate import check_reference_image
from film.gate import ConsentGrant

pytest.importorskip("cv2")
skimage_data = pytest.importorskip("skimage.data")
TODAY = date(2026, 12, 2)


@pytest.fixture
def photo() -> Path:
    """scikit-image's bundled astronaut portrait (a real photograph shipped in the wheel)."""
    path = Path(skimage_data.__file__).parent / "astronaut.png"
    assert path.exists()
    return path


@pytest.fixture
def drawing(tmp_path: Path) -> Path:
    """A flat cartoon face: circle, two dot eyes, a smile."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (256, 256), "white")
    pen = ImageDraw.Draw(image)
    pen.ellipse((48, 48, 208, 208), fill=(255, 220, 0), outline="black", width=4)
    pen.ellipse((95, 100, 115, 120), fill="black")
    pen.ellipse((141, 100, 161, 120), fill="black")
    pen.arc((90, 120, 166, 180), 20, 160, fill="black", width=5)
    path = tmp_path / "cartoon.png"
    image.save(path)
    return path


def test_a_drawing_passes(drawing: Path) -> None:
    verdict = check_reference_image(
        drawing, field="characters[mara].reference", character_name="Mara", consents=(), today=TODAY
    )
    assert verdict.outcome == "allowed"


def test_a_real_face_needs_consent(photo: Path) -> None:
    verdict = check_reference_image(
        photo, field="characters[eileen].reference", character_name="Eileen", consents=(), today=TODAY
    )
    assert verdict.outcome == "refused"
    assert verdict.findings[0].rule == "real_face"
    assert verdict.line().startswith("characters[eileen].reference: refused (real_face")


def test_consent_by_name_or_picture_hash(photo: Path) -> None:
    by_name = ConsentGrant(id="c1", name="Eileen Collins")
    verdict = check_reference_image(
        photo, field="ref", character_name="Eileen Collins", consents=(by_name,), today=TODAY
    )
    assert verdict.consents == ("c1",)
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    by_hash = ConsentGrant(id="c2", name="Someone Else", reference_sha256=(digest,))
    verdict = check_reference_image(
        photo, field="ref", character_name="Commander", consents=(by_hash,), today=TODAY
    )
    assert verdict.consents == ("c2",)
    expired = by_name.model_copy(update={"expires": date(2020, 1, 1)})
    verdict = check_reference_image(
        photo, field="ref", character_name="Eileen Collins", consents=(expired,), today=TODAY
    )
    assert verdict.findings[0].rule == "out_of_scope"


def test_not_a_picture(tmp_path: Path) -> None:
    from film import BadInput

    junk = tmp_path / "x.png"
    junk.write_text("no")
    with pytest.raises(BadInput):
        check_reference_image(junk, field="ref", character_name="X", consents=(), today=TODAY)
