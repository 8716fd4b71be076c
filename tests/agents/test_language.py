"""Language identification (py3langid plus script rules) and CJK word segmentation (rjieba,
janome): briefs and titles in the supported languages, unsupported ones with their warning, and
words cut so names like 千代 stand alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agents.heuristics import lexicon
from agents.heuristics.language import (
    _identifier,
    detect_language,
    is_supported,
    supported,
    unsupported_note,
)
from agents.heuristics.segment import word_spans, words

INDONESIAN_BRIEF = (
    "Di pasar ikan Surabaya, seorang gadis bernama Wulan menjatuhkan keranjangnya. Pamannya, Pak Bambang, "
    "membantu mengumpulkan ikan-ikan itu. Hujan turun tiba-tiba, dan mereka berlari ke bawah atap."
)
JAPANESE_BRIEF = (
    "小さな町の古い本屋で、店主のおばあさん・千代は毎晩ランプを灯す。"
    "ある雨の夜、ユウタくんが店に駆け込んでくる。"
)
BRIEFS: dict[str, list[str]] = {
    "en": [
        "The old lighthouse keeper climbs the stairs.",
        "A storm rolls in over the harbour at dusk.",
        "Mara whispers to Theo.",
        "At dawn the storm is gone and the sea is calm.",
        "A small robot wanders through an abandoned city looking for its lost friend. It finds a flower "
        "growing in the rubble and carries it home, where the lights slowly come back on.",
        "She runs to the station but the train has already left.",
    ],
    "id": [
        INDONESIAN_BRIEF,
        "Hujan turun tiba-tiba.",
        "Seorang nelayan tua berlayar ke laut saat fajar.",
        "Bu Rina memasak nasi goreng di dapur.",
        "Anak-anak bermain bola di lapangan sekolah.",
        "Malam itu angin bertiup kencang dan petir menyambar menara.",
        "Ibu menunggu di stasiun kereta sambil membaca buku.",
    ],
    "es": [
        "La niña corre hacia el mar.",
        "Señora López abre la puerta de la cocina.",
        "Una tormenta llega al puerto al atardecer.",
        "El viejo pescador sale al mar antes del amanecer. Su nieta lo espera en la playa con una linterna.",
        "Llueve sobre la ciudad toda la noche.",
    ],
    "pt": [
        "O menino corre para a praia.",
        "A avó prepara o jantar na cozinha enquanto chove lá fora.",
        "Uma tempestade chega ao porto.",
        "Um velho pescador sai para o mar antes do amanhecer. A neta espera por ele na praia com uma "
        "lanterna.",
        "Ela encontrou uma carta antiga no sótão da casa.",
    ],
    "fr": [
        "La petite fille court vers la mer.",
        "Une tempête arrive sur le port au crépuscule.",
        "Le vieux gardien monte l'escalier du phare.",
        "Un vieux pêcheur part en mer avant l'aube. Sa petite-fille l'attend sur la plage avec une lanterne.",
        "Il pleut sur Paris toute la nuit.",
    ],
    "de": [
        "Das Mädchen läuft zum Meer.",
        "Ein Sturm zieht über den Hafen auf.",
        "Der alte Leuchtturmwärter steigt die Treppe hinauf.",
        "Ein alter Fischer fährt vor der Morgendämmerung aufs Meer hinaus. Seine Enkelin wartet mit einer "
        "Laterne am Strand auf ihn.",
        "Es regnet die ganze Nacht in Berlin.",
    ],
    "it": [
        "La bambina corre verso il mare.",
        "Una tempesta arriva sul porto al tramonto.",
        "Il vecchio guardiano sale le scale del faro.",
        "Un vecchio pescatore esce in mare prima dell'alba. Sua nipote lo aspetta sulla spiaggia con una "
        "lanterna.",
        "Piove su Roma tutta la notte.",
    ],
    "nl": [
        "Het meisje rent naar de zee.",
        "De oude vuurtorenwachter klimt de trap op.",
        "Een oude visser vaart voor zonsopgang de zee op. Zijn kleindochter wacht met een lantaarn op het "
        "strand.",
    ],
    "ru": [
        "Девочка бежит к морю.",
        "Старый смотритель маяка поднимается по лестнице.",
        "Старый рыбак выходит в море до рассвета. Внучка ждёт его на берегу с фонарём.",
    ],
    "uk": ["Стара жінка їде до моря, і її онука чекає на березі."],
    "ja": [
        JAPANESE_BRIEF,
        "店主のおばあさん・千代がユウタくんに傘を渡した。",
        "ユウタは雨の中を走った。",
        "夜明けに嵐が去った。",
        "猫が屋根から落ちた。",
        "東京の夜",
    ],
    "zh": [
        "一个名叫小雨的女孩在厨房里打碎了一个杯子。",
        "外面下起了大雨。",
        "老渔夫张伟划着小船出海。",
        "在一个小渔村里，老渔夫张伟每天黎明前出海。他的孙女小雨总是在海滩上提着灯笼等他回来。",
        "北京的夜晚",
    ],
    "ar": ["القطة في البيت.", "يصعد حارس المنارة العجوز الدرج في الليل."],
    "hi": ["बिल्ली घर में है।", "बूढ़ा मछुआरा सुबह होने से पहले समुद्र में जाता है।"],
    "ko": ["등대지기가 계단을 올라간다."],
}
TITLES: dict[str, list[str]] = {
    "en": ["The Lighthouse", "The Last Light", "A Storm at Sea", "Lost and Found", "Night falls."],
    "es": ["El faro", "La última luz", "Tormenta en el mar", "¡Hola!"],
    "fr": ["Le phare", "La dernière lumière", "Tempête en mer"],
    "de": ["Der Leuchtturm", "Das letzte Licht", "Sturm auf See"],
    "it": ["Il faro", "L'ultima luce", "Tempesta in mare"],
    "pt": ["O farol", "A última luz", "Tempestade no mar"],
    "id": ["Cahaya Terakhir", "Badai di Laut", "Hujan di Pasar Ikan"],
    "nl": ["De vuurtoren", "Het laatste licht"],
}
UNSUPPORTED: dict[str, list[str]] = {
    "sw": [
        "Mvua ilianza kunyesha ghafla na watoto wakakimbia nyumbani.",
        "Mzee mmoja anaishi karibu na bahari pamoja na mjukuu wake.",
    ],
    "tr": [
        "Yaşlı balıkçı şafaktan önce denize açıldı. Torunu onu sahilde bir fenerle bekliyordu.",
        "Kız deniz kenarında koşuyor ve kuşlara bakıyor.",
    ],
    "pl": [
        "Stary rybak wypłynął w morze przed świtem. Jego wnuczka czekała na niego na plaży z latarnią.",
        "Dziewczynka biegnie w stronę morza.",
    ],
}


def _cases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(code, text) for code, texts in table.items() for text in texts]


@pytest.mark.parametrize(("code", "text"), _cases(BRIEFS) + _cases(TITLES))
def test_briefs_and_titles_are_identified(code: str, text: str) -> None:
    assert detect_language(text) == code


def test_the_issue_briefs_are_indonesian_and_japanese() -> None:
    assert detect_language(INDONESIAN_BRIEF) == "id"
    assert detect_language(JAPANESE_BRIEF) == "ja"
    assert is_supported("id") and is_supported("ja")
    assert unsupported_note("id") is None


@pytest.mark.parametrize(("code", "text"), _cases(UNSUPPORTED))
def test_an_unsupported_language_keeps_its_code_and_gets_a_note(code: str, text: str) -> None:
    assert detect_language(text) == code
    assert not is_supported(code)
    assert unsupported_note(code) == (
        f"brief language '{code}' has no lexicon; planned with the English and script-neutral rules"
    )


def test_every_lexicon_language_is_supported_and_identifiable() -> None:
    """A lexicon py3langid cannot name would never be picked: fail here, not silently."""
    assert supported() == lexicon.languages()
    assert all(is_supported(code) for code in supported())
    assert set(supported()) <= set(_identifier().labels)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "en"),
        ("1234 — 5678!", "en"),
        ("Yuta meets Chiyo (千代) at the old bookshop in Kyoto, and they talk until the rain stops.", "en"),
        ("千代", "zh"),  # Han alone is Chinese; kana decides Japanese
        ("ユウタ", "ja"),
    ],
)
def test_script_rules_and_texts_without_letters(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "店主のおばあさん・千代がユウタくんに傘を渡した。",
            "ja",
            ["店主", "の", "おばあさん", "千代", "が", "ユウタ", "くん", "に", "傘", "を", "渡し", "た"],
        ),
        ("夜明けに嵐が去った。", None, ["夜明け", "に", "嵐", "が", "去っ", "た"]),
        (
            "一个名叫小雨的女孩在厨房里打碎了一个杯子。",
            "zh",
            ["一个", "名叫", "小雨", "的", "女孩", "在", "厨房", "里", "打碎", "了", "一个", "杯子"],
        ),
        ("老渔夫张伟划着小船出海。", None, ["老", "渔夫", "张伟", "划着", "小船", "出海"]),
        ("Mara whispers, “Not now.”", "en", ["Mara", "whispers,", "“Not", "now.”"]),
        ("Yuta meets 千代 at dawn.", "en", ["Yuta", "meets", "千代", "at", "dawn."]),
    ],
)
def test_words_are_cut_where_the_language_cuts_them(
    text: str, language: str | None, expected: list[str]
) -> None:
    assert words(text, language) == expected


def test_spans_point_into_the_text_in_order() -> None:
    text = "Di pasar, 店主のおばあさん・千代 waits.\n老渔夫张伟"
    spans = word_spans(text)
    assert spans == sorted(spans)
    assert all(0 <= a < b <= len(text) and not text[a:b].isspace() for a, b in spans)
    assert [text[a:b] for a, b in spans][:2] == ["Di", "pasar,"]
    assert "千代" in words(text)
    assert words("", "ja") == [] and words("   \n ") == []


PROBE = """import sys
import agents
from agents.heuristics.segment import words
words("A storm rolls in over the harbour.")
heavy = sorted(m for m in ("py3langid", "janome", "rjieba") if m in sys.modules)
agents.detect_language("A storm rolls in over the harbour at dusk.")
print(",".join(heavy) or "-", "py3langid" in sys.modules, "janome" in sys.modules, "rjieba" in sys.modules)
"""


def test_identifier_and_segmenters_load_only_when_a_text_needs_them() -> None:
    """Importing agents (the CLI) loads none of them; a Latin brief never loads a segmenter."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["-", "True", "False", "False"]


def test_the_language_model_is_unpacked_once_into_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first process unpacks py3langid's model into the user cache, later ones read it
    from there; with no writable cache the packed model is read as before."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    from agents.heuristics.language import _unpacked

    packed = Path(MODEL_DIR) / MODEL_FILE
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = _unpacked(packed)
    assert first is not None and first.is_file() and first.parent == tmp_path / "cache" / "storyreel"
    assert _unpacked(packed) == first
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no temp left behind
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert _unpacked(packed) is None
