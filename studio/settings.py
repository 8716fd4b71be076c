"""One Settings object for the whole studio, read from `STORYREEL_*` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from agents import LLMConfig
from engine import FfmpegAssembler
from storage import database_url_for
from studio.cut import assemble_options


class Settings(BaseSettings):
    """Defaults give a working studio on a laptop with no GPU and no network."""

    model_config = SettingsConfigDict(env_prefix="STORYREEL_", extra="ignore")

    home: Path = Field(default=Path(".storyreel"), description="database, asset store, checkpoints")
    out_root: Path = Field(default=Path("out"), description="where films go when --out is not given")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL, e.g. postgresql+psycopg://u@host/db (default: SQLite)"
    )
    engine: str = Field(default="previz", description="render engine for new runs")
    render_workers: int = Field(default=2, ge=1, le=32, description="shots rendered at once")
    render_log: Path | None = Field(default=None, description="append a line per finished render here")
    duration_s: float = Field(default=30.0, description="film length when --duration is not given")
    style: str = Field(default="cinematic", description="look of the film when --style is not given")

    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1; unset = offline",
    )
    llm_model: str = Field(default="gpt-4o-mini", description="model name the endpoint serves")
    llm_api_key: SecretStr = Field(default=SecretStr("not-needed"))
    llm_timeout_s: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_max_repairs: int = Field(default=2, ge=0, le=10)
    llm_concurrency: int = Field(default=4, ge=1, le=64)
    llm_mode: Literal["auto", "json_schema", "json_object", "prompt"] = "auto"
    llm_plan_max_tokens: int = Field(default=700, ge=64)
    llm_shot_max_tokens: int = Field(default=220, ge=32)
    llm_seed: int | None = None
    previz_control: bool = Field(
        default=False, description="drive diffusion/ComfyUI shots with the previz depth pass (VACE)"
    )
    music: Path | None = Field(default=None, description="music bed, ducked under dialogue")
    loudness_lufs: float = Field(default=-14.0, ge=-40.0, le=-5.0, description="integrated loudness target")
    true_peak_db: float = Field(default=-1.0, ge=-10.0, le=0.0, description="true-peak ceiling, dBTP")
    burn_subtitles: bool = Field(default=False, description="draw subtitles into the picture too")
    c2pa_cert: Path | None = Field(default=None, description="C2PA signing certificate chain (PEM)")
    c2pa_key: Path | None = Field(default=None, description="C2PA signing private key (PEM)")
    critic: bool = Field(default=False, description="check every take and re-render broken ones")
    critic_max_retakes: int = Field(default=2, ge=0, le=10)

    def llm_config(self) -> LLMConfig | None:
        """The LLM agents' config, or None for the offline heuristics."""
        if not self.llm_base_url:
            return None
        return LLMConfig(
            base_url=self.llm_base_url, model=self.llm_model, api_key=self.llm_api_key.get_secret_value(),
            timeout_s=self.llm_timeout_s, max_retries=self.llm_max_retries, max_repairs=self.llm_max_repairs,
            concurrency=self.llm_concurrency, mode=self.llm_mode, seed=self.llm_seed,
            plan_max_tokens=self.llm_plan_max_tokens, shot_max_tokens=self.llm_shot_max_tokens,
        )  # fmt: skip

    def assembler(self) -> FfmpegAssembler:
        """The assembler with this studio's sound, subtitle, signing and card-cache settings."""
        options = assemble_options(
            music=self.music, loudness_lufs=self.loudness_lufs, true_peak_db=self.true_peak_db,
            burn_subtitles=self.burn_subtitles, c2pa_cert=self.c2pa_cert, c2pa_key=self.c2pa_key,
        )  # fmt: skip
        return FfmpegAssembler(card_cache=self.home / "cache" / "cards", options=options)

    @property
    def database(self) -> str:
        """The runs' database; LangGraph's checkpoints live there too."""
        return self.database_url or database_url_for(self.home)

    @property
    def asset_root(self) -> Path:
        return self.home / "assets"

    @property
    def work_root(self) -> Path:
        return self.home / "work"
