"""Free-text revisions through an OpenAI-protocol server become grammar clauses, repaired when
the grammar refuses them, and a clear BadInput when the model never gets it right."""

from __future__ import annotations

import json

import pytest

from agents import plan_brief
from agents.llm import LLMClient, LLMConfig, RunLedger
from agents.llm_reviser import LLMReviser
from film import BadInput
from tests.agents.openai_stub import Reply, scripted_server

BRIEF = "Mara climbs the stairs at dusk. Theo rows through the waves. Mara lights the lamp."


def _reviser(url: str) -> LLMReviser:
    return LLMReviser(LLMClient(LLMConfig(base_url=url, model="stub", max_retries=0), RunLedger()))


def test_grammar_notes_need_no_llm() -> None:
    plan = plan_brief(BRIEF, duration_s=12)
    with scripted_server([Reply(status=500, raw="{}")]) as server:
        revised = _reviser(server.base_url + "/v1").revise(plan, "shot 1: close-up")
        assert server.requests == []
    assert revised.shots[0].camera.size.value == "close-up"


def test_free_text_is_translated_and_repaired() -> None:
    plan = plan_brief(BRIEF, duration_s=12)
    wrong = Reply(json.dumps({"clauses": ["shot 2: very dramatic please"]}))
    right = Reply(json.dumps({"clauses": ["shot 2: extreme close-up, dolly in", "make it 15 seconds"]}))
    with scripted_server([wrong, right]) as server:
        revised = _reviser(server.base_url + "/v1").revise(
            plan, "Get really close on Theo and stretch it a bit"
        )
        assert len(server.requests) == 2
        assert "names no shot size" in server.requests[1]["messages"][-1]["content"]
        assert "<note>" in server.requests[0]["messages"][1]["content"]
    assert revised.shots[1].camera.size.value == "extreme-close-up"
    assert revised.total_frames == 15 * plan.fps


def test_hopeless_model_gives_a_clear_error() -> None:
    plan = plan_brief(BRIEF, duration_s=12)
    hopeless = [Reply(json.dumps({"clauses": ["sing a song"]}))]
    with scripted_server(hopeless) as server, pytest.raises(BadInput, match=r"could not turn it into"):
        _reviser(server.base_url + "/v1").revise(plan, "make it feel like autumn")
