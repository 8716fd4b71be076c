"""Coverage: a sparse brief stretched over a long film becomes distinct shots (establishing,
master, reaction, insert, over-the-shoulder, cutaway, close-up), each with its own shot-list line
and subject, none an empty frame unless the beat asks for one; lines keep their speakers and
events play once. Prompts say what the plan holds (set pieces, props, lights, the scene's light
and weather, the coverage) and never a character field the brief did not give."""

from __future__ import annotations

import json
from collections import Counter
from itertools import pairwise

import pytest

from agents import plan_brief, recaption
from agents.heuristics import grammar
from agents.heuristics.beats import Beat as BriefBeat
from agents.heuristics.cast import find_cast
from agents.heuristics.coverage import Stage, Unit, cover, stage
from agents.llm import LLMClient, LLMConfig, RunLedger
from agents.llm_recaptioner import LLMRecaptioner, bible
from film import (
    Character,
    DialogueLine,
    FilmPlan,
    MotionAction,
    MotionEvent,
    Performance,
    Physics,
    Prop,
    Scene,
    Shot,
    ShotSize,
    TimeOfDay,
    Weather,
)
from tests.agents.openai_stub import Reply, scripted_server

FPS = 24
MAX = 8 * FPS
BASKET = Prop(id="basket", kind="basket", name="the basket")
LAMP = Prop(id="lamp", kind="lamp", name="the lamp", light=True)
STALLS = Prop(id="stall", kind="market_stall", name="the fish stalls")
MARKET = Scene(id="sc1", location="market", time_of_day=TimeOfDay.morning, set_pieces=(STALLS,))
NAMES = {"wulan": "Wulan", "bambang": "Pak Bambang"}
SIZES = {
    "establishing": {ShotSize.extreme_wide, ShotSize.wide},
    "insert": {ShotSize.close_up, ShotSize.extreme_close_up},
    "reaction": {ShotSize.medium_close, ShotSize.close_up},
    "over-the-shoulder": {ShotSize.medium, ShotSize.medium_close},
    "cutaway": {ShotSize.wide, ShotSize.medium_wide},
}
SPARSE = {
    "en": "In the fish market of Surabaya, Wulan drops her basket. Pak Bambang helps her gather the fish. "
    "At dawn they walk home along the harbour.",
    "id": "Di pasar ikan Surabaya, Wulan menjatuhkan keranjangnya. Pak Bambang membantu memungut ikan. "
    "Saat fajar mereka pulang bersama di sepanjang pelabuhan.",
    "es": "En el mercado de Valencia, Lucía deja caer su cesta. Ramón la ayuda a recoger las naranjas. "
    "Al atardecer caminan juntos hacia el puerto.",
    "ja": "夕方、マリアさんは港の市場でかごを落とす。ケンさんが魚を拾うのを手伝う。"
    "夜、二人は一緒に海辺を歩いて帰る。",
    "fr": "Au marché de Marseille, Élodie laisse tomber son panier. Hugo l'aide à ramasser les poissons. "
    "À l'aube, ils rentrent ensemble le long du port.",
    "de": "Auf dem Fischmarkt von Hamburg lässt Anna ihren Korb fallen. Jonas hilft ihr, die Fische "
    "aufzusammeln. In der Morgendämmerung gehen sie zusammen am Hafen entlang nach Hause.",
}
SPOKEN = (
    'In the fish market, Wulan drops her basket and a glass shatters. "Careful!" Pak Bambang says. '
    '"I am fine," Wulan says. They walk home together.'
)


def _beat(text: str, *, opens: bool = True, dialogue: bool = False) -> grammar.Beat:
    return grammar.Beat(
        move=None, emotion=None, dialogue=dialogue, text=text, scene_index=0, opens_scene=opens
    )


def _stage(language: str = "en", present: tuple[str, ...] = ("wulan", "bambang")) -> Stage:
    texts = ("In the fish market, Wulan drops her basket.", "Pak Bambang helps her.")
    return Stage(scene=MARKET, texts=texts, names=NAMES, present=present, language=language)


def _cover(unit: Unit, who: list[str], parts: int, where: Stage, **beat: bool) -> list[Shot]:
    return cover(unit, _beat(unit.text, **beat), who, parts * MAX, MAX, FPS, [], where)


def _empty(shot: Shot, scene: Scene) -> bool:
    """Nothing in frame: no one, no prop, and (for a cutaway) no set piece either."""
    pieces = shot.coverage == "cutaway" and scene.set_pieces
    return not shot.performances and not shot.props and not pieces


def test_added_shots_are_distinct_coverage_with_their_own_subjects() -> None:
    unit = Unit(scene=0, text="In the fish market, Wulan drops her basket.", dialogue=[], props=(BASKET,))
    shots = _cover(unit, ["wulan"], 6, _stage())
    kinds = [s.coverage for s in shots]
    assert kinds[:2] == ["establishing", "master"]
    assert {"reaction", "insert", "over-the-shoulder", "cutaway"} <= set(kinds)
    assert len({s.description for s in shots}) == len(shots)
    by_kind = {s.coverage: s for s in shots}
    assert by_kind["master"].description == unit.text
    assert by_kind["establishing"].description.startswith("Establishing: market, morning")
    assert "the fish stalls" in by_kind["establishing"].description
    insert = by_kind["insert"]
    assert insert.description == "Insert: the basket" and insert.props == (BASKET,)
    assert not insert.performances
    reaction = by_kind["reaction"]
    assert reaction.description == "Reaction: Pak Bambang watches Wulan"
    assert [p.character_id for p in reaction.performances] == ["bambang"]
    ots = by_kind["over-the-shoulder"]
    assert [p.character_id for p in ots.performances] == ["wulan", "bambang"]
    assert by_kind["cutaway"].description == "Cutaway: the fish stalls"
    for shot in shots:
        assert shot.camera.size in SIZES.get(shot.coverage, set(ShotSize)), (shot.coverage, shot.camera)
        assert not _empty(shot, MARKET), shot
        assert not shot.continuous_with_previous
    pairs = [(s.camera.size, s.camera.movement) for s in shots]
    assert all(a != b for a, b in pairwise(pairs))


def test_lines_keep_their_speakers_and_events_play_once() -> None:
    lines = [
        DialogueLine(speaker="Pak Bambang", text="Careful!"),
        DialogueLine(speaker="Wulan", text="I am fine."),
        DialogueLine(speaker=None, text="The market falls quiet."),
    ]
    fall = MotionEvent(object="basket", action=MotionAction.fall)
    unit = Unit(
        scene=0,
        text="Pak Bambang warns Wulan.",
        dialogue=[],
        lines=lines,
        physics=Physics(weather=Weather.rain, events=(fall,)),
        props=(BASKET, LAMP),
    )
    shots = _cover(unit, ["bambang", "wulan"], 5, _stage(), opens=False, dialogue=True)
    assert [line for s in shots for line in s.dialogue] == lines
    assert shots[0].dialogue[0] == lines[0]  # the master shows its speaker
    assert [s.coverage for s in shots if s.physics.events] == ["master"]
    assert sum(len(s.physics.events) for s in shots) == 1
    assert all(s.physics.weather is Weather.rain for s in shots)
    for shot in shots:
        if shot.coverage == "reaction":
            assert all(p.id == "lamp" for p in shot.props)  # a close face keeps only the light on it


def test_a_beat_that_asks_for_emptiness_stays_empty_and_others_are_filled() -> None:
    where = _stage(present=("wulan",))
    deserted = Unit(scene=0, text="The harbour is deserted at dawn.", dialogue=[])
    assert all(not s.performances for s in _cover(deserted, [], 2, where))
    rain = Unit(scene=0, text="Rain falls on the stones.", dialogue=[])
    assert all(s.performances for s in _cover(rain, [], 3, where) if s.coverage != "cutaway")


def test_shot_list_lines_are_in_the_brief_language() -> None:
    unit = Unit(scene=0, text="Wulan menjatuhkan keranjangnya.", dialogue=[], props=(BASKET,))
    lines = {s.coverage: s.description for s in _cover(unit, ["wulan"], 4, _stage("id"))}
    assert lines["establishing"].startswith("Gambar pembuka: market, pagi")
    assert lines["reaction"] == "Reaksi: Pak Bambang memperhatikan Wulan"
    assert lines["insert"] == "Sisipan: the basket"
    ja = {s.coverage: s.description for s in _cover(unit, ["wulan"], 3, _stage("ja"))}
    assert ja["reaction"] == "リアクション：Wulanを見つめるPak Bambang"


def test_a_long_film_of_one_beat_never_repeats_a_description() -> None:
    unit = Unit(scene=0, text="Wulan waits.", dialogue=[])
    shots = _cover(unit, ["wulan"], 30, _stage(present=("wulan",)))
    assert len({s.description for s in shots}) == 30
    again = cover(unit, _beat(unit.text, opens=False), ["wulan"], 3 * MAX, MAX, FPS, shots, _stage())
    assert not {s.description for s in again} & {s.description for s in shots}


def test_stage_names_who_the_scene_holds_in_order() -> None:
    beats = [BriefBeat("The market is loud."), BriefBeat("Wulan waits.", dialogue=[("Pak Bambang", "Hi.")])]
    cast = find_cast(["Wulan waits for Pak Bambang."], [])
    found = stage(MARKET, beats, cast, "en")
    assert found.texts == ("The market is loud.", "Wulan waits.")
    assert [found.name(c) for c in found.present] == [c.name for c, _ in cast]


def _lines(plan: FilmPlan) -> list[tuple[str | None, str]]:
    return [(d.speaker, d.text) for s in plan.shots for d in s.dialogue]


def _events(plan: FilmPlan) -> list[tuple[str, str]]:
    return [(e.action.value, e.object) for s in plan.shots for e in s.physics.events]


@pytest.mark.parametrize("language", sorted(SPARSE))
@pytest.mark.parametrize("duration", [30, 50, 120])
def test_a_sparse_brief_becomes_real_coverage(language: str, duration: int) -> None:
    plan = plan_brief(SPARSE[language], duration_s=duration)
    assert len(plan.shots) > 3
    repeated = [d for d, n in Counter(s.description for s in plan.shots).items() if n > 1]
    assert repeated == [], repeated
    assert all(s.coverage for s in plan.shots)
    assert len({s.coverage for s in plan.shots}) >= 3
    empty = [s.id for s in plan.shots if plan.characters and _empty(s, plan.scene(s.scene_id))]
    assert empty == [], (plan.characters, empty)


def test_the_planner_gives_coverage_its_scene_and_cast() -> None:
    """plan_brief passes each scene's Stage to cover(): lines in the brief's language, names as
    the brief writes them."""
    plan = plan_brief(SPARSE["id"], duration_s=50)
    assert plan.shots[0].coverage == "establishing"
    assert plan.shots[0].description.startswith("Gambar pembuka: "), plan.shots[0].description
    names = [c.name for c in plan.characters]
    people = [s for s in plan.shots if s.coverage in ("reaction", "close", "over-the-shoulder")]
    assert people and all(any(n in s.description for n in names) for s in people), names


@pytest.mark.parametrize("brief", [SPOKEN, SPARSE["ja"] + "「ありがとう」とマリアさんは言う。"])
def test_stretching_a_film_moves_no_line_and_repeats_no_event(brief: str) -> None:
    short = plan_brief(brief, duration_s=12)
    assert len(short.shots) == len(plan_brief(brief, duration_s=14).shots)  # one shot a beat
    for duration in (40, 90):
        long = plan_brief(brief, duration_s=duration)
        assert _lines(long) == _lines(short)
        assert _events(long) == _events(short)
        assert all(s.coverage == "master" for s in long.shots if s.physics.events)


def _lit_plan(**character: object) -> FilmPlan:
    mara = Character(id="mara", name="Mara", **character)  # type: ignore[arg-type]
    beam = Prop(id="lighthouse", kind="lighthouse", name="the old lighthouse", light=True, sweeps=True)
    scene = Scene(
        id="sc1",
        location="rocky coast",
        time_of_day=TimeOfDay.night,
        weather=Weather.storm,
        light="a sweeping beam over black water, no moon",
        set_pieces=(beam,),
    )
    props = (Prop(id="bucket", kind="bucket", name="a bucket"), Prop(id="lantern", kind="lantern"))
    shots = (
        Shot(
            id="sh1",
            scene_id="sc1",
            frames=48,
            description="Mara lowers a bucket.",
            performances=(Performance(character_id="mara"),),
            props=props,
            coverage="over-the-shoulder",
        ),
        Shot(
            id="sh2",
            scene_id="sc1",
            frames=48,
            description="Insert: a bucket",
            props=props[:1],
            physics=Physics(weather=Weather.clear),
            coverage="insert",
        ),
    )
    return FilmPlan(title="Light", duration_s=4, scenes=(scene,), shots=shots, characters=(mara,))


def test_prompts_name_the_set_the_props_the_light_and_the_coverage() -> None:
    plan = _lit_plan(appearance="a yellow raincoat", build="tall")
    first, insert = (recaption(plan, s, engine="previz").prompt for s in plan.shots)
    assert "the old lighthouse, lit, its beam sweeping" in first
    assert "a bucket" in first and "lantern, unlit and dark" in first
    assert "a sweeping beam over black water, no moon" in first and "raging storm" in first
    assert "Over-the-shoulder" in first and "a yellow raincoat" in first and "tall" in first
    assert "practical lamps" not in first
    assert "Insert shot: a bucket fills the frame" in insert
    assert "the weather has cleared" in insert  # the shot's weather differs from its scene's
    assert first.count("raging storm") == 1


def test_no_prompt_writes_a_field_the_brief_never_gave() -> None:
    plan = _lit_plan(appearance="a cobalt jacket", build="slight", defaults=("appearance", "build", "color"))
    shot = plan.shots[0]
    prompt = recaption(plan, shot, engine="previz").prompt
    assert "cobalt" not in prompt and "slight" not in prompt and "Mara" in prompt
    assert bible(plan, shot) == "Characters: Mara."
    answer = json.dumps(
        {"prompt": "A storm-lashed coast at night, a woman lowers a pail by a tower.", "avoid": ""}
    )
    with scripted_server([Reply(answer)]) as server:
        client = LLMClient(LLMConfig(base_url=server.base_url, model="stub", max_retries=0), RunLedger())
        wan = LLMRecaptioner(client).recaption(plan, shot, engine="wan2.1").prompt
    assert "cobalt" not in wan and "slight" not in wan
    assert "the old lighthouse, lit, its beam sweeping" in wan and "a bucket" in wan
