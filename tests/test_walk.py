"""generator.walk: the walk over plan values that the targets and the JSON report share."""

from __future__ import annotations

from generator.plan import Ref
from generator.walk import leaves, rebuild

IDENTITY = Ref("Microsoft.ManagedIdentity/userAssignedIdentities/id-x")
SUBNET = Ref("Microsoft.Network/virtualNetworks/vnet-x/subnets/snet-nodes")
VALUE = {
    "properties": {"subnet": {"id": SUBNET}, "prefixes": ("10.0.0.0/24", "fd00::/64")},
    "userAssignedIdentities": {IDENTITY: {}},
    "count": 3,
    "tags": None,
}


def mark(leaf):
    return f"<{leaf.ref}>" if isinstance(leaf, Ref) else leaf


def test_rebuild_maps_every_leaf_and_keeps_the_shape():
    assert rebuild(VALUE, mark) == {
        "properties": {
            "subnet": {"id": f"<{SUBNET.ref}>"},
            "prefixes": ["10.0.0.0/24", "fd00::/64"],  # tuples become lists
        },
        "userAssignedIdentities": {f"<{IDENTITY.ref}>": {}},  # a Ref key is a leaf
        "count": 3,
        "tags": None,
    }


def test_rebuild_keeps_key_order_and_leaves_other_keys_alone():
    seen = []
    out = rebuild({"b": 1, "a": [2]}, lambda leaf: seen.append(leaf) or leaf)
    assert list(out) == ["b", "a"]
    assert seen == [1, 2]  # keys are names, not leaves


def test_rebuild_of_a_leaf_is_the_leaf_mapped():
    assert rebuild(SUBNET, mark) == f"<{SUBNET.ref}>"
    assert rebuild("text", str.upper) == "TEXT"


def test_rebuild_does_not_change_its_input():
    before = repr(VALUE)
    rebuild(VALUE, mark)
    assert repr(VALUE) == before


def test_leaves_in_order_with_ref_keys():
    assert list(leaves(VALUE)) == [SUBNET, "10.0.0.0/24", "fd00::/64", IDENTITY, 3, None]
    assert list(leaves({})) == []
    assert list(leaves("x")) == ["x"]
