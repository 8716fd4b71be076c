"""Film grammar (open wide, no repeats, verbs pick moves) and physics keywords."""

from __future__ import annotations

import pytest

from agents import plan_brief
from film import Direction, FilmPlan, Movement, ShotSize, Weather
from tests.agents.briefs import MARKDOWN, MULTILINGUAL, SCREENPLAY

WIDE = {ShotSize.extreme_wide, ShotSize.wide}


def _plans() -> list[FilmPlan]:
    briefs = [*MULTILINGUAL.values(), SCREENPLAY, MARKDOWN]
    return [plan_brief(b, duration_s=d) for b in briefs for d in (12, 90, 400)]


def test_each_scene_opens_wide_and_no_shot_repeats_the_last() -> None:
    for plan in _plans():
        seen: set[str] = set()
        prev = None
        for shot in plan.shots:
            if shot.scene_id not in seen:
                assert shot.camera.size in WIDE, (plan.title, shot.id, shot.camera.label())
                seen.add(shot.scene_id)
            key = (shot.camera.size, shot.camera.movement)
            assert key != prev, (plan.title, shot.id, key)
            prev = key


VERBS_BY_LANGUAGE = {
    "es": {"camina", "sube", "se", "cae"},
    "fr": {"marche", "grimpe", "découvre", "s'enfuit"},
    "de": {"rennt", "klettert", "nähert", "fällt"},
}
OPENERS = {"es": "El valle está en silencio.", "fr": "La vallée est calme.", "de": "Das Tal ist still."}


def _first_move(sentence: str) -> tuple[Movement, Direction]:
    """Camera of the beat's own shot: the second sentence, after a neutral opener in its language."""
    verb = sentence.split()[1]
    language = next((code for code, verbs in VERBS_BY_LANGUAGE.items() if verb in verbs), "en")
    opener = OPENERS.get(language, "The valley is quiet.")
    plan = plan_brief(f"{opener} {sentence}", duration_s=6, title_card=False)
    shot = plan.shots[-1]
    return shot.camera.movement, shot.camera.direction


@pytest.mark.parametrize(
    ("sentence", "moves", "direction"),
    [
        ("Kai walks along the road.", {Movement.truck, Movement.pan}, None),
        ("Kai runs after the train.", {Movement.truck, Movement.pan}, None),
        ("Kai climbs the old tower.", {Movement.crane, Movement.tilt}, Direction.up),
        ("Kai approaches the door.", {Movement.dolly}, Direction.in_),
        ("Kai discovers a hidden letter.", {Movement.dolly}, Direction.in_),
        ("Kai flees into the night.", {Movement.dolly}, Direction.out),
        ("Kai falls from the ledge.", {Movement.tilt}, Direction.down),
        ("Kai camina por el camino.", {Movement.truck, Movement.pan}, None),
        ("Kai sube a la torre.", {Movement.crane, Movement.tilt}, Direction.up),
        ("Kai se acerca a la puerta.", {Movement.dolly}, Direction.in_),
        ("Kai cae al suelo.", {Movement.tilt}, Direction.down),
        ("Kai marche sur la route.", {Movement.truck, Movement.pan}, None),
        ("Kai grimpe sur la tour.", {Movement.crane, Movement.tilt}, Direction.up),
        ("Kai découvre une lettre.", {Movement.dolly}, Direction.in_),
        ("Kai s'enfuit dans la nuit.", {Movement.dolly}, Direction.out),
        ("Kai rennt über die Straße.", {Movement.truck, Movement.pan}, None),
        ("Kai klettert auf den Turm.", {Movement.crane, Movement.tilt}, Direction.up),
        ("Kai nähert sich der Tür.", {Movement.dolly}, Direction.in_),
        ("Kai fällt in den Fluss.", {Movement.tilt}, Direction.down),
    ],
)
def test_verbs_choose_the_move(sentence: str, moves: set[Movement], direction: Direction | None) -> None:
    movement, got = _first_move(sentence)
    assert movement in moves, sentence
    if direction is not None:
        assert got is direction, sentence


def test_emotional_beats_go_close() -> None:
    plan = plan_brief("The harbour is empty at dawn. Mara weeps quietly.", duration_s=6, title_card=False)
    assert plan.shots[-1].camera.size in {ShotSize.close_up, ShotSize.medium_close}
    assert plan.shots[-1].performances[0].emotion == "sad"


def test_long_beats_get_distinct_coverage() -> None:
    plan = plan_brief("Mara walks along the endless harbour.", duration_s=30, title_card=False)
    assert len(plan.shots) >= 4
    assert [s.coverage for s in plan.shots[:2]] == ["establishing", "master"]
    assert plan.shots[0].camera.size in WIDE
    assert len({s.description for s in plan.shots}) == len(plan.shots)
    assert not any(s.continuous_with_previous for s in plan.shots)


@pytest.mark.parametrize(
    ("brief", "weather"),
    [
        ("It rains over the city.", Weather.rain),
        ("Llueve sobre la ciudad.", Weather.rain),
        ("Il pleut sur la ville.", Weather.rain),
        ("Es regnet in der Stadt.", Weather.rain),
        ("雨が降っている。", Weather.rain),
        ("Snow covers the village.", Weather.snow),
        ("La nieve cubre el pueblo.", Weather.snow),
        ("Der Schnee fällt leise.", Weather.snow),
        ("A storm breaks over the sea.", Weather.storm),
        ("Une tempête éclate.", Weather.storm),
        ("Thick fog hides the road.", Weather.fog),
    ],
)
def test_weather_words_fill_physics(brief: str, weather: Weather) -> None:
    plan = plan_brief(brief, duration_s=4)
    assert plan.shots[0].physics.weather is weather


@pytest.mark.parametrize(
    ("brief", "action", "obj"),
    [
        ("The ball bounces down the stairs.", "bounce", "ball"),
        ("A barrel rolls across the deck.", "roll", "barrel"),
        ("She throws a stone into the lake.", "throw", "stone"),
        ("A feather floats in the air.", "float", "feather"),
        ("The vase shatters on the floor.", "shatter", "vase"),
        ("The apple falls from the tree.", "fall", "apple"),
        ("A stone splashes into the pond.", "splash", "stone"),
        ("La pelota rebota en la calle.", "bounce", "ball"),
        ("Le verre se brise.", "shatter", "glass"),
        ("Der Apfel fällt vom Baum.", "fall", "apple"),
        ("Мяч отскакивает от стены.", "bounce", "ball"),
        ("杯子碎了。", "shatter", "glass"),
    ],
)
def test_motion_words_fill_events(brief: str, action: str, obj: str) -> None:
    shot = plan_brief(brief, duration_s=4).shots[0]
    events = {(e.action.value, e.object) for e in shot.physics.events}
    assert (action, obj) in events, events
    assert all(0 <= e.start_s < shot.frames / 24 for e in shot.physics.events)


def test_space_and_underwater_change_gravity_and_medium() -> None:
    space = plan_brief("The astronaut floats weightless in outer space.", duration_s=4).shots[0].physics
    assert space.gravity_ms2() == 0.0 and space.medium.value == "vacuum"
    sea = plan_brief("Deep underwater, a diver swims.", duration_s=4).shots[0].physics
    assert sea.medium.value == "water"


def test_time_of_day_and_location_keywords() -> None:
    scenes = plan_brief("At night, Mara waits in the kitchen.", duration_s=4).scenes
    assert scenes[0].time_of_day.value == "night"
    assert scenes[0].location == "kitchen"
    es = plan_brief("Al atardecer, Lucía camina por el bosque.", duration_s=4).scenes[0]
    assert (es.time_of_day.value, es.location) == ("dusk", "forest")


def test_a_thing_that_falls_is_simulated_and_a_person_who_falls_performs_it() -> None:
    """Nothing is invented: a fall with no thing named is the figure's, not a stone's; a dropped
    glass falls and shatters while the figure who dropped it stays on their feet."""
    person = plan_brief("Mara slips and falls on the ice.", duration_s=4, title_card=False).shots[0]
    assert person.physics.events == () and [p.action for p in person.performances] == ["fall"]
    thing = plan_brief("Theo drops the glass and it shatters.", duration_s=4, title_card=False).shots[0]
    events = {(e.object, e.action.value) for e in thing.physics.events}
    assert events == {("glass", "fall"), ("glass", "shatter")}
    assert [p.action for p in thing.performances] == ["stand"]


def test_indoors_it_rains_outside_and_spoken_words_build_nothing() -> None:
    """An INT. scene keeps its rain as the scene's weather (seen through the window) but no shot
    rains indoors; 'On the house.' is a line, not a set piece."""
    brief = (
        "INT. ROSA'S DINER - NIGHT\n\nRain streams down the window. Rosa wipes the counter.\n\n"
        "ROSA\nOn the house.\n\nEXT. PARKING LOT - NIGHT\n\nRain drums on the cars.\n"
    )
    plan = plan_brief(brief, duration_s=12, title_card=False)
    inside, outside = plan.scenes
    assert inside.weather is Weather.rain and inside.heading.startswith("INT.")
    assert "house" not in {p.kind for p in inside.set_pieces}
    assert all(s.physics.weather is Weather.clear for s in plan.shots if s.scene_id == inside.id)
    assert any(s.physics.weather is Weather.rain for s in plan.shots if s.scene_id == outside.id)
