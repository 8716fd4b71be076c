"""What a make leaves next to film.mp4 besides the film: the cut as OpenTimelineIO, a contact
sheet of the cut, subtitles, the plan and the timeline. Each is written to a temp name and
moved into place with os.replace, so a failed make never leaves a half-written sidecar.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import numpy as np
import opentimelineio as otio
from PIL import Image, ImageOps

from engine.cutting.cut import decode
from engine.cutting.lettering import draw_text, ellipsize, font
from film import Clip, FilmPlan, Timeline
from film.files import atomic_path
from film.process import cores

T = TypeVar("T")

OTIO_NAME = "film.otio"
SHEET_NAME = "contact-sheet.png"
TIMELINE_NAME = "timeline.json"
_CELL_W = 320
_GAP = 8


def to_otio(timeline: Timeline, plan: FilmPlan, stems: Sequence[str] = ()) -> otio.schema.Timeline:
    """The cut as an OTIO timeline: one clip per shot (named by shot id) pointing at its take,
    cards as gaps, transitions as OTIO transitions centred on the cut; and one audio track per
    sound stem, its clip the stem's WAV next to the film (`stems/<name>.wav`, relative, so the
    folder can move), the length of the film."""
    rate = float(timeline.fps)
    out = otio.schema.Timeline(name=plan.title)
    out.global_start_time = otio.opentime.RationalTime(0, rate)
    track = otio.schema.Track(name="picture", kind=otio.schema.TrackKind.Video)
    out.tracks.append(track)
    if timeline.title_card:
        track.append(
            otio.schema.Gap(name="title card", source_range=_range(0, timeline.title_card.frames, rate))
        )
    for clip in timeline.clips:
        if clip.transition_in != "cut":
            track.append(
                otio.schema.Transition(
                    name=clip.transition_in,
                    transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                    in_offset=otio.opentime.RationalTime(clip.tail_of_previous, rate),
                    out_offset=otio.opentime.RationalTime(clip.head, rate),
                )
            )
        ref = otio.schema.ExternalReference(target_url=Path(clip.take_path).resolve().as_uri())
        track.append(
            otio.schema.Clip(
                name=clip.shot_id, media_reference=ref, source_range=_range(clip.in_frame, clip.frames, rate)
            )
        )
    if timeline.end_card:
        track.append(otio.schema.Gap(name="end card", source_range=_range(0, timeline.end_card.frames, rate)))
    whole = _range(0, timeline.total_frames, rate)
    for name in stems:
        sound = otio.schema.Track(name=name, kind=otio.schema.TrackKind.Audio)
        ref = otio.schema.ExternalReference(target_url=f"stems/{name}.wav", available_range=whole)
        sound.append(otio.schema.Clip(name=name, media_reference=ref, source_range=whole))
        out.tracks.append(sound)
    return out


def _range(start: int, frames: int, rate: float) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(
        otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(frames, rate)
    )


def write_otio(timeline: Timeline, plan: FilmPlan, dest: Path, stems: Sequence[str] = ()) -> Path:
    doc = to_otio(timeline, plan, stems)
    with atomic_path(dest) as tmp:
        otio.adapters.write_to_file(doc, str(tmp), adapter_name="otio_json")
    return dest


def _mid_frame(clip: Clip, fps: float | None, size: tuple[int, int]) -> np.ndarray:
    """The clip's middle frame at `size`, letterboxed: the still the engine drew of it when there
    is one (nothing to decode), else decoded from the take, seeking when `fps` says frame i is at
    i/fps."""
    mid = clip.in_frame + clip.frames // 2
    if clip.still and clip.still_frame == mid and Path(clip.still).is_file():
        try:
            with Image.open(clip.still) as still:
                picture = ImageOps.pad(still.convert("RGB"), size, Image.Resampling.BICUBIC, color=(0, 0, 0))
            return np.asarray(picture)
        except OSError:  # an unreadable still costs a decode, not the sheet
            pass
    return decode(Path(clip.take_path), mid, 1, size[0], size[1], fps)[0]


def contact_sheet(
    timeline: Timeline, plan: FilmPlan, dest: Path, columns: int = 4, *, take_fps: Sequence[float | None] = ()
) -> Path:
    """A storyboard grid of the cut: each clip's mid frame with its shot id and description.

    `take_fps[i]`, where known, is the rate at which clip i's take has frame n at n/fps (the
    assembler knows it of storyreel encodes): a decode then seeks instead of starting at frame 0."""
    shots = {s.id: s for s in plan.shots}
    cell_w = min(_CELL_W, timeline.width)
    cell_h = round(timeline.height * cell_w / timeline.width)
    band = 34
    cols = min(columns, len(timeline.clips))
    rows = math.ceil(len(timeline.clips) / cols)
    sheet = Image.new(
        "RGB", (cols * (cell_w + _GAP) + _GAP, rows * (cell_h + band + _GAP) + _GAP), (18, 18, 22)
    )
    language = timeline.language or plan.language
    small, bold = font(12, language=language), font(13, bold=True, language=language)

    fps = list(take_fps) + [None] * (len(timeline.clips) - len(take_fps))
    size = (cell_w + cell_w % 2, cell_h + cell_h % 2)  # even, as the sheet always decoded; the paste crops
    workers = max(1, min(cores(), len(timeline.clips)))  # one-thread decodes: one per core
    with ThreadPoolExecutor(max_workers=workers) as pool:
        frames = _windowed(
            pool, lambda k: _mid_frame(timeline.clips[k], fps[k], size), len(timeline.clips), 2 * workers
        )
        for k, (clip, frame) in enumerate(zip(timeline.clips, frames, strict=True)):
            x = _GAP + (k % cols) * (cell_w + _GAP)
            y = _GAP + (k // cols) * (cell_h + band + _GAP)
            sheet.paste(Image.fromarray(np.ascontiguousarray(frame[:cell_h, :cell_w])), (x, y))
            shot = shots.get(clip.shot_id)
            label = f"{clip.shot_id}  {clip.frames / timeline.fps:.1f}s  {clip.transition_in}"
            draw_text(sheet, (x, y + cell_h + 2), ellipsize(label, bold, cell_w), bold, (236, 232, 220))
            about = ellipsize(shot.description, small, cell_w) if shot else ""
            draw_text(sheet, (x, y + cell_h + 18), about, small, (170, 174, 186))
    with atomic_path(dest) as tmp:
        sheet.save(tmp, format="PNG")
    return dest


def _windowed(pool: ThreadPoolExecutor, job: Callable[[int], T], count: int, ahead: int) -> Iterator[T]:
    """job(0), job(1)... in order, at most `ahead` in flight: a long film's cells never pile up."""
    pending: deque[Future[T]] = deque()
    for k in range(count):
        pending.append(pool.submit(job, k))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def variants_sheet(
    cells: Sequence[tuple[str, Path, int, int, int]], dest: Path, fps: float, columns: int = 6
) -> Path:
    """One frame of each ad variant in a grid, labelled: (label, film, frame, width, height) per
    cell, each frame fitted into a square cell so 9:16, 4:5, 1:1 and 16:9 cuts sit side by side.
    The films are our own encodes at `fps`, so each decode seeks; they run side by side."""
    cell, band = 200, 20
    cols = max(1, min(columns, len(cells)))
    rows = math.ceil(len(cells) / cols)
    sheet = Image.new("RGB", (cols * (cell + _GAP) + _GAP, rows * (cell + band + _GAP) + _GAP), (18, 18, 22))
    label_face = font(11, bold=True)

    def picture_of(k: int) -> Image.Image:
        _, film, frame, width, height = cells[k]
        picture = Image.fromarray(decode(film, frame, 1, width, height, fps)[0])
        picture.thumbnail((cell, cell), Image.Resampling.BICUBIC)
        return picture

    with ThreadPoolExecutor(max_workers=cores()) as pool:
        pictures = list(pool.map(picture_of, range(len(cells))))
    for k, ((label, *_), picture) in enumerate(zip(cells, pictures, strict=True)):
        x = _GAP + (k % cols) * (cell + _GAP)
        y = _GAP + (k // cols) * (cell + band + _GAP)
        sheet.paste(picture, (x + (cell - picture.width) // 2, y + (cell - picture.height) // 2))
        draw_text(sheet, (x, y + cell + 3), ellipsize(label, label_face, cell), label_face, (236, 232, 220))
    with atomic_path(dest) as tmp:
        sheet.save(tmp, format="PNG")
    return dest
