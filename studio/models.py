"""`storyreel models list | pull NAME | verify NAME`: the video model weights on this machine.

Weights live in the HF cache or in `STORYREEL_DIFFUSION_MODELS_DIR/<name>` (also read from
`STORYREEL_MODELS_DIR`); the engine only ever loads them with `local_files_only=True`, so
`pull` is the one command that touches the network. The engines' options come from the one
Settings object (`diffusion_options()`, `comfyui_options()`), which keeps the engine free of
environment reading. The model registry is imported inside the commands, so `storyreel --help`
does not load it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from studio.errors import friendly, results

if TYPE_CHECKING:
    from engine.comfyui import ComfyUIOptions
    from engine.diffusion import DiffusionOptions, ModelCard

app = typer.Typer(help="Video model weights: list, pull, verify.", no_args_is_help=True, add_completion=False)


def diffusion_options(environ: Mapping[str, str] | None = None) -> DiffusionOptions:
    """DiffusionOptions from `STORYREEL_DIFFUSION_*` (e.g. `..._OFFLOAD=model`, `..._CACHE=first_block`)."""
    from studio.settings import load_settings

    return load_settings(environ).diffusion


def comfyui_options(environ: Mapping[str, str] | None = None) -> ComfyUIOptions:
    """ComfyUIOptions from `STORYREEL_COMFYUI_*` (e.g. `..._URL`, `..._WORKFLOW`, `..._MAPPING`)."""
    from studio.settings import load_settings

    return load_settings(environ).comfyui


def local_folder(card: ModelCard, options: DiffusionOptions) -> Path | None:
    if options.models_dir is None:
        return None
    return Path(options.models_dir) / card.weights_name


def where(card: ModelCard, options: DiffusionOptions) -> str:
    """'folder', 'hf-cache' or 'missing', judged by model_index.json only (cheap, for `list`)."""
    folder = local_folder(card, options)
    if folder is not None and (folder / "model_index.json").is_file():
        return "folder"
    from huggingface_hub import try_to_load_from_cache

    cached = try_to_load_from_cache(card.hub_id, "model_index.json")
    return "hf-cache" if isinstance(cached, str) else "missing"


@app.command("list")
@friendly
def list_models() -> None:
    """Every model storyreel knows, its native size and frames, the VRAM it needs without and with
    model offload (GiB, as GPUs report it), and whether its weights are here."""
    from rich.table import Table

    from engine.diffusion import MODELS

    options = diffusion_options()
    table = Table(
        "name", "family", "mode", "native", "frames@fps", "VRAM", "VRAM offload", "weights", "hub id"
    )
    for card in MODELS.values():
        table.add_row(
            card.name,
            card.family,
            card.mode,
            f"{card.width}x{card.height}",
            f"{card.frames}@{card.fps}",
            f"{card.vram_gib:.1f} GiB",
            f"{card.offload_vram_gib:.1f} GiB",
            where(card, options),
            card.hub_id,
        )
    results.print(table)


@app.command("pull")
@friendly
def pull(name: Annotated[str, typer.Argument(help="Model name from `storyreel models list`.")]) -> None:
    """Download a model's weights (into STORYREEL_DIFFUSION_MODELS_DIR/<name>, else the HF cache):
    only its diffusers folders, never the single-file checkpoints some repos keep beside them."""
    from engine.diffusion import model_card
    from film import RenderFailure

    card = model_card(name)
    owner = model_card(card.weights_name)  # an i2v card that loads its t2v sibling's weights
    options = diffusion_options()
    folder = local_folder(owner, options)
    try:
        patterns = pull_patterns(owner.hub_id, folder)
        results.print(f"{card.name}: {download_size(owner.hub_id, patterns) / 1e9:.1f} GB to download")
        from huggingface_hub import snapshot_download

        path = snapshot_download(repo_id=owner.hub_id, local_dir=folder, allow_patterns=patterns)
    except Exception as exc:  # offline, 401/404, disk full: all one line for the user
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RenderFailure(f"could not download {card.name} ({owner.hub_id}): {reason[:200]}") from None
    results.print(f"{card.name}: {path}")


def components(index: Mapping[str, object]) -> list[str]:
    """The component folders a model_index.json names (entries like `"vae": ["diffusers", ...]`)."""
    return [
        key
        for key, value in index.items()
        if not key.startswith("_") and isinstance(value, list) and value and value[0]
    ]


def pull_patterns(repo_id: str, folder: Path | None) -> list[str]:
    """`model_index.json` and one `<component>/*` per component it names: Lightricks/LTX-Video keeps
    28 GB of single-file checkpoints at its root that a diffusers pipeline never reads."""
    from huggingface_hub import hf_hub_download

    index_path = hf_hub_download(repo_id=repo_id, filename="model_index.json", local_dir=folder)
    index = json.loads(Path(index_path).read_text(encoding="utf-8"))
    return ["model_index.json", *(f"{name}/*" for name in components(index))]


def download_size(repo_id: str, patterns: list[str]) -> int:
    """Bytes of the repo's files that `patterns` select, from the hub's file metadata."""
    from fnmatch import fnmatch

    from huggingface_hub import HfApi

    info = HfApi().model_info(repo_id, files_metadata=True)
    return sum(
        sibling.size or 0
        for sibling in info.siblings or []
        if any(fnmatch(sibling.rfilename, pattern) for pattern in patterns)
    )


def verify_files(card: ModelCard, options: DiffusionOptions) -> Path:
    """The model's folder with every component model_index.json names; RenderFailure otherwise."""
    from film import RenderFailure

    folder = local_folder(card, options)
    if folder is None or not (folder / "model_index.json").is_file():
        from huggingface_hub import snapshot_download

        try:
            folder = Path(snapshot_download(repo_id=card.hub_id, local_files_only=True))
        except Exception:
            raise RenderFailure(
                f"model {card.name} ({card.hub_id}) is not on this machine; "
                f"run `storyreel models pull {card.name}`"
            ) from None
    index = json.loads((folder / "model_index.json").read_text(encoding="utf-8"))
    missing = [key for key in components(index) if not (folder / key).is_dir()]
    if missing:
        raise RenderFailure(
            f"model {card.name} at {folder} lacks {', '.join(missing)}; "
            f"run `storyreel models pull {card.name}` again"
        )
    return folder


@app.command("verify")
@friendly
def verify(
    name: Annotated[str, typer.Argument(help="Model name from `storyreel models list`.")],
    load: Annotated[
        bool, typer.Option("--load", help="Also load the pipeline (slow, proves it works).")
    ] = False,
) -> None:
    """Check a model's files are all here (and, with --load, that diffusers can load them)."""
    from engine.diffusion import model_card

    card = model_card(name)
    options = diffusion_options()
    folder = verify_files(card, options)
    if load:
        from engine.diffusion.loading import load_pipeline

        load_pipeline(card, options)
    results.print(f"{card.name}: ok ({folder})")
