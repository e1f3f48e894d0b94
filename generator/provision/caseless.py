"""Reading Azure's answers without trusting their case: the one home of case-insensitive lookup.

ARM compares property names and resource ids case-insensitively, and Azure does not keep their
case stable: one API version answers `addressPrefix`, another `AddressPrefix`; an id may come back
with `resourcegroups` or `Providers`. So every read of a live body (`props`, `lookup`, `dig`) and
every comparison of names and ids (`fold`, `id_key`, `same_id`) in provision goes through here.
Bodies aksnet builds itself are read directly: their case is ours.
"""

from __future__ import annotations

from typing import Any

MISSING = object()  # `find`'s "no such key", distinct from a key holding None


def fold(name: Any) -> str:
    """The form ARM compares a property name, resource name or id in."""
    return str(name).lower()


def id_key(resource_id: Any) -> str:
    """A resource id as a dict key or set member (case and a trailing slash ignored)."""
    return fold(resource_id).rstrip("/")


def same_id(a: Any, b: Any) -> bool:
    return id_key(a) == id_key(b)


def key_of(mapping: dict, key: str) -> Any:
    """The key of `mapping` that matches `key` in any case (the exact one first), or None."""
    if key in mapping:
        return key
    folded = fold(key)
    return next((k for k in mapping if fold(k) == folded), None)


def find(mapping: dict, key: str) -> Any:
    """The value under `key` in any case, or MISSING (the diff tells absent from null)."""
    found = key_of(mapping, key)
    return MISSING if found is None else mapping[found]


def lookup(mapping: Any, key: str) -> Any:
    """The value under `key` in any case, or None (also when `mapping` is not a dict)."""
    if not isinstance(mapping, dict):
        return None
    value = find(mapping, key)
    return None if value is MISSING else value


def dig(body: Any, *path: str) -> Any:
    """The value at `path` (each key in any case), or None where the path breaks off."""
    node = body
    for key in path:
        node = lookup(node, key)
    return node


def props(body: Any) -> dict:
    """A live resource's `properties` ({} when it has none, or is None)."""
    found = lookup(body, "properties")
    return found if isinstance(found, dict) else {}
