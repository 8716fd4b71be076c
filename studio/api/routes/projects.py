"""Projects: folders of runs a person works on together (a film, its revisions and variants)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from film import BadInput
from storage import Project, create_project, list_projects, project_runs
from studio.api import production
from studio.api.deps import ApiRoute, SessionDep
from studio.api.public import ProjectCreate, ProjectPublic, ProjectWithRuns
from studio.api.routes.runs import run_public

router = APIRouter(tags=["projects"], route_class=ApiRoute)
MAX_NAME_CHARS = 200


def project_public(project: Project) -> ProjectPublic:
    return ProjectPublic(id=project.id, name=project.name, created_at=project.created_at)


@router.get("/projects")
def projects(session: SessionDep, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[ProjectPublic]:
    """Newest first."""
    return [project_public(p) for p in list_projects(session=session, limit=limit)]


@router.post("/projects", status_code=201)
def new_project(body: ProjectCreate, session: SessionDep) -> ProjectPublic:
    name = body.name.strip()
    if not name:
        raise BadInput("name", body.name, "is empty; name the project, e.g. 'lighthouse short'")
    if len(name) > MAX_NAME_CHARS:
        raise BadInput("name", body.name, f"has {len(name)} characters; the limit is {MAX_NAME_CHARS}")
    return project_public(create_project(session=session, name=name))


@router.get("/projects/{project_id}")
def project(project_id: str, session: SessionDep) -> ProjectWithRuns:
    """The project and its runs, newest first."""
    found = production.find_project(session, project_id)
    runs = [run_public(session, run) for run in project_runs(session=session, project_id=found.id)]
    return ProjectWithRuns(**project_public(found).model_dump(), runs=runs)
