"""Create, update, patch and delete resources in the store, with ARM's semantics.

- Parents must exist: a missing resource group is `ResourceGroupNotFound`, a missing parent
  resource (the VNet of a subnet, the cluster of an agent pool) `ParentResourceNotFound`.
- Inline children are kept in sync with their own entries. For a VNet, route table or NSG the
  PUT body's list is the whole desired set, so a child left out is deleted (and a used subnet
  cannot be). For an AKS cluster the listed agent pools are upserted and the others kept.
- AKS refuses a write while another operation on the cluster or its pools is in progress
  (409 `OperationNotAllowed`).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import catalog as c
from . import ids, validation
from .errors import ArmError, bad_request, parent_not_found, resource_not_found, rg_not_found
from .store import Entry, Store, new_etag


@dataclass
class WriteResult:
    entry: Entry
    created: bool
    touched: list[Entry]  # the entries a long-running operation settles


def check_parents(store: Store, ref: ids.Ref) -> None:
    if ref.rg and ref.type_key != c.RG and store.get(ref.rg_path) is None:
        raise rg_not_found(ref.rg)
    if ref.parent and ref.parent.lower() != ref.scope.lower() and store.get(ref.parent) is None:
        raise parent_not_found(ref.parent)
    top = (ref.rg_path or ref.sub_path).lower()
    on_resource = ref.scope and ref.scope.lower() not in (top, ref.sub_path.lower())
    if on_resource and store.get(ref.scope) is None:  # an extension resource on a missing one
        scope = ids.parse(ref.scope)
        raise resource_not_found(scope.type, scope.name, scope.rg)


def put_resource(store: Store, ref: ids.Ref, body: dict, *, validate: bool = True) -> WriteResult:
    kind = c.kind_of(ref.type_key)
    existing = store.get(ref.key)
    if existing is None and kind.location and not body.get("location"):
        raise bad_request(
            "LocationRequired", "The location property is required for this definition."
        )
    clean = c.clean_body(ref.type_key, body)
    children = _pop_children(ref, clean, kind.inline) if kind.inline else None
    check_aks_idle(store, ref)
    if validate:
        _validate(store, ref, clean, children, existing)
    entry = _write_entry(store, ref, clean, existing, kind)
    touched = [entry]
    if kind.inline:
        touched += _sync_children(store, entry, kind.inline, children)
    return WriteResult(entry, existing is None, touched)


def _pop_children(ref: ids.Ref, clean: dict, inline: c.Inline) -> dict[str, dict] | None:
    items = (clean.get("properties") or {}).pop(inline.prop, None)
    if items is None:
        return None
    child_type = f"{ref.type}/{inline.segment}"
    out: dict[str, dict] = {}
    for index, item in enumerate(items):
        name = item.get("name")
        if not name:
            raise bad_request(
                "InvalidRequestFormat",
                f"Cannot parse the request: properties.{inline.prop}[{index}].name is missing.",
            )
        props = (
            {k: v for k, v in item.items() if k != "name"}
            if inline.flat
            else item.get("properties")
        )
        out[name] = c.clean_body(child_type, {"properties": props or {}})["properties"]
    return out


def _validate(store: Store, ref: ids.Ref, clean: dict, children, existing: Entry | None) -> None:
    props = clean.get("properties") or {}
    if ref.type_key == c.VNET:
        vnet_id = existing.id if existing else ref.path
        validation.check_vnet(store, vnet_id, _space(props), children or {})
    elif ref.type_key == c.SUBNET:
        vnet = store.get(ref.parent)
        desired = {
            s.name: s.props()
            for s in store.children(vnet.key, c.SUBNET)
            if s.name.lower() != ref.name.lower()
        }
        desired[ref.name] = props
        validation.check_vnet(store, vnet.id, _space(vnet.props()), desired)
    elif ref.type_key == c.CLUSTER:
        pools = list((children or {}).items())
        listed = {name.lower() for name, _ in pools}
        if existing:
            kept = store.children(existing.key, c.POOL)
            pools += [(p.name, p.props()) for p in kept if p.name.lower() not in listed]
        validation.check_cluster(store, props.get("networkProfile") or {}, pools)
    elif ref.type_key == c.POOL:
        cluster = store.get(ref.parent)
        profile = cluster.props().get("networkProfile") or {}
        validation.check_cluster(store, profile, [(ref.name, props)])


def _space(vnet_props: dict) -> list[str]:
    return (vnet_props.get("addressSpace") or {}).get("addressPrefixes") or []


def _write_entry(store: Store, ref: ids.Ref, clean: dict, existing: Entry | None, kind) -> Entry:
    if existing:
        existing.body = clean
        existing.etag = new_etag()
        existing.state = "Updating" if kind.lro else "Succeeded"
        return existing
    entry = Entry(
        id=ref.path,
        type=ref.type,
        body=clean,
        seed=c.new_seed(ref.type_key),
        state="Creating" if kind.lro else "Succeeded",
    )
    for principal in c.seed_principals(ref.type_key, entry.seed):
        store.register_principal(principal)
    store.put(entry)
    return entry


def _sync_children(store: Store, parent: Entry, inline: c.Inline, children) -> list[Entry]:
    if children is None and not inline.authoritative:
        return []
    children = children or {}
    child_type = f"{parent.type}/{inline.segment}"
    existing = {e.name.lower(): e for e in store.children(parent.key, child_type)}
    touched = []
    for name, props in children.items():
        child = existing.get(name.lower())
        if child is None:
            child = Entry(id=f"{parent.id}/{inline.segment}/{name}", type=child_type, body={})
            child.seed = c.new_seed(child_type)
            store.put(child)
        child.body = {"properties": props}
        child.etag = new_etag()
        child.state = parent.state
        touched.append(child)
    if inline.authoritative:
        wanted = {name.lower() for name in children}
        for name, child in existing.items():
            if name not in wanted:
                store.remove_tree(child.key)
    return touched


def patch_resource(store: Store, entry: Entry, body: dict) -> None:
    """ARM PATCH: `tags` is replaced as a whole, `properties` merged (RFC 7386), others replaced."""
    check_aks_idle(store, ids.parse(entry.id))
    clean = c.clean_body(entry.type_key, body)
    for key, value in clean.items():
        if key == "properties":
            entry.body["properties"] = merge_patch(entry.body.get("properties") or {}, value)
        else:
            entry.body[key] = value
    entry.etag = new_etag()


def merge_patch(target: dict, patch: dict) -> dict:
    out = dict(target)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_patch(out[key], value)
        else:
            out[key] = value
    return out


def check_delete(store: Store, entry: Entry) -> None:
    """Refuse deletes Azure refuses: a used subnet, or a VNet holding one."""
    check_aks_idle(store, ids.parse(entry.id))
    subnets = [entry] if entry.type_key == c.SUBNET else []
    if entry.type_key == c.VNET:
        subnets = store.children(entry.key, c.SUBNET)
    for subnet in subnets:
        user = validation.subnet_user(store, subnet)
        if user:
            raise validation.in_use_subnet(subnet.name, user)


def check_aks_idle(store: Store, ref: ids.Ref) -> None:
    if ref.type_key not in (c.CLUSTER, c.POOL):
        return
    cluster_key = ref.key if ref.type_key == c.CLUSTER else ref.parent.lower()
    keys = [cluster_key] + [p.key for p in store.children(cluster_key, c.POOL)]
    busy = store.busy(keys)
    if busy:
        raise ArmError(
            409,
            "OperationNotAllowed",
            f"Operation is not allowed: Another operation ({busy.name} - {busy.state}) is in "
            "progress, please wait for it to finish before starting a new operation. "
            "See https://aka.ms/aks-pending-operation for more details",
        )
