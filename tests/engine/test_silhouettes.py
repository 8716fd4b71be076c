"""The silhouette library and the set dressing: every kind draws inside its box, set pieces are
painted into the set once per shot, props stay in frame and are boxed every frame, lights glow,
beams sweep, and the boxes file names every drawn piece."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from engine.cutting.reframe import subject_centres
from engine.previz import PrevizRenderer, silhouettes
from engine.previz.shot import ShotPainter
from engine.previz.silhouettes import (
    FALLBACK,
    LIBRARY,
    Look,
    draw_silhouette,
    library,
    read_library,
    silhouette,
)
from film import (
    Angle,
    BadInput,
    Camera,
    Direction,
    MotionAction,
    MotionEvent,
    Movement,
    Physics,
    Prop,
    Scene,
    ShotSize,
    TimeOfDay,
)
from tests.engine.conftest import make_shot, make_spec

KINDS = [k for k in library() if k != FALLBACK]
PIECES = (Prop(id="lighthouse", kind="lighthouse"), Prop(id="boat", kind="boat"))
COAST = Scene(id="s1", location="sea coast", time_of_day=TimeOfDay.night, set_pieces=PIECES)
PROPS = (
    Prop(id="lantern", kind="lantern", light=True),
    Prop(id="bucket", kind="bucket"),
    Prop(id="beam", kind="beam", light=True, sweeps=True),
)


def test_the_library_has_forty_kinds_and_a_fallback() -> None:
    assert len(KINDS) >= 40
    listed = set(re.findall(r"[a-z]+", silhouettes.__doc__ or ""))
    assert set(library()) <= listed, "the module docstring lists every kind"
    assert FALLBACK in library()
    assert silhouette("submarine-x").shapes == library()[FALLBACK].shapes
    assert silhouette("submarine-x").kind == "submarine-x"


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_draws_inside_its_box_and_only_there(kind: str) -> None:
    sil = library()[kind]
    img = Image.new("RGB", (200, 200), (0, 0, 0))
    box = (40.0, 50.0, 40.0 + 100 * min(1.0, sil.aspect), 50.0 + 100 / max(1.0, sil.aspect))
    draw_silhouette(ImageDraw.Draw(img), sil, box, Look(lit=True))
    painted = np.asarray(img).any(axis=2)
    ys, xs = np.nonzero(painted)
    assert painted.sum() >= 0.08 * (box[2] - box[0]) * (box[3] - box[1]), "too little of the box is drawn"
    assert xs.min() >= box[0] - 1 and xs.max() <= box[2] + 1
    assert ys.min() >= box[1] - 1 and ys.max() <= box[3] + 1


def test_lamps_light_up_and_flames_only_burn_when_lit() -> None:
    sil = library()["candle"]
    lit, dark = (Image.new("RGB", (40, 80)) for _ in range(2))
    draw_silhouette(ImageDraw.Draw(lit), sil, (0, 0, 39, 79), Look(lit=True))
    draw_silhouette(ImageDraw.Draw(dark), sil, (0, 0, 39, 79), Look(lit=False))
    flame_rows = slice(0, 20)  # the flame sits on top of the wick
    assert np.asarray(lit)[flame_rows].sum() > 0
    assert np.asarray(dark)[flame_rows].sum() == 0


def test_windows_and_doors_stand_on_the_set_and_household_things_are_held_or_grounded() -> None:
    lib = library()
    for kind in ("window", "door"):  # a wall piece standing on the floor line, room height
        assert (lib[kind].place, lib[kind].aspect < 1.0, lib[kind].height_m >= 2.0) == ("ground", True, True)
    assert {k: lib[k].place for k in ("radio", "clock", "bowl", "cart", "barrel")} == {
        "radio": "hand",
        "clock": "hand",
        "bowl": "hand",
        "cart": "ground",
        "barrel": "ground",
    }
    night, day = (Image.new("RGB", (62, 100)) for _ in range(2))
    draw_silhouette(ImageDraw.Draw(night), lib["window"], (0, 0, 61, 99), Look(night=True))
    draw_silhouette(ImageDraw.Draw(day), lib["window"], (0, 0, 61, 99), Look())
    pane = (slice(14, 30), slice(14, 26))  # the upper left pane
    assert np.asarray(night)[pane].mean() != np.asarray(day)[pane].mean(), "its panes glow at night"


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (("[thing]", "[thingy]"), "[thing]"),
        (('ink = "accent" },\n]\n\n[boat]', 'ink = "reddish" },\n]\n\n[boat]'), "[lighthouse] shapes[8].ink"),
        (("aspect = 0.42", "aspect = -1"), "[lighthouse] aspect"),
        (("[0.5, 0.0], [0.66, 0.095]]", "[0.5, -0.2], [0.66, 0.095]]"), "[lighthouse] shapes[8].poly"),
        (('shapes_of = "car"', 'shapes_of = "hovercraft"'), "[headlights] shapes_of"),
        (('mounts = ["fireplace"]', 'mounts = ["hearth"]'), "[fire] mounts"),
    ],
)
def test_a_mistyped_library_names_the_kind_and_field(
    tmp_path: Path, edit: tuple[str, str], named: str
) -> None:
    text = LIBRARY.read_text(encoding="utf-8")
    assert edit[0] in text
    (tmp_path / LIBRARY.name).write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        read_library(tmp_path / LIBRARY.name)
    assert named in str(caught.value)


def _painter(
    camera: Camera, scene: Scene = COAST, props: tuple[Prop, ...] = PROPS, **kw: object
) -> ShotPainter:
    shot = make_shot(frames=kw.pop("frames", 12), camera=camera, props=props, **kw)  # type: ignore[arg-type]
    return ShotPainter(make_spec(shot, size=(320, 180), scene=scene))


def test_set_pieces_are_painted_into_the_set_canvas_once() -> None:
    bare = _painter(Camera(size=ShotSize.wide), scene=COAST.model_copy(update={"set_pieces": ()}), props=())
    dressed = _painter(Camera(size=ShotSize.wide), props=())
    x0, y0, x1, y1 = dressed.frame(0).set_pieces["lighthouse"]
    canvas = np.asarray(dressed.canvas.image).astype(int)
    plain = np.asarray(bare.canvas.image).astype(int)
    assert canvas.shape == plain.shape
    assert np.abs(canvas - plain)[y0:y1, x0:x1].mean() > 10  # the lighthouse is in the painted set


CAMERAS = [
    Camera(size=ShotSize.wide, movement=Movement.pan, direction=Direction.right),
    Camera(size=ShotSize.full, angle=Angle.low, movement=Movement.truck, direction=Direction.left),
    Camera(size=ShotSize.medium, angle=Angle.dutch, movement=Movement.orbit),
    Camera(size=ShotSize.close_up, movement=Movement.dolly, direction=Direction.in_),
    Camera(size=ShotSize.extreme_close_up, angle=Angle.high, movement=Movement.zoom, direction=Direction.in_),
    Camera(size=ShotSize.extreme_wide, angle=Angle.overhead, movement=Movement.handheld),
]


@pytest.mark.parametrize("camera", CAMERAS, ids=lambda c: f"{c.size.value}-{c.movement.value}")
@pytest.mark.parametrize("size", [(320, 180), (180, 320)], ids=["16:9", "9:16"])
def test_every_prop_and_set_piece_is_boxed_in_frame_every_frame(
    camera: Camera, size: tuple[int, int]
) -> None:
    shot = make_shot(frames=12, camera=camera, props=PROPS)
    painter = ShotPainter(make_spec(shot, size=size, scene=COAST))
    for i in range(12):
        drawn = painter.frame(i)
        assert set(drawn.props) == {p.id for p in PROPS}
        assert set(drawn.set_pieces) == {p.id for p in PIECES}
        for x0, y0, x1, y1 in [*drawn.props.values(), *drawn.set_pieces.values()]:
            assert 0 <= x0 < x1 <= size[0] and 0 <= y0 < y1 <= size[1]


def test_a_lit_lantern_lights_the_night_around_it() -> None:
    lit = _painter(Camera(), props=(Prop(id="lantern", kind="lantern", light=True),)).frame(0)
    dark = _painter(Camera(), props=(Prop(id="lantern", kind="lantern"),)).frame(0)
    x0, y0, x1, y1 = lit.props["lantern"]
    cx, cy, r = (x0 + x1) // 2, (y0 + y1) // 2, 25
    around = (slice(max(0, cy - r), cy + r), slice(max(0, cx - r), cx + r))
    assert lit.rgb[around].mean() > dark.rgb[around].mean() + 8
    assert dark.props["lantern"] == lit.props["lantern"]


def test_a_sweeping_beam_crosses_the_frame_and_a_still_one_holds() -> None:
    def centres(sweeps: bool) -> list[float]:
        painter = _painter(Camera(), props=(Prop(id="beam", kind="beam", light=True, sweeps=sweeps),))
        boxes = [painter.frame(i).props["beam"] for i in (0, 11)]
        return [(b[0] + b[2]) / 2 for b in boxes]

    start, end = centres(sweeps=True)
    assert abs(end - start) > 80  # of 320 px
    held = centres(sweeps=False)
    assert held[0] == held[1]


def test_a_beam_in_a_lighthouse_scene_shines_from_the_lighthouse() -> None:
    drawn = _painter(Camera(), props=(Prop(id="lamp", kind="lamp", light=True),)).frame(0)
    lx0, ly0, lx1, ly1 = drawn.set_pieces["lighthouse"]
    x0, y0, x1, y1 = drawn.props["lamp"]
    assert lx0 <= x0 and x1 <= lx1 and ly0 <= y0 and y1 <= (ly0 + ly1) / 2  # at the top of the tower


def test_a_falling_prop_is_drawn_where_the_simulation_has_it() -> None:
    fall = Physics(events=(MotionEvent(object="bucket", action=MotionAction.fall, height_m=2.0),))
    painter = _painter(Camera(size=ShotSize.wide), props=(Prop(id="bucket", kind="bucket"),), physics=fall)
    first, later = painter.frame(0).props["bucket"], painter.frame(10).props["bucket"]
    assert later[1] > first[1]  # lower on screen: it fell


def test_same_spec_gives_the_same_frames_and_boxes() -> None:
    camera = Camera(size=ShotSize.medium, movement=Movement.handheld)
    a, b = _painter(camera), _painter(camera)
    for i in (0, 5, 11):
        fa, fb = a.frame(i), b.frame(i)
        assert np.array_equal(fa.rgb, fb.rgb) and np.array_equal(fa.depth, fb.depth)
        assert (fa.props, fa.set_pieces) == (fb.props, fb.set_pieces)


def test_the_boxes_file_names_props_and_set_pieces_and_reframe_still_reads_it(
    renderer: PrevizRenderer, tmp_path: Path
) -> None:
    spec = make_spec(make_shot(frames=8, props=PROPS), size=(320, 180), scene=COAST)
    take = renderer.render(spec, tmp_path / "t.mp4")
    data = json.loads(Path(take.extras["boxes"]).read_text(encoding="utf-8"))
    assert [set(f) for f in data["frames"]] == [{"frame", "boxes", "props", "set"}] * 8
    assert set(data["frames"][0]["props"]) == {"lantern", "bucket", "beam"}
    assert set(data["frames"][0]["set"]) == {"lighthouse", "boat"}
    centres = subject_centres(Path(take.extras["boxes"]), 8, 320, 180)
    figures = np.asarray(list(data["frames"][0]["boxes"].values()), float)
    assert centres[0][0] == pytest.approx(
        np.average(
            (figures[:, 0] + figures[:, 2]) / 2,
            weights=(figures[:, 2] - figures[:, 0]) * (figures[:, 3] - figures[:, 1]),
        )
    )
