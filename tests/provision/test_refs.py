"""Reading resource ids (refs.parse, the one parser) and case-insensitive lookup (caseless.py)."""

from __future__ import annotations

import pytest

from generator.provision.backend import BackendError
from generator.provision.caseless import dig, lookup, props, same_id
from generator.provision.refs import parse, scope_of, within

SUB = "/subscriptions/s"
SUBNET = f"{SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a"


@pytest.mark.parametrize("rid", [SUBNET, SUBNET.replace("resourceGroups", "resourcegroups")
                                 .replace("providers", "Providers")])
def test_parse_reads_an_id_in_any_case(rid):
    p = parse(rid)
    assert (p.subscription, p.rg, p.namespace, p.types, p.names) == (
        "s", "rg", "Microsoft.Network", ("virtualNetworks", "subnets"), ("v", "a"))
    assert p.type == "microsoft.network/virtualnetworks/subnets"
    assert same_id(p.scope, f"{SUB}/resourceGroups/rg")


def test_parse_scopes_of_extension_resources_and_resource_groups():
    assignment = parse(f"{SUBNET}/Providers/Microsoft.Authorization/roleAssignments/x")
    assert (assignment.scope, assignment.rg) == (SUBNET, "rg")
    assert scope_of(f"{SUBNET}/Providers/Microsoft.Authorization/roleAssignments/x") == SUBNET
    role = parse(f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/g")
    assert (role.scope, role.rg, role.names) == (SUB, None, ("g",))
    group = parse(f"{SUB}/resourceGroups/rg")
    assert (group.scope, group.type, group.names) == (SUB, "microsoft.resources/resourcegroups",
                                                      ("rg",))
    with pytest.raises(BackendError, match="cannot address"):
        parse(SUB)


def test_ids_and_keys_compare_in_any_case():
    assert within(SUBNET.upper(), f"{SUB}/resourcegroups/RG/")
    assert not within(f"{SUB}/resourceGroups/rg2", f"{SUB}/resourceGroups/rg")
    live = {"Properties": {"AddressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "x": None}}
    assert props(live) is live["Properties"]
    assert dig(live, "properties", "addressSpace", "AddressPrefixes") == ["10.0.0.0/16"]
    assert dig(live, "properties", "x", "y") is None
    assert lookup(None, "a") is None and props(None) == {}
