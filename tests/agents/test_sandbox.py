"""The shared template sandbox: attribute reaches and runaway repetition fail closed."""

from __future__ import annotations

import pytest
from jinja2 import TemplateError

from agents.sandbox import SANDBOX


@pytest.mark.parametrize(
    "text", ["{{ 'x' * 10**10 }}", "{{ [1] * 100000 }}", "{{ 2 ** 100000 }}", "{{ ''.__class__ }}"]
)
def test_a_template_cannot_exhaust_memory_or_reach_attributes(text: str) -> None:
    with pytest.raises(TemplateError):
        SANDBOX.from_string(text).render()


def test_small_arithmetic_still_works() -> None:
    assert SANDBOX.from_string("{{ 'ab' * 3 }} {{ 2 ** 5 }} {{ 6 * 7 }}").render() == "ababab 32 42"
