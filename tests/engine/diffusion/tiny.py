"""Tiny random-weight diffusers pipelines, built in code with no hub access.

Each is saved under the real model name in a models folder, so the engine loads it exactly as it
would load real weights (`models_dir/<name>`, `local_files_only=True`). Configs are the ones
checked in /work/shared/FACTS.md; everything runs in well under a second on a CPU.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

_TEXT = (
    "a the and of in on at with to is man woman girl boy dog cat city street harbour sea light "
    "lighthouse night day rain snow walks runs looks smiles waits arrives late breath corner storm "
    "red blue green camera slow fast wide close shot maya otto"
)
WORDS = _TEXT.split()
VOCAB_SIZE = 3 + len(WORDS) + 1


def tokenizer() -> Any:
    """A WordLevel tokenizer (<pad>=0, </s>=1, <unk>=2) wrapped for transformers."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2} | {w: i + 3 for i, w in enumerate(WORDS)}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>"
    )


TINY_TEXT = dict(
    vocab_size=VOCAB_SIZE, d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4,
    relative_attention_num_buckets=8, pad_token_id=0, eos_token_id=1,
)  # fmt: skip
"""One tiny text-encoder shape for both families (FACTS.md: runs in well under 0.1 s)."""


def umt5() -> Any:
    from transformers import UMT5Config, UMT5EncoderModel

    return UMT5EncoderModel(UMT5Config(**TINY_TEXT)).eval()


def t5() -> Any:
    from transformers import T5Config, T5EncoderModel

    return T5EncoderModel(T5Config(**TINY_TEXT)).eval()


def wan_vae() -> Any:
    from diffusers import AutoencoderKLWan

    return AutoencoderKLWan(
        base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True]
    )


_WAN_T = {
    "patch_size": (1, 2, 2),
    "num_attention_heads": 2,
    "attention_head_dim": 12,
    "out_channels": 16,
    "text_dim": 32,
    "freq_dim": 256,
    "ffn_dim": 32,
    "cross_attn_norm": True,
    "qk_norm": "rms_norm_across_heads",
    "rope_max_seq_len": 32,
}


def wan_t2v(experts: int = 1, expand_timesteps: bool = False) -> Any:
    """Wan text-to-video; `experts=2` is Wan 2.2 A14B (a low-noise expert below boundary_ratio),
    `expand_timesteps` is TI2V-5B (per-token timesteps, which also gives it image-to-video)."""
    from diffusers import FlowMatchEulerDiscreteScheduler, WanPipeline, WanTransformer3DModel

    def transformer() -> Any:
        return WanTransformer3DModel(in_channels=16, num_layers=2, **_WAN_T)

    return WanPipeline(
        tokenizer=tokenizer(),
        text_encoder=umt5(),
        vae=wan_vae(),
        transformer=transformer(),
        transformer_2=transformer() if experts == 2 else None,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
        boundary_ratio=0.875 if experts == 2 else None,
        expand_timesteps=expand_timesteps,
    )


def wan_vace() -> Any:
    from diffusers import FlowMatchEulerDiscreteScheduler, WanVACEPipeline, WanVACETransformer3DModel

    return WanVACEPipeline(
        tokenizer=tokenizer(),
        text_encoder=umt5(),
        vae=wan_vae(),
        transformer=WanVACETransformer3DModel(
            in_channels=16, num_layers=3, vace_layers=[0, 2], vace_in_channels=96, **_WAN_T
        ),
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
    )


def wan_flf2v() -> Any:
    from diffusers import FlowMatchEulerDiscreteScheduler, WanImageToVideoPipeline, WanTransformer3DModel
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    encoder = CLIPVisionModelWithProjection(
        CLIPVisionConfig(
            hidden_size=4,
            projection_dim=4,
            num_hidden_layers=2,
            num_attention_heads=2,
            image_size=4,
            intermediate_size=16,
            patch_size=1,
        )
    ).eval()
    return WanImageToVideoPipeline(
        tokenizer=tokenizer(),
        text_encoder=umt5(),
        vae=wan_vae(),
        transformer=WanTransformer3DModel(
            in_channels=36, num_layers=2, image_dim=4, pos_embed_seq_len=2 * 17, **_WAN_T
        ),
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
        image_processor=CLIPImageProcessor(crop_size=4, size=4),
        image_encoder=encoder,
    )


def ltx_vae() -> Any:
    from diffusers import AutoencoderKLLTXVideo

    scaling = (True, True, False, False)
    return AutoencoderKLLTXVideo(
        in_channels=3,
        out_channels=3,
        latent_channels=8,
        block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8),
        layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1),
        spatio_temporal_scaling=scaling,
        decoder_spatio_temporal_scaling=scaling,
        decoder_inject_noise=(False,) * 5,
        upsample_residual=(False,) * 4,
        upsample_factor=(1,) * 4,
        timestep_conditioning=False,
        patch_size=1,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )


def ltx_condition(plain: bool = False) -> Any:
    from diffusers import (
        FlowMatchEulerDiscreteScheduler,
        LTXConditionPipeline,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )

    vae = ltx_vae()
    transformer = LTXVideoTransformer3DModel(
        in_channels=8,
        out_channels=8,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=4,
        attention_head_dim=8,
        cross_attention_dim=32,
        num_layers=1,
        caption_channels=32,
    )
    return (LTXPipeline if plain else LTXConditionPipeline)(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=vae,
        text_encoder=t5(),
        tokenizer=tokenizer(),
        transformer=transformer,
    )


def skyreels_df() -> Any:
    from diffusers import (
        SkyReelsV2DiffusionForcingPipeline,
        SkyReelsV2Transformer3DModel,
        UniPCMultistepScheduler,
    )

    return SkyReelsV2DiffusionForcingPipeline(
        tokenizer=tokenizer(),
        text_encoder=umt5(),
        vae=wan_vae(),
        transformer=SkyReelsV2Transformer3DModel(in_channels=16, num_layers=2, **_WAN_T),
        scheduler=UniPCMultistepScheduler(
            prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=5.0
        ),
    )


def _cogvideox(i2v: bool) -> Any:
    from diffusers import (
        AutoencoderKLCogVideoX,
        CogVideoXDDIMScheduler,
        CogVideoXImageToVideoPipeline,
        CogVideoXPipeline,
        CogVideoXTransformer3DModel,
    )

    transformer = CogVideoXTransformer3DModel(  # i2v: 5B-I2V's learned embeddings pin 32×32, 9 frames
        num_attention_heads=4,
        attention_head_dim=16 if i2v else 8,
        in_channels=8 if i2v else 4,
        out_channels=4,
        time_embed_dim=2,
        text_embed_dim=32,
        num_layers=1,
        sample_width=4,
        sample_height=4,
        sample_frames=9,
        patch_size=2,
        temporal_compression_ratio=4,
        max_text_seq_length=226,
        use_rotary_positional_embeddings=i2v,
        use_learned_positional_embeddings=i2v,
    )
    vae = AutoencoderKLCogVideoX(
        down_block_types=("CogVideoXDownBlock3D",) * 4,
        up_block_types=("CogVideoXUpBlock3D",) * 4,
        block_out_channels=(8, 8, 8, 8),
        latent_channels=4,
        layers_per_block=1,
        norm_num_groups=2,
        temporal_compression_ratio=4,
    )
    cls = CogVideoXImageToVideoPipeline if i2v else CogVideoXPipeline
    return cls(
        tokenizer=tokenizer(),
        text_encoder=t5(),
        vae=vae,
        transformer=transformer,
        scheduler=CogVideoXDDIMScheduler(),
    )


def ltx_upsampler() -> Any:
    """LTX 0.9.7's spatial latent upsampler on the tiny LTX VAE's 8 latent channels."""
    from diffusers import LTXLatentUpsamplePipeline
    from diffusers.pipelines.ltx.modeling_latent_upsampler import LTXLatentUpsamplerModel

    model = LTXLatentUpsamplerModel(in_channels=8, mid_channels=32, num_blocks_per_stage=1)
    return LTXLatentUpsamplePipeline(vae=ltx_vae(), latent_upsampler=model)


BUILDERS = {
    "wan2.1-t2v-1.3b": wan_t2v,
    "wan2.2-t2v-a14b": lambda: wan_t2v(experts=2),
    "wan2.2-ti2v-5b": lambda: wan_t2v(expand_timesteps=True),
    "wan2.1-vace-1.3b": wan_vace,
    "wan2.1-flf2v-14b-720p": wan_flf2v,
    "ltx-video": lambda: ltx_condition(plain=True),
    "ltx-video-0.9.7": ltx_condition,
    "ltxv-spatial-upscaler-0.9.7": ltx_upsampler,
    "skyreels-v2-df-1.3b-540p": skyreels_df,
    "cogvideox-5b": lambda: _cogvideox(i2v=False),
    "cogvideox-5b-i2v": lambda: _cogvideox(i2v=True),
}


def build_models(root: Path, names: tuple[str, ...] = tuple(BUILDERS)) -> Path:
    """save_pretrained every tiny pipeline into root/<model name>; returns root."""
    for name in names:
        torch.manual_seed(0)
        BUILDERS[name]().save_pretrained(root / name)
    return root
