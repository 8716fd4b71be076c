"""What the diffusion engine costs on top of diffusers itself.

Run: `.venv/bin/python benchmarks/bench_engine.py [--reps 7]` (CPU is fine, no weights needed).
Builds a tiny random-weight Wan 2.1 pipeline, saves it into a temp models folder, then times,
interleaved rep by rep, (a) a direct `WanPipeline.__call__` at the same seed, size, frames and
steps plus encoding its frames with the shared FrameWriter (what a hand-written script must do
too), and (b) `DiffusionRenderer.render()` of the equivalent RenderSpec (planning, conditioning,
progress hook, conforming, encoding, the last-frame sidecar). Both use the same pipeline object,
loaded before timing. Checks both give the same frames.
Last line: `engine_overhead: <median engine/direct ratio>` (goal ≤ 1.05).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from engine.diffusion import DiffusionOptions, DiffusionRenderer  # noqa: E402
from engine.diffusion.frames import to_uint8  # noqa: E402
from engine.diffusion.loading import load_pipeline  # noqa: E402
from engine.diffusion.registry import model_card  # noqa: E402
from engine.media import FrameWriter, read_frames  # noqa: E402
from film import RenderSpec  # noqa: E402
from tests.engine.conftest import CAST, SCENE, make_shot  # noqa: E402
from tests.engine.diffusion.tiny import build_models  # noqa: E402

MODEL = "wan2.1-t2v-1.3b"
PROMPT = "maya waits at the corner in the rain"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=9)
    parser.add_argument("--size", type=int, default=64, help="square size in px (multiple of 16)")
    parser.add_argument("--frames", type=int, default=17, help="4k+1 frames")
    parser.add_argument("--steps", type=int, default=4)
    args = parser.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        models_dir = build_models(root / "models", (MODEL,))
        options = DiffusionOptions(models_dir=models_dir, preset="draft", device="cpu")
        renderer = DiffusionRenderer(options)
        spec = RenderSpec(
            engine="diffusion", shot=make_shot(frames=args.frames), scene=SCENE, characters=CAST,
            seed=11, width=args.size, height=args.size, fps=16, model=MODEL, prompt=PROMPT,
            options={"steps": args.steps},
        )  # fmt: skip
        # the very pipeline object the engine caches: the only difference measured is the engine
        direct_pipe = load_pipeline(model_card(MODEL), options)

        def direct(dest: Path) -> None:
            out = direct_pipe(
                prompt=PROMPT, height=args.size, width=args.size, num_frames=args.frames,
                num_inference_steps=args.steps, guidance_scale=5.0,
                generator=torch.Generator(device="cpu").manual_seed(spec.seed), output_type="np",
            )  # fmt: skip
            with FrameWriter(dest, args.size, args.size, 16) as writer:
                for frame in to_uint8(out.frames):
                    writer.write(frame)

        def engine(dest: Path) -> None:
            renderer.render(spec, dest)

        direct(root / "warm_d.mp4")  # warm-up: first-call allocations and lazy imports
        engine(root / "warm_e.mp4")
        same = np.array_equal(read_frames(root / "warm_d.mp4"), read_frames(root / "warm_e.mp4"))
        ratios = []
        for i in range(args.reps):
            runs = {}
            for name, fn in ((("direct", direct), ("engine", engine)) if i % 2 == 0 else
                             (("engine", engine), ("direct", direct))):  # fmt: skip
                started = time.perf_counter()
                fn(root / f"{name}{i}.mp4")
                runs[name] = time.perf_counter() - started
            ratios.append(runs["engine"] / runs["direct"])
            print(f"rep {i}: direct {runs['direct']:.3f}s engine {runs['engine']:.3f}s", flush=True)
        print(f"{args.size}x{args.size}x{args.frames}, {args.steps} steps; same frames: {same}")
        print(f"engine_overhead: {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
