"""Brand kits: WCAG contrast arithmetic, a kit whose text cannot be read on its colours fails
naming the pair, and the words to avoid are found whole, in any case."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from film import BadInput
from film.brand import BrandKit, check_contrast, contrast_ratio, parse_colour

KIT: dict[str, Any] = {"name": "Brightbrew", "primary": "#1f3a5f", "secondary": "#7a2e1d", "text": "#fdf8ef"}


def test_contrast_is_wcag_arithmetic() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss
    assert contrast_ratio("#767676", "#ffffff") >= 4.5


def test_low_contrast_names_the_colour_pair() -> None:
    with pytest.raises(BadInput) as caught:
        check_contrast(("text", "#777777"), ("primary", "#ffffff"))
    assert caught.value.value == "text #777777 on primary #ffffff"
    assert "4.48:1 is under WCAG AA 4.5:1" in caught.value.why
    with pytest.raises(ValidationError, match="text #ffff00 on secondary #ffffff: contrast"):
        BrandKit.model_validate(KIT | {"text": "#ff0", "primary": "#000000", "secondary": "#fff"})


def test_a_readable_kit_loads_with_its_colours_normalised() -> None:
    kit = BrandKit.model_validate(KIT | {"text": "#FFF", "avoid": ["cheap", "free gift"]})
    assert kit.text == "#ffffff"
    assert kit.avoided_words("Cheap coffee, and a FREE GIFT inside") == ["cheap", "free gift"]
    assert kit.avoided_words("cheapest beans") == []  # whole words only
    with pytest.raises(BadInput, match="#rrggbb"):
        parse_colour("primary", "navy")
