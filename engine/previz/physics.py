"""The shot's physics, simulated in metres with pymunk and kept apart from any drawing.

A `Simulation` turns (Physics, seed, fps, frames) into one `SimFrame` per video frame: where
every rigid body (a dropped cup, a thrown ball, a vase's fragments) and every particle (rain,
snow, dust, splash droplets) is in the world, y up, ground at y = 0, x = 0 in the middle of the
stage. The renderer projects those positions through the camera; the physics tests measure
them directly, so fidelity is checked in world units and not in pixels.

Stepping uses a fixed dt (`substeps` per frame) and seeded randomness only, so the same inputs
give the same trajectories on every run — the determinism the take cache relies on. Whatever
listens to a run (the foley's `ImpactLog`, through collision callbacks and `on_break`) only
reads, so it changes no trajectory.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pymunk

from film import Gravity, Medium, MotionAction, MotionEvent, Physics, Weather

VelocityFunc = Callable[[pymunk.Body, tuple[float, float], float, float], None]
"""pymunk's per-body velocity integrator hook: (body, gravity, damping, dt)."""

BreakHook = Callable[["Actor"], None]
"""Told of a shatter or splash as it happens, before the body leaves the space (the foley hears
the break itself as the impact)."""

BODY_RADIUS_M = 0.15
FRAGMENT_RADIUS_M = 0.045
FRAGMENTS = 8
DROPLETS = 36
LANDED_M = 0.004
"""A body whose bottom is this close above the ground (and not rising fast) has landed."""
SPACING_M = 1.3
"""Events stand side by side, this far apart, centred on the stage."""

WIND_COUPLING = 0.08
"""1/s: how strongly wind pushes a body in air (a = k·wind); light enough that a throw reads."""

WATER_DRAG = 1.6
"""1/s: linear drag in water; with buoyancy it makes an underwater drop slow and soft."""

BODY_DENSITY = 2.5
"""Relative to water: a body underwater feels g·(1 − 1/2.5) after buoyancy."""

TERMINAL_MS: dict[Weather, float] = {
    Weather.rain: 9.0,
    Weather.storm: 11.0,
    Weather.snow: 1.2,
    Weather.dust: 0.25,
    Weather.fog: 0.0,
    Weather.clear: 0.0,
}
"""Fall speed of each weather's particles in still air (rain ~9 m/s, snow ~1 m/s)."""

PARTICLE_WIND: dict[Weather, float] = {
    Weather.rain: 0.7,
    Weather.storm: 0.8,
    Weather.snow: 1.0,
    Weather.dust: 1.0,
}
"""How much of the wind each particle kind takes on (light snow and dust ride it fully)."""


@dataclass(frozen=True)
class BodyPose:
    """One rigid body at one instant, in metres and radians."""

    name: str
    x: float
    y: float
    angle: float
    radius: float
    fragment: bool = False


@dataclass(frozen=True)
class SimFrame:
    """Everything that moves at one frame: bodies, weather particles, splash droplets (n×2, m)."""

    bodies: tuple[BodyPose, ...]
    particles: np.ndarray
    droplets: np.ndarray


@dataclass
class Actor:
    """Bookkeeping for one motion event while it is simulated."""

    event: MotionEvent
    name: str
    body: pymunk.Body
    shape: pymunk.Circle
    start: tuple[float, float]
    velocity: tuple[float, float]
    started: bool = False
    gone: bool = False
    fragments: list[pymunk.Body] = field(default_factory=list)


def medium_of(physics: Physics) -> Medium:
    """Underwater gravity implies water even when `medium` was left at its default."""
    if physics.gravity == Gravity.underwater:
        return Medium.water
    return physics.medium


def particle_velocity_ms(physics: Physics) -> tuple[float, float]:
    """Mean velocity (m/s, y up) of the weather's particles: terminal fall plus the wind."""
    k = PARTICLE_WIND.get(physics.weather, 0.0) if medium_of(physics) is Medium.air else 0.0
    wind_x, wind_y = physics.wind_ms
    return (k * wind_x, -TERMINAL_MS[physics.weather] + k * wind_y)


class Simulation:
    """A shot's physics, stepped at a fixed dt. Build it, call `run()`, read the frames."""

    def __init__(
        self,
        physics: Physics,
        seed: int,
        fps: int,
        frames: int,
        substeps: int = 10,
        extent_m: tuple[float, float] = (16.0, 9.0),
        particles: int | None = None,
    ) -> None:
        self.physics, self.fps, self.frames, self.substeps = physics, fps, frames, substeps
        self.dt = 1.0 / (fps * substeps)
        self.g = physics.gravity_ms2()
        self.medium = medium_of(physics)
        self.extent = extent_m
        self.rng = np.random.default_rng([seed, 23])
        self.space = pymunk.Space()
        self.space.gravity = (0.0, 0.0)  # each body applies its own (buoyant, dragged) gravity
        self.space.collision_slop = 0.0005
        self.space.iterations = 20
        ground = pymunk.Segment(self.space.static_body, (-1000.0, 0.0), (1000.0, 0.0), 0.0)
        ground.elasticity, ground.friction = 1.0, 0.9
        self.space.add(ground)
        self.ground = ground
        self.ramps: list[tuple[tuple[float, float], tuple[float, float]]] = []
        """Static slopes (top, foot) in metres, for the renderer to draw under rolling bodies."""
        self.actors = [self._actor(k, ev) for k, ev in enumerate(physics.events)]
        self.landed_s: dict[str, float] = {}
        self._t = 0.0
        self._drops = np.zeros((0, 5))  # x, y, vx, vy, alive
        self._weather = self._weather_particles(particles)
        self.on_break: BreakHook | None = None

    # ----- setup -------------------------------------------------------------------------

    def _actor(self, k: int, ev: MotionEvent) -> Actor:
        n = len(self.physics.events)
        x = (k - (n - 1) / 2) * SPACING_M
        r = BODY_RADIUS_M
        earlier = [e.object for e in self.physics.events[:k]]
        name = f"{ev.object}#{k}" if ev.object in earlier else ev.object  # names stay unique
        body = pymunk.Body(1.0, pymunk.moment_for_circle(1.0, 0.0, r))
        shape = pymunk.Circle(body, r)
        shape.elasticity = {MotionAction.fall: 0.0, MotionAction.shatter: 0.0}.get(ev.action, ev.restitution)
        shape.friction = 0.9
        velocity = (0.0, 0.0)
        y = ev.height_m + r
        if ev.action is MotionAction.throw:
            speed = ev.speed_ms or 8.0
            a = math.radians(ev.angle_deg)
            velocity = (speed * math.cos(a), speed * math.sin(a))
            reach = speed * speed * abs(math.sin(2 * a)) / self.g if self.g > 0 else 4.0
            x -= min(reach, 6.0) / 2
        elif ev.action is MotionAction.roll:
            slope = math.radians(min(60.0, max(5.0, abs(ev.angle_deg))))
            run = max(ev.height_m, 0.3) / math.tan(slope)
            top = (x - run, max(ev.height_m, 0.3))
            ramp = pymunk.Segment(self.space.static_body, top, (x, 0.0), 0.0)
            self.ramps.append((top, (x, 0.0)))
            ramp.elasticity, ramp.friction = 0.2, 1.0
            self.space.add(ramp)
            nx, ny = math.sin(slope), math.cos(slope)  # the ramp's upward normal
            x, y = top[0] + r * nx + 0.05, top[1] + r * ny - 0.05 * math.tan(slope)
            velocity = (ev.speed_ms, 0.0)
        elif ev.action is MotionAction.float:
            velocity = (ev.speed_ms, 0.0)
        body.position = (x, y)
        body.velocity_func = self._velocity_func(ev)
        return Actor(ev, name, body, shape, (x, y), velocity)

    def _velocity_func(self, ev: MotionEvent) -> VelocityFunc:
        """Gravity, buoyancy, drag and wind for one body, applied by pymunk every substep."""
        g, medium = self.g, self.medium
        wind_x, wind_y = self.physics.wind_ms
        floats = ev.action is MotionAction.float
        if medium is Medium.water:
            g_eff, drag = g * (1.0 - 1.0 / BODY_DENSITY), WATER_DRAG
        else:
            g_eff, drag = g, 0.0
        k_wind = 0.0 if medium is Medium.vacuum else WIND_COUPLING
        if floats:  # a floating thing is held up (balloon, astronaut, leaf on water) and drifts
            g_eff, drag, k_wind = -0.08, max(drag, 0.6), 4 * k_wind

        def apply(body: pymunk.Body, gravity: tuple[float, float], damping: float, dt: float) -> None:
            ax = k_wind * wind_x
            ay = -g_eff + k_wind * wind_y
            if drag:
                ax -= drag * body.velocity.x
                ay -= drag * body.velocity.y
            pymunk.Body.update_velocity(body, (ax, ay), 1.0, dt)

        return apply

    def _weather_particles(self, count: int | None) -> np.ndarray:
        """Seeded start positions (x, y, speed factor, phase) over the visible extent."""
        w, h = self.extent
        density = {Weather.rain: 2.2, Weather.storm: 4.0, Weather.snow: 1.6, Weather.dust: 1.2}
        n = count if count is not None else int(w * h * density.get(self.physics.weather, 0.0))
        if self.physics.weather in (Weather.clear, Weather.fog):
            n = 0 if count is None else n
        return np.stack(
            [
                self.rng.uniform(-w / 2, w / 2, n),
                self.rng.uniform(0.0, h, n),
                self.rng.uniform(0.8, 1.2, n),
                self.rng.uniform(0.0, 2 * math.pi, n),
            ],
            axis=1,
        )

    # ----- stepping ----------------------------------------------------------------------

    @property
    def time_s(self) -> float:
        """Shot time the world has been stepped to (during a step: its start)."""
        return self._t

    def particles_at(self, t: float) -> np.ndarray:
        """Weather particles at t seconds: closed form (start + velocity·t, wrapped in the extent)
        so wind pushes them steadily; snow and dust also sway."""
        if not len(self._weather):
            return np.zeros((0, 2))
        w, h = self.extent
        vx, vy = particle_velocity_ms(self.physics)
        p = self._weather
        if vx == 0.0 and vy == 0.0:
            vx, vy = 0.05, 0.0  # fog/clear with a forced count: a slow drift
        x = p[:, 0] + vx * p[:, 2] * t
        y = p[:, 1] + vy * p[:, 2] * t
        if self.physics.weather in (Weather.snow, Weather.dust):
            x = x + 0.25 * np.sin(1.5 * t + p[:, 3])
        x = (x + w / 2) % w - w / 2
        y = y % h
        return np.stack([x, y], axis=1)

    def _start_due(self) -> None:
        for actor in self.actors:
            if not actor.started and self._t + 1e-9 >= actor.event.start_s:
                actor.body.velocity = actor.velocity
                self.space.add(actor.body, actor.shape)
                actor.started = True

    def _impacts(self) -> None:
        """Landing times, and the events that change on impact: shatter and splash (on the
        ground, a ramp or another body, whichever they hit first)."""
        for actor in self.actors:
            if not actor.started or actor.gone:
                continue
            b, r = actor.body, actor.shape.radius
            on_ground = b.position.y - r <= LANDED_M and b.velocity.y <= 0.5
            if on_ground:
                self.landed_s.setdefault(actor.name, self._t)
            breaks = actor.event.action in (MotionAction.shatter, MotionAction.splash)
            if not breaks or not (on_ground or self.space.shape_query(actor.shape)):
                continue
            if self.on_break is not None:
                self.on_break(actor)
            if actor.event.action is MotionAction.shatter:
                self._shatter(actor)
            else:
                self._splash(actor)

    def _shatter(self, actor: Actor) -> None:
        b = actor.body
        self.space.remove(b, actor.shape)
        actor.gone = True
        impact = abs(b.velocity.y) + 1.0
        for _ in range(FRAGMENTS):
            frag = pymunk.Body(0.1, pymunk.moment_for_circle(0.1, 0.0, FRAGMENT_RADIUS_M))
            a = self.rng.uniform(0.15, math.pi - 0.15)
            s = impact * self.rng.uniform(0.2, 0.5)
            frag.position = (b.position.x + self.rng.uniform(-0.08, 0.08), b.position.y - 0.5 * BODY_RADIUS_M)
            frag.velocity = (s * math.cos(a), s * math.sin(a))
            frag.angular_velocity = self.rng.uniform(-12, 12)
            frag.velocity_func = self._velocity_func(actor.event)
            shape = pymunk.Circle(frag, FRAGMENT_RADIUS_M)
            shape.elasticity, shape.friction = 0.3, 0.8
            self.space.add(frag, shape)
            actor.fragments.append(frag)

    def _splash(self, actor: Actor) -> None:
        b = actor.body
        self.space.remove(b, actor.shape)
        actor.gone = True
        impact = abs(b.velocity.y) + 1.0
        a = self.rng.uniform(0.35, math.pi - 0.35, DROPLETS)
        s = impact * self.rng.uniform(0.25, 0.6, DROPLETS)
        new = np.stack(
            [
                b.position.x + self.rng.uniform(-0.1, 0.1, DROPLETS),
                np.full(DROPLETS, max(0.02, b.position.y - actor.shape.radius)),
                s * np.cos(a),
                s * np.sin(a),
                np.ones(DROPLETS),
            ],
            axis=1,
        )
        self._drops = np.concatenate([self._drops, new])

    def _step_drops(self) -> None:
        if not len(self._drops):
            return
        d, dt = self._drops, self.dt
        d[:, 3] -= self.g * dt
        d[:, 0] += d[:, 2] * dt
        d[:, 1] += d[:, 3] * dt
        d[d[:, 1] < 0.0, 4] = 0.0
        self._drops = d[d[:, 4] > 0]

    def run_start(self) -> None:
        """Put the events due at t = 0 into play (frame 0 shows the world before any step)."""
        self._start_due()

    def step_frame(self) -> None:
        """Advance one frame: `substeps` fixed steps of dt (weather alone needs no stepping)."""
        if not self.actors:
            self._t += self.substeps * self.dt
            return
        for _ in range(self.substeps):
            self._start_due()
            self.space.step(self.dt)
            self._t += self.dt
            self._step_drops()
            self._impacts()

    def snapshot(self) -> SimFrame:
        """The world now, as plain numbers the renderer and the tests can read."""
        bodies: list[BodyPose] = []
        for actor in self.actors:
            if not actor.gone:
                b = actor.body
                bodies.append(BodyPose(actor.name, b.position.x, b.position.y, b.angle, actor.shape.radius))
            for frag in actor.fragments:
                bodies.append(
                    BodyPose(
                        actor.name, frag.position.x, frag.position.y, frag.angle, FRAGMENT_RADIUS_M, True
                    )
                )
        return SimFrame(tuple(bodies), self.particles_at(self._t), self._drops[:, :2].copy())

    def run(self) -> list[SimFrame]:
        """One SimFrame per video frame; frame i shows the world at t = i / fps."""
        out = []
        for i in range(self.frames):
            if i:
                self.step_frame()
            else:
                self.run_start()
            out.append(self.snapshot())
        return out

    def trajectory(self, name: str) -> np.ndarray:
        """Run the shot and return (frames, 2) positions of body `name` (nan once it is gone)."""
        traj = np.full((self.frames, 2), np.nan)
        for i, frame in enumerate(self.run()):
            for body in frame.bodies:
                if body.name == name and not body.fragment:
                    traj[i] = (body.x, body.y)
        return traj
