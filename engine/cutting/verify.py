"""Reading a video's provenance back: what `storyreel verify FILE` reports.

Three independent marks, so a file that lost one (metadata stripped by an upload, a sidecar left
behind, a re-encode) still says what it is: the container's AI label, the C2PA manifest (signed in
the file, or the sidecar bound to it by hash), and the invisible watermark in the pixels.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from engine.cutting.provenance import sidecar_path
from engine.media import ffmpeg_exe
from engine.watermark import Watermark
from film import BadInput
from film.disclosure import AI_LABEL, BUG_TEXT, DIGITAL_SOURCE_TYPE
from film.files import file_sha256


@dataclass(frozen=True)
class Mark:
    """One provenance mark: whether it is there, and what was seen."""

    name: str
    found: bool
    detail: str

    def line(self) -> str:
        return f"{self.name}: {'yes' if self.found else 'no'} ({self.detail})"


@dataclass(frozen=True)
class Provenance:
    """The marks of one file; it is known AI-made when any of them is found."""

    path: Path
    label: Mark
    c2pa: Mark
    watermark: Mark

    @property
    def marks(self) -> tuple[Mark, Mark, Mark]:
        return self.label, self.c2pa, self.watermark

    @property
    def ai_made(self) -> bool:
        return any(m.found for m in self.marks)

    def summary(self) -> str:
        found = [m.name for m in self.marks if m.found]
        if not found:
            return f"{self.path.name}: no storyreel provenance found"
        return f"{self.path.name}: AI-generated (shown by {', '.join(found)})"

    def as_json(self) -> dict[str, object]:
        marks = {m.name: {"found": m.found, "detail": m.detail} for m in self.marks}
        return {"file": str(self.path), "ai_generated": self.ai_made, **marks}


def container_tags(path: Path) -> dict[str, str]:
    """The file's global metadata tags, read by ffmpeg (there is no ffprobe here)."""
    done = subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True,
        timeout=120,
    )
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["unreadable"]
        raise BadInput("file", str(path), f"is not a video ffmpeg can read ({reason[0]})")
    tags: dict[str, str] = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
        key, sep, value = line.partition("=")
        if sep:
            tags[key.lower()] = value
    return tags


def label_mark(path: Path) -> Mark:
    tags = container_tags(path)
    for key in ("comment", "description"):
        if AI_LABEL in tags.get(key, "") or BUG_TEXT.lower() in tags.get(key, "").lower():
            return Mark("label", True, f"container {key}: {tags[key][:80]!r}")
    return Mark("label", False, "no AI label in the container metadata")


def c2pa_mark(path: Path) -> Mark:
    embedded = _embedded_manifest(path)
    if embedded is not None:
        return embedded
    side = sidecar_path(path)
    if not side.is_file():
        return Mark("c2pa", False, f"no manifest in the file and no sidecar {side.name}")
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
        want = data["asset_hash"]["hash"]
    except (OSError, ValueError, KeyError, TypeError):
        return Mark("c2pa", False, f"sidecar {side.name} is not a storyreel manifest")
    if file_sha256(path) != want:
        return Mark("c2pa", False, f"sidecar {side.name} describes another file (hash differs)")
    return Mark("c2pa", True, f"unsigned sidecar {side.name}, hash matches, {_source(data)}")


def _source(manifest: dict[str, object]) -> str:
    text = json.dumps(manifest)
    return "trainedAlgorithmicMedia" if DIGITAL_SOURCE_TYPE in text else "no digital source type"


def _embedded_manifest(path: Path) -> Mark | None:
    """A manifest signed into the file, read with c2pa-python when it is installed."""
    try:
        import c2pa
    except ImportError:
        return None
    try:
        with c2pa.Reader(str(path)) as reader:
            store = json.loads(reader.json())
            state = reader.get_validation_state()
    except Exception:
        return None
    manifest = store.get("manifests", {}).get(store.get("active_manifest", ""), {})
    return Mark("c2pa", state in ("Valid", "Trusted"), f"signed manifest, {state}, {_source(manifest)}")


def watermark_mark(path: Path) -> Mark:
    detection = Watermark().detect_file(path)
    return Mark("watermark", detection.found, detection.line())


def verify(path: Path) -> Provenance:
    """All three marks of the video at `path`."""
    path = Path(path)
    try:
        found = path.is_file()
    except OSError as err:  # a name too long for the file system, a loop of links...
        raise BadInput("file", str(path)[:200], f"cannot be read ({err.strerror})") from None
    if not found:
        raise BadInput("file", str(path), "no such file")
    return Provenance(path, label_mark(path), c2pa_mark(path), watermark_mark(path))
