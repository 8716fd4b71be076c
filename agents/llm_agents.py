"""The one call the studio makes to run with an LLM: config in, StudioContext keyword arguments out.

Planner, recaptioner and editor share one client, so they share its concurrency bound, its learned
structured-output mode and the run's ledger (token usage and fallback warnings).
"""

from __future__ import annotations

from typing import Any

from agents.llm import LLMClient, LLMConfig, RunLedger
from agents.llm_editor import LLMEditor
from agents.llm_planner import LLMPlanner
from agents.llm_recaptioner import LLMRecaptioner


def llm_agents(config: LLMConfig, ledger: RunLedger | None = None, *, editor: bool = True) -> dict[str, Any]:
    """`StudioContext(renderer=..., **llm_agents(config))`: LLM planner, recaptioner and (unless
    `editor=False`) editor, each falling back to its heuristic, and the ledger they record into
    (read it from `ctx.ledger`, or from the final state's `usage`)."""
    ledger = ledger if ledger is not None else RunLedger()
    client = LLMClient(config, ledger)
    agents: dict[str, Any] = {"planner": LLMPlanner(client), "recaptioner": LLMRecaptioner(client)}
    if editor:
        agents["editor"] = LLMEditor(client)
    return {**agents, "ledger": ledger}
