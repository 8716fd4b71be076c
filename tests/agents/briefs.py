"""Briefs used across the agents tests: several languages and the three forms."""

from __future__ import annotations

MULTILINGUAL: dict[str, str] = {
    "en": "Mara, a tall fisherwoman in a yellow raincoat, walks along the harbour at dawn. Rain falls. "
    "She finds a glass bottle and throws it into the sea. The bottle shatters on the rocks. Mara smiles. "
    "“Goodbye,” she whispers. Tomas runs towards her.",
    "es": "Lucía camina por la playa al amanecer. Llueve. Encuentra una botella y la lanza al mar. "
    "Lucía sonríe. «Adiós», susurra. Pedro corre hacia ella.",
    "fr": "Au crépuscule, Élodie marche dans la forêt. Elle découvre une vieille lanterne. La lanterne tombe "
    "et se brise. Élodie pleure. « Pourquoi ? » demande-t-elle. Élodie s'enfuit.",
    "de": "Der Hund läuft durch den Wald. Anna folgt ihm in der Nacht. Es schneit. Anna findet einen alten "
    "Schlüssel. „Endlich“, flüstert Anna. Der Schlüssel fällt in den Fluss.",
    "zh": "黎明时分，一个名叫小雨的女孩走在海边。天空下着雨。"
    "她发现了一个瓶子，把它扔进了大海。瓶子碎了。小雨笑了。「再见」，她轻声说。",
    "ja": "夜明け、マリアさんは海辺を歩く。雨が降っている。"
    "彼女は瓶を見つけ、海に投げる。瓶が割れる。マリアさんは笑う。"
    "「さようなら」と彼女はささやいた。",
    "ar": "في الفجر، تمشي فتاة تدعى ليلى على الشاطئ. المطر يتساقط. "
    "تجد زجاجة وترميها في البحر. تبتسم ليلى. «وداعا» تهمس.",
    "hi": "भोर में, मीरा नाम की लड़की समुद्र तट पर चलती है। बारिश हो रही है। वह एक बोतल पाती है और उसे समुद्र में "
    "फेंकती है। मीरा मुस्कुराती है। “अलविदा”, वह कहती है।",
    "ru": "На рассвете Маша идёт по берегу моря. Идёт дождь. Маша находит бутылку и бросает её в море. "
    "Бутылка разбивается. Маша улыбается. «Прощай», — шепчет она.",
}

SCREENPLAY = """Title: The Last Ferry

FADE IN:

EXT. HARBOUR - NIGHT

Rain hammers the pier. A ferry horn sounds in the fog.

MARIA
(breathless)
Wait! Don't leave without me!

JONAS (O.S.)
It's too late, Maria.

Maria runs along the pier and climbs the gangway.

INT. FERRY CABIN - NIGHT

Jonas sits alone by the window. Maria enters, soaked.

JONAS
You came back.

MARIA
I never left.
"""

MARKDOWN = """# Kite Day

## The meadow

- A girl named Ivy runs across the meadow with a red kite.
- The wind lifts the kite high above the trees.
* Ivy laughs and looks up at the sky.

## The storm

1. Dark clouds roll in and thunder cracks.
2. The kite falls into the river with a splash.
3. Ivy cries on the riverbank.
"""
