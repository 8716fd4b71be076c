"""Real faces in reference pictures: OpenCV's frontal-face Haar cascade (it ships in the
opencv-python-headless wheel, so no download). Cascades fire on photographic shading, rarely on
flat drawings, so a drawn character passes and a photo of someone needs their consent.
Needs opencv-python-headless < 5 (5.x dropped CascadeClassifier); cv2 is imported only here.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from film import BadInput

CASCADE = "haarcascade_frontalface_default.xml"


@cache
def _cascade() -> Any:
    import cv2

    folder = Path(getattr(cv2, "data").haarcascades)  # noqa: B009 (cv2.data is missing from the stubs)
    classifier = cv2.CascadeClassifier(str(folder / CASCADE))
    if classifier.empty():
        raise RuntimeError(f"OpenCV could not load its face cascade {CASCADE}")
    return classifier


def sha256(path: Path) -> str:
    """The picture's content hash, as consent records store it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count_faces(path: Path) -> int:
    """How many frontal faces the picture at `path` shows (0 for a drawing or a landscape)."""
    import cv2
    import numpy as np

    raw = np.frombuffer(path.read_bytes(), dtype=np.uint8)
    image = cv2.imdecode(raw, cv2.IMREAD_GRAYSCALE) if raw.size else None
    if image is None:
        raise BadInput("reference image", str(path), "not a picture OpenCV can read")
    image = cv2.equalizeHist(image)
    side = max(24, min(image.shape[:2]) // 12)
    faces = _cascade().detectMultiScale(image, scaleFactor=1.1, minNeighbors=5, minSize=(side, side))
    return len(faces)
