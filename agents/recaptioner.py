"""The recaptioner: one planned shot becomes one engine request (RenderSpec) with a rich prompt.

Video models follow long, concrete prompts far better than a plot sentence, so the shot is
expanded with the character bible (verbatim, for continuity), the set and its set pieces, the
props and light sources in frame, the scene's light and weather, the coverage and the camera in
words, the performances, the physics and the style. It writes only what the plan holds: a
character field the brief never gave (`Character.defaults`) stays out of every prompt. The
heuristic version is the default and the fallback for an LLM recaptioner behind the same
`Recaptioner` protocol.
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
    Prop,
    RenderSpec,
    Scene,
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
    TimeOfDay.night: "moonlight, deep blue shadows",
}
"""The hour's light, for a scene whose `light` the planner left empty; it names no light source
the brief did not (a lamp is a prop, and lights the frame only when the plan says so)."""
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
STOPS = tuple('.!?…。！？」』”"»')
"""Marks that end a description; a shot-list line without one gets a full stop."""
CLEARED = "the weather has cleared, dry air"
"""A shot whose physics is clear in a scene that is not: the weather ended during the scene."""
COVERAGE_WORDS: dict[str, str] = {
    "establishing": "Establishing shot: the whole place and where everyone stands in it.",
    "master": "Master shot of the whole action.",
    "reaction": "Reaction shot: {face} listening and reacting.",
    "insert": "Insert shot: {thing} fills the frame.",
    "over-the-shoulder": "Over-the-shoulder shot past {back}'s shoulder onto {face}.",
    "cutaway": "Cutaway to the setting: {thing}.",
    "close": "Close coverage of {face}.",
    "wide": "Another angle on the action, wide.",
    "medium": "Another angle on the action.",
}
"""The coverage kind in words; {face} faces the camera, {back} is the near shoulder (the last
performance of an over-the-shoulder), {thing} the prop or set piece shown."""
LIGHT_KINDS = frozenset(
    {
        "lamp",
        "lantern",
        "candle",
        "torch",
        "flashlight",
        "headlights",
        "match",
        "lighthouse",
        "beacon",
        "fire",
    }
)
"""Kinds that give light, so one the plan leaves unlit is written dark; other kinds ending in
'lamp' or 'light' (street_lamp, spotlight) count too."""
BUILD_WORDS: dict[str, str] = {
    "slight": "slight build",
    "broad": "broad build",
    "tall": "tall",
    "child": "a child",
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


def shot_seed(base_seed: int, shot_id: str, retake: int = 0) -> int:
    """Per-shot seed from the plan seed and shot id: stable across runs and machines (sha256,
    not Python's salted hash()), different for every shot, and for every retake of one."""
    key: dict[str, object] = {"seed": base_seed, "shot": shot_id}
    if retake:
        key["retake"] = retake
    return int(stable_hash(key)[:8], 16)


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
            _coverage_words(plan, shot),
            f"{_camera_words(shot.camera)}.",
            _setting_words(scene),
            things_words(scene, shot),
            _cast_words(plan, shot),
            f"Action: {shot.description}{'' if shot.description.endswith(STOPS) else '.'}",
            _physics_words(shot.physics, scene.weather),
            _dialogue_words(shot),
            f"Style: {plan.style}, coherent anatomy, consistent characters, natural motion, film grain.",
        )
        if part
    )
    return RenderSpec(
        engine=engine,
        shot=shot.model_copy(update={"take": None, "locked": False}),  # they pick takes, not pixels
        scene=scene,
        characters=tuple(cast),
        prompt=prompt[:8000],
        negative_prompt=NEGATIVE_PROMPT,
        seed=shot_seed(plan.seed if seed is None else seed, shot.id, shot.retake),
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


def _coverage_words(plan: FilmPlan, shot: Shot) -> str:
    words = COVERAGE_WORDS.get(shot.coverage)
    if not words:
        return ""
    cast = plan.cast_of(shot)
    things = [prop_words(p) for p in shot.props] if shot.coverage == "insert" else []
    if shot.coverage == "cutaway":
        things = [prop_words(p) for p in plan.scene(shot.scene_id).set_pieces]
    return words.format(
        face=cast[0].name if cast else "the subject",
        back=cast[-1].name if len(cast) > 1 else "a listener",
        thing=", ".join(things) or "the detail",
    )


def _setting_words(scene: Scene) -> str:
    """Where and when, with the scene's own light and weather."""
    weather = WEATHER_WORDS[scene.weather]
    return (
        f"Setting: {scene.location}, {scene.time_of_day.value}; {weather + '; ' if weather else ''}"
        f"{scene.mood} mood; {scene.palette} palette; {scene.light or LIGHT[scene.time_of_day]}."
    )


def prop_words(prop: Prop) -> str:
    """A prop as the brief names it, lit or dark, with its beam when it sweeps."""
    name = prop.name or prop.kind.replace("_", " ")
    if prop.sweeps:
        return f"{name}, lit, its beam sweeping across the frame"
    if prop.light:
        return f"{name}, lit, casting light into the frame"
    if prop.kind in LIGHT_KINDS or prop.kind.endswith(("lamp", "light", "lights")):
        return f"{name}, unlit and dark"
    return name


def things_words(scene: Scene, shot: Shot) -> str:
    """The scene's set pieces and the shot's props and light sources, as the plan lists them."""
    pieces = "; ".join(prop_words(p) for p in scene.set_pieces)
    props = "; ".join(prop_words(p) for p in shot.props)
    return " ".join(part for part in (pieces and f"Set: {pieces}.", props and f"In frame: {props}.") if part)


def character_words(who: Character) -> str:
    """What the brief says a character looks like; fields it never gave stay out."""
    parts = [] if "appearance" in who.defaults or not who.appearance else [who.appearance]
    build = BUILD_WORDS.get(who.build)
    if build and "build" not in who.defaults and who.build not in who.appearance.casefold():
        parts.append(build)
    return ", ".join(parts)


def _cast_words(plan: FilmPlan, shot: Shot) -> str:
    parts = []
    for perf in shot.performances:
        who = plan.character(perf.character_id)
        look = character_words(who)
        feeling = "" if perf.emotion == "neutral" else f", {perf.emotion} expression"
        parts.append(f"{who.name}{f' ({look})' if look else ''} — {perf.action}{feeling}")
    return ("Characters: " + "; ".join(parts) + ".") if parts else ""


def _physics_words(physics: Physics, scene_weather: Weather = Weather.clear) -> str:
    """Wind, medium and events; weather only where the shot's differs from its scene's."""
    parts = []
    if physics.weather is not scene_weather:
        parts.append(WEATHER_WORDS[physics.weather] or CLEARED)
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
