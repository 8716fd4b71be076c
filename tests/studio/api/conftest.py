"""Fixtures for the API tests: a studio in a temp folder (`settings`), its app and a TestClient;
`studio_at` builds the same for a module-wide folder, with helpers that make real films
(the offline previz engine, a few seconds on a CPU) and stand in for a worker running a job.

No worker runs in these tests: the API only writes rows and queues jobs, which is what they
check; `Studio.work` claims one queued shoot job and runs the real shooting code on it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from storage import Job, Run, claim_job, finish_job, get_plan_version, get_run, list_jobs, session_scope
from studio.api.main import create_app
from studio.make import FilmRequest, make_film
from studio.settings import Settings
from tests.studio.api.fixtures import studio_settings

BRIEF = "Mara waves at Theo on the pier. Theo smiles."


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return studio_settings(tmp_path)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@dataclass
class Studio:
    """One studio folder with its app and client, and a stand-in for the worker."""

    settings: Settings
    app: FastAPI
    client: TestClient

    @property
    def db(self) -> Engine:
        engine: Engine = self.app.state.database
        return engine

    def make(self, brief: str = BRIEF, *, duration_s: float = 4.0, gate: bool = False) -> str:
        """A real run made in this process: done, or (gate) waiting at review. Its run id."""
        request = FilmRequest(brief=brief, duration_s=duration_s, aspect="16:9", style="cinematic", seed=0)
        return make_film(request, settings=self.settings, quiet=True, gate=gate).run_id

    def run(self, run_id: str) -> Run:
        with session_scope(self.db) as session:
            return get_run(session=session, run_id=run_id)

    def jobs(self, run_id: str) -> list[Job]:
        with session_scope(self.db) as session:
            return list_jobs(session=session, run_id=run_id)

    def open_jobs(self, run_id: str) -> list[Job]:
        return [job for job in self.jobs(run_id) if job.status in ("queued", "running")]

    def claim(self, run_id: str) -> Job:
        """Lease the run's queued job, as a worker would (and nothing else)."""
        job = claim_job(engine=self.db, worker="test-worker", lease_s=600)
        assert job is not None and job.run_id == run_id, job
        return job

    def finish(self, job: Job, status: Any = "done") -> None:
        assert job.id is not None
        assert finish_job(engine=self.db, job_id=job.id, worker="test-worker", status=status)

    def work(self, run_id: str) -> None:
        """Do the run's queued "shoot" job as the worker will: shoot that stored plan version."""
        from studio.runner import shoot, thread_for

        job = self.claim(run_id)
        assert job.kind == "shoot", job
        version = json.loads(job.payload_json)["version"]
        with session_scope(self.db) as session:
            run = get_run(session=session, run_id=run_id)
            stored = get_plan_version(session=session, run_id=run_id, version=version)
        state = {"plan": stored.film_plan().model_dump(mode="json")}
        try:
            shoot(
                settings=self.settings, db=self.db, run_id=run_id, version=version, state=state,
                thread_id=thread_for(run_id, version), out_dir=Path(run.out_dir), engine_name=run.engine,
                quiet=True,
            )  # fmt: skip
        finally:
            self.finish(job)


@pytest.fixture(scope="module")
def studio_at(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Studio]]:
    """`studio_at("name")`: a Studio in a fresh folder that lives as long as the test module."""
    clients: list[TestClient] = []

    def build(name: str) -> Studio:
        settings = studio_settings(tmp_path_factory.mktemp(name))
        app = create_app(settings)
        client = TestClient(app)
        clients.append(client)
        return Studio(settings, app, client)

    yield build
    for client in clients:
        client.close()
