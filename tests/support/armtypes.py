"""ARM resource types -> azure-mgmt model classes, and each model's field table.

Two model styles exist in the installed SDKs:

* TypeSpec "hybrid" models (containerservice, network, resource): one ``rest_field`` per
  attribute; the class gets ``_attr_to_rest_field`` on its first instantiation. Readonly is
  ``visibility == ["read"]``, create-only is "create" without "update", required is a
  non-Optional annotation. The ``properties`` envelope stays nested on the wire (the Python
  ``__flattened_items`` aliases are client-side only), so it is an ordinary nested model.
* msrest models (msi, authorization): ``_attribute_map`` with dotted keys for flattening
  (``properties.principalId``) and ``_validation`` for readonly/required. Enum names come from
  the ``__init__`` annotations, since the type strings only say ``str``.

Both become the same ``Table`` of ``Field`` objects, cached per class.
"""

from __future__ import annotations

import enum
import functools
import importlib
import re
import sys
import types
import typing
from dataclasses import dataclass, field

# ARM type (lower case) -> (models module, class). Versioned modules are named explicitly for
# the multi-API packages so the choice is deliberate; test_bodycheck checks they match the
# clients' DEFAULT_API_VERSION.
_CS = "azure.mgmt.containerservice.models"
_NET = "azure.mgmt.network.models"
ARM_TYPES: dict[str, tuple[str, str]] = {
    "microsoft.containerservice/managedclusters": (_CS, "ManagedCluster"),
    "microsoft.containerservice/managedclusters/agentpools": (_CS, "AgentPool"),
    "microsoft.network/virtualnetworks": (_NET, "VirtualNetwork"),
    "microsoft.network/virtualnetworks/subnets": (_NET, "Subnet"),
    "microsoft.network/routetables": (_NET, "RouteTable"),
    "microsoft.network/routetables/routes": (_NET, "Route"),
    "microsoft.network/natgateways": (_NET, "NatGateway"),
    "microsoft.network/publicipaddresses": (_NET, "PublicIPAddress"),
    "microsoft.network/networksecuritygroups": (_NET, "NetworkSecurityGroup"),
    "microsoft.network/networksecuritygroups/securityrules": (_NET, "SecurityRule"),
    "microsoft.managedidentity/userassignedidentities": (
        "azure.mgmt.msi.v2024_11_30.models",
        "Identity",
    ),
    "microsoft.authorization/roledefinitions": (
        "azure.mgmt.authorization.v2022_04_01.models",
        "RoleDefinition",
    ),
    # The PUT body of a role assignment is the create-parameters model, not RoleAssignment.
    "microsoft.authorization/roleassignments": (
        "azure.mgmt.authorization.v2022_04_01.models",
        "RoleAssignmentCreateParameters",
    ),
    "microsoft.resources/resourcegroups": (
        "azure.mgmt.resource.resources.models",
        "ResourceGroup",
    ),
}


def model_for(arm_type: str) -> type:
    """Model class for an ARM type such as ``Microsoft.Network/virtualNetworks``.

    Case-insensitive; a Bicep ``@api-version`` suffix is ignored (the SDK's version is used).
    A dotted ``package.module.Class`` path is accepted too. Raises KeyError when unknown.
    """
    key = arm_type.split("@", 1)[0].strip().lower()
    if key in ARM_TYPES:
        module, name = ARM_TYPES[key]
    elif "/" not in key and "." in arm_type:
        module, _, name = arm_type.rpartition(".")
    else:
        raise KeyError(f"no model known for ARM type {arm_type!r}")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class TypeNode:
    """What a JSON value must look like.

    kind: model | object | list | dict | enum | str | int | float | bool | any.
    ``object`` is an msrest flattening envelope (its fields inline); ``unresolved`` marks an
    ``any`` that came from a type we could not resolve, which hides errors below it.
    """

    kind: str
    model: type | None = None
    item: TypeNode | None = None
    values: tuple[str, ...] = ()
    fields: dict[str, Field] | None = field(default=None, compare=False)
    unresolved: str = ""


@dataclass(frozen=True)
class Field:
    name: str
    type: TypeNode
    readonly: bool = False
    required: bool = False
    create_only: bool = False


@dataclass(frozen=True)
class Table:
    fields: dict[str, Field]
    extra_keys: bool = False  # msrest additional_properties: any key is accepted
    discriminator: str = ""  # rest name of the polymorphic discriminator, if any


ANY = TypeNode("any")
_SCALARS = {str: "str", int: "int", float: "float", bool: "bool", bytes: "str"}
_MSREST_SCALARS = {
    "str": "str", "int": "int", "long": "int", "float": "float", "decimal": "float",
    "bool": "bool", "iso-8601": "str", "rfc-1123": "str", "date": "str", "time": "str",
    "duration": "str", "bytearray": "str", "base64": "str", "unix-time": "int", "object": "any",
}  # fmt: skip


def is_hybrid(cls: type) -> bool:
    return hasattr(cls, "_calculated") and not hasattr(cls, "_attribute_map")


def is_msrest(cls: type) -> bool:
    return isinstance(getattr(cls, "_attribute_map", None), dict)


def _models_module(cls: type) -> types.ModuleType:
    """The package that ``_models.X`` forward references point to."""
    return sys.modules[cls.__module__.rpartition(".")[0]]


@functools.cache
def table_for(cls: type) -> Table:
    if is_hybrid(cls):
        return _hybrid_table(cls)
    if is_msrest(cls):
        return _msrest_table(cls)
    raise TypeError(f"{cls!r} is neither a hybrid nor an msrest model")


def resolve_annotation(ann: typing.Any, models: types.ModuleType) -> tuple[TypeNode, bool]:
    """(TypeNode, optional) for a typing annotation; ``_models.X`` is looked up in ``models``."""
    if isinstance(ann, typing.ForwardRef):
        ann = ann.__forward_arg__
    if isinstance(ann, str):
        target = getattr(models, ann.rpartition(".")[2], None)
        return (_class_node(target) if target else TypeNode("any", unresolved=ann)), False
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin in (typing.Union, types.UnionType):
        optional = type(None) in args
        nodes = [resolve_annotation(a, models)[0] for a in args if a is not type(None)]
        return _merge_union(nodes), optional
    if origin is typing.Literal:
        return TypeNode("enum", values=tuple(str(getattr(a, "value", a)) for a in args)), False
    if origin is list:  # also typing.List[...] of the older msrest annotations
        return TypeNode("list", item=resolve_annotation(args[0], models)[0]), False
    if origin is dict:
        return TypeNode("dict", item=resolve_annotation(args[1], models)[0]), False
    if ann is typing.Any or ann is object:
        return ANY, False
    if isinstance(ann, type):
        return _class_node(ann), False
    return TypeNode("any", unresolved=repr(ann)), False


def _class_node(cls: type) -> TypeNode:
    if issubclass(cls, enum.Enum):
        return TypeNode("enum", values=tuple(str(m.value) for m in cls))
    for py_type, kind in _SCALARS.items():
        if issubclass(cls, py_type) and not (py_type is int and issubclass(cls, bool)):
            return TypeNode(kind)
    if cls.__module__ == "datetime":
        return TypeNode("str")
    if is_hybrid(cls) or is_msrest(cls):
        return TypeNode("model", model=cls)
    return TypeNode("any", unresolved=cls.__qualname__)


def _merge_union(nodes: list[TypeNode]) -> TypeNode:
    """``Union[str, SomeEnum]`` is an extensible enum; any other mix of several types is any."""
    if len(nodes) == 1:
        return nodes[0]
    enums = [n for n in nodes if n.kind == "enum"]
    if enums and all(n.kind in ("enum", "str", "int") for n in nodes):
        return TypeNode("enum", values=tuple(v for n in enums for v in n.values))
    return ANY


def _hybrid_table(cls: type) -> Table:
    try:
        cls({})  # the first instantiation fills _attr_to_rest_field
    except Exception:  # a constructor with required arguments
        cls.__new__(cls)
    annotations: dict[str, typing.Any] = {}
    for klass in reversed(cls.__mro__):
        annotations.update(vars(klass).get("__annotations__", {}))
    models = _models_module(cls)
    fields, discriminator = {}, ""
    for attr, rf in cls._attr_to_rest_field.items():
        node, optional = resolve_annotation(annotations.get(attr, typing.Any), models)
        vis = rf._visibility or []
        readonly = vis == ["read"]
        fields[rf._rest_name] = Field(
            name=rf._rest_name,
            type=node,
            readonly=readonly,
            required=not optional and not readonly,
            create_only="create" in vis and "update" not in vis,
        )
        if rf._is_discriminator:
            discriminator = rf._rest_name
    return Table(fields, discriminator=discriminator)


def _msrest_type(type_str: str, models: types.ModuleType) -> TypeNode:
    if type_str.startswith("[") and type_str.endswith("]"):
        return TypeNode("list", item=_msrest_type(type_str[1:-1], models))
    if type_str.startswith("{") and type_str.endswith("}"):
        return TypeNode("dict", item=_msrest_type(type_str[1:-1], models))
    if type_str in _MSREST_SCALARS:
        return TypeNode(_MSREST_SCALARS[type_str])
    target = getattr(models, type_str, None)
    return _class_node(target) if target else TypeNode("any", unresolved=type_str)


def _msrest_table(cls: type) -> Table:
    models = sys.modules[cls.__module__]
    package = _models_module(cls)
    validation = getattr(cls, "_validation", {}) or {}
    init_anns = getattr(cls.__init__, "__annotations__", {})
    tree: dict[str, typing.Any] = {}
    extra_keys = False
    for attr, spec in cls._attribute_map.items():
        if not spec["key"]:  # additional_properties
            extra_keys = True
            continue
        node = _msrest_type(spec["type"], models)
        if attr in init_anns and node.kind in ("str", "list"):
            hinted, _ = resolve_annotation(init_anns[attr], package)
            if hinted.kind == "enum" or (hinted.kind == "list" and hinted.item.kind == "enum"):
                node = hinted
        rule = validation.get(attr, {})
        leaf = Field("", node, bool(rule.get("readonly")), bool(rule.get("required")))
        parts = [p.replace("\\.", ".") for p in re.split(r"(?<!\\)\.", spec["key"])]
        branch = tree
        for part in parts[:-1]:
            branch = branch.setdefault(part, {})
        branch[parts[-1]] = leaf
    discriminator = ""
    for attr in getattr(cls, "_subtype_map", None) or {}:
        discriminator = cls._attribute_map[attr]["key"]
    return Table(_envelope_fields(tree), extra_keys=extra_keys, discriminator=discriminator)


def _envelope_fields(tree: dict[str, typing.Any]) -> dict[str, Field]:
    """Dotted msrest keys -> nested ``object`` fields; an envelope is readonly when all its
    children are, and required when any child is."""
    out = {}
    for name, leaf in tree.items():
        if isinstance(leaf, Field):
            out[name] = Field(name, leaf.type, leaf.readonly, leaf.required and not leaf.readonly)
            continue
        children = _envelope_fields(leaf)
        out[name] = Field(
            name,
            TypeNode("object", fields=children),
            readonly=all(f.readonly for f in children.values()),
            required=any(f.required for f in children.values()),
        )
    return out


def subtype_for(cls: type, value: dict) -> type:
    """The polymorphic subclass a body selects through its discriminator, else ``cls``."""
    disc = table_for(cls).discriminator
    tag = value.get(disc) if disc else None
    if not isinstance(tag, str):
        return cls
    if is_hybrid(cls):
        candidates = dict(getattr(cls, "__mapping__", {}) or {})
    else:
        names = next(iter(cls._subtype_map.values()))
        models = sys.modules[cls.__module__]
        candidates = {k: getattr(models, v, None) for k, v in names.items()}
    for key, sub in candidates.items():
        if key.lower() == tag.lower() and isinstance(sub, type) and issubclass(sub, cls):
            return sub
    return cls
