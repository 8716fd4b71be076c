"""Named video models and quality presets: the one place that knows hub ids, native sizes and
frame rules, so the rest of the engine can plan a shot without loading anything.

No torch here: `storyreel models list` and the studio's settings read this module cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from film import BadInput

Family = Literal["wan", "ltx", "cogvideox", "skyreels"]
Mode = Literal["t2v", "i2v", "flf2v", "vace", "condition", "df", "upsample"]
"""What a pipeline can take: text only, a first frame, first+last frame, VACE control video and
references, LTX keyframe/video conditions, SkyReels diffusion forcing (long takes), or a latent upsampler
(LTX 0.9.7's second pass; not a video model of its own)."""


@dataclass(frozen=True)
class ModelCard:
    """One model as the engine sees it. `companions` names the model that takes over when a
    shot needs something this one cannot do (a first frame for a text-only model, a control
    video, or a continuation window), so continuity never silently drops."""

    name: str
    hub_id: str
    family: Family
    pipeline: str
    mode: Mode
    width: int
    height: int
    frames: int
    fps: int
    min_vram_gb: float
    size_multiple: int = 16
    frame_step: int = 4
    companions: dict[str, str] = field(default_factory=dict)
    weights_of: str = ""
    """Another card whose weights this one loads through a different pipeline class (TI2V-5B's
    image-to-video, LTX 2B's image-to-video): same folder, same fingerprint, shared components."""

    @property
    def weights_name(self) -> str:
        """The card name whose folder (`models_dir/<name>`) holds this card's weights."""
        return self.weights_of or self.name

    def check_frames(self, n: int, field_name: str = "num_frames") -> None:
        """The model's latent frame rule (Wan: 4k+1, LTX: 8k+1), as diffusers' check_inputs says it."""
        if n < 1 or (n - 1) % self.frame_step:
            raise BadInput(field_name, n, f"{self.name} needs num_frames % {self.frame_step} == 1, got {n}")

    def check_size(self, width: int, height: int, field_prefix: str = "size") -> None:
        """Height/width must divide by the VAE × patch stride, named like diffusers does it."""
        for label, value in (("height", height), ("width", width)):
            if value < self.size_multiple or value % self.size_multiple:
                raise BadInput(
                    f"{field_prefix}.{label}",
                    value,
                    f"{label} must be divisible by {self.size_multiple} for {self.name}, got {value}",
                )


_VACE13, _VACE14, _FLF = "wan2.1-vace-1.3b", "wan2.1-vace-14b", "wan2.1-flf2v-14b-720p"
_WAN_COMP = {"i2v": _VACE13, "vace": _VACE13, "continue": _VACE13, "last": _VACE13}
_WAN14_COMP = {"i2v": "wan2.1-i2v-14b-720p", "vace": _VACE14, "continue": "wan2.1-i2v-14b-720p", "last": _FLF}
_TI2V = "wan2.2-ti2v-5b-i2v"
_LTX_UP = "ltxv-spatial-upscaler-0.9.7"
_COG_COMP = {"i2v": "cogvideox-5b-i2v", "continue": "cogvideox-5b-i2v", "last": _VACE13}
# fmt: off
MODELS: dict[str, ModelCard] = {c.name: c for c in (
    ModelCard("wan2.1-t2v-1.3b", "Wan-AI/Wan2.1-T2V-1.3B-Diffusers", "wan", "WanPipeline", "t2v",
              832, 480, 81, 16, 8, companions=_WAN_COMP),
    ModelCard("wan2.1-t2v-14b", "Wan-AI/Wan2.1-T2V-14B-Diffusers", "wan", "WanPipeline", "t2v",
              1280, 720, 81, 16, 40, companions=_WAN14_COMP),
    ModelCard("wan2.2-ti2v-5b", "Wan-AI/Wan2.2-TI2V-5B-Diffusers", "wan", "WanPipeline", "t2v",
              1280, 704, 121, 24, 24, size_multiple=32,
              companions={"vace": _VACE13, "i2v": _TI2V, "continue": _TI2V, "last": _VACE13}),
    ModelCard(_TI2V, "Wan-AI/Wan2.2-TI2V-5B-Diffusers", "wan", "WanImageToVideoPipeline", "i2v",
              1280, 704, 121, 24, 24, size_multiple=32, weights_of="wan2.2-ti2v-5b",
              companions={"vace": _VACE13, "last": _VACE13}),
    ModelCard("wan2.2-t2v-a14b", "Wan-AI/Wan2.2-T2V-A14B-Diffusers", "wan", "WanPipeline", "t2v",
              1280, 720, 81, 16, 48, companions={**_WAN14_COMP, "i2v": "wan2.2-i2v-a14b",
                                                  "continue": "wan2.2-i2v-a14b"}),
    ModelCard("wan2.1-i2v-14b-480p", "Wan-AI/Wan2.1-I2V-14B-480P-Diffusers", "wan", "WanImageToVideoPipeline",
              "i2v", 832, 480, 81, 16, 40, companions={"last": _FLF, "vace": _VACE14}),
    ModelCard("wan2.1-i2v-14b-720p", "Wan-AI/Wan2.1-I2V-14B-720P-Diffusers", "wan", "WanImageToVideoPipeline",
              "i2v", 1280, 720, 81, 16, 40, companions={"last": _FLF, "vace": _VACE14}),
    ModelCard("wan2.2-i2v-a14b", "Wan-AI/Wan2.2-I2V-A14B-Diffusers", "wan", "WanImageToVideoPipeline",
              "i2v", 1280, 720, 81, 16, 48, companions={"last": _FLF, "vace": _VACE14}),
    ModelCard("wan2.1-flf2v-14b-720p", "Wan-AI/Wan2.1-FLF2V-14B-720P-diffusers", "wan",
              "WanImageToVideoPipeline", "flf2v", 1280, 720, 81, 16, 40),
    ModelCard("wan2.1-vace-1.3b", "Wan-AI/Wan2.1-VACE-1.3B-diffusers", "wan", "WanVACEPipeline", "vace",
              832, 480, 81, 16, 10),
    ModelCard("wan2.1-vace-14b", "Wan-AI/Wan2.1-VACE-14B-diffusers", "wan", "WanVACEPipeline", "vace",
              1280, 720, 81, 16, 40),
    ModelCard("ltx-video", "Lightricks/LTX-Video", "ltx", "LTXPipeline", "t2v", 768, 512, 161, 25, 12,
              size_multiple=32, frame_step=8,
              companions={"i2v": "ltx-video-i2v", "continue": "ltx-video-i2v", "last": "ltx-video-0.9.7"}),
    ModelCard("ltx-video-i2v", "Lightricks/LTX-Video", "ltx", "LTXImageToVideoPipeline", "i2v", 768, 512, 161,
              25, 12, size_multiple=32, frame_step=8, weights_of="ltx-video",
              companions={"last": "ltx-video-0.9.7"}),
    ModelCard("ltx-video-0.9.7", "Lightricks/LTX-Video-0.9.7-dev", "ltx", "LTXConditionPipeline", "condition",
              1216, 704, 161, 30, 24, size_multiple=32, frame_step=8,
              companions={"continue": "ltx-video-0.9.7", "upsample": _LTX_UP}),
    ModelCard(_LTX_UP, "Lightricks/ltxv-spatial-upscaler-0.9.7", "ltx", "LTXLatentUpsamplePipeline", "upsample",
              1216, 704, 161, 30, 2, size_multiple=32, frame_step=8),
    ModelCard("cogvideox-2b", "THUDM/CogVideoX-2b", "cogvideox", "CogVideoXPipeline", "t2v",
              720, 480, 49, 8, 12, companions=_COG_COMP),
    ModelCard("cogvideox-5b", "THUDM/CogVideoX-5b", "cogvideox", "CogVideoXPipeline", "t2v",
              720, 480, 49, 8, 16, companions=_COG_COMP),
    ModelCard("cogvideox-5b-i2v", "THUDM/CogVideoX-5b-I2V", "cogvideox", "CogVideoXImageToVideoPipeline",
              "i2v", 720, 480, 49, 8, 16, companions={"last": _VACE13}),
    ModelCard("skyreels-v2-df-1.3b-540p", "Skywork/SkyReels-V2-DF-1.3B-540P-Diffusers", "skyreels",
              "SkyReelsV2DiffusionForcingPipeline", "df", 960, 544, 97, 24, 12, size_multiple=16,
              companions={"i2v": _VACE13, "vace": _VACE13, "last": _VACE13}),
    ModelCard("skyreels-v2-df-14b-720p", "Skywork/SkyReels-V2-DF-14B-720P-Diffusers", "skyreels",
              "SkyReelsV2DiffusionForcingPipeline", "df", 1280, 720, 121, 24, 48,
              companions={"i2v": _VACE14, "vace": _VACE14, "last": _VACE14}),
)}
# fmt: on
"""Every model storyreel knows by name. Sizes/frames/fps are the model's native ones."""


@dataclass(frozen=True)
class Preset:
    """A quality level: denoising steps, how much of the native area to render, and the models
    to try best-first (the first that fits the free VRAM wins)."""

    name: str
    steps: int
    area_scale: float
    models: tuple[str, ...]


PRESETS: dict[str, Preset] = {
    "draft": Preset("draft", 12, 0.5, ("wan2.1-t2v-1.3b", "ltx-video")),
    "standard": Preset("standard", 30, 1.0, ("wan2.2-ti2v-5b", "wan2.1-t2v-1.3b", "ltx-video")),
    "final": Preset(
        "final", 50, 1.0, ("wan2.2-t2v-a14b", "wan2.1-t2v-14b", "wan2.2-ti2v-5b", "wan2.1-t2v-1.3b")
    ),
}


def model_card(name: str) -> ModelCard:
    """The card for `name`, or BadInput listing the names there are."""
    try:
        return MODELS[name]
    except KeyError:
        raise BadInput("model", name, f"unknown model; choose one of: {', '.join(MODELS)}") from None


def preset_for_vram(free_gb: float | None) -> Preset:
    """The best preset whose first-choice model fits: more VRAM, better takes; no GPU → draft."""
    if free_gb is None:
        return PRESETS["draft"]
    for name in ("final", "standard"):
        if MODELS[PRESETS[name].models[0]].min_vram_gb <= free_gb:
            return PRESETS[name]
    return PRESETS["draft"]


def choose_model(preset: Preset, free_gb: float | None) -> ModelCard:
    """The first model of the preset that fits in `free_gb` (None = no GPU: the smallest one)."""
    cards = [MODELS[n] for n in preset.models]
    if free_gb is None:
        return min(cards, key=lambda c: c.min_vram_gb)
    for card in cards:
        if card.min_vram_gb <= free_gb:
            return card
    return min(cards, key=lambda c: c.min_vram_gb)
