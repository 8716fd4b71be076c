"""Set pieces and props from the brief: whole words in many languages, lit or dark or sweeping as
the brief says, and every one the plan names drawn and boxed in its shot's previz frames."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents import plan_brief
from agents.heuristics import lexicon
from agents.heuristics.props import set_pieces, shot_props
from engine.previz import PrevizRenderer
from engine.previz.silhouettes import library
from film import FilmPlan, RenderSpec
from templates import template_path
from tests.agents.briefs import MARKDOWN, MULTILINGUAL, SCREENPLAY

REQUIRED = ("en", "id", "es", "pt", "fr", "de", "it", "ja", "zh")
CATEGORIES = ("set_pieces", "props", "lights", "lamps")


def _kinds(text: str, language: str) -> list[str]:
    return [p.kind for p in shot_props(text, language)]


def _state(text: str, language: str, kind: str) -> tuple[bool, bool]:
    prop = next(p for p in shot_props(text, language) if p.kind == kind)
    return (prop.light, prop.sweeps)


def test_every_kind_the_planner_names_has_a_silhouette() -> None:
    kinds = {k for category in CATEGORIES for k in lexicon.keys(category)}
    assert kinds - set(library()) == set()


@pytest.mark.parametrize("language", REQUIRED)
def test_every_required_language_has_words_for_every_table(language: str) -> None:
    for category in CATEGORIES:
        missing = [k for k in lexicon.keys(category) if not lexicon.words(category, k, language)]
        assert not missing, f"{language} has no {category} words for {missing}"
    for state in ("lit", "dark", "sweeps"):
        assert lexicon.words("light_words", state, language)


@pytest.mark.parametrize(
    ("language", "text", "kinds"),
    [
        ("en", "He leans on the lamppost.", ["streetlight"]),
        ("en", "The lamp-post flickers.", ["streetlight"]),
        ("en", "The firefighter fixes the lamp's wick and finds the boat's bucket.", ["lamp", "bucket"]),
        ("en", "A football match on a phone.", ["phone"]),
        ("es", "Una chica que se llama Lucía enciende la llama de una vela.", ["flame", "candle"][1:]),
        ("pt", "Ela se chama Ana e risca um fósforo.", ["match"]),
        ("de", "Sie zündet die Streichhölzer an; die Lampen brennen.", ["match", "lamp"]),
        ("ja", "火曜日に火山を見た。灯台の灯は暗い。", ["lamp"]),
        ("zh", "火车开过。灯塔的灯亮了。", ["lamp"]),
        ("id", "Wulan membawa ember dan lampu jalan menyala.", ["bucket", "streetlight"]),
        ("fr", "Elle pose le seau près du lampadaire.", ["bucket", "streetlight"]),
        ("it", "Porta il secchio e accende la lanterna.", ["bucket", "lantern"]),
    ],
)
def test_props_are_whole_words(language: str, text: str, kinds: list[str]) -> None:
    assert _kinds(text, language) == kinds


@pytest.mark.parametrize(
    ("language", "text", "scene"),
    [
        (
            "en",
            "Mara climbs the old lighthouse; a house and a boat below, then the boats again.",
            ["lighthouse", "house", "boat"],
        ),
        ("en", "They eat at the kitchen table by the fireplace.", ["table", "fireplace"]),
        ("es", "El faro sobre las rocas; una barca en el muelle.", ["lighthouse", "rock", "boat", "pier"]),
        ("pt", "O farol e o barco; as barracas da feira.", ["lighthouse", "boat", "stall"]),
        ("fr", "Le phare, le bateau et la maison.", ["lighthouse", "boat", "house"]),
        (
            "de",
            "Der Leuchtturm, das Boot und das Haus am Marktstand.",
            ["lighthouse", "boat", "house", "stall"],
        ),
        ("it", "Il faro, la barca e la bancarella.", ["lighthouse", "boat", "stall"]),
        ("id", "Di pasar ikan, lapak Wulan dekat mercusuar dan perahu.", ["stall", "lighthouse", "boat"]),
        ("ja", "灯台の下に小舟と屋台がある。", ["lighthouse", "boat", "stall"]),
        ("zh", "灯塔下有小船和摊位。", ["lighthouse", "boat", "stall"]),
    ],
)
def test_set_pieces_each_once_in_the_order_named(language: str, text: str, scene: list[str]) -> None:
    assert [p.kind for p in set_pieces(text, language)] == scene
    assert all(p.name for p in set_pieces(text, language))


@pytest.mark.parametrize(
    ("language", "text", "kind", "state"),
    [
        (
            "en",
            "At the top she finds the great lamp dark and her grandfather's lantern cold.",
            "lamp",
            (False, False),
        ),
        (
            "en",
            "At the top she finds the great lamp dark and her grandfather's lantern cold.",
            "lantern",
            (False, False),
        ),
        ("en", "Mara strikes a match; the flame shivers, then catches.", "match", (True, False)),
        ("en", "The beam sweeps across the dark water.", "beam", (True, True)),
        ("en", "Headlights cut through the fog.", "headlights", (True, False)),
        ("en", "The sun rises over the bay.", "sun", (True, False)),
        ("en", "She blows out the candle.", "candle", (False, False)),
        ("en", "A lantern hangs by the door.", "lantern", (False, False)),
        ("en", "The great lamp turns above the sea.", "lamp", (True, True)),
        ("es", "Lucía enciende la lámpara.", "lamp", (True, False)),
        ("es", "La linterna está apagada.", "lantern", (False, False)),
        ("pt", "O feixe de luz varre o mar.", "beam", (True, True)),
        ("fr", "La bougie est éteinte.", "candle", (False, False)),
        ("fr", "Elle allume une bougie.", "candle", (True, False)),
        ("de", "Die Laterne brennt.", "lantern", (True, False)),
        ("de", "Der Lichtstrahl dreht sich über das Meer.", "beam", (True, True)),
        ("it", "La lanterna è spenta.", "lantern", (False, False)),
        ("id", "Lampu mercusuar padam.", "lamp", (False, False)),
        ("id", "Sorot lampu menyapu laut.", "beam", (True, True)),
        ("id", "Wulan menyalakan lilin.", "candle", (True, False)),
        ("ja", "マリアはマッチを擦った。", "match", (True, False)),
        ("ja", "大きなランプは暗かった。", "lamp", (False, False)),
        ("ja", "光線が海を回る。", "beam", (True, True)),
        ("zh", "她划亮一根火柴。", "match", (True, False)),
        ("zh", "巨大的灯是暗的。", "lamp", (False, False)),
        ("zh", "光束扫过黑暗的海面。", "beam", (True, True)),
    ],
)
def test_lights_are_lit_dark_or_sweeping_as_the_brief_says(
    language: str, text: str, kind: str, state: tuple[bool, bool]
) -> None:
    assert _state(text, language, kind) == state


@pytest.mark.parametrize(
    ("language", "text", "scene", "kinds"),
    [
        ("en", "At six o'clock the old clock strikes by the barrel.", [], ["clock", "barrel"]),
        ("en", "They meet at six o’clock, next door, then play indoors and outdoors.", [], []),
        (
            "en",
            "Light spills through the window; he pushes through the door with a bowl.",
            ["window", "door"],
            ["bowl"],
        ),
        (
            "en",
            "A cat on the windowsill; the radio on; a cart in the doorway.",
            ["window", "door"],
            ["radio", "cart"],
        ),
        (
            "es",
            "El barco entra en el puerto; Carmen abre la puerta junto a la ventana.",
            ["boat", "door", "window"],
            [],
        ),
        ("es", "Llena un tazón; la radio suena y el reloj marca las seis.", [], ["bowl", "radio", "clock"]),
        ("pt", "Ele se porta bem; abre a porta e põe a tigela no carrinho.", ["door"], ["bowl", "cart"]),
        ("fr", "Elle porte un bol vers la porte, près de la fenêtre.", ["door", "window"], ["bowl"]),
        (
            "fr",
            "Une porte-fenêtre ; la charrette et le tonneau ; les lampions.",
            ["window"],
            ["cart", "barrel", "lantern"],
        ),
        ("de", "Um sieben Uhr steht sie rund um die Uhr am Fenster.", ["window"], []),
        (
            "de",
            "Die alte Uhr tickt; das Radio spielt; er schiebt sein Lastenrad zum Fass.",
            [],
            ["clock", "radio", "bicycle", "barrel"],
        ),
        (
            "it",
            "Luca porta il secchio alla porta e la ciotola sotto la finestra.",
            ["door", "window"],
            ["bucket", "bowl"],
        ),
        ("it", "Un carro armato; un carretto con una botte tra gli ulivi.", ["tree"], ["cart", "barrel"]),
        (
            "id",
            "Jam enam pagi. Lampu-lampu perahu menyala di dekat pintu dan jendela.",
            ["boat", "door", "window"],
            ["lamp"],
        ),
        (
            "id",
            "Ia membawa mangkuk ke gerobak; jam dinding berdetak di samping tong.",
            [],
            ["bowl", "cart", "clock", "barrel"],
        ),
        ("ja", "本当に日本の山本はベンチで本を読んでいる。", ["bench"], ["book"]),
        (
            "ja",
            "窓を開け、ドアの前でラジオと時計と茶碗と樽と荷車を見る。",
            ["window", "door"],
            ["radio", "clock", "bowl", "barrel", "cart"],
        ),
        ("zh", "他在部门工作，专门去澳门。", [], []),
        (
            "zh",
            "她推开门，端起一碗汤，窗外有手推车和酒桶，收音机和闹钟响了。",
            ["door", "window"],
            ["bowl", "cart", "barrel", "radio", "clock"],
        ),
    ],
)
def test_new_kinds_are_found_and_their_false_friends_are_not(
    language: str, text: str, scene: list[str], kinds: list[str]
) -> None:
    assert [p.kind for p in set_pieces(text, language)] == scene
    assert _kinds(text, language) == kinds


def test_a_flame_lights_its_match_instead_of_standing_alone() -> None:
    found = shot_props("Mara strikes a match; the flame shivers, then catches.", "en")
    assert [(p.kind, p.light) for p in found] == [("match", True)]
    assert [(p.kind, p.light) for p in shot_props("A flame flickers in the dark.", "en")] == [("flame", True)]


def test_what_is_only_said_names_nothing() -> None:
    assert shot_props("“Bring the lantern,” she says.", "en") == ()
    assert set_pieces("«Vuelve al faro», dice Lucía.", "es") == ()


def test_a_language_without_words_uses_every_language() -> None:
    assert _kinds("Sie trägt eine Laterne.", "xx") == ["lantern"]


def test_the_sample_brief_names_its_lighthouse_boat_lamp_and_beam() -> None:
    brief = template_path("briefs", "lighthouse.md").read_text(encoding="utf-8")
    plan = plan_brief(brief, duration_s=40)
    pieces = {p.kind for s in plan.scenes for p in s.set_pieces}
    assert {"lighthouse", "boat"} <= pieces
    props = {p.kind: p for s in plan.shots for p in s.props}
    assert (props["lamp"].light, props["lantern"].light) == (False, False)
    assert props["match"].light
    assert (props["beam"].light, props["beam"].sweeps) == (True, True)


def test_merged_beats_keep_every_beat_s_props_and_their_light() -> None:
    brief = "Mara strikes a match. The lantern is dark. A bucket waits by the boat. The beam sweeps the sea."
    plan = plan_brief(brief, duration_s=2, title_card=False)
    assert len(plan.shots) == 1
    props = {p.kind: (p.light, p.sweeps) for p in plan.shots[0].props}
    assert props == {
        "match": (True, False),
        "lantern": (False, False),
        "bucket": (False, False),
        "beam": (True, True),
    }


OWN: dict[str, str] = {
    "lighthouse": template_path("briefs", "lighthouse.md").read_text(encoding="utf-8"),
    "kitchen": (
        "Meanwhile in the kitchen, Ana lights a candle on the kitchen table. The fire in the "
        "fireplace crackles. She pours tea into a cup and sits on a chair by the shelf."
    ),
    "street": (
        "At night a taxi stops on the wet street. Its headlights sweep across a market stall. "
        "Under the streetlight, Ben opens his umbrella and lifts his suitcase."
    ),
    "beach": (
        "At noon the sun beats down on the beach. Kai carries a basket past the palm trees to the"
        " pier, where a fishing boat waits with its nets and oars."
    ),
    "id": (
        "Di pasar ikan Surabaya, Wulan menjatuhkan keranjangnya di depan lapak. Pamannya "
        "menyalakan lentera. Di kejauhan, mercusuar berdiri di atas batu karang dan sorot lampu "
        "menyapu laut."
    ),
    "ja": ("夜、ユウタは灯台の下の桟橋に立っている。マッチを擦ると、ランタンに火が灯った。光線が海を回る。"),
    "zh": ("夜里，小雨走到灯塔下的码头。她划亮一根火柴，点燃了灯笼。光束扫过黑暗的海面，照亮了一条小船。"),
    "de": (
        "In der Nacht steht Anna am Leuchtturm. Sie zündet eine Kerze an. Der Lichtstrahl dreht "
        "sich über das Meer und findet ein Boot."
    ),
    "fr": (
        "Au crépuscule, Élodie marche vers le phare avec une lanterne allumée. Le faisceau balaie"
        " la mer. Un bateau attend près de la jetée."
    ),
    "it": ("All'alba, Giulia porta un secchio al molo. Una barca dondola accanto al faro. Il sole sorge."),
    "pt": (
        "À noite, Ana acende uma vela na mesa da cozinha. Pela janela, o farol pisca e o feixe de"
        " luz varre o mar."
    ),
    "es": (
        "Por la tarde, Lucía cruza la calle hacia el puesto del mercado. Un camión pasa con los "
        "faros del coche encendidos junto a la farola."
    ),
}
BRIEFS = {
    **OWN,
    **{f"multilingual-{k}": v for k, v in MULTILINGUAL.items()},
    "screenplay": SCREENPLAY,
    "markdown": MARKDOWN,
}


def _specs(plan: FilmPlan) -> list[RenderSpec]:
    return [
        RenderSpec(
            engine="previz",
            shot=shot,
            scene=plan.scene(shot.scene_id),
            characters=tuple(plan.cast_of(shot)),
            seed=plan.seed,
            width=192,
            height=108,
            fps=plan.fps,
        )
        for shot in plan.shots
    ]


@pytest.fixture(scope="module")
def renderer() -> PrevizRenderer:
    return PrevizRenderer()


@pytest.mark.parametrize("name", sorted(BRIEFS))
def test_every_prop_a_plan_names_has_a_box_in_its_shots_frames(
    name: str, renderer: PrevizRenderer, tmp_path: Path
) -> None:
    plan = plan_brief(BRIEFS[name], duration_s=10, fps=8, title_card=False)
    named = 0
    for spec in _specs(plan):
        take = renderer.render(spec, tmp_path / f"{spec.shot.id}.mp4")
        frames = json.loads(Path(take.extras["boxes"]).read_text(encoding="utf-8"))["frames"]
        assert len(frames) == spec.frames
        moved = {e.object for e in spec.shot.physics.events}  # a splash or a shatter takes these away
        assert set(frames[0]["props"]) == {p.id for p in spec.shot.props}, spec.shot.id
        for entry in frames:
            boxes = [*entry["props"].items(), *entry["set"].items()]
            kept = {p.id for p in spec.shot.props if p.kind not in moved}
            assert kept <= set(entry["props"]) <= {p.id for p in spec.shot.props}, (
                spec.shot.id,
                entry["frame"],
            )
            assert set(entry["set"]) == {p.id for p in spec.scene.set_pieces}, (spec.shot.id, entry["frame"])
            for _, (x0, y0, x1, y1) in boxes:
                assert 0 <= x0 < x1 <= spec.width and 0 <= y0 < y1 <= spec.height
        named += len(spec.shot.props) + len(spec.scene.set_pieces)
    if name in OWN:
        assert named, f"{name}: the plan names no set piece or prop"
