"""The film's domain language: pure pydantic types, no I/O.

Everything else in storyreel speaks these types; this package imports nothing of ours.
"""

from film import timing
from film.camera import LENS_MM, Angle, Camera, Direction, Easing, Movement, ShotSize
from film.disclosure import AI_LABEL
from film.errors import BadInput, RenderFailure, RunCancelled, StoryreelError
from film.hashing import stable_hash
from film.media import MediaRef
from film.physics import Gravity, Medium, MotionAction, MotionEvent, Physics, Weather
from film.plan import (
    ASPECTS,
    Aspect,
    Character,
    DialogueLine,
    FilmPlan,
    Performance,
    Prop,
    Scene,
    Shot,
    TimeOfDay,
    frame_size,
)
from film.render import Conditioning, RenderSpec, Take
from film.sound import FoleyCue, Material, Voice
from film.studio import Assembler, ProgressFn, Renderer, TakeLibrary
from film.timeline import Clip, SubtitleCue, Timeline, TitleCard

__all__ = [
    "AI_LABEL",
    "ASPECTS",
    "LENS_MM",
    "Angle",
    "Aspect",
    "Assembler",
    "BadInput",
    "Camera",
    "Character",
    "Clip",
    "Conditioning",
    "DialogueLine",
    "Direction",
    "Easing",
    "FilmPlan",
    "FoleyCue",
    "Gravity",
    "Material",
    "MediaRef",
    "Medium",
    "MotionAction",
    "MotionEvent",
    "Movement",
    "Performance",
    "Physics",
    "ProgressFn",
    "Prop",
    "RenderFailure",
    "RenderSpec",
    "Renderer",
    "RunCancelled",
    "Scene",
    "Shot",
    "ShotSize",
    "StoryreelError",
    "SubtitleCue",
    "Take",
    "TakeLibrary",
    "TimeOfDay",
    "Timeline",
    "TitleCard",
    "Voice",
    "Weather",
    "frame_size",
    "stable_hash",
    "timing",
]
