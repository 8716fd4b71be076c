"""The one Jinja2 sandbox every user-facing template renders in (ad slots, series briefs).

Values people type are passed in as data, never compiled; the environment is immutable with
strict undefined names, so reaching for attributes (`''.__class__`), mutating a value or naming
an unknown variable fails closed. `*` and `**` are intercepted too: `{{ 'x' * 10**10 }}` would
otherwise build a string the size of the machine's memory.
"""

from __future__ import annotations

import operator
from typing import Any

from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_REPEAT = 10_000
"""Longest sequence a template may build with `*`, and the largest power with `**`."""


class FilmSandbox(ImmutableSandboxedEnvironment):
    """ImmutableSandboxedEnvironment with bounded repetition and powers."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, (int, float)) and abs(right) > 64:
                raise SecurityError(f"the power {right} is too large for a template")
            return operator.pow(left, right)
        for seq, count in ((left, right), (right, left)):
            if (
                isinstance(seq, (str, list, tuple))
                and isinstance(count, int)
                and len(seq) * count > MAX_REPEAT
            ):
                raise SecurityError(f"repeating a value {count} times is too much for a template")
        return operator.mul(left, right)


SANDBOX = FilmSandbox(undefined=StrictUndefined, autoescape=False)
