"""The silhouette library: how the previz draws each kind of film.Prop, read from
`silhouettes.toml` beside this module (primitives in normalised box coordinates, one table per kind).

Kinds (set pieces) lighthouse, boat, ship, house, street, table, stall, car, bus, train, truck,
bridge, tree, palm, tower, church, castle, windmill, tent, hut, pier, rock, well, fountain, bench,
fence, bed, sofa, shelf, counter, fireplace, temple, statue, window, door; (props) bucket, basket,
umbrella, suitcase, crate, chair, cup, bag, oar, net, ladder, bicycle, phone, letter, guitar, flowers,
bottle, ball, kite, balloon, key, book, radio, clock, bowl, cart, barrel; (light sources) sun, moon,
beam, headlights, streetlight, fire, flame, torch, spotlight; (lamps) lamp, lantern, candle, match;
and `thing`, drawn for any kind the library does not know (an LLM plan may name one), so every prop
a plan names is drawn and boxed.

A kind is drawn into any box: the renderer sizes the box from `height_m` and `aspect` and the
plane it stands on. Inks are the kind's own colours pulled toward the scene's shadow colour by
the time of day (`Look`), so a lighthouse reads as a silhouette at dusk and in full colour at noon.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from film import BadInput

RGB = tuple[int, int, int]
Point = tuple[float, float]
Box = tuple[float, float, float, float]

LIBRARY = Path(__file__).with_name("silhouettes.toml")
FALLBACK = "thing"
KIND = re.compile(r"[a-z0-9_-]+")
HEX = re.compile(r"#[0-9a-fA-F]{6}")
PLACES = ("ground", "hand", "sky", "far")
FORMS = ("poly", "line", "rect", "ellipse", "ring")
KIND_INKS = ("body", "accent", "detail")
INKS = (*KIND_INKS, "dark", "glass", "lamp", "flame")
DARK: RGB = (38, 36, 40)
GLASS: RGB = (196, 214, 226)
WINDOW_LIT: RGB = (255, 206, 122)
UNLIT_LAMP: RGB = (62, 68, 78)
FLAME: RGB = (255, 138, 40)
FIELDS = frozenset(
    {"height_m", "aspect", "place", "sink", "colours", "emitter", "glow", "light", "beam", "mounts"}
    | {"shapes", "shapes_of"}
)


@dataclass(frozen=True)
class Shape:
    """One primitive: a polygon or polyline (points), or a rect/ellipse/ring (two corners)."""

    form: str
    points: tuple[Point, ...]
    ink: str  # one of INKS, or a "#rrggbb" of its own
    width: float = 0.0  # lines and rings, as a fraction of the box height


@dataclass(frozen=True)
class Silhouette:
    kind: str
    height_m: float
    aspect: float
    place: str
    sink: float
    colours: Mapping[str, RGB]
    emitter: Point
    glow: float
    light: RGB
    beam: bool
    mounts: tuple[str, ...]
    shapes: tuple[Shape, ...]


@dataclass(frozen=True)
class Look:
    """How a silhouette is inked in one shot: its colours pulled `amount` toward `shade` (the
    scene's shadow colour), windows lit at night, and its lamps and flames lit or not."""

    shade: RGB = (0, 0, 0)
    amount: float = 0.0
    lit: bool = False
    night: bool = False


def _hex(value: str) -> RGB:
    return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _fail(where: str, value: object, why: str) -> BadInput:
    return BadInput(f"{LIBRARY.name} {where}", value, why)


def _is_hex(value: object) -> bool:
    return isinstance(value, str) and HEX.fullmatch(value) is not None


def _unit_points(where: str, value: object, pairs: bool) -> tuple[Point, ...]:
    """[[x, y], ...] (pairs) or [x0, y0, x1, y1], every coordinate in the unit box."""
    if pairs:
        ok = (
            isinstance(value, list)
            and len(value) >= 2
            and all(isinstance(p, list) and len(p) == 2 for p in value)
        )
        flat = [c for p in value for c in p] if ok and isinstance(value, list) else []
    else:
        ok = isinstance(value, list) and len(value) == 4
        flat = list(value) if ok and isinstance(value, list) else []
    if not ok or not all(isinstance(c, int | float) and 0.0 <= c <= 1.0 for c in flat):
        shape = "a list of [x, y] pairs" if pairs else "[x0, y0, x1, y1]"
        raise _fail(where, value, f"must be {shape} with every coordinate in 0..1")
    pts = [(float(flat[i]), float(flat[i + 1])) for i in range(0, len(flat), 2)]
    if not pairs and (pts[1][0] <= pts[0][0] or pts[1][1] <= pts[0][1]):
        raise _fail(where, value, "must have x1 > x0 and y1 > y0")
    return tuple(pts)


def _shape(where: str, table: object) -> Shape:
    if not isinstance(table, dict):
        raise _fail(where, table, "must be a table")
    forms = [f for f in FORMS if f in table]
    if len(forms) != 1 or set(table) - {*FORMS, "ink", "width"}:
        raise _fail(
            where, sorted(table), f"needs exactly one of {', '.join(FORMS)}, an ink, and maybe a width"
        )
    form = forms[0]
    ink = table.get("ink")
    if not (ink in INKS or _is_hex(ink)):
        raise _fail(f"{where}.ink", ink, f"must be one of {', '.join(INKS)} or a '#rrggbb' colour")
    width = table.get("width", 0.0)
    if form in ("line", "ring") and not (isinstance(width, int | float) and 0 < width <= 0.5):
        raise _fail(f"{where}.width", width, "a line or ring needs a width in (0, 0.5]")
    points = _unit_points(f"{where}.{form}", table[form], pairs=form in ("poly", "line"))
    return Shape(form, points, str(ink), float(width))


def _point(where: str, value: object) -> Point:
    if not (isinstance(value, list) and len(value) == 2):
        raise _fail(where, value, "must be [x, y] with both in 0..1")
    return _unit_points(where, [value, value], pairs=True)[0]


def _number(where: str, value: object, low: float, high: float) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not low < value <= high:
        raise _fail(where, value, f"must be a number in ({low:g}, {high:g}]")
    return float(value)


def _silhouette(kind: str, table: dict[str, Any], data: dict[str, Any]) -> Silhouette:
    where = f"[{kind}]"
    unknown = set(table) - FIELDS
    if unknown:
        raise _fail(
            f"{where} {min(unknown)}", table[min(unknown)], f"is not one of {', '.join(sorted(FIELDS))}"
        )
    source = table.get("shapes_of", kind)
    if source not in data or "shapes_of" in data[source]:
        raise _fail(f"{where} shapes_of", source, "must name a kind that has shapes of its own")
    shapes = data[source].get("shapes")
    if not isinstance(shapes, list) or not shapes:
        raise _fail(f"{where} shapes", shapes, "must be a non-empty list of shape tables")
    colours = table.get("colours")
    if (
        not isinstance(colours, dict)
        or set(colours) != set(KIND_INKS)
        or not all(map(_is_hex, colours.values()))
    ):
        raise _fail(f"{where} colours", colours, "must give body, accent and detail as '#rrggbb'")
    place = table.get("place", "ground")
    if place not in PLACES:
        raise _fail(f"{where} place", place, f"must be one of {', '.join(PLACES)}")
    light = table.get("light", "#ffd08a")
    if not _is_hex(light):
        raise _fail(f"{where} light", light, "must be a '#rrggbb' colour")
    mounts = table.get("mounts", [])
    if not isinstance(mounts, list) or not all(m in data for m in mounts):
        raise _fail(f"{where} mounts", mounts, "must list kinds of this library")
    beam = table.get("beam", False)
    if not isinstance(beam, bool):
        raise _fail(f"{where} beam", beam, "must be true or false")
    return Silhouette(
        kind=kind,
        height_m=_number(f"{where} height_m", table.get("height_m"), 0.0, 100.0),
        aspect=_number(f"{where} aspect", table.get("aspect"), 0.0, 10.0),
        place=place,
        sink=_number(f"{where} sink", table.get("sink", 0.02), -1.0, 0.5),
        colours={k: _hex(v) for k, v in colours.items()},
        emitter=_point(f"{where} emitter", table.get("emitter", [0.5, 0.5])),
        glow=_number(f"{where} glow", table.get("glow", 0.25), 0.0, 1.0),
        light=_hex(light),
        beam=beam,
        mounts=tuple(mounts),
        shapes=tuple(_shape(f"{where} shapes[{i}]", s) for i, s in enumerate(shapes)),
    )


def read_library(path: Path) -> dict[str, Silhouette]:
    """Read and check a library file; a mistake names the kind and the field."""
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise _fail("", str(path), f"cannot be read ({e})") from e
    for kind, table in data.items():
        if not isinstance(table, dict) or not KIND.fullmatch(kind):
            raise _fail(f"[{kind}]", table, "must be a table named by a lowercase kind")
    if FALLBACK not in data:
        raise _fail(f"[{FALLBACK}]", None, "is missing; it draws kinds the library does not know")
    return {kind: _silhouette(kind, table, data) for kind, table in data.items()}


@cache
def library() -> Mapping[str, Silhouette]:
    """Every kind, read once per process."""
    return read_library(LIBRARY)


def kinds() -> tuple[str, ...]:
    """The kinds the library draws, the fallback last."""
    return tuple(library())


def silhouette(kind: str) -> Silhouette:
    """The kind's silhouette, or the fallback's (under the same kind) for a kind it does not know."""
    found = library().get(kind)
    if found is not None:
        return found
    base = library()[FALLBACK]
    return Silhouette(**{**base.__dict__, "kind": kind})


def ink_colour(sil: Silhouette, ink: str, look: Look) -> RGB | None:
    """The colour one ink draws in, or None for a flame that is not lit."""
    if ink == "lamp":
        return mix(sil.light, (255, 255, 255), 0.35) if look.lit else mix(UNLIT_LAMP, look.shade, look.amount)
    if ink == "flame":
        return mix(FLAME, sil.light, 0.3) if look.lit else None
    if ink == "glass" and look.night:
        return WINDOW_LIT
    base = sil.colours.get(ink) or {"dark": DARK, "glass": GLASS}.get(ink) or _hex(ink)
    return mix(base, look.shade, look.amount)


def _at(box: Box, u: float, v: float) -> Point:
    return (box[0] + u * (box[2] - box[0]), box[1] + v * (box[3] - box[1]))


def draw_silhouette(
    draw: ImageDraw.ImageDraw, sil: Silhouette, box: Box, look: Look, ink: int | RGB | None = None
) -> None:
    """Draw the kind into the pixel box; `ink` draws every shape in that one colour (a mask)."""
    height = box[3] - box[1]
    for shape in sil.shapes:
        colour = ink_colour(sil, shape.ink, look)
        if colour is None:
            continue
        fill: int | RGB = ink if ink is not None else colour
        pts = [_at(box, u, v) for u, v in shape.points]
        width = max(1, round(shape.width * height))
        if shape.form == "poly":
            draw.polygon(pts, fill=fill)
        elif shape.form == "line":
            draw.line(pts, fill=fill, width=width, joint="curve")
        elif shape.form == "rect":
            draw.rectangle((*pts[0], *pts[1]), fill=fill)
        elif shape.form == "ellipse":
            draw.ellipse((*pts[0], *pts[1]), fill=fill)
        else:
            draw.ellipse((*pts[0], *pts[1]), outline=fill, width=width)


def sprite(sil: Silhouette, width: float, height: float, look: Look) -> Image.Image:
    """The kind drawn alone on a transparent RGBA image of (about) width × height pixels."""
    w, h = max(1, math.ceil(width)), max(1, math.ceil(height))
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw_silhouette(draw, sil, (0.0, 0.0, w - 1.0, h - 1.0), look)
    return img
