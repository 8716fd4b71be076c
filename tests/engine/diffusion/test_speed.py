"""Speed options never crash: every family × cache hook × compile × attention backend is either
refused by `check_inputs` (before any loading) or renders on the tiny pipelines.

Compile runs with `speed.COMPILE_BACKEND = "eager"`: dynamo still traces every block, so a graph
break under fullgraph=True still fails here, but no C++ is built. Inductor takes 15-100 s a model
on 2 cores; by hand it rendered Wan, LTX, SkyReels and CogVideoX with and without hooks, and
failed only on flex (hence CPU_COMPILE_BROKEN).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from engine.diffusion import DiffusionOptions, DiffusionRenderer, speed
from engine.diffusion.failures import pipeline_error
from engine.diffusion.loading import clear_pipelines, load_pipeline
from engine.diffusion.registry import model_card
from film import BadInput, RenderFailure
from tests.engine.diffusion.conftest import dspec
from tests.engine.diffusion.tiny import BUILDERS

MODELS = {
    "wan": "wan2.1-t2v-1.3b",
    "vace": "wan2.1-vace-1.3b",
    "ltx": "ltx-video",
    "cogvideox": "cogvideox-5b",
    "skyreels": "skyreels-v2-df-1.3b-540p",
}
CACHES = ("none", "first_block", "taylorseer", "faster")
BACKENDS = ("", "native", "_native_math", "flash", "sage")


def refused_field(family: str, cache: str, backend: str) -> str | None:
    """The option check_inputs refuses on this CPU-only machine, or None when it must render."""
    if (cache == "faster" and family != "cogvideox") or (cache == "first_block" and family == "skyreels"):
        return "options.cache"
    if backend and (family == "cogvideox" or backend in ("flash", "sage")):
        return "options.attention_backend"  # CogVideoX ignores backends; flash/sage: no CPU kernel
    return None


@pytest.fixture(scope="module")
def speed_models(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared tiny models, with LTX and CogVideoX rebuilt with two transformer blocks:
    FirstBlockCache needs a head and a tail block (real checkpoints have 28 and 42)."""
    root = tmp_path_factory.mktemp("speed_models")
    for folder in models_dir.iterdir():
        if folder.name not in (MODELS["ltx"], MODELS["cogvideox"]):
            (root / folder.name).symlink_to(folder, target_is_directory=True)
    for name in (MODELS["ltx"], MODELS["cogvideox"]):
        pipe = BUILDERS[name]()
        pipe.transformer = type(pipe.transformer).from_config({**pipe.transformer.config, "num_layers": 2})
        pipe.save_pretrained(root / name)
    return root


@pytest.fixture(autouse=True)
def _eager_compile(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(speed, "COMPILE_BACKEND", "eager")
    yield
    clear_pipelines()  # compiled and hooked pipelines are not shared with other tests


@pytest.fixture(scope="module", autouse=True)
def _forget_compiled() -> Any:
    yield
    import torch

    torch._dynamo.reset()


def renderer(root: Path, **options: Any) -> DiffusionRenderer:
    return DiffusionRenderer(DiffusionOptions(models_dir=root, preset="draft", device="cpu", **options))


MATRIX = list(itertools.product(MODELS, CACHES, (False, True), BACKENDS))


def case_id(family: str, cache: str, compile_: bool, backend: str) -> str:
    return f"{family}-{cache}-{'compile' if compile_ else 'eager'}-{backend or 'default'}"


@pytest.mark.parametrize(
    ("family", "cache", "compile_", "backend"),
    MATRIX,
    ids=[case_id(*case) for case in MATRIX],
)
def test_every_combination_is_checked_before_loading(
    models_dir: Path, family: str, cache: str, compile_: bool, backend: str
) -> None:
    r = renderer(models_dir, cache=cache, compile=compile_, attention_backend=backend)
    field = refused_field(family, cache, backend)
    if field is None:
        r.check_inputs(dspec(model=MODELS[family]))
    else:
        with pytest.raises(BadInput) as err:
            r.check_inputs(dspec(model=MODELS[family]))
        assert err.value.field == field and "\n" not in str(err.value)


RENDERS = [
    # a cache hook under compile (fullgraph=False: the hooks break the graph), one per family
    ("wan", "first_block", True, ""),
    ("wan", "taylorseer", True, ""),
    ("ltx", "taylorseer", True, ""),
    ("cogvideox", "faster", True, ""),
    # compile without a hook is fullgraph=True: every block class must trace whole, under a backend
    ("wan", "none", True, "_native_math"),
    ("vace", "none", True, "_native_math"),
    ("ltx", "none", True, "_native_math"),
    ("cogvideox", "none", True, ""),
    ("skyreels", "none", True, "_native_math"),
    # the other hooks each family takes, compile off
    ("wan", "none", False, "native"),
    ("ltx", "first_block", False, "native"),
    ("cogvideox", "first_block", False, ""),
    ("cogvideox", "taylorseer", False, ""),
    ("skyreels", "taylorseer", False, "native"),
]
"""Every value of every axis that a family takes renders at least once on it (compile costs
seconds a case on 2 cores, so not the whole product: `refused_field` covers that)."""


@pytest.mark.parametrize(
    ("family", "cache", "compile_", "backend"),
    RENDERS,
    ids=[case_id(*case) for case in RENDERS],
)
def test_accepted_combination_renders(
    speed_models: Path, tmp_path: Path, family: str, cache: str, compile_: bool, backend: str
) -> None:
    r = renderer(speed_models, cache=cache, compile=compile_, attention_backend=backend)
    take = r.render(dspec(model=MODELS[family]), tmp_path / "x.mp4")
    assert take.frames == 9
    model = load_pipeline(model_card(MODELS[family]), r.options).transformer  # the same, cached pipe
    assert model.is_cache_enabled == (cache != "none")
    if compile_:
        compiled = [m for m in model.modules() if getattr(m, "_compiled_call_impl", None) is not None]
        if family == "cogvideox":  # no repeated blocks named: the whole transformer
            assert compiled == [model]
        else:
            assert compiled and model not in compiled
    if backend:
        processors = [getattr(m, "processor", None) for m in model.modules()]
        used = {p._attention_backend for p in processors if hasattr(p, "_attention_backend")}
        assert {getattr(b, "value", b) for b in used} == {backend}


def test_backend_stays_on_its_pipeline(speed_models: Path) -> None:
    """diffusers makes a set backend the process default; a later LTX pipeline must not inherit
    a mask-less backend from a Wan one."""
    from diffusers.models.attention_dispatch import _AttentionBackendRegistry

    before = _AttentionBackendRegistry._active_backend
    options = renderer(speed_models, attention_backend="_native_flash").options
    load_pipeline(model_card(MODELS["wan"]), options)
    assert _AttentionBackendRegistry._active_backend == before


@pytest.mark.parametrize(
    ("backend", "device", "half", "match"),
    [
        ("flashy", "cpu", False, "unknown attention backend; choose one of: .*_native_math"),
        ("_native_cudnn", "cpu", False, "no CPU kernel"),
        ("_native_flash", "cuda", False, "bfloat16/float16 only"),
        ("flash", "cuda", True, "not usable here: .*flash-attn"),
        ("sage", "cuda", True, "not usable here: .*sageattention"),
        ("_native_cudnn", "cuda", True, None),
    ],
    ids=["unknown", "cuda-only-on-cpu", "half-only-in-fp32", "flash-missing", "sage-missing", "cudnn-on-gpu"],
)
def test_backend_refused_for_this_machine_up_front(
    models_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    backend: str,
    device: str,
    half: bool,
    match: str | None,
) -> None:
    monkeypatch.setattr(speed, "_device_and_half", lambda _options: (device, half))
    r = renderer(models_dir, attention_backend=backend)
    if match is None:
        r.check_inputs(dspec())
        return
    with pytest.raises(BadInput, match=match) as err:
        r.check_inputs(dspec())
    assert err.value.field == "options.attention_backend"


def test_ltx_takes_only_mask_capable_backends(models_dir: Path) -> None:
    with pytest.raises(BadInput, match="passes an attention mask, which _native_flash rejects"):
        renderer(models_dir, attention_backend="_native_flash").check_inputs(dspec(model="ltx-video"))
    renderer(models_dir, attention_backend="flex").check_inputs(dspec(model="ltx-video"))


def test_flex_under_inductor_on_a_cpu_is_refused(models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inductor's CPU flex template fails to lower (checked with torch 2.13); eager flex renders."""
    monkeypatch.setattr(speed, "COMPILE_BACKEND", "inductor")
    with pytest.raises(BadInput, match=r"torch\.compile fails on flex on a CPU"):
        renderer(models_dir, compile=True, attention_backend="flex").check_inputs(dspec())


def test_compile_without_a_cpp_compiler_is_refused(models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speed, "COMPILE_BACKEND", "inductor")
    monkeypatch.setattr(speed, "cpp_compiler_found", lambda: False)
    with pytest.raises(BadInput, match="needs a C\\+\\+ compiler") as err:
        renderer(models_dir, compile=True).check_inputs(dspec())
    assert err.value.field == "options.compile"


class _Transformer:
    """Records how it was compiled."""

    def __init__(self, repeated: list[str]) -> None:
        self._repeated_blocks = repeated
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def compile(self, **kwargs: Any) -> None:
        self.calls.append(("whole", kwargs))

    def compile_repeated_blocks(self, **kwargs: Any) -> None:
        self.calls.append(("blocks", kwargs))


@pytest.mark.parametrize(
    ("repeated", "cache", "expected"),
    [
        (["WanTransformerBlock"], "none", ("blocks", True)),
        (["WanTransformerBlock"], "first_block", ("blocks", False)),
        ([], "none", ("whole", True)),
        ([], "faster", ("whole", False)),
    ],
    ids=["regional", "regional-with-hook", "whole", "whole-with-hook"],
)
def test_compile_regional_where_blocks_are_named_and_breaks_allowed_with_hooks(
    repeated: list[str], cache: str, expected: tuple[str, bool]
) -> None:
    model = _Transformer(repeated)
    speed.compile_transformer(model, DiffusionOptions(cache=cache, compile=True))
    ((kind, kwargs),) = model.calls
    assert (kind, kwargs["fullgraph"], kwargs["backend"]) == (*expected, "eager")


def test_a_hook_diffusers_cannot_place_is_bad_input_at_load(models_dir: Path, tmp_path: Path) -> None:
    """The shared tiny LTX has one block; FirstBlockCache needs two (IndexError inside diffusers)."""
    with pytest.raises(BadInput, match="cannot hook LTXVideoTransformer3DModel") as err:
        renderer(models_dir, cache="first_block").render(dspec(model="ltx-video"), tmp_path / "x.mp4")
    assert err.value.field == "options.cache"


def check_inputs(height: int) -> None:
    """Stands in for a diffusers pipeline's validation (the name is what counts)."""
    raise ValueError(f"`height` has to be divisible by 16 but are {height}.")


def _caught(fn: Any) -> ValueError:
    try:
        fn()
    except ValueError as exc:
        return exc
    raise AssertionError("no ValueError")


def test_pipeline_validation_error_is_bad_input() -> None:
    def call() -> None:
        check_inputs(20)

    err = pipeline_error(model_card("wan2.1-t2v-1.3b"), _caught(call))
    assert isinstance(err, BadInput)
    assert (err.field, err.value) == ("spec", "wan2.1-t2v-1.3b") and "divisible by 16" in err.why


def test_other_pipeline_value_error_is_an_engine_failure() -> None:
    def denoise() -> None:
        raise ValueError("Query and key must have the same dtype.\n  got float32 and bfloat16 " + "x" * 500)

    err = pipeline_error(model_card("ltx-video"), _caught(denoise))
    assert isinstance(err, RenderFailure)
    text = str(err)
    assert text.startswith("ltx-video failed: Query and key must have the same dtype. got float32")
    assert "\n" not in text and len(text) < 340


def test_compile_failure_says_how_to_turn_compile_off() -> None:
    import torch

    err = pipeline_error(model_card("wan2.1-t2v-1.3b"), torch._dynamo.exc.TorchDynamoException("lowering"))
    assert isinstance(err, RenderFailure) and str(err) == (
        "wan2.1-t2v-1.3b failed in torch.compile: lowering; set STORYREEL_DIFFUSION_COMPILE=false"
    )


def test_real_diffusers_check_inputs_is_bad_input(models_dir: Path) -> None:
    pipe = load_pipeline(model_card("wan2.1-t2v-1.3b"), renderer(models_dir).options)
    exc = _caught(lambda: pipe(prompt="rain", height=20, width=32, num_frames=9, num_inference_steps=1))
    assert isinstance(pipeline_error(model_card("wan2.1-t2v-1.3b"), exc), BadInput)
