"""Parse ARM request paths into resource references.

ARM paths are case-insensitive, and clients differ: the resource-groups client sends
`/resourcegroups/` while the others send `/resourceGroups/`. The fake stores everything under
`Ref.key` (the lower-cased path) and keeps the first-written casing for display. The fixed
keywords (`subscriptions`, `resourceGroups`, `providers`) are written in ARM's canonical casing.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from .errors import ArmError

SUBSCRIPTION_TYPE = "Microsoft.Resources/subscriptions"
RG_TYPE = "Microsoft.Resources/resourceGroups"


@dataclass(frozen=True)
class Ref:
    """One parsed path: a resource (name set) or a collection of a type (name None)."""

    path: str  # canonical path, original casing of names and types
    sub: str
    rg: str | None
    type: str  # full type, e.g. "Microsoft.Network/virtualNetworks/subnets"
    name: str | None
    scope: str  # what the provider segment hangs off: subscription, RG or resource path
    parent: str  # enclosing resource for nested children, else the scope

    @property
    def key(self) -> str:
        return self.path.lower()

    @property
    def type_key(self) -> str:
        return self.type.lower()

    @property
    def is_collection(self) -> bool:
        return self.name is None

    @property
    def sub_path(self) -> str:
        return f"/subscriptions/{self.sub}"

    @property
    def rg_path(self) -> str | None:
        return f"/subscriptions/{self.sub}/resourceGroups/{self.rg}" if self.rg else None


def bad_uri(path: str) -> ArmError:
    return ArmError(400, "InvalidRequestUri", f"The request URI '{path}' is not valid.")


def parse(raw: str) -> Ref:
    """Parse a request path (no query string) into a Ref; raise ArmError for odd shapes."""
    segs = [unquote(s) for s in raw.split("/") if s]
    if len(segs) < 2 or segs[0].lower() != "subscriptions":
        raise ArmError(404, "NotFound", f"The fake ARM serves only /subscriptions/... ({raw}).")
    sub = segs[1]
    path = f"/subscriptions/{sub}"
    if len(segs) == 2:
        return Ref(path, sub, None, SUBSCRIPTION_TYPE, sub, "", "")
    rg = None
    i = 2
    if segs[2].lower() == "resourcegroups":
        if len(segs) == 3:
            return Ref(path + "/resourceGroups", sub, None, RG_TYPE, None, path, path)
        rg = segs[3]
        rg_path = f"{path}/resourceGroups/{rg}"
        if len(segs) == 4:
            return Ref(rg_path, sub, rg, RG_TYPE, rg, path, path)
        path, i = rg_path, 4
    return _parse_providers(raw, segs, i, sub, rg, path)


def _parse_providers(raw: str, segs: list[str], i: int, sub: str, rg: str | None, path: str) -> Ref:
    """Walk `providers/{ns}/{type}/{name}/...` blocks; a second block is an extension resource."""
    while i < len(segs):
        if segs[i].lower() != "providers" or i + 1 >= len(segs):
            raise bad_uri(raw)
        scope = path
        parent = scope
        types = [segs[i + 1]]
        prefix = f"{path}/providers/{segs[i + 1]}"
        i += 2
        if i >= len(segs):
            raise bad_uri(raw)
        while i < len(segs) and segs[i].lower() != "providers":
            types.append(segs[i])
            parent = path if len(types) > 2 else scope
            if i + 1 >= len(segs):  # odd count: a collection of this type
                return Ref(f"{prefix}/{segs[i]}", sub, rg, "/".join(types), None, scope, parent)
            path = prefix = f"{prefix}/{segs[i]}/{segs[i + 1]}"
            i += 2
        if i >= len(segs):
            return Ref(path, sub, rg, "/".join(types), segs[i - 1], scope, parent)
    raise bad_uri(raw)


def parent_key(ref: Ref) -> str:
    return ref.parent.lower()


def looks_like_id(value: object) -> bool:
    """Whether a linked id is fully qualified, as ARM demands for *ID properties."""
    return isinstance(value, str) and value.lower().startswith(("/subscriptions/", "/providers/"))
