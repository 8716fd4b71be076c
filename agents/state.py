"""The graph's state. Everything in it is plain JSON (pydantic models dumped with mode="json"), so
any LangGraph checkpointer can store it and a run can resume after a crash."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

Json = dict[str, Any]


class InputState(TypedDict, total=False):
    """What a caller passes in: a brief with its request, or a finished plan."""

    brief: str
    """The story brief, any language or form. Ignored when `plan` is given."""

    duration_s: float
    """Target film length in seconds (2–1800)."""

    aspect: str
    """'16:9', '9:16', '1:1' or '4:5'; default '16:9'."""

    style: str
    """Look of the film, e.g. 'cinematic'."""

    seed: int
    """Base seed; every shot derives its own from it."""

    fps: int
    """Frames per second of the plan; default 24."""

    title_card: bool
    """Whether a 2 s title card opens films of 10 s or more; default True."""

    plan: Json
    """A FilmPlan (model_dump(mode="json")); when present the planner is skipped."""

    review: bool
    """Stop at the review gate after planning (an interrupt) until the plan is approved."""


class ShotTask(TypedDict, total=False):
    """Payload of one recaption branch (sent with `Send`)."""

    plan: Json
    shot_id: str


class SpecTask(TypedDict, total=False):
    """Payload of one render branch (sent with `Send`)."""

    spec: Json
    chain: list[Json]
    """Continuous specs rendered in order from this branch (spec first); absent = just `spec`."""
    after: Json
    """The Take whose last frame the chain's first spec continues from (a retake inside a chain)."""
    index: int
    total: int
    pins: dict[str, str]
    """Shots someone gave a main take (shot id → its spec_hash): that take, never a render."""


class StudioState(InputState, total=False):
    """Full state of one run. List fields are appended to by parallel branches (operator.add), so
    their order is completion order: consumers sort them by the plan's shot order."""

    specs: Annotated[list[Json], operator.add]
    """RenderSpecs as JSON, one per shot; a retake appends the shot's reseeded spec (the last
    one per shot wins)."""

    takes: Annotated[list[Json], operator.add]
    """Takes as JSON (rendered now or found in the take library); retakes append theirs (the
    last one per shot wins)."""

    retakes: list[SpecTask]
    """Render tasks the critic sent back (replaced each round): a retaken shot with a new seed
    and the rest of its continuous chain, with the take before it to continue from."""

    retake_round: int
    """How many retake rounds the critic has asked for so far."""

    reviews: dict[str, list[str]]
    """The critic's last findings: problems per shot id (empty when every take passed)."""

    dramatised: list[str]
    """Historical figures the misuse gate let into the film; its end card says it dramatises them."""

    timeline: Json
    """The edit (Timeline) as JSON."""

    film_path: str
    """Path of the assembled film."""

    usage: Json
    """The run's LLM ledger at assembly: calls, prompt/completion/total tokens, warnings (fallbacks)."""
