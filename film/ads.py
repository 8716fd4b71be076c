"""Ad templates as types: typed variables a marketer fills, and the beats an ad is cut into.

A template is data (templates/ads/*.yaml); these types make a bad one fail when it loads, and a bad
value fail with one line naming the variable, before anything is planned. Slot lengths scale with
the ad's length preset, but the hook stays within one to three seconds: a feed decides in three.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath
from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, model_validator

from film.brand import parse_colour
from film.errors import BadInput

VariableKind = Literal["text", "choice", "colour", "image", "url", "number"]
SlotKind = Literal["hook", "problem", "solution", "proof", "cta"]
Value = str | float

AD_LENGTHS: tuple[int, ...] = (6, 15, 30, 60)
"""The length presets, in seconds: a 6-s bumper, then 15, 30 and 60."""
HOOK_MIN_S, HOOK_MAX_S = 1.0, 3.0
"""The hook is the first one to three seconds, whatever the length."""
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
_NAME = r"^[a-z][a-z0-9_]{0,31}$"


class AdVariable(BaseModel):
    """One blank of a template, with its type, its rules and the default that fills it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=_NAME)
    kind: VariableKind
    help: str = Field(min_length=1)
    default: Value
    max_length: int | None = Field(default=None, ge=1, le=500)
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    @model_validator(mode="after")
    def _rules_fit_the_kind(self) -> Self:
        if self.kind == "text" and self.max_length is None:
            raise ValueError(f"variable {self.name}: a text needs max_length")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"variable {self.name}: a choice needs choices")
        try:
            self.check(self.default)
        except BadInput as err:
            raise ValueError(f"variable {self.name}: its default fails its own rules ({err.why})") from None
        return self

    def check(self, value: object) -> Value:
        """`value` as this variable holds it (a colour lower-cased, a number as float), or
        BadInput naming the variable and saying what it accepts."""
        if self.kind == "number":
            return self._number(value)
        text = str(value).strip()
        if any(ord(c) < 32 for c in text):
            raise BadInput(self.name, value, "control characters are not allowed")
        if self.kind == "text":
            assert self.max_length is not None
            if len(text) > self.max_length:
                raise BadInput(self.name, value, f"at most {self.max_length} characters (got {len(text)})")
        elif self.kind == "choice" and text not in self.choices:
            raise BadInput(self.name, value, f"choose one of: {', '.join(self.choices)}")
        elif self.kind == "colour":
            text = parse_colour(self.name, text)
        elif self.kind == "url":
            parts = urlsplit(text)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise BadInput(self.name, value, "a link starts with https:// (or http://) and names a host")
        elif self.kind == "image" and text and PurePath(text).suffix.lower() not in IMAGE_SUFFIXES:
            raise BadInput(
                self.name, value, f"an image is one of {', '.join(IMAGE_SUFFIXES)} (or empty for none)"
            )
        return text

    def _number(self, value: object) -> float:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise BadInput(self.name, value, "a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise BadInput(self.name, value, "a finite number")
        if self.minimum is not None and number < self.minimum:
            raise BadInput(self.name, value, f"at least {self.minimum:g}")
        if self.maximum is not None and number > self.maximum:
            raise BadInput(self.name, value, f"at most {self.maximum:g}")
        return number

    def rules(self) -> str:
        """The rules in a few words, for `ads show` and the web form's hints."""
        match self.kind:
            case "text":
                return f"text, up to {self.max_length} characters"
            case "choice":
                return "one of: " + ", ".join(self.choices)
            case "number":
                low = "" if self.minimum is None else f" from {self.minimum:g}"
                high = "" if self.maximum is None else f" to {self.maximum:g}"
                return f"number{low}{high}"
            case "colour":
                return "colour, #rrggbb"
            case "url":
                return "link, https://…"
            case _:
                return "image file (" + ", ".join(IMAGE_SUFFIXES) + "), or empty"


class AdBeat(BaseModel):
    """What a slot shows: its prompt, on-screen words and camera (all but camera Jinja2)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: str = Field(min_length=1)
    caption: str = ""
    """On-screen words for the slot; empty for none. On the cta slot, the offer over the button."""
    camera: str = ""
    """Camera words the edit grammar reads ('extreme close-up, dolly in'); empty: the planner's."""


class AdSlot(AdBeat):
    """One beat of an ad: its kind, its share of the length, and what it shows. A hook also
    carries alternatives: the A/B matrix's other hooks (`--hooks N`)."""

    kind: SlotKind
    share: float = Field(gt=0, le=1)
    alternatives: tuple[AdBeat, ...] = ()

    def beat(self, n: int) -> AdBeat:
        """Beat `n`: 0 is the slot's own, 1.. its alternatives."""
        return self if n == 0 else self.alternatives[n - 1]


class AdTemplate(BaseModel):
    """A fillable ad: variables, then slots from the hook to the call-to-action end card."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    variables: tuple[AdVariable, ...] = Field(min_length=1)
    slots: tuple[AdSlot, ...] = Field(min_length=2)
    countdown: str = ""
    """The label of a countdown bar over the cta slot (Jinja2: 'ends in {{ hours_left }} h');
    empty for none."""

    @model_validator(mode="after")
    def _hook_first_cta_last(self) -> Self:
        names = [v.name for v in self.variables]
        if len(set(names)) != len(names):
            raise ValueError(f"template {self.name}: variable names repeat")
        if self.slots[0].kind != "hook" or self.slots[-1].kind != "cta":
            raise ValueError(f"template {self.name}: slots run from a hook to a cta")
        if any(s.kind in ("hook", "cta") for s in self.slots[1:-1]):
            raise ValueError(f"template {self.name}: one hook first, one cta last")
        if any(s.alternatives for s in self.slots[1:]):
            raise ValueError(f"template {self.name}: only the hook has alternatives")
        cta = next((v for v in self.variables if v.name == "cta"), None)
        if cta is None or cta.kind != "choice":
            raise ValueError(f"template {self.name}: needs a 'cta' choice variable (the button's words)")
        return self

    @property
    def hooks(self) -> int:
        """How many hooks the A/B matrix can try: the hook slot's own and its alternatives."""
        return 1 + len(self.slots[0].alternatives)

    def ctas(self, values: Mapping[str, Value]) -> tuple[str, ...]:
        """The button's words to try, the filled value first, then the other choices in order."""
        chosen = str(values["cta"])
        return (chosen, *(c for c in self.variable("cta").choices if c != chosen))

    def matrix(self, values: Mapping[str, Value], hooks: int, ctas: int) -> list[tuple[int, str]]:
        """The (hook, cta) pairs of a `hooks` x `ctas` matrix, or BadInput naming the flag."""
        offered = self.ctas(values)
        if not 1 <= hooks <= self.hooks:
            raise BadInput("hooks", hooks, f"template {self.name} has 1 to {self.hooks} hooks")
        if not 1 <= ctas <= len(offered):
            raise BadInput("ctas", ctas, f"template {self.name} has 1 to {len(offered)} calls to action")
        return [(h, c) for h in range(hooks) for c in offered[:ctas]]

    def variable(self, name: str) -> AdVariable:
        for variable in self.variables:
            if variable.name == name:
                return variable
        known = ", ".join(v.name for v in self.variables)
        raise BadInput(name, name, f"template {self.name} has no such variable; it has: {known}")

    def fill(self, values: Mapping[str, object] | None = None) -> dict[str, Value]:
        """Every variable's value: the given ones checked, the rest their defaults."""
        given = dict(values or {})
        for name in given:
            self.variable(name)
        return {v.name: v.check(given[v.name]) if v.name in given else v.default for v in self.variables}

    def timing(self, length_s: float) -> tuple[float, ...]:
        """Each slot's seconds at a length preset: shares scaled to the length, the hook kept within
        HOOK_MIN_S..HOOK_MAX_S and the others sharing the rest. They sum to `length_s` exactly."""
        if length_s not in AD_LENGTHS:
            raise BadInput(
                "duration", length_s, f"an ad lasts one of {', '.join(map(str, AD_LENGTHS))} seconds"
            )
        total = sum(s.share for s in self.slots)
        seconds = [length_s * s.share / total for s in self.slots]
        hook = min(max(seconds[0], HOOK_MIN_S), HOOK_MAX_S)
        rest = sum(seconds[1:])
        seconds = [hook] + [s * (length_s - hook) / rest for s in seconds[1:]]
        tenths = [round(s, 1) for s in seconds[:-1]]
        return (*tenths, round(length_s - sum(tenths), 1))
