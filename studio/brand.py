"""Loading a brand kit (brand.yaml) a marketer hands us: small, plain YAML, and its logo and font
confined to the kit's own folder, so a kit can never point the studio at another file on disk.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from film import BadInput
from film.brand import BrandKit
from studio.inputs import inside, read_text_file

MAX_KIT_BYTES = 64 * 1024
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
FONT_SUFFIXES = (".ttf", ".otf")


def load_brand(path: Path) -> BrandKit:
    """The kit at `path`, its logo and font resolved to files inside its folder; BadInput names
    the field (and the colour pair, for a contrast too low to read)."""
    path = Path(path)
    text = read_text_file(path, "brand", MAX_KIT_BYTES)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise BadInput("brand", str(path), f"is not readable YAML ({type(err).__name__})") from None
    if not isinstance(data, dict):
        raise BadInput(
            "brand", str(path), "must be a mapping of fields (name, primary, secondary, text, ...)"
        )
    try:
        kit = BrandKit.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        why = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:  # a rule across fields (the contrast): it names its own pair
            raise BadInput("brand", str(path), why) from None
        field = ".".join(str(part) for part in first["loc"])
        raise BadInput(field, first.get("input"), why) from None
    folder = path.parent
    files = {"logo": (kit.logo, LOGO_SUFFIXES), "font": (kit.font, FONT_SUFFIXES)}
    resolved = {}
    for field, (relative, suffixes) in files.items():
        if not relative:
            continue
        target = inside(folder, relative, field, folder="the brand kit's folder")
        if target.suffix.lower() not in suffixes:
            raise BadInput(field, relative, f"must be one of {', '.join(suffixes)}")
        if not target.is_file():
            raise BadInput(field, relative, "no such file beside the brand kit")
        resolved[field] = str(target)
    return kit.model_copy(update=resolved)
