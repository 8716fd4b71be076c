"""What a pipeline's ValueError means: the user's input, or the engine breaking.

diffusers pipelines validate their arguments in `check_inputs` (sizes, frame counts, prompt types)
and raise ValueError there; that is a spec this engine should have refused, so it is BadInput.
A ValueError from anywhere else (a hook, a kernel, a shape mismatch deep in a block) is the engine
failing on a valid spec, and calling it the user's fault would send them editing a good brief.
torch.compile's own errors (RuntimeErrors) are engine failures too, with the switch to turn it off.
"""

from __future__ import annotations

import traceback

from engine.diffusion.registry import ModelCard
from film import BadInput, RenderFailure

VALIDATOR = "check_inputs"
"""The name diffusers gives every pipeline's input validation."""

MAX_CHARS = 300


def one_line(exc: BaseException) -> str:
    """The exception's message on one line, cut to MAX_CHARS (its type when it has none)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= MAX_CHARS else f"{text[: MAX_CHARS - 3]}..."


def raised_in_validation(exc: BaseException) -> bool:
    """Whether a frame between the catch and the raise is a pipeline's `check_inputs`."""
    return any(frame.f_code.co_name == VALIDATOR for frame, _line in traceback.walk_tb(exc.__traceback__))


def from_compiler(exc: BaseException) -> bool:
    """Whether torch.compile raised it (dynamo or inductor), without importing torch."""
    return any(cls.__module__.startswith(("torch._dynamo", "torch._inductor")) for cls in type(exc).__mro__)


def pipeline_error(card: ModelCard, exc: Exception) -> BadInput | RenderFailure:
    """BadInput("spec", model) when the pipeline's own validation refused the call, else a
    one-line RenderFailure naming the model (and the way out when torch.compile broke)."""
    msg = one_line(exc)
    if raised_in_validation(exc):
        return BadInput("spec", card.name, msg)
    if from_compiler(exc):
        return RenderFailure(
            f"{card.name} failed in torch.compile: {msg}; set STORYREEL_DIFFUSION_COMPILE=false"
        )
    return RenderFailure(f"{card.name} failed: {msg}")
