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
from engine.sound.ambience import ambience_bed
from engine.sound.foley import foley_track
from engine.sound.mix import Mix, integrated_lufs, mix_stems, stereo
from engine.sound.options import NativeMode, SoundOptions
from engine.sound.tracks import decode_audio
from engine.sound.voices import Line, performed, speak, voice_for
from film import Character, Clip, FilmPlan, FoleyCue, Scene, Shot, SubtitleCue, Timeline, stable_hash

LINE_GAP_S = 0.15
"""Silence between two lines spoken in one cue, or after a line that overran into the next cue."""
CUE_TAIL_S = 0.2
"""A cue stays up this long after its speech ends (where the next cue leaves room)."""
CUT_FADE_S = 0.05
"""Ambience cross-fade at a hard cut: short enough to feel like a cut, long enough not to click."""
EDGE_FADE_S = 0.5
BED_LOOP_S, LOOP_FADE_S = 60.0, 1.0
DIALOGUE_LUFS = -18.0
MUSIC_LUFS = -22.0


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


def score(timeline: Timeline, plan: FilmPlan, options: SoundOptions, cache: Path, *,
          music: Path | None = None, loudness: Loudness | None = None) -> Score:  # fmt: skip
    """The film's soundtrack and the subtitle cues re-timed to its speech."""
    loudness = loudness or Loudness()
    n = round(timeline.total_s * SAMPLE_RATE)
    spans = _clip_spans(timeline)
    shots = {shot.id: shot for shot in plan.shots}
    dialogue, cues, spoken = _dialogue(timeline, plan, spans, shots, options, options.cache or cache, n)
    native, replaced = _native(timeline, spans, n, options.native)
    ambience = _ambience(timeline, plan, spans, shots, n) * (1.0 - replaced)[:, None]
    placed = _foley_cues(timeline, plan, spans, shots)
    foley = stereo(foley_track(placed, timeline.total_s, plan.seed)) * (1.0 - replaced)[:, None]
    stems = {"dialogue": dialogue, "ambience": ambience, "foley": foley}
    if native is not None:
        stems["native"] = native
    if music is not None:
        stems["music"] = _music(music, timeline.total_s)
    anchored = bool(spoken) or native is not None or music is not None
    mixed = mix_stems(stems, loudness, normalise=anchored)
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
              shots: dict[str, Shot], options: SoundOptions, cache: Path,
              n: int) -> tuple[np.ndarray, tuple[SubtitleCue, ...], list[Spoken]]:  # fmt: skip
    """Every cue spoken in time order from its start (or after the speech before it), and the
    cues re-timed to hold their speech; a cue that starts past the film's end is left as it is."""
    track = np.zeros(n, np.float32)
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
            _level(speech.samples, track, round(at * SAMPLE_RATE))
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


def _level(speech: np.ndarray, track: np.ndarray, at: int) -> None:
    """Add one line into the dialogue track at sample `at`, at the dialogue level (loudness for
    a line long enough to gate, RMS for a word or two)."""
    if at >= len(track) or not len(speech):
        return
    loud = integrated_lufs(speech)
    if not math.isfinite(loud):
        rms = float(np.sqrt(np.mean(np.square(speech, dtype=np.float64))))
        loud = 20 * math.log10(rms) - 0.7 if rms > 0 else DIALOGUE_LUFS  # ~LUFS of a mono centre
    piece = speech[: len(track) - at] * np.float32(10 ** ((DIALOGUE_LUFS - loud) / 20))
    track[at : at + len(piece)] += piece


def _ambience(timeline: Timeline, plan: FilmPlan, spans: Sequence[tuple[float, float]],
              shots: dict[str, Shot], n: int) -> np.ndarray:  # fmt: skip
    """One bed per run of clips in the same scene and weather, cross-faded where runs meet:
    over the transition's window where there is one, briefly at a hard cut, and a dip to black
    fades out before the cut and in after it."""
    out = np.zeros((n, 2), np.float32)
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
        bed = _bed(scene, shot, b - a, seed)
        envelope = _envelope(b - a, round(fade_in * SAMPLE_RATE), round(fade_out * SAMPLE_RATE))
        out[a : a + len(bed)] += bed * envelope[: len(bed), None]
    return out


def _bed(scene: Scene, shot: Shot, n: int, seed: int) -> np.ndarray:
    """n samples of a scene's bed: synthesised whole up to BED_LOOP_S, longer runs loop it with
    an equal-power cross-fade (memory stays bounded for a half-hour scene; no one hears a
    minute of rain repeat)."""
    loop = round(BED_LOOP_S * SAMPLE_RATE)
    if n <= loop:
        return ambience_bed(scene, shot.physics, n / SAMPLE_RATE, seed)[:n]
    fade = round(LOOP_FADE_S * SAMPLE_RATE)
    piece = ambience_bed(scene, shot.physics, (loop + fade) / SAMPLE_RATE, seed)[: loop + fade]
    rise = np.sin(0.5 * np.pi * (np.arange(fade) + 0.5) / fade).astype(np.float32)[:, None]
    body = piece[:loop].copy()
    body[:fade] = body[:fade] * rise + piece[loop : loop + fade] * np.sqrt(1.0 - rise**2)  # seamless wrap
    return np.tile(body, (n // loop + 1, 1))[:n]


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


def _envelope(n: int, fade_in: int, fade_out: int) -> np.ndarray:
    """Equal-power fades: a sine rise over `fade_in` samples, a cosine fall over `fade_out`."""
    env = np.ones(n, np.float32)
    up, down = min(fade_in, n), min(fade_out, n)
    if up:
        env[:up] *= np.sin(0.5 * np.pi * (np.arange(up) + 0.5) / up)
    if down:
        env[n - down :] *= np.cos(0.5 * np.pi * (np.arange(down) + 0.5) / down)
    return env


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


def _native(timeline: Timeline, spans: Sequence[tuple[float, float]], n: int,
            mode: NativeMode) -> tuple[np.ndarray | None, np.ndarray]:  # fmt: skip
    """The sound engines made with their takes, laid on the clips' spans; and where it
    replaces our ambience and foley (1) or plays under them (0)."""
    track: np.ndarray | None = None
    replaced = np.zeros(n, np.float32)
    for i, clip in enumerate(timeline.clips):
        source = Path(clip.sound) if clip.sound else Path(clip.take_path)
        heard = source.is_file() if clip.sound else has_sound(source)
        if heard is None:  # not an MP4 we can read: ask ffmpeg
            heard = probe(source).has_audio
        if not heard:
            continue
        lo, hi = spans[i]
        a, b = round(lo * SAMPLE_RATE), min(n, round(hi * SAMPLE_RATE))
        piece = decode_audio(source, hi - lo, start_s=clip.in_frame / timeline.fps)[: b - a]
        track = np.zeros((n, 2), np.float32) if track is None else track
        track[a : a + len(piece)] += piece
        if mode == "replace":
            replaced[a:b] = 1.0
    return track, replaced


def _music(music: Path, total_s: float) -> np.ndarray:
    """The user's bed looped to the film, faded in and out, at the music level."""
    bed = decode_audio(music, total_s, loop=True)
    fade = round(min(1.0, total_s / 4) * SAMPLE_RATE)
    bed = bed * _envelope(len(bed), fade, fade)[:, None]
    loud = integrated_lufs(bed)
    return bed * np.float32(10 ** ((MUSIC_LUFS - loud) / 20)) if math.isfinite(loud) else bed
