"""Wan 2.1 T2V 1.3B on a GPU: vanilla settings against our optimized ones, with the PSNR
between the two takes (how much the speed-up changed the pictures).

Run: `STORYREEL_MODELS_DIR=/path/to/models .venv/bin/python benchmarks/bench_engine_gpu.py`
(weights from `storyreel models pull wan2.1-t2v-1.3b`, or already in the HF cache). Without a
CUDA GPU or without the weights it prints why and exits 0, so it is safe in any CI.
Optimized = bf16 + FirstBlockCache (threshold 0.05) + compiled repeated blocks; override with
--cache {first_block,taylorseer,none}, --no-compile, --attention BACKEND.
Each take prints its peak VRAM next to the registry's figure for the offload mode it ran with
(`peak X GiB vs registry Y GiB`), so the model cards' figures can be checked on real GPUs.
Last line: `gpu: vanilla=<s> optimized=<s> speedup=<x> psnr=<dB>`.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODEL = "wan2.1-t2v-1.3b"
PROMPT = (
    "A lighthouse keeper in a yellow raincoat climbs the spiral stairs at dusk, storm waves "
    "crashing below, cinematic, 35mm, volumetric light"
)


def psnr(a: object, b: object) -> float:
    import numpy as np

    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    mse = float(np.mean((x - y) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255.0**2 / mse)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=81, help="shot frames at 16 fps")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--cache", default="first_block", choices=("first_block", "taylorseer", "none"))
    parser.add_argument("--no-compile", action="store_true")
    parser.add_argument("--attention", default="", help="e.g. flash, sage, _native_cudnn")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("bench_engine_gpu: torch is not installed; skipped")
        return 0
    if not torch.cuda.is_available():
        print("bench_engine_gpu: no CUDA GPU here; skipped")
        return 0

    from engine.diffusion import DiffusionRenderer, model_card
    from engine.diffusion.loading import clear_pipelines, concrete_offload
    from engine.media import read_frames
    from film import RenderFailure, RenderSpec
    from studio.models import diffusion_options, verify_files
    from tests.engine.conftest import CAST, SCENE, make_shot

    base = diffusion_options().model_copy(update={"device": "cuda", "dtype": "bfloat16"})
    try:
        verify_files(model_card(MODEL), base)
    except RenderFailure as exc:
        print(f"bench_engine_gpu: {exc}; skipped")
        return 0
    optimized = base.model_copy(
        update={"cache": args.cache, "compile": not args.no_compile, "attention_backend": args.attention}
    )
    spec = RenderSpec(
        engine="diffusion", shot=make_shot(frames=args.frames), scene=SCENE, characters=CAST, seed=42,
        width=832, height=480, fps=16, model=MODEL, prompt=PROMPT, options={"steps": args.steps},
    )  # fmt: skip
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, opts in (("vanilla", base), ("optimized", optimized)):
            renderer = DiffusionRenderer(opts)
            renderer.render(spec.model_copy(update={"options": {"steps": 2}}), Path(tmp) / "warm.mp4")
            torch.cuda.synchronize()
            started = time.perf_counter()
            take = renderer.render(spec, Path(tmp) / f"{name}.mp4")
            torch.cuda.synchronize()
            results[name] = (time.perf_counter() - started, read_frames(Path(take.path)))
            peak = torch.cuda.max_memory_allocated() / 2**30
            card = model_card(MODEL)
            mode = concrete_offload(card, opts)
            print(
                f"{name}: {results[name][0]:.1f}s, peak {peak:.1f} GiB vs registry "
                f"{card.needs_gib(mode):.1f} GiB (offload={mode})"
            )
            clear_pipelines()
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
    (t_v, f_v), (t_o, f_o) = results["vanilla"], results["optimized"]
    print(f"gpu: vanilla={t_v:.1f} optimized={t_o:.1f} speedup={t_v / t_o:.2f} psnr={psnr(f_v, f_o):.1f}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
