"""From a filled ad template to a shot list: each slot a scene of its own, planned from its
prompt by the offline planner, timed to the slot's share of the length preset, framed by the
slot's camera words.

Variants must share takes, so a slot's shots depend on nothing but that slot: its prompt, camera,
seconds, the aspect, style and seed. Shot ids carry the slot's place ("s2-sh0001"), nothing is
continuous across slots, and so the proof slot of hook 1 and of hook 3 is the same spec, the
same take, rendered once.
"""

from __future__ import annotations

from dataclasses import dataclass

from agents.ads import render_text
from agents.planner import HeuristicPlanner, PlanRequest
from agents.reviser import camera_from_words
from film import BadInput, FilmPlan
from film.ads import AdTemplate, SlotKind, Value
from film.brand import BrandKit
from film.plan import MIN_DURATION_S, Character, Scene, Shot

AD_FPS = 24
AD_STYLE = "commercial"
"""The look the ad's shots ask for: clean, bright, product-forward."""


@dataclass(frozen=True)
class Beat:
    """One slot of one variant, rendered: what it shows and says, and for how long."""

    kind: SlotKind
    seconds: float
    prompt: str
    caption: str
    camera: str


def beats(template: AdTemplate, values: dict[str, Value], hook: int, length_s: float) -> list[Beat]:
    """The slots of the variant with hook `hook` (0 = the template's own), their Jinja2 rendered."""
    found = []
    for i, (slot, seconds) in enumerate(zip(template.slots, template.timing(length_s), strict=True)):
        beat = slot.beat(hook if i == 0 else 0)
        where = f"slot {i + 1} ({slot.kind})" + (f" hook {hook + 1}" if i == 0 and hook else "")
        found.append(
            Beat(
                kind=slot.kind,
                seconds=seconds,
                prompt=render_text(template, f"{where} prompt", beat.prompt, values),
                caption=render_text(template, f"{where} caption", beat.caption, values),
                camera=beat.camera,
            )
        )
    return found


def avoided(brand: BrandKit | None, texts: dict[str, str]) -> None:
    """BadInput naming the first word the brand avoids and the text that uses it."""
    if brand is None:
        return
    for field, text in texts.items():
        words = brand.avoided_words(text)
        if words:
            raise BadInput(field, text, f"uses {words[0]!r}, a word brand {brand.name} avoids")


def ad_plan(
    template: AdTemplate, slots: list[Beat], *, aspect: str, seed: int, fps: int = AD_FPS, title: str = ""
) -> FilmPlan:
    """The ad's plan: per slot, the planner's shots for its prompt, retimed to the slot's frames
    and given the slot's camera; the slots' scenes and casts kept apart (see the module)."""
    planner = HeuristicPlanner()
    scenes: list[Scene] = []
    shots: list[Shot] = []
    cast: list[Character] = []
    ends = [round(sum(b.seconds for b in slots[: n + 1]) * fps) for n in range(len(slots))]
    for n, beat in enumerate(slots, start=1):
        frames = ends[n - 1] - (ends[n - 2] if n > 1 else 0)  # the whole length, in whole frames
        request = PlanRequest(
            duration_s=max(MIN_DURATION_S, beat.seconds), aspect=aspect, style=AD_STYLE, seed=seed, fps=fps,
            title_card=False,
        )  # fmt: skip
        sub = planner.plan(beat.prompt, request)
        prefix = f"s{n}-"
        scene = sub.scene(sub.shots[0].scene_id).model_copy(update={"id": f"{prefix}{beat.kind}"})
        scenes.append(scene)
        cast += [c.model_copy(update={"id": prefix + c.id}) for c in sub.characters]
        kept = sub.shots if beat.seconds > 6 else sub.shots[:1]  # short beats are one shot
        lengths = _split(frames, [s.frames for s in kept])
        for shot, length in zip(kept, lengths, strict=True):
            framed = beat.camera and shot is kept[0]  # the slot's camera opens it; coverage follows
            camera = camera_from_words(shot.camera, beat.camera) if framed else shot.camera
            shots.append(
                shot.model_copy(
                    update={
                        "id": prefix + shot.id,
                        "scene_id": scene.id,
                        "frames": length,
                        "camera": camera,
                        "continuous_with_previous": shot.continuous_with_previous and shot is not kept[0],
                        "performances": tuple(
                            p.model_copy(update={"character_id": prefix + p.character_id})
                            for p in shot.performances
                        ),
                        "dialogue": (),  # the ad's words are its captions
                    }
                )
            )
    total = sum(s.frames for s in shots)
    return FilmPlan(
        title=title or template.title, logline=slots[0].caption or slots[0].prompt, aspect=aspect,
        fps=fps, duration_s=total / fps, style=AD_STYLE, seed=seed, characters=tuple(cast),
        scenes=tuple(scenes), shots=tuple(shots),
    )  # fmt: skip


def _split(frames: int, weights: list[int]) -> list[int]:
    """`frames` shared in proportion to `weights`, every share at least one frame, summing exactly."""
    total = sum(weights)
    shares = [max(1, frames * w // total) for w in weights]
    shares[-1] = frames - sum(shares[:-1])
    return shares
