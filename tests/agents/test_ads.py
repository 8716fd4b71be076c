"""The shipped ad templates load and render at their defaults; prompt text renders in a sandbox
that fails closed, and what a marketer types is never evaluated as template code."""

from __future__ import annotations

import pytest

from agents.ads import ad_template, ad_templates, slot_captions, slot_prompts
from film import BadInput
from film.ads import AdTemplate

SHIPPED = {"product-demo", "problem-solution", "testimonial", "before-after", "offer-countdown", "app-promo"}


def test_six_templates_ship_and_render_at_their_defaults() -> None:
    templates = ad_templates()
    assert set(templates) >= SHIPPED
    for template in templates.values():
        values = template.fill()
        prompts, captions = slot_prompts(template, values), slot_captions(template, values)
        assert all(prompts) and len(captions) == len(template.slots)
        assert not any("{{" in text or "{%" in text for text in (*prompts, *captions))
        assert captions[-1], f"{template.name}: the end card says something"


def test_values_are_data_never_template_code() -> None:
    template = ad_template("product-demo")
    values = template.fill({"product": "{{ 7 * 7 }}", "offer": "{% raw %}x"})
    assert "{{ 7 * 7 }}" in slot_prompts(template, values)[0]
    assert "49" not in slot_prompts(template, values)[0]
    assert slot_captions(template, values)[-1].startswith("{% raw %}x")


def _with_prompt(prompt: str) -> AdTemplate:
    base = ad_template("product-demo")
    slots = (base.slots[0].model_copy(update={"prompt": prompt}), *base.slots[1:])
    return base.model_copy(update={"slots": slots})


@pytest.mark.parametrize(
    "prompt",
    [
        "{{ product.__class__.__mro__ }}",
        "{{ ''.__class__.__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ [].append(1) }}",
        "{{ undefined_name }}",
        "{% for x in %}",
    ],
)
def test_a_template_that_reaches_too_far_fails_closed(prompt: str) -> None:
    template = _with_prompt(prompt)
    with pytest.raises(BadInput) as caught:
        slot_prompts(template, template.fill())
    assert caught.value.field == "template" and "slot 1 (hook) prompt cannot render" in caught.value.why


def test_an_unknown_template_names_the_ones_there_are() -> None:
    with pytest.raises(BadInput, match="choose one of: app-promo, before-after"):
        ad_template("superbowl")
