"""Agents decide: planner, recaptioner, editor, and the LangGraph graph that runs them.

Rendering, the take library and the assembler are injected through `StudioContext` (film's
protocols), so this room imports nothing but `film`.
"""

from agents.context import Event, Stage, StudioContext
from agents.editor import Editor, HeuristicEditor, edit, subtitle_cues
from agents.graph import build_graph
from agents.heuristics import detect_language, plan_brief
from agents.planner import HeuristicPlanner, Planner, PlanRequest
from agents.recaptioner import HeuristicRecaptioner, Recaptioner, recaption, shot_seed

__all__ = [
    "Editor",
    "Event",
    "HeuristicEditor",
    "HeuristicPlanner",
    "HeuristicRecaptioner",
    "PlanRequest",
    "Planner",
    "Recaptioner",
    "Stage",
    "StudioContext",
    "build_graph",
    "detect_language",
    "edit",
    "plan_brief",
    "recaption",
    "shot_seed",
    "subtitle_cues",
]
