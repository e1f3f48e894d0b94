"""The rule catalog: an explicit, sorted tuple of every entry of the networking rules document.

Nothing registers itself: adding a rule means adding it to its area module's RULES tuple.
"""

from __future__ import annotations

from generator.rules import (
    dualstack,
    egress,
    features,
    identity,
    mapping,
    migration,
    nodepools,
    nsg,
    plugin,
    podips,
    pods,
    policy,
    ranges,
    routes,
    scale,
    services,
    sizing,
    subnets,
    virtualnodes,
)
from generator.rules.core import Rule

_AREAS = (
    plugin,
    nodepools,
    features,
    ranges,
    services,
    sizing,
    podips,
    pods,
    scale,
    policy,
    subnets,
    identity,
    routes,
    egress,
    nsg,
    dualstack,
    virtualnodes,
    migration,
    mapping,
)


def _sort_key(rule: Rule) -> tuple[str, int]:
    area, _, number = rule.id.rpartition("-")
    return area, int(number)


CATALOG: tuple[Rule, ...] = tuple(sorted((r for m in _AREAS for r in m.RULES), key=_sort_key))
_BY_ID = {r.id: r for r in CATALOG}


def by_id(rule_id: str) -> Rule | None:
    return _BY_ID.get(rule_id.upper())


__all__ = ["CATALOG", "by_id"]
