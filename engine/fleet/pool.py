"""The fleet renderer: RenderSpecs in, Takes out, like one engine, with the shots drawn by warm
Ray actors. Ray is not durable, so nothing here is the truth: the take cache is asked before a
spec gets here (a kept spec is never sent), the take is written whole at its path and kept by
the library's atomic keep, and a driver that dies resumes from its checkpoint.

- **Pools by model.** A spec goes to the pool of its resolved model, whose actors already hold
  that pipeline; pools are made when a model is first asked for, `actors` actors each.
- **Chains stay on one actor.** A spec that continues the take before it (it starts from that
  take's last frame) goes to the actor that drew that take, when it is still alive: the graph
  renders a chain in order on one thread, so the thread says which chain a spec is in.
- **Backpressure.** Each actor takes `in_flight` shots at once; more wait here, so the graph's
  branches (and behind them the job queue) slow down instead of piling work on the cluster.
- **Retries.** An actor that dies mid-shot is replaced by a new one and the shot sent again, at
  most `retries` times; a render that fails in the engine is not retried (it would fail again).
- **Progress and cancel.** A running shot's (done, total) is read from its actor every `poll_s`
  and reported; a progress callback that raises (a cancelled job) cancels the shot on the actor.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.fleet.actor import RenderActor, conditioning_files
from engine.fleet.node import stop_local_ray, sweep_orphans
from engine.fleet.options import FleetOptions
from film import RenderFailure, RenderSpec, Take
from film.files import write_atomic
from film.studio import ProgressFn, Renderer

GPU_ENGINES = ("diffusion",)
"""Engines whose actors hold a GPU each; the others (previz draws on CPUs, ComfyUI waits on its
server) hold CPUs."""


@dataclass
class _Seat:
    """One actor and the shots it is drawing now."""

    actor: Any
    busy: int = 0
    alive: bool = True


class Fleet:
    """A Renderer whose renders run on Ray actors (see the module's docstring)."""

    def __init__(self, engine: str, engine_options: Any = None, options: FleetOptions | None = None) -> None:
        from engine import renderer_for

        self.engine = engine
        self.engine_options = engine_options
        self.options = options or FleetOptions()
        self._local: Renderer = renderer_for(engine, engine_options)  # resolves specs; loads no model
        self._pools: dict[str, list[_Seat]] = {}  # model -> its pool's seats
        self._chains: dict[int, _Seat] = {}  # thread -> the seat its chain is on
        self._free = threading.Condition()
        self._started_ray = False
        self.dispatched: list[str] = []  # spec hashes sent to an actor, in order (retries count again)

    # -- the Renderer protocol ------------------------------------------------------------------

    def resolve(self, spec: RenderSpec) -> RenderSpec:
        return self._local.resolve(spec)

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        spec = self.resolve(spec)
        tries = self.options.retries + 1
        for attempt in range(tries):
            seat = self._seat(spec)
            try:
                return self._draw(seat, spec, dest, progress)
            except _ActorLost as lost:
                self._replace(spec, seat)
                if attempt + 1 == tries:
                    raise RenderFailure(
                        f"shot {spec.shot.id}: its render actor died {tries} times ({lost}); "
                        "check the Ray workers' memory and logs, or set STORYREEL_RAY_RETRIES higher"
                    ) from None
            finally:
                self._leave(seat)
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Let the actors go, and stop the Ray instance if this fleet started it."""
        import ray

        for pool in self._pools.values():
            for seat in pool:
                ray.kill(seat.actor)
        self._pools.clear()
        if self._started_ray and ray.is_initialized():
            stop_local_ray()

    def actors(self, model: str) -> list[Any]:
        """The live actors of a model's pool (tests and the bench look inside)."""
        pool = self._pools.get(model)
        return [seat.actor for seat in pool or () if seat.alive]

    # -- seats ----------------------------------------------------------------------------------

    def _key(self, spec: RenderSpec) -> str:
        return spec.model or self.engine  # previz has no model: its pool is the engine's

    def _seat(self, spec: RenderSpec) -> _Seat:
        """A seat for `spec`: its chain's, if it continues one and that actor lives, else the least
        busy of its model's pool, waiting while every actor has `in_flight` shots."""
        me = threading.get_ident()
        with self._free:
            pool = self._pool(self._key(spec))
            chained = self._chains.get(me) if spec.conditioning.first_frame is not None else None
            while True:
                if chained is not None and chained.alive and chained in pool:
                    seat = chained
                    if seat.busy < self.options.in_flight:
                        break
                else:
                    open_ = [s for s in pool if s.alive and s.busy < self.options.in_flight]
                    if open_:
                        seat = min(open_, key=lambda s: s.busy)
                        break
                self._free.wait()
            seat.busy += 1
            self._chains[me] = seat
            return seat

    def _leave(self, seat: _Seat) -> None:
        with self._free:
            seat.busy -= 1
            self._free.notify_all()

    def _pool(self, model: str) -> list[_Seat]:
        if model not in self._pools:
            self._connect()
            self._pools[model] = [_Seat(self._spawn(model, k)) for k in range(self.options.actors)]
        return self._pools[model]

    def _replace(self, spec: RenderSpec, lost: _Seat) -> None:
        import ray

        with self._free:
            lost.alive = False
            ray.kill(lost.actor)
            pool = self._pools[self._key(spec)]
            slot = pool.index(lost)
            pool[slot] = _Seat(self._spawn(self._key(spec), slot))
            self._free.notify_all()

    def _spawn(self, model: str, slot: int) -> Any:
        import ray

        gpu = self.engine in GPU_ENGINES
        remote = ray.remote(RenderActor).options(
            num_cpus=0 if gpu else self.options.cpus,
            num_gpus=self.options.gpus if gpu else 0,
            max_concurrency=self.options.in_flight + 2,  # progress and cancel answer mid-render
            max_restarts=0,
        )
        cores = 0 if gpu or not self.options.pin else max(1, round(self.options.cpus))
        return remote.remote(self.engine, self.engine_options, model, cores, slot)

    def _connect(self) -> None:
        import ray

        if ray.is_initialized():
            return
        # quiet: the run's own progress says enough
        if self.options.address:
            ray.init(address=self.options.address, log_to_driver=False, logging_level=logging.ERROR)
        else:
            sweep_orphans()  # what a killed run's Ray left behind
            ray.init(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
            self._started_ray = True

    # -- one shot -------------------------------------------------------------------------------

    def _draw(self, seat: _Seat, spec: RenderSpec, dest: Path, progress: ProgressFn | None) -> Take:
        import ray
        from ray.exceptions import RayActorError, RayTaskError

        job = uuid.uuid4().hex
        self.dispatched.append(spec.spec_hash())
        ref = seat.actor.render.remote(spec.model_dump_json(), job, conditioning_files(spec))
        try:
            while not ray.wait([ref], timeout=self.options.poll_s)[0]:
                seen = ray.get(seat.actor.progress.remote(job))
                if seen is not None and progress is not None:
                    progress(*seen)
            data, files, extras = ray.get(ref)
        except RayActorError as died:
            raise _ActorLost(str(died).splitlines()[0]) from None
        except RayTaskError as failed:
            raise failed.as_instanceof_cause() from None
        except BaseException:  # cancelled (or Ctrl-C) here: stop the shot on the actor too
            seat.actor.cancel.remote(job)
            raise
        return _landed(Take.model_validate(data), files, extras, dest)


class _ActorLost(Exception):
    """The actor drawing a shot died (its process, or its node)."""


def _landed(take: Take, files: dict[str, bytes], extras: dict[str, str], dest: Path) -> Take:
    """The take's files written next to `dest` under its name, each whole (side files first, the
    take last, so a take file on disk always has its side files), and the take pointing there."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    names = {name: dest.parent / (dest.stem + name.removeprefix("take")) for name in files}
    for name, data in files.items():
        if name != "take.mp4":
            write_atomic(names[name], data)
    write_atomic(dest, files["take.mp4"])
    moved = {kind: str(names[name]) for kind, name in extras.items()}
    return take.model_copy(update={"path": str(dest), "extras": moved})
