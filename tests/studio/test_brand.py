"""Loading brand.yaml: the sample kit loads; its logo and font must be files inside the kit's
folder (no '..', no absolute path, no symlink out); bad YAML, a huge file or a bad field is one
error naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from film import BadInput
from studio.brand import load_brand
from templates import template_path


def _kit(folder: Path, extra: str = "") -> Path:
    path = folder / "brand.yaml"
    path.write_text(
        f'name: Acme\nprimary: "#1f3a5f"\nsecondary: "#7a2e1d"\ntext: "#fdf8ef"\n{extra}', "utf-8"
    )
    return path


def test_the_sample_kit_loads() -> None:
    kit = load_brand(template_path("brands", "sample.yaml"))
    assert kit.name == "Brightbrew" and kit.legal and "cheap" in kit.avoid


def test_logo_and_font_resolve_inside_the_kit_folder(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "Brand.ttf").write_bytes(b"\x00\x01\x00\x00")
    kit = load_brand(_kit(tmp_path, "logo: logo.png\nfont: Brand.ttf\n"))
    assert kit.logo == str((tmp_path / "logo.png").resolve()) and kit.font.endswith("Brand.ttf")


@pytest.mark.parametrize(
    ("extra", "field", "why"),
    [
        ("logo: ../secret.png\n", "logo", "must not climb out of the brand kit's folder"),
        ("logo: /etc/passwd.png\n", "logo", "must be relative to the brand kit's folder"),
        ("logo: out.png\n", "logo", "a symlink out"),
        ("logo: missing.png\n", "logo", "no such file"),
        ("font: logo.exe\n", "font", "must be one of .ttf, .otf"),
        ("tagline: " + "x" * 90 + "\n", "tagline", "at most 80 characters"),
        ('text: "#222222"\n', "brand", "text #222222 on primary #1f3a5f: contrast 1.39:1 is under WCAG AA"),
    ],
)
def test_a_bad_kit_is_one_error_naming_the_field(tmp_path: Path, extra: str, field: str, why: str) -> None:
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(b"\x89PNG")
    kits = tmp_path / "kit"
    kits.mkdir()
    (kits / "out.png").symlink_to(outside)
    with pytest.raises(BadInput) as caught:
        load_brand(_kit(kits, extra))
    assert caught.value.field == field and why in str(caught.value) and "\n" not in str(caught.value)


def test_unreadable_or_huge_kits_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", "utf-8")
    with pytest.raises(BadInput, match="not readable YAML"):
        load_brand(bad)
    huge = tmp_path / "huge.yaml"
    huge.write_text("# " + "x" * 70_000, "utf-8")
    with pytest.raises(BadInput, match="over the 64 KiB limit"):
        load_brand(huge)
    with pytest.raises(BadInput, match="cannot be read"):
        load_brand(tmp_path / "absent.yaml")
