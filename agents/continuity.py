"""Continuity and control for engines that paint from conditioning (diffusion, ComfyUI):
continuous shots are rendered as one chain, each starting from the last frame of the take before;
a previz take of the same shot can lend its depth pass as the control video (VACE); character
reference images ride along. Previz itself needs none of this, so its shots stay parallel.

Conditioning files count in the spec hash by their sha256, so a chain's later shots are cached
exactly when the frame they continue from is the same. That is also what keeps a retake in
continuity: a retaken shot starts from the current take before it, and every later shot of its
chain is rendered again from the new last frame.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from film import Conditioning, MediaRef, RenderSpec, Take
from film.files import file_sha256

PAINTERLESS = frozenset({"previz"})
"""Engines that draw from the shot itself and take no conditioning."""


def file_ref(path: str | Path) -> MediaRef:
    """A conditioning reference to a file, keyed by its content."""
    return MediaRef(path=str(path), sha256=file_sha256(Path(path)))


def chains(specs: list[RenderSpec]) -> list[list[RenderSpec]]:
    """Specs in shot order, grouped so a continuous shot follows the one it continues; every
    group can render in parallel with the others. Previz specs are never chained."""
    groups: list[list[RenderSpec]] = []
    for spec in specs:
        continues = spec.shot.continuous_with_previous and spec.engine not in PAINTERLESS
        if groups and continues:
            groups[-1].append(spec)
        else:
            groups.append([spec])
    return groups


def retake_chains(
    groups: list[list[RenderSpec]], retaken: Collection[str]
) -> list[tuple[list[RenderSpec], str | None]]:
    """For every chain with a retaken shot: the chain from its first retaken shot to its end (one
    ordered render), and the id of the shot just before (whose take it continues from; None at
    a chain's start). Chains without a retaken shot are left as they are."""
    found = []
    for group in groups:
        start = next((i for i, spec in enumerate(group) if spec.shot.id in retaken), None)
        if start is not None:
            found.append((group[start:], group[start - 1].shot.id if start else None))
    return found


def continue_from(spec: RenderSpec, previous: Take) -> RenderSpec:
    """Start `spec` on the last frame of the take before it, when that take left one, and give
    it the take's last few frames too (models that can pin several carry the motion on)."""
    last = previous.extras.get("last")
    if not last or not Path(last).is_file():
        return spec
    update = {"first_frame": file_ref(last)}
    tail = previous.extras.get("tail")
    if tail and Path(tail).is_file():  # an engine that cannot use it drops it in resolve
        update["lead_video"] = file_ref(tail)
    conditioning = spec.conditioning.model_copy(update=update)
    return spec.model_copy(update={"conditioning": conditioning})


def control_spec(spec: RenderSpec) -> RenderSpec:
    """The previz version of a shot, whose depth pass can drive the painting engine."""
    return spec.model_copy(
        update={"engine": "previz", "model": "", "options": {}, "conditioning": Conditioning()}
    )


def driven_by(spec: RenderSpec, control: Take) -> RenderSpec:
    """Use the previz take's depth pass as the control video, when it has one."""
    depth = control.extras.get("depth")
    if not depth or not Path(depth).is_file():
        return spec
    conditioning = spec.conditioning.model_copy(update={"control_video": file_ref(depth)})
    return spec.model_copy(update={"conditioning": conditioning})
