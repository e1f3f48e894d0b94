"""Desired vs live: what apply would do to each resource, and the body an update sends.

Only the properties the plan sets are compared; the server adds many (ids, states, defaults), and
what someone else added is theirs. ARM normalises the case of enum values, ids and locations, so
strings compare case-insensitively (tag values excepted) and prefixes compare as networks. An empty
value we set (`{}`, `[]`, `false`) equals an absent one. A list of named items (agent pools,
delegations) is matched by name; another list must match as a whole, in any order.

An update never removes what it does not know: its body is the live resource with our properties
laid over it (a VNet keeps its subnets, a route table the routes AKS wrote, a cluster its add-ons).
"""

from __future__ import annotations

import copy
import ipaddress
from dataclasses import dataclass, field
from typing import Any

from generator.plan import Resource
from generator.provision.caseless import MISSING, dig, find, fold, key_of, lookup, props
from generator.provision.refs import Unknown
from generator.rules.core import Violation

CREATE, UPDATE, NO_OP, READ, REFUSED = "create", "update", "no-op", "read", "refused"
ENVELOPE = frozenset({"id", "name", "type", "etag", "systemdata", "managedby"})  # folded
IN_PROGRESS = ("creating", "updating", "deleting", "accepted", "running", "upgrading", "scaling")
# A singular key and its plural twin: setting one must drop the live other from an update body.
TWINS = {"podcidr": "podCidrs", "podcidrs": "podCidr", "servicecidr": "serviceCidrs",
         "servicecidrs": "serviceCidr", "addressprefix": "addressPrefixes",
         "addressprefixes": "addressPrefix"}


@dataclass(frozen=True, slots=True)
class Change:
    resource: Resource
    action: str
    properties: tuple[str, ...] = ()  # differing (update) or refused (refused) property paths
    live: dict | None = None
    findings: tuple[tuple[str, Violation], ...] = field(default=())  # (rule id, violation)

    @property
    def ref(self) -> str:
        return self.resource.ref

    @property
    def writes(self) -> bool:
        return self.action in (CREATE, UPDATE)

    def as_json(self) -> dict[str, Any]:
        return {"action": self.action, "properties": list(self.properties)}


def classify(resource: Resource, desired: dict, live: dict | None) -> Change:
    if resource.existing:
        return Change(resource, READ, live=live)
    if live is None:
        return Change(resource, CREATE)
    paths = differences(desired, live)
    if not settled(live):
        paths.append("provisioningState")
    return Change(resource, UPDATE if paths else NO_OP, tuple(paths), live)


def state_of(live: dict | None) -> str:
    return str(dig(live, "properties", "provisioningState") or "").lower()


def settled(live: dict | None) -> bool:
    return state_of(live) not in IN_PROGRESS and state_of(live) not in ("failed", "canceled")


def in_progress(live: dict | None) -> bool:
    return state_of(live) in IN_PROGRESS


def adopt(desired: dict, live: dict | None) -> dict:
    """Desired with the values the server owns taken from live: an autoscaled pool's node count
    is the autoscaler's, not ours to reset."""
    pools = (desired.get("properties") or {}).get("agentPoolProfiles")
    live_pools = {fold(lookup(p, "name") or ""): p
                  for p in lookup(props(live), "agentPoolProfiles") or [] if isinstance(p, dict)}
    if not pools or not live_pools:
        return desired
    out = copy.deepcopy(desired)
    for pool in out["properties"]["agentPoolProfiles"]:
        current = live_pools.get(fold(pool.get("name", "")))
        if pool.get("enableAutoScaling") and current and lookup(current, "count") is not None:
            pool["count"] = lookup(current, "count")
    return out


# --- comparison ---------------------------------------------------------------------------------


def differences(desired: Any, live: Any, path: str = "") -> list[str]:
    """Paths (without the `properties.` prefix) where live differs from what we set."""
    if isinstance(desired, dict):
        if not isinstance(live, dict):
            return [] if live is None and blank(desired) else [path or "(body)"]
        out: list[str] = []
        for key, value in desired.items():
            found = find(live, key)
            sub = _join(path, key)
            if found is MISSING or found is None:
                if not blank(value):
                    out.append(sub)
                continue
            out += differences(value, found, sub)
        return out
    if isinstance(desired, list):
        if not isinstance(live, list):
            return [] if live is None and blank(desired) else [path]
        return _list_differences(desired, live, path)
    return [] if same(desired, live, path) else [path]


def _list_differences(desired: list, live: list, path: str) -> list[str]:
    if desired and all(isinstance(d, dict) and "name" in d for d in desired):
        by_name = {fold(lookup(x, "name") or ""): x for x in live if isinstance(x, dict)}
        out: list[str] = []
        for item in desired:
            sub = f"{path}[{item['name']}]"
            match = by_name.get(fold(item["name"]))
            rest = {k: v for k, v in item.items() if k != "name"}
            out += [sub] if match is None else differences(rest, match, sub)
        return out
    if len(desired) != len(live):
        return [path]
    unmatched = list(live)
    for item in desired:
        hit = next((i for i, x in enumerate(unmatched) if not differences(item, x, path)), None)
        if hit is None:
            return [path]
        unmatched.pop(hit)
    return []


def same(desired: Any, live: Any, path: str = "") -> bool:
    if isinstance(desired, Unknown):
        return False
    if live is None:
        return blank(desired)
    if isinstance(desired, bool) or isinstance(live, bool):
        return desired is live
    if isinstance(desired, str) and isinstance(live, str):
        if path.startswith("tags."):
            return desired == live
        if path == "location":
            return _location(desired) == _location(live)
        if "/" in desired and "/" in live and desired[:1].isalnum() and live[:1].isalnum():
            try:
                return ipaddress.ip_network(desired, False) == ipaddress.ip_network(live, False)
            except ValueError:
                pass
        return desired.casefold() == live.casefold()
    return desired == live


def blank(value: Any) -> bool:
    if value is None or value is False or value == "":
        return True
    if isinstance(value, dict):
        return all(blank(v) for v in value.values())
    if isinstance(value, list):
        return not value
    return False


def _join(path: str, key: Any) -> str:
    if not path and key == "properties":
        return ""
    return f"{path}.{key}" if path else str(key)


def _location(value: str) -> str:
    return value.replace(" ", "").lower()


# --- update bodies ------------------------------------------------------------------------------


def merged_body(live: dict, desired: dict) -> dict:
    """The live resource with our properties laid over it (server-only fields dropped)."""
    base = {k: v for k, v in copy.deepcopy(live).items() if fold(k) not in ENVELOPE}
    state = props(base)
    state.pop(key_of(state, "provisioningState"), None)
    return merge(base, desired)


def merge(live: Any, desired: Any) -> Any:
    if isinstance(desired, dict) and isinstance(live, dict):
        out = dict(live)
        for key, value in desired.items():
            twin = TWINS.get(fold(key))
            if twin and find(desired, twin) is MISSING:
                for k in [k for k in out if fold(k) == fold(twin)]:
                    del out[k]
            old = key_of(out, key)
            base = out.pop(old) if old is not None else None
            out[key] = merge(base, value) if base is not None else copy.deepcopy(value)
        return out
    if (isinstance(desired, list) and isinstance(live, list) and desired
            and all(isinstance(d, dict) and "name" in d for d in desired)):
        wanted = {fold(d["name"]): d for d in desired}
        out_list = []
        for item in live:
            name = fold(lookup(item, "name") or "") if isinstance(item, dict) else None
            out_list.append(merge(item, wanted.pop(name)) if name in wanted else item)
        return out_list + [copy.deepcopy(d) for d in wanted.values()]
    return copy.deepcopy(desired)
