"""Dialogue goes to its speaker: speech verbs in every supported language, the nearest named
speaker of the sentence pair for an unattributed quote, never the next character mentioned, a
narrator line when nobody is named, and screenplay cues mapped onto the cast."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents import plan_brief
from agents.heuristics.beats import parse_brief
from agents.heuristics.cast import find_cast
from agents.heuristics.dialogue import speak

LIGHTHOUSE = (Path(__file__).resolve().parents[2] / "templates" / "briefs" / "lighthouse.md").read_text(
    encoding="utf-8"
)


def _lines(brief: str) -> list[tuple[str | None, str]]:
    draft = parse_brief(brief)
    beats = [b for s in draft.scenes for b in s.beats]
    cast = find_cast([b.text for b in beats if not b.dialogue], draft.cues)
    return [(line.speaker, line.text) for lines in speak(beats, cast) for line in lines]


def _speaker(brief: str, words: str) -> str | None:
    lines = _lines(brief)
    found = [speaker for speaker, text in lines if words in text]
    assert found, (words, lines)
    return found[0]


def test_both_of_maras_lines_are_hers_though_the_next_sentence_names_theo() -> None:
    assert _speaker(LIGHTHOUSE, "Not tonight") == "Mara"
    assert _speaker(LIGHTHOUSE, "Not while the boats are out.") == "Mara"


@pytest.mark.parametrize("duration", [20, 40, 90])
def test_merging_beats_never_moves_a_line(duration: int) -> None:
    plan = plan_brief(LIGHTHOUSE, duration_s=duration)
    lines = {(d.speaker, d.text) for s in plan.shots for d in s.dialogue}
    assert ("Mara", "Not while the boats are out.") in lines
    assert not any(speaker == "Theo" for speaker, _ in lines)


@pytest.mark.parametrize(
    ("brief", "words", "speaker"),
    [
        ('Mara climbs. "Not tonight," Mara whispers. Theo rows.', "Not tonight", "Mara"),
        ('Theo rows. "Turn back," says Mara.', "Turn back", "Mara"),
        ('Theo says, "Turn back." Mara waits.', "Turn back", "Theo"),
        ('Mara waits. Theo rows. Theo: "Turn back."', "Turn back", "Theo"),
        ('Mara waits. Theo rows. "Go home," Mara tells Theo.', "Go home", "Mara"),
        ('Theo rows. Mara waves. Mara waits. "Go home," she tells Theo.', "Go home", "Mara"),
        ('"Run!" Theo shouts. Mara waits.', "Run!", "Theo"),
        ("Lucía mira el mar. Pedro rema. —No esta noche —susurra Lucía.", "No esta noche", "Lucía"),
        ("Pedro rema. Lucía mira el mar. «Adiós», susurra Lucía.", "Adiós", "Lucía"),
        ("Pedro rema. —¿Vienes? —pregunta Lucía.", "Vienes", "Lucía"),
        ("Pedro rema. Ana olha o mar. —Hoje não —diz Ana.", "Hoje não", "Ana"),
        ("Pierre rame. Élodie regarde la mer. « Pourquoi ? » demande Élodie.", "Pourquoi", "Élodie"),
        ("Pierre rame. Élodie regarde la mer. — Pourquoi ? demande Élodie.", "Pourquoi", "Élodie"),
        ("Paul rudert. Anna wartet. „Endlich“, flüstert Anna.", "Endlich", "Anna"),
        ("Paul rudert. Anna wartet. Anna sagt: „Endlich.“", "Endlich", "Anna"),
        ("Marco rema. Giulia guarda il mare. «Non stasera», sussurra Giulia.", "Non stasera", "Giulia"),
        ('Wulan menangis. Pak Bambang datang. "Tidak apa-apa," bisik Wulan.', "Tidak apa-apa", "Wulan"),
        ('Wulan menangis. Pak Bambang berkata, "Ayo pulang."', "Ayo pulang", "Pak Bambang"),
        (
            "ユウタくんが走ってくる。店主のおばあさん・千代は笑う。「今日は何にする？」と千代は言った。",
            "今日は",
            "千代",
        ),
        (
            "ユウタくんが走ってくる。店主のおばあさん・千代は笑う。「飴をください」とユウタは言った。",
            "飴を",
            "ユウタ",
        ),
        ("一个名叫小雨的女孩走进店里。店主千代说：“欢迎光临！”", "欢迎光临", "千代"),
        ("“再见，”小雨轻声说。一个名叫小雨的女孩走出店里。名叫千代的店主笑了。", "再见", "小雨"),
    ],
)
def test_speech_verbs_attribute_lines_in_every_language(brief: str, words: str, speaker: str) -> None:
    assert _speaker(brief, words) == speaker


@pytest.mark.parametrize(
    ("brief", "words", "speaker"),
    [
        ('Mara smiles. "Goodbye." Tomas runs towards her.', "Goodbye", "Mara"),
        ('Mara smiles. "Goodbye," she whispers. Tomas runs towards her.', "Goodbye", "Mara"),
        ("Lucía mira el mar. Lucía sonríe. «Adiós», susurra. Pedro corre hacia ella.", "Adiós", "Lucía"),
        ("Маша улыбается. «Прощай», — шепчет она. Петя бежит к ней. Петя машет.", "Прощай", "Маша"),
        ('Wulan tersenyum. "Sampai jumpa." Pak Bambang melambai.', "Sampai jumpa", "Wulan"),
        ("名叫小雨的女孩笑了。「再见」，她轻声说。千代挥手。名叫千代的店主笑了。", "再见", "小雨"),
        ("マリアさんは笑う。「さようなら」と彼女はささやいた。ユウタくんが走る。", "さようなら", "マリア"),
    ],
)
def test_an_unattributed_quote_goes_to_the_sentence_before_never_the_next(
    brief: str, words: str, speaker: str
) -> None:
    assert _speaker(brief, words) == speaker


@pytest.mark.parametrize(
    ("brief", "words"),
    [
        ('The wind howls. "Is anyone there?" Mara opens the door. Mara waits.', "Is anyone there?"),
        ('"Once upon a time." Mara sleeps. Mara dreams.', "Once upon a time."),
        ('Mara waits. The lamp flickers. "Hello," says the old fisherman.', "Hello"),
        ("El viento sopla. «¿Hay alguien?» Lucía abre la puerta. Lucía espera.", "Hay alguien"),
    ],
)
def test_a_quote_with_no_named_speaker_nearby_is_a_narrator_line(brief: str, words: str) -> None:
    assert _speaker(brief, words) is None


def test_dash_speech_goes_on_after_the_narration_closes_with_a_dash() -> None:
    brief = "Pedro rema. —No esta noche —susurra Lucía—. No mientras los barcos estén fuera. Pedro la mira."
    assert _speaker(brief, "No esta noche") == "Lucía"
    assert _speaker(brief, "No mientras los barcos") == "Lucía"
    assert not any("Pedro la mira" in text for _, text in _lines(brief))


def test_a_prose_stage_line_is_spoken_by_the_named_character() -> None:
    assert _speaker("Mara waits. Theo rows.\n\nMara: Not tonight.", "Not tonight") == "Mara"


def test_screenplay_cues_keep_their_speaker_mapped_onto_the_cast() -> None:
    brief = (
        "EXT. HARBOUR - NIGHT\n\nTHUNDER CRACKS OVERHEAD\nThe ferry horn sounds.\n\n"
        "MARIA\n(breathless)\nWait!\n\nJONAS (O.S.)\nIt's too late, Maria.\n"
    )
    lines = _lines(brief)
    assert ("Maria", "Wait!") in lines and ("Jonas", "It's too late, Maria.") in lines
    assert (None, "The ferry horn sounds.") in lines  # an action line set like a cue is nobody's


def test_a_different_pronoun_answers_the_one_the_last_line_addressed() -> None:
    brief = (
        "Herr Schmidt öffnet seinen Kiosk. Die kleine Lena kommt vorbei. Lena lacht. "
        "„Guten Morgen, Herr Schmidt!“, ruft sie. „Na, schon wieder zu spät?“, fragt er."
    )
    assert _speaker(brief, "Guten Morgen") == "Lena"
    assert _speaker(brief, "schon wieder") == "Herr Schmidt"


def test_an_honorifics_dot_does_not_cut_the_clause_that_names_the_speaker() -> None:
    brief = (
        'Mr. Okoye locks the doors. Zara waits. Zara waves. Mr. Okoye winks at Zara and says, "Our secret."'
    )
    assert _speaker(brief, "Our secret") == "Mr. Okoye"


@pytest.mark.parametrize(
    ("brief", "words", "speaker"),
    [
        (
            "ハルカ（17）がベンチに座る。ソウタ（17）が近づく。\n\nソウタ「ハルカ、一緒に帰ろうぜ」\nハルカ「まだ読み終わってないの」",
            "一緒に",
            "ソウタ",
        ),
        (
            "ハルカ（17）がベンチに座る。ソウタ（17）が近づく。\n\nソウタ「ハルカ、一緒に帰ろうぜ」\nハルカ「まだ読み終わってないの」",
            "まだ",
            "ハルカ",
        ),
        ("阿强（20岁）浑身湿透。\n\n阿强\n哥，我没事。", "我没事", "阿强"),
        (
            "王芳（40岁）走过来。小雨接过碗。“没关系，我再给你拿一把。”王芳说完，转身回了家。",
            "我再给你",
            "王芳",
        ),
        ("老板张伟正在擦桌子。一个玻璃杯掉在地上摔碎了。“对不起，对不起！”张伟连声说。", "对不起", "张伟"),
        (
            "客の健太が顔を出す。女将の佐藤さんは歩く。「佐藤さん、停電ですか？」と健太が聞いた。",
            "停電",
            "健太",
        ),
    ],
)
def test_cjk_script_lines_and_quotes_after_a_full_stop(brief: str, words: str, speaker: str) -> None:
    assert _speaker(brief, words) == speaker
