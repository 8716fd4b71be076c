"""Named video models and quality presets: the one place that knows hub ids, native sizes, frame
rules and how much GPU memory each model needs, so the rest of the engine can plan a shot (and
choose a model that fits the GPU) without loading anything.

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

GB_PER_GIB = 2**30 / 1e9
"""Hub sizes are decimal GB; GPUs report binary GiB (a "24 GB" card shows 23.99 GiB)."""
DENOISERS = ("transformer", "transformer_2", "latent_upsampler")
"""The components that run every step: they and the working memory share the GPU under model offload."""
LAYER_GIB = 2.0
"""The largest single layer sequential offload streams in (UMT5-XXL's 256k×4096 embedding in bf16)."""


@dataclass(frozen=True)
class ModelCard:
    """One model as the engine sees it. `companions` names the model that takes over when a
    shot needs something this one cannot do (a first frame for a text-only model, a control
    video, a last frame, or a continuation window), so continuity never silently drops."""

    name: str
    hub_id: str
    family: Family
    pipeline: str
    mode: Mode
    width: int
    height: int
    frames: int
    fps: int
    weights_gb: dict[str, float]
    """Component → size in GB as loaded (bf16; the Wan/SkyReels VAE and CLIP image encoder in fp32)."""
    working_gib: float
    """Activations and the VAE decode at the native size, in GiB: what a call needs beyond the weights."""
    sizes_from: str = ""
    """Where the component sizes come from (parameter counts × bytes per parameter)."""
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

    @property
    def vram_gib(self) -> float:
        """GPU memory without offload: every component resident plus the working memory."""
        return sum(self.weights_gb.values()) / GB_PER_GIB + self.working_gib

    @property
    def offload_vram_gib(self) -> float:
        """GPU memory with model offload, which moves one component at a time to the GPU (Wan 2.2
        A14B's two experts separately): the largest component, or a denoiser plus working memory."""
        largest = max(self.weights_gb.values())
        denoiser = max(self.weights_gb.get(name, 0.0) for name in DENOISERS)
        return max(largest / GB_PER_GIB, denoiser / GB_PER_GIB + self.working_gib)

    @property
    def sequential_vram_gib(self) -> float:
        """GPU memory with sequential (or leaf-level group) offload: layers stream through one by one."""
        return min(self.working_gib + LAYER_GIB, self.offload_vram_gib)

    @property
    def denoiser_gb(self) -> float:
        """Size of what runs every step: the model's "1.3B" or "14B", and its speed on any device."""
        return sum(self.weights_gb.get(name, 0.0) for name in DENOISERS)

    def needs_gib(self, offload: str) -> float:
        """The VRAM figure for an offload mode ('auto' counts as model offload: its usual outcome)."""
        if offload == "none":
            return self.vram_gib
        if offload in ("model", "auto"):
            return self.offload_vram_gib
        return self.sequential_vram_gib

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


# Real component sizes (GB, parameters × 2 bytes in bf16, × 4 in fp32):
UMT5 = 11.4  # UMT5-XXL encoder, 5.7B: every Wan and SkyReels model
T5 = 9.5  # T5-v1.1-XXL encoder, 4.8B: LTX-Video and CogVideoX
WAN_VAE, WAN22_VAE = 0.5, 2.8  # Wan 2.1 VAE (127M) and Wan 2.2's 16×16 VAE (700M), fp32
CLIP = 2.5  # open-clip XLM-RoBERTa ViT-H/14 image encoder of Wan I2V/FLF2V, fp32
WAN13, WAN14, TI2V5 = 2.84, 28.6, 10.0  # Wan transformers: 1.42B, 14.3B, 5B
VACE13, VACE14 = 4.3, 34.5  # the Wan transformers plus 15 / 8 VACE blocks (≈2.15B / 17.3B, estimated)
LTX2B, LTX13B, LTX_VAE, LTX_UP = 3.8, 26.0, 0.9, 0.5  # LTX 0.9.x 1.9B, 0.9.7-dev 13B, VAE 0.47B, upsampler
COG2B, COG5B, COG_VAE = 3.4, 11.0, 0.43  # CogVideoX transformers 1.7B / 5.6B, VAE 215M


def _wan(transformer: float, vae: float = WAN_VAE, **more: float) -> dict[str, float]:
    return {"text_encoder": UMT5, "transformer": transformer, "vae": vae, **more}


def _t5(transformer: float, vae: float) -> dict[str, float]:
    return {"text_encoder": T5, "transformer": transformer, "vae": vae}


_VACE13, _VACE14, _FLF = "wan2.1-vace-1.3b", "wan2.1-vace-14b", "wan2.1-flf2v-14b-720p"
_WAN_COMP = {"i2v": _VACE13, "vace": _VACE13, "continue": _VACE13, "last": _VACE13}
_WAN14_COMP = {"i2v": "wan2.1-i2v-14b-720p", "vace": _VACE14, "continue": "wan2.1-i2v-14b-720p", "last": _FLF}
_TI2V = "wan2.2-ti2v-5b-i2v"
_LTX_UP = "ltxv-spatial-upscaler-0.9.7"
_COG_COMP = {"i2v": "cogvideox-5b-i2v", "continue": "cogvideox-5b-i2v", "last": _VACE13}
_WAN_SRC = "Wan2.1 report: 1.3B/14B DiT, umt5-xxl, 127M VAE; 1.3B T2V 8.19 GB with T5 on CPU + offload"
_WAN22_SRC = "Wan2.2 README: TI2V-5B (5B DiT, 2.8 GB VAE) on 24 GB with offload; A14B = two 14B experts"
_LTX_SRC = "LTX-Video model cards: 2B (0.9.1-0.9.5) and 13B (0.9.7-dev) DiT, T5-v1.1-XXL encoder"
_COG_SRC = "CogVideoX README: 2B/5B DiT, T5-v1.1-XXL encoder; ~18/26 GB in bf16 without offload"
# fmt: off
MODELS: dict[str, ModelCard] = {c.name: c for c in (
    ModelCard("wan2.1-t2v-1.3b", "Wan-AI/Wan2.1-T2V-1.3B-Diffusers", "wan", "WanPipeline", "t2v",
              832, 480, 81, 16, _wan(WAN13), 5.5, _WAN_SRC, companions=_WAN_COMP),
    ModelCard("wan2.1-t2v-14b", "Wan-AI/Wan2.1-T2V-14B-Diffusers", "wan", "WanPipeline", "t2v",
              1280, 720, 81, 16, _wan(WAN14), 10, _WAN_SRC, companions=_WAN14_COMP),
    ModelCard("wan2.2-ti2v-5b", "Wan-AI/Wan2.2-TI2V-5B-Diffusers", "wan", "WanPipeline", "t2v",
              1280, 704, 121, 24, _wan(TI2V5, WAN22_VAE), 9, _WAN22_SRC, size_multiple=32,
              companions={"vace": _VACE13, "i2v": _TI2V, "continue": _TI2V, "last": _VACE13}),
    ModelCard(_TI2V, "Wan-AI/Wan2.2-TI2V-5B-Diffusers", "wan", "WanImageToVideoPipeline", "i2v",
              1280, 704, 121, 24, _wan(TI2V5, WAN22_VAE), 9, _WAN22_SRC, size_multiple=32,
              weights_of="wan2.2-ti2v-5b", companions={"vace": _VACE13, "last": _VACE13}),
    ModelCard("wan2.2-t2v-a14b", "Wan-AI/Wan2.2-T2V-A14B-Diffusers", "wan", "WanPipeline", "t2v",
              1280, 720, 81, 16, _wan(WAN14, transformer_2=WAN14), 10, _WAN22_SRC,
              companions={**_WAN14_COMP, "i2v": "wan2.2-i2v-a14b", "continue": "wan2.2-i2v-a14b"}),
    ModelCard("wan2.1-i2v-14b-480p", "Wan-AI/Wan2.1-I2V-14B-480P-Diffusers", "wan", "WanImageToVideoPipeline",
              "i2v", 832, 480, 81, 16, _wan(WAN14, image_encoder=CLIP), 6, _WAN_SRC,
              companions={"last": _FLF, "vace": _VACE14}),
    ModelCard("wan2.1-i2v-14b-720p", "Wan-AI/Wan2.1-I2V-14B-720P-Diffusers", "wan", "WanImageToVideoPipeline",
              "i2v", 1280, 720, 81, 16, _wan(WAN14, image_encoder=CLIP), 10, _WAN_SRC,
              companions={"last": _FLF, "vace": _VACE14}),
    ModelCard("wan2.2-i2v-a14b", "Wan-AI/Wan2.2-I2V-A14B-Diffusers", "wan", "WanImageToVideoPipeline",
              "i2v", 1280, 720, 81, 16, _wan(WAN14, transformer_2=WAN14), 10, _WAN22_SRC,
              companions={"last": _FLF, "vace": _VACE14}),
    ModelCard(_FLF, "Wan-AI/Wan2.1-FLF2V-14B-720P-diffusers", "wan", "WanImageToVideoPipeline", "flf2v",
              1280, 720, 81, 16, _wan(WAN14, image_encoder=CLIP), 10, _WAN_SRC),
    ModelCard(_VACE13, "Wan-AI/Wan2.1-VACE-1.3B-diffusers", "wan", "WanVACEPipeline", "vace",
              832, 480, 81, 16, _wan(VACE13), 6, _WAN_SRC + "; VACE blocks estimated"),
    ModelCard(_VACE14, "Wan-AI/Wan2.1-VACE-14B-diffusers", "wan", "WanVACEPipeline", "vace",
              1280, 720, 81, 16, _wan(VACE14), 11, _WAN_SRC + "; VACE blocks estimated"),
    ModelCard("ltx-video", "Lightricks/LTX-Video", "ltx", "LTXPipeline", "t2v", 768, 512, 161, 25,
              _t5(LTX2B, LTX_VAE), 4, _LTX_SRC, size_multiple=32, frame_step=8,
              companions={"i2v": "ltx-video-i2v", "continue": "ltx-video-i2v", "last": "ltx-video-0.9.7"}),
    ModelCard("ltx-video-i2v", "Lightricks/LTX-Video", "ltx", "LTXImageToVideoPipeline", "i2v", 768, 512, 161,
              25, _t5(LTX2B, LTX_VAE), 4, _LTX_SRC, size_multiple=32, frame_step=8, weights_of="ltx-video",
              companions={"last": "ltx-video-0.9.7"}),
    ModelCard("ltx-video-0.9.7", "Lightricks/LTX-Video-0.9.7-dev", "ltx", "LTXConditionPipeline", "condition",
              1216, 704, 161, 30, _t5(LTX13B, LTX_VAE), 8, _LTX_SRC, size_multiple=32, frame_step=8,
              companions={"continue": "ltx-video-0.9.7", "upsample": _LTX_UP}),
    ModelCard(_LTX_UP, "Lightricks/ltxv-spatial-upscaler-0.9.7", "ltx", "LTXLatentUpsamplePipeline",
              "upsample", 1216, 704, 161, 30, {"latent_upsampler": LTX_UP, "vae": LTX_VAE}, 2, _LTX_SRC,
              size_multiple=32, frame_step=8),
    ModelCard("cogvideox-2b", "THUDM/CogVideoX-2b", "cogvideox", "CogVideoXPipeline", "t2v",
              720, 480, 49, 8, _t5(COG2B, COG_VAE), 4, _COG_SRC, companions=_COG_COMP),
    ModelCard("cogvideox-5b", "THUDM/CogVideoX-5b", "cogvideox", "CogVideoXPipeline", "t2v",
              720, 480, 49, 8, _t5(COG5B, COG_VAE), 5, _COG_SRC, companions=_COG_COMP),
    ModelCard("cogvideox-5b-i2v", "THUDM/CogVideoX-5b-I2V", "cogvideox", "CogVideoXImageToVideoPipeline",
              "i2v", 720, 480, 49, 8, _t5(COG5B, COG_VAE), 5, _COG_SRC, companions={"last": _VACE13}),
    ModelCard("skyreels-v2-df-1.3b-540p", "Skywork/SkyReels-V2-DF-1.3B-540P-Diffusers", "skyreels",
              "SkyReelsV2DiffusionForcingPipeline", "df", 960, 544, 97, 24, _wan(WAN13), 6,
              "SkyReels-V2 model card: Wan2.1 1.3B architecture", size_multiple=16,
              companions={"i2v": _VACE13, "vace": _VACE13, "last": _VACE13}),
    ModelCard("skyreels-v2-df-14b-720p", "Skywork/SkyReels-V2-DF-14B-720P-Diffusers", "skyreels",
              "SkyReelsV2DiffusionForcingPipeline", "df", 1280, 720, 121, 24, _wan(WAN14), 12,
              "SkyReels-V2 model card: Wan2.1 14B architecture",
              companions={"i2v": _VACE14, "vace": _VACE14, "last": _VACE14}),
)}
# fmt: on
"""Every model storyreel knows by name. Sizes/frames/fps are the model's native ones."""


@dataclass(frozen=True)
class Preset:
    """A quality level: denoising steps, how much of the native area to render, and the models
    to try best-first (the first that fits the GPU wins)."""

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


def preset_for_vram(total_gib: float | None, offload: str = "auto") -> Preset:
    """The best preset whose first-choice model fits `total_gib` (the GPU's total, in GiB) with the
    figure of `offload` ('auto' allows model offload): more VRAM, better takes; no GPU → draft."""
    if total_gib is None:
        return PRESETS["draft"]
    for name in ("final", "standard"):
        if MODELS[PRESETS[name].models[0]].needs_gib(offload) <= total_gib:
            return PRESETS[name]
    return PRESETS["draft"]


def choose_model(preset: Preset, total_gib: float | None, offload: str = "auto") -> ModelCard:
    """The first model of the preset that fits `total_gib` with the figure of `offload`; else (or
    without a GPU) the one with the lightest denoiser, the fastest fallback on a CPU too."""
    cards = [MODELS[n] for n in preset.models]
    if total_gib is not None:
        for card in cards:
            if card.needs_gib(offload) <= total_gib:
                return card
    return min(cards, key=lambda c: c.denoiser_gb)
