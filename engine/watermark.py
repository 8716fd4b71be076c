"""The invisible watermark on every frame storyreel paints: a keyed spread-spectrum pattern in the
luma at low spatial frequency, which H.264 keeps where block-transform marks (DWT-DCT) are lost.

Why this shape. A grid of square cells (grid_for: as fine as the frame's size carries) each
carries one chip, +1 or -1 times one payload bit; a keyed shuffle deals the cells to the bits, so
every bit is spread over the whole frame. The grid is upsampled bilinearly, so the pattern is
smooth and its energy sits in the low frequencies an encoder spends its bits on. The same delta
goes on R, G and B, so only luma changes and colours stay true.

Three things make it read through busy pictures and stay unseen on flat ones. The change is
masked: faint on a flat wall, face or sky, where a mottle would show, stronger in texture and
along edges, which hide it. The detector weights each cell by how quiet its neighbourhood is (a
textured patch is loud at the chips' scale, a wall or a sky is not). And the embedder is
informed: it reads each frame as the detector would and gives each bit only the strength that
frame needs, more where the picture works against it. The detector is linear in the frames, so
it averages them first: moving content averages out, the mark does not.

The key is public ("storyreel"): this marks, it does not hide; anyone may check a file, as
EU AI Act Article 50 intends. benchmarks/watermark_survival.py measures what survives.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from engine.media import ffmpeg_exe, stream_size

PAYLOAD_BITS = 64
DEFAULT_KEY = "storyreel"
GRIDS = (48, 64, 96, 128)
"""Cells along the picture's long side that a mark may use (the short side gets as many as keep
them square). A picture takes the finest whose cells are at least MIN_CELL_PX wide: finer cells
hear less of the picture, but below ~6 px the encoder smooths them away. The detector tries all,
so a rescaled copy still reads."""
MIN_CELL_PX = 6.5
STRENGTH, FLOOR, CEILING = 4.0, 1.5, 10.0
"""Grey levels of a cell's chip before masking: what each bit should read as, the least and most."""
WEIGHT_FLOOR = 4.0
"""Added to a neighbourhood's energy in the detector's weights, so the flattest cells do not rule."""
MASK_SCALE, MASK_LO, MASK_HI, MASK_WINDOW = 4.0, 0.35, 2.0, 3
"""The masking: the local standard deviation (over MASK_WINDOW half-size pixels, ~6 full-size
ones) over MASK_SCALE, clipped."""
CELL_MAX = 10.0
"""No pixel changes by more grey levels than this, and a flat one by MASK_LO / MASK_HI of it."""
LUMA = np.array([0.299, 0.587, 0.114])
DETECT_LONG_SIDE = 768
"""Frames are read back with their long side scaled to this (area-averaged): enough for the grid."""
MIN_AGREEMENT = 0.8
"""Bits that must read right: 52 of 64 by chance is a 1-in-4-million event."""
MIN_SCORE = 5.0
"""And the z-score of the whole correlation; unmarked pictures stay within a few units of zero."""


@dataclass(frozen=True)
class Detection:
    """What the detector read from some frames."""

    found: bool
    agreement: float  # the fraction of payload bits read right
    score: float  # z-score of the whole correlation
    frames: int

    def line(self) -> str:
        bits = round(self.agreement * PAYLOAD_BITS)
        verdict = "found" if self.found else "not found"
        return f"{verdict} ({bits}/{PAYLOAD_BITS} bits, score {self.score:.1f}, {self.frames} frames)"


def _upsample(cells: np.ndarray, width: int, height: int) -> np.ndarray:
    """Cells to a (height, width) picture, bilinearly from cell centres to pixel centres."""
    return cv2.resize(cells, (width, height), interpolation=cv2.INTER_LINEAR)


def _luma(frame: np.ndarray) -> np.ndarray:
    """BT.601 luma of an RGB frame (what the encoder's Y plane holds), or a gray frame as is."""
    if frame.ndim == 2:
        return frame.astype(np.float32)
    if frame.dtype == np.uint8:
        return cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32)  # 5x numpy's matmul
    return (frame @ LUMA).astype(np.float32)


def _masking(luma: np.ndarray) -> np.ndarray:
    """How much change each pixel hides: little on a flat wall or sky, where a mottle shows, more
    in texture and along edges (the local standard deviation, scaled and clipped). Measured at
    half size, where it costs a quarter, and scaled back up: it is smooth anyway."""
    height, width = luma.shape
    half = cv2.resize(luma, (max(1, width // 2), max(1, height // 2)), interpolation=cv2.INTER_AREA)
    window = (MASK_WINDOW, MASK_WINDOW)
    mean = cv2.blur(half, window)
    variance = cv2.blur(half * half, window) - mean * mean
    spread = cv2.sqrt(np.maximum(variance, 0.0, out=variance))
    mask = np.clip(spread * (1.0 / MASK_SCALE), MASK_LO, MASK_HI, out=spread)
    return cv2.resize(mask, (width, height), interpolation=cv2.INTER_LINEAR)


def _box_mean(cells: np.ndarray) -> np.ndarray:
    """The mean of each cell's 3x3 neighbourhood (edge cells repeat their edge)."""
    padded = np.pad(cells, 1, mode="edge")
    rows, cols = cells.shape
    total = np.zeros_like(cells, dtype=np.float64)
    for dy in range(3):
        for dx in range(3):
            total += padded[dy : dy + rows, dx : dx + cols]
    return total / 9.0


def grid_for(width: int, height: int, long_cells: int | None = None) -> tuple[int, int]:
    """(cells across, cells down) for a picture of this shape: square cells, `long_cells` (by
    default the finest of GRIDS this size carries) on the long side."""
    long_side, short_side = max(width, height), min(width, height)
    if long_cells is None:
        long_cells = max([g for g in GRIDS if long_side / g >= MIN_CELL_PX], default=GRIDS[0])
    short_cells = max(8, round(long_cells * short_side / long_side))
    return (long_cells, short_cells) if width >= height else (short_cells, long_cells)


@dataclass(frozen=True)
class _Layout:
    """Which bit each cell carries and with which chip, for one grid shape."""

    owner: np.ndarray  # (down, across) bit index of each cell
    chips: np.ndarray  # (down, across) the keyed +1/-1 of each cell
    cells: np.ndarray  # chips times the sign of their bit: the mark at unit strength


class Watermark:
    """One key's payload and chips: embed it in frames, or look for it in frames or a file."""

    def __init__(self, key: str = DEFAULT_KEY) -> None:
        self.seed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
        self.payload = np.random.default_rng(self.seed).integers(0, 2, PAYLOAD_BITS).astype(np.int8)
        self.signs = 2.0 * self.payload - 1.0
        self._layouts: dict[tuple[int, int], _Layout] = {}
        self._units: dict[tuple[int, int], np.ndarray] = {}  # the unit mark's residuals, per size

    def layout(self, across: int, down: int) -> _Layout:
        if (across, down) not in self._layouts:
            rng = np.random.default_rng([self.seed, across, down])
            owner = rng.permutation(np.arange(across * down) % PAYLOAD_BITS).reshape(down, across)
            chips = rng.choice(np.array([-1.0, 1.0]), size=(down, across))
            self._layouts[(across, down)] = _Layout(owner, chips, chips * self.signs[owner])
        return self._layouts[(across, down)]

    def _cells(self, luma: np.ndarray, long_cells: int | None = None) -> tuple[_Layout, np.ndarray]:
        """The layout for this picture's shape, and its cells' residuals: each cell's mean (over
        the bilinear basis) less its neighbourhood's, where the smooth picture cancels and the
        chips do not."""
        height, width = luma.shape
        layout = self.layout(*grid_for(width, height, long_cells))
        down, across = layout.owner.shape
        means = cv2.resize(luma, (across, down), interpolation=cv2.INTER_AREA)
        return layout, means - _box_mean(means)

    def _bits(self, layout: _Layout, residual: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, float]:
        """What each bit reads (times its sign: > 0 reads right), and the spread that scales a z-score."""
        weighted = residual * weights
        per_bit = np.bincount(layout.owner.ravel(), (weighted * layout.chips).ravel(), minlength=PAYLOAD_BITS)
        return per_bit * self.signs, float(np.sqrt(np.sum(weighted**2)))

    @staticmethod
    def _weights(residual: np.ndarray) -> np.ndarray:
        """Trust flat cells more than busy ones: a textured neighbourhood is loud at the chips'
        scale, so each cell counts by the inverse of its neighbourhood's energy (a local Wiener
        weighting), with the mark's own energy as the floor."""
        return 1.0 / (_box_mean(residual**2) + WEIGHT_FLOOR)

    def field(self, frame: np.ndarray) -> np.ndarray:
        """The (height, width) luma delta for one frame: each bit as strong as this picture needs.

        Informed embedding: the picture itself reads as some value on every bit; a bit it already
        pushes the right way gets the floor, one it pushes the wrong way gets enough more to read
        as STRENGTH would on a flat grey frame, up to the ceiling. The detector is linear, so what
        each frame reads right, the average of frames reads right too."""
        height, width = frame.shape[:2]
        luma = _luma(frame)
        layout, residual = self._cells(luma)
        down, across = layout.owner.shape
        if (width, height) not in self._units:
            self._units[(width, height)] = self._cells(_upsample(layout.cells, width, height))[1]
        weights = self._weights(residual)
        mask = _masking(luma)
        cell_mask = cv2.resize(mask, (across, down), interpolation=cv2.INTER_AREA)
        gain = self._bits(layout, self._units[(width, height)] * cell_mask, weights)[0]
        content = self._bits(layout, residual, weights)[0]
        amplitude = np.clip(STRENGTH - content / np.maximum(gain, 1e-9), FLOOR, CEILING)
        chips = (layout.cells * amplitude[layout.owner]).astype(np.float32)
        delta = _upsample(chips, width, height) * mask
        limit = mask * np.float32(CELL_MAX / MASK_HI)  # a flat pixel moves by under two grey levels
        np.minimum(delta, limit, out=delta)  # np.clip's result without its array-bound overhead
        return np.maximum(delta, np.negative(limit, out=limit), out=delta)

    def embed(self, frame: np.ndarray) -> np.ndarray:
        """A marked copy of one (h, w, 3) or (h, w) uint8 frame."""
        frame = np.ascontiguousarray(frame)
        delta: np.ndarray = np.asarray(self.field(frame), dtype=np.float32)  # no copy: it is float32
        if frame.ndim == 3:
            delta = cv2.merge([delta] * frame.shape[2])
        return cv2.add(frame, delta, dtype=cv2.CV_8U)  # rounded and clipped to 0..255 in one pass

    def detect_frames(self, frames: np.ndarray | list[np.ndarray]) -> Detection:
        """Look for the payload in frames (each (h, w) luma or (h, w, 3) RGB), averaged first."""
        lumas = [_luma(np.asarray(f)) for f in frames]
        if not lumas:
            return Detection(False, 0.0, 0.0, 0)
        return self._read(np.mean(lumas, axis=0), len(lumas))

    def _read(self, luma: np.ndarray, frames: int) -> Detection:
        """The best reading over every grid (the picture may have been marked at another size)."""
        readings = []
        for long_cells in GRIDS:
            layout, residual = self._cells(luma, long_cells)
            per_bit, spread = self._bits(layout, residual, self._weights(residual))
            score = float(np.sum(per_bit) / spread) if spread > 0 else 0.0
            readings.append((score, float(np.mean(per_bit > 0))))
        score, agreement = max(readings)
        found = agreement >= MIN_AGREEMENT and score >= MIN_SCORE
        return Detection(found, agreement, score, frames)

    def detect_file(self, path: Path, max_frames: int = 240) -> Detection:
        """Look for the payload in a video file's first `max_frames` frames."""
        side = DETECT_LONG_SIDE  # the long side scaled to it, the short one kept even, in one pass
        fit = f"scale='if(gte(iw,ih),{side},-2)':'if(gte(iw,ih),-2,{side})':flags=area"
        cmd = [
            ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "info", "-i", str(path),
            "-map", "0:v:0", "-frames:v", str(max_frames),
            "-vf", fit, "-pix_fmt", "gray", "-f", "rawvideo", "pipe:1",
        ]  # fmt: skip
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, check=False)
        shape = stream_size(proc.stderr.decode("utf-8", "replace").partition("Output #0")[2])
        if proc.returncode != 0 or shape is None:
            return Detection(False, 0.0, 0.0, 0)
        width, height = shape
        size = width * height
        count = len(proc.stdout) // size
        if count == 0:
            return Detection(False, 0.0, 0.0, 0)
        frames = np.frombuffer(proc.stdout[: count * size], dtype=np.uint8).reshape(count, height, width)
        return self._read(frames.mean(axis=0, dtype=np.float64), count)
