"""The one walk over plan values, shared by every target and the plan's JSON (report.py).

Plan values are JSON-like: dicts, lists and tuples of plain values, with the plan's `Ref`s (and,
in Bicep and ARM bodies, `Use` markers) as leaves. A target turns each leaf into its own syntax
(`rebuild`), or looks for the leaves that matter to it (`leaves`): the refs a body mentions, the
blocks a Terraform value reads.

Dict keys are names, not values, so both leave them alone; the exception is a `Ref` key, because
an identity's `userAssignedIdentities` is keyed by the identity's id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from generator.plan import Ref


def rebuild(value: Any, leaf: Callable[[Any], Any]) -> Any:
    """`value` with every leaf replaced by `leaf(it)`: dicts stay dicts (in order), lists and
    tuples become lists."""
    if isinstance(value, dict):
        return {leaf(k) if isinstance(k, Ref) else k: rebuild(v, leaf) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rebuild(v, leaf) for v in value]
    return leaf(value)


def leaves(value: Any) -> Iterator[Any]:
    """Every leaf of `value`, depth first, and every `Ref` used as a dict key."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, Ref):
                yield key
            yield from leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from leaves(item)
    else:
        yield value
