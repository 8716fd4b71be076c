"""How a film is scored, as plain settings: light to import (the assembler holds them whether
or not a film has sound), the sound package itself is loaded only when a film is scored."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

NativeMode = Literal["under", "replace"]


class TtsOptions(BaseModel):
    """Where the non-default voice engines are: an OpenAI-compatible `/v1/audio/speech` server
    (OpenAI, Kokoro-FastAPI, Speaches) and a folder of piper voices. The studio fills it from
    `STORYREEL_TTS_*`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(
        default="", description="OpenAI-compatible speech server, e.g. http://localhost:8880/v1"
    )
    api_key: SecretStr = Field(default=SecretStr(""), description="API key sent to that server")
    model: str = Field(default="tts-1", description="speech model the server serves (kokoro, tts-1...)")
    voices_dir: Path | None = Field(default=None, description="folder of piper voices (<voice id>.onnx)")
    timeout_s: float = Field(default=60.0, gt=0, description="longest wait for one spoken line")


@dataclass(frozen=True)
class SoundOptions:
    """`cache` keeps spoken lines by content hash (a revision re-speaks only changed lines);
    `render_log` gets a line per line synthesised; `native` says whether an engine's own sound
    plays under ours or replaces the ambience and foley of its shots."""

    enabled: bool = True
    tts: TtsOptions = field(default_factory=TtsOptions)
    cache: Path | None = None
    render_log: Path | None = None
    native: NativeMode = "under"
