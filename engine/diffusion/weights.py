"""Where a model's weights lie on this machine, and a cheap fingerprint of them for the take cache.

A take must never be reused once its weights changed, yet hashing tens of gigabytes per shot is
out of the question. An HF cache snapshot is named by its commit, so the revision is the
fingerprint. A local `models_dir/<name>` folder gets a content fingerprint from what changes
when weights do: every file's path and size, small files (configs, tokenizers) whole, and for
large files the safetensors header plus evenly spaced samples of the tensor bytes (a fine-tune
of the same shapes changes them all). It is remembered per folder until a file's size or mtime
changes, so a film's shots pay for one `stat` walk each.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from engine.diffusion.options import DiffusionOptions
from engine.diffusion.registry import ModelCard
from film import RenderFailure
from film.render import EngineOption

SMALL_FILE = 256 * 1024
"""Files up to this size are hashed whole: configs, tokenizers, scheduler settings."""
SAMPLES = 32
SAMPLE_BYTES = 4096
MAX_HEADER = 64 * 2**20
"""A safetensors header larger than this is not one (the file is hashed like any other)."""

_Signature = tuple[tuple[str, int, int], ...]
_FOLDERS: dict[Path, tuple[_Signature, str]] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Weights:
    """One model's weights as the loader will find them."""

    folder: Path
    """The folder with model_index.json (a local folder or an HF cache snapshot)."""
    fingerprint: str
    """`hf:<commit>` for an HF cache snapshot, `dir:<sha256>` for a local folder."""


def pull_hint(card: ModelCard) -> str:
    return f"run `storyreel models pull {card.weights_name}`"


def missing_weights(card: ModelCard, options: DiffusionOptions, why: str) -> RenderFailure:
    """The one line for weights that are not on this machine, with the command that fetches them."""
    where = f" or {options.models_dir}/{card.weights_name}" if options.models_dir else ""
    return RenderFailure(
        f"model {card.name} ({card.hub_id}) is not on this machine (HF cache{where}); "
        f"{pull_hint(card)} [{why}]"
    )


def local_folder(card: ModelCard, options: DiffusionOptions) -> Path | None:
    """`models_dir/<name>` when it holds a saved pipeline (model_index.json), else None."""
    if options.models_dir is not None:
        folder = Path(options.models_dir) / card.weights_name
        if (folder / "model_index.json").is_file():
            return folder
    return None


def weights_source(card: ModelCard, options: DiffusionOptions) -> str:
    """A local folder `models_dir/<name>` when it has a model_index.json, else the hub id (which
    `local_files_only=True` resolves in the HF cache or fails fast)."""
    folder = local_folder(card, options)
    return str(folder) if folder is not None else card.hub_id


def locate(card: ModelCard, options: DiffusionOptions) -> Weights:
    """The weights `load_pipeline` will load for `card`, fingerprinted; RenderFailure with the
    pull hint when they are not here."""
    folder = local_folder(card, options)
    if folder is not None:
        return Weights(folder, f"dir:{folder_fingerprint(folder)}")
    from huggingface_hub import try_to_load_from_cache

    # the same lookup `from_pretrained(local_files_only=True)` does: refs/main → snapshots/<commit>
    index = try_to_load_from_cache(card.hub_id, "model_index.json")
    if not isinstance(index, str):
        raise missing_weights(card, options, "no model_index.json")
    snapshot = Path(index).parent
    return Weights(snapshot, f"hf:{snapshot.name}")


def component_identity(folder: Path, component: str) -> str | None:
    """What one component's weights are, for sharing a loaded component between pipelines (every
    Wan model ships the same UMT5 encoder and VAE): in an HF cache snapshot the files link to blobs
    named by their content hash, so the blob names are the identity; in a local folder, the
    component folder's content fingerprint. None when the folder does not have the component."""
    root = Path(folder) / component
    if not root.is_dir():
        return None
    files = sorted(p for p in root.rglob("*") if not _hidden(p.relative_to(root)) and p.is_file())
    if files and all(p.is_symlink() for p in files):
        names = "\n".join(f"{p.relative_to(root).as_posix()}\0{Path(os.readlink(p)).name}" for p in files)
        return "blobs:" + hashlib.sha256(names.encode()).hexdigest()
    return "dir:" + folder_fingerprint(root)


def folder_fingerprint(folder: Path) -> str:
    """Content fingerprint of a saved pipeline folder, recomputed only when a file changed."""
    folder = Path(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not _hidden(p.relative_to(folder)))
    stats = [p.stat() for p in files]
    signature = tuple(
        (p.relative_to(folder).as_posix(), s.st_size, s.st_mtime_ns)
        for p, s in zip(files, stats, strict=True)
    )
    with _LOCK:
        known = _FOLDERS.get(folder)
    if known is not None and known[0] == signature:
        return known[1]
    digest = hashlib.sha256()
    for path, (rel, size, _mtime) in zip(files, signature, strict=True):
        digest.update(f"{rel}\0{size}\0".encode())
        digest.update(_file_sample(path, size))
    value = digest.hexdigest()
    with _LOCK:
        _FOLDERS[folder] = (signature, value)
    return value


def _hidden(rel: Path) -> bool:
    """`.cache/huggingface/...` download metadata changes without the weights changing."""
    return any(part.startswith(".") for part in rel.parts)


def _file_sample(path: Path, size: int) -> bytes:
    """A small file whole; a large one as its safetensors header and evenly spaced samples."""
    with open(path, "rb") as handle:
        if size <= SMALL_FILE:
            return handle.read()
        parts = [_safetensors_header(handle, size) if path.suffix == ".safetensors" else b""]
        for i in range(SAMPLES):
            handle.seek(i * (size - SAMPLE_BYTES) // (SAMPLES - 1))
            parts.append(handle.read(SAMPLE_BYTES))
    return hashlib.sha256(b"".join(parts)).digest()


def _safetensors_header(handle: BinaryIO, size: int) -> bytes:
    """The JSON header (tensor names, shapes, dtypes, offsets) at the start of a safetensors file."""
    (length,) = struct.unpack("<Q", handle.read(8))
    if length > min(MAX_HEADER, size - 8):
        return b""
    return handle.read(length)


def scheduler_settings(folder: Path) -> dict[str, EngineOption]:
    """The scheduler the pipeline loads and its timestep shift (`flow_shift` or `shift`), as its
    saved config says; a take records them so a changed shift never reuses an old take."""
    path = Path(folder) / "scheduler" / "scheduler_config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[str, EngineOption] = {}
    if isinstance(config.get("_class_name"), str):
        found["scheduler"] = config["_class_name"]
    for key in ("flow_shift", "shift"):
        value = config.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            found["shift"] = float(value)
            break
    return found
