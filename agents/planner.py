"""The planner seam: anything that turns a brief into a FilmPlan. The offline heuristic planner is
the default; an LLM planner (later) implements the same protocol and falls back to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from agents.heuristics.planner import plan_brief
from film import FilmPlan


@dataclass(frozen=True)
class PlanRequest:
    """What the user asked for besides the brief; the same fields `plan_brief` takes."""

    duration_s: float
    aspect: str = "16:9"
    style: str = "cinematic"
    seed: int = 0
    fps: int = 24
    title_card: bool = True


class Planner(Protocol):
    def plan(self, brief: str, request: PlanRequest) -> FilmPlan:
        """A plan whose shots fill `request.duration_s` exactly; raises film.BadInput on bad input."""
        ...


class HeuristicPlanner:
    """The offline planner as a `Planner`: deterministic, any language, no model."""

    def plan(self, brief: str, request: PlanRequest) -> FilmPlan:
        return plan_brief(
            brief,
            duration_s=request.duration_s,
            aspect=request.aspect,
            style=request.style,
            seed=request.seed,
            fps=request.fps,
            title_card=request.title_card,
        )
