"""The misuse gate at the API's doors: a brief, a revision note or a plan edit is cleared before
anything is queued or saved, and a refusal answers 403 with the gate's one line. The gate's own
transaction records the verdict, so a refused request is audited though its request rolls back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from film.gate import GateText
from studio.clearance import Clearance
from studio.settings import Settings


def clear(
    database: Engine, settings: Settings, entry: str, texts: list[GateText], run_id: str | None = None
) -> None:
    """GateRefused (403) unless the gate allows `texts`; `entry` names the route."""
    if texts:
        Clearance(database, settings, entry=f"api:{entry}").texts(texts, run_id=run_id)


def clear_picture(
    database: Engine, settings: Settings, picture: dict[str, str], character_id: str, name: str, run_id: str
) -> None:
    """GateRefused (403) when an uploaded reference picture shows a real face without consent."""
    Clearance(database, settings, entry="api:PATCH character").picture(
        Path(picture["path"]), picture["sha256"], character_id, name, run_id=run_id
    )


def edit_texts(changes: Any, field: str) -> list[GateText]:
    """Every string inside a PATCH body (nested camera, dialogue, props...), named by its path."""
    if isinstance(changes, str):
        return [GateText(field=field, text=changes)] if changes.strip() else []
    if isinstance(changes, dict):
        return [t for key, value in changes.items() for t in edit_texts(value, f"{field}.{key}")]
    if isinstance(changes, list):
        return [t for i, value in enumerate(changes) for t in edit_texts(value, f"{field}[{i}]")]
    return []
