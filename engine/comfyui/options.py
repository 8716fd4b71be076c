"""ComfyUIOptions: where the server is and which workflow it runs; the studio fills it from
`STORYREEL_COMFYUI_*` environment variables. Of these, only the workflow, its mapping and the
model card (which plans the size, frames and fps it is given) change a take's pixels, and the
renderer's `resolve` writes them into every spec."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engine.diffusion.registry import MODELS


class ComfyUIOptions(BaseModel):
    """Where the server is and which workflow to run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(default="http://127.0.0.1:8188", description="the ComfyUI server")
    ws_url: str = Field(default="", description="its websocket base when not the same host (a proxy)")
    template: str = Field(
        default="wan_t2v", description="shipped workflow: wan_t2v, wan_i2v, ltx_t2v, ltx_i2v"
    )
    workflow: Path | None = Field(default=None, description="your own API-format workflow JSON")
    mapping: Path | None = Field(default=None, description="its mapping JSON (WorkflowMapping)")
    model: str = Field(
        default="", description="model card the workflow's model follows (size, frames, fps); '' = template's"
    )
    timeout_s: float = Field(default=3600.0, gt=0, description="longest a take may take")
    request_timeout_s: float = Field(default=30.0, gt=0, description="one HTTP request")
    poll_s: float = Field(default=1.0, gt=0, description="history polling interval")
    websocket: bool = Field(default=True, description="follow progress over /ws when possible")

    @field_validator("model")
    @classmethod
    def _known_card(cls, name: str) -> str:
        """A card we can plan with: a typo would otherwise plan frames by the wrong rule."""
        if name and name not in MODELS:
            raise ValueError(f"unknown model card {name!r}; choose one of: {', '.join(MODELS)}")
        return name
