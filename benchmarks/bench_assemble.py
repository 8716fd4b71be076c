"""Assembler speed: hard cuts against the concat stream-copy floor, crossfades against moviepy.

Twelve previz-like 5 s takes (60 s of film, 854x480 at 24 fps) are made with the shared
FrameWriter. Hard cuts should cost at most 2x a plain `ffmpeg -f concat -c copy` (the floor: we
add a silent AAC track, probes and a frame-count check); crossfades re-encode only their
windows, so they should cost at most a third of moviepy re-encoding the whole film.
The LAST line is `assemble: cuts_vs_copy=<ratio> xfade_vs_moviepy=<ratio>`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from engine.cutting.assemble import AssembleOptions, FfmpegAssembler
from engine.media import FrameWriter, probe, run_ffmpeg
from film import Clip, FilmPlan, Scene, Shot, Timeline

W, H, FPS, TAKES, FRAMES = 854, 480, 24, 12, 120


def make_takes(folder: Path) -> list[Path]:
    """Flat-shaded gradient sets with a moving figure, like previz takes."""
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    paths = []
    for k in range(TAKES):
        base = np.stack([xx / W * 200 + 30 * k % 50, yy / H * 180, (xx + yy) / (W + H) * 160], -1)
        dest = folder / f"T{k:02d}.mp4"
        with FrameWriter(dest, W, H, FPS) as writer:
            for i in range(FRAMES):
                frame = base.copy()
                x = (i * 5 + 40 * k) % (W - 80)
                frame[200:420, x : x + 80] = (220, 90 + 10 * k, 60)
                writer.write(frame.clip(0, 255).astype(np.uint8))
        paths.append(dest)
    return paths


def timeline(takes: list[Path], xfade: int) -> Timeline:
    clips = tuple(
        Clip(shot_id=f"S{k:02d}", take_path=str(p), out_frame=FRAMES,
             transition_in="crossfade" if k and xfade else "cut", transition_frames=xfade if k else 0)
        for k, p in enumerate(takes)
    )  # fmt: skip
    return Timeline(fps=FPS, width=W, height=H, clips=clips)


def plan() -> FilmPlan:
    shots = tuple(
        Shot(id=f"S{k:02d}", scene_id="s", frames=FRAMES, description="bench") for k in range(TAKES)
    )
    return FilmPlan(title="bench", duration_s=TAKES * FRAMES / FPS, scenes=(Scene(id="s"),), shots=shots)


def best(fn: object, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def moviepy_crossfades(takes: list[Path], dest: Path, seconds: float) -> None:
    from moviepy import VideoFileClip, concatenate_videoclips, vfx

    clips = [VideoFileClip(str(p)) for p in takes]
    faded = [clips[0]] + [c.with_effects([vfx.CrossFadeIn(seconds)]) for c in clips[1:]]
    film = concatenate_videoclips(faded, method="compose", padding=-seconds)
    film.write_videofile(str(dest), codec="libx264", preset="veryfast", threads=2, audio=False, logger=None)
    for c in clips:
        c.close()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-assemble-") as tmp:
        work = Path(tmp)
        takes = make_takes(work)
        listing = work / "list.txt"
        listing.write_text("".join(f"file '{p}'\n" for p in takes), encoding="utf-8")
        copy = best(lambda: run_ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy",
                                        str(work / "floor.mp4")], "concat"))  # fmt: skip
        asm = FfmpegAssembler(options=AssembleOptions(exports=False))
        cuts_tl, xf_tl, the_plan = timeline(takes, 0), timeline(takes, 12), plan()
        asm.assemble(cuts_tl, the_plan, work / "warm")  # encoder reference, page cache
        cuts = best(lambda: asm.assemble(cuts_tl, the_plan, work / "cuts"))
        xfade = best(lambda: asm.assemble(xf_tl, the_plan, work / "xfade"))
        assert probe(work / "xfade" / "film.mp4").frames == TAKES * FRAMES
        exports = best(lambda: FfmpegAssembler().assemble(cuts_tl, the_plan, work / "exports"), runs=1)
        mp = best(lambda: moviepy_crossfades(takes, work / "moviepy.mp4", 0.5), runs=1)
        print(f"concat copy floor      {copy:7.3f} s")
        print(f"assembler, hard cuts   {cuts:7.3f} s")
        print(f"  + exports (otio/sheet/srt/vtt/timeline) {exports:7.3f} s")
        print(f"assembler, 11 xfades   {xfade:7.3f} s")
        print(f"moviepy, 11 xfades     {mp:7.3f} s")
        print(f"assemble: cuts_vs_copy={cuts / copy:.2f} xfade_vs_moviepy={xfade / mp:.2f}")


if __name__ == "__main__":
    main()
