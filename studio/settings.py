"""One Settings object for the whole studio, read by pydantic-settings from `STORYREEL_*`
environment variables; the engines' own option models are nested in it, so
`STORYREEL_DIFFUSION_OFFLOAD=model` sets `settings.diffusion.offload` and
`STORYREEL_COMFYUI_URL=...` sets `settings.comfyui.url`.

Only pydantic and the engines' option models load here: the LLM client, the assembler and the
database are imported inside the methods that build them, so `storyreel --help` starts at once.
The home folder and database come from `studio.home.StudioHome`, all that `runs` and `show` read.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic.fields import FieldInfo

from engine.comfyui import ComfyUIOptions
from engine.diffusion.options import DiffusionOptions
from engine.fleet.options import FleetOptions
from engine.sound.options import SoundOptions, TtsOptions
from film.disclosure import DEFAULT_BUG, BugCorner, bug_refusal
from studio.home import StudioHome, env_name, load

if TYPE_CHECKING:
    from agents import LLMConfig
    from engine import FfmpegAssembler


class Settings(StudioHome):
    """Defaults give a working studio on a laptop with no GPU and no network."""

    out_root: Path = Field(
        default=Path("out"), description="films go to `<out_root>/<run id>/` unless --out is given"
    )
    engine: str = Field(
        default="previz", description="render engine for new runs: previz, diffusion, comfyui"
    )
    render_workers: int | None = Field(
        default=None, ge=1, le=32,
        description="shots rendered at once; unset = one per 2 cores (each shot's encoder runs 2 threads)",
    )  # fmt: skip
    render_log: Path | None = Field(default=None, description="append a line per finished render here")
    executor: Literal["local", "ray"] = Field(
        default="local", description="where shots render: local (threads here), ray (warm actors, a cluster)"
    )
    ray: FleetOptions = Field(default_factory=FleetOptions, description="the Ray fleet (`STORYREEL_RAY_*`)")
    duration_s: float = Field(default=30.0, description="film length when --duration is not given")
    style: str = Field(default="cinematic", description="look of the film when --style is not given")

    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1; unset = offline",
    )
    llm_model: str = Field(default="gpt-4o-mini", description="model name the endpoint serves")
    llm_api_key: SecretStr = Field(
        default=SecretStr("not-needed"), description="API key sent to the endpoint"
    )
    llm_timeout_s: float = Field(default=60.0, gt=0, description="longest wait for one LLM answer")
    llm_max_retries: int = Field(default=2, ge=0, le=10, description="retries after a timeout, 429 or 5xx")
    llm_max_repairs: int = Field(
        default=2, ge=0, le=10, description="turns showing the model its invalid answer before falling back"
    )
    llm_concurrency: int = Field(default=4, ge=1, le=64, description="LLM requests in flight at once")
    llm_mode: Literal["auto", "json_schema", "json_object", "prompt"] = Field(
        default="auto", description="structured-output mode; auto steps down when the server refuses one"
    )
    llm_plan_max_tokens: int = Field(default=700, ge=64, description="answer budget of the planner")
    llm_shot_max_tokens: int = Field(default=220, ge=32, description="answer budget of one recaption")
    llm_seed: int | None = Field(default=None, description="sampling seed sent with every LLM request")

    previz_control: bool = Field(
        default=False, description="drive diffusion/ComfyUI shots with the previz depth pass (VACE)"
    )
    music: Path | None = Field(default=None, description="music bed, ducked under dialogue")
    loudness_lufs: float = Field(default=-14.0, ge=-40.0, le=-5.0, description="integrated loudness target")
    true_peak_db: float = Field(default=-1.0, ge=-10.0, le=0.0, description="true-peak ceiling, dBTP")
    burn_subtitles: bool = Field(default=False, description="draw subtitles into the picture too")
    sound: bool = Field(
        default=True, description="score every film: voiced lines, ambience, foley (off: the music bed alone)"
    )
    native_audio: Literal["under", "replace"] = Field(
        default="under",
        description="an engine's own sound (LTX-2): under our ambience and foley, or instead of them",
    )
    ai_bug: BugCorner = Field(
        default=DEFAULT_BUG,
        description="corner of the 'AI-generated' label on every frame; off only for the previz engine",
    )
    c2pa_cert: Path | None = Field(default=None, description="C2PA signing certificate chain (PEM)")
    c2pa_key: Path | None = Field(default=None, description="C2PA signing private key (PEM)")
    critic: bool = Field(default=False, description="check every take and re-render broken ones")
    critic_max_retakes: int = Field(
        default=2, ge=0, le=10, description="re-render rounds the critic may ask for"
    )

    worker_lease_s: float = Field(
        default=15.0, ge=1.0, le=3600.0,
        description="a worker's hold on a job; a job whose worker died is taken over after this",
    )  # fmt: skip
    api_token: SecretStr | None = Field(
        default=None, description="token `storyreel serve` requires when bound off loopback"
    )
    series_grace_s: float = Field(
        default=3600.0, ge=0.0, le=7 * 86400.0,
        description="how late a series slot may still be claimed (catch_up makes every one in it)",
    )  # fmt: skip
    series_tick_s: float = Field(default=5.0, gt=0.0, le=3600.0, description="how often the scheduler looks")
    clock_file: Path | None = Field(
        default=None,
        description="read the scheduler's 'now' (an ISO time) from this file: for rehearsing a schedule",
    )

    gate: Literal["on"] = Field(
        default="on", description="the misuse gate; it cannot be turned off (see `--i-have-consent`)"
    )
    gate_deceased_years: int = Field(
        default=30, ge=0, le=500,
        description="people who died within this many years need their estate's consent, as the living do",
    )  # fmt: skip

    models_dir: Path | None = Field(
        default=None, description="older name of STORYREEL_DIFFUSION_MODELS_DIR, used when that is unset"
    )
    diffusion: DiffusionOptions = Field(
        default_factory=DiffusionOptions, description="the diffusion engine: STORYREEL_DIFFUSION_*"
    )
    comfyui: ComfyUIOptions = Field(
        default_factory=ComfyUIOptions, description="the ComfyUI engine: STORYREEL_COMFYUI_*"
    )
    tts: TtsOptions = Field(default_factory=TtsOptions, description="the voice engines: STORYREEL_TTS_*")

    @field_validator("gate", mode="before")
    @classmethod
    def _gate_stays_on(cls, value: object) -> object:
        if str(value).strip().lower() != "on":
            raise ValueError(
                "the misuse gate cannot be turned off; record consent with `storyreel consent add` "
                "and pass --i-have-consent CONSENT_ID"
            )
        return "on"

    @model_validator(mode="after")
    def _models_dir_alias(self) -> Settings:
        if self.models_dir is not None and self.diffusion.models_dir is None:
            self.diffusion = self.diffusion.model_copy(update={"models_dir": self.models_dir})
        return self

    @model_validator(mode="after")
    def _bug_stays_on_realistic_footage(self) -> Settings:
        refusal = bug_refusal(self.engine, self.ai_bug)
        if refusal:
            raise ValueError(f"ai_bug='off': {refusal}")
        return self

    def workers(self) -> int:
        """Shots rendered at once: as set, or sized from the cores this process may use so that
        drawing plus each shot's two-thread x264 encode never oversubscribe them."""
        if self.render_workers is not None:
            return self.render_workers
        if self.executor == "ray":  # the branches only wait on actors: as many as the fleet draws
            return self.ray.actors * self.ray.in_flight
        from engine.media import encode_workers

        return encode_workers()

    def llm_config(self) -> LLMConfig | None:
        """The LLM agents' config, or None for the offline heuristics."""
        if not self.llm_base_url:
            return None
        from agents.llm import LLMConfig

        return LLMConfig(
            base_url=self.llm_base_url, model=self.llm_model, api_key=self.llm_api_key.get_secret_value(),
            timeout_s=self.llm_timeout_s, max_retries=self.llm_max_retries, max_repairs=self.llm_max_repairs,
            concurrency=self.llm_concurrency, mode=self.llm_mode, seed=self.llm_seed,
            plan_max_tokens=self.llm_plan_max_tokens, shot_max_tokens=self.llm_shot_max_tokens,
        )  # fmt: skip

    def sound_options(self) -> SoundOptions:
        """How films are scored: voices kept by content in the home's cache, each line the
        engines speak logged with the renders."""
        return SoundOptions(
            enabled=self.sound, tts=self.tts, cache=self.home / "cache" / "voices",
            render_log=self.render_log, native=self.native_audio,
        )  # fmt: skip

    def engine_options(self, engine_name: str) -> Any:
        """The options an engine's renderer takes (None: its defaults)."""
        return {"diffusion": self.diffusion, "comfyui": self.comfyui}.get(engine_name)

    def assembler(self) -> FfmpegAssembler:
        """The assembler with this studio's sound, subtitle, signing and card-cache settings."""
        from engine import FfmpegAssembler
        from studio.cut import assemble_options

        options = assemble_options(
            music=self.music, loudness_lufs=self.loudness_lufs, true_peak_db=self.true_peak_db,
            burn_subtitles=self.burn_subtitles, c2pa_cert=self.c2pa_cert, c2pa_key=self.c2pa_key,
            sound=self.sound_options(),
        )  # fmt: skip
        return FfmpegAssembler(card_cache=self.home / "cache" / "cards", options=options)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment (or `environ`); a bad value is one BadInput line naming
    the variable, e.g. `STORYREEL_DIFFUSION_OFFLOAD='x': Input should be 'none', 'model', ...`."""
    return load(Settings, environ)


def setting_rows() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) for every field, nested ones by their own variable: the
    README's settings table is checked against exactly this."""
    rows: list[tuple[str, str, str]] = []

    def walk(model: type[BaseModel], loc: tuple[str, ...]) -> None:
        for name, info in model.model_fields.items():
            nested = _nested_model(info)
            if nested is not None:
                walk(nested, (*loc, name))
            else:
                rows.append((env_name(*loc, name), shown_default(info), info.description or ""))

    walk(Settings, ())
    return rows


def _nested_model(info: FieldInfo) -> type[BaseModel] | None:
    kind = info.annotation
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


def shown_default(info: FieldInfo) -> str:
    """A field's default as the README shows it: `unset` for None, paths and words as typed."""
    value = info.get_default(call_default_factory=True)
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Path):
        return os.fspath(value)
    return "''" if value == "" else str(value)
