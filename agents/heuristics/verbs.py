"""Multilingual word stems for what characters do and feel.

Stems match at a word start in spaced scripts and as substrings in CJK/Arabic (see text.py), so
'walk' covers walks/walked/walking and '走' covers 走る/走った. Lists are per language so that a
short French stem cannot fire inside an English word; `for_language` picks the ones in play.
"""

from __future__ import annotations

from collections.abc import Mapping

from agents.heuristics.language import NON_LATIN
from agents.heuristics.text import has_stem

Lexicon = Mapping[str, Mapping[str, tuple[str, ...]]]

# What a beat's verb asks of the camera. Order matters: the first class that matches wins.
# fmt: off
MOVES: Lexicon = {
    "fall": {
        "en": ("fall", "fell", "tumbl", "drop", "collaps", "plung", "sink", "sank", "dive", "slip"),
        "es": ("cae", "cay", "caí", "derrumb", "desplom", "se hunde"),
        "fr": ("tomb", "chut", "s'effondr", "plonge"),
        "de": ("fällt", "fiel", "fallen", "stürz", "sinkt", "sank", "bricht zusammen"),
        "ru": ("пада", "упал", "рухну", "свалил"), "zh": ("掉", "落下", "摔", "倒下", "跌"),
        "ja": ("落ち", "倒れ", "転ぶ", "転ん"), "ar": ("يسقط", "تسقط", "سقط"), "hi": ("गिर",),
    },
    "leave": {
        "en": (
            "leav", "left the", "flee", "fled", "escap", "retreat", "depart", "walks away", "runs away",
            "exit", "backs away", "drives away", "drives off", "walks off",
        ),
        "es": ("huy", "hui", "se va", "se fue", "se marcha", "abandon", "escap", "sale ", "salió"),
        "fr": ("fui", "fuit", "s'enfui", "s'en va", "quitt", "part ", "partit", "s'éloign", "échapp"),
        "de": ("flieh", "floh", "verläss", "verließ", "geht weg", "entkomm", "davon"),
        "ru": ("уход", "ушё", "ушл", "убега", "убежа", "сбега", "покида"), "zh": ("离开", "逃"),
        "ja": ("去る", "去っ", "逃げ", "立ち去"), "ar": ("يهرب", "تهرب", "هرب", "يغادر", "تغادر"),
        "hi": ("भाग गय", "चला गया", "चली गई", "छोड़"),
    },
    "approach": {
        "en": (
            "approach", "discover", "realis", "realiz", "notic", "find", "found", "spot", "recogni",
            "reach", "toward", "closer", "reveal", "enter", "uncover",
        ),
        "es": (
            "se acerca", "acerc", "descubr", "encuentr", "encontr", "se da cuenta", "advierte", "llega",
            "entra",
        ),
        "fr": (
            "s'approch", "approch", "découvr", "trouv", "réalis", "se rend compte", "remarqu", "arriv",
            "entre",
        ),
        "de": (
            "nähert", "näher", "entdeck", "findet", "fand", "merkt", "erkennt", "bemerkt", "betritt",
            "erreicht",
        ),
        "ru": ("приближа", "подход", "подошё", "находит", "нашё", "обнаружи", "замеча", "понима"),
        "zh": ("靠近", "走近", "发现", "意识到", "找到"), "ja": ("近づ", "見つけ", "気づ", "気付"),
        "ar": ("يقترب", "تقترب", "يكتشف", "تكتشف", "وجد"), "hi": ("पास आ", "खोज", "पाया", "देखा कि"),
    },
    "rise": {
        "en": (
            "climb", "rise", "rises", "rose", "look up", "looks up", "ascend", "soar", "lift", "fly",
            "flies", "flew", "jump", "leap", "stand up", "stands up",
        ),
        "es": ("sube", "subi", "escal", "trep", "se levant", "levant", "mira hacia arriba", "vuel", "salt"),
        "fr": ("grimp", "escalad", "monte", "se lève", "lève les yeux", "s'élève", "vole", "saute"),
        "de": ("kletter", "steig", "erhebt", "blickt auf", "schaut hoch", "fliegt", "springt", "hebt"),
        "ru": ("поднима", "карабка", "взбира", "лезет", "взлета", "прыга"),
        "zh": ("爬", "升起", "抬头", "飞", "跳"), "ja": ("登", "昇", "見上げ", "飛", "跳"),
        "ar": ("يتسلق", "تتسلق", "يصعد", "تصعد", "يطير"), "hi": ("चढ़", "उड़", "ऊपर देख"),
    },
    "travel": {
        "en": (
            "walk", "run", "ran", "chase", "race", "hurr", "dash", "sprint", "drive", "drove", "ride",
            "rode", "march", "wander", "stroll", "follow", "cross", "swim", "sail", "travel",
        ),
        "es": ("camin", "corre", "corri", "persig", "persegu", "anda", "cruza", "nada", "viaj", "pasea"),
        "fr": ("march", "cour", "poursui", "travers", "nage", "voyag", "se promèn", "roule"),
        "de": (
            "geht", "ging", "läuft", "lief", "renn", "rann", "jagt", "verfolg", "fährt", "fuhr", "wander",
            "schwimm", "überquer",
        ),
        "ru": ("идёт", "идет", "шага", "бежит", "бежал", "бега", "гонит", "гонится", "едет", "плывёт"),
        "zh": ("走", "跑", "追", "奔", "穿过"), "ja": ("歩", "走", "追", "駆け"),
        "ar": ("يمشي", "تمشي", "يركض", "تركض", "يطارد"), "hi": ("चल", "दौड़", "भाग"),
    },
    "fight": {
        "en": (
            "fight", "struggl", "panic", "stumbl", "shake", "shook", "explod", "attack", "punch", "battle",
        ),
        "es": ("pelea", "luch", "ataca", "explot"), "fr": ("se bat", "lutt", "attaqu", "explos"),
        "de": ("kämpf", "ringt", "greift an", "explodier"), "ru": ("дерёт", "бор", "атаку", "взрыв"),
        "zh": ("打斗", "搏斗", "爆炸"), "ja": ("戦", "爆発"), "ar": ("يقاتل", "انفجار"), "hi": ("लड़",),
    },
    "circle": {
        "en": ("circl", "surround", "danc", "spin", "whirl", "twirl"), "es": ("rodea", "baila", "gira"),
        "fr": ("encercl", "danse", "tourne"), "de": ("umkreis", "tanzt", "dreht"),
        "ru": ("кружит", "танцу"), "zh": ("环绕", "跳舞", "旋转"), "ja": ("囲", "踊"), "ar": ("يرقص",),
        "hi": ("नाच",),
    },
    "look": {
        "en": ("look", "watch", "gaze", "stare", "search", "scan", "see", "sees", "saw"),
        "es": ("mira", "observa", "busca", "contempl"), "fr": ("regard", "observ", "cherch", "contempl"),
        "de": ("schaut", "sieht", "blickt", "beobacht", "sucht"), "ru": ("смотр", "глядит", "ищет"),
        "zh": ("看", "望", "寻找"), "ja": ("見", "眺め", "探"), "ar": ("ينظر", "تنظر"), "hi": ("देख",),
    },
    "speak": {
        "en": ("say", "said", "whisper", "shout", "ask", "answer", "tell", "told", "call", "sing", "sang"),
        "es": ("dice", "dijo", "susurr", "grit", "pregunt", "respond", "canta"),
        "fr": ("dit", "murmur", "cri", "demand", "répond", "chant"),
        "de": ("sagt", "flüster", "ruft", "schrei", "fragt", "antwort", "singt"),
        "ru": ("говор", "сказа", "шепч", "крич", "спрашива"), "zh": ("说", "喊", "问", "唱"),
        "ja": ("言", "叫", "囁", "歌"), "ar": ("يقول", "تقول", "قال", "قالت"), "hi": ("कहा", "बोल"),
    },
}
# fmt: on

# fmt: off
EMOTIONS: Lexicon = {
    "joyful": {
        "en": ("happy", "joy", "smil", "laugh", "delight", "celebrat", "cheer", "grin"),
        "es": ("feliz", "alegr", "sonr", "ríe", "rie", "celebr"),
        "fr": ("heureu", "joie", "sourit", "sourire", "rit "),
        "de": ("glücklich", "freu", "lächel", "lacht", "jubel"),
        "ru": ("счастлив", "радост", "улыба", "смеё"), "zh": ("笑", "高兴", "快乐"),
        "ja": ("嬉し", "笑", "喜"), "ar": ("سعيد", "فرح", "يبتسم"), "hi": ("खुश", "मुस्कुरा"),
    },
    "sad": {
        "en": (
            "sad ", "sad.", "sad,", "sadly", "sadness", "cry ", "cries", "cried", "crying", "weep", "wept",
            "tears", "grief", "mourn", "lonely", "sorrow",
        ),
        "es": ("triste", "llor", "lágrim", "duelo", "sola"),
        "fr": ("triste", "pleur", "larme", "chagrin", "seul"),
        "de": ("traurig", "wein", "träne", "trauer", "einsam"),
        "ru": ("груст", "плач", "слез", "печал", "одинок"), "zh": ("哭", "悲", "伤心", "孤独"),
        "ja": ("泣", "悲し", "涙", "寂し"), "ar": ("حزين", "يبكي", "تبكي", "دموع"),
        "hi": ("उदास", "आँसू", "दुख"),
    },
    "afraid": {
        "en": ("fear", "afraid", "scared", "terrif", "panic", "scream", "dread", "horror", "tremb"),
        "es": ("miedo", "asust", "aterr", "pánico", "tiembl"),
        "fr": ("peur", "effray", "terrifi", "panique", "trembl"),
        "de": ("angst", "fürcht", "erschr", "panik", "zitter"),
        "ru": ("страх", "боит", "испуг", "ужас", "дрож"), "zh": ("害怕", "恐惧", "惊恐"),
        "ja": ("怖", "恐", "怯え"), "ar": ("خوف", "خائف", "رعب"), "hi": ("डर",),
    },
    "angry": {
        "en": (
            "angry", "anger", "rage ", "rages", "furious", "shout", "yells", "yelled", "yelling", "glare",
        ),
        "es": ("enfad", "furios", "ira", "rabia", "enoj"), "fr": ("colère", "furieu", "rage", "hurl"),
        "de": ("wütend", "zorn", "wut", "brüll"), "ru": ("зл", "гнев", "ярост", "крич"),
        "zh": ("生气", "愤怒", "怒"), "ja": ("怒",), "ar": ("غضب", "غاضب"), "hi": ("गुस्स", "क्रोध"),
    },
    "surprised": {
        "en": ("surpris", "shock", "gasp", "astonish", "amaz", "stunned"),
        "es": ("sorpr", "asombr", "atónit"), "fr": ("surpri", "étonn", "stupéf"),
        "de": ("überrasch", "erstaun", "verblüfft", "schock"), "ru": ("удивл", "изумл", "шок"),
        "zh": ("惊讶", "吃惊", "震惊"), "ja": ("驚",), "ar": ("مفاجأ", "دهش"), "hi": ("हैरान", "चौंक"),
    },
    "tender": {
        "en": ("love", "kiss", "embrac", "hug", "tender", "gentl", "caress"),
        "es": ("amor", "bes", "abraz", "ternur"), "fr": ("amour", "embrass", "baiser", "tendre", "câlin"),
        "de": ("liebe", "küss", "umarm", "zärtlich"), "ru": ("люб", "поцел", "обним", "нежн"),
        "zh": ("爱", "亲吻", "拥抱"), "ja": ("愛", "抱きしめ", "キス"), "ar": ("حب", "يعانق", "قبلة"),
        "hi": ("प्यार", "गले"),
    },
    "determined": {
        "en": ("determin", "resolv", "decid", "brave", "defian", "vow"),
        "es": ("decidid", "valient", "jura"), "fr": ("détermin", "décid", "courag"),
        "de": ("entschlossen", "mutig", "schwört"), "ru": ("решительн", "смел"), "zh": ("决心", "勇敢"),
        "ja": ("決意", "勇気"), "ar": ("عازم", "شجاع"), "hi": ("दृढ़", "बहादुर"),
    },
    "awed": {
        "en": ("wonder", "awe", "marvel", "magic", "dazzl"), "es": ("maravill", "asombr", "mágic"),
        "fr": ("émerveill", "merveill", "magique"), "de": ("staun", "wunder", "magisch"),
        "ru": ("восхищ", "чудес", "волшеб"), "zh": ("惊叹", "奇迹", "神奇"),
        "ja": ("驚嘆", "不思議", "魔法"), "ar": ("دهشة", "سحر"), "hi": ("अद्भुत", "जादू"),
    },
}
# fmt: on


def for_language(lexicon: Mapping[str, tuple[str, ...]], language: str) -> tuple[str, ...]:
    """Stems of the brief's language, English (briefs mix it in), and every non-Latin script list
    (those cannot fire inside Latin words, and cover briefs the detector mislabels)."""
    out: list[str] = []
    for code, stems in lexicon.items():
        if code in ("en", language) or code in NON_LATIN:
            out.extend(stems)
    return tuple(out)


def classify(text: str, lexicon: Lexicon, language: str) -> str | None:
    """The first class of `lexicon` (in its order) whose stems occur in `text`."""
    for name, by_language in lexicon.items():
        if has_stem(text, for_language(by_language, language)):
            return name
    return None
