"""API fuzzing: Schemathesis generates requests for every operation in the OpenAPI schema and
sends them to the real app (SQLite, a finished film in the database so routes have something
to find). No response may be a 5xx, and every response must match what the schema declares
(body shape, status code, content type). Bounded to EXAMPLES per operation for CI."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from studio.api.main import create_app
from studio.make import FilmRequest, make_film
from studio.settings import load_settings

EXAMPLES = 50
HOME = Path(__import__("tempfile").mkdtemp(prefix="storyreel-fuzz-"))
SETTINGS = load_settings({"STORYREEL_HOME": str(HOME / "home"), "STORYREEL_OUT_ROOT": str(HOME / "out")})
APP = create_app(SETTINGS)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.fixture(scope="module", autouse=True)
def a_finished_film() -> None:
    """One real run for the generated ids to sometimes hit (schemathesis also tries its id)."""
    request = FilmRequest(
        brief="Mara waves at the sea.", duration_s=3.0, aspect="16:9", style="cinematic", seed=0
    )
    make_film(request, settings=SETTINGS, quiet=True)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors_and_every_answer_matches_the_schema(case: schemathesis.Case) -> None:
    if case.path.endswith("/events"):
        case.query = {**(case.query or {}), "after": 10**9}  # a stream must end for the test to go on
    case.call_and_validate(checks=CHECKS)
