"""The camera as a pinhole rig in metres: where it stands, where it looks, how long its lens is,
and how each `Camera.movement` changes that over the shot.

`project(camera, point, t, ...)` is a pure function from a world point (x right, y up, z away
from the camera's starting position; the subject stands at the origin) to the screen at time t.
It is the single definition of camera grammar: the renderer derives its per-layer views from it
(so parallax, or its absence, follows from geometry rather than from tuned constants), and the
camera tests measure screen motion of tracked points through it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.previz.camera import DUTCH_ROLL_DEG, FIGURE_HEIGHT, ease
from film import Angle, Camera, Direction, Movement

Vec = np.ndarray
PERSON_M = 1.7
PIVOT_Y = 0.9
"""The camera aims at the subject's chest."""

PITCH_DEG: dict[Angle, float] = {Angle.eye: 0.0, Angle.low: 14.0, Angle.high: -22.0, Angle.overhead: -78.0}
"""Base pitch per angle: a low camera looks up at the subject, a high one down."""

# Full-progress amounts of each move at speed 1 (scaled by speed, clamped where geometry ends).
PAN_DEG, TILT_DEG, ORBIT_DEG = 22.0, 14.0, 30.0
DOLLY_FRACTION = 0.35  # of the subject distance
TRUCK_FRACTION, CRANE_FRACTION = 0.4, 0.3  # of the frame width / height, at the subject
ZOOM_GAIN = 0.6
HANDHELD_DEG = 0.3


@dataclass(frozen=True)
class Pose:
    """Camera position (m), yaw/pitch/roll (degrees) and focal length (px) at one instant."""

    position: tuple[float, float, float]
    yaw: float
    pitch: float
    roll: float
    focal_px: float
    aim_yaw: float = 0.0  # the part of `yaw` that follows the subject (orbit), not a pan

    def depth(self, point: tuple[float, float, float], base_pitch: float) -> float:
        """Distance of `point` along the camera's aim, leaving out pans, tilts and shake:
        what decides how big a layer looks (a pan turns the camera, it does not magnify)."""
        f = _forward(self.aim_yaw, base_pitch)
        return sum((point[k] - self.position[k]) * f[k] for k in range(3))


def _sign(direction: Direction, positive: Direction) -> float:
    """+1 for the move's natural direction (and when none was given), -1 for its opposite."""
    return -1.0 if direction not in (Direction.none, positive) else 1.0


class Rig:
    """One shot's camera: `pose(t)` and `project(point, t)`, with t in seconds."""

    def __init__(self, camera: Camera, duration_s: float, width: int, height: int, seed: int = 0) -> None:
        self.camera, self.duration = camera, max(duration_s, 1e-9)
        self.w, self.h = width, height
        self.focal = camera.lens_mm / 36.0 * width  # a full-frame sensor, 36 mm across
        k = FIGURE_HEIGHT[camera.size] * min(height, 1.25 * width) / height
        self.distance = self.focal * PERSON_M / (k * height)
        self._shake = np.random.default_rng([seed, 7]).uniform(0.0, 2 * math.pi, size=6)

    def progress(self, t: float) -> float:
        return ease(t / self.duration, self.camera.easing)

    def base(self) -> Pose:
        """The unmoved camera: the layout every layer is painted for."""
        pitch = PITCH_DEG.get(self.camera.angle, 0.0)
        p = math.radians(pitch)
        d = self.distance
        pos = (0.0, PIVOT_Y - d * math.sin(p), -d * math.cos(p))
        return Pose(pos, 0.0, pitch, DUTCH_ROLL_DEG if self.camera.angle is Angle.dutch else 0.0, self.focal)

    def pose(self, t: float) -> Pose:
        cam, base = self.camera, self.base()
        s, p, d = cam.speed, self.progress(t), cam.direction
        x, y, z = base.position
        yaw, pitch, roll, focal = base.yaw, base.pitch, base.roll, base.focal_px
        dist = self.distance
        move = cam.movement
        if move is Movement.pan:
            yaw += _sign(d, Direction.right) * min(70.0, PAN_DEG * s) * p
        elif move is Movement.tilt:
            pitch += _sign(d, Direction.up) * min(60.0, TILT_DEG * s) * p
        elif move is Movement.dolly:
            amount = p if _sign(d, Direction.in_) > 0 else 1.0 - p
            step = min(0.75, DOLLY_FRACTION * s) * dist * amount
            f = _forward(0.0, pitch)
            x, y, z = x + step * f[0], y + step * f[1], z + step * f[2]
        elif move is Movement.zoom:
            amount = p if _sign(d, Direction.in_) > 0 else 1.0 - p
            focal *= 1.0 + ZOOM_GAIN * s * amount
        elif move is Movement.truck:
            x += _sign(d, Direction.right) * TRUCK_FRACTION * self.w / self.focal * dist * s * p
        elif move is Movement.crane:
            y += _sign(d, Direction.up) * CRANE_FRACTION * self.h / self.focal * dist * s * p
        elif move is Movement.orbit:
            phi = math.radians(_sign(d, Direction.right) * min(60.0, ORBIT_DEG * s) * p)
            ox, oz = x, z  # rotate about the vertical through the subject, keep looking at it
            x, z = ox * math.cos(phi) - oz * math.sin(phi), ox * math.sin(phi) + oz * math.cos(phi)
            yaw -= math.degrees(phi)
        elif move is Movement.handheld:
            ph, amp = self._shake, HANDHELD_DEG * max(s, 0.2)
            yaw += amp * (math.sin(1.3 * t + ph[0]) + 0.5 * math.sin(3.1 * t + ph[1]))
            pitch += amp * (math.sin(1.7 * t + ph[2]) + 0.5 * math.sin(2.9 * t + ph[3]))
            roll += 1.3 * amp * math.sin(0.9 * t + ph[4])
            focal *= 1.03  # a touch of overscan, like a stabiliser crop
        aim = yaw - base.yaw if move is Movement.orbit else 0.0
        return Pose((x, y, z), yaw, pitch, roll, focal, aim)

    def project(
        self, point: tuple[float, float, float], t: float, roll: bool = True
    ) -> tuple[float, float, float]:
        """Screen (x, y) in pixels and camera depth (m) of a world point at t seconds."""
        return project_with(self.pose(t), point, self.w, self.h, roll)


def _forward(yaw_deg: float, pitch_deg: float) -> tuple[float, float, float]:
    y, p = math.radians(yaw_deg), math.radians(pitch_deg)
    return (math.sin(y) * math.cos(p), math.sin(p), math.cos(y) * math.cos(p))


def project_with(
    pose: Pose, point: tuple[float, float, float], width: int, height: int, roll: bool = True
) -> tuple[float, float, float]:
    """Pinhole projection of `point` through `pose` (screen y grows downwards)."""
    f = np.array(_forward(pose.yaw, pose.pitch))
    yaw = math.radians(pose.yaw)
    right = np.array((math.cos(yaw), 0.0, -math.sin(yaw)))
    up = np.cross(f, right)
    if roll and pose.roll:
        a = math.radians(pose.roll)
        right, up = right * math.cos(a) + up * math.sin(a), up * math.cos(a) - right * math.sin(a)
    d = np.asarray(point, float) - np.asarray(pose.position)
    zc = float(d @ f)
    zc_safe = zc if abs(zc) > 1e-9 else 1e-9
    return (
        width / 2 + pose.focal_px * float(d @ right) / zc_safe,
        height / 2 - pose.focal_px * float(d @ up) / zc_safe,
        zc,
    )


def project(
    camera: Camera,
    point: tuple[float, float, float],
    t: float,
    duration_s: float,
    width: int,
    height: int,
    seed: int = 0,
) -> tuple[float, float]:
    """Where `camera` shows world `point` (m) at t seconds into a shot of `duration_s`."""
    x, y, _ = Rig(camera, duration_s, width, height, seed).project(point, t)
    return (x, y)
