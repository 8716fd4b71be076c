"""Agents decide: planner, recaptioner, editor, and the LangGraph graph that runs them.

Heuristics are the default and the fallback; `llm_agents(LLMConfig(...))` swaps in the LLM planner
and recaptioner over any OpenAI-protocol server.

Rendering, the take library and the assembler are injected through `StudioContext` (film's
protocols), so this room imports nothing but `film`.
"""

from agents.context import Event, Stage, StudioContext
from agents.editor import Editor, HeuristicEditor, edit, subtitle_cues
from agents.graph import build_graph
from agents.heuristics import detect_language, plan_brief
from agents.llm import LLMClient, LLMConfig, LLMFailure, RunLedger
from agents.llm_agents import llm_agents
from agents.llm_editor import LLMEditor
from agents.llm_planner import LLMPlanner
from agents.llm_recaptioner import LLMRecaptioner, recaption_many
from agents.planner import HeuristicPlanner, Planner, PlanRequest
from agents.recaptioner import HeuristicRecaptioner, Recaptioner, recaption, shot_seed

__all__ = [
    "Editor",
    "Event",
    "HeuristicEditor",
    "HeuristicPlanner",
    "HeuristicRecaptioner",
    "LLMClient",
    "LLMConfig",
    "LLMEditor",
    "LLMFailure",
    "LLMPlanner",
    "LLMRecaptioner",
    "PlanRequest",
    "Planner",
    "Recaptioner",
    "RunLedger",
    "Stage",
    "StudioContext",
    "build_graph",
    "detect_language",
    "edit",
    "llm_agents",
    "plan_brief",
    "recaption",
    "recaption_many",
    "shot_seed",
    "subtitle_cues",
]
