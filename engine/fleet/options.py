"""The fleet's settings (`STORYREEL_RAY_*`), kept free of Ray so the studio loads without it."""

from __future__ import annotations

from pydantic import BaseModel, Field


class FleetOptions(BaseModel):
    """Where the cluster is and how the pools are sized."""

    address: str | None = Field(
        default=None,
        description="`auto` (this machine's cluster), `ray://host:10001`; unset = Ray started for the run",
    )
    actors: int = Field(default=1, ge=1, le=64, description="render actors per model pool")
    cpus: float = Field(default=1.0, gt=0, le=64, description="CPUs each previz actor holds")
    gpus: float = Field(default=1.0, ge=0, le=8, description="GPUs each diffusion actor holds")
    pin: bool = Field(
        default=True, description="pin each CPU actor to cores of its own, so an actor holding N CPUs uses N"
    )
    in_flight: int = Field(default=1, ge=1, le=8, description="shots sent to one actor at a time")
    retries: int = Field(default=2, ge=0, le=10, description="new actors tried after one dies mid-shot")
    poll_s: float = Field(default=0.1, gt=0, le=5, description="how often a running shot's progress is read")
