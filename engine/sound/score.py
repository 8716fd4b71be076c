"""The soundtrack of a cut: every subtitle cue spoken by its character's voice, each scene's
ambience cross-faded on the edit's transitions, foley at the simulated impacts and footfalls,
the music bed and any sound an engine made with its picture, mixed on stems.

Each cue is spoken from its own start, one line after another, and its end moves to cover the
speech; a cue that the line before it overran starts where that speech ends. So every cue starts
with its speech and holds all of it, and a line longer than its shot runs on over the next one
instead of being cut off (the plan check warns about it before anything is shot).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.cutting.audio import SAMPLE_RATE, Loudness
from engine.cutting.mp4 import has_sound
from engine.media import probe
from engine.previz.foley_cues import foley_cues, read_foley
from engine.previz.renderer import boxes_path
from engine.sound.foley import FoleyStem
from engine.sound.loudness import integrated_lufs
from engine.sound.mix import Mix, Stem, mix_stems
from engine.sound.options import NativeMode, SoundOptions
from engine.sound.stems import Beds, EngineSound, Heard, Lines, MusicBed, Run, Under
from engine.sound.voices import Line, performed, speak, voice_for
from film import Character, Clip, FilmPlan, FoleyCue, Shot, SubtitleCue, Timeline, stable_hash

LINE_GAP_S = 0.15
"""Silence between two lines spoken in one cue, or after a line that overran into the next cue."""
CUE_TAIL_S = 0.2
"""A cue stays up this long after its speech ends (where the next cue leaves room)."""
CUT_FADE_S = 0.05
"""Ambience cross-fade at a hard cut: short enough to feel like a cut, long enough not to click."""
EDGE_FADE_S = 0.5
DIALOGUE_LUFS = -18.0


@dataclass(frozen=True)
class Spoken:
    """One line as it plays: which cue it belongs to, who says it, and where its speech lies."""

    cue: int
    text: str
    character_id: str
    start_s: float
    end_s: float
    key: str
    cached: bool


@dataclass(frozen=True)
class Score:
    mix: Mix
    subtitles: tuple[SubtitleCue, ...]
    spoken: tuple[Spoken, ...]
    foley: tuple[FoleyCue, ...]
    """Every foley cue at its film time."""


def score(timeline: Timeline, plan: FilmPlan, options: SoundOptions, cache: Path, folder: Path, *,
          music: Path | None = None, loudness: Loudness | None = None,
          keep_stems: bool = True) -> Score:  # fmt: skip
    """The film's soundtrack, mixed into `folder` (mix.wav, and stems/*.wav with `keep_stems`),
    and the subtitle cues re-timed to its speech."""
    loudness = loudness or Loudness()
    n = round(timeline.total_s * SAMPLE_RATE)
    spans = _clip_spans(timeline)
    shots = {shot.id: shot for shot in plan.shots}
    dialogue, cues, spoken = _dialogue(timeline, plan, spans, shots, options, options.cache or cache)
    native = _engine_sound(timeline, spans, n, options.native)
    placed = _foley_cues(timeline, plan, spans, shots)
    ours: dict[str, Stem] = {"ambience": _beds(timeline, plan, spans, shots, n),
                             "foley": FoleyStem(placed, timeline.total_s, plan.seed)}  # fmt: skip
    stems: dict[str, Stem] = {"dialogue": dialogue}
    stems |= {name: Under(stem, native) for name, stem in ours.items()} if native.replaces else ours
    if native.clips:
        stems["native"] = native
    folder.mkdir(parents=True, exist_ok=True)
    if music is not None:
        stems["music"] = MusicBed(music, timeline.total_s, folder)
    anchored = bool(spoken) or bool(native.clips) or music is not None
    try:
        mixed = mix_stems(stems, loudness, folder, n=n, normalise=anchored, keep_stems=keep_stems)
    finally:
        (folder / "music.f32").unlink(missing_ok=True)
    return Score(mixed, cues, tuple(spoken), tuple(placed))


def _clip_spans(timeline: Timeline) -> list[tuple[float, float]]:
    """(start, end) of each clip on the film, in seconds, at its cuts."""
    fps = timeline.fps
    return [
        (timeline.clip_start(i) / fps, (timeline.clip_start(i) + clip.frames) / fps)
        for i, clip in enumerate(timeline.clips)
    ]


def _clip_at(spans: Sequence[tuple[float, float]], t: float) -> int | None:
    return next((i for i, (lo, hi) in enumerate(spans) if lo - 1e-6 <= t < hi), None)


def _speaker(plan: FilmPlan, speaker: str | None) -> Character | None:
    """The character a cue's speaker names (by id or name); an unknown name still gets a voice
    of its own, picked from the name."""
    if not speaker:
        return None
    wanted = speaker.strip().casefold()
    for character in plan.characters:
        if wanted in (character.id.casefold(), character.name.casefold()):
            return character
    slug = re.sub(r"[^a-z0-9_-]+", "-", wanted).strip("-")[:40] or "speaker"
    return Character(id=slug, name=speaker[:60])


def _lines_of(cue: SubtitleCue, shot: Shot | None) -> list[tuple[str, str | None]]:
    """(text, speaker) of each line a cue shows: the shot's own lines where the cue's text is
    theirs (full text, each with its speaker), else the cue's text as one line."""
    pieces = [p.strip() for p in cue.text.split(" / ") if p.strip()]
    lines = list(shot.dialogue) if shot is not None else []
    found: list[tuple[str, str | None]] = []
    for piece in pieces:
        stem = piece.removesuffix("…")
        line = next((ln for ln in lines if ln.text == piece or ln.text.startswith(stem)), None)
        found.append((line.text, line.speaker) if line is not None else (piece, cue.speaker))
    return found


def _emotion(shot: Shot | None, character: Character | None) -> str:
    if shot is None or character is None:
        return "neutral"
    return next((p.emotion for p in shot.performances if p.character_id == character.id), "neutral")


def _dialogue(timeline: Timeline, plan: FilmPlan, spans: Sequence[tuple[float, float]],
              shots: dict[str, Shot], options: SoundOptions,
              cache: Path) -> tuple[Lines, tuple[SubtitleCue, ...], list[Spoken]]:  # fmt: skip
    """Every cue spoken in time order from its start (or after the speech before it), and the
    cues re-timed to hold their speech; a cue that starts past the film's end is left as it is."""
    track = Lines()
    language = timeline.language or plan.language
    cues = list(timeline.subtitles)
    order = sorted(range(len(cues)), key=lambda k: cues[k].start_s)
    spoken: list[Spoken] = []
    said: dict[int, tuple[float, float]] = {}  # cue -> (start, end of its speech)
    free_s = -LINE_GAP_S  # where the last speech ended
    for k in order:
        cue = cues[k]
        if cue.start_s >= timeline.total_s:
            continue
        clip = _clip_at(spans, cue.start_s)
        shot = shots.get(timeline.clips[clip].shot_id) if clip is not None else None
        at = start = max(cue.start_s, free_s + LINE_GAP_S)
        for text, who in _lines_of(cue, shot):
            character = _speaker(plan, who)
            voice = performed(voice_for(character, language), _emotion(shot, character))
            who_id = character.id if character else ""
            speech = speak(Line(text, language, voice, who_id), options.tts, cache, options.render_log)
            if len(speech.samples):
                track.placed.append((round(at * SAMPLE_RATE), _levelled(speech.samples)))
            spoken.append(Spoken(k, text, who_id, at, at + speech.seconds, speech.key, speech.cached))
            free_s, at = at + speech.seconds, at + speech.seconds + LINE_GAP_S
        said[k] = (start, free_s)
    timed = [k for k in order if k in said]
    for j, k in enumerate(timed):
        start, speech_end = said[k]
        end = max(cues[k].end_s, speech_end + CUE_TAIL_S)
        if j + 1 < len(timed):
            end = min(end, said[timed[j + 1]][0])
        cues[k] = cues[k].model_copy(update={"start_s": start, "end_s": max(end, speech_end, start + 0.05)})
    return track, tuple(cues), spoken


def _levelled(speech: np.ndarray) -> np.ndarray:
    """One line at the dialogue level (loudness for a line long enough to gate, RMS for a word
    or two)."""
    loud = integrated_lufs(speech)
    if not math.isfinite(loud):
        rms = float(np.sqrt(np.mean(np.square(speech, dtype=np.float64))))
        loud = 20 * math.log10(rms) - 0.7 if rms > 0 else DIALOGUE_LUFS  # ~LUFS of a mono centre
    return speech * np.float32(10 ** ((DIALOGUE_LUFS - loud) / 20))


def _beds(timeline: Timeline, plan: FilmPlan, spans: Sequence[tuple[float, float]],
          shots: dict[str, Shot], n: int) -> Beds:  # fmt: skip
    """One bed per run of clips in the same scene and weather, cross-faded where runs meet:
    over the transition's window where there is one, briefly at a hard cut, and a dip to black
    fades out before the cut and in after it."""
    beds: list[Run] = []
    runs: list[tuple[int, int, Shot]] = []  # first clip, last clip, a shot of the run
    for i, clip in enumerate(timeline.clips):
        shot = shots.get(clip.shot_id)
        if shot is None:
            continue
        if runs and runs[-1][1] == i - 1 and _air(runs[-1][2]) == _air(shot):
            runs[-1] = (runs[-1][0], i, runs[-1][2])
        else:
            runs.append((i, i, shot))
    fps = timeline.fps
    for first, last, shot in runs:
        lo, hi = spans[first][0], spans[last][1]
        incoming = timeline.clips[first]
        outgoing = timeline.clips[last + 1] if last + 1 < len(timeline.clips) else None
        fade_in = _fade_s(incoming, fps) if first else EDGE_FADE_S
        fade_out = _fade_s(outgoing, fps) if outgoing is not None else EDGE_FADE_S
        dip_in = first > 0 and incoming.transition_in == "dip_to_black"
        dip_out = outgoing is not None and outgoing.transition_in == "dip_to_black"
        start = lo if (dip_in or not first) else lo - fade_in / 2
        stop = hi if (dip_out or outgoing is None) else hi + fade_out / 2
        a, b = max(0, round(start * SAMPLE_RATE)), min(n, round(stop * SAMPLE_RATE))
        if b <= a:
            continue
        scene = plan.scene(shot.scene_id)
        seed = int(stable_hash({"seed": plan.seed, "scene": scene.id, "air": _air(shot)})[:8], 16)
        fades = round(fade_in * SAMPLE_RATE), round(fade_out * SAMPLE_RATE)
        beds.append(Run(a, b, *fades, scene, shot.physics, seed))
    return Beds(beds)


def _air(shot: Shot) -> list[object]:
    physics = shot.physics
    return [
        shot.scene_id,
        physics.weather.value,
        [round(w, 1) for w in physics.wind_ms],
        physics.medium.value,
    ]


def _fade_s(clip: Clip, fps: int) -> float:
    """How long the beds cross at `clip`'s cut: its transition's window, or briefly at a cut."""
    return max(CUT_FADE_S, clip.transition_frames / fps)


def _foley_cues(timeline: Timeline, plan: FilmPlan, spans: Sequence[tuple[float, float]],
                shots: dict[str, Shot]) -> list[FoleyCue]:  # fmt: skip
    """Each clip's cues (its previz take's own, else simulated from the plan) at film time."""
    placed: list[FoleyCue] = []
    for i, clip in enumerate(timeline.clips):
        shot = shots.get(clip.shot_id)
        if shot is None:
            continue
        cues = read_foley(Path(clip.boxes) if clip.boxes else boxes_path(Path(clip.take_path)))
        if cues is None:
            seed = int(stable_hash({"seed": plan.seed, "shot": shot.id})[:8], 16)
            cues = foley_cues(shot, seed, timeline.fps, max(shot.frames, clip.out_frame))
        lo_s, hi_s = clip.in_frame / timeline.fps, clip.out_frame / timeline.fps
        for cue in cues:
            if lo_s <= cue.t_s < hi_s:
                placed.append(cue.model_copy(update={"t_s": spans[i][0] + cue.t_s - lo_s}))
    return sorted(placed, key=lambda c: c.t_s)


def _engine_sound(timeline: Timeline, spans: Sequence[tuple[float, float]], n: int,
                  mode: NativeMode) -> EngineSound:  # fmt: skip
    """The clips whose takes carry sound the engine made with them, on their spans."""
    heard: list[Heard] = []
    for i, clip in enumerate(timeline.clips):
        source = Path(clip.sound) if clip.sound else Path(clip.take_path)
        found = source.is_file() if clip.sound else has_sound(source)
        if found is None:  # not an MP4 we can read: ask ffmpeg
            found = probe(source).has_audio
        lo, hi = spans[i]
        a, b = round(lo * SAMPLE_RATE), min(n, round(hi * SAMPLE_RATE))
        if found and a < b:
            heard.append(Heard(a, b, source, clip.in_frame / timeline.fps))
    return EngineSound(heard, replaces=mode == "replace")
