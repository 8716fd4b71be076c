"""Transitions, overlays, sound, exports and provenance of the finished-film assembler."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest

from engine import FfmpegAssembler
from engine.cutting.assemble import AssembleOptions
from engine.cutting.audio import measure
from engine.cutting.cut import GOP, ClipSource, CopyPiece, EncodePiece, plan_pieces
from engine.media import FrameWriter, ffmpeg_exe, probe, read_frames, run_ffmpeg
from film import Clip, SubtitleCue, Timeline, TitleCard
from film.timeline import Overlay
from tests.engine.conftest import make_plan, make_shot

W, H, FPS, N = 320, 176, 24, 120
COLOURS = [(200, 40, 40), (40, 40, 200), (40, 190, 60), (220, 200, 40)]


@pytest.fixture(scope="module")
def solid_takes(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Four 5 s takes of flat colour with a moving bar, encoded with the shared settings."""
    folder = tmp_path_factory.mktemp("solid")
    paths = []
    for k, colour in enumerate(COLOURS):
        dest = folder / f"T{k}.mp4"
        with FrameWriter(dest, W, H, FPS) as writer:
            for i in range(N):
                frame = np.empty((H, W, 3), np.uint8)
                frame[:] = colour
                frame[10:30, (i * 2) % (W - 20) : (i * 2) % (W - 20) + 20] = 255
                writer.write(frame)
        paths.append(dest)
    return paths


def _timeline(takes: list[Path], **kw: object) -> Timeline:
    kinds = ["cut", "crossfade", "dip_to_black", "wipe"]
    clips = tuple(
        Clip(
            shot_id=f"S0{k}",
            take_path=str(p),
            out_frame=N,
            transition_in=kinds[k],  # type: ignore[arg-type]
            transition_frames=0 if k == 0 else 12,
        )
        for k, p in enumerate(takes)
    )
    return Timeline(fps=FPS, width=W, height=H, clips=clips, **kw)  # type: ignore[arg-type]


def _plan(timeline: Timeline):  # type: ignore[no-untyped-def]
    card = timeline.title_card.frames if timeline.title_card else 0
    return make_plan(tuple(make_shot(c.shot_id, frames=c.frames) for c in timeline.clips), card)


def test_transitions_blend_keep_length_and_reencode_only_their_windows(
    solid_takes: list[Path], tmp_path: Path
) -> None:
    lower = Overlay(kind="lower_third", clip_index=1, start_frame=20, frames=30, text="Maya")
    timeline = _timeline(solid_takes, title_card=TitleCard(text="Four", frames=12), overlays=(lower,))
    sources = [ClipSource(take=p, take_frames=N, copyable=True) for p in solid_takes]
    pieces = plan_pieces(timeline, sources)
    encoded = sum(p.frames for p in pieces if isinstance(p, EncodePiece))
    copied = sum(p.end - p.start for p in pieces if isinstance(p, CopyPiece))
    assert encoded + copied == 4 * N and copied >= 4 * GOP  # most of the film is stream copy

    film = FfmpegAssembler().assemble(timeline, _plan(timeline), tmp_path)
    frames = read_frames(film)
    assert len(frames) == probe(film).frames == timeline.total_frames == 12 + 4 * N
    # a copied middle GOP decodes bit-identical to its take
    assert (frames[12 + GOP : 12 + 2 * GOP] == read_frames(solid_takes[0], GOP, GOP)).all()
    # a re-encoded edge (clip B frames 6..47, off its keyframes) still shows the right frames
    edge = read_frames(solid_takes[1], 30, 1)[0].astype(int)
    assert np.abs(frames[12 + N + 30].astype(int) - edge).mean() < 3.0
    # crossfade at the A|B cut: the 12 window frames move from red to blue, strictly between
    cut = 12 + N
    red = frames[cut - 6 : cut + 6, 100:, :, 0].mean(axis=(1, 2))
    blue = frames[cut - 6 : cut + 6, 100:, :, 2].mean(axis=(1, 2))
    assert red.min() > 40 and red.max() < 200 and blue.min() > 40 and blue.max() < 200
    assert (np.diff(red) < 0).all() and (np.diff(blue) > 0).all()
    # dip to black: darkest at the cut
    cut2 = cut + N
    assert frames[cut2 - 1 : cut2 + 1].mean() < 30 < frames[cut2 - 7].mean()
    # wipe: mid-window, left shows the new shot, right the old
    mid = frames[cut2 + N, H // 2]
    assert mid[10, 0] > 150 and mid[-10, 1] > 150
    # the lower third changed its frames (re-encoded window), and the picture is clean after it
    under = frames[cut + 20 + 15, int(0.7 * H), 40]
    assert abs(int(under[2]) - 200) > 40
    after = frames[cut + 20 + 30 + 5, int(0.7 * H), 40]
    assert abs(int(after[2]) - 200) < 8


def test_music_bed_is_ducked_and_normalised(solid_takes: list[Path], tmp_path: Path) -> None:
    music = tmp_path / "music.wav"
    sine, noise = "sine=frequency=330:duration=7", "anoisesrc=d=7:a=0.05"
    args = ["-f", "lavfi", "-i", sine, "-f", "lavfi", "-i", noise, "-filter_complex", "amix=inputs=2"]
    run_ffmpeg([*args, str(music)], "make music")
    cues = (SubtitleCue(start_s=3.0, end_s=5.0, text="Hello."),)
    timeline = _timeline(solid_takes, subtitles=cues)
    film = FfmpegAssembler(options=AssembleOptions(music=music, exports=False)).assemble(
        timeline, _plan(timeline), tmp_path / "out"
    )
    assert probe(film).has_audio
    integrated, peak = measure(film)
    assert abs(integrated - -14.0) <= 1.0
    assert peak <= -0.5


def test_silent_film_exports_and_provenance(solid_takes: list[Path], tmp_path: Path) -> None:
    cues = (SubtitleCue(start_s=1.0, end_s=2.5, text="Bonjour.", speaker="MAYA"),)
    end = TitleCard(text="Fin", frames=12)
    timeline = _timeline(solid_takes[:2], subtitles=cues, language="fr", end_card=end)
    film = FfmpegAssembler().assemble(timeline, _plan(timeline), tmp_path)
    header = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(film)], capture_output=True, text=True
    ).stderr
    assert re.search(r"description\s*: AI-generated", header) and re.search(r"Audio: aac", header)
    vtt = (tmp_path / "film.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\nLanguage: fr") and "00:00:01.000 --> 00:00:02.500\n<v MAYA>Bonjour." in vtt
    doc = otio.adapters.read_from_file(str(tmp_path / "film.otio"))
    clips = list(doc.video_tracks()[0].find_clips())
    assert [c.name for c in clips] == ["S00", "S01"]
    assert clips[0].media_reference.target_url == solid_takes[0].resolve().as_uri()
    assert doc.duration().to_frames() == timeline.total_frames == probe(film).frames == 2 * N + 12
    assert (tmp_path / "contact-sheet.png").stat().st_size > 1000
    assert not [p for p in tmp_path.iterdir() if ".part-" in p.name or p.name.startswith(".assemble")]


def test_burned_subtitles_reencode_the_film(solid_takes: list[Path], tmp_path: Path) -> None:
    cues = (SubtitleCue(start_s=0.5, end_s=4.0, text="WWWWWWWW"),)
    timeline = Timeline(fps=FPS, width=W, height=H, subtitles=cues,
                        clips=(Clip(shot_id="S0", take_path=str(solid_takes[1]), out_frame=N),))  # fmt: skip
    film = FfmpegAssembler(options=AssembleOptions(burn_subtitles=True, exports=False)).assemble(
        timeline, _plan(timeline), tmp_path
    )
    frames = read_frames(film, 24, 1)
    assert frames[0, int(0.8 * H) :].max() > 240  # white letters over the blue


def test_reencoded_windows_are_cached_by_content(solid_takes: list[Path], tmp_path: Path) -> None:
    """A second cut of the same timeline re-encodes nothing; a changed take re-encodes only the
    windows that touch it, and the film still matches an uncached cut frame for frame."""
    cache = tmp_path / "cache"
    timeline = _timeline(solid_takes)
    first = FfmpegAssembler(card_cache=cache).assemble(timeline, _plan(timeline), tmp_path / "a")
    pieces = set(cache.glob("piece-*.mp4"))
    assert len(pieces) >= 3  # one per transition window
    FfmpegAssembler(card_cache=cache).assemble(timeline, _plan(timeline), tmp_path / "b")
    assert set(cache.glob("piece-*.mp4")) == pieces

    changed = tmp_path / "green.mp4"
    with FrameWriter(changed, W, H, FPS) as writer:
        for _ in range(N):
            writer.write(np.full((H, W, 3), (20, 200, 20), dtype=np.uint8))
    takes = [solid_takes[0], solid_takes[1], changed, solid_takes[3]]
    revised = _timeline(takes)
    cached_cut = FfmpegAssembler(card_cache=cache).assemble(revised, _plan(revised), tmp_path / "c")
    fresh_cut = FfmpegAssembler().assemble(revised, _plan(revised), tmp_path / "d")
    new = set(cache.glob("piece-*.mp4")) - pieces
    assert 1 <= len(new) < len(pieces)  # the windows next to the changed take, not the first one
    assert (read_frames(cached_cut) == read_frames(fresh_cut)).all()
    assert probe(first).frames == probe(cached_cut).frames == revised.total_frames


def test_title_card_is_encoded_once_per_content(solid_takes: list[Path], tmp_path: Path) -> None:
    """The title card is a static picture with a fade: a second film with the same card reuses
    its encode byte for byte; another title gets its own."""
    cache = tmp_path / "cache"
    timeline = _timeline(solid_takes[:2], title_card=TitleCard(text="Four", frames=12))
    FfmpegAssembler(card_cache=cache).assemble(timeline, _plan(timeline), tmp_path / "a")
    (card,) = cache.glob("title-*.mp4")
    made = card.stat().st_mtime_ns
    FfmpegAssembler(card_cache=cache).assemble(timeline, _plan(timeline), tmp_path / "b")
    assert list(cache.glob("title-*.mp4")) == [card] and card.stat().st_mtime_ns == made
    other = _timeline(solid_takes[:2], title_card=TitleCard(text="Five", frames=12))
    FfmpegAssembler(card_cache=cache).assemble(other, _plan(other), tmp_path / "c")
    assert len(list(cache.glob("title-*.mp4"))) == 2
