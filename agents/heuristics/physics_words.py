"""What the engine should simulate in a shot: weather, wind, medium, gravity and motion events
(fall, bounce, roll, throw, float, shatter, splash), read from multilingual keywords."""

from __future__ import annotations

import re

from agents.heuristics.text import find_stem, has_stem
from film import Gravity, Medium, MotionAction, MotionEvent, Physics, Weather

# fmt: off
WEATHER: tuple[tuple[Weather, tuple[str, ...]], ...] = (
    (
        Weather.storm,
        (
            "storm", "thunder", "lightning", "hurricane", "tormenta", "tempestad", "relámpago", "orage",
            "tempête", "tonnerre", "sturm", "gewitter", "donner", "blitz", "буря", "гроз", "шторм", "暴风",
            "雷", "嵐", "台风", "तूफान", "आंधी", "عاصفة", "رعد",
        ),
    ),
    (
        Weather.snow,
        (
            "snow", "blizzard", "nieve", "nieva", "nevad", "neige", "schnee", "schneit", "снег", "метель",
            "雪", "बर्फ", "ثلج", "الثلج",
        ),
    ),
    (
        Weather.rain,
        (
            "rain", "drizzl", "downpour", "lluvia", "llueve", "llov", "pluie", "pleut", "averse", "regen",
            "regnet", "дожд", "ливень", "雨", "बारिश", "वर्षा", "مطر", "المطر", "تمطر",
        ),
    ),
    (
        Weather.fog,
        (
            "fog", "mist", "haze", "niebla", "neblina", "bruma", "brouillard", "brume", "nebel", "dunst",
            "туман", "雾", "霧", "कोहरा", "धुंध", "ضباب",
        ),
    ),
    (
        Weather.dust,
        (
            "dust", "sandstorm", "polvo", "poussière", "staub", "sandsturm", "пыл", "沙尘", "砂嵐", "धूल",
            "غبار",
        ),
    ),
)
# fmt: on
WIND = (
    "wind",
    "gust",
    "breeze",
    "gale",
    "viento",
    "brisa",
    "vent ",
    "rafale",
    "brise",
    "böe",
    "brise",
    "ветер",
    "ветр",
    "风",
    "風",
    "हवा",
    "رياح",
    "ريح",
)
UNDERWATER = (
    "underwater",
    "under water",
    "beneath the waves",
    "bajo el agua",
    "submarin",
    "sous l'eau",
    "sous-marin",
    "unter wasser",
    "unterwasser",
    "под водой",
    "水下",
    "水中",
    "पानी के नीचे",
    "تحت الماء",
)
SPACE = (
    "outer space",
    "zero gravity",
    "zero-g",
    "weightless",
    "spacewalk",
    "in orbit",
    "espacio exterior",
    "ingravidez",
    "apesanteur",
    "espace",
    "schwerelos",
    "weltraum",
    "невесом",
    "космос",
    "太空",
    "失重",
    "宇宙",
    "無重力",
    "अंतरिक्ष",
    "الفضاء",
)
MOON = (
    "on the moon",
    "lunar",
    "en la luna",
    "sur la lune",
    "auf dem mond",
    "на луне",
    "月球",
    "月面",
    "चाँद पर",
    "على القمر",
)
MARS = ("mars", "marte", "марс", "火星", "मंगल", "المريخ")
# fmt: off
EVENTS: tuple[tuple[MotionAction, tuple[str, ...]], ...] = (
    (
        MotionAction.shatter,
        (
            "shatter", "smash", "breaks", "broke", "se rompe", "rompió", "estall", "se brise", "éclat",
            "fracass", "zerbrich", "zerbrach", "zerspring", "разбив", "разбил", "вдребезги", "碎", "割れ",
            "砕", "टूट", "تحطم", "انكسر",
        ),
    ),
    (
        MotionAction.splash,
        (
            "splash", "salpic", "chapot", "éclabouss", "plouf", "platsch", "spritz", "всплеск", "брызг",
            "水花", "溅", "しぶき", "छपाक", "رذاذ", "يرش",
        ),
    ),
    (
        MotionAction.bounce,
        (
            "bounc", "rebot", "rebond", "hüpf", "prall", "springt zurück", "отскак", "подпрыг", "弹",
            "跳ね", "弾", "उछल", "ارتد", "يرتد",
        ),
    ),
    (
        MotionAction.roll,
        (
            "roll", "rueda", "rodó", "rueda", "roule", "rouler", "rollt", "kuller", "кати", "покати", "滚",
            "転が", "लुढ़क", "تدحرج",
        ),
    ),
    (
        MotionAction.throw,
        (
            "throw", "threw", "toss", "hurl", "lanza", "arroja", "tira ", "lance", "jette", "wirft", "warf",
            "schleuder", "броса", "бросил", "кида", "扔", "投げ", "抛", "फेंक", "يرمي", "رمى", "ترمي",
        ),
    ),
    (
        MotionAction.float,
        (
            "float", "drift", "hover", "flota", "flotte", "dérive", "schwebt", "treibt", "плыв", "парит",
            "飘", "浮", "漂", "तैर", "يطفو", "تطفو",
        ),
    ),
    (
        MotionAction.fall,
        (
            "fall", "fell", "drop", "tumbl", "cae", "cayó", "cayendo", "tomb", "chute", "fällt", "fiel",
            "stürzt", "пада", "упал", "掉", "落", "摔", "落ち", "गिर", "يسقط", "سقط", "تسقط",
        ),
    ),
)
# fmt: on
# fmt: off
OBJECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ball", ("ball", "pelota", "balón", "balle", "ballon", "мяч", "球", "ボール", "गेंद", "كرة")),
    (
        "glass",
        (
            "glass", "vaso", "copa", "verre", "glas", "стакан", "бокал", "стекл", "杯", "玻璃", "グラス",
            "गिलास", "كأس", "زجاج",
        ),
    ),
    ("bottle", ("bottle", "botella", "bouteille", "flasche", "бутыл", "瓶", "बोतल", "زجاجة")),
    ("vase", ("vase", "jarrón", "florero", "ваза", "花瓶", "फूलदान", "مزهرية")),
    (
        "stone",
        (
            "stone", "rock", "pebble", "piedra", "roca", "pierre", "caillou", "stein", "felsen", "камен",
            "камн", "石", "पत्थर", "حجر",
        ),
    ),
    ("apple", ("apple", "manzana", "pomme", "apfel", "яблок", "苹果", "りんご", "林檎", "सेब", "تفاحة")),
    ("leaf", ("leaf", "leaves", "hoja", "feuille", "blatt", "blätter", "лист", "叶", "葉", "पत्त", "ورقة")),
    ("feather", ("feather", "pluma", "plume", "feder", "перо", "羽", "पंख", "ريشة")),
    ("barrel", ("barrel", "barril", "tonneau", "fass", "бочк", "桶", "樽", "पीपा", "برميل")),
    ("coin", ("coin", "moneda", "pièce", "münze", "монет", "硬币", "コイン", "सिक्का", "عملة")),
    ("book", ("book", "libro", "livre", "buch", "книг", "书", "किताब", "كتاب")),
    ("hat", ("hat", "sombrero", "chapeau", "hut", "шляп", "帽", "टोपी", "قبعة")),
    (
        "lantern",
        (
            "lantern", "lamp", "linterna", "lámpara", "lanterne", "laterne", "lampe", "фонар", "灯",
            "लालटेन", "فانوس",
        ),
    ),
    (
        "kite",
        ("kite", "cometa", "cerf-volant", "drachen", "воздушный змей", "风筝", "凧", "पतंग", "طائرة ورقية"),
    ),
    ("balloon", ("balloon", "globo", "ballon", "luftballon", "шарик", "气球", "風船", "गुब्बारा", "بالون")),
    (
        "water",
        (
            "water", "puddle", "agua", "charco", "eau", "flaque", "wasser", "pfütze", "вод", "лужа", "水",
            "पानी", "ماء",
        ),
    ),
)
# fmt: on
DEFAULT_OBJECT: dict[MotionAction, str] = {
    MotionAction.fall: "stone",
    MotionAction.bounce: "ball",
    MotionAction.roll: "barrel",
    MotionAction.throw: "stone",
    MotionAction.float: "leaf",
    MotionAction.shatter: "glass",
    MotionAction.splash: "water",
}
NOT_A_FALL = re.compile(
    r"(night|darkness|silence|dusk|evening|snow|rain)\s+(falls|fell)|(noche|nuit|nacht)\s+"
    r"(cae|tombe|fällt)",
    re.I,
)


def physics_of(text: str, scene_text: str = "") -> Physics:
    """Physics for one beat; weather and medium may come from the whole scene, events only from
    the beat (a glass shatters once, not in every shot of the scene)."""
    context = f"{text} {scene_text}"
    weather = next((w for w, stems in WEATHER if has_stem(context, stems)), Weather.clear)
    wind = (12.0, 0.0) if weather is Weather.storm else (4.0, 0.0) if has_stem(context, WIND) else (0.0, 0.0)
    gravity: Gravity = Gravity.earth
    medium = Medium.air
    if has_stem(context, UNDERWATER):
        gravity, medium = Gravity.underwater, Medium.water
    elif has_stem(context, SPACE):
        gravity, medium = Gravity.zero_g, Medium.vacuum
    elif has_stem(context, MOON):
        gravity, medium = Gravity.moon, Medium.vacuum
    elif has_stem(context, MARS):
        gravity = Gravity.mars
    if medium is not Medium.air:
        weather, wind = Weather.clear, (0.0, 0.0)
    return Physics(gravity=gravity, wind_ms=wind, weather=weather, medium=medium, events=motion_events(text))


def motion_events(text: str) -> tuple[MotionEvent, ...]:
    """One event per kind of motion named in the text, with the object nearest to its verb."""
    cleaned = NOT_A_FALL.sub(" ", text)
    found: list[tuple[int, MotionEvent]] = []
    for action, stems in EVENTS:
        m = find_stem(cleaned, stems)
        if m is None:
            continue
        found.append((m.start(), _event(action, cleaned, m.start())))
    found.sort(key=lambda pair: pair[0])
    return tuple(event for _, event in found[:3])


def _event(action: MotionAction, text: str, at: int) -> MotionEvent:
    nearest: tuple[int, str] | None = None
    for name, stems in OBJECTS:
        m = find_stem(text, stems)
        if m and (nearest is None or abs(m.start() - at) < nearest[0]):
            nearest = (abs(m.start() - at), name)
    obj = nearest[1] if nearest else DEFAULT_OBJECT[action]
    lowered = text.lower()
    height = (
        30.0
        if has_stem(lowered, ("cliff", "tower", "roof", "acantilado", "falaise", "klippe", "скал", "崖"))
        else 2.0
    )
    speed = {
        MotionAction.throw: 8.0,
        MotionAction.roll: 2.0,
        MotionAction.float: 0.3,
        MotionAction.splash: 3.0,
    }.get(action, 0.0)
    restitution = 0.8 if action is MotionAction.bounce else 0.1 if action is MotionAction.shatter else 0.5
    return MotionEvent(object=obj, action=action, height_m=height, speed_ms=speed, restitution=restitution)


def timed(physics: Physics, duration_s: float) -> Physics:
    """Spread a shot's events over its first half so each has time to play out on screen."""
    if not physics.events:
        return physics
    step = duration_s * 0.5 / len(physics.events)
    events = tuple(
        e.model_copy(update={"start_s": round(0.2 * duration_s + i * step, 2)})
        for i, e in enumerate(physics.events)
    )
    return physics.model_copy(update={"events": events})
