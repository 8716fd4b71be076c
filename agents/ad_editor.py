"""The ad editor: an ad's takes cut hard in slot order, and its graphics laid out inside one
platform's safe zone in the brand's colours.

The hook gets a kinetic title, the middle slots their captions (burned in, since feeds play
muted, and kept as .srt/.vtt cues too), and the call-to-action slot becomes the end card: the
logo sting, the tagline, a countdown bar when the template has one, the offer over the button,
and the brand's legal line. Every box is a share of the platform's safe zone, so a 9:16 TikTok
and a 16:9 YouTube cut of one variant are laid out afresh, never cropped; the lint then checks
each box and the length against the platform anyway, naming the overlay that breaks it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from agents.ad_planner import Beat
from film import Clip, FilmPlan, SubtitleCue, Take, Timeline
from film.ads import Value
from film.brand import BrandKit, check_contrast, contrast_ratio, parse_colour
from film.disclosure import DEFAULT_BUG, BugCorner
from film.platforms import Box, Platform, lint
from film.timeline import Graphic, GraphicKind

HOUSE_PRIMARY = "#1f3a5f"
"""The plate colour of an ad with no brand kit and no brand_colour variable."""

# Where each graphic sits: (top, height, width) as shares of the safe zone, centred across it.
HOOK_BOX = (0.30, 0.30, 1.0)
CAPTION_BOX = (0.80, 0.20, 1.0)
CARD_BOXES: dict[str, tuple[float, float, float]] = {
    "logo sting": (0.02, 0.16, 0.6),
    "tagline": (0.19, 0.07, 0.9),
    "countdown bar": (0.28, 0.10, 0.9),
    "cta button": (0.42, 0.32, 0.9),
    "legal line": (0.90, 0.10, 1.0),
}


@dataclass(frozen=True)
class Colours:
    """The pairs the ad letters with; text is held to WCAG AA on both plates."""

    primary: str
    secondary: str
    text: str

    @classmethod
    def of(cls, brand: BrandKit | None, values: Mapping[str, Value]) -> Colours:
        if brand is not None:
            return cls(brand.primary, brand.secondary, brand.text)
        primary = parse_colour("brand_colour", values.get("brand_colour", HOUSE_PRIMARY))
        text = max(("#ffffff", "#000000"), key=lambda c: contrast_ratio(c, primary))
        towards = 0 if text == "#ffffff" else 255  # the second plate leans away from the text
        channels = [int(primary[i : i + 2], 16) for i in (1, 3, 5)]
        secondary = "#" + "".join(f"{round(c + 0.45 * (towards - c)):02x}" for c in channels)
        return cls(primary, secondary, text)


@dataclass(frozen=True)
class AdCut:
    """One platform's cut of one variant: its timeline and the lint's verdict on it."""

    timeline: Timeline
    overlays: dict[str, Box]
    problems: list[str]


def zone_box(zone: Box, top: float, height: float, width: float) -> Box:
    """A box `width` x `height` (shares of the safe `zone`) centred across it, `top` down it."""
    zw, zh = zone.right - zone.left, zone.bottom - zone.top
    left = zone.left + zw * (1 - width) / 2
    return Box(
        left=left, top=zone.top + zh * top, right=left + zw * width, bottom=zone.top + zh * (top + height)
    )


def cut_ad(
    plan: FilmPlan,
    slots: Sequence[Beat],
    takes: Mapping[str, Take],
    platform: Platform,
    *,
    cta: str,
    brand: BrandKit | None,
    values: Mapping[str, Value],
    countdown: str = "",
    name: str = "",
    zone: Box | None = None,
    bug: BugCorner = DEFAULT_BUG,
) -> AdCut:
    """The ad for `platform` from its takes (by shot id), laid out in `zone` (the platform's
    safe zone unless given: film.platforms.shared_zone). A take of another frame (the master
    of several platforms) is cut to the platform's frame as the film is cut, following its
    people, and marked afresh with `bug`."""
    zone = zone or platform.safe
    colours = Colours.of(brand, values)
    fps = plan.fps
    width, height = platform.size
    clips = [_clip(s.id, s.frames, takes[s.id], (width, height)) for s in plan.shots]
    spans = _slot_spans(plan, len(slots))
    graphics: list[Graphic] = []
    cues: list[SubtitleCue] = []
    font, logo = (brand.font, brand.logo) if brand is not None else ("", "")

    def add(label: str, kind: GraphicKind, span: tuple[int, int], where: tuple[float, float, float],
            text: str, fg: str, bg: str, **extra: str) -> None:  # fmt: skip
        box = zone_box(zone, *where)
        check_contrast(("text", fg), (_plate(bg, colours), bg))
        graphics.append(
            Graphic(name=label, kind=kind, start_frame=span[0], frames=span[1] - span[0],
                    box=(box.left, box.top, box.right, box.bottom), text=text, fg=fg, bg=bg, font=font,
                    **extra)
        )  # fmt: skip

    for n, (beat, span) in enumerate(zip(slots, spans, strict=True)):
        if beat.caption:
            cues.append(SubtitleCue(start_s=span[0] / fps, end_s=span[1] / fps, text=beat.caption))
        if beat.kind == "hook" and beat.caption:
            add("hook title", "kinetic", span, HOOK_BOX, beat.caption, colours.text, colours.primary)
        elif beat.kind == "cta":
            card = CARD_BOXES
            brand_name = brand.name if brand is not None else name
            add("logo sting", "logo", span, card["logo sting"], brand_name, colours.text, colours.primary,
                image=logo)  # fmt: skip
            if brand is not None and brand.tagline:
                add(
                    "tagline",
                    "caption",
                    span,
                    card["tagline"],
                    brand.tagline,
                    colours.text,
                    colours.secondary,
                )
            if countdown:
                add("countdown bar", "countdown", span, card["countdown bar"], countdown, colours.text,
                    colours.secondary)  # fmt: skip
            add("cta button", "cta", span, card["cta button"], cta, colours.text, colours.primary,
                subtitle=beat.caption)  # fmt: skip
            if brand is not None and brand.legal:
                add(
                    "legal line",
                    "legal",
                    span,
                    card["legal line"],
                    brand.legal,
                    colours.text,
                    colours.secondary,
                )
        elif beat.caption:
            add(
                f"caption {n + 1}",
                "caption",
                span,
                CAPTION_BOX,
                beat.caption,
                colours.text,
                colours.secondary,
            )
    timeline = Timeline(
        fps=fps, width=width, height=height, clips=tuple(clips), subtitles=tuple(cues),
        graphics=tuple(graphics), language=plan.language, bug=bug,
    )  # fmt: skip
    overlays = {g.name: Box(left=g.box[0], top=g.box[1], right=g.box[2], bottom=g.box[3]) for g in graphics}
    return AdCut(timeline, overlays, lint(platform, overlays, timeline.total_s))


def _clip(shot_id: str, frames: int, take: Take, size: tuple[int, int]) -> Clip:
    recut = (take.width, take.height) != size
    boxes, sound = take.extras.get("boxes", ""), take.extras.get("sound", "")
    return Clip(
        shot_id=shot_id, take_path=take.path, out_frame=frames, reframe=recut, boxes=boxes, sound=sound
    )


def _plate(colour: str, colours: Colours) -> str:
    return "primary" if colour == colours.primary else "secondary"


def _slot_spans(plan: FilmPlan, slots: int) -> list[tuple[int, int]]:
    """Each slot's film frames [start, end), from its shots' ids ('s2-…' is slot 2)."""
    spans: list[tuple[int, int]] = []
    at = plan.title_card_frames
    for n in range(1, slots + 1):
        frames = sum(s.frames for s in plan.shots if s.id.startswith(f"s{n}-"))
        spans.append((at, at + frames))
        at += frames
    return spans
