"""Where the assembler meets the soundtrack: score the cut (engine.sound), re-time its subtitle
cues to the speech, and leave the mix and its stems in the work folder for the muxer and the
exports. The sound package is imported here only, so a film cut with sound off never loads it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from film import FilmPlan, Timeline

if TYPE_CHECKING:
    from engine.cutting.assemble import AssembleOptions
    from engine.sound.score import Score

MIX_NAME = "mix.wav"
STEMS_DIR = "stems"


def scored(timeline: Timeline, plan: FilmPlan, options: AssembleOptions, work: Path,
           cache: Path) -> tuple[Timeline, Score]:  # fmt: skip
    """The soundtrack of `timeline` (its mix written to work/mix.wav, and with exports, every
    stem to work/stems/<name>.wav), and the timeline with its cues re-timed to the speech."""
    from engine.sound.score import score
    from engine.sound.tracks import write_wav

    found = score(timeline, plan, options.sound, cache, music=options.music, loudness=options.loudness)
    write_wav(found.mix.mix, work / MIX_NAME)
    if options.exports:
        for name, stem in found.mix.stems.items():
            write_wav(stem, work / STEMS_DIR / f"{name}.wav")
    return timeline.model_copy(update={"subtitles": found.subtitles}), found


def place_stems(work: Path, out_dir: Path) -> None:
    """Move work/stems into out_dir/stems whole: the old folder is set aside first, so the
    stems next to a film are always one mix's, never a blend of two."""
    new, dest, old = work / STEMS_DIR, out_dir / STEMS_DIR, work / "stems-before"
    if dest.exists():
        os.replace(dest, old)  # a film cut without stems keeps none of an older cut's
    if new.is_dir():
        os.replace(new, dest)
    shutil.rmtree(old, ignore_errors=True)
