"""The shot card: a small translucent band at the bottom that tells a reviewer which shot this
is, how the camera works, and what should happen — the animatic's margin notes."""

from __future__ import annotations

from PIL import Image

from engine.cutting.lettering import Font, draw_text, ellipsize, font
from film import RenderSpec

BAND_ALPHA = 165


class ShotCard:
    """Prerendered once per shot; `apply` pastes it onto each finished frame."""

    def __init__(self, spec: RenderSpec, width: int, height: int) -> None:
        px = max(9, round(0.029 * min(width, height) * (1.0 if width >= height else 1.1)))
        pad = max(3, px // 2)
        bold, regular = font(px, bold=True), font(px)
        room = width - 2 * pad
        lines: list[tuple[str, Font, tuple[int, int, int]]] = [
            (ellipsize(f"{spec.shot.id}  ·  {spec.shot.camera.label()}", bold, room), bold, (255, 224, 130)),
            (ellipsize(spec.shot.description, regular, room), regular, (240, 240, 240)),
        ]
        if spec.card.strip():
            lines.append((ellipsize(spec.card, regular, room), regular, (190, 214, 255)))
        line_h = round(px * 1.3)
        self.height = 2 * pad + line_h * len(lines)
        self.top = height - self.height
        self.image = Image.new("RGB", (width, self.height), (12, 12, 16))
        self.mask = Image.new("L", (width, self.height), BAND_ALPHA)
        for i, (text, face, colour) in enumerate(lines):
            y = pad + i * line_h
            draw_text(self.image, (pad, y), text, face, colour)
            draw_text(self.mask, (pad, y), text, face, 255)

    def apply(self, frame: Image.Image) -> None:
        frame.paste(self.image, (0, self.top), self.mask)
