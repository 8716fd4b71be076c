"""Every script renders on screen: title cards, lower thirds, burned-in subtitles, previz shot
cards and contact-sheet labels draw each character in a font that has it, in reading order."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFont

from engine.cutting import exports, lettering, typefaces
from engine.cutting.bidi import clusters, levels, visual_order
from engine.cutting.lettering import Line, draw_text, ellipsize, font, tag, text_width, typeset, wrap
from engine.cutting.subtitles import burn_in
from engine.cutting.titles import paint_overlay, title_frame
from engine.media import FrameWriter
from engine.previz.card import ShotCard
from engine.previz.sheet import contact_sheet
from film import Clip, Shot, Timeline, TitleCard
from film.timeline import Overlay
from tests.engine.conftest import make_plan, make_shot, make_spec

SCRIPTS = {
    "latin": "Ça déjà vu — Łódź, Ærøskøbing",
    "cyrillic": "Съешь же ещё этих булок",
    "greek": "Καλημέρα κόσμε, ψυχή",
    "chinese": "我能吞下玻璃而不伤身体。",
    "japanese": "いろはにほへと 東京の夜、カタカナ",
    "korean": "다람쥐 헌 쳇바퀴에 타고파",
    "devanagari": "नमस्ते दुनिया, क्षत्रिय",
    "thai": "สวัสดีชาวโลก ภาษาไทย",
    "arabic": "مرحبا بالعالم",
    "hebrew": "שלום עולם",
    "emoji": "Party 🎉 👍🏽 ❤️ 🇫🇷",
    "mixed": "Maya — מאיה, مايا, 玛雅 🎬",
}
W, H = 640, 360
NOTO = Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf")


def _shot(description: str, shot_id: str = "S01", frames: int = 24) -> Shot:
    return make_shot(shot_id, frames=frames).model_copy(update={"description": description})


def _squash(text: str) -> str:
    return "".join(text.split())


def _assert_covered(drawn: list[Line], sample: str) -> None:
    """Every character drawn is in the character map of the face chosen for it, and the sample
    was drawn whole (not cut by an ellipsis)."""
    for line in drawn:
        for run in line.runs:
            cmap = typefaces.character_map(run.face.path, run.face.index)
            missing = [ch for ch in run.text if not typefaces.invisible(ch) and ord(ch) not in cmap]
            assert not missing, f"{missing!r} of {line.text!r} would be boxes in {run.face.name}"
    assert _squash(sample) in _squash("".join(line.text for line in drawn))


def _ink(pixels: np.ndarray, floor: int = 200) -> int:
    """How many pixels are bright: the lettering, on these dark grounds."""
    return int((pixels.reshape(-1, pixels.shape[-1]).min(axis=1) > floor).sum())


@pytest.mark.parametrize("script", SCRIPTS)
def test_title_card_and_chapter_title_draw_every_script(script: str, tmp_path: Path) -> None:
    sample = SCRIPTS[script]
    with lettering.proof() as drawn:
        card = title_frame(TitleCard(text=sample, subtitle=sample, frames=24), W, H)
    Image.fromarray(card).save(tmp_path / f"title-{script}.png")
    _assert_covered(drawn, sample)
    assert _ink(card[H // 4 : 3 * H // 4]) > 150
    frame = np.full((H, W, 3), 60, np.uint8)
    with lettering.proof() as drawn:
        chapter = paint_overlay(frame, Overlay(kind="chapter", clip_index=0, frames=24, text=sample), 12)
    _assert_covered(drawn, sample)
    assert _ink(chapter[H // 3 : 2 * H // 3]) > 100


@pytest.mark.parametrize("script", SCRIPTS)
def test_lower_third_burn_in_and_shot_card_draw_every_script(script: str, tmp_path: Path) -> None:
    sample = SCRIPTS[script]
    frame = np.full((H, W, 3), 90, np.uint8)
    lower = Overlay(kind="lower_third", clip_index=0, frames=24, text=sample, subtitle=sample)
    with lettering.proof() as drawn:
        named = paint_overlay(frame, lower, 12)
    _assert_covered(drawn, sample)
    assert _ink(named[int(0.55 * H) : int(0.78 * H), : int(0.7 * W)], 230) > 60
    with lettering.proof() as drawn:
        subbed = burn_in(frame, sample)
    _assert_covered(drawn, sample)
    assert _ink(subbed[int(0.7 * H) :], 240) > 60
    spec = make_spec(_shot(sample), size=(W, H)).model_copy(update={"card": sample})
    with lettering.proof() as drawn:
        shot_card = ShotCard(spec, W, H)
    _assert_covered(drawn, sample)
    pad, line_h = 5, 13  # the card's description row at this size (10 px lettering)
    assert _ink(np.asarray(shot_card.image)[pad + line_h : pad + 2 * line_h], 150) > 15
    Image.fromarray(np.vstack([named, subbed])).save(tmp_path / f"overlays-{script}.png")
    shot_card.image.save(tmp_path / f"shot-card-{script}.png")


def test_colour_emoji_are_drawn_in_colour() -> None:
    with lettering.proof() as drawn:
        subbed = burn_in(np.full((H, W, 3), 90, np.uint8), "🎉🎉🎉")
    assert {run.face.name for line in drawn for run in line.runs} == {"NotoColorEmoji.ttf"}
    band = subbed[int(0.7 * H) :].astype(np.int16)
    assert int(((band.max(axis=2) - band.min(axis=2)) > 80).sum()) > 100  # not grey boxes


def test_cut_contact_sheet_labels_every_script(tmp_path: Path) -> None:
    take = tmp_path / "take.mp4"
    with FrameWriter(take, 320, 180, 24) as writer:
        for _ in range(6):
            writer.write(np.full((180, 320, 3), 40, np.uint8))
    shots = tuple(_shot(s, f"S{k:02d}", frames=6) for k, s in enumerate(SCRIPTS.values()))
    clips = tuple(Clip(shot_id=s.id, take_path=str(take), out_frame=6) for s in shots)
    timeline = Timeline(fps=24, width=320, height=180, clips=clips)
    with lettering.proof() as drawn:
        dest = exports.contact_sheet(timeline, make_plan(shots), tmp_path / "sheet.png")
    for sample in SCRIPTS.values():
        _assert_covered(drawn, sample)
    assert Image.open(dest).size == (4 * 328 + 8, 3 * (180 + 34 + 8) + 8)


def test_previz_contact_sheet_title_in_mixed_scripts(tmp_path: Path) -> None:
    shot = make_shot(frames=48)
    plan = make_plan((shot,)).model_copy(update={"title": SCRIPTS["mixed"]})
    with lettering.proof() as drawn:
        contact_sheet(plan, [make_spec(shot, size=(320, 180))], tmp_path / "sheet.png")
    _assert_covered(drawn, SCRIPTS["mixed"])


def _word_x(canvas: np.ndarray, word: str, face: lettering.Font) -> int:
    """Where `word` sits in `canvas` (drawn at (0, 0) with `face`): the best horizontal match."""
    alone = Image.new("L", canvas.shape[::-1])
    draw_text(alone, (0, 0), word, face, 255)
    template = np.asarray(alone, np.float32)
    cols = np.nonzero(template.max(axis=0))[0]
    template = template[:, cols[0] : cols[-1] + 1]
    width = template.shape[1]
    errors = [np.abs(canvas[:, x : x + width] - template).sum() for x in range(canvas.shape[1] - width)]
    return int(np.argmin(errors))


@pytest.mark.parametrize("script", ["arabic", "hebrew"])
def test_right_to_left_lines_read_from_the_right(script: str) -> None:
    sample, face = SCRIPTS[script], font(40, bold=True)
    line = typeset(sample, face)
    assert line.rtl and all(run.rtl for run in line.runs if run.text.strip())
    canvas = Image.new("L", (round(line.width) + 20, 80))
    draw_text(canvas, (0, 0), sample, face, 255)
    pixels = np.asarray(canvas, np.float32)
    first, last = sample.split()[0], sample.split()[-1]
    assert _word_x(pixels, first, face) > _word_x(pixels, last, face) + 20


def test_arabic_is_shaped_and_mixed_lines_are_in_visual_order() -> None:
    sample = SCRIPTS["arabic"]
    unshaped = ImageFont.truetype(str(NOTO), 40, layout_engine=ImageFont.Layout.BASIC).getlength(sample)
    shaped = text_width(sample, font(40))
    assert abs(shaped - unshaped) > 0.1 * unshaped  # joined forms, not isolated letters
    line = typeset("Hello שלום مرحبا end", font(30))  # one right-to-left stretch in two fonts
    order = [run.text.strip() for run in line.runs if run.text.strip()]
    assert order == ["Hello", "مرحبا", "שלום", "end"]
    assert not line.rtl and [run.x for run in line.runs] == sorted(run.x for run in line.runs)


def test_bidi_levels_and_order() -> None:
    parts = clusters("abc אבג 123 דה")
    lv, rtl = levels(parts)
    assert not rtl and lv[:3] == [0, 0, 0] and lv[4:7] == [1, 1, 1] and lv[8:11] == [2, 2, 2]
    assert "".join(parts[i] for i in visual_order(lv)) == "abc הד 123 גבא"
    assert levels(clusters("שלום, world"))[1] and visual_order([1, 1, 2, 2]) == [2, 3, 1, 0]
    assert clusters("e\u0301👍🏽🇫🇷क्ष") == ["e\u0301", "👍🏽", "🇫🇷", "क्ष"]


def test_cjk_and_thai_wrap_between_characters_and_latin_between_words() -> None:
    face = font(24)
    zh = SCRIPTS["chinese"] * 4
    lines = wrap(zh, face, 200, 10)
    assert len(lines) > 2 and "".join(lines) == zh
    assert all(text_width(line, face) <= 200 for line in lines)
    assert not any(line.startswith("。") for line in lines)
    thai = "สวัสดีชาวโลกภาษาไทยเป็นภาษาที่สวยงาม"
    lines = wrap(thai, face, 150, 10)
    assert len(lines) > 1 and "".join(lines) == thai and all(text_width(x, face) <= 150 for x in lines)
    assert wrap("one two three four", face, 120, 5) == ["one two", "three four"]
    assert wrap("one two three four five six", face, 120, 2)[-1].endswith("…")


@pytest.mark.parametrize("script", ["hebrew", "arabic", "japanese"])
def test_ellipsize_cuts_the_logical_end_in_any_direction(script: str) -> None:
    face = font(24)
    cut = ellipsize(SCRIPTS[script] * 4, face, 150)
    assert cut.endswith("…") and text_width(cut, face) <= 150
    assert (SCRIPTS[script] * 4).startswith(cut[:-1].rstrip())
    line = typeset(cut, face)
    ellipsis = next(run for run in line.runs if "…" in run.text)
    if line.rtl:  # the cut end is the left end of a right-to-left line
        assert ellipsis.x == 0 or (ellipsis.rtl and ellipsis.text.endswith("…"))


def test_name_tags_fit_their_lettering() -> None:
    plate = tag("Ωμέγα مرحبا 东京 🎉", 20, (255, 255, 255), (40, 80, 160, 200))
    alpha = np.asarray(plate.getchannel("A"))
    assert plate.width > 150 and alpha[plate.height // 2, plate.width // 2] > 0


def test_scripts_beyond_the_chain_find_an_installed_font() -> None:
    (run,) = typeset("বাংলা ভাষা", font(24)).runs  # Bengali: no chain font has it
    assert run.face.name.startswith("NotoSansBengali") and run.face.covers(run.text)


@pytest.fixture
def few_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The Noto fonts made unavailable: the font search path is a folder of our own."""
    installed = lettering.fingerprint()
    monkeypatch.setattr(typefaces, "FONT_DIRS", (tmp_path,))
    lettering.forget()
    yield tmp_path
    assert lettering.fingerprint() != installed  # cached cards drawn with other fonts are redrawn
    monkeypatch.undo()
    lettering.forget()


@pytest.mark.parametrize("keep", ["DejaVuSans.ttf", None])
def test_without_noto_lettering_falls_back_and_still_draws(few_fonts: Path, keep: str | None) -> None:
    if keep:
        shutil.copy(Path("/usr/share/fonts/truetype/dejavu") / keep, few_fonts / keep)
    everything = " ".join(SCRIPTS.values())
    card = title_frame(TitleCard(text="Ça déjà vu", subtitle=everything, frames=24), W, H)
    assert card.shape == (H, W, 3) and _ink(card[H // 4 : 3 * H // 4]) > 50
    frame = np.full((H, W, 3), 90, np.uint8)
    assert _ink(burn_in(frame, "Hello " + everything)[int(0.7 * H) :], 240) > 30
    lower = Overlay(kind="lower_third", clip_index=0, frames=24, text="Maya", subtitle=everything)
    assert paint_overlay(frame, lower, 12).shape == frame.shape
    assert ShotCard(make_spec(_shot(everything)), W, H).image.size[0] == W
    assert tag(everything, 14, (255, 255, 255), (0, 0, 0, 200)).width > 10
    names = {run.face.name for run in typeset(everything, font(20)).runs}
    assert names == ({keep} if keep else {"Pillow built-in"})
