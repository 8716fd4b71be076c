"""Where the assembler meets the soundtrack: score the cut (engine.sound), re-time its subtitle
cues to the speech, and leave the mix (as AAC) and its stems for the muxer and the exports.

A soundtrack is kept by the content hash of everything that makes it (the cues, the clips'
spans and the takes' foley and sound, the plan's cast, scenes and shots, the music, the loudness
and the voice engines), so the variants of an ad that differ only in frame and graphics, and a
revision that changed only pictures, reuse one mix instead of scoring again. The sound package
is imported only to score, so a film cut with sound off never loads it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.cutting.once import identity, one_at_a_time, sweep_stale
from engine.media import run_ffmpeg
from film import Clip, FilmPlan, SubtitleCue, Timeline, stable_hash

if TYPE_CHECKING:
    from engine.cutting.assemble import AssembleOptions

MIX_NAME = "mix.m4a"
STEMS_DIR = "stems"
CUES_NAME = "cues.json"
MIX_PREFIX = ".mix-"
SOUND_VERSION = 1
"""Raise when the synthesis or the mix changes what a soundtrack sounds like: kept ones go stale."""


@dataclass(frozen=True)
class Soundtrack:
    """A scored cut's sound, in a folder: the mix as AAC and (with exports) the stems' WAVs."""

    folder: Path
    stems: tuple[str, ...]

    @property
    def mix(self) -> Path:
        return self.folder / MIX_NAME


def _known(path: str) -> list[object]:
    return identity(Path(path)) if path and Path(path).is_file() else []


def _heard(clip: Clip) -> list[object]:
    """What a clip's take adds to the sound: its foley cues (by content: a take redrawn with
    another camera has the same impacts) and any sound the engine made with it."""
    from engine.cutting.mp4 import has_sound
    from engine.previz.foley_cues import read_foley
    from engine.previz.renderer import boxes_path

    take = Path(clip.take_path)
    cues = read_foley(Path(clip.boxes) if clip.boxes else boxes_path(take))
    own = _known(clip.sound) or (
        _known(clip.take_path) if take.is_file() and has_sound(take) is not False else []
    )
    return [[c.model_dump(mode="json") for c in cues] if cues is not None else None, own]


def soundtrack_key(timeline: Timeline, plan: FilmPlan, options: AssembleOptions) -> str:
    """The content hash of everything that changes a cut's sound, and nothing that does not
    (the frame size, graphics, the picture's look)."""
    from engine.sound.speech import espeak_version

    clips = [[c.shot_id, c.in_frame, c.out_frame, c.transition_in, c.transition_frames, *_heard(c)]
             for c in timeline.clips]  # fmt: skip
    cast = [c.model_dump(mode="json", include={"id", "name", "build", "voice"}) for c in plan.characters]
    heard = {"id", "scene_id", "frames", "performances", "physics", "dialogue"}
    shots = [s.model_dump(mode="json", include=heard) for s in plan.shots]
    sound = options.sound
    tts: dict[str, Any] = sound.tts.model_dump(mode="json", exclude={"api_key", "timeout_s"})
    data = {
        "version": SOUND_VERSION, "espeak": espeak_version(), "fps": timeline.fps,
        "frames": timeline.total_frames, "cards": [timeline.clip_start(0), timeline.total_frames],
        "language": timeline.language or plan.language, "subtitles": list(timeline.subtitles), "clips": clips,
        "plan": [plan.seed, plan.language, cast, list(plan.scenes), shots],
        "music": _known(str(options.music)) if options.music else None, "loudness": vars(options.loudness),
        "tts": tts, "native": sound.native, "stems": options.exports,
    }  # fmt: skip
    return stable_hash(data)


def scored(timeline: Timeline, plan: FilmPlan, options: AssembleOptions, work: Path,
           cache: Path | None) -> tuple[Timeline, Soundtrack]:  # fmt: skip
    """The soundtrack of `timeline` and the timeline with its cues re-timed to the speech:
    taken from `cache` when one with the same content is kept there, else scored (voices kept
    in `cache/voices`) and kept."""
    if cache is None:
        return _score(timeline, plan, options, work / "sound", work / "voices")
    kept = cache / "mixes" / soundtrack_key(timeline, plan, options)[:32]
    with one_at_a_time(kept):
        if not (kept / CUES_NAME).is_file():
            cache.mkdir(parents=True, exist_ok=True)
            sweep_stale(cache, MIX_PREFIX)  # a killed scoring's half-made mix
            fresh = Path(tempfile.mkdtemp(dir=cache, prefix=f"{MIX_PREFIX}{os.getpid()}-"))
            try:
                _score(timeline, plan, options, fresh, cache / "voices")
                kept.parent.mkdir(parents=True, exist_ok=True)
                os.replace(fresh, kept)  # whole or not at all; another process may have won
            except OSError:
                if not (kept / CUES_NAME).is_file():
                    raise
            finally:
                shutil.rmtree(fresh, ignore_errors=True)
    saved = json.loads((kept / CUES_NAME).read_text(encoding="utf-8"))
    cues = tuple(SubtitleCue.model_validate(c) for c in saved["subtitles"])
    return timeline.model_copy(update={"subtitles": cues}), Soundtrack(kept, tuple(saved["stems"]))


def _score(timeline: Timeline, plan: FilmPlan, options: AssembleOptions, folder: Path,
           voices: Path) -> tuple[Timeline, Soundtrack]:  # fmt: skip
    """Score the cut into `folder`: mix.m4a, cues.json and (with exports) stems/<name>.wav."""
    from engine.sound.score import score

    found = score(timeline, plan, options.sound, voices, folder, music=options.music,
                  loudness=options.loudness, keep_stems=bool(options.exports))  # fmt: skip
    wav = found.mix.path
    run_ffmpeg(["-i", str(wav), "-c:a", "aac", "-b:a", "192k", str(folder / MIX_NAME)], "encode the mix")
    wav.unlink()
    stems = found.mix.stems
    saved = {"subtitles": [c.model_dump(mode="json") for c in found.subtitles], "stems": list(stems)}
    (folder / CUES_NAME).write_text(json.dumps(saved), encoding="utf-8")
    return timeline.model_copy(update={"subtitles": found.subtitles}), Soundtrack(folder, stems)


def place_stems(track: Soundtrack | None, out_dir: Path, work: Path) -> None:
    """Copy the soundtrack's stems into out_dir/stems whole (assembled in `work`, then moved
    in; the old folder set aside first), so the stems next to a film are always one mix's."""
    new, dest, old = work / STEMS_DIR, out_dir / STEMS_DIR, work / "stems-before"
    if track is not None and track.stems:
        shutil.copytree(track.folder / STEMS_DIR, new, copy_function=_link_or_copy)
    if dest.exists():
        os.replace(dest, old)  # a film cut without stems keeps none of an older cut's
    if new.is_dir():
        os.replace(new, dest)
    shutil.rmtree(old, ignore_errors=True)


def _link_or_copy(src: str, dst: str) -> None:
    """A hard link where the film and the cache share a disk (kept stems cost no second copy)."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
