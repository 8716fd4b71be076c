"""The Ray render fleet on this machine's CPUs, with logical GPUs (`num_gpus=2`): shots routed to
the pool of their model, chains kept on one actor, a killed actor's shot drawn again once by a
new one, and a cancelled shot stopped on its actor."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("diffusers")

from engine.diffusion import DiffusionOptions  # noqa: E402
from engine.fleet.node import stop_local_ray  # noqa: E402
from engine.fleet.options import FleetOptions  # noqa: E402
from engine.fleet.pool import Fleet  # noqa: E402
from film import MediaRef, RenderSpec, RunCancelled  # noqa: E402
from film.files import file_sha256  # noqa: E402
from studio.runner import ResumableRenderer  # noqa: E402
from tests.engine.conftest import CAST, SCENE, make_shot, make_spec  # noqa: E402
from tests.engine.diffusion.tiny import build_models  # noqa: E402

MODELS = ("wan2.1-t2v-1.3b", "ltx-video")
CHAINED = "wan2.1-vace-1.3b"  # what a Wan shot that starts on a frame resolves to


@pytest.fixture(scope="module")
def cluster() -> Any:
    ray.init(num_cpus=2, num_gpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    stop_local_ray()  # with its node's agents, which outlive a plain ray.shutdown() here


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> DiffusionOptions:
    models = build_models(tmp_path_factory.mktemp("models"), names=(*MODELS, CHAINED))
    return DiffusionOptions(models_dir=models, preset="draft", device="cpu")


def _painted(model: str, shot: str, seed: int = 3, first_frame: MediaRef | None = None) -> RenderSpec:
    spec = RenderSpec(
        engine="diffusion", shot=make_shot(shot, frames=9), scene=SCENE, characters=CAST, seed=seed,
        width=32, height=32, fps=16, model=model, prompt="maya waits at the corner in the rain",
        options={"steps": 2},
    )  # fmt: skip
    if first_frame is None:
        return spec
    return spec.model_copy(
        update={"conditioning": spec.conditioning.model_copy(update={"first_frame": first_frame})}
    )


def _who(fleet: Fleet, model: str) -> list[dict[str, Any]]:
    return [ray.get(actor.whoami.remote()) for actor in fleet.actors(model)]


def test_shots_go_to_the_warm_actor_of_their_model(
    cluster: Any, tiny: DiffusionOptions, tmp_path: Path
) -> None:
    fleet = Fleet("diffusion", tiny, FleetOptions(actors=1, gpus=1))
    try:
        jobs = [(MODELS[k % 2], f"S{k:02d}") for k in range(4)]
        threads = [
            threading.Thread(target=fleet.render, args=(_painted(m, s), tmp_path / f"{s}.mp4"))
            for m, s in jobs
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wan, ltx = _who(fleet, MODELS[0]), _who(fleet, MODELS[1])
        assert [w["rendered"] for w in wan] == [["S00", "S02"]] or [w["rendered"] for w in wan] == [
            ["S02", "S00"]
        ]
        assert sorted(ltx[0]["rendered"]) == ["S01", "S03"] and wan[0]["pid"] != ltx[0]["pid"]
        assert all((tmp_path / f"{s}.mp4").is_file() for _, s in jobs)
    finally:
        fleet.close()


def test_a_chain_stays_on_one_actor_in_order(cluster: Any, tiny: DiffusionOptions, tmp_path: Path) -> None:
    """Two chains at once on a pool of two: each chain's shots all go to the actor that drew its
    first, in order (every shot starts on a frame, the first on a still, so one model draws all)."""
    from PIL import Image

    fleet = Fleet("diffusion", tiny, FleetOptions(actors=2, gpus=1))
    opening = tmp_path / "opening.png"
    Image.new("RGB", (32, 32), (90, 60, 30)).save(opening)
    failed: list[BaseException] = []

    def chain(name: str) -> None:
        previous = MediaRef(path=str(opening), sha256=file_sha256(opening))
        try:
            for k in range(3):
                take = fleet.render(
                    _painted(MODELS[0], f"{name}{k}", seed=k, first_frame=previous),
                    tmp_path / f"{name}{k}.mp4",
                )
                last = Path(take.extras["last"])
                previous = MediaRef(path=str(last), sha256=file_sha256(last))
        except BaseException as exc:
            failed.append(exc)

    try:
        threads = [threading.Thread(target=chain, args=(name,)) for name in ("A", "B")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failed, failed
        drawn = [w["rendered"] for w in _who(fleet, CHAINED)]
        for name in ("A", "B"):
            holders = [d for d in drawn if f"{name}0" in d]
            assert len(holders) == 1 and [s for s in holders[0] if s.startswith(name)] == [
                f"{name}{k}" for k in range(3)
            ]
    finally:
        fleet.close()


def test_a_killed_actors_shot_is_drawn_again_once_by_a_new_one(cluster: Any, tmp_path: Path) -> None:
    fleet = Fleet("previz", None, FleetOptions(actors=1, cpus=1, poll_s=0.01))
    log = tmp_path / "renders.log"
    renderer = ResumableRenderer(fleet, log)
    spec = make_spec(make_shot("S01", frames=240), size=(426, 240))
    killed: list[int] = []

    def progress(done: int, total: int) -> None:
        if not killed and done < total:  # mid-shot: the actor's process dies
            (first,) = fleet.actors("previz")
            killed.append(ray.get(first.whoami.remote())["pid"])
            ray.kill(first)

    try:
        take = renderer.render(spec, tmp_path / "S01.mp4", progress)
        (second,) = _who(fleet, "previz")
        assert killed and second["pid"] != killed[0] and second["rendered"] == ["S01"]
        key = fleet.resolve(spec).spec_hash()
        assert fleet.dispatched == [key, key]  # sent again, once
        assert log.read_text().splitlines() == [f"{take.spec_hash} S01 {os.getpid()}"]  # kept once
        assert Path(take.path).is_file() and take.frames == 240
    finally:
        fleet.close()


def test_a_cancelled_shot_stops_on_its_actor(cluster: Any, tmp_path: Path) -> None:
    fleet = Fleet("previz", None, FleetOptions(actors=1, cpus=1, poll_s=0.01))
    spec = make_spec(make_shot("S01", frames=240), size=(426, 240))

    def progress(done: int, total: int) -> None:
        if done < total:
            raise RunCancelled("run cancelled")

    try:
        with pytest.raises(RunCancelled):
            fleet.render(spec, tmp_path / "S01.mp4", progress)
        assert not (tmp_path / "S01.mp4").exists()
        fleet.render(make_spec(make_shot("S02", frames=12), size=(160, 90)), tmp_path / "S02.mp4")
        assert _who(fleet, "previz")[0]["rendered"] == ["S02"]  # the same actor, stopped and still warm
    finally:
        fleet.close()


def test_cpu_actors_each_hold_cores_of_their_own(cluster: Any, tmp_path: Path) -> None:
    """Ray only counts CPUs; a previz actor holding one is pinned to one, so two never fight."""
    fleet = Fleet("previz", None, FleetOptions(actors=2, cpus=1))
    try:
        fleet.render(make_spec(make_shot("S01", frames=12), size=(160, 90)), tmp_path / "S01.mp4")
        held = [set(w["cores"]) for w in _who(fleet, "previz")]
        assert [len(cores) for cores in held] == [1, 1]
        if len(os.sched_getaffinity(0)) > 1:
            assert not held[0] & held[1]
    finally:
        fleet.close()
