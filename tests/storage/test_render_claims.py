"""Render claims under a race: a claim whose holder lets go between a new claimant's insert
(which found it) and its read is claimed afresh, not an error that fails the job."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

import storage.jobs as jobs
from storage import claim_render, release_render


def test_a_claim_released_between_insert_and_read_is_taken(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = jobs._insert_new
    calls: list[int] = []

    def raced(session: Any, values: dict[str, Any]) -> bool:
        calls.append(1)
        if len(calls) == 1:  # the other worker held it a moment ago; by our read it is gone
            return False
        return real(session, values)

    monkeypatch.setattr(jobs, "_insert_new", raced)
    assert claim_render(engine=engine, spec_hash="a" * 64, worker="w2", lease_s=30)
    assert len(calls) == 2
    assert not claim_render(engine=engine, spec_hash="a" * 64, worker="w3", lease_s=30)  # w2 holds it
    release_render(engine=engine, spec_hash="a" * 64, worker="w2")
    assert claim_render(engine=engine, spec_hash="a" * 64, worker="w3", lease_s=30)
