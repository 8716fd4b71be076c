"""Figures for characters: a stick-and-block body in the character's colour, sized by build and
shot size, posed by the performance's action and wearing its emotion on a simple face.

The figure only has to read at a glance in an animatic: who is there, where, doing what, feeling
what. Poses are keyword-driven so a recaptioner's free text ("waves nervously") still lands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from PIL import Image, ImageDraw

from engine.cutting.lettering import tag
from engine.previz.camera import FIGURE_HEIGHT, LayerView
from film import Character, Performance, ShotSize, stable_hash

Point = tuple[float, float]
RGB = tuple[int, int, int]
Box = tuple[float, float, float, float]
"""Screen rectangle (x0, y0, x1, y1) a figure covers."""

BUILD: dict[str, tuple[float, float]] = {
    "slight": (0.8, 1.0),
    "average": (1.0, 1.0),
    "broad": (1.35, 1.0),
    "tall": (0.95, 1.15),
    "child": (0.95, 0.62),
}
"""(width, height) factors per build."""

SKIN: tuple[RGB, ...] = ((241, 198, 160), (226, 174, 130), (198, 136, 94), (158, 104, 68), (112, 74, 50))
HAIR: tuple[RGB, ...] = ((40, 28, 22), (92, 60, 34), (196, 160, 92), (140, 52, 30), (70, 70, 74))
CLOSE_SIZES = (ShotSize.medium_close, ShotSize.close_up, ShotSize.extreme_close_up)


@dataclass(frozen=True)
class Pose:
    """Joint angles in degrees from hanging straight down (positive = away from the body)."""

    arm_l: tuple[float, float] = (8.0, 0.0)
    arm_r: tuple[float, float] = (8.0, 0.0)
    leg_l: tuple[float, float] = (4.0, 0.0)
    leg_r: tuple[float, float] = (4.0, 0.0)
    lift: float = 0.0  # whole body up (negative) or down, in figure heights
    lean: float = 0.0  # degrees, about the feet
    lie: float = 0.0  # degrees, 90 = lying on the ground
    sit: bool = False
    head_dy: float = 0.0
    mouth_open: bool = False
    drift: float = 0.0  # travel across the frame over the shot, in frame widths


ACTIONS: dict[str, tuple[str, ...]] = {
    "walk": ("walk", "stroll", "wander", "pace", "approach", "enter", "leave", "exit", "step"),
    "run": ("run", "chase", "flee", "sprint", "rush", "hurry", "escape"),
    "wave": ("wave", "greet", "hail", "beckon"),
    "point": ("point", "show", "indicate", "aim"),
    "cheer": ("cheer", "celebrate", "jump", "leap", "hop", "triumph"),
    "dance": ("dance", "spin", "twirl", "sway"),
    "fight": ("fight", "punch", "hit", "strike", "attack", "struggle", "push"),
    "talk": ("talk", "speak", "say", "explain", "tell", "argue", "shout", "yell", "call", "sing", "ask"),
    "think": ("think", "ponder", "wonder", "consider", "remember", "doubt"),
    "hold": ("hold", "carry", "hug", "embrace", "grab", "lift", "offer", "give", "take", "read"),
    "sit": ("sit", "rest", "kneel", "crouch", "wait"),
    "fall": ("fall", "collapse", "faint", "trip", "stumble"),
    "lie": ("lie", "lying", "sleep", "dead", "die", "lay"),
    "slump": ("cry", "weep", "sob", "mourn", "slump", "sigh"),
}

EMOTIONS: dict[str, tuple[str, ...]] = {
    "smile": (
        "happy",
        "joy",
        "excite",
        "delight",
        "love",
        "smil",
        "amus",
        "proud",
        "hope",
        "relie",
        "glad",
        "cheer",
        "warm",
        "playful",
        "content",
        "triumph",
    ),
    "frown": ("sad", "grief", "lonely", "melanchol", "tired", "disappoint", "cry", "hurt", "sorrow", "gloom"),
    "angry": ("angr", "furious", "rage", "annoy", "frustrat", "irritat", "hostile", "bitter"),
    "surprise": (
        "surpris",
        "shock",
        "amaz",
        "fear",
        "afraid",
        "scare",
        "terrif",
        "awe",
        "panic",
        "startl",
        "anxious",
        "nervous",
        "worr",
    ),
    "flat": ("determin", "focus", "serious", "calm", "stern", "resolute", "curious", "suspicious"),
}


def _classify(text: str, table: dict[str, tuple[str, ...]], default: str) -> str:
    words = text.lower()
    return next((key for key, keys in table.items() if any(k in words for k in keys)), default)


def pose_for(action: str, t: float, p: float) -> Pose:
    """The pose for `action` at t seconds, p∈[0,1] through the shot."""
    kind = _classify(action, ACTIONS, "stand")
    w1, w2 = math.sin(2 * math.pi * 1.0 * t), math.sin(2 * math.pi * 2.0 * t)
    if kind == "walk":
        return Pose(
            arm_l=(12 - 18 * w1, 0),
            arm_r=(12 + 18 * w1, 0),
            leg_l=(4 + 16 * w1, -6 * abs(w1)),
            leg_r=(4 - 16 * w1, -6 * abs(w1)),
            lift=-0.01 * abs(w1),
            drift=0.15,
        )
    if kind == "run":
        return Pose(
            arm_l=(20 - 35 * w2, 50),
            arm_r=(20 + 35 * w2, 50),
            leg_l=(6 + 30 * w2, -25 * abs(w2)),
            leg_r=(6 - 30 * w2, -25 * abs(w2)),
            lift=-0.03 * abs(w2),
            lean=8,
            drift=0.3,
        )
    if kind == "wave":
        return Pose(arm_r=(150, 25 + 25 * math.sin(2 * math.pi * 1.6 * t)))
    if kind == "point":
        return Pose(arm_r=(90, 0))
    if kind == "cheer":
        return Pose(arm_l=(155, 10), arm_r=(155, 10), leg_l=(10, 0), leg_r=(10, 0), lift=-0.08 * abs(w1))
    if kind == "dance":
        return Pose(
            arm_l=(100 + 50 * w1, 30),
            arm_r=(100 - 50 * w1, 30),
            leg_l=(8 + 10 * w2, 0),
            leg_r=(8 - 10 * w2, 0),
            lean=8 * w1,
        )
    if kind == "fight":
        jab = max(0.0, w2)
        return Pose(
            arm_l=(60, -80 + 70 * jab), arm_r=(60, -80 + 70 * (1 - jab)), leg_l=(14, 0), leg_r=(14, 0)
        )
    if kind == "talk":
        return Pose(arm_r=(30 + 15 * w1, -60), mouth_open=math.sin(2 * math.pi * 4 * t) > 0)
    if kind == "think":
        return Pose(arm_r=(25, -150), head_dy=0.01)
    if kind == "hold":
        return Pose(arm_l=(40, -75), arm_r=(40, -75))
    if kind == "sit":
        return Pose(leg_l=(75, -75), leg_r=(75, -75), sit=True)
    if kind == "fall":
        return Pose(arm_l=(120, 0), arm_r=(120, 0), lie=85 * min(1.0, p / 0.4) ** 2)
    if kind == "lie":
        return Pose(lie=85)
    if kind == "slump":
        return Pose(arm_l=(3, -20), arm_r=(3, -20), head_dy=0.025, lean=3 * math.sin(2 * math.pi * 0.5 * t))
    return Pose(lift=-0.004 * math.sin(2 * math.pi * 0.3 * t))


def _rotate(pt: Point, about: Point, deg: float) -> Point:
    a = math.radians(deg)
    x, y = pt[0] - about[0], pt[1] - about[1]
    return (about[0] + x * math.cos(a) - y * math.sin(a), about[1] + x * math.sin(a) + y * math.cos(a))


def _limb(
    start: Point, angles: tuple[float, float], side: float, l1: float, l2: float
) -> tuple[Point, Point]:
    a1, a2 = math.radians(angles[0]), math.radians(angles[0] + angles[1])
    joint = (start[0] + side * l1 * math.sin(a1), start[1] + l1 * math.cos(a1))
    return joint, (joint[0] + side * l2 * math.sin(a2), joint[1] + l2 * math.cos(a2))


def skeleton(pose: Pose, width: float) -> dict[str, Point]:
    """Joint positions in figure heights, feet centre at (0, 0), y down."""
    drop = 0.2 if pose.sit else 0.0
    leg_k = 0.62 if pose.sit else 1.0
    j: dict[str, Point] = {
        "head": (0.0, -0.92 + drop + pose.head_dy),
        "neck": (0.0, -0.84 + drop),
        "sh_l": (-0.11 * width, -0.8 + drop),
        "sh_r": (0.11 * width, -0.8 + drop),
        "hip_l": (-0.055 * width, -0.48 + drop),
        "hip_r": (0.055 * width, -0.48 + drop),
    }
    j["elb_l"], j["hand_l"] = _limb(j["sh_l"], pose.arm_l, -1, 0.17, 0.16)
    j["elb_r"], j["hand_r"] = _limb(j["sh_r"], pose.arm_r, 1, 0.17, 0.16)
    j["knee_l"], j["foot_l"] = _limb(j["hip_l"], pose.leg_l, -1, 0.25 * leg_k, 0.23 * leg_k)
    j["knee_r"], j["foot_r"] = _limb(j["hip_r"], pose.leg_r, 1, 0.25 * leg_k, 0.23 * leg_k)
    if pose.lie:
        j = {k: _rotate(v, (0.0, -0.5), -pose.lie) for k, v in j.items()}
        sink = 0.45 * math.sin(math.radians(pose.lie))
        j = {k: (x, y + sink) for k, (x, y) in j.items()}
    if pose.lean:
        j = {k: _rotate(v, (0.0, 0.0), pose.lean) for k, v in j.items()}
    return {k: (x, y + pose.lift) for k, (x, y) in j.items()}


def _shade(c: RGB, k: float) -> RGB:
    return (round(c[0] * k), round(c[1] * k), round(c[2] * k))


def _hex(color: str) -> RGB:
    return (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16))


@dataclass(frozen=True)
class Figure:
    """One character placed on the stage of a shot, in base pixels."""

    character: Character
    performance: Performance
    x: float
    feet_y: float
    height: float
    phase: float
    facing: float  # +1 walks right, -1 walks left

    def draw(
        self,
        draw: ImageDraw.ImageDraw,
        view: LayerView,
        t: float,
        p: float,
        w: int,
        h: int,
        ink: int | None = None,
    ) -> tuple[Point, Box]:
        """Draw the figure into the frame; return the screen point just above its head and the
        box it covers. With `ink` set the figure is drawn as a flat silhouette of that grey
        (for the depth pass), faces left out."""
        pose = pose_for(self.performance.action, t + self.phase, p)
        if self.facing < 0 and pose.lean:
            pose = replace(pose, lean=-pose.lean)
        bw, bh = BUILD[self.character.build]
        size = self.height * bh * view.zoom
        x0 = self.x + self.facing * pose.drift * w * (p - 0.5)
        ox, oy = view.to_screen(x0, self.feet_y, w, h)
        pts = {k: (ox + u * size, oy + v * size) for k, (u, v) in skeleton(pose, bw).items()}
        body = _hex(self.character.color)
        digest = int(stable_hash(self.character.id)[:6], 16)
        skin, hair = SKIN[digest % len(SKIN)], HAIR[(digest // 7) % len(HAIR)]
        lw = max(1, round(0.055 * bw * size))
        r = 0.075 * size
        xs, ys = [q[0] for q in pts.values()], [q[1] for q in pts.values()]
        box = (min(xs) - lw, min(min(ys) - lw, pts["head"][1] - r), max(xs) + lw, max(ys) + lw)
        if ink is not None:
            self._silhouette(draw, pts, lw, r, ink)
            return (pts["head"][0], pts["head"][1] - r - 3), box
        for side in ("l", "r"):
            draw.line(
                [pts[f"hip_{side}"], pts[f"knee_{side}"], pts[f"foot_{side}"]],
                fill=_shade(body, 0.45),
                width=lw,
                joint="curve",
            )
        draw.polygon(
            [pts["sh_l"], pts["sh_r"], pts["hip_r"], pts["hip_l"]], fill=body, outline=_shade(body, 0.7)
        )
        draw.line([pts["neck"], ((pts["sh_l"][0] + pts["sh_r"][0]) / 2, pts["sh_l"][1])], fill=skin, width=lw)
        for side in ("l", "r"):
            draw.line(
                [pts[f"sh_{side}"], pts[f"elb_{side}"], pts[f"hand_{side}"]],
                fill=_shade(body, 0.85),
                width=max(1, round(lw * 0.85)),
                joint="curve",
            )
            hx, hy = pts[f"hand_{side}"]
            hr = lw * 0.6
            draw.ellipse((hx - hr, hy - hr, hx + hr, hy + hr), fill=skin)
        hx, hy = pts["head"]
        draw.ellipse((hx - r, hy - r, hx + r, hy + r), fill=skin, outline=_shade(skin, 0.6))
        draw.chord((hx - r, hy - r, hx + r, hy + 0.2 * r), 180, 360, fill=hair)
        if r >= 5:
            self._face(draw, hx, hy, r, pose.mouth_open)
        return (hx, hy - r - 3), box

    @staticmethod
    def _silhouette(draw: ImageDraw.ImageDraw, pts: dict[str, Point], lw: int, r: float, ink: int) -> None:
        """The figure's shape in one grey: what the depth pass needs, at a fraction of the cost."""
        for side in ("l", "r"):
            draw.line([pts[f"hip_{side}"], pts[f"knee_{side}"], pts[f"foot_{side}"]], fill=ink, width=lw)
            draw.line([pts[f"sh_{side}"], pts[f"elb_{side}"], pts[f"hand_{side}"]], fill=ink, width=lw)
        draw.polygon([pts["sh_l"], pts["sh_r"], pts["hip_r"], pts["hip_l"]], fill=ink)
        draw.line([pts["neck"], ((pts["sh_l"][0] + pts["sh_r"][0]) / 2, pts["sh_l"][1])], fill=ink, width=lw)
        hx, hy = pts["head"]
        draw.ellipse((hx - r, hy - r, hx + r, hy + r), fill=ink)

    def _face(self, draw: ImageDraw.ImageDraw, x: float, y: float, r: float, talking: bool) -> None:
        kind = _classify(self.performance.emotion, EMOTIONS, "neutral")
        ink, er = (30, 24, 22), max(1.0, 0.09 * r)
        lw = max(1, round(0.07 * r))
        for s in (-1, 1):
            ex, ey = x + s * 0.35 * r, y - 0.05 * r
            draw.ellipse((ex - er, ey - er, ex + er, ey + er), fill=ink)
            inner, outer = ey - 0.28 * r, ey - 0.28 * r
            if kind == "angry":
                inner += 0.12 * r
            elif kind in ("frown", "surprise"):
                inner -= 0.08 * r
                outer += 0.04 * r if kind == "frown" else -0.08 * r
            draw.line([(ex - s * 0.18 * r, inner), (ex + s * 0.2 * r, outer)], fill=ink, width=lw)
        my, mw = y + 0.45 * r, 0.32 * r
        if talking or kind == "surprise":
            mh = 0.16 * r if talking else 0.22 * r
            draw.ellipse((x - mw * 0.5, my - mh, x + mw * 0.5, my + mh), fill=(90, 30, 30))
        elif kind == "smile":
            draw.arc((x - mw, my - 0.35 * r, x + mw, my + 0.12 * r), 20, 160, fill=ink, width=lw)
        elif kind == "frown":
            draw.arc((x - mw, my - 0.02 * r, x + mw, my + 0.4 * r), 200, 340, fill=ink, width=lw)
            if "cr" in self.performance.emotion.lower() or "sad" in self.performance.emotion.lower():
                draw.ellipse((x + 0.3 * r, y + 0.1 * r, x + 0.4 * r, y + 0.25 * r), fill=(120, 170, 230))
        else:
            half = mw * (0.8 if kind == "flat" else 0.6)
            draw.line([(x - half, my), (x + half, my)], fill=ink, width=lw)


class Cast:
    """Every character of a shot on stage, plus their prerendered name tags."""

    def __init__(
        self,
        characters: tuple[Character, ...],
        performances: tuple[Performance, ...],
        size: ShotSize,
        width: int,
        height: int,
        horizon: float,
    ) -> None:
        self.w, self.h = width, height
        self.boxes: dict[str, Box] = {}
        perf = {p.character_id: p for p in performances}
        k = FIGURE_HEIGHT[size]
        fig_h = k * min(height, 1.25 * width)  # portrait frames: size by width, or a face overflows
        if k <= 0.8:
            feet = horizon + (height - horizon) * 0.45
            feet = min(max(feet, 0.06 * height + fig_h), 0.96 * height)
        else:  # a close shot frames faces: each figure stands so its head is where an adult's is
            feet = (0.1 if size is not ShotSize.extreme_close_up else -0.02) * height + fig_h
        close = size is ShotSize.medium or size in CLOSE_SIZES  # feet out of frame: nobody floats
        stands = [feet - fig_h * (1.0 - BUILD[ch.build][1]) if close else feet for ch in characters]
        self.feet_y, self.figure_height = (stands[0] if stands else feet), fig_h
        n = len(characters)
        spacing = max(0.42 * fig_h, min(width / (n + 1), 0.3 * width)) if n else 0.0
        self.figures: list[Figure] = []
        for i, ch in enumerate(characters):
            # in close shots the first character is the subject and the others flank out of frame
            slot = float((i + 1) // 2 * (1 if i % 2 else -1)) if size in CLOSE_SIZES else i - (n - 1) / 2
            self.figures.append(
                Figure(
                    ch,
                    perf.get(ch.id, Performance(character_id=ch.id)),
                    width / 2 + slot * spacing,
                    stands[i],
                    fig_h,
                    0.37 * i,
                    1.0 if slot >= 0 else -1.0,
                )
            )
        tag_px = max(10, round(0.034 * min(width, height)))
        self.tags = {
            ch.id: tag(ch.name, tag_px, (255, 255, 255), (*_shade(_hex(ch.color), 0.55), 200))
            for ch in characters
        }

    def draw(
        self, img: Image.Image, view: LayerView, t: float, p: float, ink: int | None = None
    ) -> list[tuple[Image.Image, Point]]:
        """Draw every figure; return (tag, anchor) pairs to paste once the frame is finished.
        The screen box of each figure is left in `self.boxes` for the control pass."""
        draw = ImageDraw.Draw(img)
        labels = []
        self.boxes = {}
        for fig in sorted(self.figures, key=lambda f: abs(f.x - self.w / 2), reverse=True):
            anchor, self.boxes[fig.character.id] = fig.draw(draw, view, t, p, self.w, self.h, ink)
            if -0.05 * self.w <= anchor[0] <= 1.05 * self.w:
                labels.append((self.tags[fig.character.id], anchor))
        return labels
