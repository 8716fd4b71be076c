"""The assembler: exact frame counts, copy-joined takes, sidecars, and no half-written films."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from engine import FfmpegAssembler
from engine.cutting.assemble import COMMENT, AssembleOptions, srt_timestamp, to_srt, x264_options
from engine.media import H264_ARGS, ffmpeg_exe, probe, read_frames, run_ffmpeg
from engine.sound.options import SoundOptions
from film import BadInput, Clip, FilmPlan, RenderFailure, SubtitleCue, Take, Timeline, TitleCard
from tests.engine.conftest import make_shot, mean_diff

SRT_BLOCK = re.compile(r"(\d+)\n(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})\n(.+)\n")


def _timeline(takes: list[Take], **kw: object) -> Timeline:
    clips = tuple(Clip(shot_id=t.shot_id, take_path=t.path, out_frame=t.frames) for t in takes)
    return Timeline(fps=24, width=854, height=480, clips=kw.pop("clips", clips), **kw)


def _plan_for(timeline: Timeline) -> FilmPlan:
    from tests.engine.conftest import make_plan

    card = timeline.title_card.frames if timeline.title_card else 0
    return make_plan(tuple(make_shot(c.shot_id, frames=c.frames) for c in timeline.clips), card)


def _parse_srt(text: str) -> list[tuple[int, float, float, str]]:
    cues = []
    for m in SRT_BLOCK.finditer(text):
        g = [int(x) for x in m.groups()[:9]]
        start = g[1] * 3600 + g[2] * 60 + g[3] + g[4] / 1000
        end = g[5] * 3600 + g[6] * 60 + g[7] + g[8] / 1000
        cues.append((g[0], start, end, m.group(10)))
    return cues


def _outputs(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir())


def test_film_has_the_timeline_length_audio_sidecars_and_metadata(
    three_takes: list[Take], tmp_path: Path
) -> None:
    subs = (
        SubtitleCue(start_s=3.5, end_s=5.25, text="You're late.", speaker="MAYA"),
        SubtitleCue(start_s=0.5, end_s=1.999, text="A city street at dusk."),
        SubtitleCue(start_s=3661.042, end_s=3662.5, text="Much later", speaker="OTTO"),
    )
    clips = (
        Clip(shot_id="S01", take_path=three_takes[0].path, out_frame=30),
        Clip(shot_id="S02", take_path=three_takes[1].path, in_frame=6, out_frame=30),  # trimmed: re-encoded
        Clip(shot_id="S03", take_path=three_takes[2].path, out_frame=42),
    )
    timeline = _timeline(three_takes, title_card=TitleCard(text="The Late Bus", subtitle="a test", frames=20),
                         clips=clips, subtitles=subs)  # fmt: skip
    plan = _plan_for(timeline)
    silent = AssembleOptions(sound=SoundOptions(enabled=False))  # the cues stay where they are put
    film = FfmpegAssembler(options=silent).assemble(timeline, plan, tmp_path)

    assert film == tmp_path / "film.mp4"
    assert _outputs(tmp_path) == [
        "contact-sheet.png",
        "film.c2pa.json",  # no signing key: the manifest sits beside the film
        "film.mp4",
        "film.otio",
        "film.srt",
        "film.vtt",
        "plan.json",
        "timeline.json",
    ]
    info = probe(film)
    assert info.frames == timeline.total_frames == 20 + 30 + 24 + 42
    assert (info.width, info.height, info.fps, info.has_audio) == (854, 480, 24.0, True)
    frames = read_frames(film)
    assert len(frames) == timeline.total_frames
    # the trimmed clip starts at its in-point: compare with frame 6 of its take
    take_frame = read_frames(Path(three_takes[1].path), start=6, count=1)[0]
    assert mean_diff(frames[20 + 30], take_frame) < 3.0

    header = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(film)], capture_output=True, text=True
    ).stderr
    assert re.search(r"title\s*: The Late Bus", header)
    assert re.search(rf"comment\s*: {COMMENT}", header)
    assert re.search(r"Audio: aac.*48000 Hz, stereo", header)

    cues = _parse_srt((tmp_path / "film.srt").read_text(encoding="utf-8"))
    assert cues == [
        (1, 0.5, 1.999, "A city street at dusk."),
        (2, 3.5, 5.25, "MAYA: You're late."),
        (3, 3661.042, 3662.5, "OTTO: Much later"),
    ]
    assert FilmPlan.model_validate_json((tmp_path / "plan.json").read_text(encoding="utf-8")) == plan


def test_whole_takes_are_joined_without_reencoding(three_takes: list[Take], tmp_path: Path) -> None:
    timeline = _timeline(three_takes)
    film = FfmpegAssembler().assemble(timeline, _plan_for(timeline), tmp_path)
    assert probe(film).frames == timeline.total_frames
    assert x264_options(Path(three_takes[0].path)) == x264_options(film)
    # stream copy keeps the take's coded pictures: decoded frames are bit-identical
    assert (read_frames(film, start=30, count=36) == read_frames(Path(three_takes[1].path))).all()
    assert (tmp_path / "film.srt").read_text(encoding="utf-8") == ""


def test_foreign_takes_are_conformed(three_takes: list[Take], tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.mp4"
    source = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-frames:v", "18"]
    run_ffmpeg([*source, "-c:v", "libx264", "-pix_fmt", "yuv444p", str(foreign)], "make a foreign take")
    clips = (
        Clip(shot_id="S01", take_path=three_takes[0].path, out_frame=30),
        Clip(shot_id="S02", take_path=str(foreign), out_frame=18),
    )
    timeline = _timeline(three_takes, clips=clips)
    out = tmp_path / "out"
    film = FfmpegAssembler().assemble(timeline, _plan_for(timeline), out)
    info = probe(film)
    assert (info.frames, info.width, info.height, info.pix_fmt) == (48, 854, 480, "yuv420p")


def test_bad_clip_leaves_no_partial_output(three_takes: list[Take], tmp_path: Path) -> None:
    clips = (
        Clip(shot_id="S01", take_path=three_takes[0].path, out_frame=30),
        Clip(shot_id="S02", take_path=three_takes[1].path, out_frame=99),  # the take has 36 frames
    )
    timeline = _timeline(three_takes, clips=clips, title_card=TitleCard(text="T", frames=12))
    with pytest.raises(BadInput, match=r"clips\[1\]\.out_frame"):
        FfmpegAssembler().assemble(timeline, _plan_for(timeline), tmp_path)
    assert _outputs(tmp_path) == []


def test_corrupt_take_fails_cleanly_and_keeps_an_older_film(three_takes: list[Take], tmp_path: Path) -> None:
    (tmp_path / "film.mp4").write_bytes(b"previous film")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00" * 4096)
    clips = (
        Clip(shot_id="S01", take_path=three_takes[0].path, out_frame=30),
        Clip(shot_id="S02", take_path=str(junk), out_frame=20),
    )
    timeline = _timeline(three_takes, clips=clips)
    with pytest.raises(RenderFailure):
        FfmpegAssembler().assemble(timeline, _plan_for(timeline), tmp_path)
    assert _outputs(tmp_path) == ["film.mp4", "junk.mp4"]
    assert (tmp_path / "film.mp4").read_bytes() == b"previous film"


def test_work_left_by_a_killed_assembly_is_swept(three_takes: list[Take], tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid whose process is gone, as after a SIGKILL mid-assembly
    (tmp_path / f".assemble-{dead.pid}-x1").mkdir()
    (tmp_path / f".assemble-{dead.pid}-x1" / "piece0000.mp4").write_bytes(b"half")
    live = tmp_path / ".assemble-1-x2"  # pid 1 is alive: another assembly's folder stays
    live.mkdir()
    timeline = _timeline(three_takes)
    FfmpegAssembler().assemble(timeline, _plan_for(timeline), tmp_path)
    assert sorted(p.name for p in tmp_path.glob(".assemble-*")) == [live.name]


def test_srt_helpers() -> None:
    assert srt_timestamp(0) == "00:00:00,000"
    assert srt_timestamp(3723.4567) == "01:02:03,457"
    assert to_srt(()) == ""
    with pytest.raises(BadInput, match="end_s"):
        to_srt((SubtitleCue(start_s=2.0, end_s=1.0, text="backwards"),))
    assert H264_ARGS.count("-c:v") == 1
