"""Agents decide: planner, recaptioner, editor, and the LangGraph graph that runs them."""
