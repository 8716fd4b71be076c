"""Does the watermark survive delivery and a re-encode? Real photographs (scikit-image's sample
pictures), slowly panned for two seconds, marked and encoded as every take is (FrameWriter, the
delivery CRF), then re-encoded with libx264 at CRF 28 as a re-upload would be; the bits read back
from the re-encode, against the payload. The same clips unmarked check for false positives.

    python benchmarks/watermark_survival.py

Last line: `watermark: bit_accuracy_crf28=<a>` (target ≥ 0.95).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.media import FrameWriter, run_ffmpeg
from engine.watermark import PAYLOAD_BITS, Watermark
from film.plan import ASPECTS

PICTURES = ("astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry")
SIZES = (*ASPECTS.values(), (1280, 720), (320, 180))
"""Every delivery frame storyreel cuts, 720p, and a thumbnail (the hardest: fewest pixels per cell)."""
FRAMES, FPS = 48, 24
REENCODE = ["-c:v", "libx264", "-preset", "medium", "-crf", "28", "-pix_fmt", "yuv420p", "-an"]


def panned(name: str, width: int, height: int) -> Iterator[np.ndarray]:
    """FRAMES frames of a sample picture, scaled to cover the frame (its middle band) and panned across it."""
    from PIL import Image
    from skimage import data

    picture = Image.fromarray(np.asarray(getattr(data, name)())).convert("RGB")
    scale = max(width * 1.25 / picture.width, height / picture.height)
    big = picture.resize(
        (round(picture.width * scale), round(picture.height * scale)), Image.Resampling.LANCZOS
    )
    room, top = big.width - width, (big.height - height) // 2
    for i in range(FRAMES):
        x = round(room * i / (FRAMES - 1))
        yield np.asarray(big.crop((x, top, x + width, top + height)))


def flat_change(original: np.ndarray, marked: np.ndarray) -> float:
    """RMS change, in grey levels, where the picture is flat (local deviation under 1.5 levels):
    where a mottle would show, and where PSNR, an average, does not look."""
    import cv2

    luma = cv2.cvtColor(original, cv2.COLOR_RGB2GRAY).astype(np.float32)
    mean = cv2.blur(luma, (7, 7))
    flat = np.sqrt(np.maximum(cv2.blur(luma * luma, (7, 7)) - mean * mean, 0)) < 1.5
    change = marked[..., 1].astype(np.float64) - original[..., 1]
    return float(np.sqrt(np.mean(change[flat] ** 2))) if flat.any() else 0.0


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255.0**2 / mse) if mse > 0 else float("inf")


def trial(
    name: str, size: tuple[int, int], folder: Path, *, marked: bool
) -> tuple[float, float, bool, float]:
    """(bit accuracy, score, found, psnr) after the delivery encode and the CRF 28 re-encode."""
    mark = Watermark()
    take, again = folder / f"{name}-{size[0]}-{marked}.mp4", folder / f"{name}-{size[0]}-{marked}-28.mp4"
    quality, flats = [], []
    with FrameWriter(take, *size, FPS, mark=mark.embed if marked else None) as writer:
        for frame in panned(name, *size):
            writer.write(frame)
            shown = mark.embed(frame)  # what the marked writer sends (also measured when unmarked)
            quality.append(psnr(frame, shown))
            flats.append(flat_change(frame, shown))
    run_ffmpeg(["-i", str(take), *REENCODE, str(again)], "re-encode at CRF 28")
    got = mark.detect_file(again)
    return got.agreement, got.score, got.found, float(np.mean(quality)), float(np.mean(flats))


def bit_accuracy_crf28(
    sizes: tuple[tuple[int, int], ...] = SIZES, pictures: tuple[str, ...] = PICTURES
) -> float:
    """Mean bit accuracy over the pictures and sizes, printing each row and the unmarked check."""
    accuracies, false_finds = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            for name in pictures:
                acc, score, found, quality, flat = trial(name, size, Path(tmp), marked=True)
                _, blank_score, blank_found, _, _ = trial(name, size, Path(tmp), marked=False)
                false_finds += blank_found
                accuracies.append(acc)
                print(
                    f"{name:>22} {size[0]}x{size[1]}  psnr={quality:5.1f} dB flat={flat:3.1f}  "
                    f"bits={round(acc * PAYLOAD_BITS)}/{PAYLOAD_BITS} score={score:6.1f} found={found}  "
                    f"unmarked score={blank_score:5.1f} found={blank_found}",
                    flush=True,
                )
    print(f"unmarked clips read as marked: {false_finds}/{len(accuracies)}")
    return float(np.mean(accuracies))


def main() -> None:
    accuracy = bit_accuracy_crf28()
    print(f"watermark: bit_accuracy_crf28={accuracy:.3f}")


if __name__ == "__main__":
    main()
