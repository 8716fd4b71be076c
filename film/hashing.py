"""Stable content hashes: the same content gives the same key on every machine and run."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace, so equal content always serialises equally."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _plain(value: Any) -> Any:
    """Models anywhere inside the value hash as their JSON form."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot hash a {type(value).__name__}")


def stable_hash(value: Any) -> str:
    """sha256 of the canonical JSON; used as cache key for specs and plans."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()
