"""Physics and weather per beat: weather holds until a beat ends or denies it, storms bring wind,
idioms are no motion, a motion event names the thing that moves, and every stem matches as a
word ("raincoat" is not rain) in every supported language."""

from __future__ import annotations

import pytest

from agents import plan_brief
from agents.heuristics import lexicon, setting
from agents.heuristics.physics_words import MEDIA, motion_events, physics_track
from agents.heuristics.text import find_stem, has_stem, stems_for
from film import Weather
from templates import template_path

CLEAR, RAIN, STORM, SNOW = Weather.clear, Weather.rain, Weather.storm, Weather.snow


def _sky(scenes: list[list[str]], language: str | None = None) -> list[list[tuple[Weather, float]]]:
    return [[(p.weather, p.wind_ms[0]) for p in row] for row in physics_track(scenes, language)]


def test_weather_holds_from_its_beat_until_a_beat_ends_it() -> None:
    beats = ["Mara runs.", "Rain falls on the town.", "She hides.", "The rain stops.", "She smiles."]
    assert [w for w, _ in _sky([beats])[0]] == [CLEAR, RAIN, RAIN, CLEAR, CLEAR]


def test_heavier_weather_takes_over_and_lighter_does_not() -> None:
    beats = [
        "Rain hammers the pier.",
        "A horn sounds in the fog.",
        "A storm breaks.",
        "Rain lashes the deck.",
    ]
    assert [w for w, _ in _sky([beats])[0]] == [RAIN, RAIN, STORM, STORM]


def test_weather_holds_into_later_scenes() -> None:
    sky = _sky(
        [["It starts to snow over the village."], ["Meanwhile, Tom waits by the fire."], ["Tom sleeps."]]
    )
    assert [row[0][0] for row in sky] == [SNOW, SNOW, SNOW]


@pytest.mark.parametrize(
    "beat",
    [
        "There is no rain today.",
        "No llueve.",
        "Não chove.",
        "Il ne pleut pas.",
        "Es regnet nicht.",
        "Non piove.",
        "Tidak ada hujan.",
        "雨は降っていない。",
        "没有下雨。",
    ],
)
def test_a_denied_weather_never_falls(beat: str) -> None:
    assert _sky([[beat]]) == [[(CLEAR, 0.0)]], beat


STORMS = {  # a storm comes, and at dawn it is gone
    "en": ("A storm breaks over the sea.", "At dawn the storm is gone."),
    "es": ("Estalla una tormenta.", "Al amanecer la tormenta ha pasado."),
    "pt": ("Uma tempestade chega.", "De manhã a tempestade passou."),
    "fr": ("Un orage éclate.", "À l'aube, l'orage est passé."),
    "de": ("Ein Sturm zieht auf.", "Im Morgengrauen ist der Sturm vorbei."),
    "it": ("Arriva una tempesta.", "All'alba la tempesta è passata."),
    "id": ("Badai datang.", "Saat fajar, badai telah reda."),
    "ja": ("嵐が来る。", "夜明け、嵐は去った。"),
    "zh": ("暴风雨来了。", "黎明时，暴风雨停了。"),
}


@pytest.mark.parametrize("language", sorted(STORMS))
def test_a_storm_brings_wind_and_ending_it_ends_the_wind(language: str) -> None:
    comes, gone = STORMS[language]
    for given in (language, None):  # with the brief's language, or detected
        assert _sky([[comes, "…"], [gone]], given) == [[(STORM, 12.0), (STORM, 12.0)], [(CLEAR, 0.0)]], (
            language
        )


@pytest.mark.parametrize(
    "beats",
    [
        ["The rain pours down.", "Then clear skies."],
        ["The rain pours down.", "The sun comes out."],
        ["Llueve mucho.", "Sale el sol."],
        ["Il pleut.", "Le ciel bleu revient."],
        ["Hujan deras.", "Langit cerah."],
        ["雨が降る。", "空は晴れた。"],
    ],
)
def test_clear_skies_end_the_weather(beats: list[str]) -> None:
    assert [w for w, _ in _sky([beats])[0]] == [RAIN, CLEAR], beats


def test_wind_words_bring_a_breeze_and_without_wind_ends_it() -> None:
    assert _sky([["A gentle breeze blows.", "Then there is no wind at all."]]) == [
        [(CLEAR, 4.0), (CLEAR, 0.0)]
    ]
    assert _sky([["Sin viento, el mar duerme."]]) == [[(CLEAR, 0.0)]]


@pytest.mark.parametrize(
    ("text", "stems", "found"),
    [
        ("Mara wears a raincoat.", ("rain",), False),
        ("A rainbow appears.", ("rain",), False),
        ("It rains, and the road is rainy.", ("rain",), True),
        ("a huge wave", lexicon.words("emotions", "tender", "en"), False),
        ("They hugged.", lexicon.words("emotions", "tender", "en"), True),
        ("Der Regenmantel hängt am Haken.", ("regen",), False),
        ("Es regnet, der Regen fällt.", ("regen",), True),
        ("Ela abre o guarda-chuva.", ("chuva",), False),
        ("Il ouvre son parapluie.", ("pluie",), False),
        ("她穿着雨衣。", ("雨",), False),
        ("雨宮さんが来た。", ("雨",), False),
        ("天空下着雨。", ("雨",), True),
        ("雨が降っている。", ("雨",), True),
        ("南京市长江大桥", ("市长",), False),  # 南京市|长江大桥: no mayor crosses the segmented words
    ],
)
def test_stems_match_whole_words_with_their_endings(text: str, stems: tuple[str, ...], found: bool) -> None:
    assert has_stem(text, stems) is found, text


def test_a_stem_takes_the_endings_of_its_own_language() -> None:
    """Spanish 'calle' is no street inside English 'called', with or without the brief's language."""
    assert find_stem("Las calles están vacías.", ("calle",)) is not None
    assert setting.location("Ivy called her mother.", "en") is None
    assert setting.location("Ivy called her mother.") is None
    assert setting.location("Lucía cruza la calle.", "es") == "city street"


def test_a_language_uses_its_own_words_first() -> None:
    rain = stems_for("weather", "rain", "es")
    assert "lluvia" in rain and "rain" in rain and "雨" in rain and "pluie" not in rain
    assert "pluie" in stems_for("weather", "rain")


@pytest.mark.parametrize(
    "beat",
    [
        "A storm rolls in from the sea.",
        "The crowd falls silent.",
        "Night falls over the town.",
        "Mara falls asleep.",
        "Theo falls in love.",
        "A wave breaks over the bow.",
        "The kitchen sink is full of dishes.",
        "He mends the broken clock.",
        "Cae la noche sobre el pueblo.",
        "Cai a noite.",
        "Il tombe amoureux.",
        "Die Nacht fällt über die Stadt.",
        "Cade la notte.",
        "Wulan jatuh cinta.",
        "二人は恋に落ちる。",
        "夕阳西落。",
    ],
)
def test_idioms_are_no_motion_events(beat: str) -> None:
    assert motion_events(beat) == (), beat


@pytest.mark.parametrize(
    ("beat", "events"),
    [
        ("A bucket falls into the water with a splash.", {("fall", "bucket"), ("splash", "bucket")}),
        ("She throws a stone into the sea.", {("throw", "stone")}),
        ("The boy with the ball drops the glass.", {("fall", "glass")}),
        ("The bottle shatters on the rocks.", {("shatter", "bottle")}),
        ("Wulan menjatuhkan keranjangnya.", {("fall", "basket")}),
        ("El cubo cae al agua.", {("fall", "bucket")}),
        ("O balde cai na água.", {("fall", "bucket")}),
        ("Le seau tombe dans l'eau.", {("fall", "bucket")}),
        ("Der Eimer fällt ins Wasser.", {("fall", "bucket")}),
        ("Il secchio cade in acqua.", {("fall", "bucket")}),
        ("バケツが水に落ちる。", {("fall", "bucket")}),
        ("水桶掉进了水里。", {("fall", "bucket")}),
    ],
)
def test_a_motion_event_names_the_thing_that_moves(beat: str, events: set[tuple[str, str]]) -> None:
    assert {(e.action.value, e.object) for e in motion_events(beat)} == events, beat


def test_it_is_the_thing_named_before() -> None:
    track = physics_track([["Danny knocks a mug off the counter.", "It shatters on the floor."]], "en")
    assert [(e.action.value, e.object) for e in track[0][1].events] == [("shatter", "mug")]
    float_ = motion_events("The kite falls. Ivy watches it float away under the old stone bridge.", "en")
    assert ("float", "kite") in {(e.action.value, e.object) for e in float_}


def test_the_cast_is_no_weather() -> None:
    beats = ["一个阳光明媚的早晨，一个名叫小雨的女孩在晾衣服。", "小雨把勺子掉在了地上。"]
    assert [w for w, _ in _sky([beats], "zh")[0]] == [RAIN, RAIN]  # 小雨 read as a drizzle
    named = physics_track([beats], "zh", names=["小雨"])[0]
    assert [p.weather for p in named] == [CLEAR, CLEAR]
    assert [(e.action.value, e.object) for e in named[1].events] == [("fall", "spoon")]


def test_a_medium_is_never_the_object() -> None:
    assert "water" not in lexicon.keys("objects")
    beats = ["The water falls.", "Water splashes everywhere.", "The sea rolls.", "Air floats up.", "Splash!"]
    assert not {e.object for b in beats for e in motion_events(b)} & MEDIA


def test_the_lighthouse_sample_weather_and_events() -> None:
    brief = template_path("briefs", "lighthouse.md").read_text(encoding="utf-8")
    plan = plan_brief(brief, duration_s=40)
    events = {(e.action.value, e.object) for s in plan.shots for e in s.physics.events}
    assert ("fall", "bucket") in events
    assert not {a for a, _ in events} & {"roll", "shatter"}
    assert all(o not in MEDIA for _, o in events)
    storm = [s for s in plan.shots if "storm rolls in" in s.description]
    assert storm and all(s.physics.weather is STORM and s.physics.wind_ms == (12.0, 0.0) for s in storm)
    dawn = [s for s in plan.shots if "storm is gone" in s.description]
    assert dawn and all(s.physics.weather is CLEAR and s.physics.wind_ms == (0.0, 0.0) for s in dawn)
