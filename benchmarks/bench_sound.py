"""The soundtrack's cost against the picture's, and how closely the foley lands on the physics.

Run: `.venv/bin/python benchmarks/bench_sound.py`. A 60-s film of ten 6-s shots in three scenes
(a rainy harbour, a windy clifftop, a kitchen) with 12 lines of dialogue and 20 simulated
impacts (falls and splashes of glass, wood, metal, cloth and water) is rendered by the previz
engine one shot after another (the film render), cut by the offline editor, then scored from a
cold voice cache: every line spoken by espeak-ng, the ambience, the foley and the mix (mix_s).
The onsets detected in the foley stem are matched to the simulated impact times.
Last line: `sound: mix_s=<s> vs_film_render=<ratio> onset_err_ms=<n>` (targets: ratio <= 0.25,
median onset error <= 21 ms, half a frame at 24 fps).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agents.editor import edit  # noqa: E402
from agents.recaptioner import recaption  # noqa: E402
from engine.previz import PrevizRenderer  # noqa: E402
from engine.sound.loudness import integrated_lufs  # noqa: E402
from engine.sound.mix import true_peak_db  # noqa: E402
from engine.sound.onsets import detect_onsets  # noqa: E402
from engine.sound.options import SoundOptions  # noqa: E402
from engine.sound.score import score  # noqa: E402
from film import (  # noqa: E402
    Character,
    DialogueLine,
    FilmPlan,
    MotionAction,
    MotionEvent,
    Performance,
    Physics,
    Scene,
    Shot,
    TimeOfDay,
    Weather,
)

FPS, SHOT_S = 24, 6.0
CAST = (
    Character(id="mara", name="Mara", color="#2e86de", build="slight"),
    Character(id="theo", name="Theo", color="#e67e22", build="broad"),
)
SCENES = (
    Scene(id="harbour", location="harbour pier at night", time_of_day=TimeOfDay.night, weather=Weather.rain),
    Scene(id="cliff", location="clifftop above the sea", time_of_day=TimeOfDay.day),
    Scene(id="kitchen", location="kitchen inside the lighthouse", time_of_day=TimeOfDay.dusk),
)
OBJECTS = ("glass bottle", "wooden crate", "tin can", "pillow", "stone")
LINES = (
    ("Mara", "The lamp is out again."), ("Theo", "Then we climb."), ("Mara", "In this rain?"),
    ("Theo", "Hold the rope and do not look down."), ("Mara", "The wind is pulling at my coat."),
    ("Theo", "We are nearly there."), ("Mara", "I can see the boats."), ("Theo", "They need the light."),
    ("Mara", "Pass me the matches."), ("Theo", "Careful, the floor is wet."), ("Mara", "It is lit."),
    ("Theo", "Now they will find the harbour."),
)  # fmt: skip


def bench_plan() -> FilmPlan:
    """Ten shots, each with one line (two have two) and two impacts: falls, or a splash for the stone."""
    shots = []
    for k in range(10):
        names = [OBJECTS[(2 * k + j) % len(OBJECTS)] for j in range(2)]
        events = tuple(
            MotionEvent(
                object=name, action=MotionAction.splash if name == "stone" else MotionAction.fall,
                start_s=0.6 + 2.4 * j + 0.1 * k, height_m=1.0 + 0.3 * j,
            )
            for j, name in enumerate(names)
        )  # fmt: skip
        wind = (9.0, 0.0) if SCENES[k % 3].id == "cliff" else (0.0, 0.0)
        said = [LINES[k], *([LINES[10 + k // 9]] if k in (4, 9) else [])]  # shots 5 and 10 have two
        lines = tuple(DialogueLine(speaker=who, text=text) for who, text in said)
        shots.append(
            Shot(
                id=f"s{k + 1}", scene_id=SCENES[k % 3].id, frames=round(SHOT_S * FPS),
                description=f"Beat {k + 1} of the climb to the lamp.",
                performances=(Performance(character_id="mara", emotion="anxious"),
                              Performance(character_id="theo", emotion="calm")),
                physics=Physics(events=events, weather=SCENES[k % 3].weather, wind_ms=wind), dialogue=lines,
            )
        )  # fmt: skip
    return FilmPlan(
        title="The Lamp", duration_s=60.0, fps=FPS, characters=CAST, scenes=SCENES, shots=tuple(shots)
    )


def main() -> None:
    plan = bench_plan()
    lines = sum(len(s.dialogue) for s in plan.shots)
    with tempfile.TemporaryDirectory(prefix="bench-sound-") as tmp:
        folder = Path(tmp)
        renderer = PrevizRenderer()
        takes = []
        started = time.perf_counter()
        for shot in plan.shots:
            spec = recaption(plan, shot, engine="previz")
            takes.append(renderer.render(spec, folder / f"{shot.id}.mp4"))
        render_s = time.perf_counter() - started
        timeline = edit(plan, takes)
        started = time.perf_counter()
        voices = folder / "voices"
        found = score(timeline, plan, SoundOptions(cache=voices), voices, folder / "mix")
        mix_s = time.perf_counter() - started
        foley, mixed = found.mix.stem("foley"), found.mix.samples()
    impacts = [c.t_s for c in found.foley if c.kind == "impact"]
    onsets = detect_onsets(foley)
    errors = [min(abs(o - t) for o in onsets) * 1000 for t in impacts] if onsets else [float("inf")]
    err = statistics.median(errors)
    steps = len(found.foley) - len(impacts)
    print(f"film render (previz, one shot after another): {render_s:.2f} s for {plan.total_s:.0f} s of film")
    print(f"soundtrack: {mix_s:.2f} s ({lines} lines, {len(found.spoken)} spoken; {len(impacts)} impacts, "
          f"{steps} footsteps, {len(onsets)} onsets found in the foley stem)")  # fmt: skip
    measured = integrated_lufs(mixed), true_peak_db(mixed)
    print(f"mix: {measured[0]:.1f} LUFS, true peak {measured[1]:.1f} dBTP (measured after the timing)")
    print(f"sound: mix_s={mix_s:.2f} vs_film_render={mix_s / render_s:.3f} onset_err_ms={err:.1f}")


if __name__ == "__main__":
    main()
