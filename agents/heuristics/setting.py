"""Where and when a scene happens, and how it feels: time of day, location, mood and palette
from multilingual keywords, so the recaptioner can light and dress the set."""

from __future__ import annotations

from collections.abc import Mapping

from agents.heuristics.text import find_stem, has_stem
from film import TimeOfDay

# fmt: off
TIMES: Mapping[TimeOfDay, tuple[str, ...]] = {
    TimeOfDay.dawn: (
        "dawn", "sunrise", "daybreak", "first light", "amanecer", "alba", "aube", "aurore", "morgengrauen",
        "sonnenaufgang", "morgendämmerung", "рассвет", "заря", "黎明", "日出", "拂晓", "夜明け", "明け方",
        "朝焼け", "भोर", "सूर्योदय", "فجر", "الفجر", "شروق",
    ),
    TimeOfDay.dusk: (
        "dusk", "sunset", "twilight", "evening", "atardecer", "anochecer", "crepúsculo", "ocaso", "tarde",
        "crépuscule", "soir", "coucher du soleil", "abend", "dämmerung", "sonnenuntergang", "закат",
        "сумерк", "вечер", "黄昏", "傍晚", "日落", "夕方", "夕暮れ", "夕日", "शाम", "सूर्यास्त", "غروب",
        "مساء", "المساء",
    ),
    TimeOfDay.night: (
        "night", "midnight", "moonlight", "noche", "medianoche", "nuit", "minuit", "nacht", "mitternacht",
        "ночь", "ночью", "полноч", "夜", "深夜", "午夜", "真夜中", "रात", "आधी रात", "ليل", "الليل", "ليلة",
        "منتصف الليل",
    ),
    TimeOfDay.morning: (
        "morning", "breakfast", "mañana", "matin", "matinée", "morgen", "vormittag", "утро", "утром",
        "早上", "早晨", "上午", "朝", "सुबह", "صباح", "الصباح",
    ),
    TimeOfDay.day: (
        "day", "noon", "afternoon", "midday", "sunlight", "mediodía", "día", "jour", "midi", "après-midi",
        "tag", "mittag", "nachmittag", "день", "днём", "полдень", "白天", "中午", "下午", "昼", "午後",
        "दिन", "दोपहर", "نهار", "ظهر",
    ),
}
# fmt: on
# fmt: off
LOCATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "forest",
        (
            "forest", "woods", "bosque", "selva", "forêt", "bois", "wald", "лес", "森林", "树林", "森",
            "जंगल", "غابة",
        ),
    ),
    (
        "beach",
        (
            "beach", "shore", "playa", "costa", "plage", "rivage", "strand", "küste", "пляж", "берег",
            "海滩", "海岸", "浜", "समुद्र तट", "شاطئ",
        ),
    ),
    (
        "sea",
        (
            "sea ", "sea.", "sea,", "seas", "seaside", "ocean", "waves", "mar ", "océano", "mer", "océan",
            "meer", "ozean", "море", "океан", "海", "समुद्र", "بحر", "البحر",
        ),
    ),
    (
        "harbour",
        (
            "harbour", "harbor", "port", "dock", "pier", "puerto", "muelle", "hafen", "порт", "港",
            "बंदरगाह", "ميناء",
        ),
    ),
    (
        "mountain",
        (
            "mountain", "cliff", "peak", "montaña", "montagne", "falaise", "berg", "gipfel", "гор", "скал",
            "山", "पहाड़", "جبل",
        ),
    ),
    (
        "desert",
        ("desert", "dune", "desierto", "désert", "wüste", "пустын", "沙漠", "砂漠", "रेगिस्तान", "صحراء"),
    ),
    (
        "city street",
        (
            "street", "city", "town", "alley", "avenue", "calle", "ciudad", "rue", "ville", "straße",
            "stadt", "улиц", "город", "街", "城市", "都市", "सड़क", "शहर", "شارع", "مدينة",
        ),
    ),
    ("kitchen", ("kitchen", "cocina", "cuisine", "küche", "кухн", "厨房", "台所", "रसोई", "مطبخ")),
    (
        "house interior",
        (
            "house", "home", "room", "apartment", "casa", "habitación", "maison", "chambre", "haus",
            "zimmer", "wohnung", "дом", "комнат", "квартир", "房间", "家", "部屋", "घर", "कमरा", "بيت",
            "منزل", "غرفة",
        ),
    ),
    (
        "spaceship",
        (
            "spaceship", "space station", "nave espacial", "vaisseau", "raumschiff", "корабл", "飞船",
            "宇宙船", "अंतरिक्ष यान", "سفينة فضاء",
        ),
    ),
    (
        "outer space",
        (
            "space", "orbit", "stars", "espacio", "espace", "weltraum", "космос", "太空", "宇宙",
            "अंतरिक्ष", "الفضاء",
        ),
    ),
    (
        "field",
        (
            "field", "meadow", "farm", "campo", "prado", "champ", "prairie", "feld", "wiese", "поле", "луг",
            "田野", "草原", "野原", "खेत", "حقل",
        ),
    ),
    (
        "river",
        (
            "river", "lake", "río", "lago", "rivière", "fleuve", "lac", "fluss", "река", "озер", "河", "湖",
            "川", "नदी", "نهر",
        ),
    ),
    (
        "castle",
        (
            "castle", "palace", "castillo", "palacio", "château", "palais", "schloss", "burg", "замок",
            "дворец", "城堡", "宫殿", "城", "महल", "قلعة", "قصر",
        ),
    ),
    (
        "train",
        (
            "train", "station", "tren", "estación", "gare", "zug", "bahnhof", "поезд", "вокзал", "火车",
            "电车", "駅", "ट्रेन", "قطار",
        ),
    ),
    (
        "school",
        ("school", "classroom", "escuela", "école", "schule", "школ", "学校", "教室", "स्कूल", "مدرسة"),
    ),
)
# fmt: on
# fmt: off
MOODS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "tense",
        (
            "chase", "danger", "storm", "threat", "fear", "run", "persig", "peligro", "danger", "gefahr",
            "опасн", "危险", "危険", "خطر", "खतरा",
        ),
    ),
    (
        "melancholic",
        (
            "alone", "lonely", "grief", "sad", "tears", "solo", "triste", "seul", "einsam", "traurig",
            "одинок", "груст", "孤独", "悲", "حزين", "उदास",
        ),
    ),
    (
        "joyful",
        (
            "laugh", "celebrat", "joy", "happy", "fiesta", "alegr", "fête", "joie", "fest", "freude",
            "праздник", "радост", "庆祝", "快乐", "祭", "احتفال", "खुश",
        ),
    ),
    (
        "mysterious",
        (
            "mystery", "secret", "strange", "shadow", "misterio", "secreto", "mystère", "étrange",
            "geheimnis", "seltsam", "тайн", "странн", "秘密", "神秘", "謎", "غامض", "रहस्य",
        ),
    ),
    (
        "romantic",
        (
            "love", "kiss", "amor", "beso", "amour", "baiser", "liebe", "kuss", "любов", "поцел", "爱",
            "恋", "حب", "प्यार",
        ),
    ),
    (
        "epic",
        (
            "battle", "army", "kingdom", "dragon", "batalla", "ejército", "bataille", "armée", "schlacht",
            "drache", "битв", "дракон", "战斗", "龙", "竜", "معركة", "युद्ध",
        ),
    ),
)
# fmt: on
PALETTES: Mapping[TimeOfDay, str] = {
    TimeOfDay.dawn: "soft pink and pale gold",
    TimeOfDay.morning: "fresh pale gold and sky blue",
    TimeOfDay.day: "natural daylight colours",
    TimeOfDay.dusk: "amber and violet",
    TimeOfDay.night: "deep blue with sodium orange",
}
MOOD_PALETTES: Mapping[str, str] = {
    "tense": "desaturated steel blue",
    "melancholic": "muted grey-blue",
    "joyful": "warm saturated colours",
    "mysterious": "teal shadows and low-key contrast",
    "romantic": "warm rose and honey",
    "epic": "high-contrast gold and slate",
}


def time_of_day(*texts: str) -> TimeOfDay | None:
    """First time-of-day word in the texts, checked in order (slugline before the action)."""
    for text in texts:
        best: tuple[int, TimeOfDay] | None = None
        for tod, stems in TIMES.items():
            m = find_stem(text, stems)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), tod)
        if best:
            return best[1]
    return None


def location(text: str) -> str | None:
    """The kind of place named first in `text`, as an English set description."""
    best: tuple[int, str] | None = None
    for name, stems in LOCATIONS:
        m = find_stem(text, stems)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


def mood(text: str) -> str:
    return next((name for name, stems in MOODS if has_stem(text, stems)), "neutral")


def palette(tod: TimeOfDay, scene_mood: str) -> str:
    """Colour direction: mood wins when it is strong, otherwise the light of the hour."""
    return MOOD_PALETTES.get(scene_mood, PALETTES[tod])
