"""The heuristics' word lists as data: templates/lexicons/*.toml load once, fail loudly when
mistyped, merge in a fixed order, and a new language or class needs no code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agents.heuristics import lexicon
from agents.heuristics.beats import SLUGLINE, TITLE_LINE, TRANSITION, parse_brief
from agents.heuristics.cast import find_cast
from agents.heuristics.physics_words import motion_events
from agents.heuristics.planner import PRONOUNS
from agents.heuristics.verbs import MOVES
from film import BadInput, MotionAction
from templates import template_path

FOLDER = template_path("lexicons")


def test_every_language_file_loads_and_every_schema_key_is_used() -> None:
    schema = lexicon.schema()
    lexicon.check_folder(FOLDER, schema)
    used = {(c, k) for code in schema.languages for c, table in lexicon.lexicon(code).items() for k in table}
    declared = {(c, k) for c, keys in schema.categories.items() for k in keys}
    assert declared - used == set(), "schema keys no language file holds"
    assert all(lexicon.lexicon(code) for code in schema.languages)


def test_files_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    before = lexicon.words("camera", "run")
    assert lexicon.lexicon("en") is lexicon.lexicon("en")

    def no_reading(path: Path) -> None:
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(lexicon, "_read", no_reading)
    assert lexicon.words("camera", "run") == before
    assert lexicon.classes("places")[0][0] == "forest"
    assert lexicon.words("moves", "fall", "fr")


def test_merged_views_follow_language_and_schema_order() -> None:
    english = lexicon.words("camera", "run", "en")
    assert lexicon.words("camera", "run")[: len(english)] == english
    assert [name for name, _ in lexicon.classes("weather")] == ["storm", "snow", "rain", "fog", "dust"]
    assert tuple(MOVES) == lexicon.keys("moves")
    order = lexicon.languages()
    assert [order.index(code) for code in MOVES["fall"]] == sorted(
        order.index(code) for code in MOVES["fall"]
    )
    assert len(set(lexicon.words("objects", "ball"))) == len(lexicon.words("objects", "ball"))


def test_code_asking_for_a_key_the_schema_lacks_fails() -> None:
    with pytest.raises(KeyError, match=r"moves\.fal"):
        lexicon.words("moves", "fal")
    with pytest.raises(KeyError, match="mooves"):
        lexicon.classes("mooves")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[mooves]\nfall = ["fall"]\n', "en.toml [mooves]"),
        ('[moves]\nfal = ["fall"]\n', "en.toml [moves] fal"),
        ('[moves]\nfall = "fall"\n', "en.toml [moves] fall"),
        ('[moves]\nfall = ["fall", 3]\n', "en.toml [moves] fall"),
        ('[moves]\nfall = [""]\n', "en.toml [moves] fall"),
        ('moves = ["fall"]\n', "en.toml [moves]"),
        ('[detect]\nbonus = "3"\n', "en.toml [detect] bonus"),
        ("[detect]\nbonus = true\n", "en.toml [detect] bonus"),
        ('[[names.marks]]\nbefore = ["x"]\n', "en.toml [names] marks[0]"),
        ('[[names.marks]]\nbefore = ["x"]\nafter = ["y"]\nletters = "a-z"\n', "en.toml [names] marks[0]"),
        ('[[names.marks]]\nbefore = ["x"]\nletters = "a-z"\nlongst = 3\n', "marks[0].longst"),
        ('[[names.marks]]\nbefore = ["x"]\nletters = "z-a"\n', "marks[0].letters"),
        ("[moves\nfall = 1\n", "en.toml"),
    ],
)
def test_a_mistyped_language_file_names_the_file_and_key(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "en.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        lexicon.read_lexicon(path, lexicon.schema())
    assert named in str(caught.value)
    assert "\n" not in str(caught.value).strip()


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (('"names.marks" = "marks"', '"names.mark" = "marks"'), "[types] names.mark"),
        (('"detect.bonus" = "integer"', '"detect.bonus" = "number"'), "[types] detect.bonus"),
        (('brown = "#6e2c00"\n', ""), "[colours]"),
        (('brown = "#6e2c00"', 'brown = "brown"'), "[colours] brown"),
        (("[schema]", "[shema]"), "shema"),
    ],
)
def test_a_mistyped_common_file_names_the_key(tmp_path: Path, edit: tuple[str, str], named: str) -> None:
    text = (FOLDER / "common.toml").read_text(encoding="utf-8")
    assert edit[0] in text
    (tmp_path / "common.toml").write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    with pytest.raises(BadInput, match=r"common\.toml") as caught:
        lexicon.read_schema(tmp_path / "common.toml")
    assert named in str(caught.value)


def test_common_languages_and_files_must_agree(tmp_path: Path) -> None:
    schema = lexicon.schema()
    folder = tmp_path / "lexicons"
    shutil.copytree(FOLDER, folder)
    (folder / "xx.toml").write_text("", encoding="utf-8")
    with pytest.raises(BadInput, match=r"xx\.toml.*not listed"):
        lexicon.check_folder(folder, schema)
    (folder / "xx.toml").unlink()
    (folder / "hi.toml").unlink()
    with pytest.raises(BadInput, match=r"hi\.toml.*missing"):
        lexicon.check_folder(folder, schema)


SWAHILI = """[stopwords]
words = ["na", "ya", "wa", "kwa", "ni", "katika", "la", "za"]

[places]
market = ["soko"]
"""
PROBE = """import pathlib, sys
import templates
templates.ROOT = pathlib.Path(sys.argv[1])
from agents.heuristics import detect_language, setting
from agents.heuristics.language import is_supported
print(detect_language("Alienda sokoni pamoja na mama yake na dada yake mdogo."), is_supported("sw"))
print(setting.location("Alienda sokoni."), setting.location("The market is loud."))  # no en word
"""


def test_a_new_language_and_a_new_place_are_pure_data(tmp_path: Path) -> None:
    """Swahili and a market, added as files only, are supported and found by unchanged code."""
    folder = tmp_path / "lexicons"
    shutil.copytree(FOLDER, folder)
    common = (folder / "common.toml").read_text(encoding="utf-8")
    grown = common.replace('"hi"]', '"hi", "sw"]').replace("places = [", 'places = [\n    "market",', 1)
    assert grown.count('"market"') == 1 and grown.count('"sw"') == 1
    (folder / "common.toml").write_text(grown, encoding="utf-8")
    (folder / "sw.toml").write_text(SWAHILI, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["sw", "True", "market", "None"]


def test_patterns_built_from_the_words_match_as_before() -> None:
    mixed = SLUGLINE.match("INT. / EXT. FERRY - NIGHT")
    assert mixed and mixed.group(1) == "INT. / EXT"
    interiors = [
        parse_brief(f"{slug} KÜCHE - NACHT\n\nAnna wartet.").scenes[0].interior
        for slug in ("INNEN.", "AUSSEN.", "ИНТ.", "INTÉRIEUR.", "EXT.")
    ]
    assert interiors == [True, False, True, True, False]
    title = TITLE_LINE.match("Titre : La nuit")
    assert title and title.group(1) == "La nuit"
    assert TRANSITION.match("FADE OUT.") and not TRANSITION.match("FADED")
    names = [
        c.name
        for text in (
            "A girl named Ivy runs.",
            "一个名叫小雨的女孩走在海边。",
            "भोर में, मीरा नाम की लड़की चलती है।",
        )
        for c, _ in find_cast([text], [])
    ]
    assert names == ["Ivy", "小雨", "मीरा"]
    assert (
        PRONOUNS.search("Then he runs.") and PRONOUNS.search("她笑了") and not PRONOUNS.search("The theatre.")
    )
    assert motion_events("Night falls over the town. La nuit tombe.") == ()
    assert [e.action for e in motion_events("The glass falls.")] == [MotionAction.fall]
