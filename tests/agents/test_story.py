"""Scenes follow the story: a new scene where the time of day or the place changes, each with its
own time (carried over unless changed), light and weather; the shipped sample brief as a whole."""

from __future__ import annotations

import pytest

from agents import plan_brief
from agents.heuristics import setting
from agents.heuristics.beats import parse_brief
from agents.heuristics.language import detect_language
from agents.heuristics.physics_words import physics_track
from film import Prop, Scene, TimeOfDay, Weather
from templates import template_path
from tests.agents.briefs import MARKDOWN, SCREENPLAY

D, N, M, DAWN, DAY = TimeOfDay.dusk, TimeOfDay.night, TimeOfDay.morning, TimeOfDay.dawn, TimeOfDay.day


def _scenes(brief: str) -> list[Scene]:
    language = detect_language(brief)
    draft = parse_brief(brief, language)
    track = physics_track([[b.text for b in s.beats] for s in draft.scenes], language)
    return setting.scenes(draft.scenes, track, language)


@pytest.mark.parametrize(
    ("brief", "times", "places"),
    [
        ("Mara walks along the beach at dusk. She finds a shell. At dawn, the tide is out.", [D, DAWN], None),
        (
            "Ivy runs across the meadow. She laughs. In the kitchen, Tom bakes bread.",
            [DAY, DAY],
            ["field", "kitchen"],
        ),
        ("Ana waits in the kitchen at noon. She hums. Meanwhile, Leo digs.", [DAY, DAY], None),
        (
            "Lucía camina por la playa al atardecer. Encuentra una concha. Al amanecer, la marea baja.",
            [D, DAWN],
            None,
        ),
        (
            "Ana caminha pela praia ao entardecer. Ela acha uma concha. Na manhã seguinte, o mar está calmo.",
            [D, M],
            None,
        ),
        (
            "Élodie marche dans la forêt au crépuscule. Elle trouve une lanterne. Pendant ce temps, dans la "
            "cuisine, Paul attend.",
            [D, D],
            ["forest", "kitchen"],
        ),
        ("Anna wartet am Abend am Hafen. Sie sieht ein Boot. In der Nacht kommt der Sturm.", [D, N], None),
        (
            "Marco cammina sulla spiaggia al tramonto. Trova una conchiglia. All'alba, il mare è calmo.",
            [D, DAWN],
            None,
        ),
        (
            "Wulan berjalan di pasar pada sore hari. Dia membeli ikan. Keesokan paginya, hujan turun.",
            [D, M],
            None,
        ),
        ("夕方、ユウタは港を歩く。船が見える。翌朝、海は静かだ。", [D, M], None),
        ("黄昏时，小雨在海边散步。她看见一艘船。第二天早上，海很平静。", [D, M], None),
    ],
)
def test_a_new_scene_starts_where_the_time_or_the_place_changes(
    brief: str, times: list[TimeOfDay], places: list[str] | None
) -> None:
    scenes = _scenes(brief)
    assert [s.time_of_day for s in scenes] == times, brief
    if places is not None:
        assert [s.location for s in scenes] == places, brief


@pytest.mark.parametrize(
    "brief",
    [
        "Ivy runs across the meadow. She laughs and runs to the river.",  # a place late in a beat
        "The harbour is quiet at dusk. “Not tonight,” Mara says. She waits.",  # a time in speech
        "Mara waits at dusk. She wishes Theo good night.",  # a greeting
        "भोर में, मीरा समुद्र तट पर चलती है। मीरा मुस्कुराती है।",  # रात is no word inside मुस्कुराती
        "في الفجر، تمشي ليلى على الشاطئ. تبتسم ليلى.",  # ليلى is a name, not a night
    ],
)
def test_places_in_passing_speech_and_greetings_start_no_scene(brief: str) -> None:
    assert len(_scenes(brief)) == 1, brief


@pytest.mark.parametrize(
    "brief",
    [
        "After a long night, dawn comes to the harbour. The boats return.",
        "Después de la larga noche, llega el amanecer al puerto.",
        "Après une longue nuit, l'aube arrive sur le port.",
        "Setelah malam yang panjang, fajar tiba di pelabuhan.",
        "長い夜の後、夜明けが来る。",
        "漫长的一夜之后，黎明来到港口。",
    ],
)
def test_dawn_after_a_night_is_dawn(brief: str) -> None:
    assert [s.time_of_day for s in _scenes(brief)] == [DAWN], brief


@pytest.mark.parametrize(
    "brief",
    [
        "Di pasar ikan, Wulan menjatuhkan keranjangnya. Pak Bambang membantu. Hujan turun tiba-tiba. "
        "Mereka berteduh sampai hujan reda.",
        "夕方、ユウタは商店街を歩く。千代が手を振る。雨が降り始める。",
    ],
)
def test_a_sudden_shower_makes_the_scene_rainy(brief: str) -> None:
    assert [s.weather for s in _scenes(brief)] == [Weather.rain], brief


def test_time_of_day_carries_over_until_a_scene_changes_it() -> None:
    scenes = _scenes(
        "That night, Mara waits in the kitchen. She listens. Meanwhile, Theo rows. Later, he sleeps."
    )
    assert [s.time_of_day for s in scenes] == [N, N, N]


def test_a_paragraph_break_alone_starts_no_scene() -> None:
    brief = "Ivy flies a kite in the meadow at noon.\n\nThe wind lifts it.\n\nAt dusk, she walks home."
    assert [s.time_of_day for s in _scenes(brief)] == [DAY, D]


@pytest.mark.parametrize(
    ("brief", "title", "times"),
    [
        (
            "Harbor Roast — “Slow Mornings” (30 s spot)\n\nA quiet kitchen at sunrise. Elena pours coffee.",
            "Harbor Roast",
            [DAWN],
        ),
        (
            "Werbespot, 20 Sekunden: Lastenrad „Kiel“\n\nEin sonniger Morgen auf dem Markt. Ein Apfel rollt.",
            "Werbespot",
            [M],
        ),
        ("广告脚本（15秒）：山泉绿茶\n\n早晨，西湖边薄雾缭绕。一位女子慢跑。", "广告脚本", [M]),
    ],
)
def test_a_first_line_on_its_own_is_the_title(brief: str, title: str, times: list[TimeOfDay]) -> None:
    draft = parse_brief(brief)
    assert draft.title.startswith(title) and not any(title in b.text for s in draft.scenes for b in s.beats)
    assert [s.time_of_day for s in _scenes(brief)] == times


@pytest.mark.parametrize(
    ("brief", "headings"),
    [
        (
            "外景 码头 — 夜\n\n暴风雨。巨浪拍打着码头。\n\n内景 渔船船舱 — 夜\n\n阿强发抖。",
            ["外景 码头 — 夜", "内景 渔船船舱 — 夜"],
        ),
        (
            "○ 公園・昼\n\n晴れ。ソウタがボールを蹴る。\n\n○ 駅のホーム・夜\n\n雪が降り始める。",
            ["○ 公園・昼", "○ 駅のホーム・夜"],
        ),
    ],
)
def test_chinese_and_japanese_scene_headings_are_sluglines(brief: str, headings: list[str]) -> None:
    draft = parse_brief(brief)
    assert [s.heading for s in draft.scenes] == headings
    assert [s.time_of_day for s in _scenes(brief)] == [DAY if "昼" in headings[0] else N, N]


def test_sluglines_and_headings_still_make_the_scenes() -> None:
    assert [s.heading for s in parse_brief(SCREENPLAY).scenes] == [
        "EXT. HARBOUR - NIGHT",
        "INT. FERRY CABIN - NIGHT",
    ]
    assert [s.heading for s in parse_brief(MARKDOWN).scenes] == ["The meadow", "The storm"]


@pytest.mark.parametrize(
    ("tod", "weather", "sources", "light"),
    [
        (DAWN, Weather.clear, (), "low pink dawn light"),
        (
            D,
            Weather.storm,
            (Prop(id="lamp", kind="lamp", light=True),),
            "storm-dark dusk, the glow of the lamp",
        ),
        (N, Weather.rain, (Prop(id="lamp", kind="lamp"),), "rain-grey night"),  # an unlit lamp lights nothing
        (DAY, Weather.fog, (), "fog-softened daylight"),
    ],
)
def test_a_scene_is_lit_by_its_hour_its_weather_and_its_lights(
    tod: TimeOfDay, weather: Weather, sources: tuple[Prop, ...], light: str
) -> None:
    assert setting.scene_light(tod, weather, sources) == light


def test_the_lighthouse_sample_has_its_three_scenes() -> None:
    """Dusk at the lighthouse with the storm rolling in, the sea in the storm, dawn with the storm
    gone: the scenes, times, weather and light the sample brief tells."""
    brief = template_path("briefs", "lighthouse.md").read_text(encoding="utf-8")
    plan = plan_brief(brief, duration_s=40)
    scenes = plan.scenes
    assert [s.time_of_day for s in scenes] == [D, D, DAWN]
    assert [s.weather for s in scenes] == [Weather.storm, Weather.storm, Weather.clear]
    assert [s.location for s in scenes[:2]] == ["lighthouse", "sea"]
    assert scenes[0].light.startswith("storm-dark dusk") and scenes[2].light == "low pink dawn light"
    last = [s for s in plan.shots if s.scene_id == scenes[2].id]
    assert last and all(s.physics.weather is Weather.clear and s.physics.wind_ms == (0.0, 0.0) for s in last)


def test_a_chinese_screenplay_cue_gives_the_speech_to_its_speaker() -> None:
    """Han names have no capitals: inside a screenplay, a short name alone on a line is a cue,
    and a full-width parenthetical is direction, not speech."""
    from agents.heuristics.beats import parse_brief

    brief = "1. 外景 码头 — 夜\n\n暴风雨。\n\n李明\n（大喊）\n阿强！快回来！\n\n阿强\n哥，我没事。\n"
    draft = parse_brief(brief, "zh")
    spoken = [(b.dialogue, b.parenthetical) for s in draft.scenes for b in s.beats if b.dialogue]
    assert spoken == [([("李明", "阿强！快回来！")], "大喊"), ([("阿强", "哥，我没事。")], "")]
    prose = parse_brief("李明\n走向码头。", "zh")
    assert prose.cues == []  # no screenplay, no cue


def test_the_title_heading_sets_no_time_and_the_hour_cuts_the_scene() -> None:
    """'# Apple Day' is the film's title, not daytime: 'At noon' after a morning is a new scene."""
    from agents import plan_brief

    brief = (
        "# Apple Day\n\nOn a clear morning, Nora picks apples in the orchard.\n\n"
        "At noon, rain drums on the roof of the barn, where Nora sorts the apples.\n\n"
        "By sunset the rain has stopped, and Nora lights a lamp on the porch."
    )
    plan = plan_brief(brief, duration_s=20)
    assert plan.title == "Apple Day"
    assert [(s.time_of_day.value, s.weather.value) for s in plan.scenes] == [
        ("morning", "clear"), ("day", "rain"), ("dusk", "clear"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("brief", "weather"),
    [
        ("In der Abenddämmerung fängt es an zu schneien. Am nächsten Morgen hat es aufgehört zu schneien.",
         ["snow", "clear"]),
        ("EXT. RUE - AUBE\n\nLa pluie tambourine.\n\nEXT. PLACE - MATIN\n\nLa pluie a cessé. Karim sourit.",
         ["rain", "clear"]),
    ],
)  # fmt: skip
def test_weather_that_stops_in_german_and_french(brief: str, weather: list[str]) -> None:
    from agents import plan_brief

    assert [s.weather.value for s in plan_brief(brief, duration_s=12).scenes] == weather


def test_what_is_said_makes_no_weather_and_drops_nothing() -> None:
    from agents import plan_brief

    brief = "INT. KITCHEN - DAY\n\nAnna dries a glass.\n\nANNA\nDon't drop the glass, the snow is coming!\n"
    plan = plan_brief(brief, duration_s=6, title_card=False)
    assert all(s.physics.weather.value == "clear" and not s.physics.events for s in plan.shots)
