"""Studio use cases on a finished cut: re-cutting a film to another aspect, and turning the user's
finishing settings into assembler options.

A make leaves `timeline.json` and `plan.json` next to film.mp4 (engine.cutting.exports), so a variant
needs no database and no graph: every take is reframed (following the previz character boxes
beside it, `<take>.boxes.json`) and the same timeline is assembled again at the new size.
"""

from __future__ import annotations

from pathlib import Path

from engine.cutting.assemble import PLAN_NAME, AssembleOptions, FfmpegAssembler
from engine.cutting.audio import Loudness
from engine.cutting.exports import TIMELINE_NAME
from engine.cutting.provenance import C2paSigner
from engine.cutting.reframe import reframe_take
from engine.marking import MARKS
from engine.previz.renderer import boxes_path
from engine.sound.options import SoundOptions
from film import ASPECTS, BadInput, FilmPlan, Timeline, frame_size, stable_hash
from film.disclosure import DEFAULT_BUG, BugCorner


def assemble_options(
    *,
    music: Path | None = None,
    loudness_lufs: float = -14.0,
    true_peak_db: float = -1.0,
    burn_subtitles: bool = False,
    c2pa_cert: Path | None = None,
    c2pa_key: Path | None = None,
    exports: bool = True,
    sound: SoundOptions | None = None,
) -> AssembleOptions:
    """AssembleOptions from flat settings; a certificate without a key (or the reverse) is a
    user mistake, reported as such rather than silently skipping the signature."""
    if (c2pa_cert is None) != (c2pa_key is None):
        raise BadInput("c2pa", f"cert={c2pa_cert} key={c2pa_key}", "set both the certificate and the key")
    signer = C2paSigner(cert_chain=c2pa_cert, private_key=c2pa_key) if c2pa_cert and c2pa_key else None
    return AssembleOptions(
        music=music,
        loudness=Loudness(integrated_lufs=loudness_lufs, true_peak_db=true_peak_db),
        burn_subtitles=burn_subtitles,
        exports=exports,
        signer=signer,
        sound=sound or SoundOptions(),
    )


def variant_dir(film_dir: Path, aspect: str) -> Path:
    """Where the `aspect` variant of the film in `film_dir` goes, e.g. `<film_dir>/aspect-9x16`."""
    return Path(film_dir) / f"aspect-{aspect.replace(':', 'x')}"


def cut_variant(
    film_dir: Path,
    aspect: str,
    *,
    out_dir: Path | None = None,
    work_dir: Path | None = None,
    assembler: FfmpegAssembler | None = None,
    bug: BugCorner = DEFAULT_BUG,
) -> Path:
    """Re-cut the finished film in `film_dir` to `aspect` ("16:9", "9:16", "1:1" or "4:5"); returns the
    new film's path. Reframed takes are cached in `work_dir` by content, so a second variant
    request (or a re-run after a crash) reuses them."""
    if aspect not in ASPECTS:
        raise BadInput("aspect", aspect, f"must be one of {sorted(ASPECTS)}")
    film_dir = Path(film_dir)
    timeline_file, plan_file = film_dir / TIMELINE_NAME, film_dir / PLAN_NAME
    if not timeline_file.is_file() or not plan_file.is_file():
        raise BadInput("run", str(film_dir), f"has no finished cut ({TIMELINE_NAME} and {PLAN_NAME})")
    timeline = Timeline.model_validate_json(timeline_file.read_text(encoding="utf-8"))
    plan = FilmPlan.model_validate_json(plan_file.read_text(encoding="utf-8"))
    width, height = frame_size(aspect)
    out_dir = Path(out_dir) if out_dir is not None else variant_dir(film_dir, aspect)
    work = Path(work_dir) if work_dir is not None else film_dir / ".reframed"
    work.mkdir(parents=True, exist_ok=True)
    reframed: dict[str, str] = {}
    for clip in timeline.clips:
        if clip.take_path in reframed:
            continue
        take = Path(clip.take_path)
        if not take.is_file():
            raise BadInput("take", str(take), "is gone; re-run the make to render it again")
        boxes = boxes_path(take)
        stat = take.stat()
        key = stable_hash({"take": str(take), "size": stat.st_size, "mtime": stat.st_mtime_ns,
                           "boxes": boxes.read_text(encoding="utf-8") if boxes.is_file() else "",
                           "to": [width, height, timeline.fps], "bug": bug, "marks": MARKS})  # fmt: skip
        dest = work / f"{take.stem}-{key[:16]}.mp4"
        if not dest.is_file():
            reframe_take(take, dest, width, height, timeline.fps, boxes if boxes.is_file() else None, bug=bug)
        reframed[clip.take_path] = str(dest)
    clips = tuple(c.model_copy(update={"take_path": reframed[c.take_path]}) for c in timeline.clips)
    variant = timeline.model_copy(update={"width": width, "height": height, "clips": clips})
    variant = Timeline.model_validate(variant.model_dump())  # re-run the validators
    return (assembler or FfmpegAssembler()).assemble(
        variant, plan.model_copy(update={"aspect": aspect}), out_dir
    )
