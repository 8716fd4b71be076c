"""The recaptioner: one planned shot becomes one engine request (RenderSpec) with a rich prompt.

Video models follow long, concrete prompts far better than a plot sentence, so the shot is
expanded with the character bible (verbatim, for continuity), the set, the light, the camera in
words, the performances, the physics and the style. The heuristic version is the default and the
fallback for an LLM recaptioner behind the same `Recaptioner` protocol.
"""

from __future__ import annotations

from typing import Protocol

from agents.continuity import PAINTERLESS
from film import (
    Camera,
    Character,
    Conditioning,
    Direction,
    FilmPlan,
    Movement,
    Physics,
    RenderSpec,
    Shot,
    TimeOfDay,
    Weather,
)
from film import frame_size as film_frame_size
from film.hashing import stable_hash

NEGATIVE_PROMPT = (
    "blurry, low quality, low resolution, distorted faces, deformed hands, extra limbs, extra fingers, "
    "duplicate characters, inconsistent clothing, changing faces, flicker, jitter, warped geometry, "
    "watermark, logo, subtitles, text overlay, oversaturated, cartoonish artifacts, frozen frame"
)
LIGHT: dict[TimeOfDay, str] = {
    TimeOfDay.dawn: "soft low golden light from the horizon, long shadows, light haze",
    TimeOfDay.morning: "fresh clear morning light, gentle contrast",
    TimeOfDay.day: "bright natural daylight, crisp shadows",
    TimeOfDay.dusk: "warm amber backlight, deepening blue sky, long soft shadows",
    TimeOfDay.night: "moonlight and practical lamps, deep shadows, pools of warm light",
}
SIZE_WORDS: dict[str, str] = {
    "extreme-wide": "extreme wide establishing shot",
    "wide": "wide shot",
    "full": "full shot, head to toe",
    "medium-wide": "medium wide shot, knees up",
    "medium": "medium shot, waist up",
    "medium-close": "medium close-up, chest up",
    "close-up": "close-up on the face",
    "extreme-close-up": "extreme close-up on the eyes and details",
}
ANGLE_WORDS: dict[str, str] = {
    "eye": "at eye level",
    "low": "from a low angle looking up",
    "high": "from a high angle looking down",
    "overhead": "from directly overhead",
    "dutch": "with a tilted dutch angle",
}
MOVE_WORDS: dict[Movement, str] = {
    Movement.static: "locked-off static camera",
    Movement.pan: "camera pans",
    Movement.tilt: "camera tilts",
    Movement.dolly: "camera dollies",
    Movement.truck: "camera trucks alongside",
    Movement.crane: "camera cranes",
    Movement.zoom: "lens zooms",
    Movement.orbit: "camera orbits the subject",
    Movement.handheld: "handheld camera with urgent shake",
}
WEATHER_WORDS: dict[Weather, str] = {
    Weather.rain: "steady rain falling, wet reflective surfaces",
    Weather.snow: "snow falling, breath visible",
    Weather.fog: "thick drifting fog",
    Weather.dust: "swirling dust in the air",
    Weather.storm: "raging storm, driving rain, lightning flashes",
    Weather.clear: "",
}


class Recaptioner(Protocol):
    """Anything that turns a planned shot into an engine request (heuristic now, an LLM later)."""

    def recaption(
        self, plan: FilmPlan, shot: Shot, *, engine: str, seed: int | None = None
    ) -> RenderSpec: ...


class HeuristicRecaptioner:
    """The offline recaptioner as a `Recaptioner`."""

    def recaption(self, plan: FilmPlan, shot: Shot, *, engine: str, seed: int | None = None) -> RenderSpec:
        return recaption(plan, shot, engine=engine, seed=seed)


def shot_seed(base_seed: int, shot_id: str) -> int:
    """Per-shot seed from the plan seed and shot id: stable across runs and machines (sha256,
    not Python's salted hash()), different for every shot."""
    return int(stable_hash({"seed": base_seed, "shot": shot_id})[:8], 16)


def recaption(plan: FilmPlan, shot: Shot, *, engine: str, seed: int | None = None) -> RenderSpec:
    """Expand `shot` into a RenderSpec for `engine`; `seed` overrides the plan's base seed."""
    scene = plan.scene(shot.scene_id)
    cast = plan.cast_of(shot)
    index = next(i for i, s in enumerate(plan.shots) if s.id == shot.id)
    scene_no = [s.id for s in plan.scenes].index(scene.id) + 1
    width, height = film_frame_size(plan.aspect)
    prompt = " ".join(
        part
        for part in (
            f"{plan.style.capitalize()} film shot.",
            f"{_camera_words(shot.camera)}.",
            f"Setting: {scene.location}, {scene.time_of_day.value}; {scene.mood} mood; "
            f"{scene.palette} palette; {LIGHT[scene.time_of_day]}.",
            _cast_words(plan, shot),
            f"Action: {shot.description}",
            _physics_words(shot.physics),
            _dialogue_words(shot),
            f"Style: {plan.style}, coherent anatomy, consistent characters, natural motion, film grain.",
        )
        if part
    )
    return RenderSpec(
        engine=engine,
        shot=shot,
        scene=scene,
        characters=tuple(cast),
        prompt=prompt[:8000],
        negative_prompt=NEGATIVE_PROMPT,
        seed=shot_seed(plan.seed if seed is None else seed, shot.id),
        width=width,
        height=height,
        fps=plan.fps,
        card=f"Scene {scene_no} · Shot {index + 1}",
        style=plan.style[:200],
        conditioning=_references(cast, engine),
    )


def _references(cast: list[Character], engine: str) -> Conditioning:
    """Character reference pictures for engines that paint (VACE keeps faces and clothes);
    previz draws its figures from the bible and takes none."""
    if engine in PAINTERLESS:
        return Conditioning()
    return Conditioning(reference_images=tuple(c.reference_image for c in cast if c.reference_image))


def _camera_words(camera: Camera) -> str:
    move = MOVE_WORDS[camera.movement]
    if camera.direction is not Direction.none and camera.movement is not Movement.static:
        move = f"{move} {camera.direction.value}"
    pace = "slowly" if camera.speed < 0.8 else "quickly" if camera.speed > 1.2 else "smoothly"
    if camera.movement not in (Movement.static, Movement.handheld):
        move = f"{move} {pace}"
    size = SIZE_WORDS.get(camera.size.value, camera.size.value)
    return f"{size.capitalize()} {ANGLE_WORDS[camera.angle.value]}, {move}, {camera.lens_mm:g}mm lens"


def _cast_words(plan: FilmPlan, shot: Shot) -> str:
    parts = []
    for perf in shot.performances:
        who = plan.character(perf.character_id)
        look = f" ({who.appearance})" if who.appearance else ""
        feeling = "" if perf.emotion == "neutral" else f", {perf.emotion} expression"
        parts.append(f"{who.name}{look} — {perf.action}{feeling}")
    return ("Characters: " + "; ".join(parts) + ".") if parts else ""


def _physics_words(physics: Physics) -> str:
    parts = [WEATHER_WORDS[physics.weather]] if WEATHER_WORDS[physics.weather] else []
    if physics.wind_ms != (0.0, 0.0):
        parts.append(f"wind {abs(physics.wind_ms[0]):g} m/s moving hair, cloth and leaves")
    if physics.medium.value != "air":
        parts.append(f"in {physics.medium.value}, {physics.gravity_ms2():g} m/s² gravity")
    for event in physics.events:
        parts.append(
            f"a {event.object} {event.action.value}s at {event.start_s:g}s with real weight and momentum"
        )
    return ("Physics: " + "; ".join(parts) + ".") if parts else ""


def _dialogue_words(shot: Shot) -> str:
    if not shot.dialogue:
        return ""
    speakers = sorted({d.speaker for d in shot.dialogue if d.speaker})
    return f"{', '.join(speakers) or 'A character'} speaking, lips moving naturally."
