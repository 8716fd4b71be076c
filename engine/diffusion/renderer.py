"""DiffusionRenderer: a RenderSpec through a diffusers video model into a take.

The steps: resolve the spec (pick the model: spec.model, else the options' default, else the
preset for the GPU, sized once per renderer from its total VRAM; route conditioning to a model
that can take it: first frame → the family's i2v model, end frame → FLF2V/VACE, control video
and references → VACE; write every pixel-changing setting, the model card's own settings and the
weights' fingerprint into it, the take-cache key), plan the model's size and windows, render each
window (continuations start on the previous window's last frames; a continued shot pins the
previous shot's last frames where the model can), conform to exactly spec.frames at spec.fps
and spec size, and encode with the shared FrameWriter. The take's last frames are kept next to
it so the next, continuous shot can start where this one ended.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from pydantic import ValidationError

from engine.diffusion import cogvideox, ltx, skyreels, wan
from engine.diffusion.failures import from_compiler, pipeline_error
from engine.diffusion.frames import (
    FramePlan,
    conform,
    fit,
    load_image,
    load_video,
    plan_frames,
    to_uint8,
    verified,
)
from engine.diffusion.lead import lead_count, lead_frames, planned_lead, without_lead
from engine.diffusion.loading import call_lock, dtype_name, load_pipeline
from engine.diffusion.memory import RunMemory, oom_failure
from engine.diffusion.options import DiffusionOptions
from engine.diffusion.registry import PRESETS, ModelCard, Preset, model_card
from engine.diffusion.speed import check_cache_hook, reset_cache_state
from engine.diffusion.weights import locate, scheduler_settings
from engine.diffusion.window import CARD_KEYS, Call, Window
from engine.painted import read_tail, write_painted_take
from film import BadInput, ProgressFn, RenderSpec, Take
from film.render import EngineOption

FAMILIES = {"wan": wan, "ltx": ltx, "cogvideox": cogvideox, "skyreels": skyreels}
_FIRST_FRAME_MODES = ("i2v", "flf2v", "vace", "condition")
_LAST_FRAME_MODES = ("flf2v", "vace", "condition")
_STRENGTH_MODES = ("vace", "condition")
RUN_KEYS = ("dtype", "cache", "cache_threshold", "cache_interval", "vae_tiling", "attention_backend",
            "max_window_frames")  # fmt: skip
"""Engine options a spec can set for itself (a resolved spec always does)."""
CONFORM = "crop+minterpolate"
"""How model frames become the take's (fill by cropping, motion-interpolate slower models): a take
conformed another way (letterboxed, frames repeated) is never reused."""
RESOLVED_KEYS = frozenset(
    {*RUN_KEYS, *CARD_KEYS, "preset", "steps", "guidance", "strength", "weights", "scheduler",
     "shift", "continue_model", "continue_weights", "conform", "upsampler_weights", "seam"}
)  # fmt: skip
"""Every option `resolve` writes; it drops stale ones that no longer apply (a threshold of a
cache hook that is off, the weights of a model no longer used)."""


def companion(card: ModelCard, role: str, why: str, field: str) -> ModelCard:
    """The model that takes over `role` for `card`, or BadInput saying what is missing."""
    name = card.companions.get(role)
    if name is None:
        raise BadInput(field, card.name, f"{card.name} cannot {why} and names no {role} companion model")
    return model_card(name)


def route(card: ModelCard, spec: RenderSpec) -> ModelCard:
    """The model that can honour the spec's conditioning, starting from the one asked for: a
    control video or references go to VACE, an end frame to a first/last-frame model (FLF2V,
    VACE, LTX conditions), a first frame to the family's image-to-video model."""
    cond = spec.conditioning
    if (cond.control_video or cond.reference_images) and card.mode != "vace":
        return companion(
            card, "vace", "follow a control video or reference images", "spec.conditioning.control_video"
        )
    if cond.last_frame is not None and card.mode not in _LAST_FRAME_MODES:
        target = companion(card, "last", "end on a given frame", "spec.conditioning.last_frame")
        if target.mode not in _LAST_FRAME_MODES:
            raise BadInput("spec.conditioning.last_frame", card.name, "no model here can end on a frame")
        return target
    if cond.first_frame is not None and card.mode not in _FIRST_FRAME_MODES:
        if card.mode == "df" and planned_lead(spec, card) > 1:
            return card  # diffusion forcing continues the lead strip as its prefix video
        return companion(card, "i2v", "start from a first frame", "spec.conditioning.first_frame")
    return card


def continuation(card: ModelCard, plan: FramePlan) -> ModelCard | None:
    """The model that renders a long shot's later windows (from the window before's last frame),
    or None when `card` renders them itself (one window, diffusion forcing, or first-frame models)."""
    if len(plan.windows) < 2 or card.mode == "df" or card.mode in _FIRST_FRAME_MODES:
        return None
    return companion(card, "continue", "continue a long shot", "spec.model")


def seam_for(card: ModelCard) -> int:
    """Frames each later window of a long shot starts on: as many as the model rendering it can
    pin, so the motion carries across the seam (diffusion forcing: one call, blocks overlap)."""
    if card.mode == "df":
        return 1
    name = None if card.mode in _FIRST_FRAME_MODES else card.companions.get("continue")
    return lead_count(card if name is None else model_card(name))


class DiffusionRenderer:
    """Renders with local diffusers video models; one pipeline per model is kept per process."""

    engine = "diffusion"

    def __init__(self, options: DiffusionOptions | None = None) -> None:
        self.options = options or DiffusionOptions()
        self.memory = RunMemory(self.options)  # the GPU is sized once: every shot plans alike

    def preset(self, spec: RenderSpec | None = None) -> Preset:
        """The spec's preset (`options.preset`), else the engine's; 'auto' picks by total VRAM."""
        name = spec.options.get("preset", self.options.preset) if spec is not None else self.options.preset
        if not isinstance(name, str):
            raise BadInput("spec.options.preset", name, f"choose one of: auto, {', '.join(PRESETS)}")
        return self.memory.preset(name)

    def model_for(self, spec: RenderSpec, preset: Preset | None = None) -> ModelCard:
        """spec.model, else the configured default, else the preset's choice for this GPU."""
        name = spec.model or self.options.default_model
        if name:
            return model_card(name)
        return self.memory.choose(preset or self.preset(spec))

    def run_options(self, spec: RenderSpec) -> DiffusionOptions:
        """The engine options with the spec's own settings (a resolved spec carries them all), so
        a render runs exactly as its cache key says; unchanged options keep sharing one pipeline."""
        given = {key: spec.options[key] for key in RUN_KEYS if key in spec.options}
        if given.get("dtype") == dtype_name(self.options):
            del given["dtype"]  # what 'auto' gives: keep the pipeline loaded with 'auto'
        if not given:
            return self.options
        try:
            return DiffusionOptions.model_validate(self.options.model_dump() | given)
        except ValidationError as exc:
            err = exc.errors()[0]
            key = str(err["loc"][0]) if err["loc"] else "options"
            raise BadInput(f"spec.options.{key}", err.get("input"), err["msg"]) from None

    def check_inputs(self, spec: RenderSpec) -> tuple[ModelCard, FramePlan]:
        """Refuse what would render wrongly, before loading gigabytes of weights."""
        if spec.engine != self.engine:
            raise BadInput("spec.engine", spec.engine, "this spec was recaptioned for another engine")
        preset = self.preset(spec)
        run = self.run_options(spec)
        card = route(self.model_for(spec, preset), spec)
        check_cache_hook(card, run)
        plan = plan_frames(
            spec, card, area_scale=preset.area_scale, max_window=run.max_window_frames,
            lead=planned_lead(spec, card), seam=seam_for(card),
        )  # fmt: skip
        steps = spec.options.get("steps")
        if steps is not None and (not isinstance(steps, int) or isinstance(steps, bool) or steps < 1):
            raise BadInput("spec.options.steps", steps, "steps must be a positive integer")
        for key in ("guidance", "strength"):
            value = spec.options.get(key)
            if value is not None and (isinstance(value, bool | str) or value < 0):
                raise BadInput(f"spec.options.{key}", value, f"{key} must be a number ≥ 0")
        return card, plan

    def resolve(self, spec: RenderSpec) -> RenderSpec:
        """`spec` with the model it will really use (routed for its conditioning) and every
        setting that makes its pixels in `options`: the choices (the spec's own, else the
        engine's: preset, steps, guidance, dtype, cache hook, tiling, attention, window) and
        what the weights on disk say (fingerprint, scheduler and shift, the continuation model)."""
        if spec.engine != self.engine:
            raise BadInput("spec.engine", spec.engine, "this spec was recaptioned for another engine")
        preset = self.preset(spec)
        model = self.model_for(spec, preset).name
        spec = spec.model_copy(update={"model": model, "options": {**spec.options, "preset": preset.name}})
        card, plan = self.check_inputs(spec)
        spec = without_lead(spec, card)
        run = self.run_options(spec)
        given = spec.options
        weights = locate(card, run)
        chosen: dict[str, EngineOption] = {
            "preset": preset.name,
            "steps": int(given.get("steps", run.steps or preset.steps)),
            "guidance": float(given.get("guidance", FAMILIES[card.family].guidance_for(card))),
            "dtype": dtype_name(run),
            "cache": run.cache,
            "vae_tiling": run.vae_tiling,
            "attention_backend": run.attention_backend,
            "weights": weights.fingerprint,
            "conform": CONFORM,
            **scheduler_settings(weights.folder),
        }
        if run.cache == "first_block":
            chosen["cache_threshold"] = run.cache_threshold
        elif run.cache == "taylorseer":
            chosen["cache_interval"] = run.cache_interval
        if card.mode in _STRENGTH_MODES:
            chosen["strength"] = float(given.get("strength", 1.0))
        if run.max_window_frames is not None:
            chosen["max_window_frames"] = run.max_window_frames
        chosen |= FAMILIES[card.family].card_settings(card, plan.width, plan.height)
        upsampler = chosen.get("upsampler")
        if isinstance(upsampler, str):
            chosen["upsampler_weights"] = locate(model_card(upsampler), run).fingerprint
        follower = continuation(card, plan)
        if follower is not None:
            chosen["continue_model"] = follower.name
            chosen["continue_weights"] = locate(follower, run).fingerprint
        if plan.carry > 1:
            chosen["seam"] = plan.carry  # frames carried window to window: how the take is joined
        kept = {key: value for key, value in given.items() if key not in RESOLVED_KEYS}
        return spec.model_copy(update={"model": card.name, "options": kept | chosen})

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        started = time.perf_counter()
        spec = self.resolve(spec)  # a no-op for the graph's (resolved) specs; callers may skip it
        card, plan = self.check_inputs(spec)
        frames = self.generate(spec, card, plan, progress)
        out = conform(frames, card.fps, spec)
        return write_painted_take(self.engine, spec, out, dest, started)

    def generate(
        self, spec: RenderSpec, card: ModelCard, plan: FramePlan, progress: ProgressFn | None
    ) -> np.ndarray:
        """All windows of a resolved spec's shot at the model's fps, continuation frames de-duplicated."""
        run = self.run_options(spec)
        steps = int(spec.options["steps"])
        windows = (plan.total,) if card.mode == "df" else plan.windows
        total_steps = steps * len(windows)
        size = (plan.width, plan.height)
        cond = spec.conditioning
        first = (
            load_image(cond.first_frame, "spec.conditioning.first_frame", size) if cond.first_frame else None
        )
        last = load_image(cond.last_frame, "spec.conditioning.last_frame", size) if cond.last_frame else None
        refs = [load_image(r, "spec.conditioning.reference_images", size) for r in cond.reference_images]
        control = None
        if cond.control_video is not None:
            control = load_video(
                cond.control_video, "spec.conditioning.control_video", size, plan.total, spec.fps, card.fps
            )
        lead = self.lead(spec, card, size)
        if lead:
            first = lead[-1]
        guidance = float(spec.options["guidance"])
        strength = float(spec.options.get("strength", 1.0))
        pieces: list[np.ndarray] = []
        carried: list[Image.Image] = []
        start = 0
        use = card
        for k, n in enumerate(windows):
            is_last = k == len(windows) - 1
            window = Window(
                prompt=spec.prompt or spec.shot.description,
                negative_prompt=spec.negative_prompt or None,
                width=plan.width,
                height=plan.height,
                num_frames=min(n, plan.windows[0]) if card.mode == "df" else n,
                steps=steps,
                guidance=guidance,
                fps=card.fps,
                first=first,
                last=last if is_last else None,
                control=control[start : start + n] if control else None,
                references=refs,
                strength=strength,
                long_frames=n if card.mode == "df" else None,
                settings=dict(spec.options),
                lead=lead if k == 0 else carried,
            )
            done = k * steps
            video = self._call(use, run, window, spec.seed + k, done, total_steps, progress)
            pieces.append(video if k == 0 else video[plan.carry :])
            first = Image.fromarray(video[-1])
            carried = [Image.fromarray(f) for f in video[-plan.carry :]] if plan.carry > 1 else []
            start += n - plan.carry
            use = continuation(card, plan) or card
        video = np.concatenate(pieces)
        shown = max(len(lead), 1 if cond.first_frame is not None else 0)
        if shown and len(video) > shown:
            video = video[shown:]  # the previous shot already showed them: no freeze at the cut
        return video

    def lead(self, spec: RenderSpec, card: ModelCard, size: tuple[int, int]) -> list[Image.Image]:
        """The previous shot's last frames to pin at this one's start (empty: none or one)."""
        ref = spec.conditioning.lead_video
        if ref is None or lead_count(card) < 2:
            return []
        path = verified(ref, "spec.conditioning.lead_video")
        frames = lead_frames(read_tail(path), card, spec.fps, card.fps)
        return [Image.fromarray(fit(frame, *size)) for frame in frames] if len(frames) > 1 else []

    def _call(
        self,
        card: ModelCard,
        run: DiffusionOptions,
        window: Window,
        seed: int,
        done: int,
        total: int,
        progress: ProgressFn | None,
    ) -> np.ndarray:
        """One pipeline call with a CPU generator (same seed → same take on any device)."""
        import torch

        offload = self.memory.offload_for(card)
        pipe = load_pipeline(card, run, offload)

        def on_step(_pipe: Any, step: int, _t: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
            if progress is not None:
                progress(min(total, done + step + 1), total)
            return {}

        try:
            with call_lock(pipe):
                reset_cache_state(pipe)
                call = Call(
                    pipe=pipe,
                    run=run,
                    generator=torch.Generator(device="cpu").manual_seed(seed),
                    seed=seed,
                    on_step=on_step,
                )
                frames = FAMILIES[card.family].shoot(card, window, call)
        except torch.cuda.OutOfMemoryError:
            where = f"at {window.width}x{window.height}x{window.num_frames}"
            raise oom_failure(card, self.memory, where, offload) from None
        except ValueError as exc:  # the user's input only when the pipeline's check_inputs said so
            raise pipeline_error(card, exc) from None
        except Exception as exc:
            if from_compiler(exc):
                raise pipeline_error(card, exc) from None
            raise
        return to_uint8(frames)
