"""The cast as the brief draws them: adjectives describe their own nouns, the bible holds only what
the brief says (defaults marked), places, weather and action lines are nobody, and names behind
honorifics and appositions are found in every supported language."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.heuristics.beats import parse_brief
from agents.heuristics.cast import dressed_colour, find_cast, is_character_cue
from film import Character

LIGHTHOUSE = (Path(__file__).resolve().parents[2] / "templates" / "briefs" / "lighthouse.md").read_text(
    encoding="utf-8"
)
SURABAYA = (
    "Di pasar ikan Surabaya, seorang gadis bernama Wulan menjatuhkan keranjangnya. Pamannya, Pak Bambang, "
    "membantu memungut ikan-ikan itu. Hujan turun tiba-tiba, dan mereka berteduh di bawah terpal."
)
DAGASHI = (
    "小さな町の駄菓子屋に、ユウタくんが走ってくる。店主のおばあさん・千代は笑顔で迎える。"
    "「今日は何にする？」と千代は言った。ユウタは飴を選ぶ。"
)


def _cast(brief: str) -> list[Character]:
    draft = parse_brief(brief)
    texts = [b.text for s in draft.scenes for b in s.beats if not b.dialogue]
    return [c for c, _ in find_cast(texts, draft.cues)]


def _one(brief: str, name: str) -> Character:
    cast = _cast(brief)
    found = next((c for c in cast if c.name == name), None)
    assert found is not None, (name, [c.name for c in cast])
    return found


@pytest.mark.parametrize(
    ("brief", "name", "word"),
    [
        (LIGHTHOUSE, "Mara", "old"),
        (LIGHTHOUSE, "Theo", "small"),
        ("Lucía sube a la vieja torre. Lucía mira una barca grande.", "Lucía", "vieja"),
        ("Anna findet einen alten Schlüssel. Anna öffnet die große Tür.", "Anna", "alten"),
        ("Élodie découvre une vieille lanterne. Élodie ouvre la grande porte.", "Élodie", "vieille"),
        ("Wulan membawa keranjang besar ke rumah tua. Wulan tersenyum.", "Wulan", "tua"),
        ("Giulia sale sulla vecchia torre. Giulia guarda la torre alta.", "Giulia", "vecchia"),
        ("Ana sobe a velha torre. Ana olha o barco alto.", "Ana", "velha"),
    ],
)
def test_an_adjective_describes_the_noun_it_stands_before(brief: str, name: str, word: str) -> None:
    who = _one(brief, name)
    assert word not in who.appearance.split(), who
    assert who.build == "average" and "build" in who.defaults, who


@pytest.mark.parametrize(
    ("brief", "name", "build", "colour", "look"),
    [
        ("The old fisherman Theo mends his nets. Theo waves.", "Theo", None, None, "old fisherman"),
        ("Mara is tall. Mara climbs the stairs.", "Mara", "tall", None, "tall"),
        ("Mara, a tall woman with a small dog, waits. Mara waves.", "Mara", "tall", None, "tall woman"),
        ("Theo wears a red coat. Theo rows.", "Theo", None, "#c0392b", "red coat"),
        (
            "Lucía, una joven pescadora con un abrigo rojo, camina. Lucía es alta.",
            "Lucía",
            "tall",
            "#c0392b",
            "abrigo rojo",
        ),
        (
            "Anna, eine junge Frau in einem grünen Mantel, wartet. Anna ist groß.",
            "Anna",
            "tall",
            "#229954",
            "",
        ),
        (
            "Élodie, une vieille femme en manteau bleu, marche. Élodie est grande.",
            "Élodie",
            "tall",
            "#2471a3",
            "",
        ),
        ("Wulan, gadis kecil berbaju merah, berlari. Wulan tersenyum.", "Wulan", "child", "#c0392b", "merah"),
        (
            "Giulia, una ragazza alta con un cappotto giallo, cammina. Giulia sorride.",
            "Giulia",
            "tall",
            "#d4ac0d",
            "",
        ),
        ("Ana, uma menina de vestido verde, corre. Ana sorri.", "Ana", "child", "#229954", "vestido verde"),
        (DAGASHI, "千代", None, None, "店主のおばあさん"),
        ("一个名叫小雨的女孩走在海边。小雨笑了。", "小雨", "child", None, ""),
    ],
)
def test_descriptors_of_the_character_itself_count(
    brief: str, name: str, build: str | None, colour: str | None, look: str
) -> None:
    who = _one(brief, name)
    assert look in who.appearance, who
    assert who.build == (build or "average") and (build is None) == ("build" in who.defaults), who
    if colour:
        assert who.color == colour and "color" not in who.defaults, who
    else:
        assert "color" in who.defaults, who


def test_the_bible_holds_only_what_the_brief_says_and_marks_the_rest() -> None:
    mara, theo = _one(LIGHTHOUSE, "Mara"), _one(LIGHTHOUSE, "Theo")
    assert "yellow raincoat" in mara.appearance and mara.color == "#d4ac0d"
    assert mara.defaults == ("build",)
    assert theo.appearance == "" and theo.build == "average"
    assert theo.defaults == ("appearance", "build", "color")
    assert mara.color != theo.color  # figures still differ on screen
    for who in (mara, theo):
        assert "cobalt" not in f"{who.appearance} {who.description}" and "jacket" not in who.appearance


def test_a_colour_taken_twice_is_a_default_for_the_second() -> None:
    cast = _cast("Mara, in a yellow coat, waits. Theo, in a yellow coat, rows. Mara waves. Theo nods.")
    assert [c.name for c in cast] == ["Mara", "Theo"]
    assert cast[0].color == "#d4ac0d" and "color" not in cast[0].defaults
    assert cast[1].color != cast[0].color and "color" in cast[1].defaults


def test_the_dressed_colour_is_the_one_next_to_a_garment() -> None:
    assert dressed_colour("a keeper of the red lighthouse in a blue coat") == "#2471a3"
    assert dressed_colour("wears red") == "#c0392b"
    assert dressed_colour("baju merah muda") == "#e84393"  # the longer colour word wins
    assert dressed_colour("a kind old man") is None


@pytest.mark.parametrize(
    ("brief", "cast", "not_cast"),
    [
        (SURABAYA, ["Wulan", "Pak Bambang"], "Surabaya"),
        (
            "Mara walks down Baker Street in London. Mara stops at the bakery. "
            "Thunder rolls. Thunder cracks.",
            ["Mara"],
            "Baker",
        ),
        ("Lucía vive en Sevilla. Lucía camina por la Calle Mayor hasta el mercado.", ["Lucía"], "Sevilla"),
        ("Ana chega a Lisboa. Ana caminha pela Rua Augusta.", ["Ana"], "Lisboa"),
        ("Élodie arrive à Paris. Élodie traverse la Place Vendôme.", ["Élodie"], "Paris"),
        ("Anna fährt nach Berlin. Anna läuft über die Friedrichstraße.", ["Anna"], "Berlin"),
        ("Giulia arriva a Roma. Giulia cammina in Via Roma.", ["Giulia"], "Roma"),
        ("Wulan berjalan di Jalan Sudirman. Wulan tersenyum.", ["Wulan"], "Sudirman"),
        ("Rain falls on the roofs. Rain drums. Thunder answers. Mara waits. Mara sighs.", ["Mara"], "Rain"),
        (
            "EXT. HARBOUR - NIGHT\n\nTHUNDER CRACKS OVERHEAD\nMaria runs in.\n\n"
            "THE DOOR SLAMS SHUT\nShe turns.\n\nMARIA\nWho is there?\n",
            ["Maria"],
            "Thunder Cracks Overhead",
        ),
    ],
)
def test_places_weather_and_action_lines_are_not_cast(brief: str, cast: list[str], not_cast: str) -> None:
    names = [c.name for c in _cast(brief)]
    assert names == cast
    assert not any(not_cast in n for n in names)


def test_all_caps_action_lines_are_no_cue() -> None:
    assert is_character_cue("MARIA") and is_character_cue("OLD MAN") and is_character_cue("DR. LEE")
    assert not is_character_cue("THE DOOR SLAMS") and not is_character_cue("THUNDER CRACKS OVERHEAD")


@pytest.mark.parametrize(
    ("brief", "names", "ids"),
    [
        (
            "Bu Rina membuka warung. Pak Bambang datang membawa ikan.",
            ["Bu Rina", "Pak Bambang"],
            ["rina", "bambang"],
        ),
        (
            "La señora López abre la tienda. Don Pedro entra.",
            ["Señora López", "Don Pedro"],
            ["lopez", "pedro"],
        ),
        ("Herr Schmidt öffnet die Tür. Frau Weber wartet draußen.", ["Herr Schmidt", "Frau Weber"], None),
        (
            "Madame Dubois ouvre la boutique. Monsieur Martin entre.",
            ["Madame Dubois", "Monsieur Martin"],
            None,
        ),
        (
            "La signora Rossi apre il negozio. Il signor Bianchi entra.",
            ["Signora Rossi", "Signor Bianchi"],
            None,
        ),
        ("Dona Maria abre a loja. O senhor Silva entra.", ["Dona Maria", "Senhor Silva"], ["maria", "silva"]),
        (
            "Mr. Lee opens the shop. Captain Reyes waits outside.",
            ["Mr. Lee", "Captain Reyes"],
            ["lee", "reyes"],
        ),
        (SURABAYA, ["Wulan", "Pak Bambang"], ["wulan", "bambang"]),
        (DAGASHI, ["ユウタ", "千代"], ["yuuta", "qiandai"]),
        ("一个名叫小雨的女孩走在海边。小雨笑了。", ["小雨"], ["xiaoyu"]),
        ("店主千代说：“欢迎光临！”小雨笑了。“再见，”小雨轻声说。", ["千代", "小雨"], None),
    ],
)
def test_names_behind_honorifics_and_in_appositions(
    brief: str, names: list[str], ids: list[str] | None
) -> None:
    cast = _cast(brief)
    assert [c.name for c in cast] == names
    assert all(c.id.isascii() and c.id for c in cast)
    if ids:
        assert [c.id for c in cast] == ids


def test_a_name_alone_later_is_the_same_person_as_with_its_honorific() -> None:
    cast = find_cast(["Pamannya, Pak Bambang, datang.", "Bambang tersenyum.", "Bambang pergi."], [])
    assert [(c.name, c.id) for c, _ in cast] == [("Pak Bambang", "bambang")]
    _, mentions = cast[0]
    assert mentions.search("Bambang tersenyum.") and not mentions.search("Pak Haji datang.")


@pytest.mark.parametrize(
    ("brief", "names"),
    [
        ("Inside, Peter reads to his little sister Mia by candlelight. Peter smiles.", ["Peter", "Mia"]),
        (
            "Joana sobe na árvore e joga mangas para o irmão, Rafael, que as pega. Joana ri.",
            ["Joana", "Rafael"],
        ),
        ("Die Bäuerin Maria läuft hinaus, ihr Sohn Felix hinterher. Felix ruft.", ["Maria", "Felix"]),
        ("Dans un petit port, une vieille pêcheuse, Yvonne, refuse de vendre son bateau.", ["Yvonne"]),
        ("Elena, in a grey sweater, pours coffee into a white cup.", ["Elena"]),
        (
            "Dal casale, sua figlia Chiara lo chiama: «Papà!». Beppe sorride. Beppe mangia.",
            ["Chiara", "Beppe"],
        ),
    ],
)
def test_people_named_once_beside_a_kin_noun_or_a_description_are_cast(brief: str, names: list[str]) -> None:
    assert [c.name for c in _cast(brief)] == names


@pytest.mark.parametrize(
    ("brief", "brand"),
    [
        (
            "Una corredora llamada Sofía se ata sus zapatillas Vuelo. "
            "Voz en off: «Vuelo. Corre como nadie». Vuelo.",
            "Vuelo",
        ),
        (
            "Bu Sari menyodorkan sebotol Teh Melati Sejuk. "
            'Suara narator: "Teh Melati Sejuk. Segarnya." Andi tersenyum.',
            "Teh",
        ),
        ("La tormenta azota Cádiz toda la noche. Pablo duerme. Pablo sale.", "Cádiz"),
        ("Nina waves. The coast of Lisbon comes into view. Nina smiles.", "Lisbon"),
        ("Kamera mendekat ke botol. Andi tersenyum. Andi pergi.", "Kamera"),
    ],
)
def test_brands_slogans_objects_and_camera_words_are_nobody(brief: str, brand: str) -> None:
    names = [c.name for c in _cast(brief)]
    assert names and not any(brand in n for n in names), names


@pytest.mark.parametrize(
    ("brief", "name", "build"),
    [
        (
            "INT. CUCINA - MATTINA\n\nADA (80) impasta. Suo nipote, LUCA (12), entra.\n\nLUCA\nNonna!\n",
            "Luca",
            "child",
        ),
        ("○ 公園・昼\n\nハルカ（17）がベンチに座る。ソウタ（9）が近づく。", "ソウタ", "child"),
        ("小学生のユウタくんは駄菓子屋に駆け込んだ。ユウタは笑った。", "ユウタ", "child"),
        ("李明（30岁）穿着雨衣跑向渔船。", "李明", None),
    ],
)
def test_screenplay_ages_and_role_nouns_in_cjk(brief: str, name: str, build: str | None) -> None:
    who = _one(brief, name)
    assert who.build == (build or "average")
    assert "昼" not in [c.name for c in _cast(brief)]
