"""Ad template types: a bad value is one error naming its variable, a bad template fails as it
loads, and every length preset times the beats to the frame with the hook within 1–3 s."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from agents.ads import ad_templates
from film import BadInput
from film.ads import AD_LENGTHS, HOOK_MAX_S, HOOK_MIN_S, AdTemplate, AdVariable


def _var(**kw: Any) -> AdVariable:
    base: dict[str, Any] = {
        "name": "offer",
        "kind": "text",
        "help": "the deal",
        "default": "x",
        "max_length": 10,
    }
    return AdVariable.model_validate(base | kw)


def _template(**kw: Any) -> AdTemplate:
    base: dict[str, Any] = {
        "name": "t",
        "title": "T",
        "description": "d",
        "variables": [
            {"name": "product", "kind": "text", "help": "h", "default": "Lamp", "max_length": 20},
            {
                "name": "cta",
                "kind": "choice",
                "help": "b",
                "default": "Buy",
                "choices": ["Buy", "Look", "Try"],
            },
        ],
        "slots": [
            {"kind": "hook", "share": 0.2, "prompt": "{{ product }}"},
            {"kind": "cta", "share": 0.8, "prompt": "end card"},
        ],
    }
    return AdTemplate.model_validate(base | kw)


@pytest.mark.parametrize(
    ("rules", "value", "why"),
    [
        ({}, "an offer far too long", "at most 10 characters"),
        (
            {"kind": "choice", "choices": ["Shop now", "Learn more"], "default": "Shop now"},
            "Buy",
            "choose one of",
        ),
        ({"kind": "colour", "default": "#fff"}, "red", "#rrggbb"),
        ({"kind": "url", "default": "https://a.example"}, "javascript:alert(1)", "https://"),
        ({"kind": "image", "default": ""}, "logo.exe", "an image is one of"),
        ({"kind": "number", "default": 5, "minimum": 1, "maximum": 90}, "ninety", "a number"),
        ({"kind": "number", "default": 5, "minimum": 1, "maximum": 90}, "95", "at most 90"),
        ({"kind": "number", "default": 5}, "nan", "a finite number"),
        ({}, "two\nlines", "control characters"),
    ],
)
def test_a_bad_value_is_one_error_naming_the_variable(rules: dict[str, Any], value: str, why: str) -> None:
    with pytest.raises(BadInput) as caught:
        _var(**rules).check(value)
    assert caught.value.field == "offer" and why in caught.value.why
    assert "\n" not in str(caught.value)


def test_good_values_come_back_as_the_variable_holds_them() -> None:
    assert _var(kind="colour", default="#fff").check(" #C8553D ") == "#c8553d"
    assert _var(kind="number", default=1).check("12.5") == 12.5
    assert _var(kind="image", default="").check("") == ""
    assert _var(kind="url", default="https://a.example").check("https://shop.example/p?id=1")


def test_a_bad_template_fails_as_it_loads() -> None:
    with pytest.raises(ValidationError, match="its default fails its own rules"):
        _var(default="far more than ten characters")
    with pytest.raises(ValidationError, match="a choice needs choices"):
        _var(kind="choice", default="a")
    with pytest.raises(ValidationError, match="from a hook to a cta"):
        _template(
            slots=[{"kind": "cta", "share": 1, "prompt": "a"}, {"kind": "hook", "share": 1, "prompt": "b"}]
        )
    twice = {"name": "product", "kind": "text", "help": "h", "default": "a", "max_length": 5}
    with pytest.raises(ValidationError, match="variable names repeat"):
        _template(variables=[twice, twice])


def test_fill_uses_defaults_and_refuses_unknown_variables() -> None:
    template = _template()
    assert template.fill() == {"product": "Lamp", "cta": "Buy"}
    assert template.fill({"product": "Kettle"}) == {"product": "Kettle", "cta": "Buy"}
    with pytest.raises(BadInput, match="has no such variable; it has: product, cta"):
        template.fill({"prodcut": "Kettle"})


@pytest.mark.parametrize("length", AD_LENGTHS)
def test_every_shipped_template_times_its_beats_to_each_length(length: int) -> None:
    for template in ad_templates().values():
        seconds = template.timing(length)
        assert len(seconds) == len(template.slots) and min(seconds) > 0
        assert round(sum(seconds), 6) == length
        assert HOOK_MIN_S <= seconds[0] <= HOOK_MAX_S


def test_only_the_presets_are_lengths() -> None:
    with pytest.raises(BadInput, match="one of 6, 15, 30, 60 seconds") as caught:
        _template().timing(20)
    assert caught.value.field == "duration"


def test_a_template_needs_a_cta_choice_and_only_its_hook_has_alternatives() -> None:
    with pytest.raises(ValidationError, match="needs a 'cta' choice"):
        _template(
            variables=[{"name": "product", "kind": "text", "help": "h", "default": "L", "max_length": 9}]
        )
    cta = {"kind": "cta", "share": 0.8, "prompt": "end", "alternatives": [{"prompt": "other end"}]}
    with pytest.raises(ValidationError, match="only the hook has alternatives"):
        _template(slots=[{"kind": "hook", "share": 0.2, "prompt": "p"}, cta])


def test_the_matrix_is_hooks_by_ctas_with_the_chosen_cta_first() -> None:
    hook = {"kind": "hook", "share": 0.2, "prompt": "a", "alternatives": [{"prompt": "b"}, {"prompt": "c"}]}
    template = _template(slots=[hook, {"kind": "cta", "share": 0.8, "prompt": "end"}])
    values = template.fill({"cta": "Look"})
    assert template.hooks == 3 and template.ctas(values) == ("Look", "Buy", "Try")
    assert template.matrix(values, 3, 2) == [
        (0, "Look"),
        (0, "Buy"),
        (1, "Look"),
        (1, "Buy"),
        (2, "Look"),
        (2, "Buy"),
    ]
    for flag, hooks, ctas in (("hooks", 4, 1), ("hooks", 0, 1), ("ctas", 1, 4)):
        with pytest.raises(BadInput) as err:
            template.matrix(values, hooks, ctas)
        assert err.value.field == flag


def test_every_shipped_template_offers_three_hooks_and_two_ctas() -> None:
    for template in ad_templates().values():
        values = template.fill()
        assert len(template.matrix(values, 3, 2)) == 6, template.name
