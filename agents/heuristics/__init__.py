"""Offline heuristics: the planner, and the text rules it is made of. They need no model and are
deterministic, so they are the default and the fallback for the LLM agents."""

from agents.heuristics.language import detect_language
from agents.heuristics.planner import plan_brief

__all__ = ["detect_language", "plan_brief"]
